// OrderSimulator's measurements of a run: a promise's achieved share (Measure) and the story of
// its representative scenario (Story). The simulation itself is in order_simulator.cc.
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "engine/order_simulator.h"

namespace tandem::engine {
namespace {

// Covered and kept units, per ISO week (standing promises) or in total; as in measure.cc.
class Shares {
 public:
  Shares(bool weekly, int weeks)
      : weekly_(weekly), covered_(weekly ? weeks : 1, 0.0), kept_(covered_.size(), 0.0) {}
  void Add(int week, double covered, double kept) {
    const size_t slot =
        weekly_ ? static_cast<size_t>(std::clamp(week, 0, static_cast<int>(covered_.size()) - 1))
                : 0;
    covered_[slot] += covered;
    kept_[slot] += kept;
  }
  Measurement Result() const {
    Measurement measurement;
    measurement.achieved = 1.0;
    for (size_t slot = 0; slot < covered_.size(); ++slot) {
      measurement.covered += covered_[slot];
      if (covered_[slot] > 1e-9) {
        measurement.achieved =
            std::min(measurement.achieved, std::clamp(kept_[slot] / covered_[slot], 0.0, 1.0));
      }
    }
    return measurement;
  }

 private:
  bool weekly_;
  std::vector<double> covered_;
  std::vector<double> kept_;
};

}  // namespace

Measurement OrderSimulator::Measure(const PromiseSpec& spec, Attribution* attribution,
                                    LeadHistogram* histogram) const {
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const double never_wait = static_cast<double>(grid.total_steps);
  std::vector<char> covered(model_.offerings.size(), 0);
  for (int o : spec.offerings) covered[static_cast<size_t>(o)] = 1;
  Shares shares(spec.weekly, model_.num_weeks);
  auto in_period = [&](const Order& order) {
    return covered[static_cast<size_t>(order.offering)] && order.day >= spec.first_day &&
           order.day <= spec.last_day;
  };
  auto before_cutoff = [&](double time) {
    if (!spec.promise.cutoff) return true;
    const double step_of_day = time - std::floor(time / spd) * spd;
    return step_of_day * static_cast<double>(grid.step_minutes) <
           static_cast<double>(*spec.promise.cutoff);
  };
  // The deadline of something that started the clock at `time` (on `day`).
  auto deadline = [&](double time, int64_t day) {
    switch (spec.promise.within.kind) {
      case Deadline::Kind::kWithin:
        return time + spec.bound_steps;
      case Deadline::Kind::kSameDay:
        return static_cast<double>((day + 1) * spd);
      case Deadline::Kind::kNextDay:
        return static_cast<double>((day + 2) * spd);
    }
    return time;
  };
  const size_t num_resources = model_.resources.size();

  switch (spec.promise.type) {
    case PromiseType::kDelivery:
    case PromiseType::kProcessing: {
      const bool delivery = spec.promise.type == PromiseType::kDelivery;
      for (const Order& order : run_.orders) {
        if (!in_period(order) || !before_cutoff(order.placed)) continue;
        const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(order.offering)];
        const double end = order.exit + (delivery ? compiled.transit_steps : 0.0);
        const bool kept = end <= deadline(order.placed, order.day) + 1e-9;
        shares.Add(model_.week_of_day[static_cast<size_t>(order.day)], 1.0, kept ? 1.0 : 0.0);
        if (histogram) histogram->Add(end - order.placed, end - order.placed, 1.0);
        if (kept || !attribution) continue;
        if (compiled.stocked) {
          (*attribution)[num_resources + static_cast<size_t>(order.offering)] +=
              std::isfinite(order.entered) ? order.entered - order.placed : never_wait;
        }
        for (size_t s = 0; s < compiled.route.size(); ++s) {
          const Stage& stage = run_.stages[order.first_stage + s];
          if (!std::isfinite(stage.arrival)) break;
          (*attribution)[static_cast<size_t>(compiled.route[s].resource)] +=
              std::isfinite(stage.start) ? stage.start - stage.arrival : never_wait;
        }
      }
      break;
    }
    case PromiseType::kResponse: {
      for (const SideJob& job : run_.side_jobs) {
        if (job.resource != spec.resource) continue;
        const Order& order = run_.orders[static_cast<size_t>(job.order)];
        if (!in_period(order) || !before_cutoff(job.arrival)) continue;
        const int64_t day = static_cast<int64_t>(job.arrival / spd);
        const bool kept = job.done <= deadline(job.arrival, day) + 1e-9;
        const int week_day = static_cast<int>(std::min<int64_t>(day, grid.horizon_days - 1));
        shares.Add(model_.week_of_day[static_cast<size_t>(week_day)], 1.0, kept ? 1.0 : 0.0);
        if (histogram) histogram->Add(job.done - job.arrival, job.done - job.arrival, 1.0);
        if (!kept && attribution) {
          (*attribution)[static_cast<size_t>(spec.resource)] +=
              std::isfinite(job.start) ? job.start - job.arrival : never_wait;
        }
      }
      break;
    }
    case PromiseType::kAvailability: {
      for (const Order& order : run_.orders) {
        if (!in_period(order)) continue;
        shares.Add(model_.week_of_day[static_cast<size_t>(order.day)], 1.0,
                   order.at_once ? 1.0 : 0.0);
        if (!order.at_once && attribution)
          (*attribution)[num_resources + static_cast<size_t>(order.offering)] += 1;
      }
      break;
    }
    default:
      return {};
  }
  return shares.Result();
}

