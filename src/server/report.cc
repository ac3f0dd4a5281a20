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
  return core_.ReadWorkspace(ws, [&](Connection& c, const Snapshot& snapshot) -> Outcome<Reply> {
    Outcome<const ProcessRow*> process = FindProcess(snapshot, ws, campaign);
    if (!process.ok()) return process.error();
    const json& check = process.value()->data["check"];
    if (!check.is_object() || check.value("status", "") != "done")
      return ApiError::NotFound("campaign " + campaign +
                                " has no finished check to report (POST .../check)");
    const std::string key = check.value("key", "");
    Outcome<std::optional<json>> stored = LoadResult(c, key);
    if (!stored.ok()) return stored.error();
    if (!stored.value()) {
      return ApiError::Conflict("the check result is no longer stored; run the check again",
                                "check");
    }
    if (!core_.options.render_report_html)
      return ApiError{501, "not_implemented", "this server renders no HTML reports", {}};
    Result<Scenario> full = ParseSnapshot(snapshot);
    if (!full.ok()) return ApiError::Internal(full.error().ToString());
    // The scenario the check ran on: this campaign and the committed ones.
    const CampaignScenario checked = ScenarioForCampaign(
        full.value(), snapshot.doc, snapshot.processes, campaign, core_.CheckTag());
    const std::string now = core_.Now();  // "2027-03-15T09:30:00Z"
    ReportMeta meta{
        .source = "workspace " + ws + ", campaign " + campaign + ", check " + key.substr(0, 12),
        .generated = now.substr(0, 10) + " " + now.substr(11, 5) + " UTC",
        .review = ReviewOf(campaign, process.value()->data["review"])};
    Result<std::string> data = ReportDataJson(checked.scenario, stored.value()->dump(), meta);
    if (!data.ok()) return ApiError::Internal(data.error().ToString());
    const Campaign* item = full.value().FindCampaign(campaign);
    const std::string name = item && !item->name.empty() ? item->name : campaign;
    Reply reply;
    reply.content_type = "text/html; charset=utf-8";
    reply.text = core_.options.render_report_html(name + " — tandem report", data.value());
    return reply;
  });
}

}  // namespace tandem::server
