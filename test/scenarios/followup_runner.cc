// Runs one data-driven follow-up test (test/scenarios/followup/*.test).
//
// File format:
//   # name: followup/observed_shares
//   # description: ...
//   # derivation: how each expected figure was worked out by hand
//   <the scenario, YAML>
//   ---- orders.csv            (any of orders.csv, tickets.csv, spend.csv; each optional)
//   <the file's lines>
//   ----
//   <expectations, one per line>
//
// Options: `option as-of 2027-03-04T12:00`, `option campaign ID`, `option scenarios N`,
// `option seed S`, `option calibrate` (adds the calibration to the output), `option signed-off
// CAMPAIGN INDEX STATUS` (campaign "-" for messaging). Expectations: `exit N` (0, 1, 2 as
// follow-up exits, 3 bad input), `error contains TEXT` (bad input: some diagnostic line contains
// it, e.g. "orders.csv:5: placed"), and paths into the follow-up's JSON with the operators of
// scenarios/expectations.h. The CSV sections are written to a temporary folder and read as
// the CLI reads them.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "scenarios/expectations.h"
#include "tandem/followup/calibrate.h"
#include "tandem/followup/follow_up.h"
#include "tandem/io/actuals_csv.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/followup_output.h"

namespace {

using tandem::testing::CheckPath;
using tandem::testing::Json;
using tandem::testing::Trim;
using tandem::testing::Unquote;

struct TestFile {
  std::string scenario;
  std::vector<std::pair<std::string, std::string>> files;  // name, content
  std::vector<std::string> expectations;
};

bool Split(const std::string& content, TestFile* out, std::string* problem) {
  std::stringstream lines(content);
  std::string line;
  std::string* target = &out->scenario;
  bool in_expectations = false;
  while (std::getline(lines, line)) {
    if (line.rfind("----", 0) == 0) {
      const std::string name = Trim(line.substr(4));
      if (name.empty()) {
        in_expectations = true;
        continue;
      }
      if (in_expectations) {
        *problem = "a file section after the expectations";
        return false;
      }
      out->files.emplace_back(name, "");
      target = &out->files.back().second;
      continue;
    }
    if (in_expectations) {
      line = Trim(line);
      if (!line.empty() && line[0] != '#') out->expectations.push_back(line);
    } else {
      *target += line + "\n";
    }
  }
  if (!in_expectations) *problem = "no '----' line before the expectations";
  return in_expectations;
}

tandem::PromiseStatus StatusNamed(const std::string& name) {
  if (name == "broken") return tandem::PromiseStatus::kBroken;
  if (name == "at-risk") return tandem::PromiseStatus::kAtRisk;
  return tandem::PromiseStatus::kKept;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: tandem_followup_runner FILE.test\n";
    return 2;
  }
  const std::string path = argv[1];
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  TestFile test;
  std::string problem;
  if (!in || !Split(buffer.str(), &test, &problem)) {
    std::cerr << path << ": " << (problem.empty() ? "cannot open" : problem) << "\n";
    return 2;
  }
  tandem::FollowUpOptions options;
  options.threads = 2;
  bool calibrate = false;
  for (const std::string& line : test.expectations) {
    std::stringstream words(line);
    std::string keyword, name, value;
    words >> keyword >> name >> value;
    if (keyword != "option") continue;
    if (name == "as-of") options.as_of = tandem::ParseWallSeconds(value);
    if (name == "campaign") options.campaign = value;
    if (name == "scenarios") options.scenarios = std::stoll(value);
    if (name == "seed") options.seed = std::stoull(value);
    if (name == "calibrate") calibrate = true;
    if (name == "signed-off") {
      int index = 0;
      std::string status;
      words >> index >> status;
      options.signed_off.push_back({value == "-" ? "" : value, index, StatusNamed(status)});
    }
  }

  int failures = 0;
  auto fail = [&](const std::string& line, const std::string& why) {
    std::cerr << "FAIL: " << line << "\n      " << why << "\n";
    ++failures;
  };
  const tandem::FileLoader no_files = [](const std::string&) -> tandem::Result<std::string> {
    return tandem::Error::Io("no history files in follow-up tests");
  };
  tandem::Result<tandem::Scenario> scenario = tandem::ParseScenario(test.scenario, path, no_files);
  if (!scenario.ok()) {
    std::cerr << path << ": the scenario is rejected:\n" << scenario.error().ToString() << "\n";
    return 1;
  }
  char folder_template[] = "/tmp/tandem-followup-test.XXXXXX";
  const char* folder = mkdtemp(folder_template);
  if (folder == nullptr) return 2;
  for (const auto& [name, content] : test.files) {
    std::ofstream file(std::filesystem::path(folder) / name, std::ios::binary);
    file << content;
  }
  tandem::Result<tandem::Actuals> actuals = tandem::ReadActualsFolder(folder, scenario.value());
  std::filesystem::remove_all(folder);

  std::optional<tandem::Result<tandem::FollowUpResult>> result;
  Json output;
  int exit_code = 3;
  std::string diagnostics;
  if (!actuals.ok()) {
    diagnostics = actuals.error().ToString();
  } else {
    result = tandem::RunFollowUp(scenario.value(), actuals.value(), options);
    if (!result->ok()) {
      diagnostics = result->error().ToString();
      exit_code = result->error().code == tandem::ErrorCode::kInternal ? 4 : 3;
    } else {
      exit_code = tandem::FollowUpExitCode(result->value());
      std::optional<tandem::Calibration> calibration;
      if (calibrate) {
        tandem::Result<tandem::Calibration> calibrated =
            tandem::Calibrate(scenario.value(), actuals.value(), result->value());
        if (calibrated.ok()) calibration = std::move(calibrated).value();
      }
      output = Json::parse(
          tandem::FollowUpResultToJson(result->value(), calibration ? &*calibration : nullptr));
    }
  }
  for (const std::string& line : test.expectations) {
    std::stringstream words(line);
    std::string first;
    words >> first;
    if (first == "option") continue;
    if (first == "exit") {
      int code = -1;
      words >> code;
      if (code != exit_code) {
        fail(line, "exit " + std::to_string(exit_code) +
                       (diagnostics.empty() ? "" : ":\n" + diagnostics));
      }
      continue;
    }
    if (first == "error") {
      std::string kind, rest;
      words >> kind;
      std::getline(words, rest);
      rest = Unquote(Trim(rest));
      if (diagnostics.empty()) {
        fail(line, "no error");
      } else if (diagnostics.find(rest) == std::string::npos) {
        fail(line, "no diagnostic contains it; got:\n" + diagnostics);
      }
      continue;
    }
    if (output.is_null()) {
      fail(line, "no output:\n" + diagnostics);
      continue;
    }
    if (!CheckPath(output, line, &problem)) fail(line, problem);
  }
  if (failures > 0) std::cerr << path << ": " << failures << " expectation(s) failed\n";
  return failures == 0 ? 0 : 1;
}
