// Capacity probes (tandem/engine/evaluate.h, EvaluateProbe): a check of one campaign that
// measures only the promises a probe reads and stops as soon as what it needs of them cannot be
// met; and EvaluateExtras, a check that measures only extra promises.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "engine/check_runner.h"

namespace tandem::engine {

bool CheckRunner::ProbeMeasures(int promise) const {
  if (extras_only_) return false;
  if (!probe_) return true;
  return std::any_of(watches_.begin(), watches_.end(),
                     [&](const Watch& watch) { return watch.promise == promise; });
}

bool CheckRunner::CountsFor(size_t watch, float achieved) const {
  const Watch& need = watched_[watch];
  switch (need.need) {
    case Watch::Need::kKept:
      return KeptIn(specs_[static_cast<size_t>(watched_specs_[watch])], achieved);
    case Watch::Need::kMedianAtLeast:
      return static_cast<double>(achieved) < need.median_at_least;
    case Watch::Need::kNone:
      break;
  }
  return false;
}

// Kept: the scenarios kept so far and all those not yet counted fall short of the confidence.
// Median: Summarise's p50 of n sorted values v is v[(n - 1) / 2] for n odd and v[n/2 - 1] / 2 +
// v[n/2] / 2 for n even, at most v[n / 2] (rounded to nearest, a sum of two halves is at most
// the larger, which is representable); so once n / 2 + 1 scenarios (integer division: (n + 1) / 2
// for n odd) achieved less than T, the median is less than T whatever the others achieve. Fewer
// cannot decide it (n even: n / 2 below T leave it to the half-way value; DecideWatches does).
bool CheckRunner::CannotMeet(size_t watch, int64_t counted, int64_t remaining) const {
  switch (watched_[watch].need) {
    case Watch::Need::kKept:
      return !KeptAtConfidence(counted + remaining);
    case Watch::Need::kMedianAtLeast:
      return counted >= scenarios_ / 2 + 1;
    case Watch::Need::kNone:
      break;
  }
  return false;
}

void CheckRunner::DecideWatches() {
  bool unmet = false;
  for (size_t i = 0; i < watched_specs_.size(); ++i) {
    const size_t spec = static_cast<size_t>(watched_specs_[i]);
    double p_kept = 0;
    if (watched_[i].need == Watch::Need::kKept) {
      unmet = unmet || StatusOf(spec, &p_kept) != PromiseStatus::kKept;
    } else if (watched_[i].need == Watch::Need::kMedianAtLeast) {
      unmet = unmet ||
              Summarise(columns_->Get(achieved_column_[spec])).p50 < watched_[i].median_at_least;
    }
  }
  MutexLock lock(&stop_mutex_);
  stopped_ = stopped_ || unmet;
}

std::vector<PromiseResult> CheckRunner::WatchedResults() {
  stories_.assign(specs_.size(), {});  // no explanation
  std::vector<PromiseResult> results;
  for (int spec : watched_specs_) {
    PromiseResult result = SummariseTimedPromise(static_cast<size_t>(spec));
    result.binding.clear();
    result.explanation.clear();
    result.detail.reset();
    results.push_back(std::move(result));
  }
  return results;
}

Result<std::optional<std::vector<PromiseResult>>> EvaluateProbe(const Scenario& scenario,
                                                                const CheckOptions& options,
                                                                const std::vector<Watch>& watches,
                                                                DemandCache* demand_cache) {
  if (!options.campaign) return Error::InvalidInput("a capacity probe names its campaign");
  if (std::optional<Error> problem = StartProblem(scenario, options)) return *problem;
  if (std::optional<Error> problem = CampaignProblem(scenario, options)) return *problem;
  const Campaign& campaign = *scenario.FindCampaign(*options.campaign);
  for (const Watch& watch : watches) {
    const bool measured = watch.promise >= 0 &&
                          static_cast<size_t>(watch.promise) < campaign.promises.size() &&
                          campaign.promises[static_cast<size_t>(watch.promise)].IsMeasuredOnRuns();
    if (!measured) {
      return Error::InvalidInput("a capacity probe watches a measured promise of campaign " +
                                 *options.campaign);
    }
  }
  using Probe = std::optional<std::vector<PromiseResult>>;
  return Guarded<Probe>([&]() -> Result<Probe> {
    EvaluateOptions evaluate;
    evaluate.economics = false;
    evaluate.demand_cache = demand_cache;
    CheckRunner runner(scenario, options, evaluate);
    runner.WatchPromises(watches);
    Result<CheckResult> result = runner.Run();
    if (!result.ok()) return result.error();
    if (runner.stopped()) return Probe();
    return Probe(runner.WatchedResults());
  });
}

// Extras only: the run with every campaign, measured for the extra promises alone (BuildSpecs
// builds no other spec, Run reports no campaign and stops after the simulation). Each spec is
// measured on its own from the same runs, so their columns are Evaluate's.
Result<std::vector<ExtraResult>> EvaluateExtras(const Scenario& scenario,
                                                const CheckOptions& options,
                                                const std::vector<ExtraPromise>& extras) {
  if (std::optional<Error> problem = StartProblem(scenario, options)) return *problem;
  using Results = std::vector<ExtraResult>;
  return Guarded<Results>([&]() -> Result<Results> {
    EvaluateOptions evaluate;
    evaluate.economics = false;
    evaluate.extra = extras;
    CheckRunner runner(scenario, options, evaluate);
    runner.MeasureOnlyExtras();
    Result<CheckResult> result = runner.Run();
    if (!result.ok()) return result.error();
    Results results;
    runner.ExtraResults(&results);
    return results;
  });
}

}  // namespace tandem::engine
