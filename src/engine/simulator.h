// Monte Carlo scenarios: their random draws, and fluid runs of the flow with a given set of
// campaigns in place ("with" every campaign, "without" one of them).
//
// The flow model (docs/engine.md):
//  * Demand is drawn per offering and day (exact Poisson of the day's mean, optionally scaled
//    by a gamma factor) and spread over the day's steps by the intraday shape.
//  * Stocked offerings serve demand from stock in FIFO order; unmet demand waits as backorders.
//    Planned receipts arrive evenly over each day's steps; receipts that do not fit in the free
//    space are refused.
//  * Each throughput resource is a fluid FIFO queue: per step, starts = min(backlog + arrivals,
//    capacity). Units then take the resource's processing time (a delay using no capacity) and
//    move to the next resource of their route, scaled by per_unit. Where arrivals at a resource
//    go on to different next resources, each class leaves in proportion to its share of the
//    queue. Lead times are FIFO all the same: they come from the cumulative curves (StartCurve).
//  * Returns arrive return_lag after delivery, are processed by the returns resource and go back
//    into stock (from the next day). Side loads arrive `lag` after the order.
//
// Lanes. A Simulator runs kLanes scenarios in lock-step. Capacities, calendars and delays are
// the same in every scenario, so all lanes scatter to the same steps and the per-step
// arithmetic is a short loop over lanes that the compiler vectorises; only a lane's slow stock
// days, and its returns, are per lane.
//
// A Simulator owns its buffers, reused across batches and runs: not thread-safe; use one per
// thread. The CompiledModel and RunPlans are shared read-only.
#ifndef TANDEM_SRC_ENGINE_SIMULATOR_H_
#define TANDEM_SRC_ENGINE_SIMULATOR_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "engine/compiled_model.h"
#include "engine/flow_step.h"
#include "engine/lanes.h"
#include "tandem/engine/stock_plan.h"

