// Order-level mode (`tandem check --mode orders`): a discrete-event simulation in which every
// order, side-load ticket and return is a job of its own, for one Monte Carlo scenario at a time.
// It reads the same compiled model, run plans and demand draws as the fluid Simulator and
// answers the same questions (promise measurements, attribution of late units' waiting, daily
// arrivals and peak backlogs, economics), so CheckRunner summarises both modes with one code
// path. See docs/engine.md, "Order-level mode".
//
// The model, in short:
//  * Arrivals. A day's count comes from the scenario's draws (baseline and campaign increment
//    drawn separately, as in fluid mode); within the day the orders are a Poisson process:
//    conditionally on the count, independent times from the intraday shape. With `noise:
//    none` the order times are deterministic: order j of an offering arrives when its cumulative
//    expected demand reaches j + 1/2.
//  * Resources. A throughput resource of capacity c (units per open hour) is n = ceil(c) parallel
//    servers (c as written; changes and bookings change each server's speed, capacity(t) / n,
//    not their number). An order's work at a resource is `per_unit` times an exponential
//    requirement of mean 1 (deterministic when every offering has `noise: none`), so a resource
//    of integer capacity c that is always open is an M/M/c queue with service rate 1 per hour
//    per server. Servers only work during open hours (their clock is the resource's cumulative
//    capacity), queues are FIFO (first come, first to the next free server), and an order moves
//    on at its start plus `processing_time`, as in fluid mode.
//  * Stock. Orders take whole units from stock first come, first served; planned receipts and
//    restocked returns flow in evenly over their day; backorders are served in order as soon as
//    a whole unit has come in. Receipts that do not fit in the space are refused per step.
//  * Side loads: floor(per_unit) tickets per order plus one more with probability equal to the
//    fraction, `lag` after the order. Returns: each delivered order comes back with the return
//    rate of its order day, `return_lag` after delivery.
//
// Common random numbers: each order's random needs (its service requirements, whether it comes
// back, its tickets) come from a key that depends only on (seed, scenario, offering, day,
// baseline or increment, index), so the run without a campaign sees the same baseline orders
// with the same needs.
//
// Speed (docs/performance.md, "Order-level mode speed"): events are kept per step and a step's
// events are bucket-sorted when it opens; each resource's server free times are a 4-ary heap; a
// day's random orders are bucket-sorted on their uniforms; the run without a campaign continues
// from a Fork of the run with it instead of simulating the days they share.
//
// An OrderSimulator owns its buffers, reused across runs: not thread-safe; use one per thread.
// The CompiledModel and RunPlans are shared read-only.
#ifndef TANDEM_SRC_ENGINE_ORDER_SIMULATOR_H_
#define TANDEM_SRC_ENGINE_ORDER_SIMULATOR_H_

#include <cstdint>
#include <vector>

#include "engine/compiled_model.h"
#include "engine/measure.h"
#include "engine/simulator.h"

namespace tandem::engine {

// Units below this are rounding, not units (order_simulator*.cc).
inline constexpr double kUnitTolerance = 1e-9;

class OrderSimulator {
 public:
  // One order (a unit of an offering) and what happened to it; times in steps.
  struct Order {
    double placed = 0;
    double entered = kNever;  // left stock (or placed, unstocked) and entered its route
    double exit = kNever;     // after the last route stage's processing; kNever if not by the end
    uint64_t key = 0;         // source of the order's own random needs
    int32_t offering = 0;
    int32_t day = 0;           // order day (horizon day index)
    uint32_t first_stage = 0;  // its route stages in Stages(): [first_stage, + route length)
    uint8_t next_stage = 0;
    bool at_once = false;  // served from stock on arrival (stocked offerings)
  };
  // An order's passage through one resource of its route.
  struct Stage {
    double arrival = kNever;
    double start = kNever;  // when its turn came (kNever: not within the simulation)
  };
  // A side-load ticket or a return at its resource.
  struct SideJob {
    double arrival = 0;
    double start = kNever;
    double done = kNever;  // start + processing time
    int32_t order = 0;
    int32_t resource = 0;
    uint32_t purpose = 0;  // which of its order's random needs draws its service
    bool is_return = false;
  };

  explicit OrderSimulator(const CompiledModel& model);

