// The scenario format as in-memory JSON values (issue 11 item 3): WriteScenarioJson is exactly
// YamlToJson(WriteScenarioYaml(...)), and ReadScenarioJson reads a JSON document exactly as the
// reader read the document's JSON text before (ParseScenario(json.dump())): the same scenario, or
// the same problems in the same order, without lines (a JSON value has none).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tandem/io/scenario_reader.h"
#include "tandem/io/scenario_writer.h"
#include "unit/scenario_files.h"

namespace tandem {
namespace {

using ordered_json = nlohmann::ordered_json;

using test_files::NoFiles;
using test_files::ScenarioPart;

// History files next to the scenario.
FileLoader FilesBeside(const std::filesystem::path& scenario) {
  const std::filesystem::path folder = scenario.parent_path();
  return [folder](const std::string& path) -> Result<std::string> {
    std::ifstream in(folder / path);
    if (!in) return Error::Io("no file " + path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  };
}

// examples/*.yaml (the shared examples, /work/shared/examples, are the same files) and the
// scenario of every .test file.
std::vector<std::filesystem::path> Inputs() {
  std::vector<std::filesystem::path> paths;
  const std::filesystem::path root(TANDEM_SOURCE_DIR);
  for (const auto& entry : std::filesystem::directory_iterator(root / "examples")) {
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path());
  }
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(root / "test" / "scenarios")) {
    if (entry.path().extension() == ".test") paths.push_back(entry.path());
  }
  return paths;
}

std::string JsonOfYaml(const std::string& yaml) {
  Result<ordered_json> json = YamlToJson(yaml, "written.yaml");
  EXPECT_TRUE(json.ok()) << yaml;
  return json.ok() ? json.value().dump() : std::string();
}

TEST(ScenarioJsonTest, WriterJsonIsTheYamlExportReadAsJson) {
  int checked = 0;
  for (const std::filesystem::path& path : Inputs()) {
    Result<Scenario> scenario = ParseScenario(ScenarioPart(path), path.string(), FilesBeside(path));
    if (!scenario.ok()) continue;  // the error cases
    EXPECT_EQ(WriteScenarioJson(scenario.value()).dump(),
              JsonOfYaml(WriteScenarioYaml(scenario.value())))
        << path;
    ++checked;
  }
  EXPECT_GE(checked, 25);
  for (const char* name : {"greenleaf.yaml", "support-launch.yaml"}) {
    const std::filesystem::path path = std::filesystem::path(TANDEM_SOURCE_DIR) / "examples" / name;
    Result<Scenario> scenario = ParseScenario(ScenarioPart(path), path.string(), NoFiles());
    ASSERT_TRUE(scenario.ok()) << name;
    EXPECT_EQ(WriteScenarioJson(scenario.value()).dump(),
              JsonOfYaml(WriteScenarioYaml(scenario.value())));
  }
}

// Plain scalars that YAML reads as numbers, booleans or null, and empty block collections: the
// JSON rendering types them as reading the text does.
TEST(ScenarioJsonTest, WriterJsonTypesPlainScalarsAsYamlReadsThem) {
  Scenario scenario;
  scenario.name = "edge: \"cases\" #1\n";
  scenario.horizon = {*Date::Parse("2027-03-01"), *Date::Parse("2027-03-31")};
  scenario.today = scenario.horizon.start;
  for (const char* id :
       {"007", "1e5", "true", "Null", "-5", ".5", "0x1F", "12345678901234567890"}) {
    Offering offering;
    offering.id = id;
    offering.price = 1e20;
    offering.unit_cost = 0.1;
    offering.volume = 1e-7;
    scenario.offerings.push_back(offering);  // a baseline with nothing: "baseline:" reads null
  }
  Calendar calendar;
  calendar.id = "null";  // a null key reads as ""
  scenario.calendars.push_back(calendar);
  Campaign campaign;
  campaign.id = "2027";
  campaign.window = scenario.horizon;
  campaign.announce = scenario.horizon.start;
  campaign.readiness = Readiness{};  // "tasks:" with none reads null
  campaign.cap.by_offering = {{"007", 3}, {"true", 0.5}};
  scenario.campaigns.push_back(campaign);
  EXPECT_EQ(WriteScenarioJson(scenario).dump(), JsonOfYaml(WriteScenarioYaml(scenario)));
}

// The reader before: the document's JSON text through ParseScenario. Now: the value itself.
void ExpectReadsAsItsText(const ordered_json& document, const std::string& label,
                          const FileLoader& files = NoFiles()) {
  const Result<Scenario> before = ParseScenario(document.dump(), "workspace", files);
  const Result<Scenario> now = ReadScenarioJson(document, "workspace", files);
  ASSERT_EQ(before.ok(), now.ok()) << label;
  if (before.ok()) {
    EXPECT_EQ(WriteScenarioYaml(before.value()), WriteScenarioYaml(now.value())) << label;
    return;
  }
  const std::vector<Diagnostic>& expected = before.error().diagnostics;
  const std::vector<Diagnostic>& actual = now.error().diagnostics;
  ASSERT_EQ(expected.size(), actual.size()) << label << "\n" << before.error().ToString();
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(expected[i].file, actual[i].file) << label << " #" << i;
    EXPECT_EQ(expected[i].key, actual[i].key) << label << " #" << i;
    EXPECT_EQ(expected[i].problem, actual[i].problem) << label << " #" << i;
    EXPECT_EQ(expected[i].allowed, actual[i].allowed) << label << " #" << i;
    if (actual[i].file == "workspace") {
      EXPECT_EQ(actual[i].line, 0) << label << " #" << i;  // a JSON value has no lines
    } else {
      EXPECT_EQ(expected[i].line, actual[i].line) << label << " #" << i;  // a history file's
    }
  }
}

