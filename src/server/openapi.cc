// The API's OpenAPI document: the route table's paths (routes.cc) with the schemas of their
// request and response bodies, which the routes name.
#include "tandem/process/process.h"
#include "tandem/server/http_server.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;

// The states a plain move reaches (the process core's table), in process order.
json MoveTargets() {
  json targets = json::array();
  for (process::ProcessState state : process::AllStates()) {
    for (const process::Transition& row : process::Transitions()) {
      if (row.action == process::Action::kMove && row.to == state) {
        targets.push_back(process::StateName(state));
        break;
      }
    }
  }
  return targets;
}

json Ref(const std::string& schema) {
  return {{"$ref", "#/components/schemas/" + schema}};
}

// Errors, health, sessions and users.
json UserSchemas() {
  [[maybe_unused]] const json string = {{"type", "string"}};
  [[maybe_unused]] const json integer = {{"type", "integer"}};
  return {
      {"Error",
       {{"type", "object"},
        {"properties",
         {{"error",
           {{"type", "object"},
            {"properties",
             {{"status", integer},
              {"code", string},
              {"message", string},
              {"fields",
               {{"type", "array"},
                {"items",
                 {{"type", "object"},
                  {"properties",
                   {{"field",
                     {{"type", "string"},
                      {"description",
                       "the field of the request body, a header, or a scenario key"}}},
                    {"problem", string},
                    {"allowed", string},
                    {"path",
                     {{"type", "string"},
                      {"description", "the key in the whole workspace scenario"}}}}}}}}}}}}}}}}},
      {"Health",
       {{"type", "object"},
        {"properties", {{"status", string}, {"database", string}, {"schema", integer}}}}},
      {"Login",
       {{"type", "object"},
        {"required", {"name", "password"}},
        {"properties", {{"name", string}, {"password", string}}}}},
      {"Session",
       {{"type", "object"},
        {"properties",
         {{"user", string}, {"role", string}, {"csrf_token", string}, {"expires_at", string}}}}},
      {"NewUser",
       {{"type", "object"},
        {"required", {"name", "role"}},
        {"properties",
         {{"name", string},
          {"role",
           {{"type", "string"},
            {"enum", {"marketing", "operations", "finance", "service", "admin"}}}},
          {"credential", {{"type", "string"}, {"enum", {"password", "token"}}}}}}}},
      {"Credential",
       {{"type", "object"},
        {"properties",
         {{"name", string},
          {"role", string},
          {"credential", string},
          {"secret", {{"type", "string"}, {"description", "shown once"}}}}}}},
  };
}

