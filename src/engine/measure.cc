#include "engine/measure.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "engine/measure_shares.h"

namespace tandem::engine {
namespace {

double Tolerance(double scale) {
  return 1e-9 * std::max(1.0, std::fabs(scale));
}

struct StageWait {
  int index;
  double wait;
};

}  // namespace

void LeadHistogram::Add(double from_steps, double to_steps, double amount) {
  if (amount <= 0 || mass.empty()) return;
  const size_t bins = mass.size() - 1;
  if (!std::isfinite(from_steps) || !std::isfinite(to_steps)) {
    mass[bins] += amount;
    return;
  }
  double low = std::max(0.0, std::min(from_steps, to_steps));
  double high = std::max(0.0, std::max(from_steps, to_steps));
  const double limit = bin_steps * static_cast<double>(bins);
  if (high - low < 1e-9) {
    const size_t bin = low >= limit ? bins : static_cast<size_t>(low / bin_steps);
    mass[bin] += amount;
    return;
  }
  const double density = amount / (high - low);
  if (high > limit) {
    mass[bins] += density * (high - std::max(low, limit));
    high = limit;
  }
  for (size_t bin = static_cast<size_t>(low / bin_steps); bin < bins && low < high; ++bin) {
    const double end = std::min(high, static_cast<double>(bin + 1) * bin_steps);
    if (end > low) mass[bin] += density * (end - low);
    low = end;
  }
}

double WithinLength(double g_low, double g_high, double limit) {
  if (limit <= 0) return 0;
  constexpr double kLate = 1e12;
  if (!std::isfinite(g_low)) g_low = kLate;
  if (!std::isfinite(g_high)) g_high = kLate;
  if (g_low <= 0 && g_high <= 0) return limit;
  if (g_low > 0 && g_high > 0) return 0;
  const double root = g_low / (g_low - g_high);  // in (0, 1)
  if (g_low <= 0) return std::min(root, limit);
  return std::max(0.0, limit - root);
}

Measurer::Measurer(const CompiledModel& model, const Simulator& simulator, const RunPlan& plan,
                   const RunDemand& demand, int lane)
    : Measurer(model, simulator, plan) {
  Reset(demand, lane);
}

void Measurer::Reset(const RunDemand& demand, int lane) {
  Reset(demand, lane, own_plan_);
}

void Measurer::Reset(const RunDemand& demand, int lane, const RunPlan& plan) {
  plan_ = &plan;
  demand_ = &demand;
  lane_ = lane;
  for (Curve& curve : resource_curves_) curve.ready = false;
  for (Curve& curve : stock_curves_) curve.ready = false;
  if (++generation_ == 0) {  // wrapped: clear the stamps once
    for (RouteTable& table : route_tables_) table.exits.assign(table.exits.size(), {});
    generation_ = 1;
  }
}

Measurer::Measurer(const CompiledModel& model, const Simulator& simulator, const RunPlan& plan)
    : model_(model), simulator_(simulator), own_plan_(plan), plan_(&plan) {
  resource_curves_.resize(model.resources.size());
  stock_curves_.resize(model.offerings.size());
  // Offerings with the same sequence of resources share their route's exit times.
  std::vector<std::vector<int>> routes;
  route_of_.reserve(model.offerings.size());
  for (const CompiledOffering& offering : model.offerings) {
    std::vector<int> resources;
    for (const RouteStage& stage : offering.route) resources.push_back(stage.resource);
    const auto found = std::find(routes.begin(), routes.end(), resources);
    route_of_.push_back(static_cast<int>(found - routes.begin()));
    if (found == routes.end()) routes.push_back(std::move(resources));
  }
  route_tables_.resize(routes.size());
}

const Measurer::Curve& Measurer::ResourceCurve(int resource) {
  Curve& curve = resource_curves_[static_cast<size_t>(resource)];
  if (curve.ready) return curve;
  curve.ready = true;
  // The simulation records, per step, when the step's first and last arrivals start.
  simulator_.StartCurve(*plan_, resource, lane_, &curve.low_values, &curve.high_values);
  curve.low = curve.low_values.data();
  curve.high = curve.high_values.data();
  curve.built_from = 0;
  curve.built_to = static_cast<int64_t>(curve.low_values.size());
  return curve;
}

// A step's low and high are found by two pointers that only move forward, each stopping at the
// first step whose served units pass a level that grows with the step (ordered units plus or
// minus a tolerance that grows with them): started at step 0 for the range's first step, they
// stop where they would have stopped had they walked every earlier step. So the values over a
// range are bit for bit those of the whole curve.
const Measurer::Curve& Measurer::StockCurve(int offering, int64_t from, int64_t to) {
  Curve& curve = stock_curves_[static_cast<size_t>(offering)];
  if (curve.ready && (curve.identity || (from >= curve.built_from && to <= curve.built_to)))
    return curve;
  const TimeGrid& grid = model_.grid;
  const size_t steps = static_cast<size_t>(grid.total_steps);
  const int spd = grid.steps_per_day;
  const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
  const std::vector<double>& counts = demand_->counts[static_cast<size_t>(offering)];
  if (!curve.ready) {
    curve.ready = true;
    curve.built_from = curve.built_to = 0;
    // Served from stock at once every day (the usual case): the curve is the identity.
    bool at_once_every_day = true;
    for (int day = 0; day < grid.horizon_days && at_once_every_day; ++day) {
      const double units = counts[static_cast<size_t>(day)];
      at_once_every_day = simulator_.AtOnce(offering, day, lane_) >= units - Tolerance(units);
    }
    curve.identity = at_once_every_day;
    if (curve.identity) return curve;
    from = std::clamp<int64_t>(from, 0, grid.total_steps);
    to = std::clamp<int64_t>(to, from, grid.total_steps);
    if (from == to) return curve;  // only whether it is the identity was asked
  } else {
    // Asked again outside the steps built: the whole curve (the inputs below are shared
    // scratch, rebuilt either way).
    from = 0;
    to = grid.total_steps;
  }
  simulator_.Entries(offering, lane_, &entries_);
  const std::vector<double>& entries = entries_;
  std::vector<double>& ordered = ordered_;
  std::vector<double>& served = served_;
  ordered.assign(steps + 1, 0.0);
  served.assign(steps + 1, 0.0);
  // Day by day, the running sums in registers: a division per step, and reading back the sum
  // just stored, each cost more than the additions.
  double ordered_sum = 0;
  double served_sum = 0;
  for (size_t t = 0, day = 0; t < steps; ++day) {
    const bool in_horizon = day < static_cast<size_t>(grid.horizon_days);
    const double day_units = in_horizon ? counts[day] : 0.0;
    const double* shape =
        in_horizon ? model_.ShapeOn(compiled.shape, static_cast<int>(day)).data() : nullptr;
    for (size_t s = 0; s < static_cast<size_t>(spd) && t < steps; ++s, ++t) {
      ordered_sum += in_horizon ? day_units * shape[s] : 0.0;
      served_sum += entries[t];
      ordered[t + 1] = ordered_sum;
      served[t + 1] = served_sum;
    }
  }
  std::vector<double>& low = curve.low_values;
  std::vector<double>& high = curve.high_values;
  low.resize(steps);
  high.resize(steps);
  curve.low = low.data();
  curve.high = high.data();
  curve.built_from = from;
  curve.built_to = to;
  size_t strict_k = 0;
  size_t k = 0;
  // Earliest time served(t) exceeds v (strict) or reaches v.
  auto strict_inverse = [&](double v) -> double {
    const double level = v + Tolerance(v);
    while (strict_k < steps && served[strict_k + 1] <= level) ++strict_k;
    if (strict_k >= steps) return kNever;
    return static_cast<double>(strict_k) +
           std::max(0.0, v - served[strict_k]) / (served[strict_k + 1] - served[strict_k]);
  };
  auto inverse = [&](double v) -> double {
    if (v <= served[0]) return 0;
    while (k < steps && served[k + 1] < v - Tolerance(v)) ++k;
    if (k >= steps) return kNever;
    const double in_step = served[k + 1] - served[k];
    return static_cast<double>(k) +
           (in_step > 0 ? std::clamp((v - served[k]) / in_step, 0.0, 1.0) : 1.0);
  };
  for (size_t j = static_cast<size_t>(from); j < static_cast<size_t>(to); ++j) {
    const double backorders = ordered[j] - served[j];
    const double entered = served[j + 1] - served[j];
    low[j] = (backorders <= Tolerance(ordered[j]) && entered > 0) ? static_cast<double>(j)
                                                                  : strict_inverse(ordered[j]);
    high[j] = ordered[j + 1] - served[j + 1] <= Tolerance(ordered[j + 1])
                  ? static_cast<double>(j + 1)
                  : inverse(ordered[j + 1]);
    low[j] = std::max(low[j], static_cast<double>(j));
    high[j] = std::max(high[j], low[j]);
  }
  return curve;
}

double Measurer::Evaluate(const Curve& curve, double time, bool from_left) const {
  const double steps = static_cast<double>(model_.grid.total_steps);
  if (!(time < steps)) return kNever;
  int64_t step = static_cast<int64_t>(time);
  double fraction = time - static_cast<double>(step);
  if (from_left && fraction == 0 && step > 0) {
    step -= 1;
    fraction = 1;
  }
  assert(step >= curve.built_from && step < curve.built_to);  // StockCurve's range
  const double low = curve.low[step];
  const double high = curve.high[step];
  double value = 0;
  if (fraction == 0) {
    value = low;
  } else if (fraction == 1) {
    value = high;
  } else if (!std::isfinite(low) || !std::isfinite(high)) {
    return kNever;
  } else {
    value = low + fraction * (high - low);
  }
  return std::max(value, time);
}

double Measurer::RouteExit(int offering, int64_t order_step, bool left_end,
                           std::vector<double>* waits) {
  const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
  const size_t num_resources = model_.resources.size();
  const bool from_left = !left_end;
  double time = static_cast<double>(left_end ? order_step : order_step + 1);
  const double never_wait = static_cast<double>(model_.grid.total_steps);
  if (compiled.stocked) {
    const Curve& stock = StockCurve(offering, order_step, order_step + 1);
    const double entered = stock.identity ? time : Evaluate(stock, time, from_left);
    if (waits)
      (*waits)[num_resources + static_cast<size_t>(offering)] +=
          std::isfinite(entered) ? entered - time : never_wait;
    if (!std::isfinite(entered)) return kNever;
    if (entered != time) return RouteFrom(compiled, entered, from_left, waits);
  }
  if (waits != nullptr) return RouteFrom(compiled, time, from_left, waits);
  return CachedRouteExit(compiled, time, from_left);
}

// Entering the route at a step boundary: the same for every offering of that route. Both ends
// of a boundary are computed together: a time promise reads both (the last units of one step
// and the first of the next), and they usually share the whole walk.
double Measurer::CachedRouteExit(const CompiledOffering& compiled, double time, bool from_left) {
  const size_t offering = static_cast<size_t>(&compiled - model_.offerings.data());
  RouteTable& table = route_tables_[static_cast<size_t>(route_of_[offering])];
  if (table.exits.empty()) table.exits.assign(static_cast<size_t>(model_.grid.total_steps) + 1, {});
  CachedExit& value = table.exits[static_cast<size_t>(time)];
  if (value.stamp != generation_) {
    RouteFromBoth(compiled, time, &value.from_left, &value.from_right);
    value.stamp = generation_;
  }
  return from_left ? value.from_left : value.from_right;
}

// RouteFrom(time, true) and RouteFrom(time, false) in one walk while the two agree: the sides
// differ only where a stage is entered at an integer time (Evaluate reads the step before or
// after it); once their times are equal, every later operation is the same.
void Measurer::RouteFromBoth(const CompiledOffering& compiled, double time, double* from_left,
                             double* from_right) {
  const size_t last_step = static_cast<size_t>(model_.grid.total_steps - 1);
  double left = time;
  double right = time;
  auto finish_stage = [&](const RouteStage& stage, double started) {
    if (!std::isfinite(started)) return kNever;
    const ThroughputResource& resource = model_.resources[static_cast<size_t>(stage.resource)];
    const size_t at = std::min(static_cast<size_t>(started), last_step);
    return started + static_cast<double>(resource.processing_steps[at]);
  };
  for (const RouteStage& stage : compiled.route) {
    const bool left_open = std::isfinite(left);
    const bool right_open = std::isfinite(right);
    if (!left_open && !right_open) break;
    const Curve& curve = ResourceCurve(stage.resource);
    if (left == right) {
      const double started_left = Evaluate(curve, left, true);
      const double started_right =
          left == std::floor(left) ? Evaluate(curve, right, false) : started_left;
      left = finish_stage(stage, started_left);
      right = started_right == started_left ? left : finish_stage(stage, started_right);
      continue;
    }
    if (left_open) left = finish_stage(stage, Evaluate(curve, left, true));
    if (right_open) right = finish_stage(stage, Evaluate(curve, right, false));
  }
  *from_left = left;
  *from_right = right;
}

// Exit time (after the last stage's processing) of units entering the route at `time`.
double Measurer::RouteFrom(const CompiledOffering& compiled, double time, bool from_left,
                           std::vector<double>* waits) {
  const double never_wait = static_cast<double>(model_.grid.total_steps);
  for (const RouteStage& stage : compiled.route) {
    const double started = Evaluate(ResourceCurve(stage.resource), time, from_left);
    if (waits)
      (*waits)[static_cast<size_t>(stage.resource)] +=
          std::isfinite(started) ? started - time : never_wait;
    if (!std::isfinite(started)) return kNever;
    const ThroughputResource& resource = model_.resources[static_cast<size_t>(stage.resource)];
    const size_t at =
        std::min(static_cast<size_t>(started), static_cast<size_t>(model_.grid.total_steps - 1));
    time = started + static_cast<double>(resource.processing_steps[at]);
  }
  return time;
}

double Measurer::CutoffShare(const PromiseSpec& spec, int64_t step) const {
  if (!spec.promise.cutoff) return 1.0;
  const TimeGrid& grid = model_.grid;
  const double from = static_cast<double>((step % grid.steps_per_day) * grid.step_minutes);
  return std::clamp(
      (static_cast<double>(*spec.promise.cutoff) - from) / static_cast<double>(grid.step_minutes),
      0.0, 1.0);
}

Measurement Measurer::Measure(const PromiseSpec& spec, Attribution* attribution,
                              LeadHistogram* histogram, WeekRecord* record,
                              const WeekReuse* reuse) {
  switch (spec.promise.type) {
    case PromiseType::kDelivery:
    case PromiseType::kProcessing:
      return MeasureTime(spec, attribution, histogram, record, reuse);
    case PromiseType::kResponse:
      return MeasureResponse(spec, attribution, histogram, record, reuse);
    case PromiseType::kAvailability:
      return MeasureAvailability(spec);
    default:
      break;
  }
  return {};
}

void AddSettled(const CompiledModel& model, const PromiseSpec& spec, ShareAccumulator* shares) {
  if (!model.continued.active) return;
  for (const StartState::Settled& settled : model.continued.state->settled) {
    if (settled.campaign != spec.campaign || settled.promise != spec.index) continue;
    shares->Add(model.week_of_day[static_cast<size_t>(settled.day)], settled.units, settled.kept,
                shares->LastSlot());
  }
}

double DeadlineOf(const PromiseSpec& spec, double time, int steps_per_day) {
  const double day = std::floor(time / steps_per_day);
  switch (spec.promise.within.kind) {
    case Deadline::Kind::kSameDay:
      return (day + 1) * steps_per_day;
    case Deadline::Kind::kNextDay:
      return (day + 2) * steps_per_day;
    case Deadline::Kind::kWithin:
      break;
  }
  return time + spec.bound_steps;
}

bool Covers(const PromiseSpec& spec, int offering) {
  return std::find(spec.offerings.begin(), spec.offerings.end(), offering) != spec.offerings.end();
}

namespace {

int SlotOf(const PromiseSpec& spec, size_t i) {
  return spec.slot.empty() ? 0 : spec.slot[i];
}

// Whether a unit at `time` (steps) is before the promise's cut-off on its day.
bool BeforeCutoff(const PromiseSpec& spec, double time, const TimeGrid& grid) {
  if (!spec.promise.cutoff) return true;
  const double minute_of_day = (time - std::floor(time / grid.steps_per_day) * grid.steps_per_day) *
                               static_cast<double>(grid.step_minutes);
  return minute_of_day < static_cast<double>(*spec.promise.cutoff);
}

// The slot of a covered offering (PromiseSpec::slot). REQUIRES: Covers(spec, offering).
int SlotOfOffering(const PromiseSpec& spec, int offering) {
  const auto found = std::find(spec.offerings.begin(), spec.offerings.end(), offering);
  return SlotOf(spec, static_cast<size_t>(found - spec.offerings.begin()));
}

}  // namespace

// Continued runs: pending orders of the promise's offerings and period, not yet late at the
// start, are followed from their placement through the route (the stock has served them). Like
// the demand of a step, an entry's units are taken as spread over its step: they entered the
// flow as that step's arrivals.
void Measurer::AddPendingOrders(const PromiseSpec& spec, bool delivery,
                                std::vector<PendingOutcome>* out) {
  out->clear();
  const Continued& continued = model_.continued;
  if (!continued.active) return;
  const TimeGrid& grid = model_.grid;
  for (const Continued::Entry& entry : continued.pending_orders) {
    const int day = static_cast<int>(entry.time / grid.steps_per_day);
    if (day < spec.first_day || day > spec.last_day || !Covers(spec, entry.index) ||
        !BeforeCutoff(spec, entry.time, grid))
      continue;
    const double deadline = DeadlineOf(spec, entry.time, grid.steps_per_day);
    if (deadline <= continued.start_minute_steps) continue;  // already late: the caller's
    const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(entry.index)];
    const double transit = delivery ? compiled.transit_steps : 0.0;
    const double step = std::floor(entry.time);
    const double exit_low = RouteFrom(compiled, step, false, nullptr) + transit;
    const double exit_high = RouteFrom(compiled, step + 1, true, nullptr) + transit;
    const double deadline_low = DeadlineOf(spec, step, grid.steps_per_day);
    const double deadline_high =
        spec.promise.within.kind == Deadline::Kind::kWithin ? deadline_low + 1 : deadline_low;
    const double kept_share = WithinLength(exit_low - deadline_low, exit_high - deadline_high, 1.0);
    out->push_back({day, entry.units, entry.units * kept_share, SlotOfOffering(spec, entry.index)});
  }
}

