// Runs one data-driven scenario test file.
//
// File format (see test/scenarios/README.md):
//   # name: queue/overloaded_single_resource
//   # description: ...
//   # derivation: how each expected figure was worked out by hand
//   <the scenario, YAML>
//   ----
//   <expectations, one per line>
//
// Expectations:
//   option scenarios 200 | option seed 7 | option threads 1 | option campaign ID
//   option series 1           the output has the series (resources[]: the planning calendar)
//   <path> = <value>          exact (numbers within 1e-9)
//   <path> ~ <value> <tol>    numbers within tol
//   <path> <= <value>, <path> >= <value>
//   <path> contains <text>    the string (or any element of an array) contains text
//   <path> size <n>           array size
//   exit <n>                  0 go, 1 at-risk, 2 no-go, 3 bad input
//   mode recommend            the expectations after it are paths into `tandem recommend --json`
//   error contains <text>     (bad input) some diagnostic line contains text
//   error line <n>            (bad input) some diagnostic points at line n
// Paths are into the JSON output: campaigns[0].promises[1].p_kept, and [key=value] picks the
// first array element whose key has that value: campaigns[0].checks[type=space].peak_ratio.
//
// Modes: expectations are checked in fluid mode unless a line `mode orders` (or `mode fluid`)
// comes before them: each such line switches the mode of the expectations after it, and the
// check is run once per mode used. `modes differ` says that the two modes are expected to
// disagree on this scenario (explained in the derivation, e.g. a queue that only per-order
// randomness causes); --compare-modes then reports the differences without failing.
//
// `tandem_scenario_runner --compare-modes FILE.test` instead checks the scenario in fluid and in
// order-level mode (same options) and requires every time and availability promise to agree:
// achieved p50 within kModeTolerance, and the same p_kept unless a mode's p50 is within
// kModeTolerance of the promise's share (a knife edge, where a small difference flips it).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "scenarios/expectations.h"
#include "tandem/advise/recommend.h"
#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/advise_output.h"
#include "tandem/render/check_output.h"

namespace {

using Json = nlohmann::json;
using tandem::testing::CheckPath;
using tandem::testing::Trim;
using tandem::testing::Unquote;

// Fluid and order-level mode agree within two percentage points on the scenario tests (docs/
// performance.md, Fidelity, explains the differences).
constexpr double kModeTolerance = 0.02;

// Compares the two modes' promises; returns the number of disagreements (printed).
// With `expected_to_differ` (a `modes differ` line), differences are reported but not failures.
int CompareModes(const tandem::Scenario& scenario, tandem::CheckOptions options,
                 const std::string& path, bool expected_to_differ) {
  options.mode = tandem::CheckMode::kFluid;
  tandem::Result<tandem::CheckResult> fluid = tandem::RunCheck(scenario, options);
  options.mode = tandem::CheckMode::kOrders;
  tandem::Result<tandem::CheckResult> orders = tandem::RunCheck(scenario, options);
  if (!fluid.ok() || !orders.ok()) {
    std::cerr << path << ": the check failed\n";
    return 1;
  }
  int failures = 0;
  auto compare = [&](const std::string& where, const tandem::PromiseResult& a,
                     const tandem::PromiseResult& b) {
    if (!a.promise.IsTimePromise() && a.type != tandem::PromiseType::kAvailability) return;
    const double difference = std::fabs(a.achieved.p50 - b.achieved.p50);
    const bool knife_edge = std::fabs(a.achieved.p50 - a.target) <= kModeTolerance ||
                            std::fabs(b.achieved.p50 - b.target) <= kModeTolerance;
    std::cout << where << " " << a.text << ": achieved p50 fluid " << a.achieved.p50 << ", orders "
              << b.achieved.p50 << "; p_kept fluid " << a.p_kept << ", orders " << b.p_kept << "\n";
    const char* label = expected_to_differ ? "EXPECTED: " : "FAIL: ";
    if (difference > kModeTolerance) {
      std::cerr << label << where << " achieved p50 differs by " << difference << "\n";
      ++failures;
    }
    if (a.p_kept != b.p_kept && !knife_edge) {
      std::cerr << label << where << " p_kept differs (" << a.p_kept << " against " << b.p_kept
                << ")\n";
      ++failures;
    }
  };
  const tandem::CheckResult& f = fluid.value();
  const tandem::CheckResult& o = orders.value();
  for (size_t c = 0; c < f.campaigns.size(); ++c) {
    for (size_t p = 0; p < f.campaigns[c].promises.size(); ++p) {
      compare("campaigns[" + std::to_string(c) + "].promises[" + std::to_string(p) + "]",
              f.campaigns[c].promises[p], o.campaigns[c].promises[p]);
    }
  }
  for (size_t p = 0; p < f.messaging.size(); ++p) {
    compare("messaging[" + std::to_string(p) + "]", f.messaging[p], o.messaging[p]);
  }
  if (failures > 0) {
    std::cerr << path << ": " << failures << " disagreement(s) between the modes"
              << (expected_to_differ ? " (expected: modes differ; see its derivation)" : "")
              << "\n";
  }
  return expected_to_differ ? 0 : failures;
}

}  // namespace

