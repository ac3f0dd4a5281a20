// Values the services take and return besides Reply (api.h): the options of the service layer,
// credentials and sessions, and the named requests of the follow-up routes.
// Thread safety: plain values.
#ifndef TANDEM_SERVER_SERVICE_TYPES_H_
#define TANDEM_SERVER_SERVICE_TYPES_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/server/api.h"
#include "tandem/server/webhooks.h"

namespace tandem::server {

struct ServiceOptions {
  std::string database = "sqlite:tandem.db";  // sqlite:PATH or postgresql://...
  int pool_size = 8;
  int job_workers = 1;  // checks run at once (counter-proposals: one at a time, beside them)
  // Jobs are claimed through the database (src/server/job_claims.h), so that several servers on
  // one database run each once: a claim lasts `job_lease` and is renewed every third of it while
  // the job runs; a job whose server died is claimed again by another once its lease has
  // passed. `job_poll`: how often a server looks for jobs queued by the others.
  std::chrono::milliseconds job_lease{30'000};
  std::chrono::milliseconds job_poll{1'000};
  int check_threads = 0;  // engine threads per check (0 = all cores)
  // Overrides simulation.scenarios for every check (demo, tests); part of the cache key.
  std::optional<int64_t> check_scenarios;
  bool run_jobs = true;                // false for one-shot CLI commands (user add, import)
  bool fast_password_hashing = false;  // libsodium's minimum Argon2id limits: tests only
  std::chrono::hours session_lifetime{12};
  std::chrono::hours token_lifetime{24 * 90};  // API tokens expire (tandem user token --days)
  WebhookOptions webhooks;                     // delivery of alerts to webhooks (run when run_jobs)
  // The wall clock (tests set it); default std::chrono::system_clock::now.
  std::function<std::chrono::system_clock::time_point()> clock;
  // How often the clock moves campaigns through the process (ProcessService::AdvanceByClock:
  // follow-up when the window opens, closed when it has ended, returns matured, review written).
  // Run when run_jobs; zero: never (tests call AdvanceByClock themselves).
  std::chrono::milliseconds clock_interval{60'000};
  // The HTML page around a report's data (`title`, the data JSON of tandem/render/report_data.h):
  // web::RenderReportHtml, set by the CLI (the server library does not embed the web bundle).
  // Unset: GET .../campaigns/{id}/report answers 501.
  std::function<std::string(std::string_view title, std::string_view data_json)> render_report_html;
};

// A secret shown once: a password or an API token.
struct Credential {
  std::string user;
  std::string role;
  std::string kind;  // "password" or "token"
  std::string secret;
};

struct Session {
  Actor actor;
  std::string token;  // the cookie value
  std::string csrf;   // to send back in X-CSRF-Token on unsafe requests
  std::string expires_at;
};

struct Authenticated {
  Actor actor;
  bool session = false;  // true: a browser session (CSRF applies)
  std::string csrf;
};

// PUT /api/workspaces/{ws}/actuals/{file}: one actuals file's CSV text (docs/follow-up.md).
struct ActualsUpload {
  std::string file;  // "orders", "tickets" or "spend"
  std::string text;
};

// GET /api/workspaces/{ws}/campaigns/{id}/follow-up.
struct FollowUpQuery {
  std::string campaign;
  std::optional<std::string> as_of;  // YYYY-MM-DDTHH:MM; default the latest time in the actuals
};

// Who may upload each actuals file ("orders", "tickets", "spend"): orders are operations' and
// marketing's data, tickets service's and operations', spend marketing's and finance's; admin
// always. Empty for an unknown file.
std::vector<Role> ActualsUploaders(const std::string& file);

}  // namespace tandem::server

#endif  // TANDEM_SERVER_SERVICE_TYPES_H_
