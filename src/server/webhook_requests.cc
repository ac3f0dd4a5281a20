// The parse of a webhook's PUT body (tandem/server/webhook_requests.h). The messages are the
// API's: they were the service's own before the body was typed.
#include "tandem/server/webhook_requests.h"

#include <set>

#include "server/alert_mail.h"
#include "tandem/process/alerts.h"
#include "tandem/server/webhooks.h"

namespace tandem::server {

using json = nlohmann::json;

namespace {

// The URL's problems (none: nullopt): its form, and a mailto: without a relay.
std::optional<FieldError> UrlProblem(const json& body, bool mail_relay) {
  if (!body.contains("url") || !body["url"].is_string())
    return FieldError{"url", "missing or not text", "an http or https URL", ""};
  const std::string url = body["url"].get<std::string>();
  std::string problem;
  if (std::string_view(DeliveryChannel(url)) == "email") {
    // E-mail through the server's relay: no address check (the relay is the operator's).
    if (!ParseMailto(url, &problem))
      return FieldError{"url", problem, "mailto:name@domain.example", ""};
    if (!mail_relay) {
      return FieldError{"url", "e-mail needs an SMTP relay and this server has none",
                        "an http(s) URL, or mailto: on a server run with --smtp URL", ""};
    }
    return std::nullopt;
  }
  if (!ParseWebhookUrl(url, &problem))
    return FieldError{"url", problem, "http(s)://host[:port]/path", ""};
  return std::nullopt;
}

}  // namespace

Outcome<WebhookRequest> ParseWebhookRequest(const json& body, bool mail_relay) {
  if (!body.is_object())
    return ApiError::Field("(body)", "not a JSON object", "{url, events, secret}");
  std::vector<FieldError> problems;
  for (const auto& [key, value] : body.items()) {
    if (key != "url" && key != "events" && key != "secret")
      problems.push_back({key, "unknown key", "url, events, secret", ""});
  }
  if (std::optional<FieldError> url = UrlProblem(body, mail_relay)) problems.push_back(*url);
  std::set<std::string> kinds;
  if (!body.contains("events") || !body["events"].is_array() || body["events"].empty()) {
    problems.push_back({"events", "missing, empty or not a list", "alert kinds or \"*\"", ""});
  } else {
    std::string allowed = "\"*\"";
    for (const process::AlertKind& kind : process::AlertKinds())
      allowed += std::string(", ") + kind.name;
    for (size_t i = 0; i < body["events"].size(); ++i) {
      const json& event = body["events"][i];
      if (!event.is_string() ||
          (event != "*" && !process::FindAlertKind(event.get<std::string>()))) {
        problems.push_back({"events[" + std::to_string(i) + "]", "not an alert kind", allowed, ""});
      } else {
        kinds.insert(event.get<std::string>());
      }
    }
  }
  std::optional<std::string> secret;
  if (body.contains("secret")) {
    if (!body["secret"].is_string() || body["secret"].get<std::string>().size() < 16 ||
        body["secret"].get<std::string>().size() > 256) {
      problems.push_back(
          {"secret", "not text of 16 to 256 characters", "16 to 256 characters", ""});
    } else {
      secret = body["secret"].get<std::string>();
    }
  }
  if (!problems.empty()) return ApiError::Invalid("the webhook is not valid", std::move(problems));
  return WebhookRequest{body["url"].get<std::string>(), {kinds.begin(), kinds.end()}, secret};
}

}  // namespace tandem::server
