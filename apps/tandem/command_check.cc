// tandem check FILE [--json] [--scenarios N] [--seed S] [--campaign ID] [--threads N] [--series]
//                   [--mode fluid|orders]
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "commands.h"
#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/check_output.h"

namespace tandem::cli {
namespace {

struct CheckArgs {
  std::string file;
  bool json = false;
  std::optional<int64_t> scenarios;
  std::optional<uint64_t> seed;
  std::optional<std::string> campaign;
  int threads = 0;
  bool series = false;
  std::string mode = "fluid";
};

int RunCheckCommand(const CheckArgs& args) {
  Result<Scenario> scenario = ReadScenarioFile(args.file, MaxInputBytes());
  if (!scenario.ok()) {
    PrintError(scenario.error());
    return ExitCodeFor(scenario.error());
  }
  CheckOptions options;
  options.scenarios = args.scenarios;
  options.seed = args.seed;
  options.campaign = args.campaign;
  options.threads = args.threads;
  options.collect_series = args.series;
  options.mode = args.mode == "orders" ? CheckMode::kOrders : CheckMode::kFluid;
  options.progress = ScenarioProgress();
  Result<CheckResult> result = RunCheck(scenario.value(), options);
  if (!result.ok()) {
    PrintError(result.error());
    return ExitCodeFor(result.error());
  }
  const bool color = StdoutIsTerminal() && std::getenv("NO_COLOR") == nullptr;
  Emit(args.json ? CheckResultToJson(result.value()) : CheckResultToText(result.value(), color));
  return static_cast<int>(result.value().verdict);
}

Command MakeCheck(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* command =
      app.add_subcommand("check", "check a scenario's promises: exit 0 go, 1 at-risk, 2 no-go");
  command->add_option("file", args->file, "scenario file (YAML or JSON)")->required();
  command->add_flag("--json", args->json, "print the JSON contract instead of the report");
  command->add_option("--scenarios", args->scenarios, "Monte Carlo scenarios (1..1,000,000)")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000}));
  command->add_option("--seed", args->seed, "random seed");
  command->add_option("--campaign", args->campaign, "report only this campaign");
  command->add_option("--threads", args->threads, "worker threads (0 = all cores)")
      ->check(CLI::Range(0, 1024));
  command->add_flag("--series", args->series,
                    "with --json: add daily demand against capacity, lead-time distributions and "
                    "resource calendars");
  command
      ->add_option(
          "--mode", args->mode,
          "fluid: fluid queues on the step grid (fast, default); orders: every order simulated "
          "on its own (per-order variability, sub-hour promises; slower)")
      ->check(CLI::IsMember({"fluid", "orders"}));
  return {command, [args] { return RunCheckCommand(*args); }};
}

const bool kRegistered = Register(&MakeCheck);

}  // namespace
}  // namespace tandem::cli
