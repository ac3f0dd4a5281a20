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

}  // namespace

Result<Opportunities> FindOpportunities(const Scenario& scenario, const RecommendOptions& options) {
  try {
    Opportunities out;
    advise::Search search(options.scenarios, options.seed, options.threads,
                          options.search_scenarios > 0 ? options.search_scenarios : 200,
                          /*min_tail_days=*/29);
    const std::vector<Change> changes = ChangesOf(scenario);
    std::vector<std::string> all;
    for (const Offering& offering : scenario.offerings) all.push_back(offering.id);

    // Candidates: each promise, each change that can affect it, each stronger level.
    struct Candidate {
      std::string source;
      int campaign;     // -1: standing
      Promise promise;  // as advertised
      size_t change;
      Promise level;  // a stronger level
      size_t extra;   // index among the measured extras
    };
    std::vector<Candidate> candidates;
    std::vector<engine::ExtraPromise> extras;
    auto consider = [&](const std::string& source, int campaign, const Promise& promise,
                        const std::vector<std::string>& scope, std::optional<DateRange> window) {
      if (!promise.IsTimePromise()) return;
      for (size_t c = 0; c < changes.size(); ++c) {
        const Change& change = changes[c];
        if (!Affects(scenario, change, promise, scope)) continue;
        if (window && change.date > window->end) continue;
        if (!window && !scenario.horizon.Contains(change.date)) continue;
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
        for (const Promise& level : levels) {
          candidates.push_back({source, campaign, promise, c, level, extras.size()});
          extras.push_back({campaign, level, change.date});
        }
      }
    };
    for (size_t i = 0; i < scenario.messaging.size(); ++i) {
      consider("messaging[" + std::to_string(i) + "]", -1, scenario.messaging[i], all,
               std::nullopt);
    }
    for (size_t k = 0; k < scenario.campaigns.size(); ++k) {
      const Campaign& campaign = scenario.campaigns[k];
      for (size_t i = 0; i < campaign.promises.size(); ++i) {
        consider("campaigns[" + campaign.id + "].promises[" + std::to_string(i) + "]",
                 static_cast<int>(k), campaign.promises[i], campaign.offerings, campaign.window);
      }
    }
    const double confidence = scenario.simulation.confidence;
    if (!extras.empty()) {
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
        Result<CheckResult> measured =
            engine::Evaluate(scenario, check_options, evaluate, &results);
        ++out.checks_run;
        if (!measured.ok()) return measured.error();
      }
      // Per (source, change): the strongest level that holds, if any. Levels were listed
      // strongest first, so the first that holds wins.
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
        out.opportunities.push_back(std::move(opportunity));
      }
    }

    // Requirements: the least extra capacity per open hour each campaign needs, expansion or not.
    std::vector<int> every_campaign;
    for (size_t k = 0; k < scenario.campaigns.size(); ++k)
      every_campaign.push_back(static_cast<int>(k));
    std::vector<std::optional<CheckResult>> base_checks =
        search.VerifyEach(scenario, every_campaign);  // one simulation for all of them
    for (size_t k = 0; k < scenario.campaigns.size(); ++k) {
      const Campaign& campaign = scenario.campaigns[k];
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
        const Resource* resource = scenario.FindResource(id);
        Requirement requirement;
        requirement.campaign = campaign.id;
        requirement.resource = id;
        requirement.from = std::max(scenario.horizon.start, campaign.window.start - 2);
        requirement.until = std::min(scenario.horizon.end, campaign.window.end + 7);
        // A hypothetical expansion without limit or lead time, to measure the need.
        auto with_extra = [&](double extra) {
          Scenario variant = scenario;
          for (Resource& candidate : variant.resources) {
            if (candidate.id == id)
              candidate.expansion = Expansion{extra, resource->cost_per_unit, Duration{}};
          }
          variant.today = std::min(variant.today, requirement.from);
          variant.campaigns[k].bookings.push_back({id, extra, requirement.from, requirement.until});
          return variant;
        };
        // The promises this resource held back, and what each achieves with capacity beyond any
        // need (a hundred times the planned rate): the ceiling that capacity alone can reach.
        std::vector<size_t> held_back;
        for (size_t p = 0; p < result.promises.size(); ++p) {
          const std::vector<std::string>& names = result.promises[p].binding;
          if (result.promises[p].status != PromiseStatus::kKept &&
              std::find(names.begin(), names.end(), id) != names.end()) {
            held_back.push_back(p);
          }
        }
        const double unlimited = 100 * std::max(1.0, resource->capacity);
        std::optional<CampaignResult> ceiling =
            search.Feasibility(with_extra(unlimited), static_cast<int>(k));
        if (!ceiling) continue;
        // A promise that capacity alone cannot keep approaches its ceiling slowly (FIFO queues
        // clear a weekend's backlog before Monday's orders), so the last points cost capacity out
        // of all proportion; reaching nine tenths of what capacity can give, or half a point below
        // the ceiling, counts as reaching it.
        constexpr double kShareTolerance = 0.005;
        constexpr double kShareOfGain = 0.9;
        // Capacity that cannot keep a promise and lifts it by less than five points does not help:
        // the cause is elsewhere (typically opening hours), and the text says so.
        constexpr double kMeaningfulGain = 0.05;
        auto target_share = [&](size_t p) {
          const double base_share = result.promises[p].achieved.p50;
          const double ceiling_share = ceiling->promises[p].achieved.p50;
          return std::min(ceiling_share - kShareTolerance,
                          base_share + kShareOfGain * (ceiling_share - base_share));
        };
        std::map<double, CampaignResult> probes;
        bool helps = false;
        bool kept_at_ceiling = true;
        for (size_t p : held_back) {
          const PromiseResult& at_ceiling = ceiling->promises[p];
          if (at_ceiling.status == PromiseStatus::kKept ||
              at_ceiling.achieved.p50 >= result.promises[p].achieved.p50 + kMeaningfulGain) {
            helps = true;
          }
          kept_at_ceiling &= at_ceiling.status == PromiseStatus::kKept;
        }
        // Enough: every held-back promise holds if it holds at the ceiling, and otherwise achieves
        // what it achieves there.
        auto enough = [&](double extra) {
          std::optional<CampaignResult> feasibility =
              search.Feasibility(with_extra(extra), static_cast<int>(k));
          if (!feasibility) return false;
          for (size_t p : held_back) {
            const PromiseResult& promise = feasibility->promises[p];
            if (ceiling->promises[p].status == PromiseStatus::kKept) {
              if (promise.status != PromiseStatus::kKept) return false;
            } else if (promise.achieved.p50 < target_share(p)) {
              return false;
            }
          }
          probes[extra] = std::move(*feasibility);
          return true;
        };
        requirement.keeps_promises = kept_at_ceiling;
        if (!helps) {
          requirement.sufficient = false;
          requirement.extra = 0;
        } else {
          double low = 0;
          double high = std::max(1.0, resource->capacity);
          while (high < unlimited && !enough(high)) {
            low = high;
            high *= 2;
          }
          high = std::min(high, unlimited);
          for (int iteration = 0; iteration < 12 && high - low > 1; ++iteration) {
            const double middle = std::ceil(0.5 * (low + high));
            if (enough(middle)) {
              high = middle;
            } else {
              low = middle;
            }
          }
          requirement.extra = high;
          const CampaignResult& with_requirement = probes.count(high) ? probes.at(high) : *ceiling;
          for (size_t p : held_back) {
            const PromiseResult& promise = with_requirement.promises[p];
            requirement.promises.push_back({promise.text, result.promises[p].achieved.p50,
                                            promise.achieved.p50, promise.target,
                                            promise.status == PromiseStatus::kKept});
          }
        }
        if (resource->expansion) {
          const int64_t lead_days =
              (resource->expansion->lead_time.minutes + kMinutesPerDay - 1) / kMinutesPerDay;
          requirement.bookable =
              requirement.extra <= resource->expansion->extra_per_hour &&
              requirement.from >= scenario.today + static_cast<int32_t>(lead_days);
        }
        out.requirements.push_back(requirement);
      }
    }
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
