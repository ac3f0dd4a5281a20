// Sentences for promise results. Every figure in a sentence is also in the result (the
// detail object, p_kept, achieved), rounded the same way. Private to the engine.
#ifndef TANDEM_SRC_ENGINE_EXPLAIN_H_
#define TANDEM_SRC_ENGINE_EXPLAIN_H_

#include <string>

#include "engine/compiled_model.h"
#include "engine/measure.h"
#include "tandem/common/format.h"
#include "tandem/engine/check_result.h"

namespace tandem::engine {

struct ExplainInput {
  const TimeGrid* grid = nullptr;
  const PromiseSpec* spec = nullptr;
  const PromiseResult* result = nullptr;
  double confidence = 0.9;
  bool story_is_stock = false;
  std::string stock_offering;   // name of the offering whose stock binds
  std::string unit = "orders";  // what the promise counts
};

std::string ExplainPromise(const ExplainInput& input);
std::string ExplainClaim(const PromiseResult& result, const Scenario& scenario,
                         const Campaign& campaign);
std::string ExplainFreeReturns(const PromiseResult& result, const std::string& currency);

// The number formats (tandem/common/format.h), by their engine names.
using tandem::FormatCount;
using tandem::FormatMoney;
using tandem::FormatPercent;

}  // namespace tandem::engine

#endif  // TANDEM_SRC_ENGINE_EXPLAIN_H_
