// The fluid hot loop against the machine's bounds (docs/performance.md, ## Scaling).
//
// The hot loop is the fluid flow's per-step work (Simulator::Run: for every step, every throughput
// resource's queue update, StepResources, plus the stock stage and exits). This times Run on a
// scenario file's "with" plan, one batch of kLanes scenarios at a time, and reports nanoseconds per
// (step x resource) batch, then the arithmetic and memory traffic StepResources needs per
// (step x resource) for kLanes lanes, counted from its code:
//
//   arithmetic per lane: queue = backlog + arrived (1), started = min(queue, capacity) (1),
//     left = queue - started (1), on_base = min(started, base) (1), cost: on_base x c +
//     (started - on_base) x e, added (4), day arrivals (1), day peak max (1): 10; for a resource
//     that sends work on (classes): early = min(capacity x b, before + arrived x b) (4), two
//     shares (2 max, 2 divisions, 1 min), departing x ratio, x early share, the rest (3): 12 more.
//   memory that is not cache resident: the step's rows of capacity, base capacity, cost and
//     processing (4 x 8 bytes), the measured start-curve cells (arrivals and backlog, floats:
//     2 x 4 x kLanes bytes; streamed once, written), and the day cells (arrivals, peak backlog,
//     2 x 8 x kLanes bytes read and written once a day: 1/steps_per_day of that per step). The
//     ring, the backlogs and the costs (a few KiB) stay in L1/L2.
//
// Since Run also does the stock stage, exits and bookkeeping, timing all of Run and charging it
// to StepResources understates the loop's rate: the fractions printed are lower bounds.
//
// Usage: tandem_hot_loop SCENARIO.yaml [BATCHES]   Prints one JSON object.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "engine/compiled_model.h"
#include "engine/flow_step.h"
#include "engine/simulator.h"
#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"

using tandem::engine::BatchDemand;
using tandem::engine::BatchTotals;
using tandem::engine::kLanes;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: tandem_hot_loop SCENARIO.yaml [BATCHES]\n");
    return 2;
  }
  const int batches = argc > 2 ? std::atoi(argv[2]) : 8;
  tandem::Result<tandem::Scenario> scenario = tandem::ReadScenarioFile(argv[1]);
  if (!scenario.ok()) {
    std::fprintf(stderr, "%s\n", scenario.error().ToString().c_str());
    return 3;
  }
  tandem::CheckOptions options;
  const tandem::engine::CompiledModel model = tandem::engine::Compile(scenario.value(), options);
  const tandem::engine::RunPlan plan =
      tandem::engine::MakeRunPlan(model, std::vector<char>(model.campaigns.size(), 1));
  const size_t resources = model.resources.size();
  tandem::engine::Simulator simulator(
      model, std::vector<char>(resources, 1),
      std::vector<char>(model.offerings.size(), tandem::engine::kMeasureStockEntries |
                                                    tandem::engine::kMeasureReturnArrivals));
  std::vector<tandem::engine::ScenarioDraws> draws(kLanes);
  std::vector<tandem::engine::RunDemand> demand(kLanes);
  double seconds = 0;
  for (int batch = 0; batch < batches; ++batch) {
    BatchDemand lanes;
    for (int lane = 0; lane < kLanes; ++lane) {
      const size_t l = static_cast<size_t>(lane);
      tandem::engine::DrawScenario(model, 1, batch * kLanes + lane, &draws[l]);
      tandem::engine::BuildRunDemand(model, plan.included, draws[l].base, draws[l].increment,
                                     &demand[l]);
      lanes.lanes[l] = &demand[l];
    }
    lanes.Interleave(model);
    BatchTotals totals;
    const auto start = std::chrono::steady_clock::now();
    simulator.Run(plan, lanes, &totals, true);
    if (batch > 0) {  // the first batch warms the buffers up (page faults)
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
  }
  const double steps = static_cast<double>(model.grid.total_steps);
  const double cells = steps * static_cast<double>(resources) * (batches - 1);
  size_t senders = 0;
  for (size_t r = 0; r < resources; ++r) senders += model.classes_at[r].empty() ? 0 : 1;
  const double flops_per_cell =
      kLanes * (10.0 + 12.0 * static_cast<double>(senders) / static_cast<double>(resources));
  const double bytes_per_cell =
      4 * 8 + 2 * 4 * kLanes + 2.0 * 2 * 8 * kLanes / model.grid.steps_per_day;
  const double ns_per_cell = seconds / cells * 1e9;
  std::printf(
      "{\"steps\": %.0f, \"resources\": %zu, \"lanes\": %d, \"ns_per_step_resource\": %.2f, "
      "\"flops_per_step_resource\": %.1f, \"bytes_per_step_resource\": %.1f, \"gflops\": %.3f, "
      "\"gb_s\": %.3f, \"target\": \"%s\"}\n",
      steps, resources, kLanes, ns_per_cell, flops_per_cell, bytes_per_cell,
      flops_per_cell / ns_per_cell, bytes_per_cell / ns_per_cell, tandem::engine::FlowTargetName());
  return 0;
}
