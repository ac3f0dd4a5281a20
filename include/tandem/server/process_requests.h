// The request bodies of the process routes (ProcessService, process_service.h) as named structs,
// and their parse from the JSON the HTTP layer read. Each Parse...Request is the only reader of
// its body: it refuses what the service never could use (a missing key, a wrong type) with the
// error the API documents, and leaves the rules of the process (a reason's length, who may, from
// which state) to the service and the process core, which check them after their own
// authorisation checks (requests.h).
// Thread safety: plain values and pure functions.
#ifndef TANDEM_SERVER_PROCESS_REQUESTS_H_
#define TANDEM_SERVER_PROCESS_REQUESTS_H_

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tandem/process/process.h"
#include "tandem/server/requests.h"

namespace tandem::server {

// POST .../transition {"to": state}.
struct TransitionRequest {
  process::ProcessState to = process::ProcessState::kDraft;
};
// 400 "to": missing (not a string) or an unknown state. "approved" parses (the service refuses
// it: approval has its own action).
Outcome<TransitionRequest> ParseTransitionRequest(const nlohmann::json& body);

// POST .../confirmations/{function} {"note": text, optional}.
struct ConfirmRequest {
  // A note that is not a text is refused 400 ("note": must be a text) where the service stores
  // it, after the process's own refusals (it was an uncaught 500 there before the body was typed).
  Parsed<std::string> note = std::string();
};
// 400 "(body)" when not an object.
Outcome<ConfirmRequest> ParseConfirmRequest(const nlohmann::json& body);

// POST .../signoffs/{function} {"check": key of the check result signed, "comment": text}.
struct SignOffRequest {
  std::string check;
  Parsed<std::string> comment = std::string();  // not a text: as ConfirmRequest's note
};
// 400 "check": missing (not a string).
Outcome<SignOffRequest> ParseSignOffRequest(const nlohmann::json& body);

// POST .../signoffs/{function}/refuse and .../request-changes {"check": key, "reason": text}.
struct ObjectionRequest {
  std::string check;
  std::string reason;  // a reason that is not a text reads as empty (too short: the core says so)
};
// 400 "check": missing (not a string); the reason is the core's to judge.
Outcome<ObjectionRequest> ParseObjectionRequest(const nlohmann::json& body);

// POST .../objections/{function}/answer {"text": text}.
struct AnswerRequest {
  std::string text;  // anything but a text reads as empty (too short: the core says so)
};
// Never refuses: the answer's text is the core's to judge.
Outcome<AnswerRequest> ParseAnswerRequest(const nlohmann::json& body);

// POST .../approve {"check": key} or {"check": key, "override": {"reason": text}}.
struct ApproveRequest {
  struct Override {
    std::string reason;  // anything but a text reads as empty
  };
  std::string check;
  std::optional<Override> override =
      std::nullopt;  // asked for whenever the key is there, whatever its value
};
// 400 "check": missing (not a string).
Outcome<ApproveRequest> ParseApproveRequest(const nlohmann::json& body);

// PUT .../review {"promised", "kept", "forecast_error", "lessons"}: each a text of at most
// kMaxReviewPartBytes; a part left out is empty.
struct PutReviewRequest {
  std::map<std::string, std::string> parts;  // name (process::kReviewParts) -> text
};
inline constexpr size_t kMaxReviewPartBytes = 20'000;
// 400 "(body)" when not an object; else, for the first offending key in key order: not a part of
// the review, not a text, or longer than kMaxReviewPartBytes.
Outcome<PutReviewRequest> ParsePutReviewRequest(const nlohmann::json& body);
// The refusal of one part (an unknown name or a text too long), or nullopt. The service checks
// requests built in code with it.
std::optional<ApiError> ReviewPartError(const std::string& part, const std::string& text);

}  // namespace tandem::server

#endif  // TANDEM_SERVER_PROCESS_REQUESTS_H_
