#include "tandem/common/cpu_counter.h"

#include <time.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace tandem::cpu {
namespace {

struct Cell {
  std::atomic<int64_t> nanoseconds{0};
  std::atomic<int64_t> units{0};
};

struct Table {
  std::array<std::array<Cell, kParts + 1>, kCalls> cells;  // the last column: the calls' totals
  std::atomic<int> current{0};
  // The process CPU time at the last Reset (0: the process's start), and whether the counter was on
  // since. Only Enable, Reset and Report touch them.
  std::mutex mutex;
  int64_t process_start = 0;
  bool was_on = false;
};

Table& TheTable() {
  static Table table;
  return table;
}

const char* PartName(size_t part) {
  static constexpr std::array<const char*, kParts> kNames = {
      "demand",           "run with",      "(snapshots)",   "measure standing",
      "measure reported", "measure other", "measure extra", "attribute stock",
      "economics w/o",    "standing w/o",  "stories",       "summaries"};
  return kNames[part];
}

const char* CallName(size_t call) {
  static constexpr std::array<const char*, kCalls> kNames = {
      "other", "VerifyEach", "Verify", "VerifyVariants", "Measure", "Holds", "Feasibility"};
  return kNames[call];
}

int64_t Nanoseconds(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

double Seconds(int64_t nanoseconds) {
  return static_cast<double>(nanoseconds) * 1e-9;
}

}  // namespace

void Enable(bool on) {
  Table& table = TheTable();
  const std::lock_guard<std::mutex> lock(table.mutex);
  if (on) table.was_on = true;
  internal::enabled.store(on, std::memory_order_relaxed);
}

void Reset() {
  Table& table = TheTable();
  const std::lock_guard<std::mutex> lock(table.mutex);
  for (auto& call : table.cells) {
    for (Cell& cell : call) {
      cell.nanoseconds.store(0);
      cell.units.store(0);
    }
  }
  table.current.store(static_cast<int>(Call::kOther));
  table.process_start = Nanoseconds(CLOCK_PROCESS_CPUTIME_ID);
  table.was_on = Enabled();
}

CounterReport Report() {
  Table& table = TheTable();
  CounterReport report;
  for (size_t call = 0; call < kCalls; ++call) {
    for (size_t part = 0; part <= kParts; ++part) {
      const Cell& cell = table.cells[call][part];
      report.cells[call][part] = {Seconds(cell.nanoseconds.load()), cell.units.load()};
    }
  }
  // Outside the search calls: the process's CPU time less theirs.
  const std::lock_guard<std::mutex> lock(table.mutex);
  int64_t outside = Nanoseconds(CLOCK_PROCESS_CPUTIME_ID) - table.process_start;
  for (size_t call = 1; call < kCalls; ++call) outside -= table.cells[call][kParts].nanoseconds;
  if (table.was_on) report.cells[0][kParts] = {Seconds(outside), 1};
  return report;
}

std::string FormatReport(const CounterReport& report) {
  std::string text = "cpu counter (CPU seconds; calls, or units: scenarios / measurements)\n";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%-18s", "part");
  text += buffer;
  for (size_t call = 0; call < kCalls; ++call) {
    std::snprintf(buffer, sizeof(buffer), " %20s", CallName(call));
    text += buffer;
  }
  text += '\n';
  for (size_t part = 0; part <= kParts; ++part) {
    std::snprintf(buffer, sizeof(buffer), "%-18s",
                  part < kParts ? PartName(part) : "total (process)");
    text += buffer;
    for (size_t call = 0; call < kCalls; ++call) {
      const CounterReport::Cell& cell = report.cells[call][part];
      std::snprintf(buffer, sizeof(buffer), " %9.2f %10lld", cell.seconds,
                    static_cast<long long>(cell.units));
      text += buffer;
    }
    text += '\n';
  }
  return text;
}

int64_t ThreadNanoseconds() {
  return Nanoseconds(CLOCK_THREAD_CPUTIME_ID);
}

void Add(Part part, int64_t nanoseconds, int64_t units) {
  Table& table = TheTable();
  Cell& cell = table.cells[static_cast<size_t>(table.current.load(std::memory_order_relaxed))]
                          [static_cast<size_t>(part)];
  cell.nanoseconds.fetch_add(nanoseconds, std::memory_order_relaxed);
  cell.units.fetch_add(units, std::memory_order_relaxed);
}

Calls::Calls(Call call) : call_(call), previous_(Call::kOther) {
  if (!Enabled()) return;
  previous_ = static_cast<Call>(TheTable().current.exchange(static_cast<int>(call)));
  start_ = Nanoseconds(CLOCK_PROCESS_CPUTIME_ID);
}

Calls::~Calls() {
  if (start_ < 0) return;
  Cell& cell = TheTable().cells[static_cast<size_t>(call_)][kParts];
  cell.nanoseconds.fetch_add(Nanoseconds(CLOCK_PROCESS_CPUTIME_ID) - start_);
  cell.units.fetch_add(1);
  TheTable().current.store(static_cast<int>(previous_));
}

}  // namespace tandem::cpu
