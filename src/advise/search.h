// Evaluations for the advise searches, counted: feasibility of a campaign in a candidate
// scenario (promises kept and implicit checks holding, no economics, fewer scenarios),
// measurements of promise variants, and full verification checks. Private to tandem_advise.
#ifndef TANDEM_SRC_ADVISE_SEARCH_H_
#define TANDEM_SRC_ADVISE_SEARCH_H_

#include <map>
#include <optional>
#include <vector>

#include "tandem/advise/recommend.h"
#include "tandem/engine/evaluate.h"

namespace tandem::advise {

// A campaign holds when every promise is kept and no implicit check is broken (economics
// aside). `failing` counts what does not hold, for "nearest miss".
struct Holding {
  bool holds = false;
  int failing = 0;
};
Holding HoldingOf(const CampaignResult& campaign);

class Search {
 public:
  // `scenarios` and `seed` as the user asked; searches use `search_scenarios` of them.
  Search(std::optional<int64_t> scenarios, std::optional<uint64_t> seed, int threads,
         int64_t search_scenarios, int min_tail_days);

  // A capacity probe of campaign k in `scenario` with the search's scenario count
  // (engine::EvaluateProbe): per watch, its promise's result; nullopt when the need of one of
  // them is not met (the trial then stops as soon as that is certain) or the check fails.
  std::optional<std::vector<PromiseResult>> Feasibility(const Scenario& scenario, int k,
                                                        const std::vector<engine::Watch>& watches);
  // Whether campaign k holds there: HoldingOf(Feasibility(...)).holds, but the trial stops as
  // soon as one of its promises cannot be kept (engine::EvaluateFeasibility; the same answer).
  bool Holds(const Scenario& scenario, int k);
  // Measures promise variants in `scenario` (all scenarios when `full`), and nothing else
  // (engine::EvaluateExtras: the same results as a check measuring them besides its own).
  bool Measure(const Scenario& scenario, int k, const std::vector<engine::ExtraPromise>& extras,
               bool full, std::vector<engine::ExtraResult>* results);
  // The full check of campaign k, as `tandem check --campaign` gives it.
  std::optional<CheckResult> Verify(const Scenario& scenario, int k);
  // Verify(scenario, k) for each k of `campaigns` (in that order), from one check of the
  // scenario when there are several: a check simulates every campaign whichever it reports, and
  // reports each campaign as `--campaign` does (same runs, same figures), so one simulation
  // with all of them and their "without" runs replaces one per campaign. Counted as one check
  // per campaign, as before.
  std::vector<std::optional<CheckResult>> VerifyEach(const Scenario& scenario,
                                                     const std::vector<int>& campaigns);
  // Verify of `scenario` with campaign k's promises replaced by each list of `variants`, for
  // those that differ from its own only in the bounds, shares or cut-offs of time and
  // availability promises (the relax lever's changes) and simulate the same days (GridDays):
  // all from one check of `scenario` (EvaluateOptions::promise_variants), as promises do not
  // change what is simulated. Nullopt for the others, which the caller verifies on their own.
  // Counted as one check per variant answered, as Verify counts them.
  // `known_messaging` (not owned, may be null): the standing promises' results of Verify of
  // `scenario` (or VerifyEach's), which the check then copies instead of measuring them
  // (engine::EvaluateOptions::known_messaging). REQUIRES: from a check of this very scenario
  // (campaign k's promise levels aside) with Verify's options and grid.
  std::vector<std::optional<CheckResult>> VerifyVariants(
      const Scenario& scenario, int k, const std::vector<std::vector<Promise>>& variants,
      const std::vector<PromiseResult>* known_messaging = nullptr);

  // The days (horizon and tail) Verify simulates for campaign k in `scenario` (engine::GridDays):
  // VerifyVariants answers only the variants whose grid is the scenario's.
  int VerifyGridDays(const Scenario& scenario, int k) const {
    return engine::GridDays(scenario, VerifyOptions(scenario, k));
  }

  int checks_run() const { return checks_run_; }
  // The standing promises' statuses without campaign k (from its full check in `scenario`):
  // every lever changes only campaign k, so the run without it is the same for every trial,
  // which then reuses them. Verify reuses them too where the applied scenario's grid has the
  // same days (engine::GridDays): a full check then skips its own run without campaign k.
  void SetStandingWithout(const Scenario& scenario, int k, std::vector<StandingStatus> statuses);

 private:
  CheckOptions Options(const Scenario& scenario, int k, bool full) const;
  CheckOptions VerifyOptions(const Scenario& scenario, int k) const;
  std::optional<std::vector<StandingStatus>> StandingWithout(int k) const;
  struct StandingWithoutRun {
    std::vector<StandingStatus> statuses;
    int grid_days = 0;  // GridDays of Verify's options on the scenario they were measured on
  };
  std::map<int, StandingWithoutRun> standing_without_;  // by campaign index

  std::optional<int64_t> scenarios_;
  std::optional<uint64_t> seed_;
  int threads_ = 0;
  int64_t search_scenarios_ = 200;
  int min_tail_days_ = 0;
  int checks_run_ = 0;
  // The capacity probes' demand (Feasibility): the probes of one need differ in a resource's
  // capacity, a booking and `today`, none of which changes demand, so all but the first read it
  // here (engine::DemandCache: keyed on every input of demand, at most its budget of memory).
  // The feasibility trials (Holds) differ in campaign k's levers, which change demand but not
  // the offerings' draws: they read those here (the cache's base draws, keyed on the offerings').
  engine::DemandCache demand_cache_;
};

}  // namespace tandem::advise

#endif  // TANDEM_SRC_ADVISE_SEARCH_H_
