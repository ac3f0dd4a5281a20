#include "tandem/advise/recommend.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "advise/search.h"
#include "tandem/advise/linear_program.h"
#include "tandem/common/format.h"
#include "tandem/engine/check.h"
#include "tandem/engine/window_demand.h"
#include "tandem/model/validate.h"

namespace tandem {

Scenario ApplyLever(const Scenario& scenario, int campaign_index, const LeverChange& change) {
  Scenario out = scenario;
  Campaign& campaign = out.campaigns[static_cast<size_t>(campaign_index)];
  auto promise = [&]() -> Promise& {
    return campaign.promises[static_cast<size_t>(*change.promise)];
  };
  if (change.lever == "cap") {
    campaign.cap = Cap{};
    if (!change.by_offering.empty()) {
      campaign.cap.by_offering = change.by_offering;
    } else if (change.units) {
      campaign.cap.total = *change.units;
    }
  } else if (change.lever == "relax") {
    if (change.within) promise().within = *change.within;
    if (change.share) promise().share = *change.share;
    if (change.cutoff) promise().cutoff = *change.cutoff;
  } else if (change.lever == "reschedule" && change.window) {
    const int32_t shift = change.window->start - campaign.window.start;
    campaign.window = *change.window;
    campaign.announce = std::min(campaign.announce + shift, campaign.window.end);
    if (change.lift && campaign.lift.expected != 0) {
      const double scale = *change.lift / campaign.lift.expected;
      campaign.lift.expected = *change.lift;
      campaign.lift.low *= scale;
      campaign.lift.high *= scale;
    }
    // Bookings move with the window; those that would now break their lead time or leave the
    // horizon are dropped.
    std::vector<Booking> bookings;
    for (Booking booking : campaign.bookings) {
      booking.from = booking.from + shift;
      booking.until = booking.until + shift;
      const Resource* resource = out.FindResource(booking.resource);
      const int64_t lead_days =
          resource && resource->expansion
              ? (resource->expansion->lead_time.minutes + kMinutesPerDay - 1) / kMinutesPerDay
              : 0;
      if (booking.from < out.today + static_cast<int32_t>(lead_days) ||
          !out.horizon.Contains(booking.from) || !out.horizon.Contains(booking.until)) {
        continue;
      }
      bookings.push_back(booking);
    }
    campaign.bookings = bookings;
  } else if (change.lever == "expand") {
    campaign.bookings.push_back({change.resource, *change.extra, *change.from, *change.until});
  } else if (change.lever == "restrict") {
    promise().offerings = change.offerings;
  } else if (change.lever == "reword") {
    promise().text = change.text;
    promise().requires_capabilities = change.requires_capabilities;
  }
  return out;
}

namespace advise {
namespace {

// A relaxed time bound beyond this multiple of the written one no longer keeps the promise a
// customer read ("by the next day" offered as "within 14d").
constexpr int kDropsPromiseFactor = 3;

// The promise in words, counting what it covers (a response promise counts its resource's unit).
std::string Words(const Scenario& scenario, const Promise& promise) {
  if (promise.type == PromiseType::kResponse) {
    const Resource* resource = scenario.FindResource(promise.resource);
    return promise.Describe(resource ? resource->unit : "units", scenario.currency);
  }
  return promise.Describe("orders", scenario.currency);
}

// The option's figures less the filed campaign's, and the promises it words differently.
OptionDelta Against(const Scenario& filed, int k, const Economics& base,
                    const RecommendOption& option) {
  const Economics& now = option.economics;
  OptionDelta delta;
  delta.net_after_spend =
      now.expected_incremental_after_spend - base.expected_incremental_after_spend;
  delta.incremental_units = now.incremental_units.mean - base.incremental_units.mean;
  delta.fulfilment_cost =
      now.incremental_fulfilment_cost.mean - base.incremental_fulfilment_cost.mean;
  delta.spend = now.spend - base.spend;
  const std::vector<Promise>& was = filed.campaigns[static_cast<size_t>(k)].promises;
  const std::vector<Promise>& is = option.applied.campaigns[static_cast<size_t>(k)].promises;
  for (size_t i = 0; i < was.size() && i < is.size(); ++i) {
    WordingChange change{static_cast<int>(i), Words(filed, was[i]), Words(option.applied, is[i])};
    if (change.was != change.now) delta.wording.push_back(std::move(change));
  }
  return delta;
}

std::string ShortDate(Date date) {
  const std::string text = date.ToShortString();  // "Sat 10 Apr"
  return text.substr(4);
}

class Recommender {
 public:
  Recommender(const Scenario& scenario, const RecommendOptions& options)
      : scenario_(scenario),
        options_(options),
        search_(options.scenarios, options.seed, options.threads,
                options.search_scenarios > 0 ? options.search_scenarios : 200,
                /*min_tail_days=*/29) {}

