// The check split along blocks of Monte Carlo scenarios (docs/scale-out.md), for running it on
// several machines (the Python package's tandem.dask): each block simulates scenarios
// [first, first + count) and returns their per-scenario figures and per-chunk sums as an opaque
// blob; the merge puts the blobs together and runs the summary phase (percentiles, p_kept,
// explanations, whose representative scenario it simulates again) as RunCheck does. Exact by
// construction: the engine computes every scenario on its own and adds chunk sums in chunk order,
// so MergeCheckBlocks gives the CheckResult RunCheck gives, byte for byte in its JSON, whatever
// the blocks.
//
// Usage:
//   Result<std::string> a = RunCheckBlock(scenario, options, 0, 512);
//   Result<std::string> b = RunCheckBlock(scenario, options, 512, 488);  // on another machine
//   Result<CheckResult> result = MergeCheckBlocks(scenario, options, {a.value(), b.value()});
//
// A blob is for the same scenario and options (scenarios, seed, campaign, mode, series; threads
// may differ) on the same kind of machine (x86-64, little-endian); MergeCheckBlocks rejects one
// whose counts or options do not match. Thread safety: as RunCheck (tandem/engine/check.h).
#ifndef TANDEM_ENGINE_CHECK_BLOCKS_H_
#define TANDEM_ENGINE_CHECK_BLOCKS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tandem/common/result.h"
#include "tandem/engine/check.h"
#include "tandem/model/scenario.h"

namespace tandem {

// Scenarios per chunk of the engine: a block starts at a multiple of it, and its count is a
// multiple of it unless the block ends at the last scenario.
constexpr int64_t kCheckChunkScenarios = 16;

// The number of Monte Carlo scenarios a check of `scenario` with `options` simulates. Errors:
// what RunCheck reports about its options before simulating (the scenario count, the campaign),
// with the same messages; kInvalidInput for options.start set.
Result<int64_t> CheckScenarios(const Scenario& scenario, const CheckOptions& options);

// How many components of the resource graph the check splits into (docs/scale-out.md, "Blocks of
// components"): those holding offerings, or 1 when the check is not split along components (one
// such component; options.campaign set; a standing time or availability promise over offerings of
// several components, whose weekly shares add units across components; two campaigns in one
// component, whose runs without each read day figures the whole model's other runs leave).
// Errors: as CheckScenarios.
Result<int> CheckComponents(const Scenario& scenario, const CheckOptions& options);

// Simulates scenarios [first, first + count) of the check: of the whole scenario, or with
// `component` >= 0 of that component of the resource graph only (its sub-model; 0 <= component <
// CheckComponents(...) > 1). REQUIRES: as RunCheck; options.start unset. Errors: as RunCheck, and
// kInvalidInput for a block that is not aligned to the chunks or lies outside [0, scenarios), or
// a component the check is not split into.
Result<std::string> RunCheckBlock(const Scenario& scenario, const CheckOptions& options,
                                  int64_t first, int64_t count, int component = -1);

// RunCheckBlock of each of `components` (in that order), computing what they share once (the
// components, the whole grid: each linear in the catalogue): a worker's task of many components.
Result<std::vector<std::string>> RunComponentBlocks(const Scenario& scenario,
                                                    const CheckOptions& options, int64_t first,
                                                    int64_t count,
                                                    const std::vector<int>& components);

// The check from blocks that cover every scenario exactly once (in any order): for each chunk of
// scenarios, either one block of the whole scenario or one block of each component (blocks of
// both kinds may mix across chunks). Errors: as RunCheck, and kInvalidInput for blobs that are
// not blocks of this check or do not cover it (a missing or repeated chunk or component).
Result<CheckResult> MergeCheckBlocks(const Scenario& scenario, const CheckOptions& options,
                                     const std::vector<std::string>& blocks);

// The check of one connected component of the resource graph alone (docs/scale-out.md, "The
// sub-model"): `scenario` restricted to component `component` of FindComponents(scenario)
// (RestrictToComponent, tandem/model/components.h), simulated on the whole scenario's time grid
// with each offering's and campaign's random streams keyed by its index in the whole scenario.
// Its campaigns, their promises and resources, and the standing promises that cover only the
// component's offerings get the bits RunCheck(scenario, options) gives them; a standing promise
// over several components is measured on the component's offerings only. Budgets are not part
// of a component (their checks are the whole scenario's). Errors: as RunCheck (options.campaign
// must be one of the component's), and kInvalidInput for a component out of range or
// options.start set.
Result<CheckResult> RunComponentCheck(const Scenario& scenario, const CheckOptions& options,
                                      int component);

}  // namespace tandem

#endif  // TANDEM_ENGINE_CHECK_BLOCKS_H_
