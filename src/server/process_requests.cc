// The parse of the process routes' bodies (tandem/server/process_requests.h). The messages are
// the API's: they were the service's own before the bodies were typed, and tests pin them.
#include "tandem/server/process_requests.h"

#include <algorithm>

namespace tandem::server {

using json = nlohmann::json;

namespace {

// The text at `key`, or "" when the body has none (not an object, no key, not a string).
std::string TextOr(const json& body, const char* key) {
  return body.is_object() && body.contains(key) && body[key].is_string()
             ? body[key].get<std::string>()
             : std::string();
}

bool HasText(const json& body, const char* key) {
  return body.is_object() && body.contains(key) && body[key].is_string();
}

// An optional text (a note, a comment). A value there that is not a string is the client's
// mistake: 400 naming the key, returned by the service where it stores the text, after the
// process's own refusals (before the bodies were typed it was an uncaught 500 at that point).
Parsed<std::string> OptionalText(const json& body, const char* key) {
  if (!body.contains(key)) return std::string();
  if (!body[key].is_string())
    return ApiError::Field(key, "must be a text", "a text, or leave it out");
  return body[key].get<std::string>();
}

bool IsReviewPart(const std::string& name) {
  return std::any_of(process::kReviewParts.begin(), process::kReviewParts.end(),
                     [&](const char* part) { return name == part; });
}

std::string ReviewPartNames() {
  std::string names;
  for (const char* part : process::kReviewParts)
    names += std::string(names.empty() ? "" : ", ") + part;
  return names;
}

}  // namespace

Outcome<TransitionRequest> ParseTransitionRequest(const json& body) {
  if (!HasText(body, "to")) return ApiError::Field("to", "missing", "the state to move to");
  const std::string name = body["to"];
  const std::optional<process::ProcessState> to = process::ParseState(name);
  if (!to) {
    return ApiError::Field("to", "unknown state '" + name + "'",
                           "draft, groundwork, transfer, approved, live, follow-up, closed");
  }
  return TransitionRequest{*to};
}

Outcome<ConfirmRequest> ParseConfirmRequest(const json& body) {
  if (!body.is_object()) return ApiError::Field("(body)", "must be an object", "{note}");
  return ConfirmRequest{OptionalText(body, "note")};
}

Outcome<SignOffRequest> ParseSignOffRequest(const json& body) {
  if (!HasText(body, "check"))
    return ApiError::Field("check", "missing", "the key of the check result you reviewed");
  return SignOffRequest{body["check"].get<std::string>(), OptionalText(body, "comment")};
}

Outcome<ObjectionRequest> ParseObjectionRequest(const json& body) {
  if (!HasText(body, "check"))
    return ApiError::Field("check", "missing", "the key of the check result you reviewed");
  return ObjectionRequest{body["check"].get<std::string>(), TextOr(body, "reason")};
}

Outcome<AnswerRequest> ParseAnswerRequest(const json& body) {
  return AnswerRequest{TextOr(body, "text")};
}

Outcome<ApproveRequest> ParseApproveRequest(const json& body) {
  if (!HasText(body, "check"))
    return ApiError::Field("check", "missing", "the key of the check result approved");
  ApproveRequest request{body["check"].get<std::string>(), std::nullopt};
  if (body.contains("override")) request.override = {TextOr(body["override"], "reason")};
  return request;
}

std::optional<ApiError> ReviewPartError(const std::string& part, const std::string& text) {
  if (!IsReviewPart(part))
    return ApiError::Field(part, "unknown part of the review", ReviewPartNames());
  if (text.size() > kMaxReviewPartBytes) {
    return ApiError::Field(part, "too long",
                           "at most " + std::to_string(kMaxReviewPartBytes) + " bytes");
  }
  return std::nullopt;
}

Outcome<PutReviewRequest> ParsePutReviewRequest(const json& body) {
  if (!body.is_object())
    return ApiError::Field("(body)", "must be a JSON object", ReviewPartNames());
  PutReviewRequest request;
  for (const auto& [key, value] : body.items()) {
    if (!IsReviewPart(key)) return *ReviewPartError(key, "");
    if (!value.is_string()) return ApiError::Field(key, "must be a text", "a string");
    std::string text = value.get<std::string>();
    if (std::optional<ApiError> error = ReviewPartError(key, text)) return *error;
    request.parts[key] = std::move(text);
  }
  return request;
}

}  // namespace tandem::server