// Workspaces and the scenario model.
json WorkspaceSchemas() {
  [[maybe_unused]] const json string = {{"type", "string"}};
  [[maybe_unused]] const json integer = {{"type", "integer"}};
  return {
      {"Settings",
       {{"type", "object"},
        {"description",
         "the scenario's top-level keys: name, currency, horizon, today, simulation"}}},
      {"NewWorkspace",
       {{"type", "object"},
        {"required", {"id"}},
        {"properties", {{"id", string}, {"settings", Ref("Settings")}}}}},
      {"Workspace",
       {{"type", "object"},
        {"properties", {{"id", string}, {"version", integer}, {"settings", Ref("Settings")}}}}},
      {"ScenarioEntry",
       {{"type", "object"},
        {"description",
         "one entry of the scenario format (shared/spec/scenario-format.md): a calendar, "
         "resource, capability, offering, standing promise or campaign, in its JSON form"}}},
      {"Entity",
       {{"type", "object"},
        {"properties",
         {{"id", string},
          {"version", integer},
          {"body", Ref("ScenarioEntry")},
          {"review",
           {{"type", "object"},
            {"description",
             "a campaign's post-campaign review (GET of one campaign; null until written)"}}}}}}},
      {"EntityList",
       {{"type", "object"},
        {"properties", {{"items", {{"type", "array"}, {"items", Ref("Entity")}}}}}}},
      {"List",
       {{"type", "object"},
        {"properties", {{"items", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}}},
  };
}

// The process: its actions' bodies and the process itself.
json ProcessStateSchemas() {
  [[maybe_unused]] const json string = {{"type", "string"}};
  [[maybe_unused]] const json integer = {{"type", "integer"}};
  return {
      {"Transition",
       {{"type", "object"},
        {"required", {"to"}},
        {"properties", {{"to", {{"type", "string"}, {"enum", MoveTargets()}}}}}}},
      {"Review",
       {{"type", "object"},
        {"description",
         "the post-campaign review; a part left out is empty; closing needs every part written"},
        {"additionalProperties", false},
        {"properties",
         {{"promised", {{"type", "string"}, {"description", "what was promised"}}},
          {"kept", {{"type", "string"}, {"description", "what was kept"}}},
          {"forecast_error",
           {{"type", "string"}, {"description", "how far the forecast was from the actuals"}}},
          {"lessons", {{"type", "string"}, {"description", "lessons for the next plan"}}}}}}},
      {"Note", {{"type", "object"}, {"properties", {{"note", string}}}}},
      {"SignOff",
       {{"type", "object"},
        {"required", {"check"}},
        {"properties", {{"check", string}, {"comment", string}}}}},
      {"Objection",
       {{"type", "object"},
        {"required", {"check", "reason"}},
        {"properties", {{"check", string}, {"reason", string}}}}},
      {"Answer", {{"type", "object"}, {"required", {"text"}}, {"properties", {{"text", string}}}}},
      {"Approve",
       {{"type", "object"},
        {"required", {"check"}},
        {"properties",
         {{"check", string},
          {"override", {{"type", "object"}, {"properties", {{"reason", string}}}}}}}}},
      {"Process",
       {{"type", "object"},
        {"properties",
         {{"campaign", string},
          {"state", string},
          {"version", integer},
          {"confirmations", {{"type", "object"}}},
          {"missing_confirmations", {{"type", "array"}, {"items", string}}},
          {"signoffs", {{"type", "object"}}},
          {"missing_signoffs", {{"type", "array"}, {"items", string}}},
          {"check", Ref("Check")},
          {"objections",
           {{"type", "object"},
            {"description",
             "per function, an open refusal or request for changes: kind, reason, answer"}}},
          {"override", {{"type", "object"}}},
          {"review",
           {{"type", "object"},
            {"description",
             "the post-campaign review (promised, kept, forecast_error, lessons, by, at) or "
             "null"}}},
          {"review_missing",
           {{"type", "array"},
            {"items", string},
            {"description", "the parts of the review not written yet"}}},
          {"returns_mature_on",
           {{"type", "string"},
            {"description",
             "in follow-up: the day the campaign's returns have matured (it closes on or after "
             "it), else null"}}},
          {"next", {{"type", "array"}, {"items", string}}},
          {"actions",
           {{"type", "array"},
            {"description",
             "what the reader may do now (the process core's table): action, to, function, "
             "allowed, needs_text and, when not allowed, the reason"},
            {"items", {{"type", "object"}}}}}}}}},
  };
}

// A check, the impact of an edit and what changed since the previous check.
json CheckSchemas() {
  [[maybe_unused]] const json string = {{"type", "string"}};
  [[maybe_unused]] const json integer = {{"type", "integer"}};
  return {
      {"Check",
       {{"type", "object"},
        {"properties",
         {{"key",
           {{"type", "string"},
            {"description", "content hash of the checked scenario and options"}}},
          {"job", integer},
          {"status", {{"type", "string"}, {"enum", {"queued", "running", "done", "failed"}}}},
          {"verdict", string},
          {"progress", {{"type", "object"}}},
          {"result",
           {{"type", "object"},
            {"description", "the campaign's part of the check JSON contract, with series"}}},
          {"since_previous", Ref("CheckDelta")}}}}},
      {"Impact",
       {{"type", "object"},
        {"properties",
         {{"kind", string},
          {"id", string},
          {"items",
           {{"type", "array"},
            {"description",
             "one per approved or live campaign: {campaign, state, verdict_before, verdict, "
             "endangers (a promise worse than in its stored check), message (the "
             "commitment-endangered alert saving would raise, else null), checked_now, "
             "since_stored (CheckDelta against the stored check)}"},
            {"items", {{"type", "object"}}}}}}}}},
      {"CheckDelta",
       {{"type", "object"},
        {"nullable", true},
        {"description",
         "with ?result=1: what changed since the campaign's previous check (null for its first): "
         "the inputs (keys of the checked scenario, lists of entries matched by id) and the "
         "outcomes (tandem/io/check_delta.h; docs/server.md)"},
        {"properties",
         {{"previous_key", string},
          {"changed", {{"type", "boolean"}}},
          {"inputs",
           {{"type", "array"},
            {"nullable", true},
            {"description",
             "{key, before, after, added?, removed?}, e.g. resources[packing].capacity 100 -> "
             "80; null when the previous check's inputs were not recorded"},
            {"items", {{"type", "object"}}}}},
          {"inputs_more", {{"type", "integer"}, {"description", "changes beyond the first 100"}}},
          {"outcomes",
           {{"type", "object"},
            {"description",
             "verdict {before, after} when it moved; promises and standing: [{index, text, "
             "status_before, status, p_kept_before, p_kept, new?}] for those that moved; "
             "economics: [{key, before, after}] for the medians that moved"}}}}}}},
  };
}

// The process.
json ProcessSchemas() {
  json schemas = ProcessStateSchemas();
  schemas.update(CheckSchemas());
  return schemas;
}

// Follow-up: actuals, alerts' webhooks, a campaign's follow-up and the lift history.
json FollowUpSchemas() {
  [[maybe_unused]] const json string = {{"type", "string"}};
  [[maybe_unused]] const json integer = {{"type", "integer"}};
  [[maybe_unused]] const json number = {{"type", "number"}};
  return {
      {"ActualsUploaded",
       {{"type", "object"},
        {"properties",
         {{"file", string},
          {"rows", {{"type", "integer"}, {"description", "rows in the upload"}}},
          {"changed",
           {{"type", "integer"},
            {"description", "rows added or changed (0 when the same rows are sent again)"}}},
          {"job",
           {{"type", "integer"},
            {"nullable", true},
            {"description", "the follow-up job of the live campaigns, when any is live"}}}}}}},
      {"Webhook",
       {{"type", "object"},
        {"required", {"url", "events"}},
        {"properties",
         {{"url", {{"type", "string"}, {"description", "http(s)://host[:port]/path, no user@"}}},
          {"events",
           {{"type", "array"},
            {"items", string},
            {"description", "alert kinds (GET /api/alert-kinds) or \"*\" for all"}}},
          {"secret",
           {{"type", "string"},
            {"description",
             "16-256 characters; the HMAC-SHA256 key of X-Tandem-Signature (required on "
             "create, kept when left out on replace)"}}}}}}},
      {"WebhookStored",
       {{"type", "object"},
        {"properties",
         {{"id", string},
          {"url", string},
          {"events", {{"type", "array"}, {"items", string}}},
          {"version", integer},
          {"secret_set", {{"type", "boolean"}}}}}}},
      {"WebhookDeliveries",
       {{"type", "object"},
        {"properties",
         {{"webhook", string},
          {"items",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties",
               {{"delivery", integer},
                {"alert", integer},
                {"kind", string},
                {"status", {{"type", "string"}, {"enum", {"pending", "delivered", "failed"}}}},
                {"attempts", integer},
                {"last_status", {{"type", "integer"}, {"nullable", true}}},
                {"last_error", {{"type", "string"}, {"nullable", true}}},
                {"log", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}}}}}}}}},
      {"FollowUp",
       {{"type", "object"},
        {"description",
         "200: the campaign's entry of `tandem follow-up --json` (id, phase, promises, demand, "
         "metrics) with as_of, key and the campaign's alerts; 202: {job, status, key}"},
        {"properties",
         {{"id", string},
          {"phase", {{"type", "string"}, {"enum", {"planned", "live", "ended"}}}},
          {"as_of", string},
          {"key", string},
          {"promises", {{"type", "array"}, {"items", {{"type", "object"}}}}},
          {"demand",
           {{"type", "object"},
            {"description",
             "docs/follow-up.md, \"Demand against the plan\"; with backlog_resource {id, "
             "unit} when the campaign has a binding throughput resource, each of days[] carries "
             "backlog {actual (null after as-of), plan {p50, p5, p95}}: the day's largest, in "
             "the resource's unit"},
            {"properties",
             {{"days", {{"type", "array"}, {"items", {{"type", "object"}}}}},
              {"backlog_resource",
               {{"type", "object"}, {"properties", {{"id", string}, {"unit", string}}}}}}}}},
          {"metrics", {{"type", "object"}}},
          {"alerts", {{"type", "array"}, {"items", {{"type", "object"}}}}},
          {"job", integer},
          {"status", string}}}}},
      {"LiftHistory",
       {{"type", "object"},
        {"description",
         "planned against observed lift per campaign (its latest follow-up); summary: the "
         "median observed/planned over the campaigns with enough data (ended, or 3 whole days)"},
        {"properties",
         {{"campaigns",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties",
               {{"campaign", string},
                {"planned", number},
                {"observed", number},
                {"ratio", {{"type", "number"}, {"nullable", true}}},
                {"elapsed_days", number},
                {"counted", {{"type", "boolean"}}},
                {"as_of", string}}}}}}},
          {"summary",
           {{"type", "object"},
            {"properties",
             {{"campaigns", integer},
              {"median_ratio", {{"type", "number"}, {"nullable", true}}},
              {"text", string}}}}}}}}},
  };
}

