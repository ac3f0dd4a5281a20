// Measuring promises on one run of the flow (the "with every campaign" run of a scenario).
//
// Lead times come from cumulative curves (Newell): at a FIFO resource the unit that arrives
// when cumulative arrivals reach n starts when cumulative starts reach n. For each step we
// compute the start time of the step's first and last arrivals and interpolate linearly
// between them; a unit's route is followed stage by stage (arrival -> start -> + processing
// time -> next stage), then transit. The share of a step's orders within the promise's bound
// is then exact for that piecewise-linear model. Private to the engine; not thread-safe (one
// Measurer per thread).
#ifndef TANDEM_SRC_ENGINE_MEASURE_H_
#define TANDEM_SRC_ENGINE_MEASURE_H_

#include <cstdint>
#include <vector>

#include "engine/compiled_model.h"
#include "engine/simulator.h"
#include "tandem/model/scenario.h"

namespace tandem::engine {

// A promise resolved against the compiled model.
struct PromiseSpec {
  int campaign = -1;  // -1: standing (messaging)
  int index = 0;      // position in the campaign's promises or in messaging
  Promise promise;
  std::vector<int> offerings;  // covered offerings (availability: stocked ones)
  // Per covered offering: the rank of its component (CompiledModel::offering_component) among
  // the spec's, in component order; empty when they are all in one. A promise over several
  // components sums its units per component, then the components' sums in this order.
  std::vector<int> slot;
  int slots = 1;
  int first_day = 0;  // covered order days, horizon day indices, inclusive
  int last_day = 0;
  bool weekly = false;     // standing: the worst ISO week counts
  int resource = -1;       // response: throughput index
  double bound_steps = 0;  // kWithin deadline in steps
};

// Attribution of late units' waiting, indexed [resource] then [num_resources + offering] for
// the stock of an offering.
using Attribution = std::vector<double>;

// Lead times of covered units: mass per bin of `bin_steps`, the last element for later or never.
struct LeadHistogram {
  double bin_steps = 1;
  std::vector<double> mass;
  void Add(double from_steps, double to_steps, double amount);
};

struct Measurement {
  double achieved = 1;  // share within the promise (worst week for standing promises)
  double covered = 0;   // covered units
};

// Figures for an explanation, from one run.
struct BacklogStory {
  bool stock = false;  // the binding "resource" is an offering's stock
  int index = -1;      // resource, or offering when stock
  bool falls_behind = false;
  double falls_behind_step = 0;
  double peak = 0;
  int64_t peak_step = 0;
  double day_capacity = 0;  // mean capacity of a day around the peak (stock: supply per day)
  bool behind_at_start = false;
  double closed_share = 0;  // share of the period's steps with no capacity
};

// The steps a promise's story looks at, [first, last): from its period's first day to the end of
// its last day plus its bound (the last units it covers may finish that late), cut at the grid's
// end. One definition for the fluid and the order-level stories (measure_story.cc).
struct StepRange {
  int64_t first = 0;
  int64_t last = 0;
};
StepRange StoryPeriod(const TimeGrid& grid, const PromiseSpec& spec);

// The story of throughput resource `binding` over `spec`'s period from its backlog after each
// step ([total_steps]), in fluid and order-level mode alike (measure_story.cc).
BacklogStory ThroughputStory(const CompiledModel& model, const RunPlan& plan,
                             const PromiseSpec& spec, int binding, const double* backlog);

// A standing time promise's weeks as one run measured them, for a run that forks from it
// (Measurer::Measure's `record` and `reuse`).
struct WeekRecord {
  std::vector<double> covered, kept;  // [slot][week]: covered and kept units, summed in order
  std::vector<double> reach;  // per week: the latest exit time of its units (kNever: some never)
  std::vector<char>
      identity;  // per offering of the spec: stocked, and its stock curve the identity
};

// A run forked at step `fork_step` from the run `prior` recorded: the weeks whose units all left
// before what the forked run can change are taken from `prior` instead of measured (see
// Measurer::SafeWeeks). `status_only`: the caller reads only whether the scenario keeps the
// promise (KeptIn), so once the weeks taken from `prior` already fall short, the rest is not
// measured and the measurement's `achieved` is their worst week's share, an upper bound of the
// whole run's (rounded to float, never kept where the exact figure would be).
struct WeekReuse {
  const WeekRecord* prior = nullptr;
  int64_t fork_step = 0;
  bool status_only = false;
};

// Whether a scenario whose measured share is `achieved` keeps the promise (scenario-format.md:
// its share at least the promise's). The one definition the check's counts and statuses use.
inline bool KeptIn(const PromiseSpec& spec, float achieved) {
  return static_cast<double>(achieved) >= spec.promise.share - 1e-9;
}

// Whether `spec` can be measured with others of its family (Measurer::MeasureFamily): a
// delivery, processing or response promise.
bool FamilyMeasurable(const PromiseSpec& spec);
// Whether `a` and `b` are levels of one promise: the same measurement but for the deadline
// (within, bound_steps), the cut-off and the share, which MeasureFamily takes per spec.
bool SameFamily(const PromiseSpec& a, const PromiseSpec& b);

class Measurer {
 public:
  // Measures lane `lane` of the simulator's last measured run, whose demand is `demand`.
  Measurer(const CompiledModel& model, const Simulator& simulator, const RunPlan& plan,
           const RunDemand& demand, int lane);
  // A Measurer to Reset before each use: its buffers are reused from lane to lane and batch to
  // batch (a year's curves are megabytes; allocating them afresh costs more than filling them).
  Measurer(const CompiledModel& model, const Simulator& simulator, const RunPlan& plan);
  void Reset(const RunDemand& demand, int lane);
  // The same for a measured run of another plan (a run without a campaign, forked; measure.h's
  // curves read the plan's capacities); the next Reset without it returns to the constructor's.
  void Reset(const RunDemand& demand, int lane, const RunPlan& plan);