namespace tandem::engine {

// Everything about a run that does not depend on the random draws: which campaigns are in
// place, capacities with their bookings, the stock plan and the return rates in force.
struct RunPlan {
  std::vector<char> included;                        // per campaign
  std::vector<const double*> capacity;               // per resource, [total_steps]
  std::vector<std::vector<double>> day_capacity;     // per resource, [total_days]
  std::vector<std::vector<int>> drain_day;           // per resource, [total_days]: see
  std::vector<std::vector<double>> drain_rate;       // EstimateStart (units per step)
  std::vector<std::vector<double>> receipts;         // per offering (stocked), units per day
  std::vector<StockPlan> stock_plans;                // per offering (stocked)
  std::vector<std::vector<double>> expected_counts;  // per offering, expected units per day
  std::vector<std::vector<float>> return_rate;       // per offering, by order day
  // Per offering and order day: a free-returns promise's cost per return minus the returns
  // resource's own cost (added so that each return costs what the promise says).
  std::vector<std::vector<float>> return_cost_adjustment;
  std::vector<std::vector<double>> owned_capacity;  // storage behind `capacity` where booked
  std::vector<double> step_capacity;                // [step * resources + resource]
  std::vector<double> step_cum_capacity;            // [step * resources + resource], steps 0..total
  std::vector<std::vector<double>> cum_capacity;    // per resource, [total_steps + 1]
};

RunPlan MakeRunPlan(const CompiledModel& model, const std::vector<char>& included);

// The random draws of one scenario, shared by all its runs (common random numbers).
struct ScenarioDraws {
  std::vector<double> lift;                                 // per campaign
  std::vector<std::vector<double>> base;                    // [offering][horizon day]
  std::vector<std::vector<std::vector<double>>> increment;  // [campaign][i][window day]
};

void DrawScenario(const CompiledModel& model, uint64_t seed, int64_t scenario,
                  ScenarioDraws* draws);

// A scenario's offerings' draws, which no campaign changes (docs/performance.md, "Feasibility
// trials read their offerings' draws from a cache"): per offering and horizon day, the units
// (ScenarioDraws::base), the day's mean after noise and the uniform the units were drawn with,
// which the campaigns' increments read (a campaign that lowers demand thins the units with the
// same uniform).
struct BaseDraws {
  std::vector<std::vector<double>> base;         // [offering][horizon day]
  std::vector<std::vector<double>> day_mean;     // [offering][horizon day]
  std::vector<std::vector<double>> day_uniform;  // [offering][horizon day]
};
// DrawScenario in two parts: DrawBase(model, seed, s, &base) then DrawCampaigns(model, seed, s,
// base, &draws) give draws.lift and draws.increment as DrawScenario gives them, bit for bit,
// and base.base is its draws.base (DrawCampaigns leaves draws->base alone). DrawCampaigns reads
// only `base` of the offerings' draws, so `base` may be another model's whose offerings' draws
// are the same (BaseInputsOf equal, demand_cache.h).
void DrawBase(const CompiledModel& model, uint64_t seed, int64_t scenario, BaseDraws* draws);
void DrawCampaigns(const CompiledModel& model, uint64_t seed, int64_t scenario,
                   const BaseDraws& base, ScenarioDraws* draws);

// Demand of a run: units per offering and day with the run's campaigns (caps applied), and
// what they earn.
struct RunDemand {
  std::vector<std::vector<double>> counts;  // [offering][horizon day]
  std::vector<double> revenue;              // per offering, whole horizon
  std::vector<double> sold;                 // per offering
  std::vector<double> window_revenue;       // per campaign: its offerings, its window
  std::vector<double> window_units;         // per campaign
};

// Builds counts = base + increments of included campaigns, applying caps and discounts.
// `base` is [offering][day], `increment` [campaign][i][window day] (as in ScenarioDraws).
void BuildRunDemand(const CompiledModel& model, const std::vector<char>& included,
                    const std::vector<std::vector<double>>& base,
                    const std::vector<std::vector<std::vector<double>>>& increment, RunDemand* out);

// The demand of kLanes scenarios' runs, lane-interleaved for the simulation.
struct BatchDemand {
  std::array<const RunDemand*, kLanes> lanes{};  // REQUIRES: all set
  std::vector<std::vector<double>> counts;       // [offering][day * kLanes + lane]
  void Interleave(const CompiledModel& model);
};

// What a run produced, per lane, beyond the buffers the Simulator keeps for measurement.
// Per component of the resource graph (CompiledModel::num_components): a campaign's incremental
// figures are the differences of its component's totals (docs/scale-out.md).
struct RunTotals {
  std::vector<double> contribution;  // revenue - refunds - cost of goods - resource costs
  std::vector<double>
      fulfilment_cost;  // resource costs (route, returns, side loads) and return policy costs
  std::vector<double> units_sold;
  std::vector<double> returned;  // per offering
  std::vector<double> refused;   // per space: receipts refused for lack of space
};
using BatchTotals = std::array<RunTotals, kLanes>;

// What to record of an offering in a measured run (flags of `measured_offerings`).
inline constexpr char kMeasureStockEntries = 1;    // units leaving stock per step (Entries)
inline constexpr char kMeasureReturnArrivals = 2;  // its returns' arrivals (ReturnArrivals)

// Whether a step whose first and last units start at `first` and `last` reaches `limit`: either
// starts at or after it, or never (a NaN or kNever compares false). The one test by which a run
// forked at `limit` may differ from the run it forked from (StartCurveReaches, AgreesBefore).
inline bool StartsReach(double first, double last, double limit) {
  return !(first < limit) || !(last < limit);
}

class Simulator {
 public:
  // The state of a run at the start of a day, from which another run that agrees with it
  // before that day can continue (a "without this campaign" run forks from the "with" run on
  // the first day the two can differ). Filled by Run, used by RunFrom.
  struct Fork {
    int day = -1;
    std::vector<double> state;  // every per-lane state vector, concatenated
    std::vector<int> exit_day;
    std::vector<double> ring_rows, class_ring_rows, restock_ring;  // work scheduled from `day` on
    int64_t future_to = 0;
    // Of a measured run: its returns' arrivals recorded from `day` on (ReturnArrivals), up to
    // step returns_to; RunFromMeasured continues from them.
    bool measured = false;
    std::vector<double> return_rows;
    int64_t returns_to = 0;
  };

