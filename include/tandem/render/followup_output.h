// Renderings of a follow-up (tandem/followup/follow_up.h): the JSON contract
// (../shared/spec/follow-up.md, "Output") and the report a campaign owner reads in ten
// seconds; and of a calibration (tandem/followup/calibrate.h). Pure functions; thread-safe.
#ifndef TANDEM_RENDER_FOLLOWUP_OUTPUT_H_
#define TANDEM_RENDER_FOLLOWUP_OUTPUT_H_

#include <string>

#include "tandem/followup/calibrate.h"
#include "tandem/followup/follow_up.h"

namespace tandem {

// One JSON object, pretty-printed, with a trailing newline. Key order is stable. With a
// calibration (may be null), a "calibration" object is added.
std::string FollowUpResultToJson(const FollowUpResult& result, const Calibration* calibration);

// The readable report: alerts first, then per campaign its promises (so far and re-forecast),
// demand against the plan and the shared metrics; the standing promises last. `color` adds ANSI
// colours for terminals.
std::string FollowUpResultToText(const FollowUpResult& result, bool color);

// What a calibration changed and why, and each campaign's observed against planned lift.
std::string CalibrationToText(const Calibration& calibration, const std::string& written_to);

}  // namespace tandem

#endif  // TANDEM_RENDER_FOLLOWUP_OUTPUT_H_