  // `record` (a standing delivery or processing promise): its weeks, for runs forked from this
  // one; `reuse`: a forked run's, with the run it forked from's record (no attribution or
  // histogram then). Other promises ignore both.
  Measurement Measure(const PromiseSpec& spec, Attribution* attribution,
                      LeadHistogram* histogram = nullptr, WeekRecord* record = nullptr,
                      const WeekReuse* reuse = nullptr);
  // The binding resource's backlog over the promise's period, for the explanation.
  BacklogStory Story(const PromiseSpec& spec, int binding);
  // Measures `count` promises of one family (SameFamily: the levels of one promise, which
  // differ only in deadline and cut-off) as Measure(spec, nullptr) would one by one, in one walk
  // of the period: a step's exit times (time promises) or arrivals (response promises) are
  // computed once for all of them. out[i] is specs[i]'s measurement, bit for bit.
  // REQUIRES: count >= 1; every spec SameFamily as specs[0] and FamilyMeasurable.
  void MeasureFamily(const PromiseSpec* const* specs, size_t count, Measurement* out);

 private:
  struct Curve {
    bool ready = false;
    bool identity = false;   // stock: every unit left stock when ordered (low = t, high = t + 1)
    int64_t built_from = 0;  // low and high hold steps [built_from, built_to) (StockCurve)
    int64_t built_to = 0;
    const double* low = nullptr;                  // start time of the first arrivals of each step
    const double* high = nullptr;                 // start time of the last arrivals of each step
    std::vector<double> low_values, high_values;  // their storage
  };

  const Curve& ResourceCurve(int resource);
  // The stock curve of `offering`, valid over steps [from, to) at least: built over that range
  // when first asked for in this lane (a promise reads its period's steps), over the whole run
  // when asked again for steps outside it. An identity curve holds no steps.
  const Curve& StockCurve(int offering, int64_t from, int64_t to);
  // The stock curves of `spec`'s stocked offerings over its period from `from_day`.
  void BuildStockCurves(const PromiseSpec& spec, int from_day);
  double Evaluate(const Curve& curve, double time, bool from_left) const;
  // Exit time (after the last stage's processing) of an order at `order_time` of `offering`.
  // `waits` (when not null) receives each stage's wait, and the stock's.
  double RouteExit(int offering, int64_t order_step, bool left_end, std::vector<double>* waits);
  double RouteFrom(const CompiledOffering& compiled, double time, bool from_left,
                   std::vector<double>* waits);
  // RouteFrom at a step boundary, cached per route. REQUIRES: `compiled` is in the model.
  double CachedRouteExit(const CompiledOffering& compiled, double time, bool from_left);
  void RouteFromBoth(const CompiledOffering& compiled, double time, double* from_left,
                     double* from_right);
  // Per (route, transit) of a time promise: exit times and kept share of units entering the
  // route when ordered, per step of the promise's period (MeasureTime).
  struct TimeGroup {
    int route = -1;
    double transit = 0;
    const CompiledOffering* compiled = nullptr;  // one of them
    std::vector<double> exit_low, exit_high, kept_share;
    std::vector<char> ready;
  };
  TimeGroup& Group(const PromiseSpec& spec, int offering, double transit);
  void FillGroupStep(const PromiseSpec& spec, TimeGroup& group, int64_t step, size_t i);
  bool LeavesStockAtOnce(int offering, int64_t step);
  std::vector<TimeGroup> time_groups_;  // the first groups_used_ are the current promise's
  size_t groups_used_ = 0;
  std::vector<double> cut_of_slot_;  // the current promise's CutoffShare per step of the day
  std::vector<char> checked_;        // SafeWeeks: per resource, its curve already checked
  // Exit times of units entering a route at each step boundary, filled as needed.
  // A value is valid for the current lane when its stamp is generation_: Reset invalidates
  // every table at once instead of refilling megabytes per lane.
  struct CachedExit {
    double from_left = 0;   // entering at t, as the last units of step t - 1
    double from_right = 0;  // entering at t, as the first units of step t
    uint32_t stamp = 0;
  };
  struct RouteTable {
    std::vector<CachedExit> exits;  // per step boundary
  };
  uint32_t generation_ = 1;

