// The HTML report of a campaign as the workspace keeps it (GET .../campaigns/{id}/report): the
// stored result of its current check, drawn by the same page as `tandem report`, with the
// post-campaign review saved with the campaign. The page around the data comes from
// ServiceOptions::render_report_html (the CLI's embedded web bundle).
#include <utility>

#include "server/service_core.h"
#include "tandem/render/report_data.h"
#include "tandem/server/process_service.h"

namespace tandem::server {

using store::Connection;

namespace {

// The review saved with the campaign (PutReview): its written parts in kReviewParts' order.
std::optional<ReportReview> ReviewOf(const std::string& campaign, const json& review) {
  if (!review.is_object()) return std::nullopt;
  ReportReview out{.campaign = campaign, .parts = {}, .by = "", .at = ""};
  for (const char* part : process::kReviewParts) {
    if (review.contains(part) && review[part].is_string())
      out.parts.emplace_back(part, review[part].get<std::string>());
  }
  out.by = review.value("by", "");
  out.at = review.value("at", "");
  return out;
}

}  // namespace

Outcome<Reply> ProcessService::Report(const Actor&, const CampaignRef& ref) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  std::optional<Outcome<Reply>> outcome;
  Status status = core_.database->Read([&](Connection& c) -> Status {
    Outcome<Snapshot> snapshot = LoadSnapshot(c, ws);
    if (!snapshot.ok()) {
      outcome = snapshot.error();
      return OkStatus();
    }
    Outcome<const ProcessRow*> process = FindProcess(std::as_const(snapshot.value()), ws, campaign);
    if (!process.ok()) {
      outcome = process.error();
      return OkStatus();
    }
    const json& check = process.value()->data["check"];
    if (!check.is_object() || check.value("status", "") != "done") {
      outcome = ApiError::NotFound("campaign " + campaign +
                                   " has no finished check to report (POST .../check)");
      return OkStatus();
    }
    const std::string key = check.value("key", "");
    Outcome<std::optional<json>> stored = LoadResult(c, key);
    if (!stored.ok()) {
      outcome = stored.error();
      return OkStatus();
    }
    if (!stored.value()) {
      outcome =
          ApiError::Conflict("the check result is no longer stored; run the check again", "check");
      return OkStatus();
    }
    if (!core_.options.render_report_html) {
      outcome = ApiError{501, "not_implemented", "this server renders no HTML reports", {}};
      return OkStatus();
    }
    Result<Scenario> full = ParseSnapshot(snapshot.value());
    if (!full.ok()) {
      outcome = ApiError::Internal(full.error().ToString());
      return OkStatus();
    }
    // The scenario the check ran on: this campaign and the committed ones.
    const CampaignScenario checked = ScenarioForCampaign(
        full.value(), snapshot.value().doc, snapshot.value().processes, campaign, core_.CheckTag());
    const std::string now = core_.Now();  // "2027-03-15T09:30:00Z"
    ReportMeta meta{
        .source = "workspace " + ws + ", campaign " + campaign + ", check " + key.substr(0, 12),
        .generated = now.substr(0, 10) + " " + now.substr(11, 5) + " UTC",
        .review = ReviewOf(campaign, process.value()->data["review"])};
    Result<std::string> data = ReportDataJson(checked.scenario, stored.value()->dump(), meta);
    if (!data.ok()) {
      outcome = ApiError::Internal(data.error().ToString());
      return OkStatus();
    }
    const Campaign* item = full.value().FindCampaign(campaign);
    const std::string name = item && !item->name.empty() ? item->name : campaign;
    Reply reply;
    reply.content_type = "text/html; charset=utf-8";
    reply.text = core_.options.render_report_html(name + " — tandem report", data.value());
    outcome = std::move(reply);
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  return std::move(*outcome);
}

}  // namespace tandem::server