  // `measured_resources` / `measured_offerings` flag what promise measurement needs in full:
  // start-time curves and backlogs of resources; per offering, a combination of the
  // kMeasure* flags below (each table costs megabytes and a write per step).
  Simulator(const CompiledModel& model, std::vector<char> measured_resources,
            std::vector<char> measured_offerings);

  // Where a forked run may stop early: snapshots of the run it forked from (ascending days),
  // and that run's state at its end. Both owned by the caller.
  struct Convergence {
    std::vector<const Fork*> checkpoints;
    const Fork* final_state = nullptr;
  };

  // Simulates a batch's run from the start. `measure` keeps the full curves for measurement.
  // At the start of each day in `fork_days` (one per fork) a snapshot goes to (*forks)[i];
  // `final_state` (when not null) receives the state at the end.
  void Run(const RunPlan& plan, const BatchDemand& demand, BatchTotals* totals, bool measure,
           const std::vector<int>& fork_days = {}, std::vector<Fork>* forks = nullptr,
           Fork* final_state = nullptr);
  // Continues from `fork` with another plan and demand (never measured). At a checkpoint's day,
  // if the run agrees with the checkpointed one it stops and takes the rest from it: its totals
  // are then those of the whole run, but its daily figures end there (converged_day()).
  // REQUIRES: plan and demand agree with the forked run's before fork.day.
  void RunFrom(const Fork& fork, const RunPlan& plan, const BatchDemand& demand,
               BatchTotals* totals, const Convergence& convergence);
  void RunFrom(const Fork& fork, const RunPlan& plan, const BatchDemand& demand,
               BatchTotals* totals) {
    RunFrom(fork, plan, demand, totals, Convergence());
  }
  // Continues from `fork`, a snapshot of the last measured run, to the end, measured: the
  // measurement tables then hold, before fork.day, the forked run's figures and from there on
  // this run's, as a measured run from the start with `plan` and `demand` would have them.
  // REQUIRES: fork.measured; no run since the forked one has written the tables before fork.day
  // (RunFrom writes none; a measured fork writes from its day on); plan and demand agree with the
  // forked run's before fork.day.
  // With `convergence`, it may stop early as RunFrom does: its totals are then those of the whole
  // run, but its measurement tables and daily figures end at converged_day().
  void RunFromMeasured(const Fork& fork, const RunPlan& plan, const BatchDemand& demand,
                       BatchTotals* totals, const Convergence& convergence);
  void RunFromMeasured(const Fork& fork, const RunPlan& plan, const BatchDemand& demand,
                       BatchTotals* totals) {
    RunFromMeasured(fork, plan, demand, totals, Convergence());
  }
  // The day the last RunFrom or RunFromMeasured stopped early, or -1.
  int converged_day() const { return converged_day_; }

  // --- results of the last measured run, per lane (REQUIRES: flagged as measured) ---
  // When the first and the last units arriving in each step start (steps, fractional; kNever
  // when not within the simulation). `plan` is the measured run's.
  void StartCurve(const RunPlan& plan, int resource, int lane, std::vector<double>* low,
                  std::vector<double>* high) const;
  // The first step before `limit` whose start times (StartCurve's low or high) reach `limit` or
  // never come (StartsReach), else `limit`: Measurer::AgreesBefore of the curve, without
  // building it.
  int64_t StartCurveReaches(const RunPlan& plan, int resource, int lane, int64_t limit) const;
  std::vector<double> Backlog(int resource, int lane) const;  // units waiting after each step
  void Entries(int offering, int lane,
               std::vector<double>* out) const;  // stocked: leaving stock per step
  std::vector<double> ReturnArrivals(int offering, int lane) const;
  // --- results of the last run, per lane ---
  double DayArrivals(int resource, int day, int lane) const {
    return day_arrivals_[(static_cast<size_t>(day) * num_resources_ +
                          static_cast<size_t>(resource)) *
                             kLanes +
                         static_cast<size_t>(lane)];
  }
  double DayMaxBacklog(int resource, int day, int lane) const {
    return day_max_backlog_[(static_cast<size_t>(day) * num_resources_ +
                             static_cast<size_t>(resource)) *
                                kLanes +
                            static_cast<size_t>(lane)];
  }
  // Work waiting at the resource when the day starts: carried over from earlier days.
  double DayStartBacklog(int resource, int day, int lane) const {
    return day_start_backlog_[(static_cast<size_t>(day) * num_resources_ +
                               static_cast<size_t>(resource)) *
                                  kLanes +
                              static_cast<size_t>(lane)];
  }
  double AtOnce(int offering, int day, int lane) const {
    return at_once_[(static_cast<size_t>(offering) * static_cast<size_t>(model_.grid.total_days) +
                     static_cast<size_t>(day)) *
                        kLanes +
                    static_cast<size_t>(lane)];
  }