  Measurement MeasureTime(const PromiseSpec& spec, Attribution* attribution,
                          LeadHistogram* histogram, WeekRecord* record, const WeekReuse* reuse);
  void TakeWaits(int offering, double late, std::vector<double>* low_waits,
                 std::vector<double>* high_waits, Attribution* attribution) const;
  // MeasureFamily's two walks (measure.cc, measure_response.cc).
  void MeasureTimeFamily(const PromiseSpec* const* specs, size_t count, Measurement* out);
  void MeasureResponseFamily(const PromiseSpec* const* specs, size_t count, Measurement* out);
  // Adds the response arrivals of `spec`'s covered orders to scratch_ (MeasureResponse), and
  // returns the steps touched, [*touched_begin, *touched_end).
  void ResponseArrivals(const PromiseSpec& spec, int64_t* touched_begin, int64_t* touched_end);
  std::vector<double> family_cuts_;  // MeasureTimeFamily: [spec][step of the day]
  // How many leading weeks of `spec` a forked run measures exactly as reuse.prior did.
  int SafeWeeks(const PromiseSpec& spec, const WeekReuse& reuse);
  // The first step before `fork_step` whose start times reach fork_step or never come (else
  // fork_step): before it, the curve is the forked run's, bit for bit.
  static int64_t AgreesBefore(const Curve& curve, int64_t fork_step);
  // The same for `resource`'s start curve in this lane: from the curve when it is built, else
  // by running its loop only that far (Simulator::StartCurveReaches).
  int64_t ResourceAgreesBefore(int resource, int64_t fork_step) const;
  Measurement MeasureAvailability(const PromiseSpec& spec);
  // `record` and `reuse` as for MeasureTime (a standing promise's weeks), measure_response.cc.
  Measurement MeasureResponse(const PromiseSpec& spec, Attribution* attribution,
                              LeadHistogram* histogram, WeekRecord* record = nullptr,
                              const WeekReuse* reuse = nullptr);
  // How many leading weeks of a response promise on `resource` a run forked at
  // `fork_step` measures exactly as the run it forked from; `first_step`: where the rest starts.
  int ResponseSafeWeeks(int resource, int64_t fork_step, int64_t* first_step);
  double CutoffShare(const PromiseSpec& spec, int64_t step) const;
  // Continued runs: outcomes of the pending orders a time promise covers, by placement day.
  struct PendingOutcome {
    int day;
    double units;
    double kept;
    int slot;  // PromiseSpec::slot of its offering
  };
  void AddPendingOrders(const PromiseSpec& spec, bool delivery, std::vector<PendingOutcome>* out);
  std::vector<PendingOutcome> pending_;

  const CompiledModel& model_;
  const Simulator& simulator_;
  const RunPlan& own_plan_;
  const RunPlan* plan_;
  const RunDemand* demand_ = nullptr;
  int lane_ = 0;
  std::vector<Curve> resource_curves_;
  std::vector<Curve> stock_curves_;
  std::vector<int> route_of_;  // per offering: index into route_tables_
  std::vector<RouteTable> route_tables_;
  std::vector<double> scratch_;                     // response: covered arrivals per step
  std::vector<double> entries_, ordered_, served_;  // stock curves' inputs
};

// Share of [0, limit] where g(f) = g_low + f (g_high - g_low) <= 0. Infinite ends are late.
double WithinLength(double g_low, double g_high, double limit);

}  // namespace tandem::engine

#endif  // TANDEM_SRC_ENGINE_MEASURE_H_