int main(int argc, char** argv) {
  const bool compare_modes = argc == 3 && std::string(argv[1]) == "--compare-modes";
  if (argc != 2 && !compare_modes) {
    std::cerr << "usage: tandem_scenario_runner [--compare-modes] FILE.test\n";
    return 2;
  }
  const std::string path = argv[argc - 1];
  std::ifstream in(path);
  if (!in) {
    std::cerr << path << ": cannot open\n";
    return 2;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string content = buffer.str();
  const size_t separator = content.find("\n----\n");
  if (separator == std::string::npos) {
    std::cerr << path << ": no '----' line between the scenario and the expectations\n";
    return 2;
  }
  const std::string scenario_text = content.substr(0, separator + 1);
  std::vector<std::string> expectations;
  {
    std::stringstream lines(content.substr(separator + 6));
    std::string line;
    while (std::getline(lines, line)) {
      line = Trim(line);
      if (!line.empty() && line[0] != '#') expectations.push_back(line);
    }
  }

  tandem::CheckOptions options;
  options.threads = 2;
  for (const std::string& line : expectations) {
    std::stringstream words(line);
    std::string keyword;
    std::string name;
    words >> keyword;
    if (keyword != "option") continue;
    words >> name;
    std::string value;
    words >> value;
    if (name == "scenarios") options.scenarios = std::stoll(value);
    if (name == "seed") options.seed = std::stoull(value);
    if (name == "threads") options.threads = std::stoi(value);
    if (name == "campaign") options.campaign = value;
    if (name == "series") options.collect_series = value == "1";
  }

  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  tandem::FileLoader loader = [folder](const std::string& relative) -> tandem::Result<std::string> {
    std::ifstream file(folder / relative);
    if (!file) return tandem::Error::Io("no such file: " + (folder / relative).string());
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  };
  tandem::Result<tandem::Scenario> scenario = tandem::ParseScenario(scenario_text, path, loader);

  int failures = 0;
  auto fail = [&](const std::string& line, const std::string& why) {
    std::cerr << "FAIL: " << line << "\n      " << why << "\n";
    ++failures;
  };

  if (compare_modes) {
    if (!scenario.ok()) return 0;  // a rejected scenario: nothing to compare
    const bool expected_to_differ =
        std::find(expectations.begin(), expectations.end(), "modes differ") != expectations.end();
    return CompareModes(scenario.value(), options, path, expected_to_differ) == 0 ? 0 : 1;
  }

  if (!scenario.ok()) {
    const std::string diagnostics = scenario.error().ToString();
    bool expects_error = false;
    for (const std::string& line : expectations) {
      std::stringstream words(line);
      std::string keyword;
      words >> keyword;
      if (keyword == "exit") {
        int code = 0;
        words >> code;
        expects_error = expects_error || code == 3;
        if (code != 3) fail(line, "the scenario was rejected (exit 3):\n" + diagnostics);
      } else if (keyword == "error") {
        expects_error = true;
        std::string kind;
        words >> kind;
        std::string rest;
        std::getline(words, rest);
        rest = Unquote(Trim(rest));
        if (kind == "contains" && diagnostics.find(rest) == std::string::npos) {
          fail(line, "no diagnostic contains it; got:\n" + diagnostics);
        }
        if (kind == "line") {
          const std::string needle = ":" + rest + ":";
          if (diagnostics.find(needle) == std::string::npos)
            fail(line, "no diagnostic at that line; got:\n" + diagnostics);
        }
      } else if (keyword != "option") {
        fail(line, "the scenario was rejected:\n" + diagnostics);
      }
    }
    if (!expects_error) fail("(scenario)", "rejected but no error was expected:\n" + diagnostics);
    return failures == 0 ? 0 : 1;
  }

  // One check per mode the expectations use (mode lines switch between them).
  struct ModeRun {
    bool done = false;
    tandem::Result<tandem::CheckResult> result = tandem::Error::Io("not run");
    Json output;
  };
  ModeRun runs[3];  // fluid, orders, recommend
  tandem::CheckMode mode = tandem::CheckMode::kFluid;
  bool recommend = false;  // `mode recommend`: paths are into `tandem recommend --json`
  ModeRun* run = nullptr;
  for (const std::string& line : expectations) {
    std::stringstream words(line);
    std::string first;
    words >> first;
    if (first == "option") continue;
    if (line == "modes differ") continue;
    if (first == "mode") {
      std::string name;
      words >> name;
      if (name != "fluid" && name != "orders" && name != "recommend") {
        fail(line, "unknown mode (fluid, orders or recommend)");
        return 1;
      }
      recommend = name == "recommend";
      mode = name == "orders" ? tandem::CheckMode::kOrders : tandem::CheckMode::kFluid;
      run = nullptr;
      continue;
    }
    if (run == nullptr && recommend) {
      run = &runs[2];
      if (!run->done) {
        run->done = true;
        tandem::RecommendOptions recommend_options;
        recommend_options.campaign = options.campaign;
        recommend_options.scenarios = options.scenarios;
        recommend_options.seed = options.seed;
        recommend_options.threads = options.threads;
        tandem::Result<tandem::Recommendations> found =
            tandem::Recommend(scenario.value(), recommend_options);
        if (!found.ok()) {
          fail("(recommend)", "recommend failed: " + found.error().ToString());
          return 1;
        }
        run->output =
            Json::parse(tandem::RecommendationsToJson(found.value(), scenario.value().currency));
      }
    }
    if (run == nullptr) {
      run = &runs[mode == tandem::CheckMode::kOrders ? 1 : 0];
      if (!run->done) {
        run->done = true;
        tandem::CheckOptions mode_options = options;
        mode_options.mode = mode;
        run->result = tandem::RunCheck(scenario.value(), mode_options);
        if (!run->result.ok()) {
          const bool wanted =
              std::any_of(expectations.begin(), expectations.end(),
                          [](const std::string& text) { return text.rfind("exit 3", 0) == 0; });
          if (!wanted) fail("(check)", "the check failed: " + run->result.error().ToString());
          return failures == 0 ? 0 : 1;
        }
        run->output = Json::parse(tandem::CheckResultToJson(run->result.value()));
      }
    }
    const tandem::Result<tandem::CheckResult>& result = run->result;
    const Json& output = run->output;
    if (first == "exit" && recommend) {
      fail(line, "exit applies to the check (mode fluid or orders)");
      continue;
    }
    if (first == "exit") {
      int code = 0;
      words >> code;
      if (static_cast<int>(result.value().verdict) != code) {
        fail(line, std::string("verdict is ") + tandem::VerdictName(result.value().verdict));
      }
      continue;
    }
    if (first == "error") {
      fail(line, "the scenario was accepted");
      continue;
    }
    std::string problem;
    if (!CheckPath(output, line, &problem)) fail(line, problem);
  }
  if (failures > 0) std::cerr << path << ": " << failures << " expectation(s) failed\n";
  return failures == 0 ? 0 : 1;
}
