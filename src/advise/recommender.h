// The counter-proposal search behind Recommend (recommend.h): for each campaign that is not go,
// candidate changes from each lever (levers.cc), each verified by a full check, combined in
// pairs when none alone reaches go, and ranked (recommender.cc). Private to tandem_advise.
#ifndef TANDEM_SRC_ADVISE_RECOMMENDER_H_
#define TANDEM_SRC_ADVISE_RECOMMENDER_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "advise/search.h"
#include "tandem/advise/recommend.h"

namespace tandem::advise {

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
  // The campaigns asked for (--campaign's, or all), in the scenario's order.
  Result<std::vector<int>> Targets() const;
  // The counter-proposals for campaign k, which is not go as it is (`base`, its full check).
  CampaignRecommendation RecommendFor(int k, const CampaignResult& base);
  // Each candidate verified by a full check and described, in order (left out: those that make
  // the scenario invalid or whose check fails).
  std::vector<RecommendOption> VerifyCandidates(int k, const std::vector<Changes>& candidates);
  // The checks of candidates that share one simulation, by candidate index: those whose changes
  // other than relaxes are the same and that simulate the same days, two or more, each valid
  // (Search::VerifyVariants answers them as Verify would). The others are absent.
  std::map<size_t, CheckResult> ChecksByVariants(int k, const std::vector<Changes>& candidates);
  // A cap found with fewer scenarios may just miss with all of them: step down until it holds.
  void StepDownCaps(int k, std::vector<RecommendOption>* options);
  // When no single option reaches go: pairs of options that change different things, the
  // closest first, appended.
  void AddPairs(int k, std::vector<RecommendOption>* all);

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

}  // namespace tandem::advise

#endif  // TANDEM_SRC_ADVISE_RECOMMENDER_H_
