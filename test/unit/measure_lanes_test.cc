// The measurement's route walk on all lanes at once (engine/measure_lanes.h), on a two-stage
// route whose start curves are written by hand, for every SIMD target this CPU has (forced in
// turn as in simd_dispatch_test.cc): each lane's exit times are derived below.
#include <gtest/gtest.h>

#include <hwy/targets.h>

#include <array>
#include <limits>
#include <string>
#include <vector>

#include "engine/lanes.h"
#include "engine/measure_lanes.h"

namespace tandem::engine {
namespace {

constexpr int64_t kSteps = 6;
constexpr double kInf = std::numeric_limits<double>::infinity();

// [step][lane] curves of an idle resource (units start when they arrive): low = t, high = t + 1.
struct Curves {
  std::vector<double> low, high;
  explicit Curves(double delay)
      : low(static_cast<size_t>(kSteps) * kLanes), high(static_cast<size_t>(kSteps) * kLanes) {
    for (size_t t = 0; t < static_cast<size_t>(kSteps); ++t) {
      for (size_t l = 0; l < kLanes; ++l) {
        low[t * kLanes + l] = static_cast<double>(t) + delay;
        high[t * kLanes + l] = static_cast<double>(t) + 1 + delay;
      }
    }
  }
  void Set(size_t step, size_t lane, double first, double last) {
    low[step * kLanes + lane] = first;
    high[step * kLanes + lane] = last;
  }
};

struct Exits {
  std::array<double, kLanes> from_left{}, from_right{};
};

// Stage A: idle except where a lane says otherwise, 0.5 steps of processing. Stage B: every unit
// starts one step after it arrives (low = t + 1, high = t + 2), 1 step of processing.
Exits Walk(double time) {
  Curves a(0);
  a.Set(2, 1, 3, 4);     // lane 1: a backlog at step 2, its first units start at 3
  a.Set(1, 1, 1, 2.75);  // ... and the last units of step 1 at 2.75
  a.Set(1, 2, 1, kInf);  // lane 2: the last units of step 1 never start
  Curves b(1);
  b.Set(2, 3, 3, kInf);  // lane 3: inside step 2 at B, the last units never start
  const std::vector<double> processing_a(kSteps, 0.5);
  const std::vector<double> processing_b(kSteps, 1.0);
  const std::array<LaneStage, 2> stages = {{{a.low.data(), a.high.data(), processing_a.data()},
                                            {b.low.data(), b.high.data(), processing_b.data()}}};
  Exits exits;
  RouteExitsAllLanes(stages.data(), stages.size(), kSteps, time, exits.from_left.data(),
                     exits.from_right.data());
  return exits;
}

class MeasureLanesTest : public ::testing::TestWithParam<int64_t> {
 protected:
  void SetUp() override {
    hwy::SetSupportedTargetsForTest(0);
    if (GetParam() != HWY_STATIC_TARGET && (hwy::SupportedTargets() & GetParam()) == 0)
      GTEST_SKIP() << "this CPU lacks " << hwy::TargetName(GetParam());
    hwy::SetSupportedTargetsForTest(GetParam());
  }
  void TearDown() override { hwy::SetSupportedTargetsForTest(0); }  // back to the real CPU
};

TEST_P(MeasureLanesTest, ExitTimesOfEachLaneFollowTheCurves) {
  const Exits at2 = Walk(2);
  // Lane 0 (and 4 to 7, the same curves). From the right: A's step 2 starts at low = 2, done at
  // 2.5; B at 2.5 is halfway through step 2: 3 + 0.5 (4 - 3) = 3.5, plus 1 = 4.5. From the left:
  // A's step 1 at its end, high = 2, the same from there on: 4.5.
  for (const size_t l : std::array<size_t, 5>{0, 4, 5, 6, 7}) {
    EXPECT_EQ(at2.from_right[l], 4.5) << "lane " << l;
    EXPECT_EQ(at2.from_left[l], 4.5) << "lane " << l;
  }
  // Lane 1. From the right: A starts at 3, done at 3.5; B halfway through step 3: 4.5, plus 1:
  // 5.5. From the left: A's step 1 ends at 2.75, done at 3.25; B a quarter into step 3:
  // 4 + 0.25 = 4.25, plus 1: 5.25.
  EXPECT_EQ(at2.from_right[1], 5.5);
  EXPECT_EQ(at2.from_left[1], 5.25);
  // Lane 2: the last units of A's step 1 never start, so from the left never; from the right as
  // lane 0.
  EXPECT_EQ(at2.from_left[2], kInf);
  EXPECT_EQ(at2.from_right[2], 4.5);
  // Lane 3: both ends reach B at 2.5, inside step 2 whose last units never start: never.
  EXPECT_EQ(at2.from_left[3], kInf);
  EXPECT_EQ(at2.from_right[3], kInf);

  // At time 0 there is no step before: both ends read A's step 0 at its start, 0, done at 0.5;
  // B halfway through step 0: 1.5, plus 1: 2.5.
  const Exits at0 = Walk(0);
  EXPECT_EQ(at0.from_left[0], 2.5);
  EXPECT_EQ(at0.from_right[0], 2.5);
  // At the end of the simulation: never, in every lane.
  const Exits at_end = Walk(kSteps);
  for (size_t l = 0; l < kLanes; ++l) {
    EXPECT_EQ(at_end.from_left[l], kInf) << "lane " << l;
    EXPECT_EQ(at_end.from_right[l], kInf) << "lane " << l;
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, MeasureLanesTest,
                         ::testing::Values(HWY_STATIC_TARGET, HWY_AVX2, HWY_AVX3),
                         [](const ::testing::TestParamInfo<int64_t>& target) {
                           return std::string(hwy::TargetName(target.param));
                         });

}  // namespace
}  // namespace tandem::engine
