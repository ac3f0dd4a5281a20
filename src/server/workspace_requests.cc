// The parse of the workspace routes' requests (tandem/server/workspace_requests.h). The messages
// are the API's: they were the service's own before the bodies were typed.
#include "tandem/server/workspace_requests.h"

#include <algorithm>
#include <regex>

#include "server/scenario_doc.h"

namespace tandem::server {

using json = nlohmann::json;

bool ValidKey(const std::string& id) {
  static const std::regex pattern("^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$");
  return std::regex_match(id, pattern);
}

Outcome<SettingsRequest> ParseSettingsRequest(const json& body) {
  if (!body.is_object())
    return ApiError::Field("(body)", "must be an object",
                           "name, currency, horizon, today, simulation");
  for (const auto& [key, value] : body.items()) {
    if (std::find(SettingsKeys().begin(), SettingsKeys().end(), key) == SettingsKeys().end()) {
      return ApiError::Field(key, "unknown key", "name, currency, horizon, today, simulation");
    }
  }
  return SettingsRequest{body};
}

Outcome<CreateWorkspaceRequest> ParseCreateWorkspaceRequest(const json& body) {
  if (!body.is_object()) return ApiError::Field("(body)", "must be an object", "{id, settings}");
  if (!body.contains("id") || !body["id"].is_string() || !ValidKey(body["id"].get<std::string>()))
    return ApiError::Field("id", "missing or not a valid id", "letters, digits, . _ -, up to 100");
  Outcome<SettingsRequest> settings =
      ParseSettingsRequest(body.contains("settings") ? body["settings"] : json::object());
  if (!settings.ok()) {
    ApiError error = settings.error();
    for (FieldError& field : error.fields) field.field = "settings." + field.field;
    return error;
  }
  return CreateWorkspaceRequest{body["id"].get<std::string>(), std::move(settings).value()};
}

}  // namespace tandem::server
