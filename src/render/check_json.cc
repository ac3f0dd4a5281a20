#include <cmath>
#include <nlohmann/json.hpp>

#include "render/json_numbers.h"
#include "tandem/render/check_output.h"

namespace tandem {
namespace {

using Json = nlohmann::ordered_json;

Json Spread(const Percentiles& value, int decimals) {
  return Json{{"p5", Number(value.p5, decimals)},
              {"p50", Number(value.p50, decimals)},
              {"p95", Number(value.p95, decimals)}};
}

Json PromiseJson(const PromiseResult& promise) {
  Json out;
  out["index"] = promise.index;
  out["type"] = PromiseTypeName(promise.type);
  out["text"] = promise.text;
  out["status"] = StatusName(promise.status);
  out["p_kept"] = Round(promise.p_kept, 4);
  out["achieved"] = Spread(promise.achieved, 4);
  out["target"] = Round(promise.target, 4);
  out["binding"] = promise.binding;
  out["explanation"] = promise.explanation;
  if (promise.promise.IsTimePromise()) {
    out["within"] = promise.promise.within.ToString();
    if (promise.promise.cutoff) out["cutoff"] = FormatTimeOfDay(*promise.promise.cutoff);
    out["covered_units"] = Round(promise.covered_units_p50, 1);
  }
  if (promise.type == PromiseType::kAvailability)
    out["covered_units"] = Round(promise.covered_units_p50, 1);
  if (promise.detail) {
    const PromiseDetail& detail = *promise.detail;
    Json story;
    story["resource"] = detail.resource;
    story["falls_behind_at"] = detail.falls_behind ? Json(detail.falls_behind_at) : Json(nullptr);
    story["peak_backlog"] = Round(detail.peak_backlog, 0);
    story["peak_date"] = detail.peak_date.ToString();
    story["peak_days_of_capacity"] = Round(detail.peak_days_of_capacity, 1);
    story["share_missing"] = Round(detail.share_missing, 4);
    story["unit"] = detail.unit;
    story["behind_at_start"] = detail.behind_at_start;
    story["closed_share"] = Round(detail.closed_share, 4);
    out["detail"] = story;
  }
  if (promise.lead_times) {
    const PromiseResult::LeadTimes& lead = *promise.lead_times;
    Json shares = Json::array();
    for (double share : lead.share) shares.push_back(Round(share, 5));
    out["lead_times"] = {{"bin_hours", Round(lead.bin_hours, 4)},
                         {"bound_hours", Round(lead.bound_hours, 4)},
                         {"share", shares},
                         {"beyond", Round(lead.beyond, 5)}};
  }
  if (!promise.unreachable.empty()) {
    out["unreachable"] = {{"offerings", promise.unreachable}, {"lead", promise.unreachable_lead}};
  }
  if (promise.type == PromiseType::kClaim) {
    out["missing_capabilities"] = promise.missing_capabilities;
    out["declared_wording"] = promise.declared_wording;
  }
  if (promise.type == PromiseType::kFreeReturns) {
    Json offerings = Json::array();
    for (const PromiseResult::OfferingReturn& item : promise.free_returns) {
      offerings.push_back(
          {{"id", item.offering},
           {"unit_contribution_after_returns", Round(item.contribution_after_returns, 2)},
           {"unit_contribution", Round(item.contribution_before_returns, 2)},
           {"return_rate", Round(item.return_rate, 4)},
           {"base_return_rate", Round(item.base_return_rate, 4)},
           {"return_cost", Round(item.return_cost, 2)},
           {"window_units", Round(item.window_units, 1)},
           {"baseline_units", Round(item.baseline_units, 1)}});
    }
    out["offerings"] = offerings;
  }
  return out;
}

Json CampaignJson(const CampaignResult& campaign) {
  Json out;
  out["id"] = campaign.id;
  out["name"] = campaign.name;
  out["verdict"] = VerdictName(campaign.verdict);
  out["reasons"] = campaign.reasons;
  Json promises = Json::array();
  for (const PromiseResult& promise : campaign.promises) promises.push_back(PromiseJson(promise));
  out["promises"] = promises;
  Json checks = Json::array();
  for (const SpaceCheck& check : campaign.space) {
    checks.push_back({{"type", "space"},
                      {"resource", check.resource},
                      {"status", check.broken ? "broken" : "ok"},
                      {"peak", Round(check.peak, 1)},
                      {"capacity", Round(check.capacity, 1)},
                      {"peak_ratio", Number(check.peak_ratio, 3)},
                      {"date", check.date.ToString()},
                      {"unit", check.unit},
                      {"peak_without", Round(check.peak_without, 1)},
                      {"refused_units", Spread(check.refused_units, 1)}});
  }
  if (campaign.launch) {
    const LaunchCheck& check = *campaign.launch;
    checks.push_back({{"type", "launch"},
                      {"status", check.broken ? "broken" : "ok"},
                      {"ready", check.ready.ToString()},
                      {"start", check.start.ToString()},
                      {"critical_path", check.critical_path}});
  }
  for (const BudgetCheck& check : campaign.budget) {
    checks.push_back({{"type", "budget"},
                      {"resource", check.resource},
                      {"status", check.broken ? "broken" : "ok"},
                      {"spend", Round(check.spend, 2)},
                      {"available", Round(check.available, 2)}});
  }
  for (const ThroughputCheck& check : campaign.throughput) {
    checks.push_back(
        {{"type", "throughput"},
         {"resource", check.resource},
         {"status", check.overloaded ? "overloaded" : "ok"},
         {"peak_backlog", Spread(check.peak_backlog, 1)},
         {"peak_utilisation", Round(check.peak_utilisation, 3)},
         {"peak_backlog_without", Spread(check.peak_backlog_without, 1)},
         {"peak_utilisation_without", Round(check.peak_utilisation_without, 3)},
         {"day_capacity", Round(check.day_capacity, 1)},
         {"unit", check.unit},
         {"period",
          {{"start", check.period_start.ToString()}, {"end", check.period_end.ToString()}}}});
    if (!check.days.empty()) {
      Json days = Json::array();
      for (const ThroughputCheck::Day& day : check.days) {
        days.push_back({{"date", day.date.ToString()},
                        {"capacity", Round(day.capacity, 1)},
                        {"arrivals", Spread(day.arrivals, 1)},
                        {"arrivals_without", Round(day.arrivals_without, 1)},
                        {"backlog", Spread(day.backlog, 1)},
                        {"backlog_without", Round(day.backlog_without, 1)}});
      }
      checks.back()["days"] = days;
    }
  }
  for (const SupplyShortfall& shortfall : campaign.supply) {
    checks.push_back({{"type", "supply"},
                      {"offering", shortfall.offering},
                      {"status", "short"},
                      {"shortfall_units", Round(shortfall.units, 1)},
                      {"first_date", shortfall.first_date.ToString()},
                      {"last_date", shortfall.last_date.ToString()}});
  }
  out["checks"] = checks;
  const Economics& economics = campaign.economics;
  Json money;
  money["revenue"] = Spread(economics.revenue, 2);
  money["incremental_contribution"] = Spread(economics.incremental_contribution, 2);
  money["spend"] = Round(economics.spend, 2);
  money["roi"] = economics.roi_defined ? Spread(economics.roi, 4)
                                       : Json{{"p5", nullptr}, {"p50", nullptr}, {"p95", nullptr}};
  money["p_loss"] = Round(economics.p_loss, 4);
  money["cac_with_fulfilment"] = economics.cac_with_fulfilment
                                     ? Json(Round(*economics.cac_with_fulfilment, 2))
                                     : Json(nullptr);
  money["incremental_units"] = Spread(economics.incremental_units, 1);
  money["incremental_fulfilment_cost"] = Spread(economics.incremental_fulfilment_cost, 2);
  money["expected_incremental_after_spend"] = Round(economics.expected_incremental_after_spend, 2);
  Json offerings = Json::array();
  for (const OfferingEconomics& offering : economics.offerings) {
    offerings.push_back(
        {{"id", offering.offering},
         {"unit_contribution", Round(offering.unit_contribution, 2)},
         {"unit_contribution_after_returns", Round(offering.unit_contribution_after_returns, 2)},
         {"return_rate", Round(offering.return_rate, 4)}});
  }
  money["offerings"] = offerings;
  out["economics"] = money;
  if (!campaign.standing.empty()) {
    Json standing = Json::array();
    for (const StandingImpact& impact : campaign.standing) {
      standing.push_back({{"index", impact.index},
                          {"text", impact.text},
                          {"status", StatusName(impact.with.status)},
                          {"p_kept", Round(impact.with.p_kept, 4)},
                          {"status_without", StatusName(impact.without.status)},
                          {"p_kept_without", Round(impact.without.p_kept, 4)}});
    }
    out["standing"] = standing;
  }
  return out;
}

}  // namespace

std::string CheckResultToJson(const CheckResult& result) {
  Json out;
  out["tandem"] = 1;
  out["name"] = result.name;
  out["verdict"] = VerdictName(result.verdict);
  out["scenarios"] = result.scenarios;
  out["seed"] = result.seed;
  out["confidence"] = Round(result.confidence, 4);
  out["currency"] = result.currency;
  Json campaigns = Json::array();
  for (const CampaignResult& campaign : result.campaigns)
    campaigns.push_back(CampaignJson(campaign));
  out["campaigns"] = campaigns;
  Json messaging = Json::array();
  for (const PromiseResult& promise : result.messaging) messaging.push_back(PromiseJson(promise));
  out["messaging"] = messaging;
  Json supply = Json::array();
  for (const SupplyShortfall& shortfall : result.supply) {
    supply.push_back({{"offering", shortfall.offering},
                      {"shortfall_units", Round(shortfall.units, 1)},
                      {"first_date", shortfall.first_date.ToString()},
                      {"last_date", shortfall.last_date.ToString()}});
  }
  out["supply"] = supply;
  if (!result.resources.empty()) {
    Json resources = Json::array();
    for (const ResourceCalendar& calendar : result.resources) {
      Json capacity = Json::array();
      Json arrivals = Json::array();
      Json backlog = Json::array();
      for (double value : calendar.capacity) capacity.push_back(Round(value, 1));
      for (double value : calendar.arrivals) arrivals.push_back(Round(value, 1));
      for (double value : calendar.backlog) backlog.push_back(Round(value, 1));
      resources.push_back({{"id", calendar.resource},
                           {"unit", calendar.unit},
                           {"first", calendar.first.ToString()},
                           {"capacity", capacity},
                           {"arrivals", arrivals},
                           {"backlog", backlog}});
    }
    out["resources"] = resources;
  }
  return out.dump(2) + "\n";
}

}  // namespace tandem
