#include "tandem/common/cpu_counter.h"

#include <time.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tandem::cpu {
namespace {

constexpr size_t kParts = static_cast<size_t>(Part::kCount);
constexpr size_t kCalls = static_cast<size_t>(Call::kCount);

struct Cell {
  std::atomic<int64_t> nanoseconds{0};
  std::atomic<int64_t> units{0};
};

struct Table {
  std::array<std::array<Cell, kParts + 1>, kCalls> cells;  // the last column: the calls' totals
  std::atomic<int> current{0};
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

void Print() {
  Table& table = TheTable();
  // Outside the search calls: the process's CPU time less theirs.
  int64_t outside = Nanoseconds(CLOCK_PROCESS_CPUTIME_ID);
  for (size_t call = 1; call < kCalls; ++call) outside -= table.cells[call][kParts].nanoseconds;
  table.cells[0][kParts].nanoseconds = outside;
  table.cells[0][kParts].units = 1;
  std::fprintf(stderr, "cpu counter (CPU seconds; calls, or units: scenarios / measurements)\n");
  std::fprintf(stderr, "%-18s", "part");
  for (size_t call = 0; call < kCalls; ++call) std::fprintf(stderr, " %20s", CallName(call));
  std::fprintf(stderr, "\n");
  for (size_t part = 0; part <= kParts; ++part) {
    std::fprintf(stderr, "%-18s", part < kParts ? PartName(part) : "total (process)");
    for (size_t call = 0; call < kCalls; ++call) {
      const Cell& cell = table.cells[call][part];
      std::fprintf(stderr, " %9.2f %10lld", static_cast<double>(cell.nanoseconds.load()) * 1e-9,
                   static_cast<long long>(cell.units.load()));
    }
    std::fprintf(stderr, "\n");
  }
}

}  // namespace

bool Enabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("TANDEM_CPU_COUNTER");
    const bool on = value != nullptr && std::strcmp(value, "0") != 0;
    if (on) std::atexit(Print);
    return on;
  }();
  return enabled;
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
