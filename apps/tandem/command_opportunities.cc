// tandem opportunities FILE [--json]
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "commands.h"
#include "tandem/advise/opportunities.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/advise_output.h"

namespace tandem::cli {
namespace {

struct OpportunitiesArgs {
  std::string file;
  bool json = false;
  std::optional<int64_t> scenarios;
  std::optional<uint64_t> seed;
  int threads = 0;
};

int RunOpportunities(const OpportunitiesArgs& args) {
  Result<Scenario> scenario = ReadScenarioFile(args.file, MaxInputBytes());
  if (!scenario.ok()) {
    PrintError(scenario.error());
    return ExitCodeFor(scenario.error());
  }
  RecommendOptions options;
  options.scenarios = args.scenarios;
  options.seed = args.seed;
  options.threads = args.threads;
  Result<Opportunities> result = FindOpportunities(scenario.value(), options);
  if (!result.ok()) {
    PrintError(result.error());
    return ExitCodeFor(result.error());
  }
  const bool color = StdoutIsTerminal() && std::getenv("NO_COLOR") == nullptr;
  Emit(args.json ? OpportunitiesToJson(result.value())
                 : OpportunitiesToText(result.value(), color));
  return 0;
}

Command MakeOpportunities(CLI::App& app) {
  auto args = std::make_shared<OpportunitiesArgs>();
  CLI::App* command = app.add_subcommand("opportunities",
                                         "promises that understate what operations can do after "
                                         "capability changes; capacity campaigns need");
  command->add_option("file", args->file, "scenario file (YAML or JSON)")->required();
  command->add_flag("--json", args->json, "print JSON instead of the report");
  command->add_option("--scenarios", args->scenarios, "Monte Carlo scenarios (1..1,000,000)")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000}));
  command->add_option("--seed", args->seed, "random seed");
  command->add_option("--threads", args->threads, "worker threads (0 = all cores)")
      ->check(CLI::Range(0, 1024));
  return {command, [args] { return RunOpportunities(*args); }};
}

const bool kRegistered = Register(&MakeOpportunities);

}  // namespace
}  // namespace tandem::cli
