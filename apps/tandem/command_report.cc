// tandem report FILE -o report.html [--scenarios N] [--seed S] [--campaign ID] [--threads N]
//
// Runs the check with chart series and writes one self-contained HTML file (charts and tables,
// the scripts and styles inlined, the data embedded; it opens from file:// with no network),
// whole or not at all. Exit codes: 0 written (whatever the verdict), 3 bad input or an output
// that cannot be written, 4 internal error.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "commands.h"
#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/io/scenario_writer.h"
#include "tandem/render/report_data.h"
#include "tandem/web/report_html.h"

namespace tandem::cli {
namespace {

struct ReportArgs {
  std::string file;
  std::string output;
  std::optional<int64_t> scenarios;
  std::optional<uint64_t> seed;
  std::optional<std::string> campaign;
  int threads = 0;
};

int RunReportCommand(const ReportArgs& args) {
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
  options.collect_series = true;
  options.progress = ScenarioProgress();
  Result<CheckResult> result = RunCheck(scenario.value(), options);
  if (!result.ok()) {
    PrintError(result.error());
    return ExitCodeFor(result.error());
  }
  ReportMeta meta;
  meta.source = std::filesystem::path(args.file).filename().string();
  meta.generated = web::UtcTimestamp();
  Result<std::string> data = ReportDataJson(scenario.value(), result.value(), meta);
  if (!data.ok()) {
    PrintError(data.error());
    return ExitCodeFor(data.error());
  }
  const CheckResult& check = result.value();
  const std::string title =
      check.name.empty() ? "tandem report" : check.name + " \u2014 tandem report";
  const std::string page = web::RenderReportHtml(title, data.value());
  if (args.output == "-") {
    Emit(page);
    return 0;
  }
  Status written = WriteFileAtomically(args.output, page);
  if (!written.ok()) {
    PrintError(written.error());
    return ExitCodeFor(written.error());
  }
  // The atomic write goes through a private temporary file (mode 0600); a report is meant to be
  // shared, so give it the mode a plain new file would have (0666 less the umask). Single
  // threaded here: the check's workers have been joined.
  const mode_t mask = umask(0);
  umask(mask);
  chmod(args.output.c_str(), 0666 & ~mask);
  std::printf("wrote %s: %s, verdict %s (%zu campaign%s)\n", args.output.c_str(),
              check.name.c_str(), VerdictName(check.verdict), check.campaigns.size(),
              check.campaigns.size() == 1 ? "" : "s");
  std::fflush(stdout);
  return 0;
}

Command MakeReport(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* command = app.add_subcommand(
      "report", "write a self-contained HTML report (charts and tables) of a scenario's check");
  command->add_option("file", args->file, "scenario file (YAML or JSON)")->required();
  command->add_option("-o,--output", args->output, "the HTML file to write (- for standard output)")
      ->required();
  command->add_option("--scenarios", args->scenarios, "Monte Carlo scenarios (1..1,000,000)")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000}));
  command->add_option("--seed", args->seed, "random seed");
  command->add_option("--campaign", args->campaign, "report only this campaign");
  command->add_option("--threads", args->threads, "worker threads (0 = all cores)")
      ->check(CLI::Range(0, 1024));
  return {command, [args] { return RunReportCommand(*args); }};
}

const bool kRegistered = Register(&MakeReport);

}  // namespace
}  // namespace tandem::cli
