// The request body of PUT /api/workspaces/{ws}/webhooks/{id} (Webhooks::Put, webhooks.h) as a
// named struct, and its parse (requests.h).
// Thread safety: plain values and pure functions.
#ifndef TANDEM_SERVER_WEBHOOK_REQUESTS_H_
#define TANDEM_SERVER_WEBHOOK_REQUESTS_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tandem/server/requests.h"

namespace tandem::server {

// A webhook of a workspace (the path's {ws} and {id}).
struct WebhookRef {
  std::string ws;
  std::string id;
};

// {"url": http(s) URL or mailto:, "events": [alert kind or "*"], "secret": 16 to 256 characters,
// may be left out when replacing (and for mailto:, which is not signed)}.
struct WebhookRequest {
  std::string url;
  std::vector<std::string> events;  // sorted, without duplicates
  std::optional<std::string> secret;
};
// 400 "(body)" when not an object; else 422 "the webhook is not valid" with every problem, in
// this order: unknown keys, the URL (its form; a mailto: when `mail_relay` is false: the server
// has no SMTP relay), each event that is not an alert kind, the secret. Where the URL's host
// resolves is the service's to check (it asks DNS), after this parse.
Outcome<WebhookRequest> ParseWebhookRequest(const nlohmann::json& body, bool mail_relay);

}  // namespace tandem::server

#endif  // TANDEM_SERVER_WEBHOOK_REQUESTS_H_
