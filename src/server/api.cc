#include "tandem/server/api.h"

namespace tandem::server {

ApiError ApiError::Invalid(std::string message, std::vector<FieldError> fields) {
  return {422, "invalid", std::move(message), std::move(fields)};
}
ApiError ApiError::Field(const std::string& field, const std::string& problem,
                         const std::string& allowed) {
  return {400, "bad_request", field + ": " + problem, {FieldError{field, problem, allowed, ""}}};
}
ApiError ApiError::Unauthenticated(std::string message) {
  return {401, "unauthenticated", std::move(message), {}};
}
ApiError ApiError::Forbidden(std::string message, const std::string& field) {
  ApiError error{403, "forbidden", std::move(message), {}};
  if (!field.empty())
    error.fields.push_back(
        {.field = field, .problem = "not yours to change", .allowed = "", .path = ""});
  return error;
}
ApiError ApiError::NotFound(std::string message) {
  return {404, "not_found", std::move(message), {}};
}
ApiError ApiError::Conflict(std::string message, const std::string& field) {
  ApiError error{409, "conflict", std::move(message), {}};
  if (!field.empty())
    error.fields.push_back({.field = field, .problem = error.message, .allowed = "", .path = ""});
  return error;
}
ApiError ApiError::PreconditionRequired(std::string message) {
  return {428,
          "precondition_required",
          std::move(message),
          {FieldError{"If-Match", "missing", "the ETag of the version you read", ""}}};
}
ApiError ApiError::PreconditionFailed(std::string message) {
  return {412,
          "precondition_failed",
          std::move(message),
          {FieldError{"If-Match", "matches nothing", "no If-Match to create", ""}}};
}
ApiError ApiError::TooMany(std::string message) {
  return {429, "rate_limited", std::move(message), {}};
}
ApiError ApiError::Internal(std::string message) {
  return {500, "internal", std::move(message), {}};
}

nlohmann::json ApiError::ToJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const FieldError& field : fields) {
    nlohmann::json item = {{"field", field.field}, {"problem", field.problem}};
    if (!field.allowed.empty()) item["allowed"] = field.allowed;
    if (!field.path.empty()) item["path"] = field.path;
    list.push_back(std::move(item));
  }
  return {{"error", {{"status", status}, {"code", code}, {"message", message}, {"fields", list}}}};
}

std::string JobErrorText(const Error& error) {
  if (error.option.empty()) return error.ToString();
  // The server passes the check's scenario count from `tandem serve --check-scenarios`; the
  // other options are the request's, under the library's names.
  const std::string field = error.option == "scenarios" ? "check_scenarios" : error.option;
  return field + ": " + error.ToString();
}

}  // namespace tandem::server