// Counter-proposals (the recommend job), adopting one, and the generic object.
json RecommendSchemas() {
  const json integer = {{"type", "integer"}};
  return {
      {"Recommendations",
       {{"type", "object"},
        {"properties",
         {{"status",
           {{"type", "string"},
            {"enum", {"none", "queued", "running", "done", "failed", "superseded"}}}},
          {"progress", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
          {"key",
           {{"type", "string"},
            {"description",
             "content hash of the counter-proposals for the campaign as it is now; "
             "send it back to adopt one"}}},
          {"job", integer},
          {"stage", {{"type", "string"}, {"description", "what the search is doing (running)"}}},
          {"error", {{"type", "string"}, {"description", "why it failed (failed)"}}},
          {"result",
           {{"type", "object"},
            {"description",
             "exactly the JSON of tandem recommend --json for the campaign (done)"}}}}}}},
      {"Adopt",
       {{"type", "object"},
        {"required", {"option", "key"}},
        {"properties",
         {{"option",
           {{"type", "integer"},
            {"minimum", 1},
            {"description", "as in tandem recommend --apply N"}}},
          {"key",
           {{"type", "string"}, {"description", "the key of the counter-proposals read"}}}}}}},
      {"object", {{"type", "object"}}},
  };
}

json Schemas() {
  json schemas = UserSchemas();
  schemas.update(WorkspaceSchemas());
  schemas.update(ProcessSchemas());
  schemas.update(FollowUpSchemas());
  schemas.update(RecommendSchemas());
  return schemas;
}

}  // namespace

