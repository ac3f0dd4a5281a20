// Workspaces and their documents: settings, the scenario's entries (calendars, resources,
// capabilities, offerings, messaging, campaigns) and the parts other functions own, history
// files, actuals, and the workspace as one scenario (export, import).
//
// Every write is one transaction (ServiceCore::Write): it validates the whole workspace as a
// scenario and is refused (422, with the fields it breaks) when that fails. Updates carry the
// version read (If-Match): stale is 409, missing 428; creates need none. Who may write what is
// checked here per field (docs/server.md, "Roles"), again after the route's role check.
//
// Ownership: holds a reference to the ServiceCore that `Service` owns; Service outlives it.
// Thread safety: every method may be called concurrently from any thread.
#ifndef TANDEM_SERVER_WORKSPACE_SERVICE_H_
#define TANDEM_SERVER_WORKSPACE_SERVICE_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tandem/server/api.h"
#include "tandem/server/requests.h"
#include "tandem/server/service_types.h"
#include "tandem/server/workspace_requests.h"

namespace tandem::server {

class ServiceCore;

class WorkspaceService {
 public:
  using json = nlohmann::json;

  explicit WorkspaceService(ServiceCore& core) : core_(core) {}
  WorkspaceService(const WorkspaceService&) = delete;
  WorkspaceService& operator=(const WorkspaceService&) = delete;

  Outcome<Reply> ListWorkspaces(const Actor& actor);
  // The id, and the settings read as a scenario's top level (422 naming the fields otherwise).
  Outcome<Reply> CreateWorkspace(const Actor& actor, const Parsed<CreateWorkspaceRequest>& request);
  Outcome<Reply> GetWorkspace(const Actor& actor, const std::string& ws);
  Outcome<Reply> PutSettings(const Actor& actor, const std::string& ws,
                             const Parsed<SettingsRequest>& request,
                             std::optional<int64_t> if_match);
  Outcome<Reply> DeleteWorkspace(const Actor& actor, const std::string& ws,
                                 std::optional<int64_t> if_match);
  // kind: calendars, resources, capabilities, offerings, messaging, campaigns.
  Outcome<Reply> ListEntities(const Actor& actor, const std::string& ws, const std::string& kind);
  Outcome<Reply> GetEntity(const Actor& actor, const std::string& ws, const std::string& kind,
                           const std::string& id);
  // Creates (no If-Match, 201) or replaces (If-Match required) one entry.
  Outcome<Reply> PutEntity(const Actor& actor, const std::string& ws, const std::string& kind,
                           const std::string& id, const json& body,
                           std::optional<int64_t> if_match);
  Outcome<Reply> DeleteEntity(const Actor& actor, const std::string& ws, const std::string& kind,
                              const std::string& id, std::optional<int64_t> if_match);
  // The impact preview of an operations edit (kind resources, calendars or capabilities): the
  // workspace with `body` as entry `id`, not stored, checked for each approved or live campaign
  // and compared with its stored check (check_delta.h). {items: [{campaign, state, verdict_before,
  // verdict, endangers, message, since_stored}]}. Checks not in the results cache are run here
  // (synchronously) and cached, so the re-check after saving the same edit is answered from it.
  // 422 with the fields when the edit makes the workspace invalid.
  Outcome<Reply> PreviewImpact(const Actor& actor, const std::string& ws, const std::string& kind,
                               const std::string& id, const json& body);
  // A part owned by another function: a campaign's `bookings` (operations), an offering's
  // `loads` (service, operations). The version is the entity's.
  Outcome<Reply> PutPart(const Actor& actor, const std::string& ws, const std::string& kind,
                         const std::string& id, const std::string& part, const json& value,
                         std::optional<int64_t> if_match);
  Outcome<Reply> ListFiles(const Actor& actor, const std::string& ws);
  Outcome<Reply> GetFile(const Actor& actor, const std::string& ws, const std::string& path);
  Outcome<Reply> PutFile(const Actor& actor, const std::string& ws, const std::string& path,
                         const std::string& text, std::optional<int64_t> if_match);
  Outcome<Reply> DeleteFile(const Actor& actor, const std::string& ws, const std::string& path,
                            std::optional<int64_t> if_match);
  // The workspace as one scenario file (YAML); bundle: {"scenario": YAML, "files": {path: text}}.
  Outcome<Reply> Export(const Actor& actor, const std::string& ws, bool bundle);
  // Replaces the workspace's model with a scenario file (creating the workspace if needed).
  // `files` are the history files it names. Campaign processes of kept campaigns stay.
  Outcome<Reply> Import(const Actor& actor, const std::string& ws, const std::string& text,
                        const std::map<std::string, std::string>& files,
                        const std::string& display_name);
  // Checks the CSV whole against the workspace's scenario (422 naming "orders.csv:LINE" and
  // what is allowed; nothing stored), then upserts its rows by id (spend: by campaign and date),
  // so re-sending an export changes nothing. When a campaign is live or in follow-up, queues a
  // follow-up of the workspace at its latest actuals (drift alerts). Returns {file, rows,
  // changed, job}.
  Outcome<Reply> PutActuals(const Actor& actor, const std::string& ws, const ActualsUpload& upload);

 private:
  ServiceCore& core_;
};

}  // namespace tandem::server

#endif  // TANDEM_SERVER_WORKSPACE_SERVICE_H_
