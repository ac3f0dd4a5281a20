// The check's answer must not depend on the CPU: the fluid kernels are compiled for baseline
// x86-64 (Highway's static target, SCALAR with this build's flags: what runs on any x86-64),
// AVX2 and AVX-512 and chosen at run time (engine/flow_step.h). Here the dispatch is forced to
// each target this CPU supports in turn (hwy::SetSupportedTargetsForTest) and the whole check's
// JSON, series included, must be the same bytes as with the baseline target.
#include <gtest/gtest.h>

#include <hwy/targets.h>

#include <string>
#include <vector>

#include "engine/flow_step.h"
#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/check_output.h"

namespace tandem {
namespace {

struct ForcedTarget {
  int64_t target;
  const char* name;
};

std::string CheckJson(const std::string& path, int64_t scenarios) {
  const Result<Scenario> scenario = ReadScenarioFile(std::string(TANDEM_SOURCE_DIR) + "/" + path);
  EXPECT_TRUE(scenario.ok()) << (scenario.ok() ? "" : scenario.error().ToString());
  if (!scenario.ok()) return "";
  CheckOptions options;
  options.scenarios = scenarios;
  options.collect_series = true;
  const Result<CheckResult> result = RunCheck(scenario.value(), options);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().ToString());
  return result.ok() ? CheckResultToJson(result.value()) : "";
}

class SimdDispatchTest : public ::testing::TestWithParam<const char*> {
 protected:
  void TearDown() override { hwy::SetSupportedTargetsForTest(0); }  // back to the real CPU
};

TEST_P(SimdDispatchTest, EveryTargetGivesTheBaselineJson) {
  const std::string path = GetParam();
  hwy::SetSupportedTargetsForTest(HWY_STATIC_TARGET);
  ASSERT_STREQ(engine::FlowTargetName(), hwy::TargetName(HWY_STATIC_TARGET));
  const std::string baseline = CheckJson(path, 48);
  ASSERT_FALSE(baseline.empty());

  const std::vector<ForcedTarget> wider = {{HWY_AVX2, "AVX2"}, {HWY_AVX3, "AVX3"}};
  int compared = 0;
  for (const ForcedTarget& forced : wider) {
    hwy::SetSupportedTargetsForTest(0);
    if ((hwy::SupportedTargets() & forced.target) == 0) continue;  // this CPU lacks it
    hwy::SetSupportedTargetsForTest(forced.target);
    ASSERT_STREQ(engine::FlowTargetName(), forced.name);
    EXPECT_EQ(CheckJson(path, 48), baseline) << path << ": " << forced.name << " differs";
    ++compared;
  }
  if (compared == 0) GTEST_SKIP() << "this CPU has neither AVX2 nor AVX-512: nothing to compare";
}

INSTANTIATE_TEST_SUITE_P(Examples, SimdDispatchTest,
                         ::testing::Values("examples/greenleaf.yaml",
                                           "examples/support-launch.yaml",
                                           "bench/peers/warehouse.yaml"));

}  // namespace
}  // namespace tandem