json OpenApiDocument() {
  json paths = json::object();
  for (const Route& route : ApiRoutes()) {
    std::string path = route.path;
    json parameters = json::array();
    for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
      const size_t close = path.find('}', open);
      std::string name = path.substr(open + 1, close - open - 1);
      const bool rest = !name.empty() && name.back() == '*';
      if (rest) {
        name.pop_back();
        path.replace(open, close - open + 1, "{" + name + "}");
      }
      parameters.push_back({{"name", name},
                            {"in", "path"},
                            {"required", true},
                            {"schema", {{"type", "string"}}},
                            {"description", rest ? "may contain /" : ""}});
    }
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    json operation = {
        {"summary", route.summary}, {"tags", {route.tag}}, {"parameters", parameters}};
    json roles = json::array();
    for (Role role : route.roles) roles.push_back(RoleName(role));
    operation["x-roles"] = roles;
    if (route.roles.empty()) {
      operation["security"] = json::array();
    } else {
      operation["security"] =
          json::array({{{"bearer", json::array()}}, {{"session", json::array()}}});
    }
    if (route.method == "PUT" || route.method == "DELETE") {
      operation["parameters"].push_back(
          {{"name", "If-Match"},
           {"in", "header"},
           {"required", false},
           {"schema", {{"type", "string"}}},
           {"description",
            "the ETag read; required to replace or delete (428 without, 409 when stale)"}});
    }
    if (!route.request.empty()) {
      operation["requestBody"] =
          route.request == "text"
              ? json{{"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}}
              : json{{"content", {{"application/json", {{"schema", Ref(route.request)}}}}}};
    }
    const json success =
        route.response == "text"
            ? json{{"description", "text"},
                   {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}}
        : route.response == "html"
            ? json{{"description", "an HTML page"},
                   {"content", {{"text/html", {{"schema", {{"type", "string"}}}}}}}}
            : json{{"description", "success"},
                   {"content", {{"application/json", {{"schema", Ref(route.response)}}}}}};
    const json error = {{"description", "error"},
                        {"content", {{"application/json", {{"schema", Ref("Error")}}}}}};
    operation["responses"] = {
        {route.method == "POST" || route.method == "PUT" ? "2XX" : "200", success}, {"4XX", error}};
    paths[path][method] = operation;
  }
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "tandem"},
            {"version", "1"},
            {"description",
             "The shared workspace of marketing, operations, finance and service: the scenario "
             "model, the campaign "
             "process (draft, groundwork, transfer, approved, live, follow-up, closed), checks, "
             "sign-offs, alerts and "
             "the audit log. Errors are {\"error\": {status, code, message, fields}}; every field "
             "error names the "
             "field. Writes to existing entries need If-Match with the ETag read. Browser sessions "
             "send the "
             "csrf_token from POST /api/session as X-CSRF-Token on POST, PUT and DELETE. x-roles "
             "lists who may "
             "call each operation."}}},
          {"paths", paths},
          {"components",
           {{"schemas", Schemas()},
            {"securitySchemes",
             {{"bearer",
               {{"type", "http"},
                {"scheme", "bearer"},
                {"description", "an API token from tandem user add --token"}}},
              {"session",
               {{"type", "apiKey"},
                {"in", "cookie"},
                {"name", "tandem_session"},
                {"description",
                 "set by POST /api/session; unsafe methods also need X-CSRF-Token"}}}}}}}};
}

}  // namespace tandem::server
