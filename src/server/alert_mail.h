// E-mail of alerts (docs/server.md, "E-mail"): a webhook whose URL is `mailto:ADDRESS` is
// delivered through the SMTP relay of `tandem serve --smtp URL` by the same outbox, dispatcher,
// retries and delivery log as an HTTP webhook. Internal to tandem_server.
//
// Thread safety: the functions are reentrant; SendAlertMail may run on any thread (libcurl's
// global state is set up once, before the first transfer).
#ifndef TANDEM_SRC_SERVER_ALERT_MAIL_H_
#define TANDEM_SRC_SERVER_ALERT_MAIL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace tandem::server {

// The address of a `mailto:` URL: one address local@domain (1-254 characters; no spaces,
// angle brackets, commas, quotes or control characters; a dot in the domain), or nullopt with
// the problem. Headers (`?subject=`) are not taken.
std::optional<std::string> ParseMailto(const std::string& url, std::string* problem);

// The message (RFC 5322, CRLF line ends) of one alert delivery: `body` is the outbox body
// {"workspace", "webhook", "alert": {id, kind, campaign, message, audience, at}}. Subject
// "[tandem] KIND: campaign CAMPAIGN (WORKSPACE)"; the text is the alert's message wrapped at
// 78 columns, then the kind's meaning from the alert table, the workspace, the campaign, who
// receives it and when it was raised. `date` is the Date header's value (RFC 5322 form).
std::string AlertMailText(const nlohmann::json& body, const std::string& from,
                          const std::string& to, const std::string& date, int64_t delivery);

// RFC 5322's date form of a UTC time: "Mon, 15 Mar 2027 09:30:00 +0000".
std::string MailDate(std::chrono::system_clock::time_point at);

// One SMTP transaction through `smtp_url` (smtp:// or smtps://, optional user:password@,
// optional port) with libcurl. `code` is the relay's last reply code (0: none); a 2xx/3xx end is
// delivered (error empty); a 5xx is permanent (retry false); no answer, a 4xx or a connection
// failure is retried. `abort` is polled while the transfer runs (true: give up at once).
struct MailOutcome {
  int code = 0;
  std::string error;
  bool retry = false;
};
MailOutcome SendAlertMail(const std::string& smtp_url, const std::string& from,
                          const std::string& to, const std::string& text,
                          std::chrono::milliseconds connect_timeout,
                          std::chrono::milliseconds total_timeout,
                          const std::function<bool()>& abort);

}  // namespace tandem::server

#endif  // TANDEM_SRC_SERVER_ALERT_MAIL_H_
