// The request bodies of the user routes (UserService, user_service.h) as named structs, and their
// parse (requests.h).
// Thread safety: plain values and pure functions.
#ifndef TANDEM_SERVER_USER_REQUESTS_H_
#define TANDEM_SERVER_USER_REQUESTS_H_

#include <nlohmann/json.hpp>
#include <string>

#include "tandem/server/requests.h"

namespace tandem::server {

// POST /api/users {"name", "role", "credential": "password" (default) or "token"}.
struct CreateUserRequest {
  std::string name;
  std::string role;  // the service checks the name (UserService::AddUser)
  bool token = false;
};
// 400 "(body)" when not an object, "name" or "role" when missing or not a string, "credential"
// when neither "password" nor "token" (also when not a string: it was an uncaught 500 before the
// body was typed).
Outcome<CreateUserRequest> ParseCreateUserRequest(const nlohmann::json& body);

}  // namespace tandem::server

#endif  // TANDEM_SERVER_USER_REQUESTS_H_
