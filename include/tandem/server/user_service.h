// Users, credentials and sessions: adding users, API tokens (listed without their secrets,
// revoked), password logins, and authenticating a bearer token or a session cookie.
//
// Secrets (passwords, tokens, session ids) are stored only as hashes and returned once, in a
// Credential or a Session. A login that names no user still verifies a dummy hash, so that the
// time taken does not tell which names exist.
//
// Ownership: holds a reference to the ServiceCore that `Service` owns; Service outlives it.
// Thread safety: every method may be called concurrently from any thread.
#ifndef TANDEM_SERVER_USER_SERVICE_H_
#define TANDEM_SERVER_USER_SERVICE_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tandem/server/api.h"
#include "tandem/server/requests.h"
#include "tandem/server/service_types.h"
#include "tandem/server/user_requests.h"

namespace tandem::server {

class ServiceCore;

class UserService {
 public:
  using json = nlohmann::json;

  // `dummy_hash`: a password hash verified when a login names no user.
  UserService(ServiceCore& core, std::string dummy_hash);
  UserService(const UserService&) = delete;
  UserService& operator=(const UserService&) = delete;

  // `token_days`: the token's lifetime (1..3650 days; default ServiceOptions::token_lifetime).
  Outcome<Credential> AddUser(const std::string& name, const std::string& role, bool token,
                              std::optional<int> token_days = std::nullopt);
  Outcome<Credential> NewToken(const std::string& name,  // another API token for a user
                               std::optional<int> token_days = std::nullopt);
  // Admin: a user's API tokens without their secrets: {"items": [{id, created_at, expires_at,
  // expired}]}.
  Outcome<Reply> ListTokens(const Actor& actor, const std::string& name);
  // Admin: revokes one token of the user (`id`) or all of them (nullopt): {"revoked": count}.
  // An unknown user or token id is 404.
  Outcome<Reply> RevokeTokens(const Actor& actor, const std::string& name,
                              std::optional<int64_t> id);
  Outcome<Session> Login(const std::string& name, const std::string& password);
  Outcome<Authenticated> AuthenticateBearer(const std::string& token);
  Outcome<Authenticated> AuthenticateSession(const std::string& token);
  void Logout(const std::string& session_token);
  Outcome<Reply> ListUsers(const Actor& actor);
  // Admin: AddUser through the API; 201 {name, role, credential, secret} (the secret shown once).
  Outcome<Reply> CreateUser(const Actor& actor, const Parsed<CreateUserRequest>& request);

  // Failed password logins, counted in the database so that every server on it sees them (the
  // HTTP layer's LoginGuard keys them by account and client). `key` is opaque here. A database
  // error counts as "not held" (a login is then only as slow as the password hash), and a
  // failure that cannot be stored is forgotten.
  int64_t LoginBlockedUntil(const std::string& key);  // milliseconds since the epoch; 0: free
  // Counts a failure; after `free_failures` of them the key is held 1 s, doubling with every
  // further failure up to `max_backoff_seconds`. Keys without a failure for a day are forgotten.
  void LoginFailed(const std::string& key, int free_failures, double max_backoff_seconds);
  void LoginSucceeded(const std::string& key);
  // A secret shared by every server on the database (the key of the device cookies): drawn by
  // the first server that asks, read by the others.
  Outcome<std::string> SharedSecret(const std::string& name);

 private:
  ServiceCore& core_;
  const std::string dummy_hash_;
};

}  // namespace tandem::server

#endif  // TANDEM_SERVER_USER_SERVICE_H_
