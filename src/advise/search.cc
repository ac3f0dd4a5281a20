#include "advise/search.h"

#include <algorithm>

#include "tandem/common/cpu_counter.h"

namespace tandem::advise {

Holding HoldingOf(const CampaignResult& campaign) {
  Holding holding;
  for (const PromiseResult& promise : campaign.promises)
    holding.failing += promise.status == PromiseStatus::kKept ? 0 : 1;
  holding.failing += static_cast<int>(campaign.standing.size());  // standing promises endangered
  for (const SpaceCheck& check : campaign.space) holding.failing += check.broken ? 1 : 0;
  for (const BudgetCheck& check : campaign.budget) holding.failing += check.broken ? 1 : 0;
  if (campaign.launch && campaign.launch->broken) holding.failing += 1;
  holding.holds = holding.failing == 0;
  return holding;
}

Search::Search(std::optional<int64_t> scenarios, std::optional<uint64_t> seed, int threads,
               int64_t search_scenarios, int min_tail_days)
    : scenarios_(scenarios),
      seed_(seed),
      threads_(threads),
      search_scenarios_(search_scenarios),
      min_tail_days_(min_tail_days) {}

CheckOptions Search::Options(const Scenario& scenario, int k, bool full) const {
  CheckOptions options;
  options.seed = seed_;
  options.threads = threads_;
  options.campaign = scenario.campaigns[static_cast<size_t>(k)].id;
  options.min_tail_days = min_tail_days_;
  const int64_t all = scenarios_ ? *scenarios_ : scenario.simulation.scenarios;
  options.scenarios = full ? all : std::min(all, search_scenarios_);
  return options;
}

CheckOptions Search::VerifyOptions(const Scenario& scenario, int k) const {
  CheckOptions options = Options(scenario, k, true);
  options.min_tail_days = 0;  // exactly what `tandem check --campaign` runs
  return options;
}

void Search::SetStandingWithout(const Scenario& scenario, int k,
                                std::vector<StandingStatus> statuses) {
  standing_without_[k] = {std::move(statuses),
                          engine::GridDays(scenario, VerifyOptions(scenario, k))};
}

std::optional<std::vector<StandingStatus>> Search::StandingWithout(int k) const {
  auto found = standing_without_.find(k);
  if (found == standing_without_.end()) return std::nullopt;
  return found->second.statuses;
}

std::optional<std::vector<PromiseResult>> Search::Feasibility(
    const Scenario& scenario, int k, const std::vector<engine::Watch>& watches) {
  const cpu::Calls calls(cpu::Call::kFeasibility);
  ++checks_run_;
  Result<std::optional<std::vector<PromiseResult>>> probe =
      engine::EvaluateProbe(scenario, Options(scenario, k, false), watches, &demand_cache_);
  if (!probe.ok()) return std::nullopt;
  return std::move(probe.value());
}

bool Search::Holds(const Scenario& scenario, int k) {
  const cpu::Calls calls(cpu::Call::kHolds);
  ++checks_run_;
  Result<std::optional<CampaignResult>> trial = engine::EvaluateFeasibility(
      scenario, Options(scenario, k, false), StandingWithout(k), &demand_cache_);
  return trial.ok() && trial.value() && HoldingOf(*trial.value()).holds;
}

bool Search::Measure(const Scenario& scenario, int k,
                     const std::vector<engine::ExtraPromise>& extras, bool full,
                     std::vector<engine::ExtraResult>* results) {
  const cpu::Calls calls(cpu::Call::kMeasure);
  ++checks_run_;
  Result<std::vector<engine::ExtraResult>> measured =
      engine::EvaluateExtras(scenario, Options(scenario, k, full), extras);
  if (!measured.ok()) return false;
  *results = std::move(measured.value());
  return true;
}

std::optional<CheckResult> Search::Verify(const Scenario& scenario, int k) {
  const cpu::Calls calls(cpu::Call::kVerify);
  ++checks_run_;
  const CheckOptions options = VerifyOptions(scenario, k);
  // RunCheck's evaluation, with the statuses without campaign k known when the run without it
  // is the one they were measured on (same grid): the same figures, one simulation fewer.
  engine::EvaluateOptions evaluate;
  auto known = standing_without_.find(k);
  if (known != standing_without_.end() &&
      known->second.grid_days == engine::GridDays(scenario, options))
    evaluate.standing_without = known->second.statuses;
  Result<CheckResult> result = engine::Evaluate(scenario, options, evaluate, nullptr);
  if (!result.ok() || result.value().campaigns.empty()) return std::nullopt;
  return result.value();
}

namespace {

// Whether `variant` is `promises` with other bounds, shares or cut-offs of time and availability
// promises only (the relax lever's changes).
bool OnlyLevelsDiffer(const std::vector<Promise>& promises, const std::vector<Promise>& variant) {
  if (variant.size() != promises.size()) return false;
  for (size_t i = 0; i < promises.size(); ++i) {
    const Promise& original = promises[i];
    Promise levelled = variant[i];  // with the original's levels
    if (original.IsTimePromise() || original.type == PromiseType::kAvailability) {
      levelled.within = original.within;
      levelled.share = original.share;
      levelled.cutoff = original.cutoff;
    }
    if (levelled.type != original.type || levelled.within != original.within ||
        levelled.cutoff != original.cutoff || levelled.share != original.share ||
        levelled.resource != original.resource || levelled.offerings != original.offerings ||
        levelled.return_rate != original.return_rate || levelled.cost != original.cost ||
        levelled.text != original.text ||
        levelled.requires_capabilities != original.requires_capabilities)
      return false;
  }
  return true;
}

}  // namespace

std::vector<std::optional<CheckResult>> Search::VerifyVariants(
    const Scenario& scenario, int k, const std::vector<std::vector<Promise>>& variants,
    const std::vector<PromiseResult>* known_messaging) {
  std::vector<std::optional<CheckResult>> checks(variants.size());
  const CheckOptions options = VerifyOptions(scenario, k);
  const int grid_days = engine::GridDays(scenario, options);
  const std::vector<Promise>& own = scenario.campaigns[static_cast<size_t>(k)].promises;
  engine::EvaluateOptions evaluate;
  evaluate.known_messaging = known_messaging;
  std::vector<size_t> answered;
  Scenario applied = scenario;
  for (size_t i = 0; i < variants.size(); ++i) {
    if (!OnlyLevelsDiffer(own, variants[i])) continue;
    applied.campaigns[static_cast<size_t>(k)].promises = variants[i];
    if (engine::GridDays(applied, options) != grid_days) continue;
    answered.push_back(i);
    evaluate.promise_variants.push_back(variants[i]);
  }
  if (answered.empty()) return checks;
  const cpu::Calls calls(cpu::Call::kVariants);
  checks_run_ += static_cast<int>(answered.size());
  // As Verify: the statuses without campaign k are known when measured on this grid.
  auto known = standing_without_.find(k);
  if (known != standing_without_.end() && known->second.grid_days == grid_days)
    evaluate.standing_without = known->second.statuses;
  std::vector<CheckResult> results;
  Result<CheckResult> check = engine::Evaluate(scenario, options, evaluate, nullptr, &results);
  if (!check.ok() || results.size() != answered.size()) {
    checks_run_ -= static_cast<int>(answered.size());
    return std::vector<std::optional<CheckResult>>(variants.size());
  }
  for (size_t j = 0; j < answered.size(); ++j) {
    if (!results[j].campaigns.empty()) checks[answered[j]] = std::move(results[j]);
  }
  return checks;
}

std::vector<std::optional<CheckResult>> Search::VerifyEach(const Scenario& scenario,
                                                           const std::vector<int>& campaigns) {
  std::vector<std::optional<CheckResult>> checks;
  if (campaigns.size() < 2) {
    for (int k : campaigns) checks.push_back(Verify(scenario, k));
    return checks;
  }
  const cpu::Calls calls(cpu::Call::kVerifyEach);
  checks_run_ += static_cast<int>(campaigns.size());
  CheckOptions options = VerifyOptions(scenario, campaigns.front());
  options.campaign.reset();  // report every campaign; each is then reported as --campaign does
  Result<CheckResult> result = RunCheck(scenario, options);
  if (!result.ok()) return std::vector<std::optional<CheckResult>>(campaigns.size());
  std::vector<CampaignResult> reported = std::move(result.value().campaigns);
  result.value().campaigns.clear();
  for (int k : campaigns) {
    if (static_cast<size_t>(k) >= reported.size()) {
      checks.emplace_back();
      continue;
    }
    CheckResult check = result.value();  // everything but the campaigns
    check.campaigns.push_back(reported[static_cast<size_t>(k)]);
    // The check's verdict as `--campaign` gives it: this campaign's and the standing promises'.
    check.verdict = check.campaigns.front().verdict;
    for (const PromiseResult& promise : check.messaging)
      check.verdict = Worse(check.verdict, VerdictFor(promise.status));
    checks.push_back(std::move(check));
  }
  return checks;
}

}  // namespace tandem::advise
