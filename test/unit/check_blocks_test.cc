// The check in blocks of scenarios (tandem/engine/check_blocks.h): merged blocks give RunCheck's
// JSON byte for byte whatever the cut, in both modes and with the series; the merge refuses
// blobs that are not blocks of the check. Also under ASan (the blob reader's bounds).
#include "tandem/engine/check_blocks.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "merged_blocks.h"
#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/check_output.h"

namespace tandem {
namespace {

Scenario Read(const std::string& path) {
  Result<Scenario> scenario = ReadScenarioFile(std::string(TANDEM_SOURCE_DIR) + "/" + path);
  EXPECT_TRUE(scenario.ok()) << (scenario.ok() ? "" : scenario.error().ToString());
  return scenario.ok() ? scenario.value() : Scenario{};
}

// Blocks of scenarios of the whole scenario: {first, count}.
std::string Merged(const Scenario& scenario, const CheckOptions& options,
                   const std::vector<std::pair<int64_t, int64_t>>& cut) {
  std::vector<std::vector<int64_t>> blocks;
  for (const auto& [first, count] : cut) blocks.push_back({first, count, -1});
  return test_blocks::Merged(scenario, options, blocks);
}

TEST(CheckBlocksTest, MergedBlocksGiveTheCheck) {
  for (const char* path : {"examples/greenleaf.yaml", "examples/support-launch.yaml"}) {
    const Scenario scenario = Read(path);
    CheckOptions options;
    options.scenarios = 70;
    options.collect_series = true;
    const std::string whole = CheckResultToJson(RunCheck(scenario, options).value());
    EXPECT_EQ(Merged(scenario, options, {{0, 70}}), whole) << path;
    EXPECT_EQ(Merged(scenario, options, {{48, 22}, {0, 16}, {16, 32}}), whole) << path;
    options.threads = 1;  // a block's threads do not matter
    EXPECT_EQ(Merged(scenario, options, {{0, 64}, {64, 6}}), whole) << path;
  }
}

TEST(CheckBlocksTest, OrderLevelModeMergesToo) {
  const Scenario scenario = Read("examples/support-launch.yaml");
  CheckOptions options;
  options.scenarios = 20;
  options.mode = CheckMode::kOrders;
  const std::string whole = CheckResultToJson(RunCheck(scenario, options).value());
  EXPECT_EQ(Merged(scenario, options, {{16, 4}, {0, 16}}), whole);
}

TEST(CheckBlocksTest, RefusesWhatIsNotABlockOfTheCheck) {
  const Scenario scenario = Read("examples/support-launch.yaml");
  CheckOptions options;
  options.scenarios = 40;
  ASSERT_EQ(CheckScenarios(scenario, options).value(), 40);
  for (const auto& [first, count] : std::vector<std::pair<int64_t, int64_t>>{
           {8, 16}, {0, 20}, {32, 16}, {-16, 16}, {0, 0}, {16, INT64_MAX}, {INT64_MAX - 15, 16}}) {
    EXPECT_FALSE(RunCheckBlock(scenario, options, first, count).ok()) << first << " " << count;
  }
  const std::string a = RunCheckBlock(scenario, options, 0, 32).value();
  const std::string b = RunCheckBlock(scenario, options, 32, 8).value();
  CheckOptions other = options;
  other.seed = 99;
  const std::string b_other_seed = RunCheckBlock(scenario, other, 32, 8).value();
  const std::vector<std::vector<std::string>> wrong = {{a},
                                                       {a, b, b},
                                                       {a, b_other_seed},
                                                       {a, b.substr(0, b.size() - 1)},
                                                       {a, b + "x"},
                                                       {a, "x"},
                                                       {a, std::string(b.size(), '\0')}};
  for (const std::vector<std::string>& blobs : wrong) {
    const Result<CheckResult> result = MergeCheckBlocks(scenario, options, blobs);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().ToString().find("a block of the check does not fit it"),
              std::string::npos)
        << result.error().ToString();
  }
  other = options;
  other.campaign = "nope";
  EXPECT_FALSE(CheckScenarios(scenario, other).ok());
  other = options;
  other.scenarios = 0;
  EXPECT_FALSE(CheckScenarios(scenario, other).ok());
}

}  // namespace
}  // namespace tandem
