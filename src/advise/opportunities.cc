#include "tandem/advise/opportunities.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "advise/search.h"
#include "tandem/common/format.h"

namespace tandem {
namespace {

// A capability change: from `date` on, operations can do something it could not before.
struct Change {
  Date date;
  std::string resource;  // a throughput resource, or empty for a capability
  std::string capability;
  std::string because;
};

std::vector<Change> ChangesOf(const Scenario& scenario) {
  std::vector<Change> changes;
  for (const Resource& resource : scenario.resources) {
    if (resource.kind != ResourceKind::kThroughput) continue;
    double capacity = resource.capacity;
    std::string calendar = resource.calendar;
    Duration processing = resource.processing_time;
    for (const ResourceChange& change : resource.changes) {
      std::string what;
      auto add = [&](const std::string& text) { what += (what.empty() ? "" : ", ") + text; };
      if (change.capacity && *change.capacity != capacity) {
        add("capacity " + FormatSignificant(capacity, 6) + " -> " +
            FormatSignificant(*change.capacity, 6));
        capacity = *change.capacity;
      }
      if (change.processing_time && *change.processing_time != processing) {
        add("processing_time " + processing.ToString() + " -> " +
            change.processing_time->ToString());
        processing = *change.processing_time;
      }
      if (change.calendar && *change.calendar != calendar) {
        add("calendar " + (calendar.empty() ? std::string("always open") : calendar) + " -> " +
            *change.calendar);
        calendar = *change.calendar;
      }
      if (what.empty()) continue;  // a cost change alone promises nothing new
      changes.push_back({change.from, resource.id, "",
                         resource.id + ": " + what + " from " + change.from.ToString()});
    }
  }
  for (const Capability& capability : scenario.capabilities) {
    if (!capability.from) continue;
    changes.push_back({*capability.from, "", capability.id,
                       "capability '" + capability.id + "' (\"" + capability.claim +
                           "\") declared from " + capability.from->ToString()});
  }
  return changes;
}

// Whether `change` can affect `promise` covering `offerings`.
bool Affects(const Scenario& scenario, const Change& change, const Promise& promise,
             const std::vector<std::string>& offerings) {
  if (change.resource.empty()) {
    if (promise.type != PromiseType::kClaim) return false;
    return std::find(promise.requires_capabilities.begin(), promise.requires_capabilities.end(),
                     change.capability) != promise.requires_capabilities.end();
  }
  if (promise.type == PromiseType::kResponse) return promise.resource == change.resource;
  if (promise.type != PromiseType::kDelivery && promise.type != PromiseType::kProcessing)
    return false;
  for (const std::string& id : promise.offerings.empty() ? offerings : promise.offerings) {
    const Offering* offering = scenario.FindOffering(id);
    for (const RouteStep& step : offering->route) {
      if (step.resource == change.resource) return true;
    }
  }
  return false;
}

// A candidate opportunity: a stronger level of a promise, from a capability change on.
struct Candidate {
  std::string source;
  int campaign;     // -1: standing
  Promise promise;  // as advertised
  size_t change;
  Promise level;  // a stronger level
  size_t extra;   // index among the measured extras
};

// The levels stronger than `promise`, strongest first: each shorter rung of the ladder, each
// later cut-off hour, and same day for next day.
std::vector<Promise> StrongerLevels(const Promise& promise) {
  std::vector<Promise> levels;
  for (const Duration& rung : PromiseLadder()) {
    if (rung.minutes >= promise.within.LongestMinutes()) break;
    Promise level = promise;
    level.within = Deadline::Within(rung);
    levels.push_back(level);
  }
  if (promise.within.kind != Deadline::Kind::kWithin && promise.cutoff) {
    for (int hour = 23; hour * 60 > *promise.cutoff; --hour) {
      Promise level = promise;
      level.cutoff = hour * 60;
      levels.push_back(level);
    }
  }
  if (promise.within.kind == Deadline::Kind::kNextDay) {
    Promise level = promise;
    level.within = Deadline::SameDay();
    levels.push_back(level);
  }
  return levels;
}

// Candidates: each time promise, each change that can affect it, each stronger level; with the
// promise variants (extras) that measure them.
void CollectCandidates(const Scenario& scenario, const std::vector<Change>& changes,
                       std::vector<Candidate>* candidates,
                       std::vector<engine::ExtraPromise>* extras) {
  std::vector<std::string> all;
  for (const Offering& offering : scenario.offerings) all.push_back(offering.id);
  auto consider = [&](const std::string& source, int campaign, const Promise& promise,
                      const std::vector<std::string>& scope, std::optional<DateRange> window) {
    if (!promise.IsTimePromise()) return;
    for (size_t c = 0; c < changes.size(); ++c) {
      const Change& change = changes[c];
      if (!Affects(scenario, change, promise, scope)) continue;
      if (window && change.date > window->end) continue;
      if (!window && !scenario.horizon.Contains(change.date)) continue;
      for (const Promise& level : StrongerLevels(promise)) {
        candidates->push_back({source, campaign, promise, c, level, extras->size()});
        extras->push_back({campaign, level, change.date});
      }
    }
  };
  for (size_t i = 0; i < scenario.messaging.size(); ++i) {
    consider("messaging[" + std::to_string(i) + "]", -1, scenario.messaging[i], all, std::nullopt);
  }
  for (size_t k = 0; k < scenario.campaigns.size(); ++k) {
    const Campaign& campaign = scenario.campaigns[k];
    for (size_t i = 0; i < campaign.promises.size(); ++i) {
      consider("campaigns[" + campaign.id + "].promises[" + std::to_string(i) + "]",
               static_cast<int>(k), campaign.promises[i], campaign.offerings, campaign.window);
    }
  }
}

// The opportunities: every candidate measured by one simulation of the scenario as it is; per
// (source, change) the strongest level that holds, if any.
Status AddOpportunities(const Scenario& scenario, const RecommendOptions& options,
                        Opportunities* out) {
  const std::vector<Change> changes = ChangesOf(scenario);
  std::vector<Candidate> candidates;
  std::vector<engine::ExtraPromise> extras;
  CollectCandidates(scenario, changes, &candidates, &extras);
  if (extras.empty()) return OkStatus();
  std::vector<engine::ExtraResult> results;
  {  // one simulation of the scenario as it is measures every level
    CheckOptions check_options;
    check_options.scenarios = options.scenarios;
    check_options.seed = options.seed;
    check_options.threads = options.threads;
    check_options.min_tail_days = 29;
    engine::EvaluateOptions evaluate;
    evaluate.economics = false;
    evaluate.extra = extras;
    Result<CheckResult> measured = engine::Evaluate(scenario, check_options, evaluate, &results);
    ++out->checks_run;
    if (!measured.ok()) return measured.error();
  }
  const double confidence = scenario.simulation.confidence;
  // Levels were listed strongest first, so the first that holds wins.
  std::vector<char> done(candidates.size(), 0);
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& candidate = candidates[i];
    bool seen = false;
    for (size_t j = 0; j < i; ++j) {
      seen = seen || (done[j] && candidates[j].source == candidate.source &&
                      candidates[j].change == candidate.change);
    }
    if (seen || results[candidate.extra].p_kept < confidence - 1e-12) continue;
    done[i] = 1;
    Opportunity opportunity;
    opportunity.source = candidate.source;
    opportunity.type = candidate.promise.type;
    opportunity.advertised = candidate.promise.Describe("orders", scenario.currency);
    opportunity.strongest = candidate.level;
    opportunity.strongest_text = candidate.level.Describe("orders", scenario.currency);
    opportunity.p_kept = results[candidate.extra].p_kept;
    opportunity.from = changes[candidate.change].date;
    opportunity.because = changes[candidate.change].because;
    out->opportunities.push_back(std::move(opportunity));
  }
  return OkStatus();
}

// The search for one campaign's need of one resource: campaign k with a hypothetical expansion
// of `extra` per open hour, without limit or lead time, booked from `from` to `until`.
class NeedProbe {
 public:
  NeedProbe(const Scenario& scenario, advise::Search& search, int k, const CampaignResult& result,
            const Resource& resource, Date from, Date until)
      : scenario_(scenario),
        search_(search),
        k_(k),
        result_(result),
        resource_(resource),
        from_(from),
        until_(until) {}

