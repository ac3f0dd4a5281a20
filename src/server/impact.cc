// The impact preview of an operations edit (workspace_service.h, PreviewImpact): what saving a
// resource, calendar or capability would do to the committed campaigns' checks, before saving.
#include "server/process_rules.h"
#include "server/service_core.h"
#include "tandem/engine/check.h"
#include "tandem/io/check_delta.h"
#include "tandem/render/check_output.h"
#include "tandem/server/workspace_service.h"

namespace tandem::server {

using store::Connection;
using store::Rows;
using store::Value;

namespace {

// One committed campaign to preview: its stored check and the check of the edited workspace.
struct Preview {
  std::string campaign;
  process::ProcessState state;
  std::string stored_key;
  CampaignScenario edited;
  std::optional<json> stored_result;
  json stored_inputs;
  std::optional<json> edited_result;  // from the cache, else run below
  bool run = false;
};

// `document` with the entity (kind, id) given `body`: replaced where it exists, else added
// after the last of its kind.
Document WithEntity(Document document, const std::string& kind, const std::string& id,
                    const json& body) {
  bool replaced = false;
  for (Entity& entity : document.entities) {
    if (entity.kind == kind && entity.key == id) {
      entity.body = body;
      replaced = true;
    }
  }
  if (!replaced) {
    int64_t position = 0;
    for (const Entity& entity : document.entities)
      if (entity.kind == kind) position = std::max(position, entity.position + 1);
    document.entities.push_back(
        {.kind = kind, .key = id, .position = position, .version = 1, .body = body});
  }
  return document;
}

}  // namespace

Outcome<Reply> WorkspaceService::PreviewImpact(const Actor& actor, const std::string& ws,
                                               const std::string& kind, const std::string& id,
                                               const json& body_in) {
  if (kind != "resources" && kind != "calendars" && kind != "capabilities")
    return ApiError::NotFound("no impact preview for " + kind +
                              " (resources, calendars, capabilities)");
  if (!body_in.is_object())
    return ApiError::Field("(body)", "must be a JSON object",
                           "the entry as in the scenario format");
  json body = body_in;
  if (KindHasIdField(kind)) body["id"] = id;
  std::vector<Preview> previews;
  Outcome<Reply> read = core_.ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    const Document document = WithEntity(snapshot.doc, kind, id, body);
    Result<Scenario> scenario = ParseDocument(document, AssembleScenario(document));
    if (!scenario.ok()) {
      if (scenario.error().code == ErrorCode::kInternal)
        return ApiError::Internal(scenario.error().ToString());
      std::vector<FieldError> fields =
          DiagnosticsToFields(scenario.error().diagnostics, document, kind, id);
      if (fields.empty())
        fields.push_back(
            {.field = "(body)", .problem = scenario.error().message, .allowed = "", .path = ""});
      return ApiError::Invalid("the change would make the workspace invalid", std::move(fields));
    }
    for (const auto& [campaign, process] : snapshot.processes) {
      if (process.state != process::ProcessState::kApproved &&
          process.state != process::ProcessState::kLive)
        continue;
      if (!scenario.value().FindCampaign(campaign)) continue;
      Preview preview{.campaign = campaign,
                      .state = process.state,
                      .stored_key = "",
                      .edited = ScenarioForCampaign(scenario.value(), document, snapshot.processes,
                                                    campaign, core_.CheckTag()),
                      .stored_result = std::nullopt,
                      .stored_inputs = nullptr,
                      .edited_result = std::nullopt};
      const json& check = process.data["check"];
      if (check.is_object() && check.value("status", "") == "done")
        preview.stored_key = check.value("key", "");
      previews.push_back(std::move(preview));
    }
    return Reply{};
  });
  if (!read.ok()) return read.error();
  // Stored and cached results, in one read.
  Status loaded = core_.database->Read([&](Connection& c) -> Status {
    for (Preview& preview : previews) {
      if (!preview.stored_key.empty()) {
        Outcome<std::optional<json>> stored = LoadResult(c, preview.stored_key);
        if (stored.ok()) preview.stored_result = stored.value();
        Outcome<json> inputs = LoadInputs(c, preview.stored_key);
        if (inputs.ok()) preview.stored_inputs = inputs.value();
      }
      Outcome<std::optional<json>> cached = LoadResult(c, preview.edited.key);
      if (cached.ok()) preview.edited_result = cached.value();
    }
    return OkStatus();
  });
  if (!loaded.ok()) return ApiError::Internal(loaded.error().ToString());
  // Checks not cached yet: run now, then cache them (content-addressed, like a check job's).
  for (Preview& preview : previews) {
    if (preview.edited_result) continue;
    CheckOptions options;
    options.scenarios = core_.options.check_scenarios;
    options.threads = core_.options.check_threads;
    options.collect_series = true;
    Result<CheckResult> result = RunCheck(preview.edited.scenario, options);
    if (!result.ok()) return ApiError::Internal(result.error().ToString());
    const std::string text = CheckResultToJson(result.value());
    preview.edited_result = json::parse(text, nullptr, false);
    preview.run = true;
    const std::string inputs = InputsText(preview.edited.scenario);
    const std::string verdict = VerdictName(result.value().verdict);
    Status stored = core_.database->Transaction([&](Connection& c) -> Status {
      Result<Rows> rows = c.Query(
          "INSERT INTO results (key, kind, verdict, body, seconds, created_at, inputs) VALUES ($1, "
          "'check', $2, $3, 0, $4, $5) ON CONFLICT (key) DO NOTHING",
          {preview.edited.key, verdict, text, core_.Now(),
           inputs.empty() ? Value() : Value(inputs)});
      return rows.ok() ? OkStatus() : Status(rows.error());
    });
    if (!stored.ok()) return ApiError::Internal(stored.error().ToString());
  }
  Reply reply;
  reply.body = {{"kind", kind}, {"id", id}, {"items", json::array()}};
  for (const Preview& preview : previews) {
    const std::optional<CheckSummary> edited = SummaryFor(*preview.edited_result, preview.campaign);
    if (!edited) continue;
    std::optional<CheckSummary> stored;
    if (preview.stored_result) stored = SummaryFor(*preview.stored_result, preview.campaign);
    const json before = stored ? stored->campaign : json(nullptr);
    const std::vector<AlertDraft> alerts =
        CommitmentAlerts(preview.campaign, preview.state, kind + "/" + id, edited->campaign,
                         stored ? &before : nullptr, preview.edited.key);
    json item = {{"campaign", preview.campaign},
                 {"state", process::StateName(preview.state)},
                 {"verdict_before", stored ? json(stored->verdict) : json(nullptr)},
                 {"verdict", edited->verdict},
                 {"endangers", !alerts.empty()},
                 {"message", alerts.empty() ? json(nullptr) : json(alerts[0].message)},
                 {"checked_now", preview.run}};
    item["since_stored"] =
        stored ? CheckDelta(preview.stored_inputs,
                            json::parse(InputsText(preview.edited.scenario), nullptr, false),
                            before, edited->campaign)
               : json(nullptr);
    reply.body["items"].push_back(std::move(item));
  }
  (void)actor;
  return reply;
}

}  // namespace tandem::server