BacklogStory OrderSimulator::Story(const PromiseSpec& spec, int binding) const {
  const TimeGrid& grid = model_.grid;
  const int64_t steps = grid.total_steps;
  const int num_resources = static_cast<int>(model_.resources.size());
  const auto [first, last] = StoryPeriod(grid, spec);
  // Adds `amount` at the step holding `time` (nothing when it is not within the simulation).
  auto add_at = [&](std::vector<double>& series, double time, double amount) {
    if (std::isfinite(time) && time < static_cast<double>(steps))
      series[static_cast<size_t>(time)] += amount;
  };
  if (binding < num_resources) {
    // End-of-step backlog: work arrived minus work started, cumulated.
    std::vector<double> backlog(static_cast<size_t>(steps), 0.0);
    for (const Order& order : run_.orders) {
      const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(order.offering)];
      for (size_t s = 0; s < compiled.route.size(); ++s) {
        if (compiled.route[s].resource != binding) continue;
        const Stage& stage = run_.stages[order.first_stage + s];
        add_at(backlog, stage.arrival, compiled.route[s].per_unit);
        add_at(backlog, stage.start, -compiled.route[s].per_unit);
      }
    }
    for (const SideJob& job : run_.side_jobs) {
      if (job.resource != binding) continue;
      add_at(backlog, job.arrival, 1.0);
      add_at(backlog, job.start, -1.0);
    }
    for (size_t t = 1; t < backlog.size(); ++t) backlog[t] += backlog[t - 1];
    return ThroughputStory(model_, *plan_, spec, binding, backlog.data());
  }
  // The stock of an offering: backorders (ordered, not yet out of stock) over the period.
  BacklogStory story;
  const int offering = binding - num_resources;
  story.stock = true;
  story.index = offering;
  std::vector<double> backorders(static_cast<size_t>(steps), 0.0);
  for (const Order& order : run_.orders) {
    if (order.offering != offering) continue;
    add_at(backorders, order.placed, 1.0);
    add_at(backorders, order.entered, -1.0);
  }
  double waiting = 0;
  for (int64_t t = 0; t < last; ++t) {
    waiting += backorders[static_cast<size_t>(t)];
    if (t < first) continue;
    if (waiting > story.peak) {
      story.peak = waiting;
      story.peak_step = t;
    }
    if (!story.falls_behind && waiting > 0.5) {
      story.falls_behind = true;
      story.falls_behind_step = static_cast<double>(t);
    }
  }
  story.day_capacity = model_.offerings[static_cast<size_t>(offering)].supply_per_day;
  return story;
}

}  // namespace tandem::engine