  // A promise that capacity alone cannot keep approaches its ceiling slowly (FIFO queues clear
  // a weekend's backlog before Monday's orders), so the last points cost capacity out of all
  // proportion; reaching nine tenths of what capacity can give, or half a point below the
  // ceiling, counts as reaching it.
  static constexpr double kShareTolerance = 0.005;
  static constexpr double kShareOfGain = 0.9;
  // Capacity that cannot keep a promise and lifts it by less than five points does not help:
  // the cause is elsewhere (typically opening hours), and the text says so.
  static constexpr double kMeaningfulGain = 0.05;

  Scenario WithExtra(double extra) const {
    Scenario variant = scenario_;
    for (Resource& candidate : variant.resources) {
      if (candidate.id == resource_.id)
        candidate.expansion = Expansion{extra, resource_.cost_per_unit, Duration{}};
    }
    variant.today = std::min(variant.today, from_);
    variant.campaigns[static_cast<size_t>(k_)].bookings.push_back(
        {resource_.id, extra, from_, until_});
    return variant;
  }
  // The promises this resource held back, and what each achieves with capacity beyond any need
  // (a hundred times the planned rate): the ceiling that capacity alone can reach. False when
  // that check fails.
  bool MeasureCeiling() {
    for (size_t p = 0; p < result_.promises.size(); ++p) {
      const std::vector<std::string>& names = result_.promises[p].binding;
      if (result_.promises[p].status != PromiseStatus::kKept &&
          std::find(names.begin(), names.end(), resource_.id) != names.end()) {
        held_back_.push_back(p);
      }
    }
    // Every scenario: the ceiling's figures are the targets.
    std::vector<engine::Watch> measured;
    for (size_t p : held_back_) measured.push_back({static_cast<int>(p)});
    ceiling_ = search_.Feasibility(WithExtra(Unlimited()), k_, measured);
    return ceiling_.has_value();
  }
  double Unlimited() const { return 100 * std::max(1.0, resource_.capacity); }
  // Whether capacity helps at all: some held-back promise holds at the ceiling or gains there.
  bool Helps() const {
    bool helps = false;
    for (size_t i = 0; i < held_back_.size(); ++i) {
      const size_t p = held_back_[i];
      const PromiseResult& at_ceiling = (*ceiling_)[i];
      if (at_ceiling.status == PromiseStatus::kKept ||
          at_ceiling.achieved.p50 >= result_.promises[p].achieved.p50 + kMeaningfulGain) {
        helps = true;
      }
    }
    return helps;
  }
  bool KeptAtCeiling() const {
    bool kept = true;
    for (const PromiseResult& at_ceiling : *ceiling_)
      kept &= at_ceiling.status == PromiseStatus::kKept;
    return kept;
  }
  // Enough: every held-back promise holds if it holds at the ceiling, and otherwise achieves
  // what it achieves there (TargetShare). The probe stops as soon as one of them cannot.
  bool Enough(double extra) {
    std::vector<engine::Watch> needs;
    for (size_t i = 0; i < held_back_.size(); ++i) {
      engine::Watch watch{static_cast<int>(held_back_[i])};
      if ((*ceiling_)[i].status == PromiseStatus::kKept) {
        watch.need = engine::Watch::Need::kKept;
      } else {
        watch.need = engine::Watch::Need::kMedianAtLeast;
        watch.median_at_least = TargetShare(i);
      }
      needs.push_back(watch);
    }
    std::optional<std::vector<PromiseResult>> feasibility =
        search_.Feasibility(WithExtra(extra), k_, needs);
    if (!feasibility) return false;
    probes_[extra] = std::move(*feasibility);
    return true;
  }
  // The least extra that is Enough (doubling, then bisecting to the whole unit per hour), and
  // the held-back promises with it.
  double LeastEnough(std::vector<RequirementPromise>* promises) {
    const double unlimited = Unlimited();
    double low = 0;
    double high = std::max(1.0, resource_.capacity);
    while (high < unlimited && !Enough(high)) {
      low = high;
      high *= 2;
    }
    high = std::min(high, unlimited);
    for (int iteration = 0; iteration < 12 && high - low > 1; ++iteration) {
      const double middle = std::ceil(0.5 * (low + high));
      if (Enough(middle)) {
        high = middle;
      } else {
        low = middle;
      }
    }
    const std::vector<PromiseResult>& with_requirement =
        probes_.count(high) ? probes_.at(high) : *ceiling_;
    for (size_t i = 0; i < held_back_.size(); ++i) {
      const PromiseResult& promise = with_requirement[i];
      promises->push_back({promise.text, result_.promises[held_back_[i]].achieved.p50,
                           promise.achieved.p50, promise.target,
                           promise.status == PromiseStatus::kKept});
    }
    return high;
  }

