#include "tandem/render/advise_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "render/json_numbers.h"
#include "render/text_style.h"
#include "tandem/common/format.h"

namespace tandem {
namespace {

using Json = nlohmann::ordered_json;

Json Spread(const Percentiles& value, int decimals) {
  return Json{{"p5", Round(value.p5, decimals)},
              {"p50", Round(value.p50, decimals)},
              {"p95", Round(value.p95, decimals)}};
}

// The scenario keys a lever sets (cli.md's params).
Json Params(const LeverChange& change, const Scenario& scenario, const std::string& campaign_id) {
  Json params = Json::object();
  const Campaign* campaign = scenario.FindCampaign(campaign_id);
  if (change.lever == "cap") {
    params["units"] = Round(change.units.value_or(0), 0);
    Json by = Json::object();
    for (const auto& [offering, units] : change.by_offering) by[offering] = Round(units, 0);
    params["by_offering"] = by;
  } else if (change.lever == "relax") {
    const Promise& promise = campaign->promises[static_cast<size_t>(*change.promise)];
    params["promise"] = *change.promise;
    params["within"] = (change.within ? *change.within : promise.within).ToString();
    params["share"] = Round(change.share.value_or(promise.share), 4);
    const std::optional<MinuteOfDay> cutoff = change.cutoff ? change.cutoff : promise.cutoff;
    params["cutoff"] = cutoff ? Json(FormatTimeOfDay(*cutoff)) : Json(nullptr);
  } else if (change.lever == "reschedule") {
    params["start"] = change.window->start.ToString();
    params["end"] = change.window->end.ToString();
    if (change.lift) params["lift"] = Round(*change.lift, 4);
  } else if (change.lever == "expand") {
    params["resource"] = change.resource;
    params["extra"] = Round(*change.extra, 2);
    params["from"] = change.from->ToString();
    params["until"] = change.until->ToString();
    params["cost"] = change.cost ? Json(Round(*change.cost, 2)) : Json(nullptr);
  } else if (change.lever == "restrict") {
    params["promise"] = *change.promise;
    params["offerings"] = change.offerings;
    params["min_price"] = change.min_price ? Json(Round(*change.min_price, 2)) : Json(nullptr);
  } else if (change.lever == "reword") {
    params["promise"] = *change.promise;
    params["text"] = change.text;
    params["requires"] = change.requires_capabilities;
  }
  return params;
}

// `text` wrapped at `width` columns, continuation lines indented by `indent` more spaces.
std::string Wrapped(const std::string& text, size_t indent, size_t width) {
  std::string out;
  size_t column = 0;
  size_t position = 0;
  while (position < text.size()) {
    size_t next = text.find(' ', position);
    if (next == std::string::npos) next = text.size();
    const std::string word = text.substr(position, next - position);
    if (column > indent && column + word.size() + 1 > width) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (position > 0) {
      out += " ";
      ++column;
    }
    out += word;
    column += word.size();
    position = next + 1;
  }
  return out + "\n";
}

Json LossJson(const LossExplanation& loss) {
  auto optional = [](const std::optional<double>& value, int digits) {
    return value ? Json(Round(*value, digits)) : Json(nullptr);
  };
  return {{"expected_net", Round(loss.expected_net, 2)},
          {"largest", loss.largest},
          {"baseline_units", Round(loss.baseline_units, 1)},
          {"extra_units", Round(loss.extra_units, 1)},
          {"sources",
           {{"extra_margin", Round(loss.extra_margin, 2)},
            {"extra_fulfilment", Round(loss.extra_fulfilment, 2)},
            {"extra_returns", Round(loss.extra_returns, 2)},
            {"baseline_discount", Round(loss.baseline_discount, 2)},
            {"baseline_returns", Round(loss.baseline_returns, 2)},
            {"spend", Round(loss.spend, 2)},
            {"other", Round(loss.other, 2)}}},
          {"break_even",
           {{"discount", optional(loss.break_even_discount, 4)},
            {"planned_discount", Round(loss.planned_discount, 4)},
            {"spend", Round(loss.break_even_spend, 2)},
            {"lift", optional(loss.break_even_lift, 4)},
            {"planned_lift", Round(loss.planned_lift, 4)}}},
          {"text", loss.text}};
}

// An option against the campaign as filed (recommend.h, OptionDelta).
Json DeltaJson(const OptionDelta& delta) {
  Json wording = Json::array();
  for (const WordingChange& change : delta.wording)
    wording.push_back({{"promise", change.promise}, {"was", change.was}, {"now", change.now}});
  return {{"expected_incremental_after_spend", Round(delta.net_after_spend, 2)},
          {"incremental_units", Round(delta.incremental_units, 1)},
          {"incremental_fulfilment_cost", Round(delta.fulfilment_cost, 2)},
          {"spend", Round(delta.spend, 2)},
          {"wording", wording}};
}

// "+$548", "-$2,100", "unchanged" (under half a unit of money or of units).
std::string Signed(double value, const std::string& text) {
  if (std::fabs(value) < 0.5) return "unchanged";
  return (value > 0 ? "+" : "") + text;
}

// One line of what an option changes against the campaign as filed.
std::string DeltaText(const OptionDelta& delta, const std::string& currency) {
  std::string text = "Against the campaign as filed: net after spend " +
                     Signed(delta.net_after_spend, FormatMoney(delta.net_after_spend, currency)) +
                     "; extra units " +
                     Signed(delta.incremental_units, FormatCount(delta.incremental_units)) +
                     "; fulfilment cost " +
                     Signed(delta.fulfilment_cost, FormatMoney(delta.fulfilment_cost, currency));
  if (std::fabs(delta.spend) >= 0.5)
    text += "; spend " + Signed(delta.spend, FormatMoney(delta.spend, currency));
  if (delta.wording.empty()) return text + "; every promise reads as filed.";
  text += "; wording:";
  for (size_t i = 0; i < delta.wording.size(); ++i)
    text += std::string(i > 0 ? ";" : "") + " \"" + delta.wording[i].now + "\" (was \"" +
            delta.wording[i].was + "\")";
  return text + ".";
}

}  // namespace

std::string RecommendationsToJson(const Recommendations& recommendations,
                                  const std::string& currency) {
  Json out;
  out["tandem"] = 1;
  out["currency"] = currency;
  Json campaigns = Json::array();
  for (const CampaignRecommendation& campaign : recommendations.campaigns) {
    Json entry;
    entry["id"] = campaign.id;
    entry["name"] = campaign.name;
    entry["verdict"] = VerdictName(campaign.verdict);
    entry["reasons"] = campaign.reasons;
    entry["as_filed"] = {{"expected_incremental_after_spend",
                          Round(campaign.economics.expected_incremental_after_spend, 2)},
                         {"incremental_units", Round(campaign.economics.incremental_units.mean, 1)},
                         {"incremental_fulfilment_cost",
                          Round(campaign.economics.incremental_fulfilment_cost.mean, 2)},
                         {"spend", Round(campaign.economics.spend, 2)}};
    Json options = Json::array();
    for (const RecommendOption& option : campaign.options) {
      Json item;
      item["lever"] = option.lever;
      item["summary"] = option.summary;
      Json params = Json::object();
      Json changes = Json::array();
      for (const LeverChange& change : option.changes) {
        const Json these = Params(change, option.applied, campaign.id);
        for (auto it = these.begin(); it != these.end(); ++it) params[it.key()] = it.value();
        changes.push_back({{"lever", change.lever}, {"params", these}});
      }
      item["params"] = params;
      if (option.changes.size() > 1) item["changes"] = changes;
      item["verdict"] = VerdictName(option.verdict);
      item["reasons"] = option.reasons;
      item["keeps_wording"] = option.keeps_wording;
      item["drops_promise"] = option.drops_promise;
      const Economics& economics = option.economics;
      item["economics"] = {
          {"incremental_contribution", Spread(economics.incremental_contribution, 2)},
          {"roi", economics.roi_defined ? Spread(economics.roi, 4) : Json{{"p50", nullptr}}},
          {"p_loss", Round(economics.p_loss, 4)},
          {"expected_incremental_after_spend",
           Round(economics.expected_incremental_after_spend, 2)},
          {"revenue", Spread(economics.revenue, 2)}};
      item["against_filed"] = DeltaJson(option.against_filed);
      options.push_back(item);
    }
    entry["options"] = options;
    entry["notes"] = campaign.notes;
    if (campaign.loss) entry["loss"] = LossJson(*campaign.loss);
    campaigns.push_back(entry);
  }
  out["campaigns"] = campaigns;
  out["checks_run"] = recommendations.checks_run;
  return out.dump(2) + "\n";
}

std::string RecommendationsToText(const Recommendations& recommendations,
                                  const std::string& currency, bool color) {
  const Painter paint(color);
  std::string out;
  if (recommendations.campaigns.empty()) return "Every campaign is go: nothing to change.\n";
  for (const CampaignRecommendation& campaign : recommendations.campaigns) {
    std::string verdict = VerdictName(campaign.verdict);
    for (char& c : verdict) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out +=
        paint.Bold(fmt::format("Campaign {} \"{}\" is {}", campaign.id, campaign.name, verdict)) +
        "\n";
    for (const std::string& reason : campaign.reasons) out += "  - " + reason + "\n";
    if (campaign.loss) out += Wrapped(" Loss: " + campaign.loss->text, 2, 98);
    if (!campaign.options.empty()) {
      out += paint.Bold(" Options, best first") +
             " (each re-checked; apply one with --apply K -o FILE)\n";
      // The money column is as wide as its widest figure (never cut, always aligned); the
      // summary wraps under its own column.
      size_t money_width = 16;
      for (const RecommendOption& option : campaign.options)
        money_width = std::max(
            money_width,
            FormatMoney(option.economics.expected_incremental_after_spend, currency).size());
      const size_t indent = 2 + 3 + 18 + 9 + money_width + 3;
      out += fmt::format("  {:<3}{:<18}{:<9}{:>{}}   {}\n", "K", "lever", "verdict",
                         "net after spend", money_width, "what changes");
      const auto wrap = [&](const std::string& text) {
        size_t column = 0;
        size_t position = 0;
        while (position < text.size()) {
          size_t next = text.find(' ', position);
          if (next == std::string::npos) next = text.size();
          const std::string word = text.substr(position, next - position);
          if (column > 0 && column + word.size() > 60) {
            out += "\n" + std::string(indent, ' ');
            column = 0;
          }
          out += (column > 0 ? " " : "") + word;
          column += word.size() + 1;
          position = next + 1;
        }
        out += "\n";
      };
      for (size_t i = 0; i < campaign.options.size(); ++i) {
        const RecommendOption& option = campaign.options[i];
        out += fmt::format(
            "  {:<3}{:<18}{:<9}{:>{}}   ", i + 1, option.lever, VerdictName(option.verdict),
            FormatMoney(option.economics.expected_incremental_after_spend, currency), money_width);
        wrap(option.summary);
        // What it changes against the campaign as filed (issue 13 item 6), under the summary.
        out += std::string(indent, ' ');
        wrap(DeltaText(option.against_filed, currency));
      }
    }
    for (const std::string& note : campaign.notes) out += "  note: " + note + "\n";
    out += "\n";
  }
  out += fmt::format("{} simulations run.\n", recommendations.checks_run);
  return out;
}

std::string OpportunitiesToJson(const Opportunities& opportunities) {
  Json out;
  out["tandem"] = 1;
  Json items = Json::array();
  for (const Opportunity& opportunity : opportunities.opportunities) {
    Json strongest = {{"within", opportunity.strongest.within.ToString()},
                      {"text", opportunity.strongest_text},
                      {"p_kept", Round(opportunity.p_kept, 4)}};
    if (opportunity.strongest.cutoff)
      strongest["cutoff"] = FormatTimeOfDay(*opportunity.strongest.cutoff);
    items.push_back({{"source", opportunity.source},
                     {"type", PromiseTypeName(opportunity.type)},
                     {"advertised", opportunity.advertised},
                     {"strongest", strongest},
                     {"from", opportunity.from.ToString()},
                     {"because", opportunity.because}});
  }
  out["opportunities"] = items;
  Json requirements = Json::array();
  for (const Requirement& requirement : opportunities.requirements) {
    Json promises = Json::array();
    for (const RequirementPromise& promise : requirement.promises) {
      promises.push_back({{"promise", promise.text},
                          {"achieved_before", Round(promise.achieved_before, 4)},
                          {"achieved_with", Round(promise.achieved_with, 4)},
                          {"target", Round(promise.target, 4)},
                          {"kept", promise.kept}});
    }
    requirements.push_back({{"campaign", requirement.campaign},
                            {"resource", requirement.resource},
                            {"extra", Round(requirement.extra, 2)},
                            {"from", requirement.from.ToString()},
                            {"until", requirement.until.ToString()},
                            {"bookable", requirement.bookable},
                            {"sufficient", requirement.sufficient},
                            {"keeps_promises", requirement.keeps_promises},
                            {"promises", promises}});
  }
  out["requirements"] = requirements;
  out["checks_run"] = opportunities.checks_run;
  return out.dump(2) + "\n";
}

std::string OpportunitiesToText(const Opportunities& opportunities, bool color) {
  const Painter paint(color);
  std::string out;
  out += paint.Bold("Promises that understate what operations can do") + "\n";
  if (opportunities.opportunities.empty())
    out += "  none: no capability change makes a stronger promise hold.\n";
  for (const Opportunity& opportunity : opportunities.opportunities) {
    out += fmt::format(
        "  {} ({}): advertised \"{}\"; from {} \"{}\" holds ({} of scenarios)\n      because {}\n",
        opportunity.source, PromiseTypeName(opportunity.type), opportunity.advertised,
        opportunity.from.ToString(), opportunity.strongest_text, FormatPercent(opportunity.p_kept),
        opportunity.because);
  }
  out += "\n" + paint.Bold("Capacity campaigns need to keep their promises") + "\n";
  if (opportunities.requirements.empty())
    out += "  none: every campaign's promises hold with the capacity planned.\n";
  for (const Requirement& requirement : opportunities.requirements) {
    if (!requirement.sufficient) {
      out += fmt::format(
          "  {}: extra capacity on {} does not help (less than 5 points on the promises it holds "
          "back): the cause is elsewhere, typically opening hours (see tandem check)\n",
          requirement.campaign, requirement.resource);
      continue;
    }
    out += fmt::format(
        "  {}: {} extra per open hour on {} from {} to {}{}\n", requirement.campaign,
        FormatCount(requirement.extra), requirement.resource, requirement.from.ToString(),
        requirement.until.ToString(),
        requirement.bookable ? " (bookable within its expansion)" : " (beyond what can be booked)");
    for (const RequirementPromise& promise : requirement.promises) {
      out += fmt::format(
          "      {}: {} -> {}{}\n", promise.text, FormatPercent(promise.achieved_before),
          FormatPercent(promise.achieved_with),
          promise.kept ? ", kept"
                       : fmt::format(" (needs {}): capacity alone cannot keep it (opening hours, "
                                     "processing or transit; see tandem check)",
                                     FormatPercent(promise.target)));
    }
  }
  out += fmt::format("\n{} simulations run.\n", opportunities.checks_run);
  return out;
}

}  // namespace tandem