namespace {

// The deadlines of the first and the last units ordered in `step` (of horizon day `day`).
void Deadlines(const PromiseSpec& spec, int64_t step, int day, int spd, double* low, double* high) {
  switch (spec.promise.within.kind) {
    case Deadline::Kind::kWithin:
      *low = static_cast<double>(step) + spec.bound_steps;
      *high = *low + 1;
      break;
    case Deadline::Kind::kSameDay:
      *low = *high = static_cast<double>((static_cast<int64_t>(day) + 1) * spd);
      break;
    case Deadline::Kind::kNextDay:
      *low = *high = static_cast<double>((static_cast<int64_t>(day) + 2) * spd);
      break;
  }
}

}  // namespace

// Units that enter their route when ordered (no wait at the stock) have the same exit times
// and kept share, step by step, as every other offering of the same route and transit: those
// are computed once per promise for each such group (Group) and read by its offerings.
Measurer::TimeGroup& Measurer::Group(const PromiseSpec& spec, int offering, double transit) {
  const int route = route_of_[static_cast<size_t>(offering)];
  for (size_t g = 0; g < groups_used_; ++g) {
    if (time_groups_[g].route == route && time_groups_[g].transit == transit)
      return time_groups_[g];
  }
  if (groups_used_ == time_groups_.size()) time_groups_.emplace_back();
  TimeGroup& group = time_groups_[groups_used_++];
  group.route = route;
  group.transit = transit;
  const size_t count = static_cast<size_t>(spec.last_day - spec.first_day + 1) *
                       static_cast<size_t>(model_.grid.steps_per_day);
  group.exit_low.resize(count);
  group.exit_high.resize(count);
  group.kept_share.resize(count);
  group.ready.assign(count, 0);
  group.compiled = &model_.offerings[static_cast<size_t>(offering)];
  return group;
}