 private:
  // The share the i-th held-back promise must reach when the ceiling does not keep it.
  double TargetShare(size_t i) const {
    const double base_share = result_.promises[held_back_[i]].achieved.p50;
    const double ceiling_share = (*ceiling_)[i].achieved.p50;
    return std::min(ceiling_share - kShareTolerance,
                    base_share + kShareOfGain * (ceiling_share - base_share));
  }

  const Scenario& scenario_;
  advise::Search& search_;
  int k_;
  const CampaignResult& result_;
  const Resource& resource_;
  Date from_;
  Date until_;
  std::vector<size_t> held_back_;
  // Per held-back promise (in held_back_'s order): its result at the ceiling, and with each
  // extra that was enough.
  std::optional<std::vector<PromiseResult>> ceiling_;
  std::map<double, std::vector<PromiseResult>> probes_;
};

// Campaign k's need of resource `id`, which holds one of its promises back (`result`: its full
// check); nullopt when the check at the ceiling fails.
std::optional<Requirement> RequirementFor(const Scenario& scenario, advise::Search& search,
                                          size_t k, const CampaignResult& result,
                                          const std::string& id) {
  const Campaign& campaign = scenario.campaigns[k];
  const Resource* resource = scenario.FindResource(id);
  Requirement requirement;
  requirement.campaign = campaign.id;
  requirement.resource = id;
  requirement.from = std::max(scenario.horizon.start, campaign.window.start - 2);
  requirement.until = std::min(scenario.horizon.end, campaign.window.end + 7);
  NeedProbe probe(scenario, search, static_cast<int>(k), result, *resource, requirement.from,
                  requirement.until);
  if (!probe.MeasureCeiling()) return std::nullopt;
  requirement.keeps_promises = probe.KeptAtCeiling();
  if (!probe.Helps()) {
    requirement.sufficient = false;
    requirement.extra = 0;
  } else {
    requirement.extra = probe.LeastEnough(&requirement.promises);
  }
  if (resource->expansion) {
    const int64_t lead_days =
        (resource->expansion->lead_time.minutes + kMinutesPerDay - 1) / kMinutesPerDay;
    requirement.bookable = requirement.extra <= resource->expansion->extra_per_hour &&
                           requirement.from >= scenario.today + static_cast<int32_t>(lead_days);
  }
  return requirement;
}

// Requirements: the least extra capacity per open hour each campaign needs, expansion or not,
// on each resource that holds one of its promises back.
void AddRequirements(const Scenario& scenario, advise::Search& search, Opportunities* out) {
  std::vector<int> every_campaign;
  for (size_t k = 0; k < scenario.campaigns.size(); ++k)
    every_campaign.push_back(static_cast<int>(k));
  std::vector<std::optional<CheckResult>> base_checks =
      search.VerifyEach(scenario, every_campaign);  // one simulation for all of them
  for (size_t k = 0; k < scenario.campaigns.size(); ++k) {
    const std::optional<CheckResult>& base = base_checks[k];
    if (!base) continue;
    const CampaignResult& result = base->campaigns.front();
    std::vector<std::string> binding;
    for (const PromiseResult& promise : result.promises) {
      if (promise.status == PromiseStatus::kKept) continue;
      for (const std::string& name : promise.binding) {
        if (scenario.FindResource(name) &&
            std::find(binding.begin(), binding.end(), name) == binding.end()) {
          binding.push_back(name);
        }
      }
    }
    for (const std::string& id : binding) {
      std::optional<Requirement> requirement = RequirementFor(scenario, search, k, result, id);
      if (requirement) out->requirements.push_back(std::move(*requirement));
    }
  }
}

}  // namespace

Result<Opportunities> FindOpportunities(const Scenario& scenario, const RecommendOptions& options) {
  try {
    Opportunities out;
    advise::Search search(options.scenarios, options.seed, options.threads,
                          options.search_scenarios > 0 ? options.search_scenarios : 200,
                          /*min_tail_days=*/29);
    Status measured = AddOpportunities(scenario, options, &out);
    if (!measured.ok()) return measured.error();
    AddRequirements(scenario, search, &out);
    out.checks_run += search.checks_run();
    return out;
  } catch (const std::bad_alloc&) {
    return Error::Internal("out of memory while looking for opportunities");
  } catch (const std::exception& error) {
    return Error::Internal(std::string("internal error while looking for opportunities: ") +
                           error.what());
  }
}

}  // namespace tandem
