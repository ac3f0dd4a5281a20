// tandem demo [--db sqlite:PATH] [--port P] [--check-scenarios N]
// Serves the Greenleaf example as a workspace on a fresh embedded database, with one demo user
// per role, and prints the URL and their credentials. Runs until Ctrl-C.
//
// The demo runs as of the example's `today`: its clock is the wall clock shifted by whole days
// so that the date is the scenario's today when it starts. Otherwise its dates (approval before
// the announcement on 2027-04-03) would stop making sense once the real date passes them.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>

#include "commands.h"
#include "serve_common.h"
#include "tandem/common/date.h"
#include "tandem/server/demo.h"
#include "tandem/server/service.h"
#include "tandem/web/report_html.h"

namespace tandem::cli {
namespace {

struct DemoArgs {
  std::string db = "sqlite:tandem-demo.db";
  std::string host = "127.0.0.1";
  int port = 8080;
  std::optional<int64_t> check_scenarios;
  std::string web_root;
};

int RunDemo(const DemoArgs& args) {
  if (args.db.rfind("sqlite:", 0) != 0) {
    std::fprintf(stderr,
                 "tandem demo: --db must be sqlite:PATH (the demo database is recreated)\n");
    return kExitBadInput;
  }
  const std::string path = args.db.substr(7);
  std::error_code error;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, error);
  server::ServiceOptions options;
  options.database = args.db;
  options.check_scenarios = args.check_scenarios;
  options.render_report_html = web::RenderReportHtml;  // GET .../campaigns/{id}/report
  std::smatch today;
  const std::string& yaml = server::DemoScenarioYaml();
  std::optional<Date> scenario_today;
  if (std::regex_search(yaml, today, std::regex(R"(\ntoday:\s*(\d{4}-\d{2}-\d{2}))"))) {
    scenario_today = Date::Parse(today[1].str());
  }
  std::string clock_note;
  if (scenario_today) {
    const auto now = std::chrono::system_clock::now();
    const int32_t real_day = static_cast<int32_t>(
        std::chrono::duration_cast<std::chrono::hours>(now.time_since_epoch()).count() / 24);
    const std::chrono::system_clock::duration shift =
        std::chrono::hours(24) *
        static_cast<int64_t>(scenario_today->days_since_epoch() - real_day);
    options.clock = [shift] { return std::chrono::system_clock::now() + shift; };
    clock_note =
        "The demo's clock runs from the example's today, " + scenario_today->ToString() + ".\n";
  }
  server::Outcome<std::unique_ptr<server::Service>> service = server::Service::Open(options);
  if (!service.ok()) {
    std::fprintf(stderr, "tandem demo: %s\n", service.error().message.c_str());
    return kExitInternal;
  }
  server::Outcome<std::vector<server::Credential>> loaded = server::LoadDemo(*service.value());
  if (!loaded.ok()) {
    std::fprintf(stderr, "tandem demo: %s\n", loaded.error().message.c_str());
    return kExitInternal;
  }
  std::string banner = "Demo workspace 'greenleaf' (the Greenleaf garden centre example) on " +
                       args.db +
                       " (recreated on every start).\nDemo users (log in with POST /api/session "
                       "{\"name\", \"password\"}):\n";
  for (const server::Credential& credential : loaded.value()) {
    char line[256];
    std::snprintf(line, sizeof line, "  %-7s %-10s password: %s\n", credential.user.c_str(),
                  credential.role.c_str(), credential.secret.c_str());
    banner += line;
  }
  banner += clock_note;
  banner +=
      "Try:\n  curl -s -c jar -H 'Content-Type: application/json' -d "
      "'{\"name\":\"maria\",\"password\":\"...\"}' "
      "http://" +
      args.host + ":" + std::to_string(args.port == 0 ? 8080 : args.port) +
      "/api/session\n"
      "  curl -s -b jar http://" +
      args.host + ":" + std::to_string(args.port == 0 ? 8080 : args.port) +
      "/api/workspaces/greenleaf/processes\n";
  server::HttpOptions http;
  http.host = args.host;
  http.port = args.port;
  http.web_root = args.web_root.empty() ? DefaultWebRoot() : args.web_root;
  http.log = LogLine;
  return ServeUntilSignal(*service.value(), http, banner);
}

Command MakeDemo(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* command =
      app.add_subcommand("demo", "serve the Greenleaf demo workspace on a fresh embedded database");
  command->add_option("--db", args->db, "sqlite:PATH (default sqlite:tandem-demo.db; recreated)");
  command->add_option("--host", args->host, "address to listen on (default 127.0.0.1)");
  command->add_option("--port", args->port, "port (default 8080)")->check(CLI::Range(0, 65535));
  command
      ->add_option("--check-scenarios", args->check_scenarios,
                   "Monte Carlo scenarios per check (default: the file's)")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000}));
  command->add_option("--web-root", args->web_root,
                      "folder of the web UI (default: the build's web/app, else web/dist)");
  return {command, [args] { return RunDemo(*args); }};
}

const bool kRegistered = Register(&MakeDemo);

}  // namespace
}  // namespace tandem::cli
