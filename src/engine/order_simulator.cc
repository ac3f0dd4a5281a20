#include "engine/order_simulator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>

#include "tandem/engine/random.h"

namespace tandem::engine {
namespace {

// UniformFromBits (tandem/engine/random.h), inlined: the hot loops call it once per order.
inline double Uniform(uint64_t bits) {
  return (static_cast<double>(bits >> 12) + 0.5) * 0x1p-52;
}

// An order's random needs, each a uniform of its own from the order's key: route stage s,
// ticket j of side load l, coming back.
constexpr uint64_t kReturnNeed = 1;
constexpr uint64_t kStageNeed = 2;         // + stage
constexpr uint64_t kLoadCountNeed = 1000;  // + load
constexpr uint64_t kTicketNeed = 100000;   // + load * 10000 + ticket
constexpr uint64_t kReturnServiceNeed = 99999;

// The uniform of need `need` of the order with key `key`.
inline double NeedUniform(uint64_t key, uint64_t need) {
  return Uniform(SplitMix64(key ^ SplitMix64(need)));
}
// The same, from a need already mixed (SplitMix64(need)): the hot paths use constants from here.
inline double MixedNeedUniform(uint64_t key, uint64_t mixed_need) {
  return Uniform(SplitMix64(key ^ mixed_need));
}
constexpr uint64_t kMixedReturnNeed = SplitMix64(kReturnNeed);
constexpr size_t kMixedStages = 256;  // route stages fit in Order::next_stage (uint8_t)
constexpr std::array<uint64_t, kMixedStages> kMixedStageNeeds = [] {
  std::array<uint64_t, kMixedStages> needs{};
  for (size_t s = 0; s < kMixedStages; ++s) needs[s] = SplitMix64(kStageNeed + s);
  return needs;
}();
constexpr size_t kMixedLoads = 64;
constexpr std::array<uint64_t, kMixedLoads> kMixedLoadNeeds = [] {
  std::array<uint64_t, kMixedLoads> needs{};
  for (size_t l = 0; l < kMixedLoads; ++l) needs[l] = SplitMix64(kLoadCountNeed + l);
  return needs;
}();

// The bucket of a uniform among `buckets` equal parts of (0, 1).
inline uint32_t UniformBucket(double uniform, uint32_t buckets) {
  return std::min(static_cast<uint32_t>(uniform * buckets), buckets - 1);
}

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Servers' free times: a 4-ary min-heap of `size` values padded with three +infinity values,
// so that every node's four children can be read without bounds checks (the padding is never
// smaller than anything and never moves). Replaces the smallest value by `value`. Only the
// smallest value is ever read, so any heap shape gives the same results.
inline void ReplaceFirst(double* data, size_t size, double value) {
  size_t at = 0;
  for (;;) {
    const size_t child = 4 * at + 1;
    if (child >= size) break;
    const size_t a = child + (data[child + 1] < data[child] ? 1 : 0);
    const size_t b = child + 2 + (data[child + 3] < data[child + 2] ? 1 : 0);
    const size_t least = data[b] < data[a] ? b : a;
    if (!(data[least] < value)) break;
    data[at] = data[least];
    at = least;
  }
  data[at] = value;
}

// Stable insertion sort by `less`: linear on nearly sorted input (what a bucket sort leaves).
template <typename T, typename Less>
void InsertionSort(T* data, size_t size, Less less) {
  for (size_t i = 1; i < size; ++i) {
    if (!less(data[i], data[i - 1])) continue;
    const T value = data[i];
    size_t j = i;
    do {
      data[j] = data[j - 1];
      --j;
    } while (j > 0 && less(value, data[j - 1]));
    data[j] = value;
  }
}

}  // namespace

OrderSimulator::OrderSimulator(const CompiledModel& model)
    : model_(model), resources_(model.resources.size()) {
  // Servers: the capacity per open hour as written (the first positive one if it starts at 0).
  for (const ThroughputResource& resource : model.resources) {
    const Resource& written =
        model.scenario->resources[static_cast<size_t>(resource.scenario_index)];
    double capacity = written.capacity;
    for (const ResourceChange& change : written.changes) {
      if (capacity <= 0 && change.capacity) capacity = *change.capacity;
    }
    servers_.push_back(std::max(1, static_cast<int>(std::ceil(capacity - 1e-9))));
  }
  deterministic_service_ = !model.offerings.empty();
  for (const CompiledOffering& offering : model.offerings) {
    deterministic_service_ = deterministic_service_ && offering.noise_none;
  }
  const size_t spd = static_cast<size_t>(model.grid.steps_per_day);
  for (const std::vector<double>& shape : model.shapes) {
    double sum = 0;
    shape_cumulative_.push_back(0.0);
    for (size_t s = 0; s < spd; ++s) {
      sum += shape[s];
      shape_cumulative_.push_back(sum);
    }
    // Normalise so that the last entry is exactly 1.
    for (size_t s = shape_cumulative_.size() - spd; s < shape_cumulative_.size(); ++s)
      shape_cumulative_[s] /= sum;
    // Guide: for each 1/(kGuidePerStep spd) of probability, the first step that can hold it.
    const double* cumulative = &shape_cumulative_[shape_cumulative_.size() - spd - 1];
    size_t step = 0;
    for (size_t g = 0; g < kGuidePerStep * spd; ++g) {
      const double p = static_cast<double>(g) / static_cast<double>(kGuidePerStep * spd);
      while (step + 1 < spd && cumulative[step + 1] < p) ++step;
      shape_guide_.push_back(static_cast<int>(step));
    }
  }
  size_t loads = 0;
  for (const CompiledOffering& offering : model.offerings) {
    load_slot_.push_back(loads);
    loads += offering.loads.size();
  }
  run_.load_credit.assign(loads, 0.0);
  run_.resources.resize(resources_);
  run_.stock.resize(model.offerings.size());
}

// Step offset within the day at which the intraday shape's distribution function reaches p:
// the first step s with cumulative[s + 1] >= p, found from the guide table's hint.
double OrderSimulator::ShapeInverse(int shape, double p) const {
  const int spd = model_.grid.steps_per_day;
  const double* cumulative =
      &shape_cumulative_[static_cast<size_t>(shape) * static_cast<size_t>(spd + 1)];
  const int* guide =
      &shape_guide_[static_cast<size_t>(shape) * static_cast<size_t>(kGuidePerStep * spd)];
  int step = guide[std::min(static_cast<int>(p * kGuidePerStep * spd), kGuidePerStep * spd - 1)];
  while (step < spd - 1 && cumulative[step + 1] < p) ++step;
  const double low = cumulative[step];
  const double width = cumulative[step + 1] - low;
  return static_cast<double>(step) + (width > 0 ? std::clamp((p - low) / width, 0.0, 1.0) : 1.0);
}

void OrderSimulator::SetPlan(const RunPlan& plan) {
  plan_ = &plan;
  booked_.assign(resources_, 0);
  for (size_t r = 0; r < resources_; ++r) {
    booked_[r] = plan.capacity[r] != model_.resources[r].base_capacity.data() ? 1 : 0;
  }
}

void OrderSimulator::Reset(const RunPlan& plan) {
  const TimeGrid& grid = model_.grid;
  const size_t days = static_cast<size_t>(grid.total_days);
  SetPlan(plan);
  State& run = run_;
  run.day = 0;
  run.orders.clear();
  run.stages.clear();
  run.side_jobs.clear();
  run.buckets.resize(static_cast<size_t>(grid.total_steps));
  for (std::vector<Event>& bucket : run.buckets) bucket.clear();
  run.next_step = 0;
  for (size_t r = 0; r < resources_; ++r) {
    ResourceState& state = run.resources[r];
    state.free_at.assign(static_cast<size_t>(servers_[r]), 0.0);
    state.free_at.resize(static_cast<size_t>(servers_[r]) + 3, kInfinity);
    state.pointer = 0;
    state.waiting.clear();
    state.waiting_head = 0;
    state.waiting_work = 0;
  }
  run.restock.resize(model_.offerings.size());
  for (size_t o = 0; o < model_.offerings.size(); ++o) {
    StockState& stock = run.stock[o];
    stock.stock = model_.offerings[o].initial_stock;
    stock.clock = 0;
    stock.backorders.clear();
    stock.head = 0;
    stock.today.clear();
    run.restock[o].assign(model_.offerings[o].stocked ? days : 0, 0.0);
  }
  run.day_arrivals.assign(days * resources_, 0.0);
  run.day_max_backlog.assign(days * resources_, 0.0);
  run.day_start_backlog.assign(days * resources_, 0.0);
  bool any_booked = false;
  for (size_t r = 0; r < resources_; ++r) any_booked = any_booked || booked_[r];
  run.started_on_booked.assign(any_booked ? static_cast<size_t>(grid.total_steps) * resources_ : 0,
                               0.0);
  run.resource_cost.assign(resources_, 0.0);
  run.returned.assign(model_.offerings.size(), 0.0);
  run.refused.assign(model_.spaces.size(), 0.0);
  run.return_policy_cost.assign(static_cast<size_t>(model_.num_components), 0.0);
  run.expected_seen.assign(model_.offerings.size(), 0.0);
  run.return_credit.assign(model_.offerings.size(), 0.0);
  std::fill(run.load_credit.begin(), run.load_credit.end(), 0.0);
}

void OrderSimulator::Run(const RunPlan& plan, const ScenarioDraws& draws, const RunDemand& demand,
                         uint64_t seed, int64_t scenario, RunTotals* totals,
                         const std::vector<int>& fork_days, std::vector<Fork>* forks) {
  Reset(plan);
  seed_ = seed;
  scenario_ = scenario;
  scenario_key_ = SplitMix64(SplitMix64(seed) ^ static_cast<uint64_t>(scenario));
  if (forks) forks->resize(fork_days.size());
  Continue(draws, demand, totals, fork_days, forks);
}

void OrderSimulator::RunFrom(const Fork& fork, const RunPlan& plan, const ScenarioDraws& draws,
                             const RunDemand& demand, RunTotals* totals) {
  SetPlan(plan);
  seed_ = fork.seed;
  scenario_ = fork.scenario;
  scenario_key_ = SplitMix64(SplitMix64(seed_) ^ static_cast<uint64_t>(scenario_));
  // Copy assignment reuses the buffers' capacity: no allocation after the first runs. The
  // buckets before the fork are all empty (handled), so only the later ones need copying.
  State& run = run_;
  const State& saved = fork.state;
  run.day = saved.day;
  run.orders = saved.orders;
  run.stages = saved.stages;
  run.side_jobs = saved.side_jobs;
  run.buckets.resize(saved.buckets.size());
  for (size_t t = 0; t < run.buckets.size(); ++t) {
    if (static_cast<int64_t>(t) < saved.next_step) {
      run.buckets[t].clear();
    } else {
      run.buckets[t] = saved.buckets[t];
    }
  }
  run.next_step = saved.next_step;
  run.resources = saved.resources;
  run.stock = saved.stock;
  run.restock = saved.restock;
  run.day_arrivals = saved.day_arrivals;
  run.day_max_backlog = saved.day_max_backlog;
  run.day_start_backlog = saved.day_start_backlog;
  const TimeGrid& grid = model_.grid;
  bool any_booked = false;
  for (size_t r = 0; r < resources_; ++r) any_booked = any_booked || booked_[r];
  if (any_booked && saved.started_on_booked.empty()) {
    run.started_on_booked.assign(static_cast<size_t>(grid.total_steps) * resources_, 0.0);
  } else {
    run.started_on_booked = saved.started_on_booked;
  }
  run.resource_cost = saved.resource_cost;
  run.returned = saved.returned;
  run.refused = saved.refused;
  run.return_policy_cost = saved.return_policy_cost;
  run.expected_seen = saved.expected_seen;
  run.return_credit = saved.return_credit;
  run.load_credit = saved.load_credit;
  Continue(draws, demand, totals, {}, nullptr);
}

void OrderSimulator::Continue(const ScenarioDraws& draws, const RunDemand& demand,
                              RunTotals* totals, const std::vector<int>& fork_days,
                              std::vector<Fork>* forks) {
  const TimeGrid& grid = model_.grid;
  State& run = run_;
  size_t next_fork = 0;
  for (; run.day < grid.total_days; ++run.day) {
    const int day = run.day;
    while (forks && next_fork < fork_days.size() && fork_days[next_fork] <= day) {
      (*forks)[next_fork].seed = seed_;
      (*forks)[next_fork].scenario = scenario_;
      State& saved = (*forks)[next_fork++].state;
      // The buckets before the step being reached are empty: copy only the later ones.
      saved.day = run.day;
      saved.orders = run.orders;
      saved.stages = run.stages;
      saved.side_jobs = run.side_jobs;
      saved.buckets.resize(run.buckets.size());
      for (size_t t = static_cast<size_t>(run.next_step); t < run.buckets.size(); ++t)
        saved.buckets[t] = run.buckets[t];
      saved.next_step = run.next_step;
      saved.resources = run.resources;
      saved.stock = run.stock;
      saved.restock = run.restock;
      saved.day_arrivals = run.day_arrivals;
      saved.day_max_backlog = run.day_max_backlog;
      saved.day_start_backlog = run.day_start_backlog;
      saved.started_on_booked = run.started_on_booked;
      saved.resource_cost = run.resource_cost;
      saved.returned = run.returned;
      saved.refused = run.refused;
      saved.return_policy_cost = run.return_policy_cost;
      saved.expected_seen = run.expected_seen;
      saved.return_credit = run.return_credit;
      saved.load_credit = run.load_credit;
    }
    RecordDayStart(day);
    if (day < grid.horizon_days) GenerateOrders(draws, demand, day);
    StockDay(day);
    RunEvents(static_cast<double>(static_cast<int64_t>(day + 1) * grid.steps_per_day));
  }
  // Forks at or after the end: the final state.
  while (forks && next_fork < fork_days.size()) {
    (*forks)[next_fork].seed = seed_;
    (*forks)[next_fork].scenario = scenario_;
    (*forks)[next_fork++].state = run;
  }

  // Work started on booked capacity: the part above the base capacity of its step is charged at
  // the expansion's cost, as in fluid mode.
  std::vector<double> resource_cost = run.resource_cost;
  if (!run.started_on_booked.empty()) {
    for (size_t r = 0; r < resources_; ++r) {
      if (!booked_[r]) continue;
      const ThroughputResource& resource = model_.resources[r];
      for (size_t t = 0; t < static_cast<size_t>(grid.total_steps); ++t) {
        const double started = run.started_on_booked[t * resources_ + r];
        if (started <= 0) continue;
        const double on_base = std::min(started, resource.base_capacity[t]);
        resource_cost[r] += on_base * resource.cost_per_unit[t] +
                            (started - on_base) * resource.expansion_cost_per_unit;
      }
    }
  }
  // Per component, as in fluid mode (RunTotals).
  totals->fulfilment_cost = run.return_policy_cost;
  for (size_t r = 0; r < resource_cost.size(); ++r)
    totals->fulfilment_cost[static_cast<size_t>(model_.resource_component[r])] += resource_cost[r];
  totals->contribution.resize(totals->fulfilment_cost.size());
  for (size_t k = 0; k < totals->contribution.size(); ++k)
    totals->contribution[k] = -totals->fulfilment_cost[k];
  totals->units_sold.assign(totals->fulfilment_cost.size(), 0.0);
  totals->returned.assign(model_.offerings.size(), 0.0);
  for (size_t o = 0; o < model_.offerings.size(); ++o) {
    const size_t k = static_cast<size_t>(model_.offering_component[o]);
    const double sold = demand.sold[o];
    const double returned = run.returned[o];
    const double refunds = sold > 0 ? returned * demand.revenue[o] / sold : 0.0;
    totals->contribution[k] +=
        demand.revenue[o] - refunds - model_.offerings[o].unit_cost * (sold - returned);
    totals->units_sold[k] += sold;
    totals->returned[o] = returned;
  }
  totals->refused = run.refused;
}

void OrderSimulator::RecordDayStart(int day) {
  const double now = static_cast<double>(static_cast<int64_t>(day) * model_.grid.steps_per_day);
  for (size_t r = 0; r < resources_; ++r) {
    ResourceState& state = run_.resources[r];
    while (state.waiting_head < state.waiting.size() &&
           state.waiting[state.waiting_head].first <= now) {
      state.waiting_work -= state.waiting[state.waiting_head].second;
      ++state.waiting_head;
    }
    run_.day_start_backlog[Cell(day, static_cast<int>(r))] = std::max(0.0, state.waiting_work);
    double& cell = run_.day_max_backlog[Cell(day, static_cast<int>(r))];
    cell = std::max(cell, std::max(0.0, state.waiting_work));
  }
}

void OrderSimulator::GenerateOrders(const ScenarioDraws& draws, const RunDemand& demand, int day) {
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const double day_start = static_cast<double>(static_cast<int64_t>(day) * spd);
  for (size_t o = 0; o < model_.offerings.size(); ++o) {
    const CompiledOffering& offering = model_.offerings[o];
    const double count = demand.counts[o][static_cast<size_t>(day)];
    if (offering.noise_none) {
      // Order j arrives when the cumulative expected demand reaches j + 1/2.
      const double seen = run_.expected_seen[o];
      run_.expected_seen[o] += count;
      if (count <= 0) continue;
      for (double j = std::floor(seen - 0.5) + 1; j + 0.5 <= seen + count + 1e-9; j += 1) {
        const double p = std::clamp((j + 0.5 - seen) / count, 0.0, 1.0);
        AddOrder(static_cast<int>(o), day, day_start + ShapeInverse(offering.shape, p),
                 SplitMix64(scenario_key_ ^
                            SplitMix64((offering.stream_key << 40) + static_cast<uint64_t>(j))));
      }
      continue;
    }
    // The day's baseline orders and the campaigns' extra orders come from separate streams, so
    // that the run without a campaign sees the same baseline orders. A campaign that lowers
    // demand keeps the first of the baseline's draws (thinning).
    const double baseline = std::min(draws.base[o][static_cast<size_t>(day)], count);
    scratch_.clear();
    scratch_bucket_.clear();
    // About one bucket per order for the sort (any number sorts correctly).
    scratch_buckets_ = static_cast<uint32_t>(std::clamp(std::ceil(count), 1.0, 1048576.0));
    AddRandomOrders(static_cast<int>(o), day, 0, baseline);
    AddRandomOrders(static_cast<int>(o), day, 1, count - baseline);
    SortScratch();
    for (const auto& [time, key] : scratch_)
      AddOrder(static_cast<int>(o), day, day_start + time, key);
  }
}

void OrderSimulator::AddRandomOrders(int offering, int day, int part, double count) {
  if (count <= kUnitTolerance) return;
  const uint64_t stream_id =
      OrderStreamId(model_.offerings[static_cast<size_t>(offering)].stream_key,
                    static_cast<uint64_t>(day), static_cast<uint64_t>(part));
  Stream stream(seed_, static_cast<uint64_t>(scenario_), stream_id);
  // A fractional count (a capped campaign's last day) rounds up with probability its fraction.
  double whole = std::floor(count + kUnitTolerance);
  const double fraction = count - whole;
  if (fraction > kUnitTolerance && stream.Uniform() < fraction) whole += 1;
  const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
  const uint64_t part_key = SplitMix64(scenario_key_ ^ SplitMix64(stream_id));
  const int64_t orders = static_cast<int64_t>(whole);
  for (int64_t i = 0; i < orders; ++i) {
    const double uniform = stream.Uniform();
    scratch_.emplace_back(ShapeInverse(compiled.shape, uniform),
                          SplitMix64(part_key + static_cast<uint64_t>(i)));
    scratch_bucket_.push_back(UniformBucket(uniform, scratch_buckets_));
  }
}

// The times are a nondecreasing function of the uniforms (ShapeInverse), so bucketing on the
// uniforms, which are spread evenly whatever the intraday shape, leaves an array sorted by time
// up to order within a bucket (and equal times across buckets); the insertion sort finishes
// the job by (time, key), the same order as a comparison sort would give.
void OrderSimulator::SortScratch() {
  const size_t size = scratch_.size();
  if (size > 32) {
    std::vector<uint32_t>& start = sort_count_;
    start.assign(static_cast<size_t>(scratch_buckets_) + 1, 0);
    for (uint32_t bucket : scratch_bucket_) ++start[bucket + 1];
    for (size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
    scratch_sorted_.resize(size);
    for (size_t i = 0; i < size; ++i) scratch_sorted_[start[scratch_bucket_[i]]++] = scratch_[i];
    scratch_.swap(scratch_sorted_);
  }
  InsertionSort(scratch_.data(), size,
                [](const std::pair<double, uint64_t>& a, const std::pair<double, uint64_t>& b) {
                  return a < b;
                });
}

void OrderSimulator::AddOrder(int offering, int day, double time, uint64_t key) {
  const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
  State& run = run_;
  const uint32_t index = static_cast<uint32_t>(run.orders.size());
  Order& order = run.orders.emplace_back();
  order.placed = time;
  order.key = key;
  order.offering = offering;
  order.day = day;
  order.first_stage = static_cast<uint32_t>(run.stages.size());
  for (size_t s = 0; s < compiled.route.size(); ++s) run.stages.emplace_back();
  const double total = static_cast<double>(model_.grid.total_steps);
  for (size_t l = 0; l < compiled.loads.size(); ++l) {
    const SideLoad& load = compiled.loads[l];
    double tickets = 0;
    if (compiled.noise_none) {
      double& credit = run.load_credit[load_slot_[static_cast<size_t>(offering)] + l];
      credit += load.per_unit;
      tickets = std::floor(credit + kUnitTolerance);
      credit -= tickets;
    } else {
      tickets = std::floor(load.per_unit);
      const uint64_t need = l < kMixedLoads ? kMixedLoadNeeds[l] : SplitMix64(kLoadCountNeed + l);
      if (MixedNeedUniform(key, need) < load.per_unit - tickets) tickets += 1;
    }
    const double arrival = time + load.lag_steps;
    if (!(arrival < total)) continue;
    for (int ticket = 0; ticket < static_cast<int>(tickets); ++ticket) {
      SideJob job;
      job.arrival = arrival;
      job.order = static_cast<int32_t>(index);
      job.resource = load.resource;
      job.purpose = static_cast<uint32_t>(kTicketNeed + l * 10000 + static_cast<uint64_t>(ticket));
      run.side_jobs.push_back(job);
      Push(arrival, static_cast<uint32_t>(run.side_jobs.size() - 1) | kSideBit);
    }
  }
  if (compiled.stocked) {
    run.stock[static_cast<size_t>(offering)].today.push_back(index);
  } else {
    EnterRoute(index, time);
  }
}

void OrderSimulator::EnterRoute(uint32_t index, double time) {
  Order& order = run_.orders[index];
  order.entered = time;
  const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(order.offering)];
  if (compiled.route.empty()) {
    order.exit = time;
    Deliver(index, time + compiled.transit_steps);
    return;
  }
  order.next_stage = 0;
  Push(time, index);
}

void OrderSimulator::Deliver(uint32_t index, double delivered) {
  const Order& order = run_.orders[index];
  const size_t o = static_cast<size_t>(order.offering);
  const CompiledOffering& compiled = model_.offerings[o];
  if (!compiled.may_return) return;
  const double rate = static_cast<double>(plan_->return_rate[o][static_cast<size_t>(order.day)]);
  bool returned = false;
  if (compiled.noise_none) {
    run_.return_credit[o] += rate;
    returned = run_.return_credit[o] >= 1 - kUnitTolerance;
    if (returned) run_.return_credit[o] -= 1;
  } else {
    returned = MixedNeedUniform(order.key, kMixedReturnNeed) < rate;
  }
  if (!returned) return;
  const TimeGrid& grid = model_.grid;
  const double arrival = delivered + compiled.return_lag_steps;
  if (!(arrival < static_cast<double>(grid.total_steps))) return;  // after the simulation
  run_.returned[o] += 1;
  run_.return_policy_cost[static_cast<size_t>(model_.offering_component[o])] +=
      static_cast<double>(plan_->return_cost_adjustment[o][static_cast<size_t>(order.day)]);
  if (compiled.returns_resource >= 0) {
    SideJob job;
    job.arrival = arrival;
    job.order = static_cast<int32_t>(index);
    job.resource = compiled.returns_resource;
    job.purpose = static_cast<uint32_t>(kReturnServiceNeed);
    job.is_return = true;
    run_.side_jobs.push_back(job);
    Push(arrival, static_cast<uint32_t>(run_.side_jobs.size() - 1) | kSideBit);
  } else if (compiled.stocked) {
    // Back in stock from the day after it comes back (day granularity, as in fluid mode).
    const int64_t back = static_cast<int64_t>(arrival / grid.steps_per_day) + 1;
    if (back < grid.total_days) run_.restock[o][static_cast<size_t>(back)] += 1;
  }
}

// Events of a step that is not open yet are appended to its bucket (in scheduling order); those
// of the open step go to a small heap ordered by (time, sequence).
void OrderSimulator::Push(double time, uint32_t id) {
  if (!(time < static_cast<double>(model_.grid.total_steps))) return;
  const int64_t step = static_cast<int64_t>(time);
  if (step == open_step_) {
    open_late_.push_back({time, id, late_sequence_++});
    std::push_heap(open_late_.begin(), open_late_.end(), [](const Event& a, const Event& b) {
      return a.time > b.time || (a.time == b.time && a.sequence > b.sequence);
    });
    return;
  }
  run_.buckets[static_cast<size_t>(step)].push_back({time, id, 0});
}

// A step's events in time order, ties in the order they were scheduled: those scheduled before
// the step opened are bucket-sorted on their offset within the step (stable, so scheduling order
// is kept among equal times) and finished by an insertion sort; those scheduled while it is
// open (a heap) come after the others at equal times, since they were scheduled later.
void OrderSimulator::RunEvents(double until) {
  const TimeGrid& grid = model_.grid;
  auto later = [](const Event& a, const Event& b) {
    return a.time > b.time || (a.time == b.time && a.sequence > b.sequence);
  };
  const int64_t last = std::min(static_cast<int64_t>(until), grid.total_steps);
  State& run = run_;
  for (; run.next_step < last; ++run.next_step) {
    const int64_t step = run.next_step;
    std::vector<Event>& bucket = run.buckets[static_cast<size_t>(step)];
    const size_t size = bucket.size();
    if (size == 0) continue;
    open_step_ = step;
    late_sequence_ = 0;
    open_late_.clear();
    const double base = static_cast<double>(step);
    if (size > 16) {
      const uint32_t buckets = static_cast<uint32_t>(size);
      std::vector<uint32_t>& start = sort_count_;
      start.assign(static_cast<size_t>(buckets) + 1, 0);
      auto bucket_of = [&](double time) {
        return std::min(static_cast<uint32_t>((time - base) * buckets), buckets - 1);
      };
      for (const Event& event : bucket) ++start[bucket_of(event.time) + 1];
      for (size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
      open_sorted_.resize(size);
      for (const Event& event : bucket) open_sorted_[start[bucket_of(event.time)]++] = event;
    } else {
      open_sorted_.assign(bucket.begin(), bucket.end());
    }
    bucket.clear();
    InsertionSort(open_sorted_.data(), size,
                  [](const Event& a, const Event& b) { return a.time < b.time; });
    size_t next = 0;
    for (;;) {
      if (!open_late_.empty() &&
          (next == size || open_late_.front().time < open_sorted_[next].time)) {
        std::pop_heap(open_late_.begin(), open_late_.end(), later);
        const Event event = open_late_.back();
        open_late_.pop_back();
        Handle(event);
      } else if (next < size) {
        Handle(open_sorted_[next++]);
      } else {
        break;
      }
    }
  }
  open_step_ = -1;
}

void OrderSimulator::Handle(const Event& event) {
  const TimeGrid& grid = model_.grid;
  const size_t last_step = static_cast<size_t>(grid.total_steps - 1);
  State& run = run_;
  if (event.id & kSideBit) {
    SideJob& job = run.side_jobs[event.id & ~kSideBit];
    const Order& order = run.orders[static_cast<size_t>(job.order)];
    job.start = Serve(job.resource, event.time, 1.0, NeedUniform(order.key, job.purpose));
    if (!std::isfinite(job.start)) return;
    const ThroughputResource& resource = model_.resources[static_cast<size_t>(job.resource)];
    job.done = job.start +
               static_cast<double>(
                   resource.processing_steps[std::min(static_cast<size_t>(job.start), last_step)]);
    const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(order.offering)];
    if (job.is_return && compiled.stocked) {
      // Back in stock from the day after the returns resource is done with it.
      const int64_t back = static_cast<int64_t>(job.done / grid.steps_per_day) + 1;
      if (back < grid.total_days)
        run.restock[static_cast<size_t>(order.offering)][static_cast<size_t>(back)] += 1;
    }
    return;
  }
  Order& order = run.orders[event.id];
  const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(order.offering)];
  const size_t s = order.next_stage;
  const RouteStage& route_stage = compiled.route[s];
  Stage& stage = run.stages[order.first_stage + s];
  stage.arrival = event.time;
  stage.start = Serve(route_stage.resource, event.time, route_stage.per_unit,
                      MixedNeedUniform(order.key, s < kMixedStages ? kMixedStageNeeds[s]
                                                                   : SplitMix64(kStageNeed + s)));
  if (!std::isfinite(stage.start)) return;  // its turn does not come within the simulation
  const ThroughputResource& resource = model_.resources[static_cast<size_t>(route_stage.resource)];
  const double next =
      stage.start +
      static_cast<double>(
          resource.processing_steps[std::min(static_cast<size_t>(stage.start), last_step)]);
  if (s + 1 < compiled.route.size()) {
    order.next_stage = static_cast<uint8_t>(s + 1);
    Push(next, event.id);
  } else {
    order.exit = next;
    Deliver(event.id, next + compiled.transit_steps);
  }
}

