// Users, credentials and sessions (user_service.h).
#include "tandem/server/user_service.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <regex>

#include "server/crypto.h"
#include "server/service_core.h"

namespace tandem::server {

using store::Connection;
using store::Rows;
using store::Value;

namespace {

const std::regex& UserPattern() {
  static const std::regex pattern("^[a-z0-9][a-z0-9_.-]{0,63}$");
  return pattern;
}

}  // namespace

UserService::UserService(ServiceCore& core, std::string dummy_hash)
    : core_(core), dummy_hash_(std::move(dummy_hash)) {}

// ---------------------------------------------------------------------------------------------
// Users and authentication

Outcome<Credential> UserService::AddUser(const std::string& name, const std::string& role_text,
                                         bool token, std::optional<int> token_days) {
  Outcome<std::string> expires = core_.TokenExpiry(token_days);
  if (!expires.ok()) return expires.error();
  if (!std::regex_match(name, UserPattern())) {
    return ApiError::Field("name", "'" + name + "' is not a valid user name",
                           "lowercase letters, digits, . _ -, up to 64");
  }
  const std::optional<Role> role = ParseRole(role_text);
  if (!role)
    return ApiError::Field("role", "unknown role '" + role_text + "'",
                           "marketing, operations, finance, service, admin");
  Credential credential{name, role_text, token ? "token" : "password", ""};
  const std::string password = token ? std::string() : RandomPassword();
  const std::string hash =
      token ? std::string() : HashPassword(password, core_.options.fast_password_hashing);
  if (!token && hash.empty())
    return ApiError::Internal("could not hash the password (out of memory)");
  const std::string secret = token ? "tdt_" + RandomHex(32) : password;
  Outcome<bool> done =
      ApiTransaction(*core_.database, [&](Connection& c, const AbortWith& abort) -> Status {
        Result<Rows> existing = c.Query("SELECT id FROM users WHERE name = $1", {name});
        if (!existing.ok()) return existing.error();
        if (!existing.value().empty())
          return abort(ApiError::Conflict("a user named '" + name + "' exists", "name"));
        Result<int64_t> id =
            store::QueryInt(c,
                            "INSERT INTO users (name, role, password_hash, "
                            "created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                            {name, role_text, token ? Value() : Value(hash), core_.Now()});
        if (!id.ok()) return id.error();
        if (token) {
          Result<Rows> inserted = c.Query(
              "INSERT INTO credentials (user_id, kind, secret_hash, created_at, expires_at) VALUES "
              "($1, 'token', $2, $3, $4)",
              {id.value(), Sha256Hex(secret), core_.Now(), expires.value()});
          if (!inserted.ok()) return inserted.error();
        }
        return OkStatus();
      });
  if (!done.ok()) return done.error();
  credential.secret = secret;
  return credential;
}

Outcome<Credential> UserService::NewToken(const std::string& name, std::optional<int> token_days) {
  Outcome<std::string> expires = core_.TokenExpiry(token_days);
  if (!expires.ok()) return expires.error();
  const std::string secret = "tdt_" + RandomHex(32);
  Credential credential{name, "", "token", secret};
  Outcome<bool> done =
      ApiTransaction(*core_.database, [&](Connection& c, const AbortWith& abort) -> Status {
        Result<Rows> user = c.Query("SELECT id, role FROM users WHERE name = $1", {name});
        if (!user.ok()) return user.error();
        if (user.value().empty()) return abort(ApiError::NotFound("no user named '" + name + "'"));
        credential.role = user.value().rows[0].Text(1);
        Result<Rows> inserted = c.Query(
            "INSERT INTO credentials (user_id, kind, secret_hash, created_at, expires_at) VALUES "
            "($1, "
            "'token', $2, $3, $4)",
            {user.value().rows[0].Int(0), Sha256Hex(secret), core_.Now(), expires.value()});
        return inserted.ok() ? OkStatus() : Status(inserted.error());
      });
  if (!done.ok()) return done.error();
  return credential;
}

Outcome<Reply> UserService::ListTokens(const Actor& actor, const std::string& name) {
  if (actor.role != Role::kAdmin) return ApiError::Forbidden("only admin lists tokens");
  std::optional<ApiError> failure;
  Reply reply;
  Status read = core_.database->Read([&](Connection& c) -> Status {
    reply.body = {{"user", name}, {"items", json::array()}};
    Result<Rows> user = c.Query("SELECT id FROM users WHERE name = $1", {name});
    if (!user.ok()) return user.error();
    if (user.value().empty()) {
      failure = ApiError::NotFound("no user named '" + name + "'");
      return OkStatus();
    }
    // Never the secret (only its hash is stored) nor the hash.
    Result<Rows> rows = c.Query(
        "SELECT id, created_at, expires_at FROM credentials WHERE user_id = $1 AND kind = 'token' "
        "ORDER BY id",
        {user.value().rows[0].Int(0)});
    if (!rows.ok()) return rows.error();
    const std::string now = core_.Now();
    for (const store::Row& row : rows.value().rows) {
      reply.body["items"].push_back(
          {{"id", row.Int(0)},
           {"created_at", row.Text(1)},
           {"expires_at", row.IsNull(2) ? json(nullptr) : json(row.Text(2))},
           {"expired", !row.IsNull(2) && row.Text(2) < now}});
    }
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  if (failure) return *failure;
  return reply;
}

Outcome<Reply> UserService::RevokeTokens(const Actor& actor, const std::string& name,
                                         std::optional<int64_t> id) {
  if (actor.role != Role::kAdmin) return ApiError::Forbidden("only admin revokes tokens");
  int64_t revoked = 0;
  Outcome<bool> done =
      ApiTransaction(*core_.database, [&](Connection& c, const AbortWith& abort) -> Status {
        Result<Rows> user = c.Query("SELECT id FROM users WHERE name = $1", {name});
        if (!user.ok()) return user.error();
        if (user.value().empty()) return abort(ApiError::NotFound("no user named '" + name + "'"));
        const int64_t user_id = user.value().rows[0].Int(0);
        Result<Rows> deleted =
            id ? c.Query(
                     "DELETE FROM credentials WHERE user_id = $1 AND kind = 'token' AND id = $2",
                     {user_id, *id})
               : c.Query("DELETE FROM credentials WHERE user_id = $1 AND kind = 'token'",
                         {user_id});
        if (!deleted.ok()) return deleted.error();
        revoked = deleted.value().affected;
        if (id && revoked == 0)
          return abort(
              ApiError::NotFound("user '" + name + "' has no token " + std::to_string(*id)));
        return OkStatus();
      });
  if (!done.ok()) return done.error();
  Reply reply;
  reply.body = {{"user", name}, {"revoked", revoked}};
  return reply;
}

Outcome<Session> UserService::Login(const std::string& name, const std::string& password) {
  std::string hash;
  Actor actor;
  Status read = core_.database->Read([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query(
        "SELECT id, name, role, password_hash FROM users WHERE name = $1 AND disabled = 0", {name});
    if (!rows.ok()) return rows.error();
    if (!rows.value().empty()) {
      const store::Row& row = rows.value().rows[0];
      actor.user_id = row.Int(0);
      actor.name = row.Text(1);
      actor.role = ParseRole(row.Text(2)).value_or(Role::kMarketing);
      hash = row.Text(3);
    }
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  // Verify against a hash of the same cost when the user does not exist, so that timing does
  // not tell which names exist.
  const bool ok = VerifyPassword(hash.empty() ? dummy_hash_ : hash, password) && !hash.empty();
  if (!ok) {
    ++core_.metrics.logins_failed;
    return ApiError::Unauthenticated("wrong user name or password");
  }
  Session session{actor, "tds_" + RandomHex(32), RandomHex(16), ""};
  const auto expires = core_.options.clock() + core_.options.session_lifetime;
  {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(expires);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[40];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    session.expires_at = buffer;
  }
  Status status = core_.database->Transaction([&](Connection& c) -> Status {
    Result<Rows> inserted = c.Query(
        "INSERT INTO credentials (user_id, kind, secret_hash, csrf, created_at, expires_at) "
        "VALUES ($1, 'session', $2, $3, $4, $5)",
        {actor.user_id, Sha256Hex(session.token), session.csrf, core_.Now(), session.expires_at});
    if (!inserted.ok()) return inserted.error();
    // Expired sessions are removed as new ones are made.
    Result<Rows> swept = c.Query(
        "DELETE FROM credentials WHERE kind = 'session' AND expires_at < $1", {core_.Now()});
    return swept.ok() ? OkStatus() : Status(swept.error());
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  return session;
}

namespace {
Outcome<Authenticated> Authenticate(store::Database& database, const std::string& secret,
                                    const char* kind, const std::string& now) {
  Authenticated result;
  bool found = false;
  Status read = database.Read([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query(
        "SELECT u.id, u.name, u.role, c.csrf, c.expires_at FROM credentials c JOIN users u ON u.id "
        "= c.user_id "
        "WHERE c.secret_hash = $1 AND c.kind = $2 AND u.disabled = 0",
        {Sha256Hex(secret), kind});
    if (!rows.ok()) return rows.error();
    if (rows.value().empty()) return OkStatus();
    const store::Row& row = rows.value().rows[0];
    if (!row.IsNull(4) && row.Text(4) < now) return OkStatus();
    found = true;
    result.actor.user_id = row.Int(0);
    result.actor.name = row.Text(1);
    result.actor.role = ParseRole(row.Text(2)).value_or(Role::kMarketing);
    result.csrf = row.Text(3);
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  if (!found)
    return ApiError::Unauthenticated(std::string(kind) == "session"
                                         ? "the session has ended; log in again"
                                         : "unknown or revoked token");
  return result;
}
}  // namespace

Outcome<Authenticated> UserService::AuthenticateBearer(const std::string& token) {
  return Authenticate(*core_.database, token, "token", core_.Now());
}

Outcome<Authenticated> UserService::AuthenticateSession(const std::string& token) {
  Outcome<Authenticated> result = Authenticate(*core_.database, token, "session", core_.Now());
  if (result.ok()) result.value().session = true;
  return result;
}

void UserService::Logout(const std::string& session_token) {
  (void)core_.database->Transaction([&](Connection& c) -> Status {
    Result<Rows> rows =
        c.Query("DELETE FROM credentials WHERE secret_hash = $1 AND kind = 'session'",
                {Sha256Hex(session_token)});
    return rows.ok() ? OkStatus() : Status(rows.error());
  });
}

Outcome<Reply> UserService::ListUsers(const Actor& actor) {
  if (actor.role != Role::kAdmin) return ApiError::Forbidden("only admin lists users");
  Reply reply;
  reply.body = {{"items", json::array()}};
  Status read = core_.database->Read([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query("SELECT name, role, created_at FROM users ORDER BY name", {});
    if (!rows.ok()) return rows.error();
    for (const store::Row& row : rows.value().rows) {
      reply.body["items"].push_back(
          {{"name", row.Text(0)}, {"role", row.Text(1)}, {"created_at", row.Text(2)}});
    }
    return OkStatus();
  });
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  return reply;
}

Outcome<Reply> UserService::CreateUser(const Actor& actor,
                                       const Parsed<CreateUserRequest>& request) {
  if (actor.role != Role::kAdmin) return ApiError::Forbidden("only admin adds users");
  if (!request.ok()) return request.error();
  Outcome<Credential> credential =
      AddUser(request.value().name, request.value().role, request.value().token);
  if (!credential.ok()) return credential.error();
  Reply reply;
  reply.status = 201;
  reply.body = {{"name", credential.value().user},
                {"role", credential.value().role},
                {"credential", credential.value().kind},
                {"secret", credential.value().secret}};
  return reply;
}

// ---------------------------------------------------------------------------------------------
// Login throttling and secrets shared by the servers on one database

int64_t UserService::LoginBlockedUntil(const std::string& key) {
  int64_t until = 0;
  (void)core_.database->Read([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query("SELECT blocked_until FROM login_failures WHERE key = $1", {key});
    if (!rows.ok()) return rows.error();
    until = rows.value().empty() ? 0 : rows.value().rows[0].Int(0);
    return OkStatus();
  });
  return until;
}

void UserService::LoginFailed(const std::string& key, int free_failures,
                              double max_backoff_seconds) {
  const int64_t now = EpochMillisNow();
  constexpr int64_t kForgetAfter = 24 * 3600 * 1000;
  (void)core_.database->Transaction([&](Connection& c) -> Status {
    if (randombytes_uniform(100) == 0) {  // now and then: keys idle for a day are forgotten
      Result<Rows> forgotten =
          c.Query("DELETE FROM login_failures WHERE updated_at < $1", {now - kForgetAfter});
      if (!forgotten.ok()) return forgotten.error();
    }
    Result<Rows> counted = c.Query(
        "INSERT INTO login_failures (key, failures, blocked_until, updated_at) VALUES ($1, 1, 0, "
        "$2) ON CONFLICT (key) DO UPDATE SET failures = login_failures.failures + 1, updated_at "
        "= $2 RETURNING failures",
        {key, now});
    if (!counted.ok()) return counted.error();
    const int64_t failures = counted.value().empty() ? 1 : counted.value().rows[0].Int(0);
    if (failures < free_failures) return OkStatus();
    const int doublings = static_cast<int>(std::min<int64_t>(failures - free_failures, 30));
    const double seconds = std::min(max_backoff_seconds, std::ldexp(1.0, doublings));
    Result<Rows> held = c.Query("UPDATE login_failures SET blocked_until = $1 WHERE key = $2",
                                {now + static_cast<int64_t>(seconds * 1000), key});
    return held.ok() ? OkStatus() : Status(held.error());
  });
}

void UserService::LoginSucceeded(const std::string& key) {
  (void)core_.database->Transaction([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query("DELETE FROM login_failures WHERE key = $1", {key});
    return rows.ok() ? OkStatus() : Status(rows.error());
  });
}

Outcome<std::string> UserService::SharedSecret(const std::string& name) {
  std::string value;
  const std::string drawn = RandomHex(32);
  Status status = core_.database->Transaction([&](Connection& c) -> Status {
    Result<Rows> inserted = c.Query(
        "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        {name, drawn});
    if (!inserted.ok()) return inserted.error();
    Result<Rows> rows = c.Query("SELECT value FROM server_secrets WHERE name = $1", {name});
    if (!rows.ok()) return rows.error();
    if (rows.value().empty()) return Error::Internal("the secret '" + name + "' vanished");
    value = rows.value().rows[0].Text(0);
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  return value;
}

}  // namespace tandem::server
