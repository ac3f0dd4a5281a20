// Values shared by the service layer and the HTTP front end: roles, the acting user, API
// errors (with the fields they name) and replies.
//
// The service layer (service.h) returns Outcome<Reply>: either a reply (status, JSON body,
// version for the ETag) or an ApiError. Errors are values; nothing throws across this API.
// Thread safety: plain values.
#ifndef TANDEM_SERVER_API_H_
#define TANDEM_SERVER_API_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tandem/common/result.h"
#include "tandem/process/process.h"

namespace tandem::server {

// The roles are the process core's (tandem/process/process.h): marketing, operations, finance,
// service, admin; Functions() the four that confirm and sign off.
using process::Functions;
using process::ParseRole;
using process::Role;
using process::RoleName;

struct Actor {
  int64_t user_id = 0;
  std::string name;
  Role role = Role::kMarketing;
};

// One problem with a request, naming the field: a JSON pointer-like path into the request body
// ("capacity", "promises[0].within"), a header ("If-Match"), or a scenario key path.
struct FieldError {
  std::string field;
  std::string problem;
  std::string allowed;
  std::string path;  // the key in the whole workspace scenario, when it differs from `field`
};

struct ApiError {
  int status = 500;
  std::string code;  // machine-readable: "invalid", "forbidden", "not_found", "conflict", ...
  std::string message;
  std::vector<FieldError> fields;

  static ApiError Invalid(std::string message, std::vector<FieldError> fields = {});
  static ApiError Field(const std::string& field, const std::string& problem,
                        const std::string& allowed = "");
  static ApiError Unauthenticated(std::string message);
  static ApiError Forbidden(std::string message, const std::string& field = "");
  static ApiError NotFound(std::string message);
  static ApiError Conflict(std::string message, const std::string& field = "");
  static ApiError PreconditionRequired(std::string message);
  static ApiError PreconditionFailed(std::string message);  // 412: If-Match names nothing there
  static ApiError TooMany(std::string message);
  static ApiError Internal(std::string message);

  // {"error": {"status", "code", "message", "fields": [{"field", "problem", "allowed", "path"}]}}
  nlohmann::json ToJson() const;
};

template <typename T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : state_(std::move(value)) {}         // NOLINT: implicit by design
  Outcome(ApiError error) : state_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return std::holds_alternative<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const ApiError& error() const { return std::get<ApiError>(state_); }

 private:
  std::variant<T, ApiError> state_;
};

// An error of the engine, the follow-up or the searches (RunCheck, RunFollowUp, Recommend) as a
// failed job reports it: its text after the name the API gives the option it is about (the
// query parameter as_of, the campaign of the path, the server's check_scenarios setting), e.g.
// "as_of: no time in the actuals: give the as-of time". Errors about no option: their text.
std::string JobErrorText(const Error& error);

// What a successful call returns. `version` becomes the ETag; `text` (with `content_type`)
// replaces the JSON body for non-JSON replies (the YAML export, a history file).
struct Reply {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  std::optional<int64_t> version;
  std::string text;
  std::string content_type;
};

}  // namespace tandem::server

#endif  // TANDEM_SERVER_API_H_
