// The explanation's figures from one measured run (Measurer::Story, engine/measure.h): the
// binding resource's backlog over a promise's period.
#include <algorithm>
#include <cmath>

#include "engine/measure.h"

namespace tandem::engine {

// A throughput resource's story (fluid and order-level mode): its backlog's peak over the
// period, the first step whose backlog cannot be cleared within the promise's bound, the share
// of closed steps and the mean open capacity of the week from the peak.
StepRange StoryPeriod(const TimeGrid& grid, const PromiseSpec& spec) {
  const int64_t spd = grid.steps_per_day;
  return {
      static_cast<int64_t>(spec.first_day) * spd,
      std::min<int64_t>(grid.total_steps, (static_cast<int64_t>(spec.last_day) + 1) * spd +
                                              static_cast<int64_t>(std::ceil(spec.bound_steps)))};
}

BacklogStory ThroughputStory(const CompiledModel& model, const RunPlan& plan,
                             const PromiseSpec& spec, int binding, const double* backlog) {
  BacklogStory story;
  const TimeGrid& grid = model.grid;
  const int spd = grid.steps_per_day;
  const int64_t steps = grid.total_steps;
  const auto [first, last] = StoryPeriod(grid, spec);
  story.index = binding;
  const double* capacity = plan.capacity[static_cast<size_t>(binding)];
  const std::vector<double>& cumulative_capacity = plan.cum_capacity[static_cast<size_t>(binding)];
  const ThroughputResource& resource = model.resources[static_cast<size_t>(binding)];
  double transit = 0;
  if (spec.promise.type == PromiseType::kDelivery && !spec.offerings.empty()) {
    transit = model.offerings[static_cast<size_t>(spec.offerings.front())].transit_steps;
  }
  for (int64_t t = first; t < last; ++t) {
    const double waiting = backlog[t];
    if (waiting > story.peak) {
      story.peak = waiting;
      story.peak_step = t;
    }
    if (story.falls_behind) continue;
    double window = spec.bound_steps;
    if (spec.promise.within.kind != Deadline::Kind::kWithin) {
      const int64_t day_end =
          (t / spd + (spec.promise.within.kind == Deadline::Kind::kNextDay ? 2 : 1)) * spd;
      window = static_cast<double>(day_end - t);
    }
    window -= transit + static_cast<double>(resource.processing_steps[static_cast<size_t>(t)]);
    const int64_t until = std::clamp<int64_t>(
        t + 1 + static_cast<int64_t>(std::floor(std::max(0.0, window))), t + 1, steps);
    const double clearable = cumulative_capacity[static_cast<size_t>(until)] -
                             cumulative_capacity[static_cast<size_t>(t + 1)];
    if (waiting > clearable + 0.5) {
      story.falls_behind = true;
      story.falls_behind_step = static_cast<double>(t);
      story.behind_at_start = t == first;
    }
  }
  int64_t closed = 0;
  for (int64_t t = first; t < last; ++t) closed += capacity[t] > 0 ? 0 : 1;
  story.closed_share =
      last > first ? static_cast<double>(closed) / static_cast<double>(last - first) : 0;
  const int peak_day = static_cast<int>(story.peak_step / spd);
  double open_capacity = 0;
  int open_days = 0;
  for (int day = peak_day; day < std::min(peak_day + 7, grid.total_days); ++day) {
    const double day_capacity =
        plan.day_capacity[static_cast<size_t>(binding)][static_cast<size_t>(day)];
    if (day_capacity > 0) {
      open_capacity += day_capacity;
      ++open_days;
    }
  }
  story.day_capacity = open_days > 0 ? open_capacity / open_days : 0;
  return story;
}

BacklogStory Measurer::Story(const PromiseSpec& spec, int binding) {
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const int num_resources = static_cast<int>(model_.resources.size());
  const auto [first, last] = StoryPeriod(grid, spec);
  if (binding < num_resources) {
    const std::vector<double> backlogs = simulator_.Backlog(binding, lane_);
    return ThroughputStory(model_, *plan_, spec, binding, backlogs.data());
  }
  BacklogStory story;
  // The stock of an offering: backorders over the period.
  const int offering = binding - num_resources;
  story.stock = true;
  story.index = offering;
  const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
  std::vector<double> entries;
  simulator_.Entries(offering, lane_, &entries);
  double ordered = 0;
  double served = 0;
  for (int64_t t = 0; t < last; ++t) {
    const int day = static_cast<int>(t / spd);
    if (day < grid.horizon_days) {
      ordered += demand_->counts[static_cast<size_t>(offering)][static_cast<size_t>(day)] *
                 model_.ShapeOn(compiled.shape, day)[static_cast<size_t>(t % spd)];
    }
    served += entries[static_cast<size_t>(t)];
    if (t < first) continue;
    const double backorders = ordered - served;
    if (backorders > story.peak) {
      story.peak = backorders;
      story.peak_step = t;
    }
    if (!story.falls_behind && backorders > 0.5) {
      story.falls_behind = true;
      story.falls_behind_step = static_cast<double>(t);
    }
  }
  story.day_capacity = compiled.supply_per_day;
  return story;
}

}  // namespace tandem::engine
