// Renderings of a CheckResult: the JSON contract (scenario-format.md, "Output of tandem check")
// and the human report a campaign owner reads. Pure functions; thread-safe.
#ifndef TANDEM_RENDER_CHECK_OUTPUT_H_
#define TANDEM_RENDER_CHECK_OUTPUT_H_

#include <string>

#include "tandem/engine/check_result.h"

namespace tandem {

// One JSON object, pretty-printed, with a trailing newline. Key order is stable.
std::string CheckResultToJson(const CheckResult& result);

// The readable report: per campaign a table of promises, the checks, the economics and why.
// `color` adds ANSI colours for terminals.
std::string CheckResultToText(const CheckResult& result, bool color);

}  // namespace tandem

#endif  // TANDEM_RENDER_CHECK_OUTPUT_H_
