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

  // Simulates one scenario's run with the plan's campaigns. `draws` are the scenario's draws and
  // `demand` = BuildRunDemand(model, plan.included, draws.base, draws.increment). Fills `totals`.
  void Run(const RunPlan& plan, const ScenarioDraws& draws, const RunDemand& demand, uint64_t seed,
           int64_t scenario, RunTotals* totals);

  // --- results of the last run ---
  // `lane` is ignored (one scenario per run): the signatures match Simulator's so that the
  // check's summaries serve both modes.
  double DayArrivals(int resource, int day, int /*lane*/) const {
    return day_arrivals_[Cell(day, resource)];
  }
  double DayMaxBacklog(int resource, int day, int /*lane*/) const {
    return day_max_backlog_[Cell(day, resource)];
  }
  // The promise's achieved share in the last run; adds late orders' waiting per resource and
  // per offering's stock (availability: units not served at once) to `attribution` when given.
  Measurement Measure(const PromiseSpec& spec, Attribution* attribution,
                      LeadHistogram* histogram = nullptr) const;
  // The binding resource's (or stock's) backlog over the promise's period, as Measurer::Story.
  BacklogStory Story(const PromiseSpec& spec, int binding) const;

  const std::vector<Order>& Orders() const { return orders_; }
  const std::vector<Stage>& Stages() const { return stages_; }
  const std::vector<SideJob>& SideJobs() const { return side_jobs_; }
  int Servers(int resource) const { return servers_[static_cast<size_t>(resource)]; }

 private:
  struct Event {
    double time;
    uint64_t sequence;
    uint32_t id;  // order index, or side-job index
    bool side;
  };
  struct ResourceState {
    std::vector<double> free_at;  // min-heap: when each server is next free, in cumulative capacity
    int64_t pointer = 0;          // capacity search position (starts never go back in time)
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

  size_t Cell(int day, int resource) const {
    return static_cast<size_t>(day) * resources_ + static_cast<size_t>(resource);
  }
  void Reset(const RunPlan& plan);
  void GenerateOrders(const ScenarioDraws& draws, const RunDemand& demand, int day);
  // Appends `count` orders of `offering` on `day` at random times (part 0 baseline, 1 increment).
  void AddRandomOrders(int offering, int day, int part, double count);
  void AddOrder(int offering, int day, double time, uint64_t key);
  void StockDay(int day);
  void ServeFromStock(uint32_t order, double time, bool at_once);
  // Adds inflow up to `to` at `rate` units per step, serving backorders as whole units come in.
  void AdvanceStock(int offering, double to, double rate);
  void EnterRoute(uint32_t order, double time);
  void Deliver(uint32_t order, double delivered);
  void Push(double time, uint32_t id, bool side);
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
  std::vector<size_t> load_slot_;  // per offering: its first load's index in load_credit_
  static constexpr int kGuidePerStep = 4;
  std::vector<double> shape_cumulative_;  // per shape: [steps_per_day + 1], for inverse sampling
  std::vector<int> shape_guide_;          // per shape: [kGuidePerStep * steps_per_day] first steps
  std::vector<double> expected_seen_;     // per offering: cumulative expected units (noise: none)
  std::vector<double> return_credit_;     // per offering: fractional returns carried (noise: none)
  std::vector<double> load_credit_;       // per (offering, load): fractional tickets carried

  std::vector<Order> orders_;
  std::vector<Stage> stages_;
  std::vector<SideJob> side_jobs_;
  std::vector<std::vector<Event>> buckets_;  // per step: the events due in it
  int64_t open_step_ = -1;                   // the step being processed (its bucket is a heap)
  int64_t next_step_ = 0;
  uint64_t sequence_ = 0;
  std::vector<ResourceState> state_;
  std::vector<StockState> stock_;
  std::vector<std::vector<double>> restock_;  // per offering, per day: returned units back in stock
  std::vector<double> day_arrivals_;          // [day][resource]
  std::vector<double> day_max_backlog_;       // [day][resource]
  std::vector<double> started_on_booked_;     // [step][resource], resources with bookings only
  std::vector<char> booked_;                  // per resource: the plan adds bookings
  std::vector<double> resource_cost_;         // per resource
  std::vector<double> returned_;              // per offering
  std::vector<double> refused_;               // per space
  double return_policy_cost_ = 0;
  std::vector<std::pair<double, uint64_t>> scratch_;  // (time, key) of a day's random orders
};

}  // namespace tandem::engine

#endif  // TANDEM_SRC_ENGINE_ORDER_SIMULATOR_H_
