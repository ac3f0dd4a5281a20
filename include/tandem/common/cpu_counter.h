// A cheap CPU-time counter for profiling the advise searches (docs/performance.md, issue 14):
// where a verification's and a capacity probe's time goes, by part of the check (the run with
// every campaign, the measurement by kind of promise, the runs without a campaign, snapshots,
// explanations) and by the search call it ran in. The library only counts: it is off until a
// client calls Enable(true) (the CLI does when TANDEM_CPU_COUNTER is set), and it never prints;
// the client takes a Report() and prints FormatReport(...) where it wants. Off, each counting
// point costs one relaxed load and a branch.
//
//   cpu::Calls calls(cpu::Call::kVerify);        // in the search call (one thread at a time)
//   { cpu::Timed timed(cpu::Part::kRunWith, n); ... }  // in any thread of the check
//
// Thread safety: Timed and Add from any thread; Calls from one thread at a time (the searches
// are sequential); the totals are atomic. Enable and Reset while nothing is being counted (a
// Timed or Calls alive across them counts by the state at its start); Report from any thread.
#ifndef TANDEM_COMMON_CPU_COUNTER_H_
#define TANDEM_COMMON_CPU_COUNTER_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace tandem::cpu {

// The parts of a check. "Of which" parts are inside another one and not added to the rest.
enum class Part : int {
  kDemand,            // draws and run demand of the run with every campaign
  kRunWith,           // the run with every campaign (snapshots included)
  kSnapshots,         // of which: snapshots of it (forks, checkpoints, final state)
  kMeasureStanding,   // measurement of the standing promises (whole horizon, weekly)
  kMeasureReported,   // ... of the reported campaign's (or campaigns') promises and variants
  kMeasureOther,      // ... of the other campaigns' promises (not reported)
  kMeasureExtra,      // ... of the extra promises (relax levels, opportunity levels)
  kAttributeStock,    // availability promises' missing units by offering
  kEconomicsWithout,  // runs without each reported campaign and their demand (economics, standing)
  kStandingWithout,   // standing promises measured in them (and the runs only they need)
  kStories,           // explanations: the representative scenarios simulated again
  kSummaries,         // summaries of the promises and campaigns
  kCount
};

// The search call a check runs in.
enum class Call : int {
  kOther,        // outside a search call (a check, opportunities' level measurement)
  kVerifyEach,   // the campaigns as they are (recommend's and opportunities' base checks)
  kVerify,       // a full verification of an option
  kVariants,     // verifications of promise variants from one check
  kMeasure,      // relax levels measured
  kHolds,        // a search's feasibility trial (stops when broken)
  kFeasibility,  // a capacity probe (opportunities)
  kCount
};

inline constexpr size_t kParts = static_cast<size_t>(Part::kCount);
inline constexpr size_t kCalls = static_cast<size_t>(Call::kCount);

namespace internal {
inline std::atomic<bool> enabled{false};  // read through Enabled(), set through Enable()
}  // namespace internal

// Whether the counter counts. Off at start.
inline bool Enabled() {
  return internal::enabled.load(std::memory_order_relaxed);
}
// Turns the counter on or off.
void Enable(bool on);
// Zeroes every total (tests); the process CPU time of Report's "other" total counts from now.
void Reset();

// A snapshot of the totals.
struct CounterReport {
  struct Cell {
    double seconds =
        0;  // CPU seconds (of the counting thread for a part; of the process for a call)
    int64_t units = 0;  // scenarios or measurements for a part; calls for a call's total
  };
  // cells[call][part]; part kParts is the call's total: its process CPU time (every thread) and
  // how many calls. For Call::kOther: the process CPU time since its start (or the last Reset)
  // less the calls', and 1 unit, if the counter was on since then (zero otherwise).
  std::array<std::array<Cell, kParts + 1>, kCalls> cells{};

  const Cell& At(Call call, Part part) const {
    return cells[static_cast<size_t>(call)][static_cast<size_t>(part)];
  }
  const Cell& Total(Call call) const { return cells[static_cast<size_t>(call)][kParts]; }
};
CounterReport Report();
// The table (a header line, a line of call names, a line per part and the totals; seconds to two
// decimals), ending in a newline.
std::string FormatReport(const CounterReport& report);

// Adds `nanoseconds` of this thread's CPU time and `units` (scenarios, measurements) to `part`
// of the current call. Counts whether or not the counter is on.
void Add(Part part, int64_t nanoseconds, int64_t units);
int64_t ThreadNanoseconds();

class Timed {
 public:
  explicit Timed(Part part, int64_t units = 1)
      : part_(part), units_(units), start_(Enabled() ? ThreadNanoseconds() : -1) {}
  ~Timed() {
    if (start_ >= 0) Add(part_, ThreadNanoseconds() - start_, units_);
  }
  Timed(const Timed&) = delete;
  Timed& operator=(const Timed&) = delete;

 private:
  Part part_;
  int64_t units_;
  int64_t start_;
};

// Marks the search call in progress and counts its process CPU time (every thread).
class Calls {
 public:
  explicit Calls(Call call);
  ~Calls();
  Calls(const Calls&) = delete;
  Calls& operator=(const Calls&) = delete;

 private:
  Call call_;
  Call previous_;
  int64_t start_ = -1;
};

}  // namespace tandem::cpu

#endif  // TANDEM_COMMON_CPU_COUNTER_H_
