// The recommender's levers (recommender.h): the candidate changes each proposes for a campaign
// that is not go — relax, restrict, reword, cap, expand, reschedule — and the refinements of a
// cap's allocation and an expansion's size.
#include <algorithm>
#include <cmath>
#include <map>

#include "advise/recommender.h"
#include "tandem/advise/linear_program.h"
#include "tandem/common/format.h"
#include "tandem/engine/check.h"
#include "tandem/model/validate.h"

namespace tandem::advise {

void Recommender::Relax(int k, const CampaignResult& base, std::vector<Changes>* out) {
  const Campaign& campaign = scenario_.campaigns[static_cast<size_t>(k)];
  const double confidence = scenario_.simulation.confidence;
  struct Level {
    size_t promise;
    bool cutoff;
    Promise variant;
  };
  std::vector<Level> levels;
  std::vector<size_t> relaxable;
  for (const PromiseResult& result : base.promises) {
    if (result.status == PromiseStatus::kKept) continue;
    const Promise& promise = campaign.promises[static_cast<size_t>(result.index)];
    if (!promise.IsTimePromise() && promise.type != PromiseType::kAvailability) continue;
    relaxable.push_back(static_cast<size_t>(result.index));
    if (!promise.IsTimePromise()) continue;
    for (const Duration& rung : PromiseLadder()) {
      if (rung.minutes <= promise.within.LongestMinutes()) continue;
      Promise variant = promise;
      variant.within = Deadline::Within(rung);
      levels.push_back({static_cast<size_t>(result.index), false, variant});
    }
    if (promise.within.kind != Deadline::Kind::kWithin) {
      const int current = promise.cutoff ? *promise.cutoff / 60 : 24;
      for (int hour = current - 1; hour >= 1; --hour) {
        Promise variant = promise;
        variant.cutoff = hour * 60;
        levels.push_back({static_cast<size_t>(result.index), true, variant});
      }
    }
  }
  if (relaxable.empty()) return;
  // Every level and the promises as they are, measured in one simulation.
  std::vector<engine::ExtraPromise> extras;
  for (const Level& level : levels) extras.push_back({k, level.variant, std::nullopt});
  std::map<size_t, size_t> as_is;
  for (size_t index : relaxable) {
    as_is[index] = extras.size();
    extras.push_back({k, campaign.promises[index], std::nullopt});
  }
  std::vector<engine::ExtraResult> results;
  Progress("measuring promise levels of " + campaign.id);
  if (!search_.Measure(scenario_, k, extras, /*full=*/true, &results)) return;

  Changes strongest;  // per promise, its best holding level, for "relax them all"
  for (size_t index : relaxable) {
    const Promise& promise = campaign.promises[index];
    std::optional<LeverChange> within;
    std::optional<LeverChange> cutoff;
    for (size_t i = 0; i < levels.size(); ++i) {
      if (levels[i].promise != index || results[i].p_kept < confidence - 1e-12) continue;
      LeverChange change;
      change.lever = "relax";
      change.promise = static_cast<int>(index);
      if (!levels[i].cutoff && !within) {
        change.within = levels[i].variant.within;
        within = change;
      }
      if (levels[i].cutoff && !cutoff) {
        change.cutoff = levels[i].variant.cutoff;
        cutoff = change;
      }
    }
    // The largest whole-percent share that holds at the promise's own level.
    std::vector<float> sorted = results[as_is[index]].achieved_by_scenario;
    std::sort(sorted.begin(), sorted.end());
    const size_t position =
        static_cast<size_t>(std::floor((1.0 - confidence) * static_cast<double>(sorted.size())));
    const double quantile =
        sorted.empty() ? 0.0 : static_cast<double>(sorted[std::min(position, sorted.size() - 1)]);
    const double share_level = std::floor(quantile * 100.0 + 1e-6) / 100.0;
    std::optional<LeverChange> share;
    // A share below 80% is not a promise worth advertising.
    if (share_level >= 0.8 && share_level < promise.share - 1e-9) {
      LeverChange change;
      change.lever = "relax";
      change.promise = static_cast<int>(index);
      change.share = share_level;
      share = change;
    }
    for (const std::optional<LeverChange>& change : {within, cutoff, share}) {
      if (change) out->push_back({*change});
    }
    // The best level keeps the promise closest to what was written: a later cut-off, then a
    // longer bound, then a lower share.
    if (cutoff) {
      strongest.push_back(*cutoff);
    } else if (within) {
      strongest.push_back(*within);
    } else if (share) {
      strongest.push_back(*share);
    }
  }
  if (strongest.size() > 1) out->push_back(strongest);
}

void Recommender::Restrict(int k, const CampaignResult& base, std::vector<Changes>* out,
                           std::vector<std::string>* notes) {
  const Campaign& campaign = scenario_.campaigns[static_cast<size_t>(k)];
  for (const PromiseResult& result : base.promises) {
    if (result.type != PromiseType::kFreeReturns || result.status == PromiseStatus::kKept) continue;
    LeverChange change;
    change.lever = "restrict";
    change.promise = result.index;
    double lowest_paying = kLpInfinity;
    double highest_losing = -kLpInfinity;
    for (const PromiseResult::OfferingReturn& item : result.free_returns) {
      const double price = scenario_.FindOffering(item.offering)->price;
      if (item.contribution_after_returns >= 0) {
        change.offerings.push_back(item.offering);
        lowest_paying = std::min(lowest_paying, price);
      } else {
        highest_losing = std::max(highest_losing, price);
      }
    }
    if (change.offerings.empty()) {
      notes->push_back("restrict: free returns lose money on every offering of " + campaign.id +
                       "; there is nowhere to keep them");
      continue;
    }
    // A price threshold separates them when every paying offering costs more than every losing one.
    if (lowest_paying > highest_losing) change.min_price = lowest_paying;
    out->push_back({change});
  }
}

void Recommender::Reword(int k, const CampaignResult& base, std::vector<Changes>* out,
                         std::vector<std::string>* notes) {
  const Campaign& campaign = scenario_.campaigns[static_cast<size_t>(k)];
  for (const PromiseResult& result : base.promises) {
    if (result.type != PromiseType::kClaim || result.status == PromiseStatus::kKept) continue;
    bool any = false;
    for (const Capability& capability : scenario_.capabilities) {
      if (!capability.Covers(campaign.window)) continue;
      LeverChange change;
      change.lever = "reword";
      change.promise = result.index;
      change.text = capability.claim;
      change.requires_capabilities = {capability.id};
      out->push_back({change});
      any = true;
    }
    if (!any)
      notes->push_back("reword: operations declares no capability for the whole window of " +
                       campaign.id);
  }
}

std::vector<std::pair<std::string, double>> Recommender::Allocate(int k, double total) {
  // Maximise the expected contribution of the units sold at the campaign's price: x_o units of
  // each offering, at most its expected window demand, adding up to the total.
  const Campaign& campaign = scenario_.campaigns[static_cast<size_t>(k)];
  LinearProgram program;
  LinearProgram::Row sum;
  sum.lower = total;
  sum.upper = total;
  for (const std::string& id : campaign.offerings) {
    const int variable =
        program.AddVariable(unit_contribution_[{k, id}], 0, window_demand_[{k, id}]);
    sum.terms.push_back({variable, 1.0});
  }
  program.rows.push_back(sum);
  Result<LpSolution> solution = Solve(program);
  std::vector<std::pair<std::string, double>> allocation;
  if (!solution.ok() || solution.value().outcome != LpOutcome::kOptimal) return allocation;
  for (size_t i = 0; i < campaign.offerings.size(); ++i) {
    allocation.emplace_back(campaign.offerings[i], std::floor(solution.value().values[i] + 1e-6));
  }
  return allocation;
}

void Recommender::CapLever(int k, const CampaignResult& base, std::vector<Changes>* out,
                           std::vector<std::string>* notes) {
  const Campaign& campaign = scenario_.campaigns[static_cast<size_t>(k)];
  if (campaign.lift.expected <= 0) return;
  bool capacity_bound = false;  // a cap can only help promises that more demand breaks
  for (const PromiseResult& promise : base.promises) {
    capacity_bound = capacity_bound || (promise.status != PromiseStatus::kKept &&
                                        promise.type != PromiseType::kClaim &&
                                        promise.type != PromiseType::kFreeReturns);
  }
  for (const SpaceCheck& check : base.space) capacity_bound = capacity_bound || check.broken;
  capacity_bound = capacity_bound || !base.standing.empty();  // everyday service it endangers
  if (!capacity_bound) return;
  double most = 0;
  for (const std::string& id : campaign.offerings) most += window_demand_[{k, id}];
  auto with_cap = [&](double total) {
    LeverChange change;
    change.lever = "cap";
    change.units = std::floor(total);
    change.by_offering = Allocate(k, std::floor(total));
    if (campaign.offerings.size() == 1) change.by_offering.clear();  // one offering: a plain total
    return change;
  };
  Progress("searching the largest cap for " + campaign.id);
  if (!Holds(ApplyLever(scenario_, k, with_cap(0)), k)) {
    notes->push_back("cap: even a cap of 0 (no campaign demand) does not keep " + campaign.id +
                     "'s promises: the baseline alone breaks them");
    return;
  }
  // The largest total that holds (feasibility falls as the cap grows).
  double low = 0;
  double high = most;
  for (int iteration = 0; iteration < 9 && high - low > std::max(1.0, 0.01 * most); ++iteration) {
    const double middle = std::floor(0.5 * (low + high));
    if (Holds(ApplyLever(scenario_, k, with_cap(middle)), k)) {
      low = middle;
    } else {
      high = middle;
    }
  }
  if (low <= 0) {
    notes->push_back("cap: only a cap of 0 keeps " + campaign.id +
                     "'s promises, which cancels the campaign");
    return;
  }
  cap_candidates_[k] = {low, most};
  out->push_back({with_cap(low)});
}

void Recommender::Expand(int k, const CampaignResult& base, std::vector<Changes>* out,
                         std::vector<std::string>* notes) {
  const Campaign& campaign = scenario_.campaigns[static_cast<size_t>(k)];
  std::vector<std::string> binding;
  for (const PromiseResult& promise : base.promises) {
    if (promise.status == PromiseStatus::kKept) continue;
    for (const std::string& name : promise.binding) {
      if (scenario_.FindResource(name) != nullptr &&
          std::find(binding.begin(), binding.end(), name) == binding.end()) {
        binding.push_back(name);
      }
    }
  }
  // The resources binding the standing promises it endangers.
  const std::vector<PromiseResult>& messaging = base_checks_.at(k).messaging;
  for (const StandingImpact& impact : base.standing) {
    if (static_cast<size_t>(impact.index) >= messaging.size()) continue;
    for (const std::string& name : messaging[static_cast<size_t>(impact.index)].binding) {
      if (scenario_.FindResource(name) != nullptr &&
          std::find(binding.begin(), binding.end(), name) == binding.end()) {
        binding.push_back(name);
      }
    }
  }
  for (const std::string& id : binding) {
    const Resource* resource = scenario_.FindResource(id);
    if (!resource->expansion) {
      notes->push_back("expand: " + id + " binds " + campaign.id +
                       " but has no expansion option to book");
      continue;
    }
    const int64_t lead_days =
        (resource->expansion->lead_time.minutes + kMinutesPerDay - 1) / kMinutesPerDay;
    const Date earliest = scenario_.today + static_cast<int32_t>(lead_days);
    const Date from =
        std::max(earliest, std::max(campaign.window.start - 2, scenario_.horizon.start));
    const Date until = std::min(campaign.window.end + 7, scenario_.horizon.end);
    if (from > campaign.window.end) {
      notes->push_back("expand: no booking on " + id + " can be made in time: its lead time of " +
                       resource->expansion->lead_time.ToString() + " from " +
                       scenario_.today.ToString() + " allows " + earliest.ToString() +
                       " at the earliest, after the window ends");
      continue;
    }
    // What other campaigns already booked limits what is left.
    double booked = 0;
    for (const Campaign& other : scenario_.campaigns) {
      for (const Booking& booking : other.bookings) {
        if (booking.resource == id && booking.from <= until && from <= booking.until)
          booked += booking.extra_per_hour;
      }
    }
    const double room = resource->expansion->extra_per_hour - booked;
    auto with_extra = [&](double extra) {
      LeverChange change;
      change.lever = "expand";
      change.resource = id;
      change.extra = extra;
      change.from = from;
      change.until = until;
      return change;
    };
    if (room < 1) {
      notes->push_back("expand: the expansion of " + id + " is already fully booked");
      continue;
    }
    Progress("searching the least extra capacity on " + id + " for " + campaign.id);
    if (!Holds(ApplyLever(scenario_, k, with_extra(std::floor(room))), k)) {
      notes->push_back("expand: even all " + FormatCount(std::floor(room)) + " extra per hour on " +
                       id + " does not keep " + campaign.id + "'s promises");
      expand_max_[k].push_back(with_extra(std::floor(room)));
      continue;
    }
    double low = 0;
    double high = std::floor(room);
    for (int iteration = 0; iteration < 8 && high - low > 1; ++iteration) {
      const double middle = std::ceil(0.5 * (low + high));
      if (Holds(ApplyLever(scenario_, k, with_extra(middle)), k)) {
        high = middle;
      } else {
        low = middle;
      }
    }
    out->push_back({with_extra(high)});
  }
}

void Recommender::RefineExpand(int k, RecommendOption* option) {
  const LeverChange found = option->changes.front();
  const Resource* resource = scenario_.FindResource(found.resource);
  if (resource == nullptr || !resource->expansion) return;
  double booked = 0;  // by other campaigns, as in Expand
  for (const Campaign& other : scenario_.campaigns) {
    for (const Booking& booking : other.bookings) {
      if (booking.resource == found.resource && booking.from <= *found.until &&
          *found.from <= booking.until)
        booked += booking.extra_per_hour;
    }
  }
  const double room = std::floor(resource->expansion->extra_per_hour - booked);
  auto with_extra = [&](double extra) {
    LeverChange change = found;
    change.extra = extra;
    change.cost.reset();
    return Changes{change};
  };
  Progress("re-checking more extra capacity on " + found.resource);
  std::optional<RecommendOption> upper = Verify(k, with_extra(room));
  if (!upper || upper->verdict != Verdict::kGo) return;
  // Invariant: `low` is not go, `high` is go (full checks, the same seed: common random numbers).
  double low = *found.extra;
  double high = room;
  while (high - low > 1) {
    const double middle = std::floor(0.5 * (low + high));
    std::optional<RecommendOption> trial = Verify(k, with_extra(middle));
    if (trial && trial->verdict == Verdict::kGo) {
      high = middle;
      upper = std::move(trial);
    } else {
      low = middle;
    }
  }
  *option = std::move(*upper);
}

void Recommender::Reschedule(int k, std::vector<Changes>* out, std::vector<std::string>* notes) {
  const Campaign& campaign = scenario_.campaigns[static_cast<size_t>(k)];
  const int length = campaign.window.days();
  Date earliest = std::max(scenario_.horizon.start, scenario_.today);
  if (campaign.readiness) {
    // Launch readiness: no window before the work is done (critical path, see the check).
    std::map<std::string, double> finish;
    std::function<double(const ReadinessTask&)> end_of = [&](const ReadinessTask& task) -> double {
      auto found = finish.find(task.id);
      if (found != finish.end()) return found->second;
      double start = 0;
      for (const std::string& before : task.after) {
        for (const ReadinessTask& other : campaign.readiness->tasks) {
          if (other.id == before) start = std::max(start, end_of(other));
        }
      }
      return finish[task.id] = start + task.duration.days();
    };
    double longest = 0;
    for (const ReadinessTask& task : campaign.readiness->tasks)
      longest = std::max(longest, end_of(task));
    earliest = std::max(
        earliest, campaign.readiness->start + static_cast<int32_t>(std::ceil(longest - 1e-9)));
  }
  const Date latest = scenario_.horizon.end - (length - 1);
  if (earliest > latest) {
    notes->push_back("reschedule: no window of " + std::to_string(length) + " days fits between " +
                     earliest.ToString() + " and the horizon's end");
    return;
  }
  auto moved = [&](Date start, int days, std::optional<double> lift) {
    LeverChange change;
    change.lever = "reschedule";
    change.window = DateRange{start, start + (days - 1)};
    change.lift = lift;
    return change;
  };
  Progress("searching the earliest window for " + campaign.id);
  // Weekly candidates, then the days before the first that holds.
  std::optional<Date> found;
  int tried = 0;
  for (Date start = earliest; start <= latest && tried < 16; start = start + 7, ++tried) {
    if (start == campaign.window.start) continue;
    if (Holds(ApplyLever(scenario_, k, moved(start, length, std::nullopt)), k)) {
      found = start;
      break;
    }
  }
  if (found) {
    for (Date start = std::max(earliest, *found - 6); start < *found; start = start + 1) {
      if (start == campaign.window.start) continue;
      if (Holds(ApplyLever(scenario_, k, moved(start, length, std::nullopt)), k)) {
        found = start;
        break;
      }
    }
    out->push_back({moved(*found, length, std::nullopt)});
  } else {
    notes->push_back("reschedule: no window of the same length starting in the " +
                     std::to_string(tried) + " weeks from " + earliest.ToString() + " keeps " +
                     campaign.id + "'s promises");
  }
  // Stretched: the same total lift spread over a longer window from the same start.
  for (double factor : {2.0, 3.0}) {
    const int days = static_cast<int>(std::round(length * factor));
    if (campaign.window.start + (days - 1) > scenario_.horizon.end) continue;
    const double lift = campaign.lift.expected / factor;
    if (Holds(ApplyLever(scenario_, k, moved(campaign.window.start, days, lift)), k)) {
      out->push_back({moved(campaign.window.start, days, lift)});
      break;
    }
  }
}

}  // namespace tandem::advise