// Fills a group's step on first use (steps without orders are never computed).
void Measurer::FillGroupStep(const PromiseSpec& spec, TimeGroup& group, int64_t step, size_t i) {
  const int spd = model_.grid.steps_per_day;
  const double cut = cut_of_slot_[static_cast<size_t>(step % spd)];
  const double exit_low =
      CachedRouteExit(*group.compiled, static_cast<double>(step), false) + group.transit;
  const double exit_high =
      CachedRouteExit(*group.compiled, static_cast<double>(step + 1), true) + group.transit;
  double deadline_low = 0;
  double deadline_high = 0;
  Deadlines(spec, step, static_cast<int>(step / spd), spd, &deadline_low, &deadline_high);
  group.exit_low[i] = exit_low;
  group.exit_high[i] = exit_high;
  group.kept_share[i] = WithinLength(exit_low - deadline_low, exit_high - deadline_high, cut);
  group.ready[i] = 1;
}

void Measurer::BuildStockCurves(const PromiseSpec& spec, int from_day) {
  const int64_t spd = model_.grid.steps_per_day;
  for (int offering : spec.offerings) {
    if (!model_.offerings[static_cast<size_t>(offering)].stocked) continue;
    StockCurve(offering, from_day * spd, (static_cast<int64_t>(spec.last_day) + 1) * spd);
  }
}

