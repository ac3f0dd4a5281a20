// The fluid flow's per-step kernel: every throughput resource's queue for one step, on the
// kLanes scenarios of a batch side by side. Compiled once per SIMD target (Google Highway:
// baseline x86-64, AVX2, AVX-512) and chosen at run time for the CPU at hand; every target gives
// bit-identical results (lane-wise IEEE arithmetic in the same order, no fused multiply-add,
// every decision that spans lanes taken on all kLanes lanes at once). Private to the engine.
#ifndef TANDEM_SRC_ENGINE_FLOW_STEP_H_
#define TANDEM_SRC_ENGINE_FLOW_STEP_H_

#include <cstddef>
#include <cstdint>

#include "engine/compiled_model.h"

namespace tandem::engine {

// What the kernel reads and writes: the Simulator's buffers (owned by it; laid out
// [row][column][lane] as documented in simulator.h). Filled by the Simulator before each run.
struct FlowStepState {
  const CompiledModel* model = nullptr;
  size_t num_resources = 0;
  size_t num_classes = 0;
  size_t ring_mask = 0;
  int64_t total_steps = 0;
  const double* step_capacity = nullptr;  // the run plan's [step][resource]
  double* arrival_ring = nullptr;         // [row][resource][lane]
  double* class_ring = nullptr;           // [row][class][lane]
  double* backlog = nullptr;              // [resource][lane]
  double* class_backlog = nullptr;        // [class][lane]
  double* resource_cost = nullptr;        // [resource][lane]
  double* day_arrivals = nullptr;         // [day][resource][lane]
  double* day_max_backlog = nullptr;      // [day][resource][lane]
  // Measured runs only (null otherwise): per measured resource, arrivals and backlog after
  // each step, [slot][step][lane], and each resource's slot (-1: not measured).
  float* measured_arrivals = nullptr;
  float* measured_backlog = nullptr;
  const int* measured_slot = nullptr;
  int64_t* scheduled_to = nullptr;  // rows at or after this step are zero
};

// Steps every throughput resource, in the model's step order, through step `step`.
void StepFlow(const FlowStepState& state, int64_t step);

// The SIMD target StepFlow uses on this CPU ("AVX3", "AVX2", "EMU128", ...), for benchmarks.
const char* FlowTargetName();

}  // namespace tandem::engine

#endif  // TANDEM_SRC_ENGINE_FLOW_STEP_H_