  // The state of a run at the start of a day: a run that agrees with it before that day (the
  // run without a campaign, before the campaign can make a difference) continues from it
  // instead of simulating those days again. Filled by Run, used by RunFrom.
  struct Fork;

  // Simulates one scenario's run with the plan's campaigns. `draws` are the scenario's draws and
  // `demand` = BuildRunDemand(model, plan.included, draws.base, draws.increment). Fills `totals`.
  // With `fork_days` (ascending), saves the state at the start of each of those days in `forks`
  // (resized to match; buffers reused from call to call).
  void Run(const RunPlan& plan, const ScenarioDraws& draws, const RunDemand& demand, uint64_t seed,
           int64_t scenario, RunTotals* totals, const std::vector<int>& fork_days = {},
           std::vector<Fork>* forks = nullptr);
  // Continues from `fork` (saved by Run with the same model) with another plan and the demand of
  // the fork's scenario. REQUIRES: before fork.day, `plan` and `demand` agree with the run that
  // saved it (the same demand, receipts and return policies), and the capacities agree at every
  // step (a job that arrived before the fork had its start computed from the capacities after it).
  void RunFrom(const Fork& fork, const RunPlan& plan, const ScenarioDraws& draws,
               const RunDemand& demand, RunTotals* totals);

  // --- results of the last run ---
  // `lane` is ignored (one scenario per run): the signatures match Simulator's so that the
  // check's summaries serve both modes.
  double DayArrivals(int resource, int day, int /*lane*/) const {
    return run_.day_arrivals[Cell(day, resource)];
  }
  double DayMaxBacklog(int resource, int day, int /*lane*/) const {
    return run_.day_max_backlog[Cell(day, resource)];
  }
  // Work waiting when the day starts (carried over from earlier days).
  double DayStartBacklog(int resource, int day, int /*lane*/) const {
    return run_.day_start_backlog[Cell(day, resource)];
  }
  // The promise's achieved share in the last run; adds late orders' waiting per resource and
  // per offering's stock (availability: units not served at once) to `attribution` when given.
  Measurement Measure(const PromiseSpec& spec, Attribution* attribution,
                      LeadHistogram* histogram = nullptr) const;
  // The binding resource's (or stock's) backlog over the promise's period, as Measurer::Story.
  BacklogStory Story(const PromiseSpec& spec, int binding) const;

  const std::vector<Order>& Orders() const { return run_.orders; }
  const std::vector<Stage>& Stages() const { return run_.stages; }
  const std::vector<SideJob>& SideJobs() const { return run_.side_jobs; }
  int Servers(int resource) const { return servers_[static_cast<size_t>(resource)]; }

 private:
  // An event: an order reaching its next route stage, or a side job (ticket, return) reaching
  // its resource. Events are kept per step; a step's events are handled in time order, ties in
  // the order they were scheduled.
  struct Event {
    double time;
    uint32_t id;        // order index, or side-job index with kSideBit
    uint32_t sequence;  // scheduling order among the events added while their step is open
  };
  static constexpr uint32_t kSideBit = 0x80000000u;
  struct ResourceState {
    // When each server is next free, in cumulative capacity: a 4-ary min-heap of `servers`
    // values, padded with +infinity so that every node has four children.
    std::vector<double> free_at;
    int64_t pointer = 0;  // capacity search position (starts never go back in time)
    std::vector<std::pair<double, double>> waiting;  // (start, work) of jobs not yet started, FIFO
    size_t waiting_head = 0;
    double waiting_work = 0;
  };
  struct StockState {
    double stock = 0;
    double clock = 0;                  // time up to which inflow has been added
    std::vector<uint32_t> backorders;  // order indices waiting for stock, FIFO
    size_t head = 0;
    std::vector<uint32_t> today;  // today's new orders, by time
  };
  // Everything a run changes: what a Fork saves.
  struct State {
    int day = 0;  // the next day to simulate
    std::vector<Order> orders;
    std::vector<Stage> stages;
    std::vector<SideJob> side_jobs;
    std::vector<std::vector<Event>> buckets;  // per step: the events due in it
    int64_t next_step = 0;                    // the first step whose events are not handled
    std::vector<ResourceState> resources;
    std::vector<StockState> stock;
    std::vector<std::vector<double>> restock;  // per offering, per day: returned units in stock
    std::vector<double> day_arrivals;          // [day][resource]
    std::vector<double> day_max_backlog;       // [day][resource]
    std::vector<double> day_start_backlog;     // [day][resource]: waiting when the day starts
    std::vector<double> started_on_booked;     // [step][resource], resources with bookings only
    std::vector<double> resource_cost;         // per resource
    std::vector<double> returned;              // per offering
    std::vector<double> refused;               // per space
    std::vector<double> return_policy_cost;    // per component
    std::vector<double> expected_seen;  // per offering: cumulative expected units (noise: none)
    std::vector<double> return_credit;  // per offering: fractional returns carried (noise: none)
    std::vector<double> load_credit;    // per (offering, load): fractional tickets carried
  };

