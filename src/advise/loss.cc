// A campaign that loses money: where the loss comes from and where it would break even
// (tandem/advise/recommend.h, LossExplanation; docs/advise.md has the formulas).
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "tandem/advise/recommend.h"
#include "tandem/common/format.h"
#include "tandem/engine/window_demand.h"

namespace tandem {

namespace {

// Expected window units per offering of campaign k with its lift set to `lift` (the engine's
// expectation: baseline x (1 + lift x profile), every other campaign in place).
std::vector<std::pair<std::string, double>> WindowUnits(const Scenario& scenario, int k,
                                                        double lift) {
  Scenario copy = scenario;
  Campaign& campaign = copy.campaigns[static_cast<size_t>(k)];
  campaign.lift.expected = lift;
  campaign.lift.low = lift;
  campaign.lift.high = lift;
  return ExpectedWindowDemand(copy, k);
}

// The components a loss can come from, in one list (the margin on the extra units is the gain
// they are set against, `other` the rest): the key `loss.largest` names, the amount, the words.
struct LossSource {
  const char* key;
  double LossExplanation::*amount;
  std::string (*words)(const LossExplanation& loss);
};
const LossSource kSources[] = {
    {"baseline_discount", &LossExplanation::baseline_discount,
     [](const LossExplanation& loss) {
       return "the discount on the " + FormatCount(loss.baseline_units) +
              " units that would sell anyway";
     }},
    {"extra_fulfilment", &LossExplanation::extra_fulfilment,
     [](const LossExplanation& loss) {
       return "fulfilment of the " + FormatCount(loss.extra_units) + " extra units";
     }},
    {"extra_returns", &LossExplanation::extra_returns,
     [](const LossExplanation&) { return std::string("returns of the extra units"); }},
    {"baseline_returns", &LossExplanation::baseline_returns,
     [](const LossExplanation&) {
       return std::string("the higher return rate on the units that would sell anyway");
     }},
    {"spend", &LossExplanation::spend,
     [](const LossExplanation&) { return std::string("the spend"); }},
};

std::string Describe(const LossExplanation& loss, const std::string& currency) {
  auto money = [&](double value) { return FormatMoney(value, currency); };
  std::string text = "It loses " + money(-loss.expected_net) + " after spend. Where it goes (" +
                     "expected, at the planned lift): ";
  std::vector<std::pair<double, std::string>> parts;
  for (const LossSource& source : kSources)
    parts.emplace_back(loss.*source.amount, source.words(loss));
  std::stable_sort(parts.begin(), parts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string listed;
  for (const auto& [amount, what] : parts) {
    if (amount > -0.5) continue;
    listed += (listed.empty() ? "" : ", ") + what + " " + money(amount);
  }
  text += listed + "; against " + money(loss.extra_margin) + " of margin on the extra units";
  if (std::fabs(loss.other) >= 0.005 * std::max(1.0, std::fabs(loss.expected_net)) &&
      std::fabs(loss.other) >= 1) {
    text += " and " + money(loss.other) + " from capacity, stock, side loads and timing";
  }
  text += ".";
  text += " Break-even, everything else as filed: ";
  if (loss.break_even_discount) {
    text += "a discount of " + FormatPercent(*loss.break_even_discount) + " (filed " +
            FormatPercent(loss.planned_discount) + ")";
  } else {
    text += "no discount (it loses even at list price)";
  }
  if (loss.break_even_spend > 0) {
    text += "; a spend of " + money(loss.break_even_spend) + " (filed " + money(-loss.spend) + ")";
  } else {
    text += "; no spend (it loses " + money(-loss.break_even_spend) + " before any spend)";
  }
  if (loss.break_even_lift) {
    char lift[32];
    std::snprintf(lift, sizeof(lift), "%.2f", *loss.break_even_lift);
    char planned[32];
    std::snprintf(planned, sizeof(planned), "%.2f", loss.planned_lift);
    text += std::string("; a lift of ") + lift + " (planned " + planned + ").";
  } else {
    text += "; no lift (every extra unit loses money after returns).";
  }
  return text;
}

}  // namespace

LossExplanation ExplainLoss(const Scenario& scenario, int k, const CampaignResult& base) {
  const Campaign& campaign = scenario.campaigns[static_cast<size_t>(k)];
  LossExplanation loss;
  loss.planned_discount = campaign.discount;
  loss.planned_lift = campaign.lift.expected;
  loss.spend = -campaign.spend;
  loss.expected_net = base.economics.expected_incremental_after_spend;
  loss.break_even_spend = base.economics.incremental_contribution.mean;
  const auto baseline = WindowUnits(scenario, k, 0.0);
  const auto per_lift = WindowUnits(scenario, k, 1.0);  // demand is linear in the lift
  double discount_slope = 0;                            // d(net)/d(discount)
  double lift_slope = 0;                                // d(net)/d(lift)
  const double d = campaign.discount;
  for (size_t i = 0; i < baseline.size(); ++i) {
    const Offering* offering = scenario.FindOffering(baseline[i].first);
    const OfferingEconomics* figures = nullptr;
    for (const OfferingEconomics& item : base.economics.offerings)
      if (item.offering == baseline[i].first) figures = &item;
    if (offering == nullptr || figures == nullptr) continue;
    const double units = baseline[i].second;
    const double extra_per_lift = per_lift[i].second - units;
    const double extra = extra_per_lift * campaign.lift.expected;
    const double price = offering->price;
    const double rate = figures->return_rate;
    const double margin = price * (1 - d) - offering->unit_cost;  // discounted, before returns
    const double route = margin - figures->unit_contribution;
    // rate x (margin + return cost) = unit_contribution - unit_contribution_after_returns
    const double returns_per_unit =
        figures->unit_contribution - figures->unit_contribution_after_returns;
    const double return_cost = rate > 0 ? returns_per_unit / rate - margin : 0.0;
    loss.baseline_units += units;
    loss.extra_units += extra;
    loss.extra_margin += extra * margin;
    loss.extra_fulfilment -= extra * route;
    loss.extra_returns -= extra * returns_per_unit;
    loss.baseline_discount -= units * price * d * (1 - rate);
    loss.baseline_returns -= units * std::max(0.0, rate - offering->return_rate) *
                             (price - offering->unit_cost + return_cost);
    discount_slope -= (units + extra) * price * (1 - rate);
    lift_slope += extra_per_lift * figures->unit_contribution_after_returns;
  }
  loss.other = loss.expected_net - (loss.extra_margin + loss.extra_fulfilment + loss.extra_returns +
                                    loss.baseline_discount + loss.baseline_returns + loss.spend);
  // Linear in the discount and in the lift around the check's own figure.
  if (discount_slope < 0) {
    const double even = d + loss.expected_net / -discount_slope;
    if (even >= 0) loss.break_even_discount = std::min(1.0, even);
  }
  if (lift_slope > 0) {
    loss.break_even_lift = std::max(0.0, campaign.lift.expected - loss.expected_net / lift_slope);
  }
  double worst = 0;
  for (const LossSource& source : kSources) {
    if (loss.*source.amount < worst) {
      worst = loss.*source.amount;
      loss.largest = source.key;
    }
  }
  loss.text = Describe(loss, scenario.currency);
  return loss;
}

}  // namespace tandem
