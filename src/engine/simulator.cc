// The fluid simulator's core: buffers, step rings, start curves, the day loop (simulator.h).
// Stock, returns and forks are in simulator_stock.cc, simulator_returns.cc, simulator_fork.cc.
#include "engine/simulator.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/flow_step.h"
#include "tandem/common/cpu_counter.h"

namespace tandem::engine {

namespace {

size_t NextPowerOfTwo(size_t value) {
  size_t out = 1;
  while (out < value) out <<= 1;
  return out;
}

}  // namespace

Simulator::Simulator(const CompiledModel& model, std::vector<char> measured_resources,
                     std::vector<char> measured_offerings)
    : model_(model),
      num_resources_(model.resources.size()),
      num_classes_(model.classes.size()),
      measured_resource_(std::move(measured_resources)),
      measured_offering_(std::move(measured_offerings)) {
  const TimeGrid& grid = model.grid;
  const size_t steps = static_cast<size_t>(grid.total_steps);
  const size_t days = static_cast<size_t>(grid.total_days);
  const size_t spd = static_cast<size_t>(grid.steps_per_day);
  const size_t num_offerings = model.offerings.size();
  restock_slot_.assign(num_offerings, -1);
  entries_slot_.assign(num_offerings, -1);
  returns_slot_.assign(num_offerings, -1);
  for (size_t o = 0; o < num_offerings; ++o) {
    const CompiledOffering& offering = model.offerings[o];
    if (offering.stocked && offering.may_return)
      restock_slot_[o] = static_cast<int>(restock_width_++);
    if (offering.stocked && (measured_offering_[o] & kMeasureStockEntries))
      entries_slot_[o] = static_cast<int>(entries_width_++);
    if (offering.may_return && (measured_offering_[o] & kMeasureReturnArrivals))
      returns_slot_[o] = static_cast<int>(returns_width_++);
  }
  // Offerings with the same sequence of resources share their delivery estimates.
  for (const CompiledOffering& offering : model.offerings) {
    std::vector<int> resources;
    for (const RouteStage& stage : offering.route) resources.push_back(stage.resource);
    const auto found = std::find(routes_.begin(), routes_.end(), resources);
    route_of_.push_back(static_cast<int>(found - routes_.begin()));
    if (found == routes_.end()) routes_.push_back(std::move(resources));
  }
  route_exit_.assign(routes_.size(), LaneVec{});
  route_exit_day_.assign(routes_.size(), -1);
  // The ring must outlast the longest delay between scheduling and consumption: a queue's
  // wait, processing, transit and return lag, side-load lags. Waits are unbounded in
  // principle; the ring covers 60 days beyond the longest fixed delay and work scheduled
  // further ahead than that is dropped (docs/engine.md).
  double longest = 0;
  for (const CompiledOffering& offering : model.offerings) {
    double route = offering.transit_steps + offering.return_lag_steps;
    for (const RouteStage& stage : offering.route) {
      float processing = 0;
      for (float value : model.resources[static_cast<size_t>(stage.resource)].processing_steps)
        processing = std::max(processing, value);
      route += static_cast<double>(processing);
    }
    longest = std::max(longest, route);
    for (const SideLoad& load : offering.loads) longest = std::max(longest, load.lag_steps);
  }
  const size_t ring = std::min(NextPowerOfTwo(static_cast<size_t>(std::ceil(longest)) + 62 * spd),
                               NextPowerOfTwo(steps + 1));
  ring_mask_ = ring - 1;
  const size_t day_ring = NextPowerOfTwo(ring / spd + 4);
  day_ring_mask_ = day_ring - 1;
  arrival_ring_.assign(ring * num_resources_ * kLanes, 0.0);
  class_ring_.assign(ring * num_classes_ * kLanes, 0.0);
  restock_ring_.assign(day_ring * restock_width_ * kLanes, 0.0);
  measured_slot_.assign(num_resources_, -1);
  size_t measured = 0;
  for (size_t r = 0; r < num_resources_; ++r) {
    if (measured_resource_[r]) measured_slot_[r] = static_cast<int>(measured++);
  }
  arrivals_steps_.assign(measured * steps * kLanes, 0.0f);
  backlog_steps_.assign(measured * steps * kLanes, 0.0f);
  entries_.assign(steps * entries_width_ * kLanes, 0.0);
  return_arrivals_.assign(steps * returns_width_ * kLanes, 0.0);
  day_arrivals_.assign(days * num_resources_ * kLanes, 0.0);
  day_max_backlog_.assign(days * num_resources_ * kLanes, 0.0);
  day_start_backlog_.assign(days * num_resources_ * kLanes, 0.0);
  at_once_.assign(num_offerings * days * kLanes, 0.0);
  backlog_.assign(num_resources_ * kLanes, 0.0);
  resource_cost_.assign(num_resources_ * kLanes, 0.0);
  stock_.assign(num_offerings * kLanes, 0.0);
  backorders_.assign(num_offerings * kLanes, 0.0);
  returned_.assign(num_offerings * kLanes, 0.0);
  exited_.assign(num_offerings * kLanes, 0.0);
  ordered_through_.assign(num_offerings * kLanes, 0.0);
  exit_items_.assign(num_offerings * kLanes, 0.0);
  exit_when_.assign(num_offerings * kLanes, 0.0);
  entered_today_.assign(num_offerings * kLanes, 0.0);
  refused_.assign(model.spaces.size() * kLanes, 0.0);
  return_policy_cost_.assign(static_cast<size_t>(model.num_components) * kLanes, 0.0);
  class_backlog_.assign(num_classes_ * kLanes, 0.0);
  exit_day_.assign(num_offerings * kLanes, 0);
  group_coefficient_.assign(model.groups.size() * kLanes, 0.0);
  exited_today_.assign(num_offerings, 0);
}

namespace {

template <typename T>
std::vector<double> LaneColumn(const std::vector<T>& table, size_t width, size_t column, int lane,
                               size_t rows) {
  std::vector<double> out(rows);
  for (size_t row = 0; row < rows; ++row) {
    out[row] =
        static_cast<double>(table[(row * width + column) * kLanes + static_cast<size_t>(lane)]);
  }
  return out;
}

// Earliest time cumulative capacity (`cumulative`, over `total` steps) reaches `work` (kStrict:
// exceeds it), searching forward from `*pointer`. Inline in StartCurve, its only caller (once
// or twice per step with a backlog, in every lane of every measured resource).
template <bool kStrict>
inline double CapacityTime(const double* cumulative, int64_t total, double work, int64_t* pointer) {
  int64_t k = *pointer;
  // Find k with cum[k] <= work < cum[k + 1] (strict) or cum[k] < work <= cum[k + 1].
  if constexpr (kStrict) {
    while (k < total && cumulative[k + 1] <= work) ++k;
  } else {
    while (k < total && cumulative[k + 1] < work) ++k;
  }
  *pointer = k;
  if (k >= total) return kNever;
  const double below = cumulative[k];
  return static_cast<double>(k) +
         std::clamp((work - below) / (cumulative[k + 1] - below), 0.0, 1.0);
}

}  // namespace

// When the first and the last units arriving in each step start: the first waits for the
// backlog ahead of it, the last also for the step's other arrivals; both once cumulative
// capacity from the step on covers that work (the resource works at capacity while it has a
// backlog, and capacity is known in advance).
template <typename Visit>
void Simulator::StartCurveSteps(const RunPlan& plan, int resource, int lane, Visit visit) const {
  const size_t steps = static_cast<size_t>(model_.grid.total_steps);
  const size_t r = static_cast<size_t>(resource);
  const size_t l = static_cast<size_t>(lane);
  const std::vector<int32_t>& next_open = model_.resources[r].next_open;
  const double* cumulative = plan.cum_capacity[r].data();
  const size_t column = static_cast<size_t>(measured_slot_[r]) * steps;
  const int64_t total = model_.grid.total_steps;
  int64_t strict = 0;
  int64_t plain = 0;
  double before = 0;
  for (size_t t = 0; t < steps; ++t) {
    const size_t cell = (column + t) * kLanes + l;
    const double arrived = static_cast<double>(arrivals_steps_[cell]);
    const double left = static_cast<double>(backlog_steps_[cell]);
    const double queue = before + arrived;
    const double capacity = cumulative[t + 1] - cumulative[t];
    const double step = static_cast<double>(t);
    double first = step;
    double last = step + 1;
    if (before > 0 || left > 0 || capacity <= 0) {
      const double opens = capacity > 0 ? step
                                        : (next_open[t] >= model_.grid.total_steps
                                               ? kNever
                                               : static_cast<double>(next_open[t]));
      strict = std::max<int64_t>(strict, static_cast<int64_t>(t));
      plain = std::max<int64_t>(plain, static_cast<int64_t>(t));
      first = before <= 0 ? opens
                          : CapacityTime<true>(cumulative, total, cumulative[t] + before, &strict);
      if (left <= 0) {
        last = capacity > 0 ? step + 1 : opens;
      } else {
        last = CapacityTime<false>(cumulative, total, cumulative[t] + queue, &plain);
      }
      first = std::max(first, step);
      last = std::max(last, first);
    }
    if (!visit(t, first, last)) return;
    before = left;
  }
}

void Simulator::StartCurve(const RunPlan& plan, int resource, int lane, std::vector<double>* low,
                           std::vector<double>* high) const {
  const size_t steps = static_cast<size_t>(model_.grid.total_steps);
  low->resize(steps);
  high->resize(steps);
  StartCurveSteps(plan, resource, lane, [&](size_t t, double first, double last) {
    (*low)[t] = first;
    (*high)[t] = last;
    return true;
  });
}

int64_t Simulator::StartCurveReaches(const RunPlan& plan, int resource, int lane,
                                     int64_t limit) const {
  const double at = static_cast<double>(limit);
  int64_t reached = limit;
  StartCurveSteps(plan, resource, lane, [&](size_t t, double first, double last) {
    if (static_cast<int64_t>(t) >= limit) return false;
    if (StartsReach(first, last, at)) {
      reached = static_cast<int64_t>(t);
      return false;
    }
    return true;
  });
  return reached;
}

std::vector<double> Simulator::Backlog(int resource, int lane) const {
  const size_t steps = static_cast<size_t>(model_.grid.total_steps);
  std::vector<double> out(steps, 0.0);
  const int slot = measured_slot_[static_cast<size_t>(resource)];
  if (slot < 0) return out;
  const float* column = &backlog_steps_[static_cast<size_t>(slot) * steps * kLanes];
  for (size_t t = 0; t < steps; ++t)
    out[t] = static_cast<double>(column[t * kLanes + static_cast<size_t>(lane)]);
  return out;
}
void Simulator::Entries(int offering, int lane, std::vector<double>* out) const {
  const size_t steps = static_cast<size_t>(model_.grid.total_steps);
  const double* column =
      &entries_[EntryCell(static_cast<size_t>(offering), 0) + static_cast<size_t>(lane)];
  out->resize(steps);
  for (size_t t = 0; t < steps; ++t) (*out)[t] = column[t * kLanes];
}
std::vector<double> Simulator::ReturnArrivals(int offering, int lane) const {
  return LaneColumn(return_arrivals_, returns_width_,
                    static_cast<size_t>(returns_slot_[static_cast<size_t>(offering)]), lane,
                    static_cast<size_t>(model_.grid.total_steps));
}

void Simulator::ScatterRing(std::vector<double>& ring, size_t width, size_t column, double position,
                            const double* amount) {
  const int64_t total = model_.grid.total_steps;
  if (!(position < static_cast<double>(total))) return;
  const int64_t step = static_cast<int64_t>(position);
  const double late = position - static_cast<double>(step);
  const LaneVec value = LoadLanes(amount);
  AddLanes(&ring[(RingRow(step) * width + column) * kLanes], value * (1.0 - late));
  if (late > 0 && step + 1 < total)
    AddLanes(&ring[(RingRow(step + 1) * width + column) * kLanes], value * late);
  if (step + 2 > scheduled_to_) scheduled_to_ = step + 2;
}

void Simulator::Schedule(std::vector<double>& ring, size_t width, size_t column, int64_t step,
                         LaneVec first, LaneVec second) {
  const int64_t total = model_.grid.total_steps;
  if (step >= total) return;
  AddLanes(&ring[(RingRow(step) * width + column) * kLanes], first);
  if (step + 1 < total) AddLanes(&ring[(RingRow(step + 1) * width + column) * kLanes], second);
  if (step + 2 > scheduled_to_) scheduled_to_ = step + 2;
}

void Simulator::SpreadLane(std::vector<double>& ring, size_t width, size_t column, int lane,
                           double from, double to, double amount) {
  const int64_t total = model_.grid.total_steps;
  if (!(from < static_cast<double>(total)) || amount == 0) return;
  const size_t l = static_cast<size_t>(lane);
  if (to - from < 1e-9) {
    const int64_t step = static_cast<int64_t>(from);
    ring[(RingRow(step) * width + column) * kLanes + l] += amount;
    if (step + 1 > scheduled_to_) scheduled_to_ = step + 1;
    return;
  }
  int64_t step = static_cast<int64_t>(from);
  if (to < static_cast<double>(step + 1)) {
    ring[(RingRow(step) * width + column) * kLanes + l] += amount;
    if (step + 1 > scheduled_to_) scheduled_to_ = step + 1;
    return;
  }
  const double density = amount / (to - from);
  const int64_t last = std::min<int64_t>(static_cast<int64_t>(to), total - 1);
  auto add = [&](int64_t at) {
    const double overlap =
        std::min(to, static_cast<double>(at + 1)) - std::max(from, static_cast<double>(at));
    if (overlap > 0) ring[(RingRow(at) * width + column) * kLanes + l] += density * overlap;
  };
  add(step);
  // Steps wholly inside (from, to]: their overlap is exactly 1, and density * 1 is density.
  const int64_t inside = std::min<int64_t>(last, static_cast<int64_t>(to) - 1);
  for (++step; step <= inside; ++step)
    ring[(RingRow(step) * width + column) * kLanes + l] += density;
  for (; step <= last; ++step) add(step);
  if (last + 1 > scheduled_to_) scheduled_to_ = last + 1;
}

void Simulator::EnterRoute(int offering, int64_t step, const double* units) {
  const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
  if (compiled.route.empty()) return;  // delivered on entry (returns: RecordExits)
  const RouteStage& first = compiled.route.front();
  const size_t row = RingRow(step);
  const LaneVec work = LoadLanes(units) * first.per_unit;
  AddLanes(&arrival_ring_[(row * num_resources_ + static_cast<size_t>(first.resource)) * kLanes],
           work);
  if (first.flow_class >= 0)
    AddLanes(&class_ring_[(row * num_classes_ + static_cast<size_t>(first.flow_class)) * kLanes],
             work);
}

// EnterRoute for one lane: the same product, added to that lane's cells only.
void Simulator::EnterRouteLane(int offering, int64_t step, int lane, double units) {
  if (units <= 0) return;
  const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
  if (compiled.route.empty()) return;
  const RouteStage& first = compiled.route.front();
  const size_t row = RingRow(step);
  const size_t l = static_cast<size_t>(lane);
  const double work = units * first.per_unit;
  arrival_ring_[(row * num_resources_ + static_cast<size_t>(first.resource)) * kLanes + l] += work;
  if (first.flow_class >= 0)
    class_ring_[(row * num_classes_ + static_cast<size_t>(first.flow_class)) * kLanes + l] += work;
}

FlowStepState Simulator::FlowState(const RunPlan& plan) {
  FlowStepState state;
  state.model = &model_;
  state.num_resources = num_resources_;
  state.num_classes = num_classes_;
  state.ring_mask = ring_mask_;
  state.total_steps = model_.grid.total_steps;
  state.step_capacity = plan.step_capacity.data();
  state.arrival_ring = arrival_ring_.data();
  state.class_ring = class_ring_.data();
  state.backlog = backlog_.data();
  state.class_backlog = class_backlog_.data();
  state.resource_cost = resource_cost_.data();
  state.day_arrivals = day_arrivals_.data();
  state.day_max_backlog = day_max_backlog_.data();
  if (measuring_) {
    state.measured_arrivals = arrivals_steps_.data();
    state.measured_backlog = backlog_steps_.data();
    state.measured_slot = measured_slot_.data();
  }
  state.scheduled_to = &scheduled_to_;
  return state;
}

// A continued run's pending work (CompiledModel::continued) enters on its day: orders at the
// first stage of their route, other work at its resource; the same in every lane.
void Simulator::EnterPending(int day) {
  const Continued& continued = model_.continued;
  const double from = static_cast<double>(day) * model_.grid.steps_per_day;
  const double to = from + model_.grid.steps_per_day;
  auto first_at = [&](const std::vector<Continued::Entry>& entries) {
    return std::lower_bound(
        entries.begin(), entries.end(), from,
        [](const Continued::Entry& entry, double time) { return entry.time < time; });
  };
  double amount[kLanes];
  for (auto it = first_at(continued.pending_orders);
       it != continued.pending_orders.end() && it->time < to; ++it) {
    std::fill_n(amount, kLanes, it->units);
    EnterRoute(it->index, static_cast<int64_t>(it->time), amount);
  }
  for (auto it = first_at(continued.pending_work);
       it != continued.pending_work.end() && it->time < to; ++it) {
    std::fill_n(amount, kLanes, it->units);
    ScatterRing(arrival_ring_, num_resources_, static_cast<size_t>(it->index), it->time, amount);
  }
}

void Simulator::Reset(const BatchDemand& demand) {
  const size_t num_offerings = model_.offerings.size();
  std::fill(backlog_.begin(), backlog_.end(), 0.0);
  std::fill(resource_cost_.begin(), resource_cost_.end(), 0.0);
  std::fill(returned_.begin(), returned_.end(), 0.0);
  std::fill(exited_.begin(), exited_.end(), 0.0);
  std::fill(exit_items_.begin(), exit_items_.end(), 0.0);
  std::fill(exit_when_.begin(), exit_when_.end(), 0.0);
  std::fill(entered_today_.begin(), entered_today_.end(), 0.0);
  std::fill(refused_.begin(), refused_.end(), 0.0);
  std::fill(return_policy_cost_.begin(), return_policy_cost_.end(), 0.0);
  std::fill(class_backlog_.begin(), class_backlog_.end(), 0.0);
  std::fill(exit_day_.begin(), exit_day_.end(), 0);
  for (size_t o = 0; o < num_offerings; ++o) {
    for (size_t lane = 0; lane < kLanes; ++lane) {
      stock_[o * kLanes + lane] = model_.offerings[o].start_stock;
      backorders_[o * kLanes + lane] = 0;
      ordered_through_[o * kLanes + lane] =
          model_.grid.horizon_days > 0 ? demand.counts[o][lane] : 0.0;
    }
  }
  scheduled_to_ = 0;
}

void Simulator::Run(const RunPlan& plan, const BatchDemand& demand, BatchTotals* totals,
                    bool measure, const std::vector<int>& fork_days, std::vector<Fork>* forks,
                    Fork* final_state) {
  measuring_ = measure;
  Reset(demand);
  if (measuring_) {
    std::fill(return_arrivals_.begin(), return_arrivals_.end(), 0.0);
    returns_to_ = 0;
  }
  Simulate(plan, demand, 0, totals, fork_days, forks, Convergence());
  if (final_state != nullptr) {
    const cpu::Timed timed(cpu::Part::kSnapshots);
    final_state->day = model_.grid.total_days;
    final_state->state.clear();
    AppendState(&final_state->state);
  }
}

void Simulator::Simulate(const RunPlan& plan, const BatchDemand& demand, int first_day,
                         BatchTotals* totals, const std::vector<int>& fork_days,
                         std::vector<Fork>* forks, const Convergence& convergence) {
  demand_ = &demand;
  converged_day_ = -1;
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const size_t num_offerings = model_.offerings.size();
  {
    const int64_t from =
        static_cast<int64_t>(first_day) * static_cast<int64_t>(num_resources_ * kLanes);
    std::fill(day_arrivals_.begin() + from, day_arrivals_.end(), 0.0);
    std::fill(day_max_backlog_.begin() + from, day_max_backlog_.end(), 0.0);
    std::fill(day_start_backlog_.begin() + from, day_start_backlog_.end(), 0.0);
    for (size_t o = 0; o < num_offerings; ++o) {
      const size_t begin =
          (o * static_cast<size_t>(grid.total_days) + static_cast<size_t>(first_day)) * kLanes;
      const size_t end = (o + 1) * static_cast<size_t>(grid.total_days) * kLanes;
      std::fill(at_once_.begin() + static_cast<int64_t>(begin),
                at_once_.begin() + static_cast<int64_t>(end), 0.0);
    }
  }
  const FlowStepState flow = FlowState(plan);
  size_t next_fork = 0;
  size_t next_checkpoint = 0;
  for (int day = first_day; day < grid.total_days; ++day) {
    while (forks != nullptr && next_fork < fork_days.size() && fork_days[next_fork] == day) {
      SaveFork(day, &(*forks)[next_fork]);
      ++next_fork;
    }
    while (next_checkpoint < convergence.checkpoints.size() &&
           convergence.checkpoints[next_checkpoint]->day < day) {
      ++next_checkpoint;
    }
    if (next_checkpoint < convergence.checkpoints.size() &&
        convergence.checkpoints[next_checkpoint]->day == day &&
        AgreesWith(*convergence.checkpoints[next_checkpoint])) {
      FinishAs(*convergence.checkpoints[next_checkpoint], *convergence.final_state);
      converged_day_ = day;
      // Leave the rings as a completed run does: empty.
      for (int64_t step = static_cast<int64_t>(day) * spd; step < scheduled_to_; ++step) {
        std::fill_n(
            arrival_ring_.begin() + static_cast<int64_t>(RingRow(step) * num_resources_ * kLanes),
            num_resources_ * kLanes, 0.0);
        std::fill_n(
            class_ring_.begin() + static_cast<int64_t>(RingRow(step) * num_classes_ * kLanes),
            num_classes_ * kLanes, 0.0);
      }
      std::fill(restock_ring_.begin(), restock_ring_.end(), 0.0);
      break;
    }
    const int64_t first_step = static_cast<int64_t>(day) * spd;
    day_end_step_ = first_step + spd;
    std::copy(backlog_.begin(), backlog_.end(),
              day_start_backlog_.begin() +
                  static_cast<int64_t>(static_cast<size_t>(day) * num_resources_ * kLanes));
    EnterDay(plan, demand, day);
    RecordExits(plan, demand, day);
    for (int64_t step = first_step; step < first_step + spd; ++step) StepFlow(flow, step);
    FlushExits(plan, day);
  }

  Totals(demand, totals);
}

// The day's arrivals: side loads of its orders, stock served, units entering their routes.
void Simulator::EnterDay(const RunPlan& plan, const BatchDemand& demand, int day) {
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const size_t num_offerings = model_.offerings.size();
  const int64_t first_step = static_cast<int64_t>(day) * spd;
  double amount[kLanes];
  const bool in_horizon = day < grid.horizon_days;
  if (model_.continued.active) EnterPending(day);
  if (in_horizon) {
    // Side loads arrive `lag` after each of the day's orders.
    for (size_t o = 0; o < num_offerings; ++o) {
      const CompiledOffering& offering = model_.offerings[o];
      if (offering.loads.empty()) continue;
      const LaneVec units = LoadLanes(&demand.counts[o][static_cast<size_t>(day) * kLanes]);
      const std::vector<double>& shape = model_.ShapeOn(offering.shape, day);
      for (const SideLoad& load : offering.loads) {
        const double first = static_cast<double>(first_step) + load.lag_steps;
        for (int s = 0; s < spd; ++s) {
          const double weight = shape[static_cast<size_t>(s)] * load.per_unit;
          if (weight == 0) continue;
          StoreLanes(amount, units * weight);
          ScatterRing(arrival_ring_, num_resources_, static_cast<size_t>(load.resource), first + s,
                      amount);
        }
      }
    }
  }
  StockStage(plan, demand, day);
  if (in_horizon) {
    for (size_t o = 0; o < num_offerings; ++o) {
      const CompiledOffering& offering = model_.offerings[o];
      if (offering.stocked) continue;
      const LaneVec units = LoadLanes(&demand.counts[o][static_cast<size_t>(day) * kLanes]);
      if (offering.route.empty()) {
        const std::vector<double>& shape = model_.ShapeOn(offering.shape, day);
        for (int s = 0; s < spd; ++s) {
          StoreLanes(amount, units * shape[static_cast<size_t>(s)]);
          EnterRoute(static_cast<int>(o), first_step + s, amount);
        }
      } else {
        AddLanes(&group_coefficient_[static_cast<size_t>(offering.entry_group) * kLanes],
                 units * offering.route.front().per_unit);
      }
    }
  }
  for (size_t g = 0; g < model_.groups.size(); ++g) {
    double* coefficient = &group_coefficient_[g * kLanes];
    const LaneVec value = LoadLanes(coefficient);
    if (!AnyAbove(value, 0)) continue;
    const ArrivalGroup& group = model_.groups[g];
    const std::vector<double>& shape = model_.ShapeOn(group.shape, day);
    for (int s = 0; s < spd; ++s) {
      const size_t row = RingRow(first_step + s);
      const LaneVec share = value * shape[static_cast<size_t>(s)];
      AddLanes(
          &arrival_ring_[(row * num_resources_ + static_cast<size_t>(group.resource)) * kLanes],
          share);
      if (group.flow_class >= 0)
        AddLanes(
            &class_ring_[(row * num_classes_ + static_cast<size_t>(group.flow_class)) * kLanes],
            share);
    }
    ZeroLanes(coefficient);
  }
}

// What each lane's run earned and cost, from the state at its end.
void Simulator::Totals(const BatchDemand& demand, BatchTotals* totals) const {
  const size_t num_offerings = model_.offerings.size();
  const size_t components = static_cast<size_t>(model_.num_components);
  for (size_t lane = 0; lane < kLanes; ++lane) {
    RunTotals& out = (*totals)[lane];
    const RunDemand& lane_demand = *demand.lanes[lane];
    // Work still queued when the simulation ends must be done anyway: charge it at the last cost.
    out.fulfilment_cost.resize(components);
    for (size_t k = 0; k < components; ++k)
      out.fulfilment_cost[k] = return_policy_cost_[k * kLanes + lane];
    for (size_t r = 0; r < num_resources_; ++r) {
      out.fulfilment_cost[static_cast<size_t>(model_.resource_component[r])] +=
          resource_cost_[r * kLanes + lane] +
          backlog_[r * kLanes + lane] * model_.resources[r].cost_per_unit.back();
    }
    out.contribution.resize(components);
    for (size_t k = 0; k < components; ++k) out.contribution[k] = -out.fulfilment_cost[k];
    out.units_sold.assign(components, 0.0);
    out.returned.resize(num_offerings);
    for (size_t o = 0; o < num_offerings; ++o) {
      const size_t k = static_cast<size_t>(model_.offering_component[o]);
      const double sold = lane_demand.sold[o];
      const double returned = returned_[o * kLanes + lane];
      const double refunds = sold > 0 ? returned * lane_demand.revenue[o] / sold : 0.0;
      out.contribution[k] +=
          lane_demand.revenue[o] - refunds - model_.offerings[o].unit_cost * (sold - returned);
      out.units_sold[k] += sold;
      out.returned[o] = returned;
    }
    out.refused.resize(model_.spaces.size());
    for (size_t space = 0; space < model_.spaces.size(); ++space)
      out.refused[space] = refused_[space * kLanes + lane];
  }
}

}  // namespace tandem::engine
