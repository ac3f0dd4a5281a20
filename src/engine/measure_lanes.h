// The measurement's route walk on the kLanes scenarios of a batch side by side: the exit times of
// units entering a route at a step boundary, in every lane at once. Compiled once per SIMD target
// (Google Highway: baseline x86-64, AVX2, AVX-512) and chosen at run time like the flow's kernel
// (flow_step.h); every target gives bit-identical results, and each lane's are those of the
// scalar walk (Measurer::RouteFrom): the same IEEE operations on the same values, in the same
// order, no fused multiply-add. Private to the engine.
#ifndef TANDEM_SRC_ENGINE_MEASURE_LANES_H_
#define TANDEM_SRC_ENGINE_MEASURE_LANES_H_

#include <cstddef>
#include <cstdint>

namespace tandem::engine {

// One stage of a route: the resource's start curves in every lane and its processing times.
struct LaneStage {
  const double* low = nullptr;         // [step][lane]: start of the step's first arrivals
  const double* high = nullptr;        // [step][lane]: start of the step's last arrivals
  const double* processing = nullptr;  // [step]: processing time (steps) by start step
};

// Exit times, after the last stage's processing, of units entering the route at the step
// boundary `time`: as the last units of step time - 1 (`from_left`) and as the first units of
// step `time` (`from_right`), kLanes values each (kNever: not within the simulation).
void RouteExitsAllLanes(const LaneStage* stages, size_t num_stages, int64_t total_steps,
                        double time, double* from_left, double* from_right);

}  // namespace tandem::engine

#endif  // TANDEM_SRC_ENGINE_MEASURE_LANES_H_
