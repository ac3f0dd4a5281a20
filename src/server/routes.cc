// The API's route table. Every endpoint is declared here once: the table drives routing, the
// role check, the OpenAPI document (openapi.cc, with the bodies' schemas) and the authorisation
// test. A handler parses the request body once into its service's named request (Parse...Request,
// tandem/server/*_requests.h) and passes it on, parsed or refused (requests.h).
#include <charconv>
#include <cstdlib>

#include "server/scenario_doc.h"
#include "tandem/io/input_limits.h"
#include "tandem/process/alerts.h"
#include "tandem/server/http_server.h"
#include "tandem/server/job_requests.h"
#include "tandem/server/process_requests.h"
#include "tandem/server/user_requests.h"
#include "tandem/server/webhook_requests.h"
#include "tandem/server/workspace_requests.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;

const std::vector<Role> kAll = {Role::kMarketing, Role::kOperations, Role::kFinance, Role::kService,
                                Role::kAdmin};
const std::vector<Role> kFunctions = {Role::kMarketing, Role::kOperations, Role::kFinance,
                                      Role::kService};

std::vector<Role> EditorsOf(const std::string& kind) {
  if (kind == "resources")
    return {Role::kOperations, Role::kFinance, Role::kAdmin};  // finance: budgets only
  if (kind == "calendars" || kind == "capabilities") return {Role::kOperations, Role::kAdmin};
  if (kind == "offerings") return {Role::kMarketing, Role::kOperations, Role::kAdmin};
  return {Role::kMarketing, Role::kAdmin};  // messaging, campaigns
}

const std::string& P(const ApiRequest& request, const char* name) {
  return request.params.at(name);
}

// The campaign ({ws}, {id}) and the function ({function}) a route names.
CampaignRef CampaignOf(const ApiRequest& request) {
  return {P(request, "ws"), P(request, "id")};
}
FunctionRef FunctionOf(const ApiRequest& request) {
  return {P(request, "ws"), P(request, "id"), P(request, "function")};
}