// Whether an order of a stocked offering in `step` enters its route when ordered, at both ends
// of the step (then RouteExit takes the route's shared exit times).
bool Measurer::LeavesStockAtOnce(int offering, int64_t step) {
  const Curve& stock = StockCurve(offering, step, step + 1);
  if (stock.identity) return true;
  const double from = static_cast<double>(step);
  return Evaluate(stock, from, false) == from && Evaluate(stock, from + 1, true) == from + 1;
}

// The curves of a run forked at step F from another are the other's, bit for bit, at every step
// before the first whose start time reaches F: a resource's start times at step t come from the
// arrivals and backlogs recorded up to t and the plan's cumulative capacity up to the start time
// (a forward search whose pointer only moves as far as earlier start times took it), a stock
// curve's from the orders and entries up to t and the entries up to the time served, and both
// runs have the same orders, entries, arrivals, backlogs and capacities before F (the fork is
// where they may first differ).
int64_t Measurer::AgreesBefore(const Curve& curve, int64_t fork_step) {
  const double limit = static_cast<double>(fork_step);
  for (int64_t t = 0; t < fork_step; ++t) {
    if (StartsReach(curve.low[t], curve.high[t], limit)) return t;
  }
  return fork_step;
}

int64_t Measurer::ResourceAgreesBefore(int resource, int64_t fork_step) const {
  const Curve& curve = resource_curves_[static_cast<size_t>(resource)];
  if (curve.ready) return AgreesBefore(curve, fork_step);
  return simulator_.StartCurveReaches(*plan_, resource, lane_, fork_step);
}

