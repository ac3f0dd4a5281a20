// Demand against the plan (follow-up.md, "What is measured") and the lift belief for the rest
// of the window (docs/follow-up.md, "Re-estimating the lift").
#include <algorithm>
#include <cmath>
#include <limits>

#include "followup/internal.h"

namespace tandem::followup {
namespace {

constexpr double kZ95 = 1.645;
constexpr double kSmallestRatio = 0.05;  // 1 + lift below this is taken as this (log scale)

// Per day of the elapsed window: units observed, and the plan's baseline, campaign-weighted
// baseline and other campaigns' increments.
struct DayFigures {
  double units = 0;
  double baseline = 0;        // B: expected units without any campaign
  double weighted = 0;        // W: baseline x this campaign's profile weight
  double others = 0;          // O: the planned increments of the other campaigns in force
  double variance_extra = 0;  // day-level noise of the plan ({cv}), at the plan's level
  bool complete = false;      // the whole day is before as-of
  double Expected(double lift) const { return baseline + lift * weighted + others; }
};

double Ratio(double units, const DayFigures& day) {
  return std::max(kSmallestRatio, 1.0 + (units - day.baseline - day.others) / day.weighted);
}

// The lift: observed over the measured days, and the belief for the rest of the window (docs/
// follow-up.md, "Re-estimating the lift"): the plan's prior updated with the observation.
void Believe(const Lift& planned, const std::vector<DayFigures>& days, const DayFigures& total,
             DemandFigures* out) {
  LiftFigures& lift = out->figures.lift;
  lift.planned = planned.expected;
  double mu = 0, sigma = 0;
  LiftPrior(planned, &mu, &sigma);
  out->log_median = mu;
  out->sigma = planned.certain ? 0.0 : sigma;
  if (total.weighted > 0 && out->to > out->from) {
    const double observed = (total.units - total.baseline - total.others) / total.weighted;
    lift.observed = observed;
    if (std::fabs(lift.planned) > 1e-12) lift.ratio = observed / lift.planned;
    // ln(1 + lift) observed, with the variance the plan's own noise gives it (Poisson at the
    // observed count, and the day factor), or the spread of the days themselves when larger.
    const double x = std::log(Ratio(total.units, total));
    const double scale = total.weighted * std::exp(x);
    double variance = std::numeric_limits<double>::infinity();
    if (scale > 0) {
      variance = (std::max(total.units, 1.0) + total.variance_extra) / (scale * scale);
    }
    std::vector<double> daily;
    for (const DayFigures& day : days) {
      if (day.complete && day.weighted > 0) daily.push_back(std::log(Ratio(day.units, day)));
    }
    if (daily.size() >= 2) {
      double mean = 0;
      for (double value : daily) mean += value / static_cast<double>(daily.size());
      double spread = 0;
      for (double value : daily) spread += (value - mean) * (value - mean);
      spread /= static_cast<double>(daily.size() - 1);
      variance = std::max(variance, spread / static_cast<double>(daily.size()));
    }
    if (std::isfinite(variance) && variance > 0) {
      const double precision = 1 / (sigma * sigma) + 1 / variance;
      out->log_median = (mu / (sigma * sigma) + x / variance) / precision;
      out->sigma = 1 / std::sqrt(precision);
      out->informed = true;
    }
  }
  lift.posterior_median = std::exp(out->log_median) - 1;
  lift.posterior_low = std::exp(out->log_median - kZ95 * out->sigma) - 1;
  lift.posterior_high = std::exp(out->log_median + kZ95 * out->sigma) - 1;
}

}  // namespace

void LiftPrior(const Lift& lift, double* mu, double* sigma) {
  *mu = std::log(std::max(kSmallestRatio, 1.0 + lift.expected));
  if (lift.certain) {
    *sigma = kCertainLiftSigma;
  } else {
    *sigma = (std::log(1 + lift.high) - std::log(1 + lift.low)) / (2 * kZ95);
  }
}

DemandFigures CampaignDemand(const Context& context, int k) {
  const Scenario& scenario = context.scenario;
  const PlanDemand& plan = context.plan;
  const Campaign& campaign = scenario.campaigns[static_cast<size_t>(k)];
  const int first_day = campaign.window.start - scenario.horizon.start;
  const int window_days = campaign.window.days();
  std::vector<char> covers(scenario.offerings.size(), 0);
  for (const std::string& id : campaign.offerings)
    covers[static_cast<size_t>(scenario.OfferingIndex(id))] = 1;

  // The elapsed part: whole steps up to as-of, inside the window.
  const int64_t step_seconds = plan.step_minutes * 60;
  const WallSeconds window_from = WallSecondsOf(campaign.window.start);
  const WallSeconds window_to = WallSecondsOf(campaign.window.end + 1);
  // Measured only from the first day the actuals cover (an export may start late).
  const WallSeconds measured_from =
      context.orders_from ? std::clamp(*context.orders_from, window_from, window_to) : window_to;
  const WallSeconds elapsed_to = std::clamp(
      context.horizon_start + (context.as_of - context.horizon_start) / step_seconds * step_seconds,
      measured_from, window_to);

  DemandFigures out;
  std::vector<DayFigures> days(static_cast<size_t>(window_days));
  auto other_lift = [&](size_t o, int day) {
    double sum = 0;
    for (size_t j = 0; j < scenario.campaigns.size(); ++j) {
      const Campaign& other = scenario.campaigns[j];
      const int from = other.window.start - scenario.horizon.start;
      const int to = other.window.end - scenario.horizon.start;
      if (static_cast<int>(j) == k || day < from || day > to) continue;
      if (std::find(other.offerings.begin(), other.offerings.end(), scenario.offerings[o].id) ==
          other.offerings.end())
        continue;
      sum += other.lift.expected * plan.weight[j][static_cast<size_t>(day - from)];
    }
    return sum;
  };
  DemandFollowUp& demand = out.figures;
  demand.days.resize(static_cast<size_t>(window_days));
  for (int i = 0; i < window_days; ++i) {
    const int day = first_day + i;
    const WallSeconds day_start = WallSecondsOf(campaign.window.start + i);
    const WallSeconds day_from = std::max(day_start, measured_from);  // a day boundary
    const WallSeconds day_to = std::min(day_start + 86400, elapsed_to);
    const double weight = plan.weight[static_cast<size_t>(k)][static_cast<size_t>(i)];
    DayFigures& figures = days[static_cast<size_t>(i)];
    DemandDay& chart = demand.days[static_cast<size_t>(i)];
    chart.date = campaign.window.start + i;
    // The plan's whole day, and the lift's part of it (the band moves with the lift alone).
    double lift_part = 0;
    for (size_t o = 0; o < scenario.offerings.size(); ++o) {
      if (!covers[o]) continue;
      const double whole = plan.baseline[o][static_cast<size_t>(day)];
      const double others = other_lift(o, day);
      out.window_expected += whole * (1 + campaign.lift.expected * weight + others);
      chart.p50 += whole * (1 + campaign.lift.expected * weight + others);
      lift_part += whole * weight;
      if (day_to <= day_from) continue;
      const double base = whole * plan.DayShare(static_cast<int>(o), 0,
                                                static_cast<double>(day_to - day_from) / 60);
      figures.baseline += base;
      figures.weighted += base * weight;
      figures.others += base * others;
      const double cv = scenario.offerings[o].baseline.noise_cv;
      const double level = base * (1 + campaign.lift.expected * weight + others);
      figures.variance_extra += cv * cv * level * level;
    }
    figures.complete = day_from == day_start && day_to == day_start + 86400;
    chart.complete = figures.complete;
    if (!campaign.lift.certain) {
      chart.p5 = chart.p50 + (campaign.lift.low - campaign.lift.expected) * lift_part;
      chart.p95 = chart.p50 + (campaign.lift.high - campaign.lift.expected) * lift_part;
    }
    if (day_to > day_from) chart.units = 0.0;
  }
  for (const OrderRecord& order : context.actuals.orders) {
    if (!covers[static_cast<size_t>(order.offering)] || order.placed < measured_from ||
        order.placed >= elapsed_to)
      continue;
    const auto i = static_cast<size_t>(DateOfWallSeconds(order.placed) - campaign.window.start);
    days[i].units += order.units;
    *demand.days[i].units += order.units;
  }

  DayFigures total;
  double errors = 0;
  for (const DayFigures& day : days) {
    total.units += day.units;
    total.baseline += day.baseline;
    total.weighted += day.weighted;
    total.others += day.others;
    total.variance_extra += day.variance_extra;
    const double expected = day.Expected(campaign.lift.expected);
    if (day.complete && expected > 0) {
      errors += std::fabs(day.units - expected) / expected;
      demand.completed_days += 1;
    }
  }
  demand.units = total.units;
  demand.baseline = total.baseline;
  out.weighted_baseline = total.weighted;
  demand.expected = total.Expected(campaign.lift.expected);
  demand.elapsed_days = static_cast<double>(elapsed_to - measured_from) / 86400.0;
  out.from = measured_from;
  out.to = elapsed_to;
  if (demand.expected > 0) demand.bias = demand.units / demand.expected - 1;
  if (demand.completed_days > 0) demand.mape = errors / demand.completed_days;

  Believe(campaign.lift, days, total, &out);
  return out;
}

}  // namespace tandem::followup
