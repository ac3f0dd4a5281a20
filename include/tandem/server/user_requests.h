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
// when neither "password" nor "token". A credential that is not a string is answered 500
// "internal error", as before the body was typed (the service threw reading it); nothing came
// between, so the answer and its order are unchanged. A 400 would be better, in its own change.
Outcome<CreateUserRequest> ParseCreateUserRequest(const nlohmann::json& body);

}  // namespace tandem::server

#endif  // TANDEM_SERVER_USER_REQUESTS_H_
