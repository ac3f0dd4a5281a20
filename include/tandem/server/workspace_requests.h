// The request bodies of the workspace routes (WorkspaceService, workspace_service.h) that are
// requests rather than documents, as named structs, and their parse (requests.h). The
// documents (a scenario entry, a part of one, a history file, a scenario to import) stay the
// documents they are: the service validates them with the whole workspace, as a scenario.
// Thread safety: plain values and pure functions.
#ifndef TANDEM_SERVER_WORKSPACE_REQUESTS_H_
#define TANDEM_SERVER_WORKSPACE_REQUESTS_H_

#include <nlohmann/json.hpp>
#include <string>

#include "tandem/server/requests.h"

namespace tandem::server {

// PUT /api/workspaces/{ws} and the settings of a new workspace: the scenario's top level (name,
// currency, horizon, today, simulation), a document the service reads as a scenario.
struct SettingsRequest {
  nlohmann::json settings = nlohmann::json::object();  // an object of those keys only
};
// 400 "(body)" when not an object; 400 naming the first key (in key order) that is not one of
// the settings.
Outcome<SettingsRequest> ParseSettingsRequest(const nlohmann::json& body);

// POST /api/workspaces {"id": the workspace's id, "settings": {...}, optional}.
struct CreateWorkspaceRequest {
  std::string id;
  SettingsRequest settings;
};
// 400 "(body)" when not an object, "id" when missing or not an id (ValidKey), and the settings'
// refusals with their field under "settings." ("settings.(body)", "settings.KEY").
Outcome<CreateWorkspaceRequest> ParseCreateWorkspaceRequest(const nlohmann::json& body);

// A workspace's or an entry's id: a letter or digit, then letters, digits, '.', '_', '-'; at
// most 100 characters.
bool ValidKey(const std::string& id);

}  // namespace tandem::server

#endif  // TANDEM_SERVER_WORKSPACE_REQUESTS_H_
