// Workspaces and their documents (workspace_service.h): settings, entries, parts, history
// files, export and import.
#include "tandem/server/workspace_service.h"

#include <algorithm>
#include <regex>
#include <set>

#include "server/crypto.h"
#include "server/service_core.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/io/scenario_writer.h"

namespace tandem::server {

using store::Connection;
using store::Rows;
using store::Value;

namespace {

bool ValidFilePath(const std::string& path) {
  static const std::regex pattern("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$");
  if (path.size() > 200 || !std::regex_match(path, pattern)) return false;
  return path.find("..") == std::string::npos;
}

// Who may edit which kind of entry. Budget resources are finance's; other resources,
// calendars and capabilities operations'; offerings marketing's and operations'; messaging and
// campaigns marketing's. Admin may edit everything.
bool MayEditKind(Role role, const std::string& kind, const json* body) {
  if (role == Role::kAdmin) return true;
  if (kind == "resources") {
    const bool budget = body && body->is_object() && body->value("kind", "") == "budget";
    return budget ? role == Role::kFinance : role == Role::kOperations;
  }
  if (kind == "calendars" || kind == "capabilities") return role == Role::kOperations;
  if (kind == "offerings") return role == Role::kMarketing || role == Role::kOperations;
  if (kind == "messaging" || kind == "campaigns") return role == Role::kMarketing;
  return false;
}

json PartOf(const json& body, const std::string& part) {
  return body.is_object() && body.contains(part) ? body[part] : json(nullptr);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Workspaces

Outcome<Reply> WorkspaceService::ListWorkspaces(const Actor&) {
  Reply reply;
  reply.body = {{"items", json::array()}};
  Status read = core_.database->Read([&](Connection& c) -> Status {
    Result<Rows> rows =
        c.Query("SELECT id, settings, version, updated_at FROM workspaces ORDER BY id", {});
    if (!rows.ok()) return rows.error();
    for (const store::Row& row : rows.value().rows) {
      const json settings = json::parse(row.Text(1), nullptr, false);
      reply.body["items"].push_back(
          {{"id", row.Text(0)},
           {"name", settings.is_object() ? settings.value("name", "") : ""},
           {"version", row.Int(2)},
           {"updated_at", row.Text(3)}});
    }
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  return reply;
}

Outcome<Reply> WorkspaceService::CreateWorkspace(const Actor& actor,
                                                 const Parsed<CreateWorkspaceRequest>& request) {
  if (actor.role != Role::kAdmin && actor.role != Role::kMarketing) {
    return ApiError::Forbidden("only marketing and admin create workspaces");
  }
  if (!request.ok()) return request.error();
  const std::string& ws = request.value().id;
  const json& settings = request.value().settings.settings;
  // The settings must read as a scenario's top level.
  Document document;
  document.settings = settings;
  Result<Scenario> parsed = ParseDocument(document, AssembleScenario(document));
  if (!parsed.ok()) {
    std::vector<FieldError> fields =
        DiagnosticsToFields(parsed.error().diagnostics, document, "settings", "");
    for (FieldError& field : fields) field.field = "settings." + field.field;
    return ApiError::Invalid("invalid settings", fields);
  }
  Outcome<bool> done =
      ApiTransaction(*core_.database, [&](Connection& c, const AbortWith& abort) -> Status {
        Result<Rows> existing = c.Query("SELECT id FROM workspaces WHERE id = $1", {ws});
        if (!existing.ok()) return existing.error();
        if (!existing.value().empty())
          return abort(ApiError::Conflict("a workspace '" + ws + "' exists", "id"));
        const std::string now = core_.Now();
        Result<Rows> inserted = c.Query(
            "INSERT INTO workspaces (id, settings, version, revision, created_at, updated_at) "
            "VALUES "
            "($1, $2, 1, 1, $3, $3)",
            {ws, settings.dump(), now});
        if (!inserted.ok()) return inserted.error();
        Outcome<bool> audited = AppendAudit(
            c, ws, {{"", actor.name, "create", "workspace", {{"settings", settings}}}}, now);
        return audited.ok() ? OkStatus() : Status(Error::Internal(audited.error().message));
      });
  if (!done.ok()) return done.error();
  Reply reply;
  reply.status = 201;
  reply.version = 1;
  reply.body = {{"id", ws}, {"version", 1}, {"settings", settings}};
  return reply;
}

Outcome<Reply> WorkspaceService::GetWorkspace(const Actor&, const std::string& ws) {
  return core_.ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    Reply reply;
    reply.version = snapshot.settings_version;
    json counts = json::object();
    for (const std::string& kind : EntityKinds()) counts[kind] = 0;
    for (const Entity& entity : snapshot.doc.entities)
      counts[entity.kind] = counts[entity.kind].get<int>() + 1;
    json problems = json::array();
    if (counts["offerings"] == 0) problems.push_back("no offerings yet: checks need at least one");
    reply.body = {{"id", ws},
                  {"version", snapshot.settings_version},
                  {"revision", snapshot.revision},
                  {"settings", snapshot.doc.settings},
                  {"counts", counts},
                  {"problems", problems}};
    return reply;
  });
}

Outcome<Reply> WorkspaceService::PutSettings(const Actor& actor, const std::string& ws,
                                             const Parsed<SettingsRequest>& request,
                                             std::optional<int64_t> if_match) {
  if (actor.role != Role::kAdmin && actor.role != Role::kMarketing) {
    return ApiError::Forbidden("only marketing and admin change workspace settings");
  }
  if (!request.ok()) return request.error();
  const json& body = request.value().settings;
  return core_.Write(actor, ws, "settings", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<int64_t> matched =
        RequireMatch(if_match, context.snapshot.settings_version, "the workspace settings");
    if (!matched.ok()) return matched.error();
    context.kind = "settings";
    context.audit.push_back(
        {.campaign = "",
         .actor = actor.name,
         .action = "update",
         .target = "settings",
         .detail = {{"before", context.snapshot.doc.settings}, {"after", body}}});
    const bool changed = context.snapshot.doc.settings != body;
    context.snapshot.doc.settings = body;
    Reply reply;
    reply.version = context.snapshot.settings_version + (changed ? 1 : 0);
    reply.body = {{"id", ws}, {"version", *reply.version}, {"settings", body}};
    return reply;
  });
}

Outcome<Reply> WorkspaceService::DeleteWorkspace(const Actor& actor, const std::string& ws,
                                                 std::optional<int64_t> if_match) {
  if (actor.role != Role::kAdmin) return ApiError::Forbidden("only admin deletes workspaces");
  Outcome<bool> done =
      ApiTransaction(*core_.database, [&](Connection& c, const AbortWith& abort) -> Status {
        Result<Rows> rows = c.Query("SELECT version FROM workspaces WHERE id = $1", {ws});
        if (!rows.ok()) return rows.error();
        if (rows.value().empty()) return abort(ApiError::NotFound("no workspace '" + ws + "'"));
        Outcome<int64_t> matched =
            RequireMatch(if_match, rows.value().rows[0].Int(0), "the workspace");
        if (!matched.ok()) return abort(matched.error());
        for (const char* sql : {"DELETE FROM entities WHERE workspace_id = $1",
                                "DELETE FROM files WHERE workspace_id = $1",
                                "DELETE FROM processes WHERE workspace_id = $1",
                                "DELETE FROM workspaces WHERE id = $1"}) {
          Result<Rows> deleted = c.Query(sql, {ws});
          if (!deleted.ok()) return deleted.error();
        }
        Outcome<bool> audited = AppendAudit(
            c, ws, {{"", actor.name, "delete", "workspace", json::object()}}, core_.Now());
        return audited.ok() ? OkStatus() : Status(Error::Internal(audited.error().message));
      });
  if (!done.ok()) return done.error();
  Reply reply;
  reply.status = 200;
  reply.body = {{"deleted", ws}};
  return reply;
}

// ---------------------------------------------------------------------------------------------
// Entities

Outcome<Reply> WorkspaceService::ListEntities(const Actor&, const std::string& ws,
                                              const std::string& kind) {
  if (!IsEntityKind(kind)) return ApiError::NotFound("no such collection '" + kind + "'");
  // Reads touch only the rows they return (no snapshot of the whole workspace).
  std::optional<ApiError> failure;
  Reply reply;
  reply.body = {{"items", json::array()}};
  Status status = core_.database->Read([&](Connection& c) -> Status {
    reply.body["items"] = json::array();
    Result<Rows> workspace = c.Query("SELECT 1 FROM workspaces WHERE id = $1", {ws});
    if (!workspace.ok()) return workspace.error();
    if (workspace.value().empty()) {
      failure = ApiError::NotFound("no workspace '" + ws + "'");
      return OkStatus();
    }
    Result<Rows> rows = c.Query(
        "SELECT key, version, body FROM entities WHERE workspace_id = $1 AND kind = $2 ORDER BY "
        "position, key",
        {ws, kind});
    if (!rows.ok()) return rows.error();
    for (const store::Row& row : rows.value().rows) {
      reply.body["items"].push_back({{"id", row.Text(0)},
                                     {"version", row.Int(1)},
                                     {"body", json::parse(row.Text(2), nullptr, false)}});
    }
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  if (failure) return *failure;
  return reply;
}

Outcome<Reply> WorkspaceService::GetEntity(const Actor&, const std::string& ws,
                                           const std::string& kind, const std::string& id) {
  if (!IsEntityKind(kind)) return ApiError::NotFound("no such collection '" + kind + "'");
  std::optional<ApiError> failure;
  Reply reply;
  Status status = core_.database->Read([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query(
        "SELECT version, body FROM entities WHERE workspace_id = $1 AND kind = $2 AND key = $3",
        {ws, kind, id});
    if (!rows.ok()) return rows.error();
    if (rows.value().empty()) {
      failure = ApiError::NotFound("no " + kind + " '" + id + "' in " + ws);
      return OkStatus();
    }
    const store::Row& row = rows.value().rows[0];
    reply.version = row.Int(0);
    reply.body = {
        {"id", id}, {"version", row.Int(0)}, {"body", json::parse(row.Text(1), nullptr, false)}};
    if (kind == "campaigns") {
      // The post-campaign review is saved with the campaign's process (PUT .../review).
      Result<Rows> process =
          c.Query("SELECT data FROM processes WHERE workspace_id = $1 AND campaign = $2", {ws, id});
      if (!process.ok()) return process.error();
      json review = nullptr;
      if (!process.value().empty()) {
        const json data = json::parse(process.value().rows[0].Text(0), nullptr, false);
        if (data.is_object() && data.contains("review")) review = data["review"];
      }
      reply.body["review"] = review;
    }
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  if (failure) return *failure;
  return reply;
}

Outcome<Reply> WorkspaceService::PutEntity(const Actor& actor, const std::string& ws,
                                           const std::string& kind, const std::string& id,
                                           const json& body_in, std::optional<int64_t> if_match) {
  if (!IsEntityKind(kind)) return ApiError::NotFound("no such collection '" + kind + "'");
  if (!ValidKey(id))
    return ApiError::Field("id", "'" + id + "' is not a valid id",
                           "letters, digits, . _ -, up to 100");
  if (!body_in.is_object())
    return ApiError::Field("(body)", "must be a JSON object",
                           "the entry as in the scenario format");
  json body = body_in;
  if (KindHasIdField(kind)) {
    if (body.contains("id") && body["id"] != id)
      return ApiError::Field("id", "differs from the id in the path", id);
    body["id"] = id;
  }
  return core_.Write(
      actor, ws,
      kind == "campaigns"      ? "campaign"
      : kind == "capabilities" ? "capability"
      : kind == "resources"    ? "resource"
      : kind == "offerings"    ? "offering"
                               : "model",
      [&](WriteContext& context) -> Outcome<Reply> {
        context.kind = kind;
        context.key = id;
        Entity* existing = context.snapshot.Find(kind, id);
        if (!MayEditKind(actor.role, kind, &body) ||
            (existing && !MayEditKind(actor.role, kind, &existing->body))) {
          return ApiError::Forbidden(std::string(RoleName(actor.role)) + " may not edit " + kind +
                                     (kind == "resources" ? " of this kind" : ""));
        }
        // Parts owned by another function must stay as they are.
        if (actor.role != Role::kAdmin) {
          if (kind == "campaigns" &&
              PartOf(body, "bookings") !=
                  (existing ? PartOf(existing->body, "bookings") : json(nullptr))) {
            return ApiError::Forbidden(
                "bookings are operations' (PUT .../campaigns/" + id + "/bookings)", "bookings");
          }
          if (kind == "offerings" && actor.role == Role::kMarketing &&
              PartOf(body, "loads") !=
                  (existing ? PartOf(existing->body, "loads") : json(nullptr))) {
            return ApiError::Forbidden(
                "loads are service's and operations' (PUT .../offerings/" + id + "/loads)",
                "loads");
          }
        }
        Reply reply;
        if (existing) {
          Outcome<int64_t> matched = RequireMatch(if_match, existing->version, kind + "/" + id);
          if (!matched.ok()) return matched.error();
          if (kind == "campaigns") {
            auto process = context.snapshot.processes.find(id);
            if (process != context.snapshot.processes.end() &&
                process->second.state == process::ProcessState::kClosed) {
              return ApiError::Conflict("campaign " + id + " is closed", "state");
            }
          }
          context.audit.push_back({.campaign = kind == "campaigns" ? id : "",
                                   .actor = actor.name,
                                   .action = "update",
                                   .target = kind + "/" + id,
                                   .detail = {{"before", existing->body},
                                              {"after", body},
                                              {"version", existing->version + 1}}});
          context.target = kind + "/" + id;
          context.changed_before = existing->body;
          existing->body = body;
          reply.status = 200;
        } else {
          if (if_match)
            return ApiError::PreconditionFailed("no " + kind + " '" + id +
                                                "' matches If-Match (it does not exist; it may "
                                                "have been deleted): create it without If-Match");
          int64_t position = 0;
          for (const Entity& entity : context.snapshot.doc.entities) {
            if (entity.kind == kind) position = std::max(position, entity.position + 1);
          }
          context.snapshot.doc.entities.push_back(
              {.kind = kind, .key = id, .position = position, .version = 1, .body = body});
          context.audit.push_back({.campaign = kind == "campaigns" ? id : "",
                                   .actor = actor.name,
                                   .action = "create",
                                   .target = kind + "/" + id,
                                   .detail = {{"after", body}}});
          context.target = kind + "/" + id;
          if (kind == "campaigns") {
            context.snapshot.processes[id] = ProcessRow{.campaign = id,
                                                        .state = process::ProcessState::kDraft,
                                                        .data = NewProcessData(),
                                                        .version = 0};
          }
          reply.status = 201;
        }
        reply.version = -1;  // filled in after the write
        reply.body = {{"id", id}, {"version", -1}, {"body", body}};
        return reply;
      });
}

Outcome<Reply> WorkspaceService::DeleteEntity(const Actor& actor, const std::string& ws,
                                              const std::string& kind, const std::string& id,
                                              std::optional<int64_t> if_match) {
  if (!IsEntityKind(kind)) return ApiError::NotFound("no such collection '" + kind + "'");
  return core_.Write(
      actor, ws,
      kind == "capabilities" ? "capability"
      : kind == "resources"  ? "resource"
                             : "model",
      [&](WriteContext& context) -> Outcome<Reply> {
        context.kind = kind;
        context.key = id;
        Entity* existing = context.snapshot.Find(kind, id);
        if (!existing) return ApiError::NotFound("no " + kind + " '" + id + "' in " + ws);
        if (!MayEditKind(actor.role, kind, &existing->body)) {
          return ApiError::Forbidden(std::string(RoleName(actor.role)) + " may not delete " + kind);
        }
        Outcome<int64_t> matched = RequireMatch(if_match, existing->version, kind + "/" + id);
        if (!matched.ok()) return matched.error();
        if (kind == "campaigns") {
          auto process = context.snapshot.processes.find(id);
          if (process != context.snapshot.processes.end() &&
              process->second.state != process::ProcessState::kDraft) {
            return ApiError::Conflict("campaign " + id + " is " +
                                          process::StateName(process->second.state) +
                                          "; only drafts are deleted",
                                      "state");
          }
          context.snapshot.processes.erase(id);
        }
        context.audit.push_back({.campaign = kind == "campaigns" ? id : "",
                                 .actor = actor.name,
                                 .action = "delete",
                                 .target = kind + "/" + id,
                                 .detail = {{"before", existing->body}}});
        context.target = kind + "/" + id;
        context.changed_before = existing->body;
        context.snapshot.doc.entities.erase(context.snapshot.doc.entities.begin() +
                                            (existing - context.snapshot.doc.entities.data()));
        Reply reply;
        reply.body = {{"deleted", kind + "/" + id}};
        return reply;
      });
}

Outcome<Reply> WorkspaceService::PutPart(const Actor& actor, const std::string& ws,
                                         const std::string& kind, const std::string& id,
                                         const std::string& part, const json& value,
                                         std::optional<int64_t> if_match) {
  const bool bookings = kind == "campaigns" && part == "bookings";
  const bool loads = kind == "offerings" && part == "loads";
  if (!bookings && !loads) return ApiError::NotFound("no part '" + part + "' of " + kind);
  const bool allowed = actor.role == Role::kAdmin || actor.role == Role::kOperations ||
                       (loads && actor.role == Role::kService);
  if (!allowed)
    return ApiError::Forbidden(std::string(RoleName(actor.role)) + " may not change " + part, part);
  if (!value.is_array())
    return ApiError::Field(
        part, "must be a list",
        bookings ? "[{resource, extra, from, until}]" : "[{resource, per_unit, lag}]");
  return core_.Write(
      actor, ws, bookings ? "campaign" : "offering", [&](WriteContext& context) -> Outcome<Reply> {
        context.kind = kind;
        context.key = id;
        Entity* existing = context.snapshot.Find(kind, id);
        if (!existing) return ApiError::NotFound("no " + kind + " '" + id + "' in " + ws);
        Outcome<int64_t> matched = RequireMatch(if_match, existing->version, kind + "/" + id);
        if (!matched.ok()) return matched.error();
        json body = existing->body;
        if (value.empty()) {
          body.erase(part);
        } else {
          body[part] = value;
        }
        context.audit.push_back({.campaign = kind == "campaigns" ? id : "",
                                 .actor = actor.name,
                                 .action = "update",
                                 .target = kind + "/" + id + "/" + part,
                                 .detail = {{"before", PartOf(existing->body, part)},
                                            {"after", value},
                                            {"version", existing->version + 1}}});
        context.target = kind + "/" + id + "/" + part;
        context.changed_before = existing->body;
        existing->body = body;
        Reply reply;
        reply.version = -1;
        reply.body = {{"id", id}, {"version", -1}, {"body", body}};
        return reply;
      });
}

// ---------------------------------------------------------------------------------------------
// History files

Outcome<Reply> WorkspaceService::ListFiles(const Actor&, const std::string& ws) {
  return core_.ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    Reply reply;
    reply.body = {{"items", json::array()}};
    for (const auto& [path, content] : snapshot.doc.files) {
      reply.body["items"].push_back({{"path", path},
                                     {"bytes", content.size()},
                                     {"version", snapshot.file_versions.at(path)}});
    }
    return reply;
  });
}

Outcome<Reply> WorkspaceService::GetFile(const Actor&, const std::string& ws,
                                         const std::string& path) {
  return core_.ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    auto found = snapshot.doc.files.find(path);
    if (found == snapshot.doc.files.end())
      return ApiError::NotFound("no file '" + path + "' in " + ws);
    Reply reply;
    reply.version = snapshot.file_versions.at(path);
    reply.text = found->second;
    reply.content_type = "text/csv; charset=utf-8";
    return reply;
  });
}

Outcome<Reply> WorkspaceService::PutFile(const Actor& actor, const std::string& ws,
                                         const std::string& path, const std::string& text,
                                         std::optional<int64_t> if_match) {
  if (actor.role != Role::kAdmin && actor.role != Role::kMarketing &&
      actor.role != Role::kOperations) {
    return ApiError::Forbidden("only marketing, operations and admin upload history files");
  }
  if (!ValidFilePath(path))
    return ApiError::Field("path", "'" + path + "' is not a valid file path",
                           "letters, digits, . _ - and /");
  return core_.Write(actor, ws, "offering", [&](WriteContext& context) -> Outcome<Reply> {
    context.kind = "files";
    context.key = path;
    auto existing = context.snapshot.doc.files.find(path);
    Reply reply;
    if (existing != context.snapshot.doc.files.end()) {
      Outcome<int64_t> matched =
          RequireMatch(if_match, context.snapshot.file_versions.at(path), "file " + path);
      if (!matched.ok()) return matched.error();
      reply.version = context.snapshot.file_versions.at(path) + (existing->second == text ? 0 : 1);
    } else {
      if (if_match) {
        return ApiError::PreconditionFailed("no file '" + path +
                                            "' matches If-Match (it does not exist): upload it "
                                            "without If-Match");
      }
      reply.status = 201;
      reply.version = 1;
    }
    context.snapshot.doc.files[path] = text;
    context.target = "files/" + path;
    context.audit.push_back({.campaign = "",
                             .actor = actor.name,
                             .action = reply.status == 201 ? "create" : "update",
                             .target = "files/" + path,
                             .detail = {{"bytes", text.size()}, {"sha256", Sha256Hex(text)}}});
    reply.body = {{"path", path}, {"bytes", text.size()}, {"version", *reply.version}};
    return reply;
  });
}

Outcome<Reply> WorkspaceService::DeleteFile(const Actor& actor, const std::string& ws,
                                            const std::string& path,
                                            std::optional<int64_t> if_match) {
  if (actor.role != Role::kAdmin && actor.role != Role::kMarketing &&
      actor.role != Role::kOperations) {
    return ApiError::Forbidden("only marketing, operations and admin delete history files");
  }
  return core_.Write(actor, ws, "offering", [&](WriteContext& context) -> Outcome<Reply> {
    context.kind = "files";
    context.key = path;
    if (!context.snapshot.doc.files.count(path))
      return ApiError::NotFound("no file '" + path + "' in " + ws);
    Outcome<int64_t> matched =
        RequireMatch(if_match, context.snapshot.file_versions.at(path), "file " + path);
    if (!matched.ok()) return matched.error();
    context.snapshot.doc.files.erase(path);
    context.target = "files/" + path;
    context.audit.push_back({.campaign = "",
                             .actor = actor.name,
                             .action = "delete",
                             .target = "files/" + path,
                             .detail = json::object()});
    Reply reply;
    reply.body = {{"deleted", path}};
    return reply;
  });
}

// ---------------------------------------------------------------------------------------------
// Export and import

Outcome<Reply> WorkspaceService::Export(const Actor&, const std::string& ws, bool bundle) {
  return core_.ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    if (!HasOfferings(snapshot.doc))
      return ApiError::Conflict("the workspace has no offerings yet; a scenario needs one");
    Result<Scenario> scenario = ParseDocument(snapshot.doc, AssembleScenario(snapshot.doc));
    if (!scenario.ok())
      return ApiError::Internal("stored workspace does not parse: " + scenario.error().ToString());
    const std::string yaml = WriteScenarioYaml(scenario.value());
    Reply reply;
    reply.version = snapshot.revision;
    if (bundle) {
      reply.body = {{"scenario", yaml}, {"files", json::object()}};
      for (const auto& [path, content] : snapshot.doc.files) reply.body["files"][path] = content;
    } else {
      reply.text = yaml;
      reply.content_type = "application/yaml; charset=utf-8";
    }
    return reply;
  });
}

