// Semantic validation of a scenario: references, ranges, dates, cycles.
//
// Returns one Diagnostic per problem with `key` set to the dotted path of the offending key
// (e.g. "campaigns[0].window.end") and file/line/column left empty: callers that know where
// keys came from (the YAML reader) fill them in. An empty result means the scenario is valid
// and may be given to the engine. Problems come in check order (the reader sorts them by
// place). Near-linear in the size of the scenario (ids are looked up by hash). Pure function;
// thread-safe.
#ifndef TANDEM_MODEL_VALIDATE_H_
#define TANDEM_MODEL_VALIDATE_H_

#include <vector>

#include "tandem/common/result.h"
#include "tandem/model/scenario.h"

namespace tandem {

// Limits that keep a check's memory bounded; documented in docs/scenario-notes.md.
inline constexpr int kMaxHorizonDays = 1100;
inline constexpr int64_t kMaxScenarios = 1000000;
inline constexpr int64_t kMaxSteps = 400000;

std::vector<Diagnostic> ValidateScenario(const Scenario& scenario);

}  // namespace tandem

#endif  // TANDEM_MODEL_VALIDATE_H_