double OrderSimulator::CumulativeAt(int resource, double time) const {
  const int64_t total = model_.grid.total_steps;
  const std::vector<double>& cumulative = plan_->cum_capacity[static_cast<size_t>(resource)];
  const int64_t step = static_cast<int64_t>(time);
  if (step >= total) return cumulative[static_cast<size_t>(total)];
  return cumulative[static_cast<size_t>(step)] +
         (time - static_cast<double>(step)) * plan_->capacity[static_cast<size_t>(resource)][step];
}

double OrderSimulator::Serve(int resource, double time, double work, double uniform) {
  const size_t r = static_cast<size_t>(resource);
  ResourceState& state = run_.resources[r];
  const int64_t total = model_.grid.total_steps;
  const double* cumulative = plan_->cum_capacity[r].data();
  // The servers' clock is the resource's cumulative capacity: each of the n servers does
  // capacity(t) / n units of work per step, and none while the resource is closed.
  const double free = state.free_at.front();  // the server free first
  const double arrived_at = CumulativeAt(resource, time);
  const double position = std::max(arrived_at, free);
  const int64_t step = static_cast<int64_t>(time);
  state.pointer = std::max(state.pointer, std::min(step, total));
  double start = kNever;
  if (free <= arrived_at && step < total && plan_->capacity[r][step] > 0) {
    start = time;  // a server is free and the resource open: no wait
  } else {
    // The turn comes when the clock passes `position` while the resource is open (strictly: a
    // server free at closing time starts at the next opening).
    int64_t k = state.pointer;
    while (k < total && cumulative[k + 1] <= position) ++k;
    state.pointer = k;
    if (k < total) {
      const double width = cumulative[k + 1] - cumulative[k];
      start = std::max(
          time, static_cast<double>(k) + std::clamp((position - cumulative[k]) / width, 0.0, 1.0));
    }
  }
  const double requirement = deterministic_service_ ? work : -work * std::log(uniform);
  ReplaceFirst(state.free_at.data(), static_cast<size_t>(servers_[r]),
               position + static_cast<double>(servers_[r]) * requirement);

  // Backlog: work arrived and not yet started, for the throughput check.
  while (state.waiting_head < state.waiting.size() &&
         state.waiting[state.waiting_head].first <= time) {
    state.waiting_work -= state.waiting[state.waiting_head].second;
    ++state.waiting_head;
  }
  if (state.waiting_head > 4096 && state.waiting_head * 2 > state.waiting.size()) {
    state.waiting.erase(state.waiting.begin(),
                        state.waiting.begin() + static_cast<int64_t>(state.waiting_head));
    state.waiting_head = 0;
  }
  if (start > time) {
    state.waiting.emplace_back(start, work);
    state.waiting_work += work;
  }
  const int day = run_.day;  // events are handled on their day (Continue, RunEvents)
  run_.day_arrivals[Cell(day, resource)] += work;
  double& peak = run_.day_max_backlog[Cell(day, resource)];
  peak = std::max(peak, state.waiting_work);

  const ThroughputResource& compiled = model_.resources[r];
  if (!std::isfinite(start)) {
    run_.resource_cost[r] +=
        work * compiled.cost_per_unit.back();  // still queued at the end: charged anyway
  } else if (booked_[r]) {
    run_.started_on_booked[static_cast<size_t>(start) * resources_ + r] += work;
  } else {
    run_.resource_cost[r] += work * compiled.cost_per_unit[static_cast<size_t>(start)];
  }
  return start;
}

}  // namespace tandem::engine
