// The parse of the user routes' bodies (tandem/server/user_requests.h). The messages are the
// API's: they were the service's own before the bodies were typed.
#include "tandem/server/user_requests.h"

namespace tandem::server {

using json = nlohmann::json;

Outcome<CreateUserRequest> ParseCreateUserRequest(const json& body) {
  if (!body.is_object())
    return ApiError::Field("(body)", "must be an object", "{name, role, credential}");
  if (!body.contains("name") || !body["name"].is_string())
    return ApiError::Field("name", "missing", "a user name");
  if (!body.contains("role") || !body["role"].is_string())
    return ApiError::Field("role", "missing", "a role");
  if (body.contains("credential") && !body["credential"].is_string())
    return ApiError::Field("credential", "must be a text", "password or token");
  const std::string kind = body.value("credential", "password");
  if (kind != "password" && kind != "token")
    return ApiError::Field("credential", "unknown kind", "password or token");
  return CreateUserRequest{body["name"].get<std::string>(), body["role"].get<std::string>(),
                           kind == "token"};
}

}  // namespace tandem::server
