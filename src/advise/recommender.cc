// The recommender's search (recommender.h): which campaigns, their checks as they are, each
// lever's candidates verified and described, pairs when no single lever reaches go, the ranking.
#include <algorithm>
#include <cmath>
#include <map>

#include "advise/recommender.h"
#include "tandem/common/format.h"
#include "tandem/engine/check.h"
#include "tandem/engine/window_demand.h"
#include "tandem/model/validate.h"

namespace tandem {
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

}  // namespace

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

Result<std::vector<int>> Recommender::Targets() const {
  std::vector<int> targets;
  if (!options_.campaign) {
    for (size_t k = 0; k < scenario_.campaigns.size(); ++k) targets.push_back(static_cast<int>(k));
    return targets;
  }
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
  return targets;
}

Result<Recommendations> Recommender::Run() {
  Result<std::vector<int>> found = Targets();
  if (!found.ok()) return found.error();
  const std::vector<int>& targets = found.value();
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
    recommendations.campaigns.push_back(RecommendFor(k, base));
  }
  recommendations.checks_run = search_.checks_run();
  return recommendations;
}

CampaignRecommendation Recommender::RecommendFor(int k, const CampaignResult& base) {
  const Campaign& campaign = scenario_.campaigns[static_cast<size_t>(k)];
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

  if (HoldingOf(base).holds) {
    // Every promise and check holds: it is at risk on its economics alone, which no lever
    // that keeps promises can change.
    recommendation.notes.push_back(
        "every promise and check of " + campaign.id +
        " holds; it is at risk on economics alone: expected net " + "contribution " +
        FormatMoney(base.economics.expected_incremental_after_spend, scenario_.currency) +
        " after spend of " + FormatMoney(base.economics.spend, scenario_.currency) +
        ". Look at the unit contributions (discount, free returns) and the spend.");
    return recommendation;
  }
  std::vector<Changes> candidates;
  Relax(k, base, &candidates);
  Restrict(k, base, &candidates, &recommendation.notes);
  Reword(k, base, &candidates, &recommendation.notes);
  CapLever(k, base, &candidates, &recommendation.notes);
  Expand(k, base, &candidates, &recommendation.notes);
  Reschedule(k, &candidates, &recommendation.notes);

  std::vector<RecommendOption> options = VerifyCandidates(k, candidates);
  StepDownCaps(k, &options);
  for (RecommendOption& option : options) {
    if (option.lever == "expand" && option.verdict != Verdict::kGo) RefineExpand(k, &option);
  }
  AddPairs(k, &options);
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
    for (const std::string& reason : nearest->reasons) left += (left.empty() ? "" : "; ") + reason;
    recommendation.notes.push_back(
        "no option reaches go; the nearest miss is: " + nearest->summary + " — left: " + left);
  }
  recommendation.options = std::move(options);
  return recommendation;
}

std::map<size_t, CheckResult> Recommender::ChecksByVariants(
    int k, const std::vector<Changes>& candidates) {
  // Candidates whose changes other than relaxes are the same (none, or the same cap, restrict,
  // ...) and that simulate the same days (a longer bound can lengthen the tail) simulate the same
  // runs: a relax changes only campaign k's promise levels, which no other lever reads. Per such
  // group of two or more, one check answers them all (Search::VerifyVariants): of the scenario
  // with those other changes when it simulates the group's days, else of the group's first
  // candidate's scenario (its promises are one of the variants). A group of one gains nothing.
  // A group of relaxes alone whose base is the scenario itself simulates the runs of the base
  // check (base_checks_[k], Verify's options and grid): its standing promises' results are that
  // check's, which it copies instead of measuring them again.
  struct Group {
    Scenario base;
    std::vector<std::vector<Promise>> variants;
    std::vector<size_t> candidate;
    bool unchanged = false;  // base is scenario_ (no other change, the base check's grid)
  };
  std::map<std::string, Group> groups;
  std::vector<std::string> order;  // group keys in order of their first candidate
  for (size_t c = 0; c < candidates.size(); ++c) {
    Scenario applied = scenario_;
    std::string key;
    for (const LeverChange& change : candidates[c]) {
      applied = ApplyLever(applied, k, change);
      if (change.lever != "relax") key += Describe(k, change) + "\n";
    }
    if (!ValidateScenario(applied).empty()) continue;
    const int grid_days = search_.VerifyGridDays(applied, k);
    key += "days " + std::to_string(grid_days);
    auto found = groups.find(key);
    if (found == groups.end()) {
      Scenario base = scenario_;
      bool unchanged = true;
      for (const LeverChange& change : candidates[c]) {
        if (change.lever == "relax") continue;
        base = ApplyLever(base, k, change);
        unchanged = false;
      }
      if (!ValidateScenario(base).empty() || search_.VerifyGridDays(base, k) != grid_days) {
        base = applied;
        unchanged = false;
      }
      found = groups.emplace(key, Group{std::move(base), {}, {}, unchanged}).first;
      order.push_back(key);
    }
    found->second.variants.push_back(applied.campaigns[static_cast<size_t>(k)].promises);
    found->second.candidate.push_back(c);
  }
  std::map<size_t, CheckResult> known_checks;  // by candidate
  for (const std::string& key : order) {
    const Group& group = groups.at(key);
    if (group.variants.size() < 2) continue;
    const auto base_check = base_checks_.find(k);
    const std::vector<PromiseResult>* known_messaging =
        group.unchanged && base_check != base_checks_.end() ? &base_check->second.messaging
                                                            : nullptr;
    std::vector<std::optional<CheckResult>> checks =
        search_.VerifyVariants(group.base, k, group.variants, known_messaging);
    for (size_t j = 0; j < checks.size(); ++j) {
      if (checks[j]) known_checks[group.candidate[j]] = std::move(*checks[j]);
    }
  }
  return known_checks;
}