  Result<Recommendations> Run();

 private:
  using Changes = std::vector<LeverChange>;
  void Progress(const std::string& message) const {
    if (options_.progress) options_.progress(message);
  }
  // Candidate changes for campaign k. Each appends candidates (one or more changes each).
  void Relax(int k, const CampaignResult& base, std::vector<Changes>* out);
  void Restrict(int k, const CampaignResult& base, std::vector<Changes>* out,
                std::vector<std::string>* notes);
  void Reword(int k, const CampaignResult& base, std::vector<Changes>* out,
              std::vector<std::string>* notes);
  void CapLever(int k, const CampaignResult& base, std::vector<Changes>* out,
                std::vector<std::string>* notes);
  void Expand(int k, const CampaignResult& base, std::vector<Changes>* out,
              std::vector<std::string>* notes);
  void Reschedule(int k, std::vector<Changes>* out, std::vector<std::string>* notes);
  // The cap allocation for a total: the LP's units per offering (empty when infeasible).
  std::vector<std::pair<std::string, double>> Allocate(int k, double total);
  bool Holds(const Scenario& scenario, int k) { return search_.Holds(scenario, k); }
  // An expansion found with fewer scenarios may miss with all of them: the least extra, to the
  // whole unit per hour, whose full check is go (kept as it is when even all the room is not).
  void RefineExpand(int k, RecommendOption* option);
  // Verifies changes by a full check and describes the option; nullopt when invalid. `known`:
  // the check of the changed scenario when already run (Search::VerifyVariants).
  std::optional<RecommendOption> Verify(int k, const Changes& changes,
                                        const CheckResult* known = nullptr);
  std::string Describe(int k, const LeverChange& change) const;