Outcome<Reply> WorkspaceService::Import(const Actor& actor, const std::string& ws,
                                        const std::string& text,
                                        const std::map<std::string, std::string>& files,
                                        const std::string& display_name) {
  if (actor.role != Role::kAdmin) return ApiError::Forbidden("only admin imports whole scenarios");
  if (!ValidKey(ws))
    return ApiError::Field("workspace", "not a valid id", "letters, digits, . _ -");
  for (const auto& [path, content] : files) {
    if (!ValidFilePath(path))
      return ApiError::Field("files", "'" + path + "' is not a valid file path", "relative paths");
  }
  // The file must read as a scenario on its own first: errors name its lines. The one parse
  // also gives the document as JSON, split into the workspace's entries below.
  const FileLoader loader = [&](const std::string& path) -> Result<std::string> {
    auto found = files.find(path);
    if (found == files.end()) return Error::Io("history file '" + path + "' was not supplied");
    return found->second;
  };
  ordered_json as_json;
  Result<Scenario> parsed = ParseScenario(text, display_name, loader, &as_json);
  if (!parsed.ok()) {
    std::vector<FieldError> fields;
    for (const Diagnostic& diagnostic : parsed.error().diagnostics) {
      fields.push_back({.field = diagnostic.key.empty() ? "(scenario)" : diagnostic.key,
                        .problem = diagnostic.ToString(),
                        .allowed = diagnostic.allowed,
                        .path = diagnostic.key});
    }
    if (fields.empty())
      fields.push_back(
          {.field = "(scenario)", .problem = parsed.error().message, .allowed = "", .path = ""});
    return ApiError::Invalid("the scenario is not valid", std::move(fields));
  }
  Result<Document> split = SplitScenario(as_json);
  if (!split.ok()) return ApiError::Invalid(split.error().ToString());
  Document incoming = std::move(split.value());
  for (const Entity& entity : incoming.entities) {
    if (!ValidKey(entity.key)) {
      return ApiError::Field(entity.kind, "id '" + entity.key + "' cannot be used in the API",
                             "letters, digits, . _ -");
    }
  }
  // Create the workspace when it does not exist.
  Status created = core_.database->Transaction([&](Connection& c) -> Status {
    const std::string now = core_.Now();
    Result<Rows> rows = c.Query(
        "INSERT INTO workspaces (id, settings, version, revision, created_at, updated_at) VALUES "
        "($1, $2, 1, 1, $3, $3) "
        "ON CONFLICT (id) DO NOTHING",
        {ws, incoming.settings.dump(), now});
    return rows.ok() ? OkStatus() : Status(rows.error());
  });
  if (!created.ok()) return ApiError::Internal(created.error().ToString());
  return core_.Write(actor, ws, "import", [&](WriteContext& context) -> Outcome<Reply> {
    Snapshot& snapshot = context.snapshot;
    std::set<std::string> campaigns;
    for (const Entity& entity : incoming.entities) {
      if (entity.kind == "campaigns") campaigns.insert(entity.key);
    }
    for (const auto& [campaign, process] : snapshot.processes) {
      if (!campaigns.count(campaign) && process.state != process::ProcessState::kDraft) {
        return ApiError::Conflict("campaign " + campaign + " is " +
                                      process::StateName(process.state) + " and would be removed",
                                  "campaigns");
      }
    }
    for (auto it = snapshot.processes.begin(); it != snapshot.processes.end();) {
      it = campaigns.count(it->first) ? std::next(it) : snapshot.processes.erase(it);
    }
    for (const std::string& campaign : campaigns) {
      if (!snapshot.processes.count(campaign))
        snapshot.processes[campaign] = ProcessRow{.campaign = campaign,
                                                  .state = process::ProcessState::kDraft,
                                                  .data = NewProcessData(),
                                                  .version = 0};
    }
    // Keep the versions of unchanged entries; everything else is replaced.
    std::vector<Entity> entities;
    for (Entity entity : incoming.entities) {
      if (const Entity* old = snapshot.Find(entity.kind, entity.key)) entity.version = old->version;
      entities.push_back(std::move(entity));
    }
    snapshot.doc.settings = incoming.settings;
    snapshot.doc.entities = std::move(entities);
    for (const auto& [path, content] : files) snapshot.doc.files[path] = content;
    context.target = "workspace";
    context.audit.push_back({.campaign = "",
                             .actor = actor.name,
                             .action = "import",
                             .target = "workspace",
                             .detail = {{"source", display_name},
                                        {"sha256", Sha256Hex(text)},
                                        {"entities", incoming.entities.size()}}});
    Reply reply;
    json counts = json::object();
    for (const Entity& entity : snapshot.doc.entities)
      counts[entity.kind] = counts.value(entity.kind, 0) + 1;
    reply.body = {{"workspace", ws}, {"imported", counts}, {"files", files.size()}};
    return reply;
  });
}

}  // namespace tandem::server