// A unit's exit is computed from the curves at steps up to the exit (each stage starts no
// earlier than the unit arrives, and Evaluate reads the step of its time), its order from the
// demand of its day. So a week whose units all left (in the prior run) before every curve the
// spec reads can differ, and before the fork, is measured exactly as the prior run measured it,
// provided both runs take each stocked offering's stock curve the same way (the identity, or
// the curve). Returns how many leading weeks are such.
int Measurer::SafeWeeks(const PromiseSpec& spec, const WeekReuse& reuse) {
  const WeekRecord& prior = *reuse.prior;
  if (model_.continued.active || prior.identity.size() != spec.offerings.size()) return 0;
  int64_t safe = reuse.fork_step;
  checked_.assign(model_.resources.size(), 0);
  for (size_t i = 0; i < spec.offerings.size(); ++i) {
    const int offering = spec.offerings[i];
    const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
    if (compiled.stocked) {
      const Curve& stock = StockCurve(offering, 0, reuse.fork_step);
      if (stock.identity != (prior.identity[i] != 0)) return 0;
      if (!stock.identity) safe = std::min(safe, AgreesBefore(stock, reuse.fork_step));
    }
    for (const RouteStage& stage : compiled.route) {
      if (checked_[static_cast<size_t>(stage.resource)]) continue;
      checked_[static_cast<size_t>(stage.resource)] = 1;
      safe = std::min(safe, ResourceAgreesBefore(stage.resource, reuse.fork_step));
    }
  }
  const double limit = static_cast<double>(safe);
  size_t weeks = 0;
  while (weeks < prior.reach.size() && prior.reach[weeks] < limit) ++weeks;
  return static_cast<int>(weeks);
}

