// Test support: the demand of scenarios 0 .. kLanes - 1 of a model whose campaign 0 is its only
// one, with the campaign and without it, each as one batch (engine/simulator.h), for tests that
// run a batch and fork the run without the campaign from it.
#ifndef TANDEM_TEST_UNIT_WITH_AND_WITHOUT_H_
#define TANDEM_TEST_UNIT_WITH_AND_WITHOUT_H_

#include <array>
#include <cstdint>

#include "engine/compiled_model.h"
#include "engine/simulator.h"

namespace tandem::engine {

// The batches point into the demand arrays of the same object: neither copied nor moved.
struct WithAndWithout {
  WithAndWithout(const CompiledModel& model, uint64_t seed)
      : with_plan(MakeRunPlan(model, {1})), without_plan(MakeRunPlan(model, {0})) {
    for (size_t lane = 0; lane < kLanes; ++lane) {
      ScenarioDraws draws;
      DrawScenario(model, seed, static_cast<int64_t>(lane), &draws);
      BuildRunDemand(model, with_plan.included, draws.base, draws.increment, &with_demand[lane]);
      BuildRunDemand(model, without_plan.included, draws.base, draws.increment,
                     &without_demand[lane]);
      with_batch.lanes[lane] = &with_demand[lane];
      without_batch.lanes[lane] = &without_demand[lane];
    }
    with_batch.Interleave(model);
    without_batch.Interleave(model);
  }
  WithAndWithout(const WithAndWithout&) = delete;
  WithAndWithout& operator=(const WithAndWithout&) = delete;

  RunPlan with_plan;
  RunPlan without_plan;
  std::array<RunDemand, kLanes> with_demand;
  std::array<RunDemand, kLanes> without_demand;
  BatchDemand with_batch;
  BatchDemand without_batch;
};

}  // namespace tandem::engine

#endif  // TANDEM_TEST_UNIT_WITH_AND_WITHOUT_H_