 public:
  struct Fork {
    State state;
    uint64_t seed = 0;
    int64_t scenario = 0;
  };

 private:
  size_t Cell(int day, int resource) const {
    return static_cast<size_t>(day) * resources_ + static_cast<size_t>(resource);
  }
  void Reset(const RunPlan& plan);
  void SetPlan(const RunPlan& plan);
  // Days from run_.day to the end; saves forks on the way. Then fills `totals`.
  void Continue(const ScenarioDraws& draws, const RunDemand& demand, RunTotals* totals,
                const std::vector<int>& fork_days, std::vector<Fork>* forks);
  void GenerateOrders(const ScenarioDraws& draws, const RunDemand& demand, int day);
  // Appends `count` orders of `offering` on `day` at random times (part 0 baseline, 1 increment)
  // to scratch_, with their uniforms' buckets in scratch_bucket_.
  void AddRandomOrders(int offering, int day, int part, double count);
  // Sorts scratch_ by (time, key) in expected linear time (bucket sort on the uniforms).
  void SortScratch();
  void AddOrder(int offering, int day, double time, uint64_t key);
  void StockDay(int day);
  void ServeFromStock(uint32_t index, double time, bool at_once);
  // Adds inflow up to `to` at `rate` units per step, serving backorders as whole units come in.
  void AdvanceStock(int offering, double to, double rate);
  void EnterRoute(uint32_t index, double time);
  void Deliver(uint32_t index, double delivered);
  void Push(double time, uint32_t id);
  // Handles every event before `until`, in time order (ties in the order they were scheduled).
  void RunEvents(double until);
  void Handle(const Event& event);
  double ShapeInverse(int shape, double p) const;
  // A job of `work` arriving at `resource` at `time`: when its turn comes (FIFO, first free
  // server). `uniform` draws its service requirement.
  double Serve(int resource, double time, double work, double uniform);
  double CumulativeAt(int resource, double time) const;
  void RecordDayStart(int day);

  const CompiledModel& model_;
  const RunPlan* plan_ = nullptr;
  size_t resources_ = 0;
  std::vector<int> servers_;  // per resource
  bool deterministic_service_ = false;
  uint64_t seed_ = 0;
  int64_t scenario_ = 0;
  uint64_t scenario_key_ = 0;
  std::vector<size_t> load_slot_;  // per offering: its first load's index in load_credit
  static constexpr int kGuidePerStep = 32;
  std::vector<double> shape_cumulative_;  // per shape: [steps_per_day + 1], for inverse sampling
  std::vector<int> shape_guide_;          // per shape: [kGuidePerStep * steps_per_day] first steps
  std::vector<char> booked_;              // per resource: the plan adds bookings

  State run_;
  // The step being handled: its events sorted (added before it opened), and a heap of those
  // added while it is open.
  int64_t open_step_ = -1;
  std::vector<Event> open_sorted_;
  std::vector<Event> open_late_;
  uint32_t late_sequence_ = 0;
  std::vector<uint32_t> sort_count_;  // bucket sort counters
  // A day's random orders of one offering: (time, key), and the bucket of each one's uniform.
  std::vector<std::pair<double, uint64_t>> scratch_;
  std::vector<std::pair<double, uint64_t>> scratch_sorted_;
  std::vector<uint32_t> scratch_bucket_;
  uint32_t scratch_buckets_ = 1;
};

}  // namespace tandem::engine

#endif  // TANDEM_SRC_ENGINE_ORDER_SIMULATOR_H_
