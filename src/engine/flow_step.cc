// The fluid flow's per-step kernel (flow_step.h), compiled for each SIMD target by Highway's
// foreach_target mechanism: this file is included once per target, each time in that target's
// namespace and with its instruction set enabled.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "engine/flow_step.cc"
// Baseline (EMU128: SSE2 code on x86-64), AVX2 and AVX-512; SSSE3/SSE4 add nothing here.
#ifndef HWY_DISABLED_TARGETS
#define HWY_DISABLED_TARGETS (HWY_SSSE3 | HWY_SSE4 | HWY_AVX3_DL)
#endif
#include <hwy/foreach_target.h>  // IWYU pragma: keep
// clang-format off: foreach_target.h must come before highway.h
#include <hwy/highway.h>
// clang-format on

#include "engine/flow_step.h"
#include "engine/lanes.h"

HWY_BEFORE_NAMESPACE();
namespace tandem::engine {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// At most kLanes doubles per vector: kLanes / Lanes(d) vectors make one lane group.
using Tag = hn::CappedTag<double, kLanes>;
using Vec = hn::Vec<Tag>;

// Adds `first` into `step` and `second` into the step after, in a step ring (both kLanes wide).
void Schedule(const FlowStepState& state, double* ring, size_t width, size_t column, int64_t step,
              const double* first, const double* second) {
  if (step >= state.total_steps) return;
  const Tag d;
  const size_t n = hn::Lanes(d);
  double* now = ring + ((static_cast<size_t>(step) & state.ring_mask) * width + column) * kLanes;
  for (size_t i = 0; i < kLanes; i += n)
    hn::StoreU(hn::Add(hn::LoadU(d, now + i), hn::LoadU(d, first + i)), d, now + i);
  if (step + 1 < state.total_steps) {
    double* next =
        ring + ((static_cast<size_t>(step + 1) & state.ring_mask) * width + column) * kLanes;
    for (size_t i = 0; i < kLanes; i += n)
      hn::StoreU(hn::Add(hn::LoadU(d, next + i), hn::LoadU(d, second + i)), d, next + i);
  }
  if (step + 2 > *state.scheduled_to) *state.scheduled_to = step + 2;
}

// What one resource's queue did in a step, per lane, for its classes' departures.
struct Started {
  alignas(64) double started[kLanes];
  alignas(64) double share[kLanes];        // started / queue
  alignas(64) double early_share[kLanes];  // part of the starts that leaves before the boundary
};

// The queue of resource `r` in step `step`: starts, backlog, costs, day figures. Fills `out`
// when the resource sends work on (`departures`).
void StepQueue(const FlowStepState& state, size_t r, int64_t step, bool departures, Started* out) {
  const Tag d;
  const size_t n = hn::Lanes(d);
  const CompiledModel& model = *state.model;
  const size_t t = static_cast<size_t>(step);
  const size_t day = t / static_cast<size_t>(model.grid.steps_per_day);
  const size_t cell = t * state.num_resources + r;
  const Vec capacity = hn::Set(d, state.step_capacity[cell]);
  const Vec base = hn::Set(d, model.step_base_capacity[cell]);
  const Vec cost = hn::Set(d, model.step_cost_per_unit[cell]);
  const Vec expansion_cost = hn::Set(d, model.resources[r].expansion_cost_per_unit);
  double* ring = state.arrival_ring + ((t & state.ring_mask) * state.num_resources + r) * kLanes;
  double* backlog = state.backlog + r * kLanes;
  double* resource_cost = state.resource_cost + r * kLanes;
  double* day_arrivals = state.day_arrivals + (day * state.num_resources + r) * kLanes;
  double* day_backlog = state.day_max_backlog + (day * state.num_resources + r) * kLanes;
  const int slot = state.measured_slot != nullptr ? state.measured_slot[r] : -1;
  const size_t measured_cell =
      slot < 0 ? 0
               : (static_cast<size_t>(slot) * static_cast<size_t>(state.total_steps) + t) * kLanes;
  const hn::Rebind<float, Tag> df;
  // Within the step (arrivals even over it) cumulative starts are min(capacity x u, backlog +
  // arrivals x u) at fraction u of the step; the work that reaches the next resource before the
  // step boundary there is that at u = 1 - f, f the fractional part of step + processing.
  const double position = static_cast<double>(step) + model.step_processing[cell];
  const double before_boundary =
      1.0 - (position - static_cast<double>(static_cast<int64_t>(position)));
  const Vec boundary = hn::Set(d, before_boundary);
  const Vec tiny = hn::Set(d, 1e-300);
  const Vec one = hn::Set(d, 1.0);
  for (size_t i = 0; i < kLanes; i += n) {
    const Vec arrived = hn::LoadU(d, ring + i);
    hn::StoreU(hn::Zero(d), d, ring + i);
    const Vec before = hn::LoadU(d, backlog + i);
    const Vec queue = hn::Add(before, arrived);
    const Vec started = hn::Min(queue, capacity);
    const Vec left = hn::Sub(queue, started);
    hn::StoreU(left, d, backlog + i);
    const Vec on_base = hn::Min(started, base);
    const Vec spent =
        hn::Add(hn::Mul(on_base, cost), hn::Mul(hn::Sub(started, on_base), expansion_cost));
    hn::StoreU(hn::Add(hn::LoadU(d, resource_cost + i), spent), d, resource_cost + i);
    hn::StoreU(hn::Add(hn::LoadU(d, day_arrivals + i), arrived), d, day_arrivals + i);
    hn::StoreU(hn::Max(hn::LoadU(d, day_backlog + i), left), d, day_backlog + i);
    if (slot >= 0) {
      // Start times come from these after the run (StartCurve): only measured runs pay for them.
      hn::StoreU(hn::DemoteTo(df, arrived), df, state.measured_arrivals + measured_cell + i);
      hn::StoreU(hn::DemoteTo(df, left), df, state.measured_backlog + measured_cell + i);
    }
    if (!departures) continue;
    const Vec early =
        hn::Min(hn::Mul(capacity, boundary), hn::Add(before, hn::Mul(arrived, boundary)));
    const Vec safe_started = hn::Max(started, tiny);
    hn::StoreU(started, d, out->started + i);
    hn::StoreU(hn::Min(hn::Div(early, safe_started), one), d, out->early_share + i);
    hn::StoreU(hn::Div(started, hn::Max(queue, tiny)), d, out->share + i);
  }
}

// Work started at resource `r` leaves after its processing time for each class's next resource.
// A resource whose arrivals all belong to one class sends all it starts on; otherwise each
// class leaves in proportion to its share of the queue (the queue's mix; lead times stay FIFO:
// they come from the cumulative curves).
void SendOn(const FlowStepState& state, size_t r, int64_t step, const Started& queue) {
  const Tag d;
  const size_t n = hn::Lanes(d);
  const CompiledModel& model = *state.model;
  const size_t t = static_cast<size_t>(step);
  const double position =
      static_cast<double>(step) + model.step_processing[t * state.num_resources + r];
  const int64_t first_cell = static_cast<int64_t>(position);
  const size_t row = t & state.ring_mask;
  const Vec threshold = hn::Set(d, 1e-12);
  alignas(64) double work[kLanes];
  alignas(64) double first[kLanes];
  alignas(64) double second[kLanes];
  for (int c : model.classes_at[r]) {
    const FlowClass& definition = model.classes[static_cast<size_t>(c)];
    double* cell = state.class_ring + (row * state.num_classes + static_cast<size_t>(c)) * kLanes;
    double* waiting = state.class_backlog + static_cast<size_t>(c) * kLanes;
    const Vec ratio = hn::Set(d, definition.ratio);
    // Whether any lane departs is decided on all kLanes lanes (as one vector would), so that
    // every target schedules the same cells.
    bool any = false;
    for (size_t i = 0; i < kLanes; i += n) {
      Vec departing;
      if (model.single_class[r]) {
        departing = hn::LoadU(d, queue.started + i);
      } else {
        const Vec mass = hn::Add(hn::LoadU(d, waiting + i), hn::LoadU(d, cell + i));
        departing = hn::Mul(mass, hn::LoadU(d, queue.share + i));
        hn::StoreU(hn::Sub(mass, departing), d, waiting + i);
      }
      hn::StoreU(hn::Zero(d), d, cell + i);
      any = any || !hn::AllFalse(d, hn::Gt(departing, threshold));
      hn::StoreU(hn::Mul(departing, ratio), d, work + i);
    }
    if (!any) continue;
    int64_t at = first_cell;
    // Work for a resource earlier in the step order cannot join this step there: the next.
    const bool whole_next = definition.back_edge && at < step + 1;
    if (whole_next) at = step + 1;
    for (size_t i = 0; i < kLanes; i += n) {
      const Vec all = hn::LoadU(d, work + i);
      const Vec early = whole_next ? all : hn::Mul(all, hn::LoadU(d, queue.early_share + i));
      hn::StoreU(early, d, first + i);
      hn::StoreU(hn::Sub(all, early), d, second + i);
    }
    Schedule(state, state.arrival_ring, state.num_resources,
             static_cast<size_t>(definition.next_resource), at, first, second);
    if (definition.next_class >= 0) {
      Schedule(state, state.class_ring, state.num_classes,
               static_cast<size_t>(definition.next_class), at, first, second);
    }
  }
}

void StepFlowTarget(const FlowStepState& state, int64_t step) {
  const CompiledModel& model = *state.model;
  Started queue;
  for (int resource : model.order) {
    const size_t r = static_cast<size_t>(resource);
    const bool departures = !model.classes_at[r].empty();
    StepQueue(state, r, step, departures, &queue);
    if (departures) SendOn(state, r, step, queue);
  }
}

const char* TargetName() {
  return hwy::TargetName(HWY_TARGET);
}

}  // namespace HWY_NAMESPACE
}  // namespace tandem::engine
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tandem::engine {

HWY_EXPORT(StepFlowTarget);
HWY_EXPORT(TargetName);

void StepFlow(const FlowStepState& state, int64_t step) {
  // A scenario without throughput resources (a claim or a budget alone) has empty step tables.
  if (state.num_resources == 0) return;
  HWY_DYNAMIC_DISPATCH(StepFlowTarget)(state, step);
}

const char* FlowTargetName() {
  return HWY_DYNAMIC_DISPATCH(TargetName)();
}

}  // namespace tandem::engine
#endif  // HWY_ONCE
