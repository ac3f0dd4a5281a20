// Counter-proposals: for each campaign that is not `go`, concrete alternatives, each re-checked
// and priced (cli.md, "tandem recommend").
//
// Levers: cap (a limited quantity, allocated across offerings by an LP), relax (the strongest
// level of a promise that holds), reschedule (the earliest window of the same length that
// holds, or a stretched one), expand (the least booked extra capacity that holds), restrict
// (free returns only where they pay), reword (a claim operations declares). When no single
// lever reaches `go`, pairs are tried. An option's verdict and economics are those of a full
// check of the scenario with the option applied (same seed and scenarios), so applying the
// option and running `tandem check` gives exactly that verdict.
//
// Thread safety: Recommend may be called concurrently; it runs checks on its own threads.
#ifndef TANDEM_ADVISE_RECOMMEND_H_
#define TANDEM_ADVISE_RECOMMEND_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tandem/common/result.h"
#include "tandem/engine/check_result.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/model/scenario.h"

namespace tandem {

// One lever's change to one campaign. Only the fields of its lever are set.
struct LeverChange {
  std::string lever;  // "cap", "relax", "reschedule", "expand", "restrict", "reword"
  // cap
  std::optional<double> units;                              // total, for a single cap
  std::vector<std::pair<std::string, double>> by_offering;  // the LP's allocation
  // relax, restrict, reword: the promise (index in the campaign's promises)
  std::optional<int> promise;
  std::optional<Deadline> within;
  std::optional<double> share;
  std::optional<MinuteOfDay> cutoff;
  // reschedule (lift set when the window is stretched: the same total lift spread out)
  std::optional<DateRange> window;
  std::optional<double> lift;
  // expand
  std::string resource;
  std::optional<double> extra;
  std::optional<Date> from;
  std::optional<Date> until;
  std::optional<double> cost;  // expected extra fulfilment cost, money
  // restrict
  std::vector<std::string> offerings;
  std::optional<double> min_price;
  // reword
  std::string text;
  std::vector<std::string> requires_capabilities;
};

// The scenario with `change` applied to campaign `campaign` (cli.md: how each lever is
// written as scenario keys). REQUIRES: campaign < scenario.campaigns.size().
Scenario ApplyLever(const Scenario& scenario, int campaign, const LeverChange& change);

// A promise whose customer-facing wording an option changes (relax, reword, restrict).
struct WordingChange {
  int promise = 0;  // index in the campaign's promises
  std::string was;  // the promise as filed, in words
  std::string now;  // with the option applied
};

// An option against the campaign as filed (issue 13 item 6): each figure is the option's less
// the filed campaign's, from the two checks (same seed and scenarios), expected values.
struct OptionDelta {
  double net_after_spend = 0;          // expected incremental contribution after spend, money
  double incremental_units = 0;        // mean extra units sold
  double fulfilment_cost = 0;          // mean incremental route, return, side-load and booked cost
  double spend = 0;                    // money
  std::vector<WordingChange> wording;  // empty: every promise reads as filed
};

struct RecommendOption {
  std::string lever;                 // "cap", ..., or "cap+relax" for a combination
  std::vector<LeverChange> changes;  // one, or two for a combination
  std::string summary;               // one line a campaign owner understands
  Verdict verdict = Verdict::kNoGo;  // the campaign's verdict in the re-check
  std::vector<std::string> reasons;  // why it is not go, from the re-check
  Economics economics;               // from the re-check
  Scenario applied;                  // the scenario with the option applied
  // Whether every promise keeps its customer-facing wording (cap, expand, reschedule, restrict,
  // reword do; relax weakens one), and whether a relaxed time bound is beyond 3x the original
  // (that drops the promise rather than relaxing it).
  bool keeps_wording = true;
  bool drops_promise = false;
  OptionDelta against_filed;  // against the campaign's check as filed
};

// The scenario text `text` (the file `scenario` was read from) with `option` of campaign
// `campaign` applied in place: only the keys the option changes are written (cli.md, how each
// lever is written), comments and everything else kept byte for byte. The result reads back to
// `option.applied`. Errors (kInvalidInput) when the text cannot be edited so (e.g. a value
// written as a block scalar); the caller may then write WriteScenarioYaml(option.applied).
// REQUIRES: campaign < scenario.campaigns.size(), option from Recommend on `scenario`.
Result<std::string> ApplyOptionToText(const std::string& text, const Scenario& scenario,
                                      int campaign, const RecommendOption& option,
                                      const FileLoader& load_file);

// Why a campaign loses money and where it would break even (issue 13 item 3), at the planned
// lift, from the check's economics and the engine's expected window demand (cli.md's
// contribution: docs/advise.md, "A campaign that loses money", has the formulas).
struct LossExplanation {
  double baseline_units = 0;  // expected window sales of its offerings without its lift
  double extra_units = 0;     // expected extra units at the planned lift
  // Expected contributions, money (negative: a loss).
  double extra_margin = 0;       // extra units x (price x (1 - discount) - unit cost)
  double extra_fulfilment = 0;   // -(extra units x route cost)
  double extra_returns = 0;      // -(extra units x rate x (discounted margin + return cost))
  double baseline_discount = 0;  // -(baseline units x price x discount x (1 - rate))
  double baseline_returns = 0;   // -(baseline units x (rate - base rate) x (margin + cost))
  double spend = 0;              // -spend
  double other = 0;         // the check's net less the above: capacity, stock, side loads, timing
  double expected_net = 0;  // the check's: mean incremental contribution - spend
  std::string largest;      // the largest loss: "baseline_discount", "extra_fulfilment",
                            // "extra_returns", "baseline_returns" or "spend"
  double planned_discount = 0;
  double planned_lift = 0;
  // Each with everything else as filed; none when no such value makes it pay.
  std::optional<double> break_even_discount;  // the largest discount that breaks even
  double break_even_spend = 0;                // = mean incremental contribution
  std::optional<double> break_even_lift;      // the least lift that breaks even
  std::string text;                           // the reason, in sentences
};

// REQUIRES: k < scenario.campaigns.size() (campaign k); `base` is its check.
LossExplanation ExplainLoss(const Scenario& scenario, int k, const CampaignResult& base);

struct CampaignRecommendation {
  std::string id;
  std::string name;
  Verdict verdict = Verdict::kGo;  // before any change
  std::vector<std::string> reasons;
  Economics economics;  // as filed (the check the options are measured against)
  // Best first: options that drop a promise last; then by verdict; options that keep every
  // promise's wording before those that weaken one; then expected net contribution.
  std::vector<RecommendOption> options;
  std::vector<std::string> notes;       // levers that cannot help and why; the nearest miss
  std::optional<LossExplanation> loss;  // when its expected net after spend is negative
};

struct Recommendations {
  std::vector<CampaignRecommendation> campaigns;  // only campaigns that are not go
  int checks_run = 0;  // checks, searches included (each campaign's check as it is counts one)
};

struct RecommendOptions {
  std::optional<std::string> campaign;  // only this campaign
  std::optional<int64_t> scenarios;     // overrides simulation.scenarios
  std::optional<uint64_t> seed;
  int threads = 0;
  // Scenarios used while searching (verification always uses the full count); 0 = automatic.
  int64_t search_scenarios = 0;
  std::function<void(const std::string&)> progress;  // stage messages, may be empty
};

// REQUIRES: the scenario validated. Errors: kInvalidInput for an unknown campaign.
Result<Recommendations> Recommend(const Scenario& scenario, const RecommendOptions& options);

}  // namespace tandem

#endif  // TANDEM_ADVISE_RECOMMEND_H_
