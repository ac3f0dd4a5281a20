// The CPU time of a workspace write (docs/performance.md, "Server"): the Greenleaf demo imported
// into a fresh SQLite database, then RUNS replacements of its campaign spring-40 (PUT, the name
// alternating so that each one writes), and RUNS validations of the workspace as a scenario
// alone (ParseDocument, the step of every write that reads the document). Prints the CPU time
// (user + sys, getrusage) per write and per validation, in microseconds. Jobs do not run
// (run_jobs = false): the figure is the write pipeline alone.
//
// Usage: tandem_workspace_write [RUNS]   (default 300)
#include <sys/resource.h>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "server/scenario_doc.h"
#include "tandem/server/demo.h"
#include "tandem/server/service.h"

namespace tandem::server {
namespace {

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

int Run(int runs) {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("tandem-write-" + std::to_string(getpid()));
  std::filesystem::create_directories(folder);
  ServiceOptions options;
  options.database = "sqlite:" + (folder / "bench.db").string();
  options.run_jobs = false;
  options.fast_password_hashing = true;
  Outcome<std::unique_ptr<Service>> opened = Service::Open(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.error().message.c_str());
    return 3;
  }
  Service& service = *opened.value();
  if (Outcome<std::vector<Credential>> demo = LoadDemo(service); !demo.ok()) {
    std::fprintf(stderr, "demo: %s\n", demo.error().message.c_str());
    return 3;
  }
  Actor admin;
  admin.name = "bench";
  admin.role = Role::kAdmin;
  Outcome<Reply> entity =
      service.workspaces().GetEntity(admin, "greenleaf", "campaigns", "spring-40");
  if (!entity.ok()) return 3;
  nlohmann::json body = entity.value().body["body"];
  int64_t version = entity.value().body["version"];
  const std::string name = body.value("name", "spring-40");
  double start = CpuSeconds();
  for (int i = 0; i < runs; ++i) {
    body["name"] = name + (i % 2 == 0 ? " (again)" : "");
    Outcome<Reply> put =
        service.workspaces().PutEntity(admin, "greenleaf", "campaigns", "spring-40", body, version);
    if (!put.ok()) {
      std::fprintf(stderr, "put: %s\n", put.error().message.c_str());
      return 3;
    }
    version = put.value().version.value_or(version + 1);
  }
  const double write_us = (CpuSeconds() - start) / runs * 1e6;

  Result<nlohmann::ordered_json> as_json = YamlToJson(DemoScenarioYaml(), "greenleaf.yaml");
  Result<Document> document = SplitScenario(as_json.value());
  start = CpuSeconds();
  for (int i = 0; i < runs * 10; ++i) {
    Result<Scenario> parsed = ParseDocument(document.value(), AssembleScenario(document.value()));
    if (!parsed.ok()) return 3;
  }
  const double validate_us = (CpuSeconds() - start) / (runs * 10) * 1e6;
  std::printf("write_cpu_us %.0f validate_cpu_us %.1f runs %d\n", write_us, validate_us, runs);
  std::filesystem::remove_all(folder);
  return 0;
}

}  // namespace
}  // namespace tandem::server

int main(int argc, char** argv) {
  return tandem::server::Run(argc > 1 ? std::atoi(argv[1]) : 300);
}
