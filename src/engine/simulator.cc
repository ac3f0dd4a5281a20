#include "engine/simulator.h"

#include "engine/flow_step.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tandem/engine/random.h"

#include <cstring>

namespace tandem::engine {

// ---------------------------------------------------------------------------------------------
// Demand of a run

void BuildRunDemand(const CompiledModel& model, const std::vector<char>& included,
                    const std::vector<std::vector<double>>& base,
                    const std::vector<std::vector<std::vector<double>>>& increment,
                    RunDemand* out) {
  const size_t num_offerings = model.offerings.size();
  const size_t num_campaigns = model.campaigns.size();
  const int horizon_days = model.grid.horizon_days;
  out->counts.resize(num_offerings);
  for (size_t o = 0; o < num_offerings; ++o) {
    out->counts[o].assign(base[o].begin(), base[o].begin() + horizon_days);
  }
  out->revenue.assign(num_offerings, 0.0);
  out->sold.assign(num_offerings, 0.0);
  out->window_revenue.assign(num_campaigns, 0.0);
  out->window_units.assign(num_campaigns, 0.0);

  // Lifts add where campaigns overlap.
  for (size_t k = 0; k < num_campaigns; ++k) {
    if (!included[k]) continue;
    const CompiledCampaign& campaign = model.campaigns[k];
    for (size_t i = 0; i < campaign.offerings.size(); ++i) {
      std::vector<double>& counts = out->counts[static_cast<size_t>(campaign.offerings[i])];
      const std::vector<double>& extra = increment[k][i];
      for (size_t day = 0; day < extra.size(); ++day)
        counts[static_cast<size_t>(campaign.first_day) + day] += extra[day];
    }
  }
  for (std::vector<double>& counts : out->counts) {
    for (double& count : counts) count = std::max(0.0, count);
  }

  // Caps: once the campaign has sold that many units, demand falls back to baseline. On the day
  // the cap is reached, the increment is cut to the share of the day's units still under it.
  // active[k][day] is the share of the day on which campaign k is still selling.
  std::vector<std::vector<double>> active(num_campaigns);
  for (size_t k = 0; k < num_campaigns; ++k) {
    const CompiledCampaign& campaign = model.campaigns[k];
    active[k].assign(campaign.weight_by_day.size(), included[k] ? 1.0 : 0.0);
    if (!included[k] || !campaign.has_cap) continue;
    auto cut = [&](size_t i, size_t day, double keep_share) {
      double& count = out->counts[static_cast<size_t>(campaign.offerings[i])]
                                 [static_cast<size_t>(campaign.first_day) + day];
      count = std::max(0.0, count - (1.0 - keep_share) * increment[k][i][day]);
    };
    const size_t window_days = campaign.weight_by_day.size();
    for (size_t i = 0; i < campaign.offerings.size(); ++i) {
      const double cap = campaign.cap_by_offering[static_cast<size_t>(campaign.offerings[i])];
      if (cap < 0) continue;
      double sold = 0;
      for (size_t day = 0; day < window_days; ++day) {
        const double units = out->counts[static_cast<size_t>(campaign.offerings[i])]
                                        [static_cast<size_t>(campaign.first_day) + day];
        if (sold >= cap) {
          cut(i, day, 0.0);
        } else if (sold + units > cap) {
          cut(i, day, (cap - sold) / units);
          sold = cap;
        } else {
          sold += units;
        }
      }
    }
    if (campaign.cap_total >= 0) {
      double sold = 0;
      for (size_t day = 0; day < window_days; ++day) {
        double units = 0;
        for (int o : campaign.offerings)
          units +=
              out->counts[static_cast<size_t>(o)][static_cast<size_t>(campaign.first_day) + day];
        double keep = 1.0;
        if (sold >= campaign.cap_total) {
          keep = 0.0;
        } else if (sold + units > campaign.cap_total) {
          keep = (campaign.cap_total - sold) / units;
          sold = campaign.cap_total;
        } else {
          sold += units;
        }
        if (keep < 1.0) {
          for (size_t i = 0; i < campaign.offerings.size(); ++i) cut(i, day, keep);
          active[k][day] = keep;
        }
      }
    }
  }

  // Revenue at the discount in force: the largest among active campaigns, layered by the share
  // of the day each is active.
  std::vector<size_t> by_discount(num_campaigns);
  std::iota(by_discount.begin(), by_discount.end(), size_t{0});
  std::stable_sort(by_discount.begin(), by_discount.end(), [&](size_t a, size_t b) {
    return model.campaigns[a].discount > model.campaigns[b].discount;
  });
  for (size_t o = 0; o < num_offerings; ++o) {
    const double price = model.offerings[o].price;
    const std::vector<double>& counts = out->counts[o];
    for (int day = 0; day < horizon_days; ++day) {
      const double units = counts[static_cast<size_t>(day)];
      out->sold[o] += units;
      double remaining = 1.0;
      double discount = 0.0;
      for (size_t k : by_discount) {
        const CompiledCampaign& campaign = model.campaigns[k];
        if (!included[k] || !campaign.covers[o] || day < campaign.first_day ||
            day > campaign.last_day)
          continue;
        const double share = active[k][static_cast<size_t>(day - campaign.first_day)];
        discount += remaining * share * campaign.discount;
        remaining *= 1.0 - share;
      }
      const double revenue = units * price * (1.0 - discount);
      out->revenue[o] += revenue;
      for (size_t k = 0; k < num_campaigns; ++k) {
        const CompiledCampaign& campaign = model.campaigns[k];
        if (!included[k] || !campaign.covers[o] || day < campaign.first_day ||
            day > campaign.last_day)
          continue;
        out->window_revenue[k] += revenue;
        out->window_units[k] += units;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Run plans

RunPlan MakeRunPlan(const CompiledModel& model, const std::vector<char>& included) {
  const TimeGrid& grid = model.grid;
  const size_t total_steps = static_cast<size_t>(grid.total_steps);
  const size_t total_days = static_cast<size_t>(grid.total_days);
  RunPlan plan;
  plan.included = included;
  plan.capacity.resize(model.resources.size());
  plan.owned_capacity.resize(model.resources.size());
  plan.day_capacity.resize(model.resources.size());
  for (size_t r = 0; r < model.resources.size(); ++r) {
    const ThroughputResource& resource = model.resources[r];
    bool booked = false;
    for (size_t k = 0; k < model.campaigns.size(); ++k)
      booked = booked || (included[k] && !resource.booked_extra[k].empty());
    if (booked) {
      std::vector<double> capacity = resource.base_capacity;
      for (size_t k = 0; k < model.campaigns.size(); ++k) {
        if (!included[k] || resource.booked_extra[k].empty()) continue;
        for (size_t t = 0; t < total_steps; ++t) capacity[t] += resource.booked_extra[k][t];
      }
      plan.owned_capacity[r] = std::move(capacity);
      plan.capacity[r] = plan.owned_capacity[r].data();
    } else {
      plan.capacity[r] = resource.base_capacity.data();
    }
    plan.day_capacity[r].assign(total_days, 0.0);
    const size_t width = model.resources.size();
    if (plan.step_capacity.empty()) {
      plan.step_capacity.assign(total_steps * width, 0.0);
      plan.step_cum_capacity.assign((total_steps + 1) * width, 0.0);
    }
    plan.cum_capacity.resize(width);
    plan.cum_capacity[r].assign(total_steps + 1, 0.0);
    for (size_t t = 0; t < total_steps; ++t) {
      plan.step_capacity[t * width + r] = plan.capacity[r][t];
      plan.step_cum_capacity[(t + 1) * width + r] =
          plan.step_cum_capacity[t * width + r] + plan.capacity[r][t];
      plan.cum_capacity[r][t + 1] = plan.cum_capacity[r][t] + plan.capacity[r][t];
    }
    for (size_t t = 0; t < total_steps; ++t) {
      plan.day_capacity[r][t / static_cast<size_t>(grid.steps_per_day)] += plan.capacity[r][t];
    }
    // Where a backlog found on each day drains (Simulator::EstimateStart): the first day with
    // capacity within a week, at that day's average rate per step.
    plan.drain_day.resize(model.resources.size());
    plan.drain_rate.resize(model.resources.size());
    plan.drain_day[r].resize(total_days);
    plan.drain_rate[r].resize(total_days);
    for (int day = 0; day < grid.total_days; ++day) {
      const int last = std::min(grid.total_days - 1, day + 7);
      int open = day;
      while (open < last && plan.day_capacity[r][static_cast<size_t>(open)] <= 0) ++open;
      plan.drain_day[r][static_cast<size_t>(day)] = open;
      plan.drain_rate[r][static_cast<size_t>(day)] =
          plan.day_capacity[r][static_cast<size_t>(open)] / grid.steps_per_day;
    }
  }

  // Expected demand with the run's campaigns at their mean lift, through the same cap logic as
  // the draws; the tail continues the baseline for safety stock and backorder catch-up.
  std::vector<std::vector<double>> base(model.offerings.size());
  for (size_t o = 0; o < model.offerings.size(); ++o) base[o] = model.offerings[o].expected_per_day;
  std::vector<std::vector<std::vector<double>>> increment(model.campaigns.size());
  for (size_t k = 0; k < model.campaigns.size(); ++k) {
    const CompiledCampaign& campaign = model.campaigns[k];
    increment[k].resize(campaign.offerings.size());
    for (size_t i = 0; i < campaign.offerings.size(); ++i) {
      const CompiledOffering& offering =
          model.offerings[static_cast<size_t>(campaign.offerings[i])];
      for (size_t day = 0; day < campaign.weight_by_day.size(); ++day) {
        increment[k][i].push_back(
            offering.expected_per_day[static_cast<size_t>(campaign.first_day) + day] *
            campaign.lift_mean * campaign.weight_by_day[day]);
      }
    }
  }
  RunDemand expected;
  BuildRunDemand(model, included, base, increment, &expected);
  plan.expected_counts.resize(model.offerings.size());
  plan.receipts.resize(model.offerings.size());
  plan.stock_plans.resize(model.offerings.size());
  plan.return_rate.resize(model.offerings.size());
  plan.return_cost_adjustment.resize(model.offerings.size());
  for (size_t o = 0; o < model.offerings.size(); ++o) {
    const CompiledOffering& offering = model.offerings[o];
    std::vector<double>& counts = plan.expected_counts[o];
    counts = expected.counts[o];
    counts.insert(counts.end(), offering.expected_per_day.begin() + grid.horizon_days,
                  offering.expected_per_day.end());
    if (offering.stocked) {
      StockPlanInput input;
      input.expected_demand = counts;
      input.initial_stock = offering.initial_stock;
      input.supply_per_day = offering.supply_per_day;
      input.first_receipt_day = offering.first_receipt_day;
      input.safety_days = offering.safety_days;
      plan.stock_plans[o] = PlanStock(input);
      plan.receipts[o] = plan.stock_plans[o].receipts;
      if (model.continued.active) {
        // A continued run's stock at its start already holds the receipts before it.
        std::vector<double>& receipts = plan.receipts[o];
        const int day = model.continued.day;
        for (int d = 0; d < day && d < static_cast<int>(receipts.size()); ++d)
          receipts[static_cast<size_t>(d)] = 0;
        if (day < static_cast<int>(receipts.size())) {
          receipts[static_cast<size_t>(day)] *=
              static_cast<double>(grid.steps_per_day - model.continued.step % grid.steps_per_day) /
              grid.steps_per_day;
        }
      }
    }
    if (offering.may_return) {
      std::vector<float>& rate = plan.return_rate[o];
      std::vector<float>& adjustment = plan.return_cost_adjustment[o];
      rate.assign(total_days, static_cast<float>(offering.base_return_rate));
      adjustment.assign(total_days, 0.0f);
      for (size_t k = 0; k < model.campaigns.size(); ++k) {
        if (!included[k]) continue;
        const CompiledCampaign& campaign = model.campaigns[k];
        for (const CompiledCampaign::FreeReturns& policy : campaign.free_returns) {
          if (policy.offering != static_cast<int>(o)) continue;
          for (int day = campaign.first_day; day <= campaign.last_day; ++day) {
            rate[static_cast<size_t>(day)] = static_cast<float>(policy.rate);
            if (policy.cost >= 0) {
              double own = 0;
              if (offering.returns_resource >= 0) {
                own = model.resources[static_cast<size_t>(offering.returns_resource)]
                          .cost_per_unit[static_cast<size_t>(day) *
                                         static_cast<size_t>(grid.steps_per_day)];
              }
              adjustment[static_cast<size_t>(day)] = static_cast<float>(policy.cost - own);
            }
          }
        }
      }
    }
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Draws

void DrawScenario(const CompiledModel& model, uint64_t seed, int64_t scenario,
                  ScenarioDraws* draws) {
  const size_t num_campaigns = model.campaigns.size();
  const int horizon_days = model.grid.horizon_days;
  const uint64_t index = static_cast<uint64_t>(scenario);
  draws->lift.assign(num_campaigns, 0.0);
  for (size_t k = 0; k < num_campaigns; ++k) {
    const CompiledCampaign& campaign = model.campaigns[k];
    Stream stream(seed, index, LiftStreamId(k));
    const double z = stream.Normal();
    const double lift = campaign.lift_certain
                            ? campaign.lift_value
                            : std::exp(campaign.lift_log_median + campaign.lift_sigma * z) - 1.0;
    draws->lift[k] = std::max(-1.0, lift);  // 1 + lift clamped at zero
  }
  draws->base.resize(model.offerings.size());
  draws->increment.resize(num_campaigns);
  for (size_t k = 0; k < num_campaigns; ++k)
    draws->increment[k].resize(model.campaigns[k].offerings.size());

  std::vector<double> day_mean(static_cast<size_t>(horizon_days));
  std::vector<double> day_uniform(static_cast<size_t>(horizon_days));
  for (size_t o = 0; o < model.offerings.size(); ++o) {
    const CompiledOffering& offering = model.offerings[o];
    std::vector<double>& base = draws->base[o];
    base.resize(static_cast<size_t>(horizon_days));
    Stream stream(seed, index, BaselineStreamId(o));
    const double cv = offering.noise_cv;
    const double shape = cv > 0 ? 1.0 / (cv * cv) : 0.0;
    for (int day = 0; day < horizon_days; ++day) {
      const size_t d = static_cast<size_t>(day);
      double mean = offering.expected_per_day[d] * model.DemandShareOn(offering.shape, day);
      if (offering.noise_none) {
        day_mean[d] = mean;
        day_uniform[d] = 0.5;
        base[d] = mean;
        continue;
      }
      if (cv > 0) mean *= stream.Gamma(shape) * cv * cv;
      const double uniform = stream.Uniform();
      day_mean[d] = mean;
      day_uniform[d] = uniform;
      base[d] = PoissonQuantile(mean, uniform);
    }
    for (size_t k = 0; k < num_campaigns; ++k) {
      const CompiledCampaign& campaign = model.campaigns[k];
      if (!campaign.covers[o]) continue;
      const size_t i = static_cast<size_t>(
          std::find(campaign.offerings.begin(), campaign.offerings.end(), static_cast<int>(o)) -
          campaign.offerings.begin());
      std::vector<double>& extra = draws->increment[k][i];
      extra.resize(campaign.weight_by_day.size());
      Stream increment_stream(seed, index, IncrementStreamId(o, k));
      for (size_t day = 0; day < extra.size(); ++day) {
        const size_t d = static_cast<size_t>(campaign.first_day) + day;
        const double multiplier = draws->lift[k] * campaign.weight_by_day[day];
        if (offering.noise_none) {
          extra[day] = day_mean[d] * std::max(-1.0, multiplier);
          continue;
        }
        const double uniform = increment_stream.Uniform();
        if (multiplier >= 0) {
          extra[day] = PoissonQuantile(day_mean[d] * multiplier, uniform);
        } else {
          // A campaign that lowers demand thins the baseline draw: same uniform, lower mean.
          extra[day] =
              PoissonQuantile(day_mean[d] * std::max(0.0, 1.0 + multiplier), day_uniform[d]) -
              base[d];
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Batches

void BatchDemand::Interleave(const CompiledModel& model) {
  const size_t days = static_cast<size_t>(model.grid.horizon_days);
  counts.resize(model.offerings.size());
  for (size_t o = 0; o < model.offerings.size(); ++o) {
    counts[o].resize(days * kLanes);
    for (size_t lane = 0; lane < kLanes; ++lane) {
      const std::vector<double>& source = lanes[lane]->counts[o];
      for (size_t day = 0; day < days; ++day) counts[o][day * kLanes + lane] = source[day];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Simulator

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
  return_policy_cost_.assign(kLanes, 0.0);
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

}  // namespace

// When the first and the last units arriving in each step start: the first waits for the
// backlog ahead of it, the last also for the step's other arrivals; both once cumulative
// capacity from the step on covers that work (the resource works at capacity while it has a
// backlog, and capacity is known in advance).
void Simulator::StartCurve(const RunPlan& plan, int resource, int lane, std::vector<double>* low,
                           std::vector<double>* high) const {
  const size_t steps = static_cast<size_t>(model_.grid.total_steps);
  const size_t r = static_cast<size_t>(resource);
  const size_t l = static_cast<size_t>(lane);
  const std::vector<int32_t>& next_open = model_.resources[r].next_open;
  const double* cumulative = plan.cum_capacity[r].data();
  low->resize(steps);
  high->resize(steps);
  const size_t column = static_cast<size_t>(measured_slot_[r]) * steps;
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
      first =
          before <= 0 ? opens : CapacityTime(plan, resource, cumulative[t] + before, true, &strict);
      if (left <= 0) {
        last = capacity > 0 ? step + 1 : opens;
      } else {
        last = CapacityTime(plan, resource, cumulative[t] + queue, false, &plain);
      }
      first = std::max(first, step);
      last = std::max(last, first);
    }
    (*low)[t] = first;
    (*high)[t] = last;
    before = left;
  }
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
  const size_t column = static_cast<size_t>(entries_slot_[static_cast<size_t>(offering)]);
  out->resize(steps);
  for (size_t t = 0; t < steps; ++t)
    (*out)[t] = entries_[(t * entries_width_ + column) * kLanes + static_cast<size_t>(lane)];
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
  for (; step <= last; ++step) {
    const double overlap =
        std::min(to, static_cast<double>(step + 1)) - std::max(from, static_cast<double>(step));
    if (overlap > 0) ring[(RingRow(step) * width + column) * kLanes + l] += density * overlap;
  }
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

void Simulator::EnterRouteLane(int offering, int64_t step, int lane, double units) {
  if (units <= 0) return;
  double one[kLanes] = {};
  one[lane] = units;
  EnterRoute(offering, step, one);
}

double Simulator::EstimateStart(const RunPlan& plan, int resource, int lane, double time) const {
  const TimeGrid& grid = model_.grid;
  const size_t r = static_cast<size_t>(resource);
  const double backlog = backlog_[r * kLanes + static_cast<size_t>(lane)];
  // The backlog drains at the average rate of the coming open days.
  const size_t day = static_cast<size_t>(
      std::clamp(static_cast<int>(time / grid.steps_per_day), 0, grid.total_days - 1));
  const double rate = plan.drain_rate[r][day];
  if (rate <= 0) return time + 7.0 * grid.steps_per_day;
  return std::max(time, static_cast<double>(plan.drain_day[r][day]) * grid.steps_per_day) +
         backlog / rate;
}

double Simulator::EstimateDelivery(const RunPlan& plan, int offering, int lane, double time) const {
  const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
  const int64_t last_step = model_.grid.total_steps - 1;
  for (const RouteStage& stage : compiled.route) {
    const double start = EstimateStart(plan, stage.resource, lane, time);
    const size_t at =
        static_cast<size_t>(std::clamp<int64_t>(static_cast<int64_t>(start), 0, last_step));
    time =
        start + model_.step_processing[at * num_resources_ + static_cast<size_t>(stage.resource)];
  }
  return time + compiled.transit_steps;
}

// Units entering their routes today will be delivered, and some returned: returns need the
// delivery time only to the day (they come back days later), so it is estimated now from
// each stage's backlog (virtual waiting time), instead of following every offering's units
// through every queue. Amounts, and the order day whose return rate applies, are exact.
void Simulator::RecordExits(const RunPlan& plan, const BatchDemand& demand, int day) {
  const TimeGrid& grid = model_.grid;
  const double middle = (static_cast<double>(day) + 0.5) * grid.steps_per_day;
  for (size_t o = 0; o < model_.offerings.size(); ++o) {
    const CompiledOffering& offering = model_.offerings[o];
    if (!offering.may_return) continue;
    bool any = false;
    for (size_t lane = 0; lane < kLanes; ++lane) {
      const size_t state = o * kLanes + lane;
      double units = 0;
      if (offering.stocked) {
        units = entered_today_[state];
        entered_today_[state] = 0;
      } else if (day < grid.horizon_days) {
        units = demand.counts[o][static_cast<size_t>(day) * kLanes + lane];
      }
      if (units <= 0) continue;
      any = true;
      exit_items_[state] += units;
      exit_when_[state] +=
          units * EstimateDelivery(plan, static_cast<int>(o), static_cast<int>(lane), middle);
    }
    if (any) exited_today_[o] = 1;
  }
}

// Returns of the day's deliveries: units leave in order (FIFO), so the order day of the n-th
// unit out is where cumulative orders reach n, and the return rate in force is that order
// day's. A day's returns arrive spread over a day around their mean delivery time plus lag.
void Simulator::FlushExits(const RunPlan& plan, int day) {
  const TimeGrid& grid = model_.grid;
  const double spd = static_cast<double>(grid.steps_per_day);
  const double next_day = static_cast<double>(day + 1) * spd;
  for (size_t o = 0; o < exited_today_.size(); ++o) {
    if (!exited_today_[o]) continue;
    exited_today_[o] = 0;
    const CompiledOffering& compiled = model_.offerings[o];
    const std::vector<double>& counts = demand_->counts[o];
    for (size_t lane = 0; lane < kLanes; ++lane) {
      const size_t state = o * kLanes + lane;
      const double items = exit_items_[state];
      if (items <= 0) continue;
      const double delivered = exit_when_[state] / items;
      exit_items_[state] = 0;
      exit_when_[state] = 0;
      const double middle = exited_[state] + 0.5 * items;
      exited_[state] += items;
      int& order_day = exit_day_[state];
      while (ordered_through_[state] < middle && order_day + 1 < grid.horizon_days) {
        order_day += 1;
        ordered_through_[state] += counts[static_cast<size_t>(order_day) * kLanes + lane];
      }
      const size_t when = static_cast<size_t>(std::max(0, order_day));
      const double returned = static_cast<double>(plan.return_rate[o][when]) * items;
      if (returned <= 0) continue;
      const double from = std::max(delivered + compiled.return_lag_steps - 0.5 * spd, next_day);
      const double to = from + spd;
      if (!(from < static_cast<double>(grid.total_steps))) continue;  // after the simulation
      returned_[state] += returned;
      return_policy_cost_[lane] +=
          returned * static_cast<double>(plan.return_cost_adjustment[o][when]);
      if (measuring_ && returns_slot_[o] >= 0) {
        for (int64_t step = static_cast<int64_t>(from);
             step < std::min<int64_t>(static_cast<int64_t>(to) + 1, grid.total_steps); ++step) {
          const double overlap = std::min(to, static_cast<double>(step + 1)) -
                                 std::max(from, static_cast<double>(step));
          if (overlap > 0) {
            return_arrivals_[(static_cast<size_t>(step) * returns_width_ +
                              static_cast<size_t>(returns_slot_[o])) *
                                 kLanes +
                             lane] += returned * overlap / spd;
          }
        }
      }
      if (compiled.returns_resource >= 0) {
        SpreadLane(arrival_ring_, num_resources_, static_cast<size_t>(compiled.returns_resource),
                   static_cast<int>(lane), from, to, returned);
        if (compiled.stocked) {
          // Back in stock from the day after the returns resource processes them.
          const double start = EstimateStart(plan, compiled.returns_resource,
                                             static_cast<int>(lane), 0.5 * (from + to));
          const size_t at = static_cast<size_t>(
              std::clamp<int64_t>(static_cast<int64_t>(start), 0, grid.total_steps - 1));
          const double done =
              start + model_.step_processing[at * num_resources_ +
                                             static_cast<size_t>(compiled.returns_resource)];
          const int64_t back = std::max<int64_t>(static_cast<int64_t>(done / spd) + 1, day + 1);
          if (back < grid.total_days) {
            restock_ring_[(DayRingRow(back) * restock_width_ +
                           static_cast<size_t>(restock_slot_[o])) *
                              kLanes +
                          lane] += returned;
          }
        }
      } else if (compiled.stocked) {
        const int64_t back =
            std::max<int64_t>(static_cast<int64_t>((from + to) / 2 / spd) + 1, day + 1);
        if (back >= grid.total_days) continue;
        restock_ring_[(DayRingRow(back) * restock_width_ + static_cast<size_t>(restock_slot_[o])) *
                          kLanes +
                      lane] += returned;
      }
    }
  }
}

void Simulator::SlowStockDay(const RunPlan& plan, const BatchDemand& demand, int day,
                             const std::vector<int>& group, int lane) {
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const bool in_horizon = day < grid.horizon_days;
  const size_t l = static_cast<size_t>(lane);
  const int space = model_.offerings[static_cast<size_t>(group.front())].space;
  const size_t size = group.size();
  std::vector<double> receipts(size);
  std::vector<double> served(size);
  std::vector<double> restocked(size);
  for (size_t i = 0; i < size; ++i) {
    const size_t o = static_cast<size_t>(group[i]);
    if (restock_slot_[o] < 0) continue;
    double& cell =
        restock_ring_[(DayRingRow(day) * restock_width_ + static_cast<size_t>(restock_slot_[o])) *
                          kLanes +
                      l];
    restocked[i] = cell / spd;  // back in stock over the day
    cell = 0;
  }
  for (int s = 0; s < spd; ++s) {
    const int64_t step = static_cast<int64_t>(day) * spd + s;
    for (size_t i = 0; i < size; ++i) {
      const size_t o = static_cast<size_t>(group[i]);
      const CompiledOffering& offering = model_.offerings[o];
      const double received =
          plan.receipts[o].empty() ? 0.0 : plan.receipts[o][static_cast<size_t>(day)] / spd;
      const double ordered = in_horizon
                                 ? demand.counts[o][static_cast<size_t>(day) * kLanes + l] *
                                       model_.ShapeOn(offering.shape, day)[static_cast<size_t>(s)]
                                 : 0.0;
      const size_t state = o * kLanes + l;
      const double available = stock_[state] + received + restocked[i];
      const double wanted = backorders_[state] + ordered;
      const double out = std::min(available, wanted);
      at_once_[(o * static_cast<size_t>(grid.total_days) + static_cast<size_t>(day)) * kLanes +
               l] += std::min(std::max(0.0, available - backorders_[state]), ordered);
      stock_[state] = available - out;
      backorders_[state] = wanted - out;
      receipts[i] = received;
      served[i] = out;
    }
    if (space >= 0) {
      const SpaceResource& resource = model_.spaces[static_cast<size_t>(space)];
      double volume = 0;
      double refusable = 0;
      for (size_t i = 0; i < size; ++i) {
        const size_t state = static_cast<size_t>(group[i]) * kLanes + l;
        const double volume_per_unit = model_.offerings[static_cast<size_t>(group[i])].volume;
        volume += stock_[state] * volume_per_unit;
        refusable += std::min(receipts[i], stock_[state]) * volume_per_unit;
      }
      if (volume > resource.capacity && refusable > 0) {
        const double factor = std::min(1.0, (volume - resource.capacity) / refusable);
        for (size_t i = 0; i < size; ++i) {
          const size_t state = static_cast<size_t>(group[i]) * kLanes + l;
          const double refused = factor * std::min(receipts[i], stock_[state]);
          stock_[state] -= refused;
          if (in_horizon) refused_[static_cast<size_t>(space) * kLanes + l] += refused;
        }
      }
    }
    for (size_t i = 0; i < size; ++i) {
      const size_t o = static_cast<size_t>(group[i]);
      EnterRouteLane(group[i], step, lane, served[i]);
      entered_today_[o * kLanes + l] += served[i];
      if (measuring_ && entries_slot_[o] >= 0) {
        entries_[(static_cast<size_t>(step) * entries_width_ +
                  static_cast<size_t>(entries_slot_[o])) *
                     kLanes +
                 l] = served[i];
      }
    }
  }
}

void Simulator::StockStage(const RunPlan& plan, const BatchDemand& demand, int day) {
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const bool in_horizon = day < grid.horizon_days;
  const int64_t first_step = static_cast<int64_t>(day) * spd;
  auto count = [&](size_t o, size_t lane) {
    return in_horizon ? demand.counts[o][static_cast<size_t>(day) * kLanes + lane] : 0.0;
  };
  auto restock_today = [&](size_t o, size_t lane) {
    if (restock_slot_[o] < 0) return 0.0;
    return restock_ring_[(DayRingRow(day) * restock_width_ +
                          static_cast<size_t>(restock_slot_[o])) *
                             kLanes +
                         lane];
  };
  auto received_today = [&](size_t o) {
    return plan.receipts[o].empty() ? 0.0 : plan.receipts[o][static_cast<size_t>(day)];
  };
  // The whole day is served from stock at once: no backorders and enough stock for all of it.
  auto can_fast = [&](size_t o, size_t lane) {
    return backorders_[o * kLanes + lane] <= 1e-9 && stock_[o * kLanes + lane] >= count(o, lane);
  };
  auto fast_day = [&](size_t o, size_t lane) {
    const CompiledOffering& offering = model_.offerings[o];
    const double units = count(o, lane);
    double restocked = 0;
    if (restock_slot_[o] >= 0) {
      double& cell =
          restock_ring_[(DayRingRow(day) * restock_width_ + static_cast<size_t>(restock_slot_[o])) *
                            kLanes +
                        lane];
      restocked = cell;
      cell = 0;
    }
    const size_t state = o * kLanes + lane;
    stock_[state] += received_today(o) + restocked - units;
    backorders_[state] = 0;
    at_once_[(o * static_cast<size_t>(grid.total_days) + static_cast<size_t>(day)) * kLanes +
             lane] = units;
    const std::vector<double>& shape = model_.ShapeOn(offering.shape, day);
    if (measuring_ && entries_slot_[o] >= 0) {
      for (int s = 0; s < spd; ++s) {
        entries_[(static_cast<size_t>(first_step + s) * entries_width_ +
                  static_cast<size_t>(entries_slot_[o])) *
                     kLanes +
                 lane] = units * shape[static_cast<size_t>(s)];
      }
    }
    if (units <= 0) return;
    entered_today_[state] += units;
    if (!offering.route.empty()) {
      group_coefficient_[static_cast<size_t>(offering.entry_group) * kLanes + lane] +=
          units * offering.route.front().per_unit;
    }
  };

  for (size_t o = 0; o < model_.offerings.size(); ++o) {
    const CompiledOffering& offering = model_.offerings[o];
    if (!offering.stocked || offering.space >= 0) continue;
    for (size_t lane = 0; lane < kLanes; ++lane) {
      if (can_fast(o, lane)) {
        fast_day(o, lane);
      } else {
        SlowStockDay(plan, demand, day, {static_cast<int>(o)}, static_cast<int>(lane));
      }
    }
  }
  for (const SpaceResource& space : model_.spaces) {
    if (space.offerings.empty()) continue;
    for (size_t lane = 0; lane < kLanes; ++lane) {
      bool fast = true;
      double volume = 0;
      for (int o : space.offerings) {
        const size_t index = static_cast<size_t>(o);
        fast = fast && can_fast(index, lane);
        volume +=
            (stock_[index * kLanes + lane] + received_today(index) + restock_today(index, lane)) *
            model_.offerings[index].volume;
      }
      if (volume <= space.capacity) {
        // Nothing can be refused today: the offerings are independent.
        for (int o : space.offerings) {
          if (fast || can_fast(static_cast<size_t>(o), lane)) {
            fast_day(static_cast<size_t>(o), lane);
          } else {
            SlowStockDay(plan, demand, day, {o}, static_cast<int>(lane));
          }
        }
      } else {
        SlowStockDay(plan, demand, day, space.offerings, static_cast<int>(lane));
      }
    }
  }
}

double Simulator::CapacityTime(const RunPlan& plan, int resource, double work, bool strict,
                               int64_t* pointer) const {
  const int64_t total = model_.grid.total_steps;
  const double* cumulative = plan.cum_capacity[static_cast<size_t>(resource)].data();
  int64_t k = *pointer;
  // Find k with cum[k] <= work < cum[k + 1] (strict) or cum[k] < work <= cum[k + 1].
  if (strict) {
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
  if (measuring_) std::fill(return_arrivals_.begin(), return_arrivals_.end(), 0.0);
  Simulate(plan, demand, 0, totals, fork_days, forks, Convergence());
  if (final_state != nullptr) {
    final_state->day = model_.grid.total_days;
    final_state->state.clear();
    AppendState(&final_state->state);
  }
}

void Simulator::AppendState(std::vector<double>* out) const {
  for (const std::vector<double>* part : StateParts())
    out->insert(out->end(), part->begin(), part->end());
}

std::array<std::vector<double>*, 10> Simulator::StateParts() {
  return {&backlog_, &resource_cost_,   &stock_,   &backorders_,         &returned_,
          &exited_,  &ordered_through_, &refused_, &return_policy_cost_, &class_backlog_};
}
std::array<const std::vector<double>*, 10> Simulator::StateParts() const {
  const std::array<std::vector<double>*, 10> parts = const_cast<Simulator*>(this)->StateParts();
  std::array<const std::vector<double>*, 10> out;
  std::copy(parts.begin(), parts.end(), out.begin());
  return out;
}

// The run agrees with the one `checkpoint` was taken from at the start of its day when queues,
// backorders and all work scheduled from then on are the same: from there on both do the same.
// Stock levels may differ (a campaign's leftover stock); that changes when later units ship
// only if one of the runs then runs out, and not what they cost (docs/engine.md).
bool Simulator::AgreesWith(const Fork& checkpoint) const {
  auto same = [](double a, double b) {
    return std::fabs(a - b) <= 1e-7 * std::max({1.0, std::fabs(a), std::fabs(b)});
  };
  auto same_span = [&](const double* a, const double* b, size_t size) {
    for (size_t i = 0; i < size; ++i) {
      if (!same(a[i], b[i])) return false;
    }
    return true;
  };
  size_t offset = 0;
  const std::array<const std::vector<double>*, 10> parts = StateParts();
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::vector<double>& part = *parts[i];
    const bool compared = &part == &backlog_ || &part == &backorders_ || &part == &class_backlog_;
    if (compared && !same_span(part.data(), checkpoint.state.data() + offset, part.size()))
      return false;
    offset += part.size();
  }
  const int64_t first_row = static_cast<int64_t>(checkpoint.day) * model_.grid.steps_per_day;
  const int64_t to = std::max(scheduled_to_, checkpoint.future_to);
  auto same_ring = [&](const std::vector<double>& ring, size_t width,
                       const std::vector<double>& rows) {
    const size_t row_size = width * kLanes;
    for (int64_t step = first_row; step < to; ++step) {
      const double* current = ring.data() + RingRow(step) * row_size;
      const size_t saved = static_cast<size_t>(step - first_row) * row_size;
      for (size_t i = 0; i < row_size; ++i) {
        const double other = step < checkpoint.future_to ? rows[saved + i] : 0.0;
        if (!same(current[i], other)) return false;
      }
    }
    return true;
  };
  if (!same_ring(arrival_ring_, num_resources_, checkpoint.ring_rows)) return false;
  if (!same_ring(class_ring_, num_classes_, checkpoint.class_ring_rows)) return false;
  return same_span(restock_ring_.data(), checkpoint.restock_ring.data(), restock_ring_.size());
}

// From a checkpoint the run agrees with, the rest is the other run's: its accumulators grow by
// what the other's grew from the checkpoint to its end, and it ends with the other's queues.
void Simulator::FinishAs(const Fork& checkpoint, const Fork& final_state) {
  size_t offset = 0;
  for (std::vector<double>* part : StateParts()) {
    std::vector<double>& values = *part;
    const bool accumulated = part == &resource_cost_ || part == &returned_ || part == &refused_ ||
                             part == &return_policy_cost_;
    for (size_t i = 0; i < values.size(); ++i) {
      if (accumulated) {
        values[i] += final_state.state[offset + i] - checkpoint.state[offset + i];
      } else if (part == &backlog_) {
        values[i] = final_state.state[offset + i];
      }
    }
    offset += values.size();
  }
}

void Simulator::SaveFork(int day, Fork* fork) const {
  const size_t first_row =
      static_cast<size_t>(day) * static_cast<size_t>(model_.grid.steps_per_day);
  fork->day = day;
  fork->state.clear();
  AppendState(&fork->state);
  fork->exit_day = exit_day_;
  // Work already scheduled from this day on. (Exits are flushed at each day's end: none pending.)
  const int64_t to = std::max<int64_t>(scheduled_to_, static_cast<int64_t>(first_row));
  fork->future_to = to;
  auto copy_ring = [&](const std::vector<double>& ring, size_t width, std::vector<double>* out) {
    out->clear();
    for (int64_t step = static_cast<int64_t>(first_row); step < to; ++step) {
      const size_t begin = RingRow(step) * width * kLanes;
      out->insert(out->end(), ring.begin() + static_cast<int64_t>(begin),
                  ring.begin() + static_cast<int64_t>(begin + width * kLanes));
    }
  };
  copy_ring(arrival_ring_, num_resources_, &fork->ring_rows);
  copy_ring(class_ring_, num_classes_, &fork->class_ring_rows);
  fork->restock_ring = restock_ring_;
}

void Simulator::RunFrom(const Fork& fork, const RunPlan& plan, const BatchDemand& demand,
                        BatchTotals* totals, const Convergence& convergence) {
  measuring_ = false;
  const double* state = fork.state.data();
  for (std::vector<double>* part : StateParts()) {
    std::copy(state, state + part->size(), part->begin());
    state += part->size();
  }
  exit_day_ = fork.exit_day;
  std::fill(exit_items_.begin(), exit_items_.end(), 0.0);
  std::fill(exit_when_.begin(), exit_when_.end(), 0.0);
  std::fill(entered_today_.begin(), entered_today_.end(), 0.0);
  const size_t first_row =
      static_cast<size_t>(fork.day) * static_cast<size_t>(model_.grid.steps_per_day);
  // The step rings are all zero after a completed run; put back what was scheduled.
  auto restore_ring = [&](std::vector<double>& ring, size_t width,
                          const std::vector<double>& rows) {
    const double* source = rows.data();
    for (int64_t step = static_cast<int64_t>(first_row); step < fork.future_to; ++step) {
      std::copy(source, source + width * kLanes,
                ring.begin() + static_cast<int64_t>(RingRow(step) * width * kLanes));
      source += width * kLanes;
    }
  };
  restore_ring(arrival_ring_, num_resources_, fork.ring_rows);
  restore_ring(class_ring_, num_classes_, fork.class_ring_rows);
  restock_ring_ = fork.restock_ring;
  scheduled_to_ = fork.future_to;
  Simulate(plan, demand, fork.day, totals, {}, nullptr, convergence);
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
  double amount[kLanes];
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
            ScatterRing(arrival_ring_, num_resources_, static_cast<size_t>(load.resource),
                        first + s, amount);
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
    RecordExits(plan, demand, day);
    for (int64_t step = first_step; step < first_step + spd; ++step) StepFlow(flow, step);
    FlushExits(plan, day);
  }

  for (size_t lane = 0; lane < kLanes; ++lane) {
    RunTotals& out = (*totals)[lane];
    const RunDemand& lane_demand = *demand.lanes[lane];
    // Work still queued when the simulation ends must be done anyway: charge it at the last cost.
    out.fulfilment_cost = return_policy_cost_[lane];
    for (size_t r = 0; r < num_resources_; ++r) {
      out.fulfilment_cost += resource_cost_[r * kLanes + lane] +
                             backlog_[r * kLanes + lane] * model_.resources[r].cost_per_unit.back();
    }
    out.contribution = -out.fulfilment_cost;
    out.units_sold = 0;
    out.returned.resize(num_offerings);
    for (size_t o = 0; o < num_offerings; ++o) {
      const double sold = lane_demand.sold[o];
      const double returned = returned_[o * kLanes + lane];
      const double refunds = sold > 0 ? returned * lane_demand.revenue[o] / sold : 0.0;
      out.contribution +=
          lane_demand.revenue[o] - refunds - model_.offerings[o].unit_cost * (sold - returned);
      out.units_sold += sold;
      out.returned[o] = returned;
    }
    out.refused.resize(model_.spaces.size());
    for (size_t space = 0; space < model_.spaces.size(); ++space)
      out.refused[space] = refused_[space * kLanes + lane];
  }
}

}  // namespace tandem::engine
