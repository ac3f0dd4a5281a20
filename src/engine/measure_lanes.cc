// The measurement's route walk on all lanes of a batch (measure_lanes.h), compiled for each SIMD
// target by Highway's foreach_target mechanism, as flow_step.cc is.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "engine/measure_lanes.cc"
// Baseline (EMU128: SSE2 code on x86-64), AVX2 and AVX-512, as for the flow's kernel.
#ifndef HWY_DISABLED_TARGETS
#define HWY_DISABLED_TARGETS (HWY_SSSE3 | HWY_SSE4 | HWY_AVX3_DL)
#endif
#include <hwy/foreach_target.h>  // IWYU pragma: keep
// clang-format off: foreach_target.h must come before highway.h
#include <hwy/highway.h>
// clang-format on

#include <limits>

#include "engine/lanes.h"
#include "engine/measure_lanes.h"

HWY_BEFORE_NAMESPACE();
namespace tandem::engine {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using Tag = hn::CappedTag<double, kLanes>;
using Vec = hn::Vec<Tag>;
using IndexTag = hn::RebindToSigned<Tag>;
using IndexVec = hn::Vec<IndexTag>;
static_assert(kLanes == 8, "cells are [step][lane]: the index is step * 8 + lane");

// Measurer::Evaluate on lanes `lane` (their indices): the start time of units arriving at
// `time` at a resource with start curves `low`/`high`, linear within a step; from the left at a
// step boundary means as the last units of the step before. Lane by lane the same operations
// as the scalar version; the branches become selections.
Vec StartTime(const double* low_curve, const double* high_curve, double total_steps, Vec time,
              bool from_left, IndexVec lane) {
  const Tag d;
  const IndexTag di;
  const Vec never = hn::Set(d, std::numeric_limits<double>::infinity());
  const auto inside = hn::Lt(time, hn::Set(d, total_steps));  // false for kNever
  const Vec at = hn::IfThenElseZero(inside, time);
  IndexVec step = hn::ConvertTo(di, at);  // times are >= 0: truncation is the scalar cast
  Vec fraction = hn::Sub(at, hn::ConvertTo(d, step));
  if (from_left) {
    const auto boundary =
        hn::And(hn::Eq(fraction, hn::Zero(d)), hn::RebindMask(d, hn::Gt(step, hn::Zero(di))));
    step = hn::IfThenElse(hn::RebindMask(di, boundary), hn::Sub(step, hn::Set(di, 1)), step);
    fraction = hn::IfThenElse(boundary, hn::Set(d, 1.0), fraction);
  }
  const IndexVec cell = hn::Add(hn::ShiftLeft<3>(step), lane);
  const Vec low = hn::GatherIndex(d, low_curve, cell);
  const Vec high = hn::GatherIndex(d, high_curve, cell);
  const auto at_low = hn::Eq(fraction, hn::Zero(d));
  const auto at_high = hn::Eq(fraction, hn::Set(d, 1.0));
  const Vec between = hn::Add(low, hn::Mul(fraction, hn::Sub(high, low)));
  const Vec value = hn::IfThenElse(at_low, low, hn::IfThenElse(at_high, high, between));
  // Inside a step, an unbounded end makes the start never.
  const auto unbounded =
      hn::AndNot(hn::Or(at_low, at_high), hn::Not(hn::And(hn::IsFinite(low), hn::IsFinite(high))));
  const Vec started = hn::IfThenElse(hn::Lt(value, time), time, value);  // std::max(value, time)
  return hn::IfThenElse(hn::Or(hn::Not(inside), unbounded), never, started);
}

// After the stage's processing, which depends on the step the units start in.
Vec Finish(const double* processing, int64_t last_step, Vec started) {
  const Tag d;
  const IndexTag di;
  const auto finite = hn::IsFinite(started);
  const IndexVec at =
      hn::Min(hn::ConvertTo(di, hn::IfThenElseZero(finite, started)), hn::Set(di, last_step));
  const Vec done = hn::Add(started, hn::GatherIndex(d, processing, at));
  return hn::IfThenElse(finite, done, hn::Set(d, std::numeric_limits<double>::infinity()));
}

void RouteExitsTarget(const LaneStage* stages, size_t num_stages, int64_t total_steps, double time,
                      double* from_left, double* from_right) {
  const Tag d;
  const IndexTag di;
  const size_t n = hn::Lanes(d);
  const double steps = static_cast<double>(total_steps);
  for (size_t i = 0; i < kLanes; i += n) {
    const IndexVec lane = hn::Iota(di, static_cast<int64_t>(i));
    Vec left = hn::Set(d, time);
    Vec right = left;
    for (size_t s = 0; s < num_stages; ++s) {
      const LaneStage& stage = stages[s];
      left = Finish(stage.processing, total_steps - 1,
                    StartTime(stage.low, stage.high, steps, left, true, lane));
      right = Finish(stage.processing, total_steps - 1,
                     StartTime(stage.low, stage.high, steps, right, false, lane));
    }
    hn::StoreU(left, d, from_left + i);
    hn::StoreU(right, d, from_right + i);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace tandem::engine
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tandem::engine {

HWY_EXPORT(RouteExitsTarget);

void RouteExitsAllLanes(const LaneStage* stages, size_t num_stages, int64_t total_steps,
                        double time, double* from_left, double* from_right) {
  const auto walk = HWY_DYNAMIC_DISPATCH(RouteExitsTarget);
  walk(stages, num_stages, total_steps, time, from_left, from_right);
}

}  // namespace tandem::engine
#endif  // HWY_ONCE