 private:
  template <typename Visit>
  void StartCurveSteps(const RunPlan& plan, int resource, int lane, Visit visit) const;
  void Reset(const BatchDemand& demand);
  void Simulate(const RunPlan& plan, const BatchDemand& demand, int first_day, BatchTotals* totals,
                const std::vector<int>& fork_days, std::vector<Fork>* forks,
                const Convergence& convergence);
  // Every per-lane state vector, in the order of Fork::state.
  std::array<std::vector<double>*, 10> StateParts();
  std::array<const std::vector<double>*, 10> StateParts() const;
  void AppendState(std::vector<double>* out) const;
  bool AgreesWith(const Fork& checkpoint) const;
  void FinishAs(const Fork& checkpoint, const Fork& final_state);
  void SaveFork(int day, Fork* fork) const;
  void Restore(const Fork& fork);  // RunFrom's start: the state and rings of `fork`
  // Adds `amount` (one value per lane) at a fractional step into a step ring.
  void ScatterRing(std::vector<double>& ring, size_t width, size_t column, double position,
                   const double* amount);
  // Adds `first` into `step` and `second` into the step after, in a step ring.
  void Schedule(std::vector<double>& ring, size_t width, size_t column, int64_t step, LaneVec first,
                LaneVec second);
  // Adds `amount` of one lane spread evenly over [from, to] (steps) into a step ring.
  void SpreadLane(std::vector<double>& ring, size_t width, size_t column, int lane, double from,
                  double to, double amount);
  void EnterDay(const RunPlan& plan, const BatchDemand& demand, int day);
  void Totals(const BatchDemand& demand, BatchTotals* totals) const;
  void StockStage(const RunPlan& plan, const BatchDemand& demand, int day);
  void FastStockLanes(const RunPlan& plan, const BatchDemand& demand, int day, size_t offering);
  // Serves one lane's day step by step for `group` (one offering, or a space's offerings).
  void SlowStockDay(const RunPlan& plan, const BatchDemand& demand, int day, const int* group,
                    size_t size, int lane);
  void EnterRoute(int offering, int64_t step, const double* units);
  void EnterPending(int day);  // continued runs: pending orders and work of `day`
  void EnterRouteLane(int offering, int64_t step, int lane, double units);
  // Records the day's units entering their routes for returns, with an estimated delivery
  // time; FlushExits schedules their returns at the day's end.
  void RecordExits(const RunPlan& plan, const BatchDemand& demand, int day);
  // When units entering route `route` at `time` leave its last stage, per lane (before
  // transit), estimated from each stage's backlog; computed once per route and day.
  LaneVec EstimateRouteExit(const RunPlan& plan, int route, double time) const;
  // When work arriving at `time` would start at `resource`, from its backlog now.
  double EstimateStart(const RunPlan& plan, int resource, int lane, double time) const;
  void FlushExits(const RunPlan& plan, int day);
  // The flow kernel's view of this simulator's buffers for a run of `plan` (flow_step.h).
  FlowStepState FlowState(const RunPlan& plan);
  // The entries_ cell of lane 0 of `offering` (REQUIRES: entries_slot_ >= 0) at `step`. By
  // slot, then step: a day's writes and Entries' reads of one offering are contiguous (by step
  // first, an offering's consecutive steps were entries_width_ cache lines apart).
  size_t EntryCell(size_t offering, int64_t step) const {
    return (static_cast<size_t>(entries_slot_[offering]) *
                static_cast<size_t>(model_.grid.total_steps) +
            static_cast<size_t>(step)) *
           kLanes;
  }
  size_t RingRow(int64_t step) const { return static_cast<size_t>(step) & ring_mask_; }
  size_t DayRingRow(int64_t day) const { return static_cast<size_t>(day) & day_ring_mask_; }