// Every scenario of the examples and the .test files, the error cases included, as JSON.
TEST(ScenarioJsonTest, ReadsEveryScenarioAsItsText) {
  int valid = 0;
  int invalid = 0;
  for (const std::filesystem::path& path : Inputs()) {
    Result<ordered_json> document = YamlToJson(ScenarioPart(path), path.string());
    if (!document.ok()) continue;  // not YAML: nothing to compare
    const FileLoader files = FilesBeside(path);
    ExpectReadsAsItsText(document.value(), path.string(), files);
    ++(ReadScenarioJson(document.value(), "workspace", files).ok() ? valid : invalid);
  }
  EXPECT_GE(valid, 25);
  EXPECT_GE(invalid, 100);
}

// Every value of Greenleaf replaced by a wrong one, and every key removed or doubled by an unknown
// one: the same problems, in the same order, as the text gave.
TEST(ScenarioJsonTest, ReportsTheSameProblemsInTheSameOrderAsTheText) {
  const std::filesystem::path path =
      std::filesystem::path(TANDEM_SOURCE_DIR) / "examples" / "greenleaf.yaml";
  Result<ordered_json> greenleaf = YamlToJson(ScenarioPart(path), "greenleaf.yaml");
  ASSERT_TRUE(greenleaf.ok());
  const ordered_json original = greenleaf.value();
  int cases = 0;
  const std::function<void(const ordered_json::json_pointer&, const ordered_json&)> visit =
      [&](const ordered_json::json_pointer& at, const ordered_json& value) {
        for (const ordered_json& wrong :
             {ordered_json(-1), ordered_json("x"), ordered_json(nullptr), ordered_json::object(),
              ordered_json::array({1, "y"}), ordered_json(true), ordered_json(""),
              ordered_json(1e300)}) {
          ordered_json document = original;
          document[at] = wrong;
          ExpectReadsAsItsText(document, at.to_string() + " = " + wrong.dump());
          ++cases;
        }
        if (value.is_object()) {
          ordered_json extra = original;
          extra[at]["typo"] = 1;
          ExpectReadsAsItsText(extra, at.to_string() + " + typo");
          for (const auto& [key, child] : value.items()) {
            ordered_json document = original;
            document[at].erase(key);
            ExpectReadsAsItsText(document, at.to_string() + " - " + key);
            visit(at / key, child);
          }
        } else if (value.is_array()) {
          for (size_t i = 0; i < value.size(); ++i) visit(at / i, value[i]);
        }
      };
  visit(ordered_json::json_pointer(), original);
  EXPECT_GE(cases, 1000);
}

TEST(ScenarioJsonTest, RefusesWhatTheTextWasRefusedFor) {
  ordered_json deep = ordered_json::array();
  for (int i = 0; i < 70; ++i) deep = ordered_json::array({deep});
  ordered_json nested = {{"tandem", 1}, {"name", deep}};
  for (const ordered_json& document :
       {ordered_json(nullptr), ordered_json::array(), ordered_json("text"), ordered_json(3),
        ordered_json::object(), nested}) {
    ExpectReadsAsItsText(document, document.dump().substr(0, 60));
  }
}

}  // namespace
}  // namespace tandem
