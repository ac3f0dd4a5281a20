// Test helper: a check cut into blocks (tandem/engine/check_blocks.h), simulated and merged.
#ifndef TANDEM_TEST_UNIT_MERGED_BLOCKS_H_
#define TANDEM_TEST_UNIT_MERGED_BLOCKS_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tandem/engine/check.h"
#include "tandem/engine/check_blocks.h"
#include "tandem/engine/evaluate.h"
#include "tandem/render/check_output.h"

namespace tandem::test_blocks {

// The JSON of MergeCheckBlocks over the blocks `cut`, each {first, count, component} (component
// -1: the whole scenario); "" with a test failure when a block or the merge fails.
inline std::string Merged(const Scenario& scenario, const CheckOptions& options,
                          const std::vector<std::vector<int64_t>>& cut) {
  std::vector<std::string> blobs;
  for (const std::vector<int64_t>& block : cut) {
    Result<std::string> blob =
        RunCheckBlock(scenario, options, block[0], block[1], static_cast<int>(block[2]));
    EXPECT_TRUE(blob.ok()) << (blob.ok() ? "" : blob.error().ToString());
    if (!blob.ok()) return "";
    blobs.push_back(blob.value());
  }
  Result<CheckResult> result = MergeCheckBlocks(scenario, options, blobs);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().ToString());
  return result.ok() ? CheckResultToJson(result.value()) : "";
}

// The JSON of the check on the whole model, never split along components: engine::Evaluate with
// RunCheck's options (economics; no start state). "" with a test failure when it fails.
inline std::string WholeModel(const Scenario& scenario, const CheckOptions& options) {
  const engine::EvaluateOptions evaluate;  // economics on, as RunCheck's
  Result<CheckResult> result = engine::Evaluate(scenario, options, evaluate, nullptr);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().ToString());
  return result.ok() ? CheckResultToJson(result.value()) : "";
}

}  // namespace tandem::test_blocks

#endif  // TANDEM_TEST_UNIT_MERGED_BLOCKS_H_
