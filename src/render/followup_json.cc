#include <nlohmann/json.hpp>

#include "render/json_numbers.h"
#include "tandem/render/followup_output.h"

namespace tandem {
namespace {

using Json = nlohmann::ordered_json;

Json Optional(const std::optional<double>& value, int decimals) {
  return value ? Number(*value, decimals) : Json(nullptr);
}

Json PromiseJson(const PromiseFollowUp& promise) {
  Json out;
  out["type"] = PromiseTypeName(promise.type);
  out["text"] = promise.text;
  out["share"] = Round(promise.share, 4);
  out["due_units"] = Round(promise.due_units, 1);
  out["kept_units"] = Round(promise.kept_units, 1);
  out["observed_share"] = Optional(promise.observed_share, 4);
  out["p_kept"] = Optional(promise.p_kept, 4);
  out["status"] = StatusName(promise.status);
  out["drifting"] = promise.drifting;
  out["because"] = promise.because;
  out["index"] = promise.index;
  out["signed_off"] = StatusName(promise.signed_off);
  out["pending_units"] = Round(promise.pending_units, 1);
  out["decided"] = promise.decided;
  if (promise.worst_week) out["worst_week"] = promise.worst_week->ToString();
  return out;
}

Json DemandJson(const DemandFollowUp& demand) {
  Json lift;
  lift["planned"] = Round(demand.lift.planned, 4);
  lift["observed"] = Optional(demand.lift.observed, 4);
  lift["ratio"] = Optional(demand.lift.ratio, 3);
  lift["re_estimated"] = {{"p50", Round(demand.lift.posterior_median, 4)},
                          {"p5", Round(demand.lift.posterior_low, 4)},
                          {"p95", Round(demand.lift.posterior_high, 4)}};
  Json out;
  out["units"] = Round(demand.units, 1);
  out["expected"] = Round(demand.expected, 1);
  out["bias"] = Optional(demand.bias, 4);
  out["mape"] = Optional(demand.mape, 4);
  out["lift"] = lift;
  out["baseline"] = Round(demand.baseline, 1);
  out["elapsed_days"] = Round(demand.elapsed_days, 4);
  out["completed_days"] = demand.completed_days;
  Json days = Json::array();
  for (const DemandDay& day : demand.days) {
    Json plan = {{"p50", Round(day.p50, 1)}};
    if (day.p5) plan["p5"] = Round(*day.p5, 1);
    if (day.p95) plan["p95"] = Round(*day.p95, 1);
    Json item = {{"date", day.date.ToString()},
                 {"units", Optional(day.units, 1)},
                 {"complete", day.complete},
                 {"plan", plan}};
    if (day.backlog) {
      Json band = Json::object();
      if (day.backlog->p50) band["p50"] = Round(*day.backlog->p50, 1);
      if (day.backlog->p5) band["p5"] = Round(*day.backlog->p5, 1);
      if (day.backlog->p95) band["p95"] = Round(*day.backlog->p95, 1);
      item["backlog"] = {{"actual", Optional(day.backlog->actual, 1)}, {"plan", band}};
    }
    days.push_back(item);
  }
  out["days"] = days;
  if (!demand.backlog_resource.empty())
    out["backlog_resource"] = {{"id", demand.backlog_resource}, {"unit", demand.backlog_unit}};
  return out;
}

Json MetricsJson(const std::vector<Metric>& metrics) {
  Json out = Json::object();
  for (const Metric& metric : metrics) {
    const int decimals = metric.unit == "money" ? 2 : 4;
    Json plan = Json::object();
    if (metric.p50) plan["p50"] = Number(*metric.p50, decimals);
    if (metric.p5) plan["p5"] = Number(*metric.p5, decimals);
    if (metric.p95) plan["p95"] = Number(*metric.p95, decimals);
    out[metric.name] = {
        {"actual", Optional(metric.actual, decimals)}, {"plan", plan}, {"unit", metric.unit}};
  }
  return out;
}

Json CalibrationJson(const Calibration& calibration) {
  Json changes = Json::array();
  for (const CalibrationChange& change : calibration.changes) {
    changes.push_back({{"key", change.key},
                       {"before", change.before},
                       {"after", change.after},
                       {"evidence", change.evidence}});
  }
  Json lifts = Json::array();
  for (const LiftRecord& record : calibration.lifts) {
    lifts.push_back({{"campaign", record.campaign},
                     {"planned", Round(record.planned, 4)},
                     {"observed", Round(record.observed, 4)},
                     {"ratio", Optional(record.ratio, 3)},
                     {"elapsed_days", Round(record.elapsed_days, 4)},
                     {"calibrated", record.calibrated}});
  }
  return {{"changes", changes}, {"not_calibrated", calibration.not_calibrated}, {"lifts", lifts}};
}

}  // namespace

std::string FollowUpResultToJson(const FollowUpResult& result, const Calibration* calibration) {
  Json out;
  out["tandem"] = 1;
  out["as_of"] = FormatWallSeconds(result.as_of);
  Json campaigns = Json::array();
  for (const CampaignFollowUp& campaign : result.campaigns) {
    Json item;
    item["id"] = campaign.id;
    item["phase"] = PhaseName(campaign.phase);
    Json promises = Json::array();
    for (const PromiseFollowUp& promise : campaign.promises)
      promises.push_back(PromiseJson(promise));
    item["promises"] = promises;
    item["demand"] = DemandJson(campaign.demand);
    item["metrics"] = MetricsJson(campaign.metrics);
    item["name"] = campaign.name;
    item["window"] = {{"start", campaign.window.start.ToString()},
                      {"end", campaign.window.end.ToString()}};
    campaigns.push_back(item);
  }
  out["campaigns"] = campaigns;
  Json standing = Json::array();
  for (const PromiseFollowUp& promise : result.standing) standing.push_back(PromiseJson(promise));
  out["standing"] = standing;
  Json alerts = Json::array();
  for (const Alert& alert : result.alerts) {
    alerts.push_back({{"kind", alert.kind},
                      {"campaign", alert.campaign.empty() ? Json(nullptr) : Json(alert.campaign)},
                      {"promise", alert.promise},
                      {"message", alert.message}});
  }
  out["alerts"] = alerts;
  out["name"] = result.name;
  out["currency"] = result.currency;
  out["reforecast"] = result.reforecast;
  out["scenarios"] = result.scenarios;
  out["seed"] = result.seed;
  out["confidence"] = Round(result.confidence, 4);
  if (calibration != nullptr) out["calibration"] = CalibrationJson(*calibration);
  return out.dump(2) + "\n";
}

}  // namespace tandem
