// Response promises (a resource's tickets answered within a bound): measured per arrival step
// from the resource's start curve. Private to the engine (measure.h).
#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/measure.h"
#include "engine/measure_shares.h"

namespace tandem::engine {
namespace {

// The response bound (steps) of a ticket arriving in `step`: the promise's own, or to the end of
// the day (same day) or the next (next day), from the middle of the step.
double ResponseBound(const PromiseSpec& spec, int64_t step, int spd) {
  if (spec.promise.within.kind == Deadline::Kind::kWithin) return spec.bound_steps;
  const int64_t day_end =
      (step / spd + (spec.promise.within.kind == Deadline::Kind::kNextDay ? 2 : 1)) * spd;
  return static_cast<double>(day_end - step) - 0.5;
}

}  // namespace

// A response promise's unit is counted in the week of the step it arrives in, and its share is
// read from the resource's curve at that step alone (no route). A run forked at F from the run
// that recorded the weeks has, before F, the same demand, side loads and returns arriving, and
// the same curve before AgreesBefore(curve, F) (measure.cc): every week whose steps all lie
// before both sums the same arrivals at the same shares, in the same order. Returns how many
// leading weeks are such, and in `first_step` the first step of the week after them.
int Measurer::ResponseSafeWeeks(int resource, int64_t fork_step, int64_t* first_step) {
  const int64_t safe = std::min(fork_step, ResourceAgreesBefore(resource, fork_step));
  const int spd = model_.grid.steps_per_day;
  const int horizon_days = model_.grid.horizon_days;
  int weeks = 0;
  int day = 0;  // the first day of week `weeks`
  for (;;) {
    int next = day;
    while (next < horizon_days && model_.week_of_day[static_cast<size_t>(next)] == weeks) ++next;
    // The last week also holds the steps after the horizon (their day is clamped to its last).
    const int64_t end =
        next >= horizon_days ? model_.grid.total_steps : static_cast<int64_t>(next) * spd;
    if (next == day || end > safe) break;
    ++weeks;
    day = next;
  }
  *first_step = static_cast<int64_t>(day) * spd;
  return weeks;
}

void Measurer::ResponseArrivals(const PromiseSpec& spec, int64_t* touched_begin,
                                int64_t* touched_end) {
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const size_t steps = static_cast<size_t>(grid.total_steps);
  if (scratch_.size() != steps) scratch_.assign(steps, 0.0);
  int64_t touched_from = grid.total_steps;
  int64_t touched_to = 0;
  auto add = [&](double position, double amount) {
    if (amount <= 0 || !(position < static_cast<double>(steps))) return;
    const int64_t step = static_cast<int64_t>(position);
    const double fraction = position - static_cast<double>(step);
    scratch_[static_cast<size_t>(step)] += amount * (1 - fraction);
    if (fraction > 0 && step + 1 < grid.total_steps)
      scratch_[static_cast<size_t>(step + 1)] += amount * fraction;
    touched_from = std::min(touched_from, step);
    touched_to = std::max(touched_to, std::min(step + 2, grid.total_steps));
  };
  for (int offering : spec.offerings) {
    const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
    for (const SideLoad& load : compiled.loads) {
      if (load.resource != spec.resource) continue;
      for (int day = spec.first_day; day <= spec.last_day; ++day) {
        const double units =
            demand_->counts[static_cast<size_t>(offering)][static_cast<size_t>(day)] *
            load.per_unit;
        if (units <= 0) continue;
        const std::vector<double>& shape = model_.ShapeOn(compiled.shape, day);
        for (int s = 0; s < spd; ++s) {
          add(static_cast<double>(static_cast<int64_t>(day) * spd + s) + load.lag_steps,
              units * shape[static_cast<size_t>(s)]);
        }
      }
    }
    if (compiled.returns_resource == spec.resource && compiled.may_return) {
      // Returns of covered orders: those arriving one order-to-return delay after the covered days.
      const std::vector<double> returns = simulator_.ReturnArrivals(offering, lane_);
      const double shift =
          compiled.route_processing_steps + compiled.transit_steps + compiled.return_lag_steps;
      const int64_t from = static_cast<int64_t>(
          std::floor(static_cast<double>(static_cast<int64_t>(spec.first_day) * spd) + shift));
      const int64_t to = static_cast<int64_t>(
          std::floor(static_cast<double>((static_cast<int64_t>(spec.last_day) + 1) * spd) + shift));
      for (int64_t step = std::max<int64_t>(from, 0);
           step < std::min<int64_t>(to, grid.total_steps); ++step) {
        add(static_cast<double>(step), returns[static_cast<size_t>(step)]);
      }
    }
  }
  if (model_.continued.active) {
    // Pending tickets and work of covered orders, not yet late at the start.
    for (const Continued::Entry& entry : model_.continued.pending_work) {
      if (entry.index != spec.resource || entry.day < spec.first_day || entry.day > spec.last_day ||
          (entry.offering >= 0 && !Covers(spec, entry.offering)))
        continue;
      if (DeadlineOf(spec, entry.time, spd) <= model_.continued.start_minute_steps) continue;
      add(entry.time, entry.units);
    }
  }
  *touched_begin = touched_from;
  *touched_end = touched_to;
}

Measurement Measurer::MeasureResponse(const PromiseSpec& spec, Attribution* attribution,
                                      LeadHistogram* histogram, WeekRecord* record,
                                      const WeekReuse* reuse) {
  const TimeGrid& grid = model_.grid;
  const size_t steps = static_cast<size_t>(grid.total_steps);
  int64_t touched_from = 0;
  int64_t touched_to = 0;
  ResponseArrivals(spec, &touched_from, &touched_to);
  const int spd = grid.steps_per_day;
  ShareAccumulator shares(spec.weekly, model_.num_weeks);
  AddSettled(model_, spec, &shares);
  const ThroughputResource& resource = model_.resources[static_cast<size_t>(spec.resource)];
  int64_t measure_from = touched_from;  // the steps before are taken from reuse->prior
  if (reuse != nullptr && spec.weekly && !model_.continued.active &&
      reuse->prior->covered.size() == static_cast<size_t>(model_.num_weeks)) {
    const int weeks = ResponseSafeWeeks(spec.resource, reuse->fork_step, &measure_from);
    shares.Preset(static_cast<size_t>(weeks), *reuse->prior);
    // As in MeasureTime: once the reused weeks fall short, no later week can make it kept.
    if (reuse->status_only && weeks > 0 && record == nullptr &&
        !KeptIn(spec, static_cast<float>(shares.Result().achieved)))
      measure_from = touched_to;
    measure_from = std::max(touched_from, std::min(measure_from, touched_to));
    std::fill(scratch_.begin() + touched_from, scratch_.begin() + measure_from, 0.0);  // unread
  }
  // No step left to measure (and no record to save): the curve is not built.
  if (measure_from >= touched_to && record == nullptr) return shares.Result();
  const Curve& curve = ResourceCurve(spec.resource);
  for (int64_t step = measure_from; step < touched_to; ++step) {
    const double arrived = scratch_[static_cast<size_t>(step)];
    if (arrived <= 0) continue;
    scratch_[static_cast<size_t>(step)] = 0;
    const double cut = CutoffShare(spec, step);
    if (cut <= 0) continue;
    const double low = curve.low[static_cast<size_t>(step)];
    const double high = curve.high[static_cast<size_t>(step)];
    auto processing = [&](double start) {
      if (!std::isfinite(start)) return 0.0;
      return static_cast<double>(
          resource.processing_steps[std::min(static_cast<size_t>(start), steps - 1)]);
    };
    const double bound = ResponseBound(spec, step, spd);
    const double response_low = low + processing(low) - static_cast<double>(step);
    const double response_high = high + processing(high) - static_cast<double>(step + 1);
    const double kept_share = WithinLength(response_low - bound, response_high - bound, cut);
    const int day = std::min(static_cast<int>(step / spd), grid.horizon_days - 1);
    shares.Add(model_.week_of_day[static_cast<size_t>(day)], arrived * cut, arrived * kept_share);
    if (histogram)
      histogram->Add(response_low, response_low + cut * (response_high - response_low),
                     arrived * cut);
    if (attribution) {
      const double late = arrived * (cut - kept_share);
      const double wait = std::isfinite(high) ? 0.5 * (low + high) - static_cast<double>(step) - 0.5
                                              : static_cast<double>(steps);
      if (late > 0 && wait > 0) (*attribution)[static_cast<size_t>(spec.resource)] += late * wait;
    }
  }
  if (record != nullptr && spec.weekly) {
    shares.Save(record);
    record->reach.clear();  // read by SafeWeeks only, for time promises
    record->identity.clear();
  }
  return shares.Result();
}

// MeasureResponse for a family (Measurer::MeasureFamily): the same arrivals (SameFamily: the
// same offerings, resource and period) and the same curve for every level, so a step's response
// times are read once; each level adds its cut and kept share in MeasureResponse's order.
// REQUIRES: no continued run (its pending work depends on each level's deadline).
void Measurer::MeasureResponseFamily(const PromiseSpec* const* specs, size_t count,
                                     Measurement* out) {
  const PromiseSpec& first = *specs[0];
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const size_t steps = static_cast<size_t>(grid.total_steps);
  int64_t touched_from = 0;
  int64_t touched_to = 0;
  ResponseArrivals(first, &touched_from, &touched_to);
  std::vector<ShareAccumulator> shares;
  shares.reserve(count);
  for (size_t v = 0; v < count; ++v) {
    shares.emplace_back(specs[v]->weekly, model_.num_weeks);
    AddSettled(model_, *specs[v], &shares[v]);
  }
  if (touched_from < touched_to) {
    const ThroughputResource& resource = model_.resources[static_cast<size_t>(first.resource)];
    const Curve& curve = ResourceCurve(first.resource);
    auto processing = [&](double start) {
      if (!std::isfinite(start)) return 0.0;
      return static_cast<double>(
          resource.processing_steps[std::min(static_cast<size_t>(start), steps - 1)]);
    };
    for (int64_t step = touched_from; step < touched_to; ++step) {
      const double arrived = scratch_[static_cast<size_t>(step)];
      if (arrived <= 0) continue;
      scratch_[static_cast<size_t>(step)] = 0;
      const double low = curve.low[static_cast<size_t>(step)];
      const double high = curve.high[static_cast<size_t>(step)];
      const double response_low = low + processing(low) - static_cast<double>(step);
      const double response_high = high + processing(high) - static_cast<double>(step + 1);
      const int day = std::min(static_cast<int>(step / spd), grid.horizon_days - 1);
      const int week = model_.week_of_day[static_cast<size_t>(day)];
      for (size_t v = 0; v < count; ++v) {
        const double cut = CutoffShare(*specs[v], step);
        if (cut <= 0) continue;
        const double bound = ResponseBound(*specs[v], step, spd);
        const double kept_share = WithinLength(response_low - bound, response_high - bound, cut);
        shares[v].Add(week, arrived * cut, arrived * kept_share);
      }
    }
  }
  for (size_t v = 0; v < count; ++v) out[v] = shares[v].Result();
}

}  // namespace tandem::engine