  const CompiledModel& model_;
  size_t num_resources_ = 0;
  size_t num_classes_ = 0;
  std::vector<char> measured_resource_;
  std::vector<char> measured_offering_;
  std::vector<int> restock_slot_;  // per offering: column in the restock ring, or -1
  std::vector<int> entries_slot_;  // per offering: column in entries_, or -1
  std::vector<int> returns_slot_;  // per offering: column in return_arrivals_, or -1
  std::vector<int> route_of_;      // per offering: its sequence of resources in routes_
  std::vector<std::vector<int>> routes_;
  std::vector<LaneVec> route_exit_;  // per route: EstimateRouteExit for the day below
  std::vector<int> route_exit_day_;  // per route: the day route_exit_ holds, or -1
  size_t restock_width_ = 0, entries_width_ = 0, returns_width_ = 0;

  // Rings of scheduled work (row = step & ring_mask_, then column, then lane); a row is
  // zeroed as its step is consumed. The ring is longer than any delay.
  size_t ring_mask_ = 0;
  std::vector<double> arrival_ring_;  // [row][resource][lane]: work arriving
  std::vector<double> class_ring_;    // [row][class][lane]: the part of it each class carries
  int64_t scheduled_to_ = 0;          // rows at or after this step are zero
  size_t day_ring_mask_ = 0;
  std::vector<double> restock_ring_;  // [day row][restock slot][lane]: units back in stock
  // Measurement tables (measured runs only).
  bool measuring_ = false;
  std::vector<int> measured_slot_;       // per resource: column in the two below, or -1
  std::vector<float> arrivals_steps_;    // [measured slot][step][lane]
  std::vector<float> backlog_steps_;     // [measured slot][step][lane]
  std::vector<double> entries_;          // [entries slot][step][lane] (EntryCell)
  std::vector<double> return_arrivals_;  // [step][returns slot][lane]
  int64_t returns_to_ = 0;               // return_arrivals_ rows at or after this step are zero
  // Per day and lane.
  std::vector<double> day_arrivals_;       // [day][resource][lane]
  std::vector<double> day_max_backlog_;    // [day][resource][lane]
  std::vector<double> day_start_backlog_;  // [day][resource][lane]
  std::vector<double> at_once_;            // [offering][day][lane]
  // State, [item][lane].
  std::vector<double> backlog_, resource_cost_;                                   // per resource
  std::vector<double> stock_, backorders_, returned_, exited_, ordered_through_;  // per offering
  std::vector<double> exit_items_,
      exit_when_;                      // per offering: delivered today, and sum of items x time
  std::vector<double> entered_today_;  // per offering: units that left stock today
  std::vector<double> refused_;        // per space
  std::vector<double> return_policy_cost_;  // [component][lane]
  std::vector<double>
      class_backlog_;          // [class][lane]: work of the class waiting (resources with several)
  std::vector<int> exit_day_;  // [offering][lane]: order day of the next unit out
  std::vector<double> group_coefficient_;  // [group][lane], for the current day
  std::vector<char> exited_today_;         // per offering
  // SlowStockDay's per-offering figures of the day (scratch, reused).
  struct SlowOffering {
    size_t state = 0;           // index into the per-offering state vectors
    double* at_once = nullptr;  // the day's at_once_ cell
    double received = 0;        // receipts per step
    double count = 0;           // the day's demand
    const double* shape = nullptr;
    double restocked = 0;  // returns back in stock, per step
    double served = 0;     // this step's units out of stock
  };
  std::vector<SlowOffering> slow_;
  int64_t day_end_step_ = 0;
  int converged_day_ = -1;
  const BatchDemand* demand_ = nullptr;
};

}  // namespace tandem::engine

#endif  // TANDEM_SRC_ENGINE_SIMULATOR_H_