// A whole non-negative number in the path or query: "2abc", "-1", " 2" are not (ids and
// counters are never read from a prefix).
std::optional<int64_t> WholeNumber(const std::string& text) {
  int64_t value = 0;
  if (text.empty() || text.size() > 18) return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// A query parameter that is a whole number; `fallback` when absent.
Outcome<int64_t> QueryInt(const ApiRequest& request, const char* name, int64_t fallback) {
  auto found = request.query.find(name);
  if (found == request.query.end()) return fallback;
  const std::optional<int64_t> value = WholeNumber(found->second);
  if (!value) {
    return ApiError::Field(name, "'" + found->second + "' is not a whole number", "0, 1, 2, ...");
  }
  return *value;
}

// The table being built: add(method, path, tag, summary, roles, request schema, response
// schema, handler) appends one route.
class RouteList {
 public:
  using Handler = std::function<Outcome<Reply>(Service&, const ApiRequest&)>;
  void operator()(std::string method, std::string path, std::string tag, std::string summary,
                  std::vector<Role> roles, std::string request, std::string response,
                  Handler handler) {
    routes.push_back({std::move(method), std::move(path), std::move(tag), std::move(summary),
                      std::move(roles), std::move(request), std::move(response),
                      std::move(handler)});
  }
  std::vector<Route> routes;
};

// Operations, sessions and users.
void OperationsAndUserRoutes(RouteList& add) {
  // Operations.
  add("GET", "/healthz", "operations", "check that the server and its database answer", {}, "",
      "Health", [](Service& s, const ApiRequest&) { return s.Health(); });
  add("GET", "/metrics", "operations", "read Prometheus metrics", {}, "", "text", nullptr);
  add("GET", "/api/openapi.json", "operations", "read this API's OpenAPI document", {}, "",
      "object", [](Service&, const ApiRequest&) -> Outcome<Reply> {
        Reply reply;
        reply.body = OpenApiDocument();
        return reply;
      });
  // Sessions and users.
  add("POST", "/api/session", "users", "log in with a password (sets the session cookie)", {},
      "Login", "Session", nullptr);
  add("GET", "/api/session", "users", "read who is logged in", kAll, "", "Session", nullptr);
  add("DELETE", "/api/session", "users", "log out", kAll, "", "object", nullptr);
  add("GET", "/api/users", "users", "list users", {Role::kAdmin}, "", "List",
      [](Service& s, const ApiRequest& r) { return s.users().ListUsers(r.actor); });
  add("POST", "/api/users", "users", "add a user (the password or token is shown once)",
      {Role::kAdmin}, "NewUser", "Credential", [](Service& s, const ApiRequest& r) {
        return s.users().CreateUser(r.actor, ParseCreateUserRequest(r.body));
      });
  add("GET", "/api/users/{name}/tokens", "users",
      "list a user's API tokens (ids, creation and expiry; never the secrets)", {Role::kAdmin}, "",
      "List",
      [](Service& s, const ApiRequest& r) { return s.users().ListTokens(r.actor, P(r, "name")); });
  add("DELETE", "/api/users/{name}/tokens/{token}", "users", "revoke one of a user's API tokens",
      {Role::kAdmin}, "", "object", [](Service& s, const ApiRequest& r) -> Outcome<Reply> {
        const std::optional<int64_t> token = WholeNumber(P(r, "token"));
        if (!token) return ApiError::NotFound("no token '" + P(r, "token") + "' (ids are numbers)");
        return s.users().RevokeTokens(r.actor, P(r, "name"), *token);
      });
  add("DELETE", "/api/users/{name}/tokens", "users", "revoke all of a user's API tokens",
      {Role::kAdmin}, "", "object", [](Service& s, const ApiRequest& r) {
        return s.users().RevokeTokens(r.actor, P(r, "name"), std::nullopt);
      });
}

// Workspaces, the scenario model (one collection per kind) and history files.
void WorkspaceRoutes(RouteList& add) {
  // Workspaces.
  add("GET", "/api/workspaces", "workspaces", "list workspaces", kAll, "", "List",
      [](Service& s, const ApiRequest& r) { return s.workspaces().ListWorkspaces(r.actor); });
  add("POST", "/api/workspaces", "workspaces", "create a workspace",
      {Role::kMarketing, Role::kAdmin}, "NewWorkspace", "Workspace",
      [](Service& s, const ApiRequest& r) {
        return s.workspaces().CreateWorkspace(r.actor, ParseCreateWorkspaceRequest(r.body));
      });
  add("GET", "/api/workspaces/{ws}", "workspaces", "read a workspace's settings", kAll, "",
      "Workspace", [](Service& s, const ApiRequest& r) {
        return s.workspaces().GetWorkspace(r.actor, P(r, "ws"));
      });
  add("PUT", "/api/workspaces/{ws}", "workspaces", "change a workspace's settings (If-Match)",
      {Role::kMarketing, Role::kAdmin}, "Settings", "Workspace",
      [](Service& s, const ApiRequest& r) {
        return s.workspaces().PutSettings(r.actor, P(r, "ws"), ParseSettingsRequest(r.body),
                                          r.if_match);
      });
  add("DELETE", "/api/workspaces/{ws}", "workspaces", "delete a workspace (If-Match)",
      {Role::kAdmin}, "", "object", [](Service& s, const ApiRequest& r) {
        return s.workspaces().DeleteWorkspace(r.actor, P(r, "ws"), r.if_match);
      });
  add("GET", "/api/workspaces/{ws}/export", "workspaces",
      "export the workspace as a scenario file (YAML; ?format=bundle: JSON with history files)",
      kAll, "", "text", [](Service& s, const ApiRequest& r) {
        auto format = r.query.find("format");
        return s.workspaces().Export(r.actor, P(r, "ws"),
                                     format != r.query.end() && format->second == "bundle");
      });
  add("POST", "/api/workspaces/{ws}/import", "workspaces",
      "replace the workspace's model with a scenario (YAML text, or JSON {scenario, files})",
      {Role::kAdmin}, "text", "object", [](Service& s, const ApiRequest& r) -> Outcome<Reply> {
        // A JSON bundle {scenario, files}, else the scenario's text itself (YAML, or JSON).
        if (FindJsonTooDeep(r.raw_body) != std::string_view::npos) {
          Outcome<json> refused = ParseJsonBody(r.raw_body);
          if (!refused.ok()) return refused.error();
        }
        json bundle = json::parse(r.raw_body, nullptr, false);
        if (bundle.is_object() && bundle.contains("scenario") && bundle["scenario"].is_string()) {
          std::map<std::string, std::string> files;
          if (bundle.contains("files") && bundle["files"].is_object()) {
            for (const auto& [path, content] : bundle["files"].items()) {
              if (!content.is_string())
                return ApiError::Field("files." + path, "must be text", "the CSV file's text");
              files[path] = content.get<std::string>();
            }
          }
          return s.workspaces().Import(r.actor, P(r, "ws"), bundle["scenario"].get<std::string>(),
                                       files, "scenario");
        }
        return s.workspaces().Import(r.actor, P(r, "ws"), r.raw_body, {}, "scenario");
      });
  // The scenario model, one collection per kind.
  for (const std::string& kind : EntityKinds()) {
    const std::string base = "/api/workspaces/{ws}/" + kind;
    add("GET", base, kind, "list " + kind, kAll, "", "EntityList",
        [kind](Service& s, const ApiRequest& r) {
          return s.workspaces().ListEntities(r.actor, P(r, "ws"), kind);
        });
    add("GET", base + "/{id}", kind, "read one of " + kind, kAll, "", "Entity",
        [kind](Service& s, const ApiRequest& r) {
          return s.workspaces().GetEntity(r.actor, P(r, "ws"), kind, P(r, "id"));
        });
    add("PUT", base + "/{id}", kind, "create or replace one of " + kind + " (replace: If-Match)",
        EditorsOf(kind), "ScenarioEntry", "Entity", [kind](Service& s, const ApiRequest& r) {
          return s.workspaces().PutEntity(r.actor, P(r, "ws"), kind, P(r, "id"), r.body,
                                          r.if_match);
        });
    add("DELETE", base + "/{id}", kind, "delete one of " + kind + " (If-Match)", EditorsOf(kind),
        "", "object", [kind](Service& s, const ApiRequest& r) {
          return s.workspaces().DeleteEntity(r.actor, P(r, "ws"), kind, P(r, "id"), r.if_match);
        });
  }
  for (const std::string kind : {"resources", "calendars", "capabilities"}) {
    add("POST", "/api/workspaces/{ws}/" + kind + "/{id}/impact", kind,
        "preview what saving this edit of " + kind +
            " (the body: the entry as PUT would store it) does to each approved or live "
            "campaign's check, without storing it: verdicts before and after, the promises it "
            "endangers, the delta (checks not cached yet run here and are cached)",
        EditorsOf(kind), "ScenarioEntry", "Impact", [kind](Service& s, const ApiRequest& r) {
          return s.workspaces().PreviewImpact(r.actor, P(r, "ws"), kind, P(r, "id"), r.body);
        });
  }
  add("PUT", "/api/workspaces/{ws}/campaigns/{id}/bookings", "campaigns",
      "set a campaign's capacity bookings (operations; If-Match: the campaign's version)",
      {Role::kOperations, Role::kAdmin}, "List", "Entity", [](Service& s, const ApiRequest& r) {
        return s.workspaces().PutPart(r.actor, P(r, "ws"), "campaigns", P(r, "id"), "bookings",
                                      r.body, r.if_match);
      });
  add("PUT", "/api/workspaces/{ws}/offerings/{id}/loads", "offerings",
      "set an offering's side loads, e.g. contacts per order (service; If-Match: the offering's "
      "version)",
      {Role::kService, Role::kOperations, Role::kAdmin}, "List", "Entity",
      [](Service& s, const ApiRequest& r) {
        return s.workspaces().PutPart(r.actor, P(r, "ws"), "offerings", P(r, "id"), "loads", r.body,
                                      r.if_match);
      });
  // History files.
  add("GET", "/api/workspaces/{ws}/files", "files", "list history files", kAll, "", "List",
      [](Service& s, const ApiRequest& r) {
        return s.workspaces().ListFiles(r.actor, P(r, "ws"));
      });
  add("GET", "/api/workspaces/{ws}/files/{path*}", "files", "read a history file (CSV)", kAll, "",
      "text", [](Service& s, const ApiRequest& r) {
        return s.workspaces().GetFile(r.actor, P(r, "ws"), P(r, "path"));
      });
  add("PUT", "/api/workspaces/{ws}/files/{path*}", "files",
      "upload a history file (CSV date,units; replace: If-Match)",
      {Role::kMarketing, Role::kOperations, Role::kAdmin}, "text", "object",
      [](Service& s, const ApiRequest& r) {
        return s.workspaces().PutFile(r.actor, P(r, "ws"), P(r, "path"), r.raw_body, r.if_match);
      });
  add("DELETE", "/api/workspaces/{ws}/files/{path*}", "files", "delete a history file (If-Match)",
      {Role::kMarketing, Role::kOperations, Role::kAdmin}, "", "object",
      [](Service& s, const ApiRequest& r) {
        return s.workspaces().DeleteFile(r.actor, P(r, "ws"), P(r, "path"), r.if_match);
      });
}

// The process (ProcessService): states, confirmations, sign-offs, objections, approval.
void ProcessStateRoutes(RouteList& add) {
  add("GET", "/api/workspaces/{ws}/processes", "process",
      "list every campaign's state, verdict and missing confirmations or sign-offs (the planning "
      "calendar)",
      kAll, "", "List", [](Service& s, const ApiRequest& r) {
        return s.process().ListProcesses(r.actor, P(r, "ws"));
      });
  add("GET", "/api/workspaces/{ws}/campaigns/{id}/process", "process", "read a campaign's process",
      kAll, "", "Process", [](Service& s, const ApiRequest& r) {
        return s.process().GetProcess(r.actor, CampaignOf(r));
      });
  add("POST", "/api/workspaces/{ws}/campaigns/{id}/transition", "process",
      "move a campaign to another state", {Role::kMarketing, Role::kAdmin}, "Transition", "Process",
      [](Service& s, const ApiRequest& r) {
        return s.process().Transition(r.actor, CampaignOf(r), ParseTransitionRequest(r.body),
                                      r.if_match);
      });
  add("POST", "/api/workspaces/{ws}/campaigns/{id}/confirmations/{function}", "process",
      "confirm your function's inputs (groundwork)", kFunctions, "Note", "Process",
      [](Service& s, const ApiRequest& r) {
        return s.process().Confirm(r.actor, FunctionOf(r), ParseConfirmRequest(r.body));
      });
  add("DELETE", "/api/workspaces/{ws}/campaigns/{id}/confirmations/{function}", "process",
      "withdraw your function's confirmation", kFunctions, "", "Process",
      [](Service& s, const ApiRequest& r) {
        return s.process().Unconfirm(r.actor, FunctionOf(r));
      });
  add("POST", "/api/workspaces/{ws}/campaigns/{id}/signoffs/{function}", "process",
      "sign off for your function on the current check (transfer)", kFunctions, "SignOff",
      "Process", [](Service& s, const ApiRequest& r) {
        return s.process().SignOff(r.actor, FunctionOf(r), ParseSignOffRequest(r.body));
      });
  add("POST", "/api/workspaces/{ws}/campaigns/{id}/signoffs/{function}/refuse", "process",
      "refuse to sign off for your function, with a reason the campaign owner answers (transfer)",
      kFunctions, "Objection", "Process", [](Service& s, const ApiRequest& r) {
        return s.process().Review(r.actor, FunctionOf(r), process::SignOffKind::kRefuse,
                                  ParseObjectionRequest(r.body));
      });
  add("POST", "/api/workspaces/{ws}/campaigns/{id}/signoffs/{function}/request-changes", "process",
      "ask for changes before your function signs off, with a reason the campaign owner answers "
      "(transfer)",
      kFunctions, "Objection", "Process", [](Service& s, const ApiRequest& r) {
        return s.process().Review(r.actor, FunctionOf(r), process::SignOffKind::kRequestChanges,
                                  ParseObjectionRequest(r.body));
      });
  add("POST", "/api/workspaces/{ws}/campaigns/{id}/objections/{function}/answer", "process",
      "answer a function's refusal or request for changes (the campaign owner)",
      {Role::kMarketing, Role::kAdmin}, "Answer", "Process", [](Service& s, const ApiRequest& r) {
        return s.process().AnswerObjection(r.actor, FunctionOf(r), ParseAnswerRequest(r.body));
      });
  add("DELETE", "/api/workspaces/{ws}/campaigns/{id}/signoffs/{function}", "process",
      "withdraw your function's sign-off", kFunctions, "", "Process",
      [](Service& s, const ApiRequest& r) {
        return s.process().WithdrawSignOff(r.actor, FunctionOf(r));
      });
  add("POST", "/api/workspaces/{ws}/campaigns/{id}/approve", "process",
      "approve a campaign (all four sign-offs; a go verdict by marketing or admin, any other "
      "verdict only by an override with a reason, by finance or admin)",
      {Role::kMarketing, Role::kFinance, Role::kAdmin}, "Approve", "Process",
      [](Service& s, const ApiRequest& r) {
        return s.process().Approve(r.actor, CampaignOf(r), ParseApproveRequest(r.body));
      });
}

// A campaign's jobs (JobService): its check and its counter-proposals.
void CheckAndRecommendRoutes(RouteList& add) {
  add("POST", "/api/workspaces/{ws}/campaigns/{id}/check", "checks",
      "run the campaign's check in the background (answered from the cache when the content is "
      "unchanged)",
      kAll, "", "Check", [](Service& s, const ApiRequest& r) {
        return s.jobs().RequestCheck(r.actor, CampaignOf(r));
      });
  add("GET", "/api/workspaces/{ws}/campaigns/{id}/check", "checks",
      "read the campaign's check: status and progress; with ?result=1 the result and chart series",
      kAll, "", "Check", [](Service& s, const ApiRequest& r) -> Outcome<Reply> {
        Outcome<int64_t> with_result = QueryInt(r, "result", 0);
        if (!with_result.ok()) return with_result.error();
        return s.jobs().GetCheck(r.actor, CampaignOf(r), with_result.value() != 0);
      });
  add("POST", "/api/workspaces/{ws}/campaigns/{id}/recommend", "recommendations",
      "compute the campaign's counter-proposals (tandem recommend) in the background: 202 {job, "
      "status, key}, or 200 "
      "with the result when this content was searched before",
      kAll, "", "Recommendations", [](Service& s, const ApiRequest& r) {
        return s.jobs().RequestRecommendations(r.actor, CampaignOf(r));
      });
  add("GET", "/api/workspaces/{ws}/campaigns/{id}/recommend", "recommendations",
      "read the campaign's counter-proposals: status, progress, key and, when done, the result of "
      "tandem recommend "
      "--json",
      kAll, "", "Recommendations", [](Service& s, const ApiRequest& r) {
        return s.jobs().GetRecommendations(r.actor, CampaignOf(r));
      });
  add("POST", "/api/workspaces/{ws}/campaigns/{id}/recommend/adopt", "recommendations",
      "adopt counter-proposal N as tandem recommend --apply N would (one write; the check runs "
      "again): campaign "
      "changes are marketing's, bookings (expand) operations'",
      {Role::kMarketing, Role::kOperations, Role::kAdmin}, "Adopt", "Process",
      [](Service& s, const ApiRequest& r) {
        return s.jobs().AdoptOption(r.actor, CampaignOf(r), ParseAdoptRequest(r.body));
      });
}

// What a campaign leaves behind: hand-over, report, review, audit log, alerts.
void CampaignRecordRoutes(RouteList& add) {
  add("GET", "/api/workspaces/{ws}/campaigns/{id}/handover", "process",
      "read the hand-over of an approved campaign (each function its part)", kAll, "", "object",
      [](Service& s, const ApiRequest& r) { return s.process().Handover(r.actor, CampaignOf(r)); });
  add("GET", "/api/workspaces/{ws}/campaigns/{id}/report", "process",
      "the campaign's HTML report: its current check as `tandem report` draws it, with the "
      "post-campaign review saved with the campaign",
      kAll, "", "html",
      [](Service& s, const ApiRequest& r) { return s.process().Report(r.actor, CampaignOf(r)); });
  add("PUT", "/api/workspaces/{ws}/campaigns/{id}/review", "process",
      "save the post-campaign review (live or follow-up): what was promised, what was kept, the "
      "forecast's error, lessons; closing needs every part",
      {Role::kMarketing, Role::kOperations, Role::kAdmin}, "Review", "Process",
      [](Service& s, const ApiRequest& r) {
        return s.process().PutReview(r.actor, CampaignOf(r), ParsePutReviewRequest(r.body));
      });
  add("GET", "/api/workspaces/{ws}/campaigns/{id}/audit", "audit", "read a campaign's audit log",
      kAll, "", "List", [](Service& s, const ApiRequest& r) {
        return s.alerts().Audit(r.actor, P(r, "ws"), P(r, "id"));
      });
  add("GET", "/api/workspaces/{ws}/audit", "audit", "read the workspace's audit log", kAll, "",
      "List",
      [](Service& s, const ApiRequest& r) { return s.alerts().Audit(r.actor, P(r, "ws"), ""); });
  add("GET", "/api/workspaces/{ws}/alerts", "alerts",
      "read your function's alerts (?after=ID for newer ones)", kAll, "", "List",
      [](Service& s, const ApiRequest& r) -> Outcome<Reply> {
        Outcome<int64_t> after = QueryInt(r, "after", 0);
        if (!after.ok()) return after.error();
        return s.alerts().Alerts(r.actor, P(r, "ws"), after.value());
      });
}

// The process (ProcessService) and its jobs (JobService), in this order.
void ProcessRoutes(RouteList& add) {
  ProcessStateRoutes(add);
  CheckAndRecommendRoutes(add);
  CampaignRecordRoutes(add);
}

// Follow-up: actuals and the campaign's follow-up (docs/follow-up.md, "The server").
void FollowUpRoutes(RouteList& add) {
  for (const char* file : {"orders", "tickets", "spend"}) {
    const std::string name = file;
    add("PUT", "/api/workspaces/{ws}/actuals/" + name, "follow-up",
        "upload " + name +
            ".csv (CSV text; checked whole, 422 naming the line; rows upserted by id, so "
            "re-sending an export is safe; re-runs the follow-up of live campaigns as a job)",
        ActualsUploaders(name), "text", "ActualsUploaded", [name](Service& s, const ApiRequest& r) {
          return s.workspaces().PutActuals(r.actor, P(r, "ws"), ActualsUpload{name, r.raw_body});
        });
  }
  add("GET", "/api/workspaces/{ws}/campaigns/{id}/follow-up", "follow-up",
      "read a campaign's follow-up on the stored actuals (?as_of=YYYY-MM-DDTHH:MM, default the "
      "latest time in them): 200 when computed, else 202 with the job computing it",
      kAll, "", "FollowUp", [](Service& s, const ApiRequest& r) {
        FollowUpQuery query{P(r, "id"), std::nullopt};
        if (auto found = r.query.find("as_of"); found != r.query.end()) query.as_of = found->second;
        return s.jobs().GetFollowUp(r.actor, P(r, "ws"), query);
      });
  add("GET", "/api/workspaces/{ws}/lift-history", "follow-up",
      "planned against observed lift of the campaigns followed up, and the median ratio a "
      "planner entering a new lift should know",
      kAll, "", "LiftHistory",
      [](Service& s, const ApiRequest& r) { return s.jobs().GetLiftHistory(r.actor, P(r, "ws")); });
  // Webhooks: alerts delivered outside the app (tandem/server/webhooks.h). Admin only.
  add("GET", "/api/workspaces/{ws}/webhooks", "alerts",
      "list the workspace's webhooks (their secrets are never shown)", {Role::kAdmin}, "", "List",
      [](Service& s, const ApiRequest& r) { return s.webhooks().List(r.actor, P(r, "ws")); });
  add("PUT", "/api/workspaces/{ws}/webhooks/{id}", "alerts",
      "create (201) or replace (If-Match) a webhook: {url, events, secret}; a URL resolving to a "
      "loopback or private address is 422 unless the server allows private webhooks",
      {Role::kAdmin}, "Webhook", "WebhookStored", [](Service& s, const ApiRequest& r) {
        return s.webhooks().Put(r.actor, {P(r, "ws"), P(r, "id")},
                                ParseWebhookRequest(r.body, s.webhooks().HasMailRelay()),
                                r.if_match);
      });
  add("DELETE", "/api/workspaces/{ws}/webhooks/{id}", "alerts",
      "delete a webhook (If-Match) with its queued deliveries and log", {Role::kAdmin}, "",
      "object", [](Service& s, const ApiRequest& r) {
        return s.webhooks().Delete(r.actor, P(r, "ws"), P(r, "id"), r.if_match);
      });
  add("GET", "/api/workspaces/{ws}/webhooks/{id}/deliveries", "alerts",
      "read a webhook's delivery log, newest first (?limit=N, default 50), each delivery with "
      "its attempts",
      {Role::kAdmin}, "", "WebhookDeliveries",
      [](Service& s, const ApiRequest& r) -> Outcome<Reply> {
        Outcome<int64_t> limit = QueryInt(r, "limit", 50);
        if (!limit.ok()) return limit.error();
        return s.webhooks().Deliveries(r.actor, P(r, "ws"), P(r, "id"), limit.value());
      });
  add("GET", "/api/alert-kinds", "alerts",
      "list the alert kinds: who receives each, the event that raises it, what to do (the "
      "process core's alert table)",
      kAll, "", "List", [](Service&, const ApiRequest&) -> Outcome<Reply> {
        Reply reply;
        reply.body = {{"items", json::array()}};
        for (const process::AlertKind& kind : process::AlertKinds()) {
          json audience = json::array();
          for (Role role : kind.audience) audience.push_back(RoleName(role));
          reply.body["items"].push_back({{"kind", kind.name},
                                         {"audience", audience},
                                         {"raised_by", kind.raised_by},
                                         {"meaning", kind.meaning}});
        }
        return reply;
      });
  add("GET", "/api/jobs/{job}", "checks", "read a background job", kAll, "", "object",
      [](Service& s, const ApiRequest& r) -> Outcome<Reply> {
        const std::optional<int64_t> job = WholeNumber(P(r, "job"));
        if (!job) return ApiError::NotFound("no job '" + P(r, "job") + "' (job ids are numbers)");
        return s.jobs().GetJob(r.actor, *job);
      });
}

std::vector<Route> BuildRoutes() {
  RouteList add;
  OperationsAndUserRoutes(add);
  WorkspaceRoutes(add);
  ProcessRoutes(add);
  FollowUpRoutes(add);
  return std::move(add.routes);
}

}  // namespace

const std::vector<Route>& ApiRoutes() {
  static const std::vector<Route> routes = BuildRoutes();
  return routes;
}

}  // namespace tandem::server
