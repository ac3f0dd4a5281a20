// tandem follow-up FILE --actuals DIR [--as-of TIME] [--campaign ID] [--json]
//                       [--calibrate -o OUT.yaml] [--scenarios N] [--seed S] [--threads N]
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "commands.h"
#include "tandem/followup/calibrate.h"
#include "tandem/followup/follow_up.h"
#include "tandem/io/actuals_csv.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/io/scenario_writer.h"
#include "tandem/render/followup_output.h"

namespace tandem::cli {
namespace {

struct FollowUpArgs {
  std::string file;
  std::string actuals;
  std::string as_of;
  std::optional<std::string> campaign;
  bool json = false;
  bool calibrate = false;
  std::string output;
  std::optional<int64_t> scenarios;
  std::optional<uint64_t> seed;
  int threads = 0;
};

int Fail(const Error& error) {
  PrintError(error);
  return ExitCodeFor(error);
}

// "2027-04-11T12:00", "...:SS", or a date for its 00:00.
std::optional<WallSeconds> ParseAsOf(const std::string& text) {
  if (std::optional<WallSeconds> time = ParseWallSeconds(text)) return time;
  if (std::optional<Date> date = Date::Parse(text)) return WallSecondsOf(*date);
  return std::nullopt;
}

int RunFollowUpCommand(const FollowUpArgs& args) {
  if (args.calibrate != !args.output.empty()) {
    return Fail(Error::InvalidInput(
        "--calibrate and -o go together: --calibrate -o OUT.yaml writes the calibrated scenario"));
  }
  FollowUpOptions options;
  if (!args.as_of.empty()) {
    options.as_of = ParseAsOf(args.as_of);
    if (!options.as_of) {
      return Fail(Error::InvalidInput("--as-of: '" + args.as_of +
                                      "' is not a time; YYYY-MM-DDTHH:MM (or :SS), or a date"));
    }
  }
  Result<Scenario> scenario = ReadScenarioFile(args.file, MaxInputBytes());
  if (!scenario.ok()) return Fail(scenario.error());
  Result<Actuals> actuals = ReadActualsFolder(args.actuals, scenario.value());
  if (!actuals.ok()) return Fail(actuals.error());
  options.campaign = args.campaign;
  options.scenarios = args.scenarios;
  options.seed = args.seed;
  options.threads = args.threads;
  options.progress = ScenarioProgress();
  Result<FollowUpResult> result = RunFollowUp(scenario.value(), actuals.value(), options);
  if (!result.ok()) return Fail(result.error());
  std::optional<Calibration> calibration;
  if (args.calibrate) {
    Result<Calibration> calibrated = Calibrate(scenario.value(), actuals.value(), result.value());
    if (!calibrated.ok()) return Fail(calibrated.error());
    // No in-place YAML editor exists yet: the scenario writer writes the whole file (values
    // kept, comments and layout not).
    Status written =
        WriteFileAtomically(args.output, WriteScenarioYaml(calibrated.value().scenario));
    if (!written.ok()) return Fail(written.error());
    calibration = std::move(calibrated).value();
  }
  const bool color = StdoutIsTerminal() && std::getenv("NO_COLOR") == nullptr;
  if (args.json) {
    Emit(FollowUpResultToJson(result.value(), calibration ? &*calibration : nullptr));
  } else {
    std::string text = FollowUpResultToText(result.value(), color);
    if (calibration) text += CalibrationToText(*calibration, args.output);
    Emit(text);
  }
  return FollowUpExitCode(result.value());
}

Command MakeFollowUp(CLI::App& app) {
  auto args = std::make_shared<FollowUpArgs>();
  CLI::App* command = app.add_subcommand(
      "follow-up",
      "actuals against the plan, re-forecast and early warning: exit 0 on track, 1 at-risk or "
      "drifting, 2 broken");
  command->add_option("file", args->file, "scenario file (YAML or JSON)")->required();
  command->add_option("--actuals", args->actuals, "folder with orders.csv, tickets.csv, spend.csv")
      ->required();
  command->add_option("--as-of", args->as_of,
                      "the moment of the follow-up, YYYY-MM-DDTHH:MM (default: the latest time "
                      "in the actuals)");
  command->add_option("--campaign", args->campaign, "report only this campaign");
  command->add_flag("--json", args->json, "print the JSON contract instead of the report");
  command->add_flag("--calibrate", args->calibrate,
                    "write the scenario with what the actuals measured (with -o)");
  command->add_option("-o,--output", args->output, "where --calibrate writes the scenario");
  command->add_option("--scenarios", args->scenarios, "Monte Carlo scenarios (1..1,000,000)")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000}));
  command->add_option("--seed", args->seed, "random seed");
  command->add_option("--threads", args->threads, "worker threads (0 = all cores)")
      ->check(CLI::Range(0, 1024));
  return {command, [args] { return RunFollowUpCommand(*args); }};
}

const bool kRegistered = Register(&MakeFollowUp);

}  // namespace
}  // namespace tandem::cli
