// The promise check: Monte Carlo simulation of demand through the company's resources, with
// and without each campaign, and the per-promise, implicit-check and economic summaries.
//
// Usage:
//   Result<Scenario> scenario = ReadScenarioFile("spring.yaml");
//   Result<CheckResult> result = RunCheck(scenario.value(), CheckOptions{});
//   if (result.ok()) ... result.value().verdict ...
//
// Determinism: for a given scenario, options.scenarios and options.seed the result is
// identical whatever options.threads is (each Monte Carlo scenario draws from its own
// streams; reductions go in scenario order).
//
// Thread safety: RunCheck may be called concurrently on distinct or shared const scenarios;
// it starts its own worker threads and joins them before returning.
#ifndef TANDEM_ENGINE_CHECK_H_
#define TANDEM_ENGINE_CHECK_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "tandem/common/result.h"
#include "tandem/engine/check_result.h"
#include "tandem/engine/start_state.h"
#include "tandem/model/scenario.h"

namespace tandem {

// How the flow is simulated (docs/engine.md): fluid FIFO queues on the step grid (fast; the
// default), or every order as a job of its own (discrete events: per-order variability, for
// sub-hour promises and for validating the fluid model).
enum class CheckMode { kFluid, kOrders };

const char* CheckModeName(CheckMode mode);  // "fluid", "orders"

struct CheckOptions {
  std::optional<int64_t> scenarios;     // overrides simulation.scenarios
  std::optional<uint64_t> seed;         // overrides simulation.seed
  std::optional<std::string> campaign;  // report only this campaign (others still simulated)
  int threads = 0;                      // 0 = all hardware threads
  CheckMode mode = CheckMode::kFluid;
  // Also collect chart series (daily demand against capacity, lead-time distributions,
  // resource calendars): more memory, for reports and the web UI.
  bool collect_series = false;
  // Extra days simulated after the horizon so late units resolve (0 = automatic).
  int min_tail_days = 0;
  // Called from worker threads with (scenarios done, total); may be empty.
  std::function<void(int64_t, int64_t)> progress;
  // Continue from a state inside the horizon instead of simulating it all (follow-up's
  // re-forecast; tandem/engine/start_state.h). Not owned; outlives the call. Fluid mode only.
  const StartState* start = nullptr;
};

// REQUIRES: ValidateScenario(scenario) is empty (ReadScenarioFile guarantees it).
// Errors: kInvalidInput for an unknown options.campaign, or a start state that does not fit the
// scenario (an index out of range, a time outside the horizon, order-level mode); kInternal for
// bugs.
Result<CheckResult> RunCheck(const Scenario& scenario, const CheckOptions& options);

}  // namespace tandem

#endif  // TANDEM_ENGINE_CHECK_H_
