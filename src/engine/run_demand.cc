// Demand of a run: the random draws of a scenario, the run's counts with its campaigns
// (caps, discounts), and a batch's lanes interleaved (simulator.h).
#include "engine/simulator.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tandem/engine/random.h"

namespace tandem::engine {

// ---------------------------------------------------------------------------------------------
// Demand of a run

namespace {

void ApplyCaps(const CompiledModel& model, const std::vector<char>& included,
               const std::vector<std::vector<std::vector<double>>>& increment, RunDemand* out,
               std::vector<std::vector<double>>* active_share) {
  const size_t num_campaigns = model.campaigns.size();
  // Caps: once the campaign has sold that many units, demand falls back to baseline. On the day
  // the cap is reached, the increment is cut to the share of the day's units still under it.
  // active[k][day] is the share of the day on which campaign k is still selling.
  std::vector<std::vector<double>>& active = *active_share;
  active.assign(num_campaigns, {});
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
}

}  // namespace

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

  std::vector<std::vector<double>> active;  // [campaign][window day]: share of the day selling
  ApplyCaps(model, included, increment, out, &active);

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
// Draws

namespace {

// Offering o's draws of one scenario: per horizon day, the units (`base`), the day's mean after
// noise (`day_mean`) and the uniform the units were drawn with (`day_uniform`), each sized to the
// horizon.
void DrawOffering(const CompiledModel& model, uint64_t seed, uint64_t index, size_t o,
                  std::vector<double>* units, std::vector<double>* means,
                  std::vector<double>* uniforms) {
  const CompiledOffering& offering = model.offerings[o];
  const int horizon_days = model.grid.horizon_days;
  std::vector<double>& base = *units;
  std::vector<double>& day_mean = *means;
  std::vector<double>& day_uniform = *uniforms;
  base.resize(static_cast<size_t>(horizon_days));
  day_mean.resize(static_cast<size_t>(horizon_days));
  day_uniform.resize(static_cast<size_t>(horizon_days));
  Stream stream(seed, index, BaselineStreamId(offering.stream_key));
  const double cv = offering.noise_cv;
  const double shape = cv > 0 ? 1.0 / (cv * cv) : 0.0;
  for (int day = 0; day < horizon_days; ++day) {
    const size_t d = static_cast<size_t>(day);
    double mean = model.DayMeanOf(offering, day);
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
}

// The campaigns' lifts of one scenario (draws->lift), and draws->increment sized: per campaign,
// one list per offering it covers.
void DrawLifts(const CompiledModel& model, uint64_t seed, uint64_t index, ScenarioDraws* draws) {
  const size_t num_campaigns = model.campaigns.size();
  draws->lift.assign(num_campaigns, 0.0);
  for (size_t k = 0; k < num_campaigns; ++k) {
    const CompiledCampaign& campaign = model.campaigns[k];
    Stream stream(seed, index, LiftStreamId(campaign.stream_key));
    const double z = stream.Normal();
    const double lift = campaign.lift_certain
                            ? campaign.lift_value
                            : std::exp(campaign.lift_log_median + campaign.lift_sigma * z) - 1.0;
    draws->lift[k] = std::max(-1.0, lift);  // 1 + lift clamped at zero
  }
  draws->increment.resize(num_campaigns);
  for (size_t k = 0; k < num_campaigns; ++k)
    draws->increment[k].resize(model.campaigns[k].offerings.size());
}

// Offering o's increments under every campaign that covers it (draws->increment), from its
// draws (DrawOffering's `base`, `day_mean` and `day_uniform`) and the campaigns' lifts.
void DrawIncrements(const CompiledModel& model, uint64_t seed, uint64_t index, size_t o,
                    const std::vector<double>& base, const std::vector<double>& day_mean,
                    const std::vector<double>& day_uniform, ScenarioDraws* draws) {
  const CompiledOffering& offering = model.offerings[o];
  for (size_t k = 0; k < model.campaigns.size(); ++k) {
    const CompiledCampaign& campaign = model.campaigns[k];
    if (!campaign.covers[o]) continue;
    const size_t i = static_cast<size_t>(
        std::find(campaign.offerings.begin(), campaign.offerings.end(), static_cast<int>(o)) -
        campaign.offerings.begin());
    std::vector<double>& extra = draws->increment[k][i];
    extra.resize(campaign.weight_by_day.size());
    Stream increment_stream(seed, index,
                            IncrementStreamId(offering.stream_key, campaign.stream_key));
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

}  // namespace

// Each offering's, campaign's and pair's draws come from their own stream, so the order in which
// they are drawn does not change them: DrawScenario draws an offering's increments right after
// its units (its day means still in cache), DrawBase and DrawCampaigns apart.
void DrawScenario(const CompiledModel& model, uint64_t seed, int64_t scenario,
                  ScenarioDraws* draws) {
  const uint64_t index = static_cast<uint64_t>(scenario);
  DrawLifts(model, seed, index, draws);
  draws->base.resize(model.offerings.size());
  std::vector<double> day_mean;
  std::vector<double> day_uniform;
  for (size_t o = 0; o < model.offerings.size(); ++o) {
    DrawOffering(model, seed, index, o, &draws->base[o], &day_mean, &day_uniform);
    DrawIncrements(model, seed, index, o, draws->base[o], day_mean, day_uniform, draws);
  }
}

void DrawBase(const CompiledModel& model, uint64_t seed, int64_t scenario, BaseDraws* draws) {
  const uint64_t index = static_cast<uint64_t>(scenario);
  const size_t num_offerings = model.offerings.size();
  draws->base.resize(num_offerings);
  draws->day_mean.resize(num_offerings);
  draws->day_uniform.resize(num_offerings);
  for (size_t o = 0; o < num_offerings; ++o) {
    DrawOffering(model, seed, index, o, &draws->base[o], &draws->day_mean[o],
                 &draws->day_uniform[o]);
  }
}

void DrawCampaigns(const CompiledModel& model, uint64_t seed, int64_t scenario,
                   const BaseDraws& base, ScenarioDraws* draws) {
  const uint64_t index = static_cast<uint64_t>(scenario);
  DrawLifts(model, seed, index, draws);
  for (size_t o = 0; o < model.offerings.size(); ++o) {
    DrawIncrements(model, seed, index, o, base.base[o], base.day_mean[o], base.day_uniform[o],
                   draws);
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

}  // namespace tandem::engine
