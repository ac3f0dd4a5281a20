// Evaluations for searches (recommend, opportunities): the check of a scenario with extra
// promise variants measured in the same simulation, and optionally without the "without the
// campaign" runs when only promises and implicit checks matter. The engine's public API for
// searches over re-checks (tandem_advise uses it; nothing outside src/engine includes the
// engine's private headers). Thread safety: as RunCheck (tandem/engine/check.h).
#ifndef TANDEM_ENGINE_EVALUATE_H_
#define TANDEM_ENGINE_EVALUATE_H_

#include <optional>
#include <vector>

#include "tandem/engine/check.h"
#include "tandem/engine/demand_cache.h"

namespace tandem::engine {

// A promise to measure besides the scenario's own: a variant of a campaign's or a standing
// promise (another bound, share, cut-off or period).
struct ExtraPromise {
  int campaign = -1;  // scope: that campaign's offerings and window; -1: standing
  Promise promise;
  std::optional<Date> from;  // only orders from this date on
};

struct ExtraResult {
  double p_kept = 0;  // at the promise's share
  Percentiles achieved;
  std::vector<float> achieved_by_scenario;
};

struct EvaluateOptions {
  // Run the "without" runs: incremental economics and throughput without each campaign.
  bool economics = true;
  std::vector<ExtraPromise> extra;
  // The standing promises' statuses without the one reported campaign (CheckOptions::campaign),
  // when the caller knows them (a search trying levers on that campaign: the scenario without it
  // is the same for every lever); otherwise computed when needed (economics on, or a standing
  // promise not kept).
  std::optional<std::vector<StandingStatus>> standing_without;
  // Internal: the run that gives those statuses (campaign `exclude_campaign` left out, no
  // campaign reported).
  int exclude_campaign = -1;
  bool report_campaigns = true;
  // Other versions of the reported campaign's (CheckOptions::campaign, REQUIRES: set) promise
  // list, each as long as its own, that simulate as its own do: other bounds, shares or
  // cut-offs of its time and availability promises, no change to its claims and free returns,
  // and the same GridDays as the scenario (a longer bound can lengthen the tail). Promises do
  // not change demand or capacity, so one simulation measures them all; per variant, Evaluate's
  // `variant_results` receives the check of the scenario with those promises, as Evaluate of
  // that scenario gives it.
  std::vector<std::vector<Promise>> promise_variants;
  // The standing promises' results (CheckResult::messaging) when the caller already has them
  // (not owned; outlives Evaluate). REQUIRES: they come from a check of the same scenario (its
  // standing promises, offerings, resources and every campaign's demand and bookings: only the
  // reported campaign's promise levels may differ, which no run reads), the same options
  // (seed, scenarios, mode, start) and the same grid (GridDays). Such a check simulates exactly
  // these runs, so the standing promises' results are these bit for bit: the check then neither
  // measures nor explains them, copies them into its result (and each variant's), and reads
  // their statuses for its verdict and the campaign's standing impact (AnswerForStanding).
  // Ignored unless it holds one result per standing promise.
  const std::vector<PromiseResult>* known_messaging = nullptr;
  // Draws kept from check to check (not owned; outlives Evaluate; may be null), of the kind
  // `demand_cache_kind` (tandem/engine/demand_cache.h): read where the check's inputs of them
  // equal those it holds, filled otherwise. Used only by a fluid check, neither blocks nor a
  // merge, and for kRunDemand only without economics (whose runs read no draws after that demand
  // is built); ignored otherwise. The same results with or without it.
  DemandCache* demand_cache = nullptr;
  DemandCache::Kind demand_cache_kind = DemandCache::Kind::kRunDemand;
};

// A search's feasibility trial of the campaign `options.campaign` names (REQUIRES: set), without
// economics. Stops simulating as soon as one of the campaign's measured promises cannot be kept
// whatever the remaining scenarios give (scenarios kept so far plus all not yet simulated fall
// short of the confidence: an exact bound, so the full check would not keep it either) and
// returns nullopt: the campaign does not hold. Otherwise the campaign's result of the full
// check, as Evaluate gives it. Deterministic answer for any thread count (only where it stops
// depends on the threads).
// `standing_without`: as EvaluateOptions::standing_without. `base_draws` (not owned, may be
// null): as EvaluateOptions::demand_cache of kind kBaseDraws (a search's trials differ in one
// campaign's levers, not in the offerings' draws); the same answer.
Result<std::optional<CampaignResult>> EvaluateFeasibility(
    const Scenario& scenario, const CheckOptions& options,
    const std::optional<std::vector<StandingStatus>>& standing_without = std::nullopt,
    DemandCache* base_draws = nullptr);

// What a capacity probe (EvaluateProbe) reads of one of its campaign's promises, and what it
// needs of it.
struct Watch {
  int promise = 0;  // index among the campaign's promises: a time or availability promise
  enum class Need {
    kNone,           // only measured
    kKept,           // kept at the confidence (PromiseResult::status kKept)
    kMedianAtLeast,  // its achieved share's median (Percentiles::p50) at least `median_at_least`
  };
  Need need = Need::kNone;
  double median_at_least = 0;
};

// A capacity probe of the campaign `options.campaign` names (REQUIRES: set), without economics:
// measures only the watched promises (not the standing promises, not the campaign's other
// promises or the other campaigns'; no binding resource, explanation or implicit check), and
// stops simulating as soon as one watch's need cannot be met whatever the scenarios not yet
// simulated give: kKept, once the scenarios kept so far plus those not yet simulated fall short
// of the confidence; kMedianAtLeast(T), once more than half of all the scenarios (n / 2 + 1 of
// n, n odd or even) have achieved less than T, which makes the median less than T whatever the
// others achieve. Returns nullopt exactly when some watch's need is not met by the full check
// (then also after the last scenario: a median computed from all of them, a half-way value for
// n even), whatever the thread count (only where it stops depends on the threads); otherwise,
// per watch in order, the promise's result as the full check gives it (status, p_kept,
// achieved, target, text), without binding, explanation or detail.
// `demand_cache` (not owned, may be null): as EvaluateOptions::demand_cache; the same results.
Result<std::optional<std::vector<PromiseResult>>> EvaluateProbe(
    const Scenario& scenario, const CheckOptions& options, const std::vector<Watch>& watches,
    DemandCache* demand_cache = nullptr);

// The extra promises of `extras` alone, measured as Evaluate with EvaluateOptions::extra (and
// economics off) measures them: the same scenarios, seed and grid, so `results` (one per extra,
// in order) are bit for bit Evaluate's `extra_results`. Nothing else is measured (not the
// standing promises, not the campaigns' own; no late units attributed, no explanation, no
// summary). Errors as Evaluate's (a campaign that is not in the scenario, a bad start state).
Result<std::vector<ExtraResult>> EvaluateExtras(const Scenario& scenario,
                                                const CheckOptions& options,
                                                const std::vector<ExtraPromise>& extras);

// The number of days (horizon and tail) a check of `scenario` simulates. Two scenarios that
// differ only in one campaign simulate the same run without that campaign when their grids
// agree (the tail follows every promise's deadline, so relaxing a bound can lengthen it).
int GridDays(const Scenario& scenario, const CheckOptions& options);

// Like RunCheck; `extra_results` (when not null) receives one result per extra promise, and
// `variant_results` one check per promise variant (EvaluateOptions::promise_variants).
Result<CheckResult> Evaluate(const Scenario& scenario, const CheckOptions& options,
                             const EvaluateOptions& evaluate,
                             std::vector<ExtraResult>* extra_results,
                             std::vector<CheckResult>* variant_results = nullptr);

}  // namespace tandem::engine

#endif  // TANDEM_ENGINE_EVALUATE_H_
