// The writer's output reads back to the same model: writing, reading and writing again gives
// the same text, and checking either gives the same result.
#include "tandem/io/scenario_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/check_output.h"
#include "unit/scenario_files.h"

namespace tandem {
namespace {

using test_files::NoFiles;
using test_files::ScenarioPart;

std::vector<std::filesystem::path> Inputs() {
  std::vector<std::filesystem::path> paths;
  const std::filesystem::path root(TANDEM_SOURCE_DIR);
  for (const auto& entry : std::filesystem::directory_iterator(root / "examples"))
    paths.push_back(entry.path());
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(root / "test" / "scenarios")) {
    if (entry.path().extension() == ".test") paths.push_back(entry.path());
  }
  return paths;
}

TEST(ScenarioWriterTest, RoundTripsEveryValidScenario) {
  int checked = 0;
  for (const std::filesystem::path& path : Inputs()) {
    Result<Scenario> first = ParseScenario(ScenarioPart(path), path.string(), NoFiles());
    if (!first.ok()) continue;  // error cases and history scenarios
    const std::string written = WriteScenarioYaml(first.value());
    Result<Scenario> second = ParseScenario(written, "written.yaml", NoFiles());
    ASSERT_TRUE(second.ok()) << path << "\n" << second.error().ToString() << "\n" << written;
    EXPECT_EQ(written, WriteScenarioYaml(second.value())) << path;
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

TEST(ScenarioWriterTest, CheckResultIsUnchangedByARoundTrip) {
  const std::filesystem::path path =
      std::filesystem::path(TANDEM_SOURCE_DIR) / "examples" / "greenleaf.yaml";
  Result<Scenario> original = ParseScenario(ScenarioPart(path), path.string(), NoFiles());
  ASSERT_TRUE(original.ok()) << original.error().ToString();
  Result<Scenario> copy =
      ParseScenario(WriteScenarioYaml(original.value()), "copy.yaml", NoFiles());
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  CheckOptions options;
  options.scenarios = 16;
  Result<CheckResult> a = RunCheck(original.value(), options);
  Result<CheckResult> b = RunCheck(copy.value(), options);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(CheckResultToJson(a.value()), CheckResultToJson(b.value()));
}

TEST(ScenarioWriterTest, QuotesTextThatYamlWouldMisread) {
  Scenario scenario;
  scenario.name = "40% off: \"spring\" #1";
  scenario.horizon = {*Date::Parse("2027-03-01"), *Date::Parse("2027-03-02")};
  scenario.today = scenario.horizon.start;
  Offering offering;
  offering.id = "a";
  offering.price = 1;
  offering.baseline.per_day = 1;
  scenario.offerings.push_back(offering);
  Result<Scenario> back = ParseScenario(WriteScenarioYaml(scenario), "x.yaml", NoFiles());
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back.value().name, scenario.name);
}

TEST(ScenarioWriterTest, WritesFilesWholeOrNotAtAll) {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / "tandem_writer_test";
  std::filesystem::create_directories(folder);
  const std::string path = (folder / "out.yaml").string();
  ASSERT_TRUE(WriteFileAtomically(path, "first\n").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second\n").ok());
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "second");
  // A folder that does not exist: an error, and nothing written.
  Status status = WriteFileAtomically((folder / "missing" / "x.yaml").string(), "x");
  EXPECT_FALSE(status.ok());
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace tandem
