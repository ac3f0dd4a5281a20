// tandem serve [--db sqlite:PATH | postgresql://...] [--host H] [--port P] [--web-root DIR] ...
// The shared workspace: JSON API, OpenAPI document, /healthz, /metrics and the web UI's files.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "serve_common.h"
#include "tandem/common/thread_annotations.h"
#include "tandem/server/http_server.h"
#include "tandem/server/service.h"
#include "tandem/web/report_html.h"

namespace tandem::cli {

std::string DefaultWebRoot() {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path beside = fs::read_symlink("/proc/self/exe", error).parent_path();
  // The UI built with this binary (web/app beside it in a CMake build directory), then web/dist
  // (npm run build in web/), then web/ beside an installed binary.
  for (const fs::path& candidate : {beside / "web" / "app", fs::path("web/dist"), beside / "web"}) {
    if (fs::exists(candidate / "index.html", error)) return candidate.string();
  }
  return {};
}

// The log: whole lines on stderr, one writer at a time (the HTTP workers log concurrently).
class LogSink {
 public:
  void Write(const char* stamp, const std::string& line) EXCLUDES(mutex_) {
    MutexLock lock(&mutex_);
    std::fprintf(stream_, "%s %s\n", stamp, line.c_str());
  }

 private:
  Mutex mutex_;
  std::FILE* const stream_ GUARDED_BY(mutex_) = stderr;
};

void LogLine(const std::string& line) {
  static LogSink sink;
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  sink.Write(stamp, line);
}

int ServeUntilSignal(server::Service& service, const server::HttpOptions& options,
                     const std::string& banner) {
  // Block SIGINT/SIGTERM in every thread; this one waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  server::HttpServer http(service, options);
  Status started = http.Start();
  if (!started.ok()) {
    PrintError(started.error());
    return kExitBadInput;
  }
  std::printf("%standem serve: listening on http://%s:%d (database %s)\n", banner.c_str(),
              options.host.c_str(), http.port(), service.DatabaseDescription().c_str());
  std::printf("  API: http://%s:%d/api/openapi.json   health: /healthz   metrics: /metrics%s\n",
              options.host.c_str(), http.port(),
              options.web_root.empty() ? "   (no web UI folder)"
                                       : ("   web UI: " + options.web_root).c_str());
  std::printf("  Ctrl-C stops it.\n");
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  std::fprintf(stderr, "tandem serve: stopping\n");
  http.Stop();
  return 0;
}

namespace {

struct ServeArgs {
  std::string db = "sqlite:tandem.db";
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string web_root;
  int workers = 1;
  double job_lease = 30;
  int check_threads = 0;
  std::optional<int64_t> check_scenarios;
  double rate = 50;
  size_t max_body = 8 << 20;
  size_t max_json_body = 1 << 20;
  int threads = 64;
  int per_client = 0;
  double header_timeout = 10;
  double body_timeout = 10;
  std::vector<std::string> trusted_proxies;
  bool secure_cookies = false;
  bool allow_private_webhooks = false;
  std::string smtp;
  std::string smtp_from = "tandem@localhost";
  bool quiet = false;
};

int RunServe(const ServeArgs& args) {
  server::ServiceOptions options;
  options.database = args.db;
  options.job_workers = args.workers;
  options.job_lease = std::chrono::milliseconds(static_cast<int64_t>(args.job_lease * 1000));
  options.check_threads = args.check_threads;
  options.check_scenarios = args.check_scenarios;
  options.webhooks.allow_private = args.allow_private_webhooks;
  options.webhooks.smtp_url = args.smtp;
  options.webhooks.mail_from = args.smtp_from;
  options.render_report_html = web::RenderReportHtml;  // GET .../campaigns/{id}/report
  options.pool_size = std::max(4, args.workers + 4);
  server::Outcome<std::unique_ptr<server::Service>> service = server::Service::Open(options);
  if (!service.ok()) {
    std::fprintf(stderr, "tandem serve: %s\n", service.error().message.c_str());
    return kExitBadInput;
  }
  server::HttpOptions http;
  http.host = args.host;
  http.port = args.port;
  http.web_root = args.web_root.empty() ? DefaultWebRoot() : args.web_root;
  http.requests_per_second = args.rate;
  http.burst = args.rate > 0 ? std::max(20.0, args.rate * 4) : 0;
  http.max_body_bytes = args.max_body;
  http.max_json_body_bytes = args.max_json_body;
  http.threads = args.threads;
  http.max_connections_per_client = args.per_client;
  http.header_timeout_seconds = args.header_timeout;
  http.body_timeout_seconds = args.body_timeout;
  http.trusted_proxies = args.trusted_proxies;
  http.secure_cookies = args.secure_cookies;
  if (!args.quiet) http.log = LogLine;
  return ServeUntilSignal(*service.value(), http, "");
}

Command MakeServe(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* command =
      app.add_subcommand("serve", "the shared workspace: JSON API, web UI, background checks");
  command->add_option("--db", args->db,
                      "database: sqlite:PATH (default sqlite:tandem.db) or postgresql://...");
  command->add_option("--host", args->host, "address to listen on (default 127.0.0.1)");
  command->add_option("--port", args->port, "port (default 8080; 0 = any free port)")
      ->check(CLI::Range(0, 65535));
  command->add_option("--web-root", args->web_root,
                      "folder of the web UI (default: the build's web/app, else web/dist)");
  command->add_option("--workers", args->workers, "checks run at once (default 1)")
      ->check(CLI::Range(1, 64));
  command
      ->add_option("--job-lease", args->job_lease,
                   "seconds a job stays claimed by a server that stops answering (default 30)")
      ->check(CLI::Range(1.0, 3600.0));
  command
      ->add_option("--check-threads", args->check_threads,
                   "engine threads per check (0 = all cores)")
      ->check(CLI::Range(0, 1024));
  command
      ->add_option("--check-scenarios", args->check_scenarios,
                   "Monte Carlo scenarios for every check (default: the workspace's)")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000}));
  command
      ->add_option("--rate-limit", args->rate,
                   "requests per second per client address (0 = none; default 50)")
      ->check(CLI::Range(0.0, 1e9));
  command
      ->add_option("--max-body", args->max_body,
                   "largest text body: history file, import (default 8MiB)")
      ->transform(CLI::AsSizeValue(false));
  command
      ->add_option("--max-json-body", args->max_json_body,
                   "largest JSON body: entries, settings, actions (default 1MiB)")
      ->transform(CLI::AsSizeValue(false));
  command->add_option("--threads", args->threads, "HTTP connections served at once (default 64)")
      ->check(CLI::Range(2, 4096));
  command
      ->add_option("--max-connections-per-client", args->per_client,
                   "connections one address may hold (default: threads / 2)")
      ->check(CLI::Range(0, 4096));
  command
      ->add_option("--header-timeout", args->header_timeout,
                   "seconds for a request's line and headers (default 10)")
      ->check(CLI::Range(0.5, 600.0));
  command
      ->add_option("--body-timeout", args->body_timeout,
                   "seconds of grace for a body, then 16 KiB/s at least (default 10)")
      ->check(CLI::Range(0.5, 600.0));
  command->add_option("--trusted-proxy", args->trusted_proxies,
                      "address of a reverse proxy whose X-Forwarded-For / X-Real-IP name the "
                      "client (repeatable)");
  command->add_flag("--allow-private-webhooks", args->allow_private_webhooks,
                    "let webhooks reach loopback and private addresses (tests, closed networks)");
  command->add_option("--smtp", args->smtp,
                      "SMTP relay for e-mail of alerts (smtp://[user:password@]host[:port] or "
                      "smtps://...): webhooks with a mailto: URL are sent through it");
  command->add_option("--smtp-from", args->smtp_from,
                      "the sender address of alert e-mail (default tandem@localhost)");
  command->add_flag("--secure-cookies", args->secure_cookies,
                    "mark the session cookie Secure (behind TLS)");
  command->add_flag("--quiet", args->quiet, "no request log on standard error");
  return {command, [args] { return RunServe(*args); }};
}

const bool kRegistered = Register(&MakeServe);

}  // namespace
}  // namespace tandem::cli