// Adds `late` units times their mean wait (over the step's two ends) to each slot `offering`'s
// units wait in (its stock, its route's stages), and clears the slots for the next step.
void Measurer::TakeWaits(int offering, double late, std::vector<double>* low_waits,
                         std::vector<double>* high_waits, Attribution* attribution) const {
  const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
  auto take = [&](size_t slot) {
    const double wait = 0.5 * ((*low_waits)[slot] + (*high_waits)[slot]);
    if (late > 0 && wait > 0) (*attribution)[slot] += late * wait;
    (*low_waits)[slot] = 0;
    (*high_waits)[slot] = 0;
  };
  if (compiled.stocked) take(model_.resources.size() + static_cast<size_t>(offering));
  for (const RouteStage& stage : compiled.route) take(static_cast<size_t>(stage.resource));
}

Measurement Measurer::MeasureTime(const PromiseSpec& spec, Attribution* attribution,
                                  LeadHistogram* histogram, WeekRecord* record,
                                  const WeekReuse* reuse) {
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const bool delivery = spec.promise.type == PromiseType::kDelivery;
  ShareAccumulator shares(spec.weekly, model_.num_weeks, spec.slots);
  record = spec.weekly ? record : nullptr;
  // The stock curves over the steps read here, each built once: the period's, and with reuse
  // the steps before the fork too (SafeWeeks).
  BuildStockCurves(spec, reuse != nullptr && spec.weekly ? 0 : spec.first_day);
  int first_day = spec.first_day;  // the first day measured here
  if (reuse != nullptr && spec.weekly) {
    const int weeks = SafeWeeks(spec, *reuse);
    shares.Preset(static_cast<size_t>(weeks), *reuse->prior);
    if (reuse->status_only && weeks > 0 && record == nullptr) {
      // The whole run's worst week is no better than these weeks' worst (the same sums, the
      // same min), and float rounding keeps that order: not kept here is not kept there.
      const Measurement leading = shares.Result();
      if (!KeptIn(spec, static_cast<float>(leading.achieved))) return leading;
    }
    while (first_day <= spec.last_day && model_.week_of_day[static_cast<size_t>(first_day)] < weeks)
      ++first_day;
  }
  if (record != nullptr) {
    record->reach.assign(static_cast<size_t>(model_.num_weeks),
                         -std::numeric_limits<double>::infinity());
    record->identity.clear();
    for (int offering : spec.offerings) {
      const bool stocked = model_.offerings[static_cast<size_t>(offering)].stocked;
      record->identity.push_back(stocked && StockCurve(offering, 0, 0).identity ? 1 : 0);
    }
  }
  std::vector<double> low_waits;
  std::vector<double> high_waits;
  const size_t wait_slots = model_.resources.size() + model_.offerings.size();
  if (attribution) {
    low_waits.assign(wait_slots, 0.0);
    high_waits.assign(wait_slots, 0.0);
  }
  cut_of_slot_.resize(static_cast<size_t>(spd));
  for (int s = 0; s < spd; ++s) cut_of_slot_[static_cast<size_t>(s)] = CutoffShare(spec, s);
  groups_used_ = 0;
  const int64_t first_step = static_cast<int64_t>(spec.first_day) * spd;
  for (size_t covered_index = 0; covered_index < spec.offerings.size(); ++covered_index) {
    const int offering = spec.offerings[covered_index];
    const int share_slot = SlotOf(spec, covered_index);
    const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
    const double transit = delivery ? compiled.transit_steps : 0.0;
    TimeGroup& group = Group(spec, offering, transit);
    for (int day = first_day; day <= spec.last_day; ++day) {
      const double units = demand_->counts[static_cast<size_t>(offering)][static_cast<size_t>(day)];
      if (units <= 0) continue;
      const std::vector<double>& shape = model_.ShapeOn(compiled.shape, day);
      const int week = model_.week_of_day[static_cast<size_t>(day)];
      for (int s = 0; s < spd; ++s) {
        const int64_t step = static_cast<int64_t>(day) * spd + s;
        const double ordered = units * shape[static_cast<size_t>(s)];
        const double cut = cut_of_slot_[static_cast<size_t>(s)];
        if (ordered <= 0 || cut <= 0) continue;
        double exit_low = 0;
        double exit_high = 0;
        double kept_share = 0;
        bool walked = false;  // the waits of this step are in low_waits and high_waits
        if (!compiled.stocked || LeavesStockAtOnce(offering, step)) {
          const size_t i = static_cast<size_t>(step - first_step);
          if (!group.ready[i]) FillGroupStep(spec, group, step, i);
          exit_low = group.exit_low[i];
          exit_high = group.exit_high[i];
          kept_share = group.kept_share[i];
        } else {
          // Where late units waited is read from the walk that finds the exits (the same
          // exits: RouteFrom's walk with waits, or without them RouteFromBoth's, which is the
          // same arithmetic), not from a second walk.
          walked = attribution != nullptr;
          exit_low = RouteExit(offering, step, true, walked ? &low_waits : nullptr) + transit;
          exit_high = RouteExit(offering, step, false, walked ? &high_waits : nullptr) + transit;
          double deadline_low = 0;
          double deadline_high = 0;
          Deadlines(spec, step, day, spd, &deadline_low, &deadline_high);
          kept_share = WithinLength(exit_low - deadline_low, exit_high - deadline_high, cut);
        }
        const double covered = ordered * cut;
        const double kept = ordered * kept_share;
        shares.Add(week, covered, kept, share_slot);
        if (record != nullptr) {
          double& reach = record->reach[static_cast<size_t>(week)];
          for (double exit : {exit_low, exit_high})
            if (!(exit <= reach)) reach = std::isnan(exit) ? kNever : exit;
        }
        if (histogram) {
          const double lead_low = exit_low - static_cast<double>(step);
          const double lead_high = exit_high - static_cast<double>(step + 1);
          histogram->Add(lead_low, lead_low + cut * (lead_high - lead_low), covered);
        }
        if (attribution && (walked || covered - kept > 1e-12)) {
          // Where the late units waited: followed again, stage by stage, only for them (units
          // that waited for stock were followed with their waits above).
          const double late = covered - kept > 1e-12 ? covered - kept : 0.0;
          if (!walked) {
            RouteExit(offering, step, true, &low_waits);
            RouteExit(offering, step, false, &high_waits);
          }
          TakeWaits(offering, late, &low_waits, &high_waits, attribution);
        }
      }
    }
  }
  if (model_.continued.active) {
    AddPendingOrders(spec, delivery, &pending_);
    for (const PendingOutcome& outcome : pending_) {
      shares.Add(model_.week_of_day[static_cast<size_t>(outcome.day)], outcome.units, outcome.kept,
                 outcome.slot);
    }
    AddSettled(model_, spec, &shares);
  }
  if (record != nullptr) shares.Save(record);
  return shares.Result();
}

