// tandem recommend FILE [--campaign ID] [--json] [--apply K -o OUT.yaml]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>

#include "commands.h"
#include "tandem/advise/recommend.h"
#include "tandem/io/input_limits.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/io/scenario_writer.h"
#include "tandem/render/advise_output.h"

namespace tandem::cli {
namespace {

struct RecommendArgs {
  std::string file;
  bool json = false;
  std::optional<std::string> campaign;
  std::optional<int> apply;
  std::string output;
  std::optional<int64_t> scenarios;
  std::optional<uint64_t> seed;
  int threads = 0;
};

int RunRecommend(const RecommendArgs& args) {
  if (args.apply && args.output.empty()) {
    PrintError(Error::InvalidInput("--apply: name the file to write with -o OUT.yaml"));
    return kExitBadInput;
  }
  Result<Scenario> scenario = ReadScenarioFile(args.file, MaxInputBytes());
  if (!scenario.ok()) {
    PrintError(scenario.error());
    return ExitCodeFor(scenario.error());
  }
  RecommendOptions options;
  options.campaign = args.campaign;
  options.scenarios = args.scenarios;
  options.seed = args.seed;
  options.threads = args.threads;
  if (StderrIsTerminal()) {
    options.progress = [](const std::string& message) {
      std::fprintf(stderr, "\r\033[K%s", message.c_str());
    };
  }
  Result<Recommendations> result = Recommend(scenario.value(), options);
  if (StderrIsTerminal()) std::fputs("\r\033[K", stderr);
  if (!result.ok()) {
    PrintError(result.error());
    return ExitCodeFor(result.error());
  }
  const Recommendations& recommendations = result.value();
  if (args.apply) {
    const CampaignRecommendation* chosen = nullptr;
    int with_options = 0;
    for (const CampaignRecommendation& campaign : recommendations.campaigns) {
      if (campaign.options.empty()) continue;
      ++with_options;
      if (!chosen) chosen = &campaign;
    }
    if (with_options > 1 && !args.campaign) {
      PrintError(Error::InvalidInput(
          "--apply: several campaigns have options; name one with --campaign ID"));
      return kExitBadInput;
    }
    if (!chosen) {
      PrintError(Error::InvalidInput("--apply: there is no option to apply"));
      return kExitBadInput;
    }
    const int count = static_cast<int>(chosen->options.size());
    if (*args.apply < 1 || *args.apply > count) {
      PrintError(Error::InvalidInput("--apply: " + std::to_string(*args.apply) +
                                     " is not an option of " + chosen->id + "; allowed: 1 to " +
                                     std::to_string(count)));
      return kExitBadInput;
    }
    const RecommendOption& option = chosen->options[static_cast<size_t>(*args.apply - 1)];
    int campaign_index = 0;
    while (scenario.value().campaigns[static_cast<size_t>(campaign_index)].id != chosen->id)
      ++campaign_index;
    // Only the keys the option changes, in the file's own text; the whole scenario rewritten
    // only when the text cannot be edited so (said on stderr).
    std::string text = WriteScenarioYaml(option.applied);
    Result<std::string> original = ReadInputFile(args.file, MaxInputBytes(), "scenario file");
    if (original.ok()) {
      const std::filesystem::path folder = std::filesystem::path(args.file).parent_path();
      FileLoader loader = [folder](const std::string& relative) -> Result<std::string> {
        return ReadInputFile((folder / relative).string(), MaxInputBytes(), "history file");
      };
      Result<std::string> edited =
          ApplyOptionToText(original.value(), scenario.value(), campaign_index, option, loader);
      if (edited.ok()) {
        text = std::move(edited.value());
      } else {
        std::fprintf(stderr, "note: %s could not be edited in place (%s); writing it whole\n",
                     args.file.c_str(), edited.error().ToString().c_str());
      }
    }
    Status written = WriteFileAtomically(args.output, text);
    if (!written.ok()) {
      PrintError(written.error());
      return ExitCodeFor(written.error());
    }
    std::fprintf(stderr, "wrote %s: %s (checked: %s)\n", args.output.c_str(),
                 option.summary.c_str(), VerdictName(option.verdict));
    return 0;
  }
  const bool color = StdoutIsTerminal() && std::getenv("NO_COLOR") == nullptr;
  Emit(args.json ? RecommendationsToJson(recommendations, scenario.value().currency)
                 : RecommendationsToText(recommendations, scenario.value().currency, color));
  return 0;
}

Command MakeRecommend(CLI::App& app) {
  auto args = std::make_shared<RecommendArgs>();
  CLI::App* command = app.add_subcommand(
      "recommend", "counter-proposals for campaigns that are not go, each re-checked");
  command->add_option("file", args->file, "scenario file (YAML or JSON)")->required();
  command->add_flag("--json", args->json, "print JSON instead of the report");
  command->add_option("--campaign", args->campaign, "only this campaign");
  command->add_option("--apply", args->apply,
                      "write the scenario with option K applied (counts from 1)");
  command->add_option("-o,--output", args->output, "with --apply: the file to write");
  command->add_option("--scenarios", args->scenarios, "Monte Carlo scenarios (1..1,000,000)")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000}));
  command->add_option("--seed", args->seed, "random seed");
  command->add_option("--threads", args->threads, "worker threads (0 = all cores)")
      ->check(CLI::Range(0, 1024));
  return {command, [args] { return RunRecommend(*args); }};
}

const bool kRegistered = Register(&MakeRecommend);

}  // namespace
}  // namespace tandem::cli