  const Scenario& scenario_;
  const RecommendOptions& options_;
  Search search_;
  std::map<int, CheckResult> base_checks_;  // per campaign: the full check as it is
  // Per (campaign, offering): unit contribution after returns (base check) and expected units
  // sold in the window with the campaign (the engine's stock-planning expectation).
  std::map<std::pair<int, std::string>, double> unit_contribution_;
  std::map<std::pair<int, std::string>, double> window_demand_;
  std::map<int, std::pair<double, double>>
      cap_candidates_;  // per campaign: (cap found, most units)
  std::map<int, std::vector<LeverChange>>
      expand_max_;  // per campaign: full expansions that fall short
};

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

std::string Recommender::Describe(int k, const LeverChange& change) const {
  const Campaign& campaign = scenario_.campaigns[static_cast<size_t>(k)];
  auto promise_text = [&](int index) {
    return Words(scenario_, campaign.promises[static_cast<size_t>(index)]);
  };
  if (change.lever == "cap") {
    std::string text =
        "Run it as a limited sale of " + FormatCount(change.units.value_or(0)) + " units";
    if (!change.by_offering.empty()) {
      text += " (";
      for (size_t i = 0; i < change.by_offering.size(); ++i) {
        text += (i > 0 ? ", " : "") + change.by_offering[i].first + " " +
                FormatCount(change.by_offering[i].second);
      }
      text += ")";
    }
    return text;
  }
  if (change.lever == "relax") {
    Promise relaxed = campaign.promises[static_cast<size_t>(*change.promise)];
    if (change.within) relaxed.within = *change.within;
    if (change.share) relaxed.share = *change.share;
    if (change.cutoff) relaxed.cutoff = *change.cutoff;
    return "Promise \"" + Words(scenario_, relaxed) + "\" (was \"" + promise_text(*change.promise) +
           "\")";
  }
  if (change.lever == "reschedule") {
    const DateRange& window = *change.window;
    const std::string dates = ShortDate(window.start) + " to " + ShortDate(window.end);
    if (change.lift) return "Stretch it over " + dates + " (the same extra demand, spread out)";
    return "Move it to " + dates;
  }
  if (change.lever == "expand") {
    std::string text = "Book " + FormatCount(*change.extra) + " extra per open hour on " +
                       change.resource + " from " + ShortDate(*change.from) + " to " +
                       ShortDate(*change.until);
    if (change.cost)
      text += " (about " + FormatMoney(*change.cost, scenario_.currency) + " more fulfilment cost)";
    return text;
  }
  if (change.lever == "restrict") {
    std::string text = "Offer free returns only on ";
    for (size_t i = 0; i < change.offerings.size(); ++i)
      text += (i > 0 ? ", " : "") + change.offerings[i];
    if (change.min_price)
      text += " (items from " + FormatMoneyCents(*change.min_price, scenario_.currency) + ")";
    return text;
  }
  if (change.lever == "reword") return "Say \"" + change.text + "\" instead";
  return change.lever;
}

std::optional<RecommendOption> Recommender::Verify(int k, const Changes& changes,
                                                   const CheckResult* known) {
  Scenario applied = scenario_;
  for (const LeverChange& change : changes) applied = ApplyLever(applied, k, change);
  if (!ValidateScenario(applied).empty()) return std::nullopt;
  std::optional<CheckResult> check =
      known ? std::optional<CheckResult>(*known) : search_.Verify(applied, k);
  if (!check) return std::nullopt;
  const CampaignResult& result = check->campaigns.front();
  RecommendOption option;
  option.changes = changes;
  for (size_t i = 0; i < changes.size(); ++i) {
    if (option.lever.find(changes[i].lever) == std::string::npos)
      option.lever += (option.lever.empty() ? "" : "+") + changes[i].lever;
  }
  // The option's verdict covers the whole scenario: `tandem check --campaign` of the applied file
  // counts the standing promises too, also those broken without this campaign.
  option.verdict = check->verdict;
  option.reasons = result.reasons;
  for (const PromiseResult& standing : check->messaging) {
    if (standing.status == PromiseStatus::kKept) continue;
    bool answered = false;  // the campaign's own reasons already name it
    for (const StandingImpact& impact : result.standing)
      answered = answered || impact.index == standing.index;
    if (answered) continue;
    option.reasons.push_back(std::string("standing promise ") + StatusName(standing.status) +
                             ", also without " + result.id + ": " + standing.text);
  }
  option.economics = result.economics;
  option.applied = std::move(applied);
  // Expansion cost: the extra fulfilment cost against the campaign as it is.
  const CampaignResult& base = base_checks_.at(k).campaigns.front();
  for (LeverChange& change : option.changes) {
    if (change.lever == "expand") {
      change.cost = std::max(0.0, result.economics.incremental_fulfilment_cost.mean -
                                      base.economics.incremental_fulfilment_cost.mean);
    }
  }
  option.against_filed = Against(scenario_, k, base.economics, option);
  std::string text;
  for (size_t i = 0; i < option.changes.size(); ++i) {
    const LeverChange& change = option.changes[i];
    text += (i > 0 ? "; and " : "") + Describe(k, change);
    if (change.lever != "relax") continue;
    option.keeps_wording = false;
    const Promise& promise =
        scenario_.campaigns[static_cast<size_t>(k)].promises[static_cast<size_t>(*change.promise)];
    if (change.within &&
        change.within->LongestMinutes() > kDropsPromiseFactor * promise.within.LongestMinutes()) {
      option.drops_promise = true;
      std::string written = promise.within.ToString();  // "next_day" -> "next day"
      std::replace(written.begin(), written.end(), '_', ' ');
      text += " - effectively drops the promise (" + change.within->ToString() + " is over " +
              std::to_string(kDropsPromiseFactor) + "x " + written + ")";
    }
  }
  if (option.verdict == Verdict::kGo) {
    text += ": all promises hold";
  } else {
    text += std::string(": still ") + VerdictName(option.verdict);
    // The reason that makes it so: for a no-go, the first that says something is broken.
    auto reason = option.reasons.begin();
    if (option.verdict == Verdict::kNoGo) {
      reason =
          std::find_if(option.reasons.begin(), option.reasons.end(), [](const std::string& line) {
            return line.find("broken") != std::string::npos ||
                   line.find("over capacity") != std::string::npos ||
                   line.find("not ready") != std::string::npos ||
                   line.find("not enough") != std::string::npos;
          });
      if (reason == option.reasons.end()) reason = option.reasons.begin();
    }
    if (reason != option.reasons.end()) text += " (" + *reason + ")";
  }
  text += "; expected net contribution " +
          FormatMoney(option.economics.expected_incremental_after_spend, scenario_.currency) +
          " after spend";
  option.summary = text;
  return option;
}

Result<Recommendations> Recommender::Run() {
  std::vector<int> targets;
  if (options_.campaign) {
    for (size_t k = 0; k < scenario_.campaigns.size(); ++k) {
      if (scenario_.campaigns[k].id == *options_.campaign) targets.push_back(static_cast<int>(k));
    }
    if (targets.empty()) {
      std::string known;
      for (const Campaign& campaign : scenario_.campaigns)
        known += (known.empty() ? "" : ", ") + campaign.id;
      return Error::InvalidOption(
          "campaign", "no campaign '" + *options_.campaign +
                          "' in the scenario; campaigns: " + (known.empty() ? "(none)" : known));
    }
  } else {
    for (size_t k = 0; k < scenario_.campaigns.size(); ++k) targets.push_back(static_cast<int>(k));
  }
  // The engine's expectation of each campaign's window demand, for the cap allocation.
  for (int k : targets) {
    for (const auto& [offering, units] : ExpectedWindowDemand(scenario_, k))
      window_demand_[{k, offering}] = units;
  }

  Recommendations recommendations;
  // Every target's check as it is, from one simulation of the scenario.
  std::string checking;
  for (int k : targets)
    checking += (checking.empty() ? "" : ", ") + scenario_.campaigns[static_cast<size_t>(k)].id;
  Progress("checking " + checking);
  std::vector<std::optional<CheckResult>> base_checks = search_.VerifyEach(scenario_, targets);
  for (size_t t = 0; t < targets.size(); ++t) {
    const int k = targets[t];
    const Campaign& campaign = scenario_.campaigns[static_cast<size_t>(k)];
    std::optional<CheckResult>& base_check = base_checks[t];
    if (!base_check) return Error::Internal("recommend: the check of " + campaign.id + " failed");
    base_checks_[k] = *base_check;
    const CampaignResult& base = base_check->campaigns.front();
    if (!base.standing_without.empty())
      search_.SetStandingWithout(scenario_, k, base.standing_without);
    if (base.verdict == Verdict::kGo) continue;
    for (const OfferingEconomics& offering : base.economics.offerings) {
      unit_contribution_[{k, offering.offering}] = offering.unit_contribution_after_returns;
    }
    CampaignRecommendation recommendation;
    recommendation.id = campaign.id;
    recommendation.name = campaign.name.empty() ? campaign.id : campaign.name;
    recommendation.verdict = base.verdict;
    recommendation.reasons = base.reasons;
    recommendation.economics = base.economics;
    if (base.economics.expected_incremental_after_spend < 0)
      recommendation.loss = ExplainLoss(scenario_, k, base);

    std::vector<Changes> candidates;
    if (HoldingOf(base).holds) {
      // Every promise and check holds: it is at risk on its economics alone, which no lever
      // that keeps promises can change.
      recommendation.notes.push_back(
          "every promise and check of " + campaign.id +
          " holds; it is at risk on economics alone: expected net " + "contribution " +
          FormatMoney(base.economics.expected_incremental_after_spend, scenario_.currency) +
          " after spend of " + FormatMoney(base.economics.spend, scenario_.currency) +
          ". Look at the unit contributions (discount, free returns) and the spend.");
      recommendations.campaigns.push_back(std::move(recommendation));
      continue;
    }
    Relax(k, base, &candidates);
    Restrict(k, base, &candidates, &recommendation.notes);
    Reword(k, base, &candidates, &recommendation.notes);
    CapLever(k, base, &candidates, &recommendation.notes);
    Expand(k, base, &candidates, &recommendation.notes);
    Reschedule(k, &candidates, &recommendation.notes);

    // Candidates that only relax promises simulate as the scenario does: their checks come
    // from one simulation (Search::VerifyVariants), the others' from one check each.
    std::vector<std::vector<Promise>> relaxed;
    std::vector<size_t> relaxed_candidate;
    for (size_t c = 0; c < candidates.size(); ++c) {
      const bool only_relax =
          std::all_of(candidates[c].begin(), candidates[c].end(),
                      [](const LeverChange& change) { return change.lever == "relax"; });
      if (!only_relax) continue;
      Scenario applied = scenario_;
      for (const LeverChange& change : candidates[c]) applied = ApplyLever(applied, k, change);
      if (!ValidateScenario(applied).empty()) continue;
      relaxed.push_back(applied.campaigns[static_cast<size_t>(k)].promises);
      relaxed_candidate.push_back(c);
    }
    std::map<size_t, CheckResult> known_checks;  // by candidate
    if (relaxed.size() > 1) {
      std::vector<std::optional<CheckResult>> checks =
          search_.VerifyVariants(scenario_, k, relaxed);
      for (size_t j = 0; j < checks.size(); ++j) {
        if (checks[j]) known_checks[relaxed_candidate[j]] = std::move(*checks[j]);
      }
    }
    std::vector<RecommendOption> options;
    for (size_t c = 0; c < candidates.size(); ++c) {
      const Changes& changes = candidates[c];
      Progress("re-checking: " + Describe(k, changes.front()));
      auto known = known_checks.find(c);
      std::optional<RecommendOption> option =
          Verify(k, changes, known == known_checks.end() ? nullptr : &known->second);
      if (option) options.push_back(std::move(*option));
    }
    // A cap found with fewer scenarios may just miss with all of them: step down until it holds.
    for (RecommendOption& option : options) {
      if (option.lever != "cap" || option.verdict == Verdict::kGo) continue;
      const bool only_economics =
          std::all_of(option.reasons.begin(), option.reasons.end(),
                      [](const std::string& reason) { return reason.rfind("economics", 0) == 0; });
      if (only_economics) continue;
      double units = option.changes.front().units.value_or(0);
      for (int step = 0; step < 3 && units > 1; ++step) {
        units = std::floor(units * 0.9);
        LeverChange change;
        change.lever = "cap";
        change.units = units;
        change.by_offering = campaign.offerings.size() > 1
                                 ? Allocate(k, units)
                                 : std::vector<std::pair<std::string, double>>{};
        std::optional<RecommendOption> retry = Verify(k, {change});
        if (retry && retry->verdict <= option.verdict) {
          const bool better = retry->verdict < option.verdict;
          option = std::move(*retry);
          if (better) break;
        }
      }
    }
    for (RecommendOption& option : options) {
      if (option.lever == "expand" && option.verdict != Verdict::kGo) RefineExpand(k, &option);
    }
    // When no single lever reaches go: pairs of options that change different things, the
    // closest first.
    // The same changes reached two ways (e.g. "relax them all" and a pair of relaxes) are one
    // option.
    auto key_of = [&](const Changes& changes) {
      std::vector<std::string> parts;
      for (const LeverChange& change : changes) parts.push_back(Describe(k, change));
      std::sort(parts.begin(), parts.end());
      std::string key;
      for (const std::string& part : parts) key += part + "\n";
      return key;
    };
    std::vector<std::string> known;
    for (const RecommendOption& option : options) known.push_back(key_of(option.changes));
    const bool any_go =
        std::any_of(options.begin(), options.end(),
                    [](const RecommendOption& option) { return option.verdict == Verdict::kGo; });
    auto touched = [](const Changes& changes) {
      std::vector<std::string> keys;
      for (const LeverChange& change : changes) {
        keys.push_back(change.promise ? "promise " + std::to_string(*change.promise)
                                      : change.lever + " " + change.resource);
      }
      return keys;
    };
    if (!any_go && options.size() > 1) {
      std::vector<size_t> order(options.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (options[a].verdict != options[b].verdict)
          return options[a].verdict < options[b].verdict;
        return options[a].reasons.size() < options[b].reasons.size();
      });
      std::vector<std::vector<std::string>> tried;
      std::vector<RecommendOption> pairs;
      const size_t pool = std::min<size_t>(order.size(), 5);
      for (size_t a = 0; a < pool && pairs.size() < 4; ++a) {
        for (size_t b = a + 1; b < pool && pairs.size() < 4; ++b) {
          const RecommendOption& first = options[order[a]];
          const RecommendOption& second = options[order[b]];
          std::vector<std::string> keys = touched(first.changes);
          const std::vector<std::string> more = touched(second.changes);
          bool overlap = false;
          for (const std::string& key : more)
            overlap = overlap || std::find(keys.begin(), keys.end(), key) != keys.end();
          if (overlap) continue;
          keys.insert(keys.end(), more.begin(), more.end());
          std::sort(keys.begin(), keys.end());
          if (std::find(tried.begin(), tried.end(), keys) != tried.end()) continue;
          tried.push_back(keys);
          Changes both = first.changes;
          both.insert(both.end(), second.changes.begin(), second.changes.end());
          const std::string key = key_of(both);
          if (std::find(known.begin(), known.end(), key) != known.end()) continue;
          known.push_back(key);
          Progress("re-checking a combination: " + first.lever + " + " + second.lever);
          std::optional<RecommendOption> option = Verify(k, both);
          if (option) pairs.push_back(std::move(*option));
        }
      }
      for (RecommendOption& option : pairs) options.push_back(std::move(option));
    }
    // Best first (recommend.h): a dropped promise last, then go, at-risk, no-go; promises'
    // wording kept before weakened; within each, the expected net contribution.
    std::stable_sort(options.begin(), options.end(),
                     [](const RecommendOption& a, const RecommendOption& b) {
                       if (a.drops_promise != b.drops_promise) return b.drops_promise;
                       if (a.verdict != b.verdict) return a.verdict < b.verdict;
                       if (a.keeps_wording != b.keeps_wording) return a.keeps_wording;
                       return a.economics.expected_incremental_after_spend >
                              b.economics.expected_incremental_after_spend;
                     });
    if (options.empty()) {
      recommendation.notes.push_back("nothing tandem can change keeps " + campaign.id +
                                     "'s promises");
    } else if (options.front().verdict != Verdict::kGo) {
      // The nearest miss: the option with the fewest reasons left.
      const RecommendOption* nearest = &options.front();
      for (const RecommendOption& option : options) {
        if (option.reasons.size() < nearest->reasons.size()) nearest = &option;
      }
      std::string left;
      for (const std::string& reason : nearest->reasons)
        left += (left.empty() ? "" : "; ") + reason;
      recommendation.notes.push_back(
          "no option reaches go; the nearest miss is: " + nearest->summary + " — left: " + left);
    }
    recommendation.options = std::move(options);
    recommendations.campaigns.push_back(std::move(recommendation));
  }
  recommendations.checks_run = search_.checks_run();
  return recommendations;
}

}  // namespace

}  // namespace advise

Result<Recommendations> Recommend(const Scenario& scenario, const RecommendOptions& options) {
  try {
    advise::Recommender recommender(scenario, options);
    return recommender.Run();
  } catch (const std::bad_alloc&) {
    return Error::Internal("out of memory while recommending");
  } catch (const std::exception& error) {
    return Error::Internal(std::string("internal error while recommending: ") + error.what());
  }
}

}  // namespace tandem
