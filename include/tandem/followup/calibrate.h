// Calibration: the scenario with what the actuals measured (follow-up.md, "Calibration";
// methods and minimum-data rules in docs/follow-up.md, "Calibration").
//
//  * lift: each campaign that has ended, or has run for at least 3 whole days, gets
//    lift.expected = its observed lift; low and high keep their ratios to it (of 1 + lift);
//  * return_rate: offerings with at least 200 units past their return lag, outside free-returns
//    windows;
//  * loads per unit: offering and resource pairs with at least 200 units placed a lag before
//    as-of and 20 tickets naming the offering;
//  * processing_time and capacity of a throughput resource that is the whole route of some
//    offerings, from the processed timestamps: the time orders that found no queue took, and
//    the starts per open hour while a queue stood.
// Everything else is kept as it was. Pure function; thread-safe.
#ifndef TANDEM_FOLLOWUP_CALIBRATE_H_
#define TANDEM_FOLLOWUP_CALIBRATE_H_

#include <optional>
#include <string>
#include <vector>

#include "tandem/common/result.h"
#include "tandem/followup/actuals.h"
#include "tandem/followup/follow_up.h"
#include "tandem/model/scenario.h"

namespace tandem {

struct CalibrationChange {
  std::string key;     // "campaigns[spring-40].lift.expected", "offerings[mulch].return_rate"
  std::string before;  // as the scenario had it
  std::string after;
  std::string evidence;  // the measurement behind it, one sentence
};

// Planned against observed lift, per campaign with an observed lift (the server keeps these
// across campaigns: "past campaigns ran at 0.6x their planned lift").
struct LiftRecord {
  std::string campaign;
  double planned = 0;
  double observed = 0;
  std::optional<double> ratio;  // observed / planned; none when planned is 0
  double elapsed_days = 0;
  bool calibrated = false;  // enough data to set lift.expected
};

struct Calibration {
  Scenario scenario;  // the input with the changes applied
  std::vector<CalibrationChange> changes;
  std::vector<std::string> not_calibrated;  // what had too little data, and why
  std::vector<LiftRecord> lifts;
};

// The lift records of a follow-up: one per campaign with an observed lift, `calibrated` when the
// window has ended or 3 whole days were observed and 1 + lift is above 0.05 (as Calibrate).
std::vector<LiftRecord> LiftRecordsOf(const FollowUpResult& result);

// What past campaigns say about a planned lift: the median of observed / planned over the
// records with enough data (`calibrated`) and a ratio. The median, not the mean, so that one
// campaign that flopped or went viral does not speak for all.
struct PastLifts {
  int campaigns = 0;                   // records counted
  std::optional<double> median_ratio;  // none when no record counts
  // "Past campaigns ran at 0.6x their planned lift (median of 3 campaigns)."; "" when none.
  std::string text;
};
PastLifts SummarisePastLifts(const std::vector<LiftRecord>& records);

// REQUIRES: `result` is RunFollowUp(scenario, actuals, ...) (its as-of and demand figures).
// Errors: kInternal only.
Result<Calibration> Calibrate(const Scenario& scenario, const Actuals& actuals,
                              const FollowUpResult& result);

}  // namespace tandem

#endif  // TANDEM_FOLLOWUP_CALIBRATE_H_