std::vector<RecommendOption> Recommender::VerifyCandidates(int k,
                                                           const std::vector<Changes>& candidates) {
  // Candidates that differ only in promise levels share one check (ChecksByVariants), the
  // others have one check each.
  std::map<size_t, CheckResult> known_checks = ChecksByVariants(k, candidates);
  std::vector<RecommendOption> options;
  for (size_t c = 0; c < candidates.size(); ++c) {
    const Changes& changes = candidates[c];
    Progress("re-checking: " + Describe(k, changes.front()));
    auto known = known_checks.find(c);
    std::optional<RecommendOption> option =
        Verify(k, changes, known == known_checks.end() ? nullptr : &known->second);
    if (option) options.push_back(std::move(*option));
  }
  return options;
}

void Recommender::StepDownCaps(int k, std::vector<RecommendOption>* options) {
  const Campaign& campaign = scenario_.campaigns[static_cast<size_t>(k)];
  for (RecommendOption& option : *options) {
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
}

void Recommender::AddPairs(int k, std::vector<RecommendOption>* all) {
  std::vector<RecommendOption>& options = *all;
  const bool any_go =
      std::any_of(options.begin(), options.end(),
                  [](const RecommendOption& option) { return option.verdict == Verdict::kGo; });
  if (any_go || options.size() <= 1) return;
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
  auto touched = [](const Changes& changes) {
    std::vector<std::string> keys;
    for (const LeverChange& change : changes) {
      keys.push_back(change.promise ? "promise " + std::to_string(*change.promise)
                                    : change.lever + " " + change.resource);
    }
    return keys;
  };
  std::vector<size_t> order(options.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (options[a].verdict != options[b].verdict) return options[a].verdict < options[b].verdict;
    return options[a].reasons.size() < options[b].reasons.size();
  });
  // The pairs in the order they are tried; the first four whose check succeeds are kept.
  std::vector<std::vector<std::string>> tried;
  std::vector<Changes> candidates;
  std::vector<std::string> messages;
  const size_t pool = std::min<size_t>(order.size(), 5);
  for (size_t a = 0; a < pool; ++a) {
    for (size_t b = a + 1; b < pool; ++b) {
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
      candidates.push_back(std::move(both));
      messages.push_back("re-checking a combination: " + first.lever + " + " + second.lever);
    }
  }
  constexpr size_t kMostPairs = 4;
  // The pairs that will be checked when every check succeeds (a pair that makes the scenario
  // invalid is left out without one), those that differ only in promise levels from one check.
  std::vector<size_t> first_valid;  // candidate indices
  std::vector<Changes> first_valid_changes;
  for (size_t c = 0; c < candidates.size() && first_valid.size() < kMostPairs; ++c) {
    Scenario applied = scenario_;
    for (const LeverChange& change : candidates[c]) applied = ApplyLever(applied, k, change);
    if (!ValidateScenario(applied).empty()) continue;
    first_valid.push_back(c);
    first_valid_changes.push_back(candidates[c]);
  }
  std::map<size_t, CheckResult> known_checks;  // by candidate
  for (auto& [j, check] : ChecksByVariants(k, first_valid_changes))
    known_checks[first_valid[j]] = std::move(check);
  std::vector<RecommendOption> pairs;
  for (size_t c = 0; c < candidates.size() && pairs.size() < kMostPairs; ++c) {
    Progress(messages[c]);
    auto found = known_checks.find(c);
    std::optional<RecommendOption> option =
        Verify(k, candidates[c], found == known_checks.end() ? nullptr : &found->second);
    if (option) pairs.push_back(std::move(*option));
  }
  for (RecommendOption& option : pairs) options.push_back(std::move(option));
}

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
