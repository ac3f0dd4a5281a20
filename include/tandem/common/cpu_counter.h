// A cheap CPU-time counter for profiling the advise searches (docs/performance.md, issue 14):
// where a verification's and a capacity probe's time goes, by part of the check (the run with
// every campaign, the measurement by kind of promise, the runs without a campaign, snapshots,
// explanations) and by the search call it ran in. Off unless the environment variable
// TANDEM_CPU_COUNTER is set (to anything but "0"); then the table is printed to standard error
// when the process exits. Never in any output otherwise; off, each counting point costs one
// branch on a constant.
//
//   cpu::Calls calls(cpu::Call::kVerify);        // in the search call (one thread at a time)
//   { cpu::Timed timed(cpu::Part::kRunWith, n); ... }  // in any thread of the check
//
// Thread safety: Timed and Add from any thread; Calls from one thread at a time (the searches
// are sequential); the totals are atomic.
#ifndef TANDEM_COMMON_CPU_COUNTER_H_
#define TANDEM_COMMON_CPU_COUNTER_H_

#include <cstdint>

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
  kEconomicsWithout,  // the economics' runs without each reported campaign (and their demand)
  kStandingWithout,   // the standing promises' measured runs without each reported campaign
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

bool Enabled();
// Adds `nanoseconds` of this thread's CPU time and `units` (scenarios, measurements) to `part`
// of the current call.
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
