// tandem import FILE --workspace W [--db URL]
// Loads a scenario file (and the history files it names) into a server workspace, creating the
// workspace or replacing its model. Campaigns already in the process keep their state.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.h"
#include "serve_common.h"
#include "tandem/io/input_limits.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/server/service.h"

namespace tandem::cli {
namespace {

struct ImportArgs {
  std::string file;
  std::string workspace;
  std::string db = "sqlite:tandem.db";
};

int RunImport(const ImportArgs& args) {
  // Read it as the CLI would, first: errors name file, line and key.
  Result<Scenario> scenario = ReadScenarioFile(args.file, MaxInputBytes());
  if (!scenario.ok()) {
    PrintError(scenario.error());
    return ExitCodeFor(scenario.error());
  }
  const Result<std::string> text = ReadInputFile(args.file, MaxInputBytes(), "scenario file");
  if (!text.ok()) {
    PrintError(text.error());
    return ExitCodeFor(text.error());
  }
  std::map<std::string, std::string> files;
  const std::filesystem::path folder = std::filesystem::path(args.file).parent_path();
  for (const Offering& offering : scenario.value().offerings) {
    const std::string& path = offering.baseline.history_path;
    if (path.empty()) continue;
    Result<std::string> content =
        ReadInputFile((folder / path).string(), MaxInputBytes(), "history file");
    if (!content.ok()) {
      PrintError(content.error());
      return ExitCodeFor(content.error());
    }
    files[path] = std::move(content.value());
  }
  server::ServiceOptions options;
  options.database = args.db;
  options.run_jobs = false;
  options.pool_size = 2;
  server::Outcome<std::unique_ptr<server::Service>> service = server::Service::Open(options);
  if (!service.ok()) {
    std::fprintf(stderr, "tandem import: %s\n", service.error().message.c_str());
    return kExitBadInput;
  }
  server::Outcome<server::Reply> imported = service.value()->workspaces().Import(
      CliActor(), args.workspace, text.value(), files, args.file);
  if (!imported.ok()) {
    std::fprintf(stderr, "tandem import: %s\n", imported.error().message.c_str());
    for (const server::FieldError& field : imported.error().fields) {
      std::fprintf(stderr, "  %s: %s\n", field.field.c_str(), field.problem.c_str());
    }
    return imported.error().status >= 500 ? kExitInternal : kExitBadInput;
  }
  std::printf("imported %s into workspace %s (%s): %s\n", args.file.c_str(), args.workspace.c_str(),
              service.value()->DatabaseDescription().c_str(),
              imported.value().body["imported"].dump().c_str());
  return 0;
}

Command MakeImport(CLI::App& app) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* command = app.add_subcommand("import", "load a scenario file into a server workspace");
  command->add_option("file", args->file, "scenario file (YAML or JSON)")->required();
  command->add_option("--workspace", args->workspace, "workspace id (created when missing)")
      ->required();
  command->add_option("--db", args->db, "database (default sqlite:tandem.db)");
  return {command, [args] { return RunImport(*args); }};
}

const bool kRegistered = Register(&MakeImport);

}  // namespace
}  // namespace tandem::cli
