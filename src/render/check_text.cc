#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "render/text_style.h"
#include "tandem/common/format.h"
#include "tandem/render/check_output.h"

namespace tandem {
namespace {

void Promises(const std::vector<PromiseResult>& promises, const Painter& paint, std::string* out) {
  *out += paint.Dim(fmt::format("  {:<3}{:<50} {:<8} {:>8}   {}\n", "#", "promise", "status",
                                "kept in", "achieved p5 / p50 / p95"));
  for (const PromiseResult& promise : promises) {
    std::string text = promise.text;
    if (text.size() > 50) text = text.substr(0, 47) + "...";
    const std::string achieved =
        promise.type == PromiseType::kClaim
            ? (promise.achieved.p50 >= 1 ? "declared" : "not declared")
            : fmt::format("{} / {} / {}", FormatPercent(promise.achieved.p5),
                          FormatPercent(promise.achieved.p50), FormatPercent(promise.achieved.p95));
    *out +=
        fmt::format("  {:<3}{:<50} {} {:>8}   {}\n", promise.index + 1, text,
                    paint.Status(promise.status, fmt::format("{:<8}", StatusName(promise.status))),
                    FormatPercent(promise.p_kept), achieved);
    if (promise.text.size() > 50) *out += Wrap(promise.text, 90, 7);
    std::string why = promise.explanation;
    if (!promise.binding.empty() && promise.status != PromiseStatus::kKept) {
      std::string binding;
      for (const std::string& name : promise.binding)
        binding += (binding.empty() ? "" : ", ") + name;
      why = "[binding: " + binding + "] " + why;
    }
    *out += paint.Dim(Wrap(why, 92, 7));
  }
}

void CampaignSection(const CampaignResult& campaign, const std::string& currency,
                     const Painter& paint, std::string* out) {
  *out += "\n" + paint.Bold(fmt::format("Campaign {} \"{}\"", campaign.id, campaign.name)) + ": " +
          paint.Verdict(campaign.verdict) + "\n";
  if (!campaign.promises.empty()) {
    *out += paint.Bold(" Promises") + "\n";
    Promises(campaign.promises, paint, out);
  }
  *out += paint.Bold(" Checks") + "\n";
  for (const SpaceCheck& check : campaign.space) {
    *out += fmt::format(
        "  {:<11}{:<14}{:<11}planned peak {} {} on {} against {} ({}); {} without this campaign\n",
        "space", check.resource, check.broken ? "BROKEN" : "ok", FormatCount(check.peak),
        check.unit, check.date.ToString(), FormatCount(check.capacity),
        FormatPercent(check.peak_ratio), FormatCount(check.peak_without));
    if (check.refused_units.p95 > 0.5) {
      *out += paint.Dim(fmt::format("{:37}receipts refused for lack of space: {} units (p95 {})\n",
                                    "", FormatCount(check.refused_units.p50),
                                    FormatCount(check.refused_units.p95)));
    }
  }
  if (campaign.launch) {
    const LaunchCheck& check = *campaign.launch;
    std::string path;
    for (const std::string& task : check.critical_path) path += (path.empty() ? "" : " -> ") + task;
    *out += fmt::format("  {:<11}{:<14}{:<11}ready {}, window starts {} (critical path: {})\n",
                        "launch", "", check.broken ? "BROKEN" : "ok", check.ready.ToString(),
                        check.start.ToString(), path);
  }
  for (const BudgetCheck& check : campaign.budget) {
    *out += fmt::format("  {:<11}{:<14}{:<11}spend {} of {} left for it\n", "budget",
                        check.resource, check.broken ? "BROKEN" : "ok",
                        FormatMoney(check.spend, currency), FormatMoney(check.available, currency));
  }
  for (const ThroughputCheck& check : campaign.throughput) {
    *out += fmt::format(
        "  {:<11}{:<14}{:<11}peak backlog {} {} (p95 {}; {} without), busiest day {} of capacity "
        "({} without)\n",
        "throughput", check.resource, check.overloaded ? "OVERLOADED" : "ok",
        FormatCount(check.peak_backlog.p50), check.unit, FormatCount(check.peak_backlog.p95),
        FormatCount(check.peak_backlog_without.p50), FormatPercent(check.peak_utilisation),
        FormatPercent(check.peak_utilisation_without));
  }
  for (const SupplyShortfall& shortfall : campaign.supply) {
    *out += fmt::format(
        "  {:<11}{:<14}{:<11}the stock plan is {} units short between {} and {}: supply cannot "
        "arrive in time\n",
        "supply", shortfall.offering, "SHORT", FormatCount(shortfall.units),
        shortfall.first_date.ToString(), shortfall.last_date.ToString());
  }
  const Economics& economics = campaign.economics;
  *out += paint.Bold(" Economics") + paint.Dim(" (p50, and p5 .. p95 across scenarios)") + "\n";
  // Rows of label, figure and note. The label and figure columns are as wide as their widest
  // entry (at least 30 and 14): a long offering id or a large sum is never cut or misaligned.
  struct Row {
    std::string label, figure, note;
  };
  std::vector<Row> rows;
  auto range = [&](const std::string& label, const Percentiles& value) {
    rows.push_back({label, FormatMoney(value.p50, currency),
                    FormatMoney(value.p5, currency) + " .. " + FormatMoney(value.p95, currency)});
  };
  range("revenue in window", economics.revenue);
  range("incremental contribution", economics.incremental_contribution);
  rows.push_back({"spend", FormatMoney(economics.spend, currency), ""});
  rows.push_back({"expected net of spend",
                  FormatMoney(economics.expected_incremental_after_spend, currency), ""});
  rows.push_back({"ROI", economics.roi_defined ? FormatPercent(economics.roi.p50) : "n/a",
                  economics.roi_defined
                      ? FormatPercent(economics.roi.p5) + " .. " + FormatPercent(economics.roi.p95)
                      : " .. "});
  rows.push_back({"probability of a loss", FormatPercent(economics.p_loss), ""});
  rows.push_back(
      {"CAC incl. fulfilment",
       economics.cac_with_fulfilment ? FormatMoneyCents(*economics.cac_with_fulfilment, currency)
                                     : "n/a",
       "per extra unit sold (" + FormatCount(economics.incremental_units.p50) + " extra units)"});
  for (const OfferingEconomics& offering : economics.offerings) {
    rows.push_back({"per unit of " + offering.offering,
                    FormatMoneyCents(offering.unit_contribution, currency),
                    "after returns (" + FormatPercent(offering.return_rate) + " returned): " +
                        FormatMoneyCents(offering.unit_contribution_after_returns, currency)});
  }
  size_t label_width = 30;
  size_t figure_width = 14;
  for (const Row& row : rows) {
    if (row.label.size() > 30) label_width = std::max(label_width, row.label.size() + 1);
    figure_width = std::max(figure_width, row.figure.size());
  }
  for (const Row& row : rows) {
    *out += fmt::format("  {:<{}}{:>{}}", row.label, label_width, row.figure, figure_width);
    *out += row.note.empty() ? "\n" : "   " + row.note + "\n";
  }
  if (!campaign.reasons.empty()) {
    *out += paint.Bold(" Why " + std::string(VerdictName(campaign.verdict))) + "\n";
    for (const std::string& reason : campaign.reasons) *out += "  - " + reason + "\n";
  }
}

}  // namespace

std::string CheckResultToText(const CheckResult& result, bool color) {
  const Painter paint(color);
  std::string out;
  out += paint.Bold(result.name) + "\n";
  out += "Verdict: " + paint.Verdict(result.verdict) + "\n";
  out += paint.Dim(fmt::format(
      "{} scenarios, seed {}, step {}, horizon {} to {}; a promise is kept when it holds in at "
      "least {} of them.\n",
      FormatCount(static_cast<double>(result.scenarios)), result.seed, result.step.ToString(),
      result.horizon.start.ToString(), result.horizon.end.ToString(),
      FormatPercent(result.confidence)));
  for (const CampaignResult& campaign : result.campaigns)
    CampaignSection(campaign, result.currency, paint, &out);
  if (!result.supply.empty()) {
    out += "\n" + paint.Bold("Stock plan") + "\n";
    for (const SupplyShortfall& shortfall : result.supply) {
      out += fmt::format(
          "  {} is {} units short between {} and {}: with its lead time, supply cannot arrive "
          "sooner.\n",
          shortfall.offering, FormatCount(shortfall.units), shortfall.first_date.ToString(),
          shortfall.last_date.ToString());
    }
  }
  if (!result.messaging.empty()) {
    out += "\n" +
           paint.Bold("Standing promises (messaging), over the whole horizon, worst ISO week") +
           "\n";
    Promises(result.messaging, paint, &out);
  }
  return out;
}

}  // namespace tandem