bool FamilyMeasurable(const PromiseSpec& spec) {
  switch (spec.promise.type) {
    case PromiseType::kDelivery:
    case PromiseType::kProcessing:
    case PromiseType::kResponse:
      return true;
    default:
      return false;
  }
}

bool SameFamily(const PromiseSpec& a, const PromiseSpec& b) {
  return a.promise.type == b.promise.type && a.campaign == b.campaign &&
         a.offerings == b.offerings && a.slot == b.slot && a.slots == b.slots &&
         a.first_day == b.first_day && a.last_day == b.last_day && a.weekly == b.weekly &&
         a.resource == b.resource;
}

void Measurer::MeasureFamily(const PromiseSpec* const* specs, size_t count, Measurement* out) {
  // A continued run's pending orders and work depend on each level's deadline: one by one.
  if (model_.continued.active || count == 1) {
    for (size_t v = 0; v < count; ++v) out[v] = Measure(*specs[v], nullptr);
    return;
  }
  if (specs[0]->promise.type == PromiseType::kResponse) {
    MeasureResponseFamily(specs, count, out);
  } else {
    MeasureTimeFamily(specs, count, out);
  }
}

// MeasureTime for a family: a step's exit times are the same for every level (the same
// offerings, period and run), so they are computed once; each level adds its cut and kept share
// as MeasureTime does, in the same order, so its sums are MeasureTime's bit for bit. (MeasureTime
// takes the exit times of units that leave stock at once from its group, which holds
// CachedRouteExit's values plus the transit: the same numbers as here.)
void Measurer::MeasureTimeFamily(const PromiseSpec* const* specs, size_t count, Measurement* out) {
  const PromiseSpec& first = *specs[0];
  const int spd = model_.grid.steps_per_day;
  const bool delivery = first.promise.type == PromiseType::kDelivery;
  BuildStockCurves(first, first.first_day);
  std::vector<ShareAccumulator> shares;
  shares.reserve(count);
  for (size_t v = 0; v < count; ++v)
    shares.emplace_back(specs[v]->weekly, model_.num_weeks, specs[v]->slots);
  family_cuts_.resize(count * static_cast<size_t>(spd));
  std::vector<char> any_cut(static_cast<size_t>(spd), 0);
  for (size_t v = 0; v < count; ++v) {
    for (int s = 0; s < spd; ++s) {
      const double cut = CutoffShare(*specs[v], s);
      family_cuts_[v * static_cast<size_t>(spd) + static_cast<size_t>(s)] = cut;
      if (cut > 0) any_cut[static_cast<size_t>(s)] = 1;
    }
  }
  for (size_t covered_index = 0; covered_index < first.offerings.size(); ++covered_index) {
    const int offering = first.offerings[covered_index];
    const int share_slot = SlotOf(first, covered_index);
    const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
    const double transit = delivery ? compiled.transit_steps : 0.0;
    for (int day = first.first_day; day <= first.last_day; ++day) {
      const double units = demand_->counts[static_cast<size_t>(offering)][static_cast<size_t>(day)];
      if (units <= 0) continue;
      const std::vector<double>& shape = model_.ShapeOn(compiled.shape, day);
      const int week = model_.week_of_day[static_cast<size_t>(day)];
      for (int s = 0; s < spd; ++s) {
        const int64_t step = static_cast<int64_t>(day) * spd + s;
        const double ordered = units * shape[static_cast<size_t>(s)];
        if (ordered <= 0 || !any_cut[static_cast<size_t>(s)]) continue;
        double exit_low = 0;
        double exit_high = 0;
        if (!compiled.stocked || LeavesStockAtOnce(offering, step)) {
          exit_low = CachedRouteExit(compiled, static_cast<double>(step), false) + transit;
          exit_high = CachedRouteExit(compiled, static_cast<double>(step + 1), true) + transit;
        } else {
          exit_low = RouteExit(offering, step, true, nullptr) + transit;
          exit_high = RouteExit(offering, step, false, nullptr) + transit;
        }
        for (size_t v = 0; v < count; ++v) {
          const double cut = family_cuts_[v * static_cast<size_t>(spd) + static_cast<size_t>(s)];
          if (cut <= 0) continue;
          double deadline_low = 0;
          double deadline_high = 0;
          Deadlines(*specs[v], step, day, spd, &deadline_low, &deadline_high);
          const double kept_share =
              WithinLength(exit_low - deadline_low, exit_high - deadline_high, cut);
          shares[v].Add(week, ordered * cut, ordered * kept_share, share_slot);
        }
      }
    }
  }
  for (size_t v = 0; v < count; ++v) out[v] = shares[v].Result();
}

Measurement Measurer::MeasureAvailability(const PromiseSpec& spec) {
  ShareAccumulator shares(spec.weekly, model_.num_weeks, spec.slots);
  for (size_t i = 0; i < spec.offerings.size(); ++i) {
    const int offering = spec.offerings[i];
    for (int day = spec.first_day; day <= spec.last_day; ++day) {
      const double units = demand_->counts[static_cast<size_t>(offering)][static_cast<size_t>(day)];
      if (units <= 0) continue;
      shares.Add(model_.week_of_day[static_cast<size_t>(day)], units,
                 std::min(units, simulator_.AtOnce(offering, day, lane_)), SlotOf(spec, i));
    }
  }
  AddSettled(model_, spec, &shares);
  return shares.Result();
}

}  // namespace tandem::engine
