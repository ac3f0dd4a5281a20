// Follow-up: actuals against the plan (../shared/spec/follow-up.md; methods in
// docs/follow-up.md).
//
// RunFollowUp measures every promise on the actuals as of a moment (due units, kept units,
// observed share), compares demand with the plan (units, expected, bias, MAPE, observed lift),
// puts the shared metrics beside the plan's p50 and band, and, for what is not decided yet,
// re-forecasts the rest from the state at as-of with the engine (RunCheck continued from a
// StartState: the backlog of pending orders, the stock the actuals leave, the lift re-estimated
// from the demand so far). A promise whose status is worse than at sign-off (or than the plan's
// own check, without a sign-off) is drifting and raises one alert.
//
// Usage:
//   Result<Actuals> actuals = ReadActualsFolder("actuals/", scenario);   // io/actuals_csv.h
//   Result<FollowUpResult> result = RunFollowUp(scenario, actuals.value(), FollowUpOptions{});
//   FollowUpExitCode(result.value())   // 0 on track, 1 at-risk or drifting, 2 broken
//
// The actuals may come from anywhere (files, a database): RunFollowUp reads only the Actuals
// value. Deterministic for a given scenario, actuals, as-of and seed, whatever the thread
// count. Thread safety: reentrant; it runs the engine's worker threads and joins them.
#ifndef TANDEM_FOLLOWUP_FOLLOW_UP_H_
#define TANDEM_FOLLOWUP_FOLLOW_UP_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tandem/common/result.h"
#include "tandem/engine/check_result.h"
#include "tandem/followup/actuals.h"
#include "tandem/model/scenario.h"

namespace tandem {

enum class CampaignPhase { kPlanned, kLive, kEnded };
const char* PhaseName(CampaignPhase phase);  // "planned", "live", "ended"

// A promise's status at sign-off (the server keeps them); campaign "" for messaging.
struct SignedOffStatus {
  std::string campaign;
  int promise = 0;
  PromiseStatus status = PromiseStatus::kKept;
};

struct FollowUpOptions {
  std::optional<WallSeconds> as_of;     // default: the latest time in the actuals
  std::optional<std::string> campaign;  // report only this campaign (all are measured)
  std::optional<int64_t> scenarios;     // re-forecast draws; default the scenario's
  std::optional<uint64_t> seed;         // default the scenario's
  int threads = 0;                      // 0 = all hardware threads
  // Statuses at sign-off. A promise without one is compared with the plan's own check.
  std::vector<SignedOffStatus> signed_off;
  // The plan's check of this scenario, when the caller has it (else RunFollowUp runs it with
  // the same scenarios and seed, collecting its series). Run with CheckOptions::collect_series
  // for the backlog band of DemandDay::backlog. Not owned.
  const CheckResult* plan = nullptr;
  std::function<void(int64_t, int64_t)> progress;  // engine progress, from worker threads
};

struct PromiseFollowUp {
  int index = 0;  // in the campaign's promises, or in messaging
  PromiseType type = PromiseType::kDelivery;
  std::string text;
  double share = 0;  // the share promised (1 for claims)
  // Covered units whose deadline has passed or whose clock stopped (availability: every covered
  // unit; free returns: units delivered at least return_lag before as-of).
  double due_units = 0;
  double kept_units = 0;
  std::optional<double> observed_share;  // kept / due; none when nothing is due
  std::optional<Date> worst_week;        // standing promises: Monday of the worst ISO week
  double pending_units = 0;              // covered units placed and not yet decided
  std::optional<double> p_kept;          // from the re-forecast; none when decided already
  PromiseStatus status = PromiseStatus::kKept;
  PromiseStatus signed_off = PromiseStatus::kKept;  // what it is compared with
  bool drifting = false;
  bool decided = false;  // final: every covered unit due (or nothing left to simulate)
  std::string because;   // one paragraph: the evidence
};

struct LiftFigures {
  double planned = 0;              // lift.expected
  std::optional<double> observed;  // none before the window
  std::optional<double> ratio;     // observed / planned (none when planned is 0)
  // The belief the re-forecast draws from for the rest of the window: 1 + lift log-normal.
  double posterior_median = 0;  // median lift
  double posterior_low = 0;     // 5th and 95th percentiles of the lift
  double posterior_high = 0;
};

// One day of a campaign's window: the covered units placed on it (none after the measured part;
// the day of as-of counts up to it) beside the plan's whole-day median and, for a lift with a
// range, its 5th..95th percentile band from the lift's low and high (as the units metric).
struct DemandDay {
  Date date;
  std::optional<double> units;
  bool complete = false;  // the whole day is measured
  double p50 = 0;
  std::optional<double> p5;
  std::optional<double> p95;
  // The backlog on the campaign's binding resource (DemandFollowUp::backlog_resource), in its
  // work units: the day's largest at the ends of its steps, as the check's series (docs/
  // follow-up.md, "The backlog on the binding resource"). Set on every day when there is such a
  // resource: `actual` none where the actuals do not reach (after as-of, before the export
  // starts); the plan's percentiles none where the plan's check has no daily series.
  struct Backlog {
    std::optional<double> actual;
    std::optional<double> p5;
    std::optional<double> p50;
    std::optional<double> p95;
  };
  std::optional<Backlog> backlog;
};

struct DemandFollowUp {
  double units = 0;            // covered units placed in the elapsed part of the window
  double expected = 0;         // the plan's median over the same time
  double baseline = 0;         // the baseline's expected units over the same time
  std::optional<double> bias;  // units / expected - 1
  std::optional<double> mape;  // over the window's completed days
  int completed_days = 0;
  double elapsed_days = 0;  // whole steps up to as-of, in days
  LiftFigures lift;
  std::vector<DemandDay> days;  // every day of the window, in order
  // The throughput resource whose backlog the days carry ("" none: no route of the campaign's
  // offerings has one): the plan's binding resource of the campaign, else an overloaded one,
  // else the first on its routes (the check page's first chart), and its unit.
  std::string backlog_resource;
  std::string backlog_unit;
};

// A shared metric, actual beside the plan (p50, and p5..p95 where the plan has a band), over
// the elapsed part of the window (the plan's figures scaled to it while live).
struct Metric {
  std::string name;  // "units", "revenue", ...
  std::string unit;  // "units", "money", "share", "per 100 units", "ratio"
  std::optional<double> actual;
  std::optional<double> p50;
  std::optional<double> p5;
  std::optional<double> p95;
};

struct CampaignFollowUp {
  std::string id;
  std::string name;
  DateRange window;
  CampaignPhase phase = CampaignPhase::kPlanned;
  std::vector<PromiseFollowUp> promises;
  DemandFollowUp demand;
  std::vector<Metric> metrics;
};

struct Alert {
  std::string kind = "promise-drifting";
  std::string campaign;  // "" for a standing promise
  int promise = 0;
  std::string message;
};

struct FollowUpResult {
  std::string name;
  std::string currency;
  WallSeconds as_of = 0;
  bool reforecast = false;  // the rest was simulated (as-of inside the horizon)
  int64_t scenarios = 0;
  uint64_t seed = 0;
  double confidence = 0;
  std::vector<CampaignFollowUp> campaigns;
  std::vector<PromiseFollowUp> standing;
  std::vector<Alert> alerts;
};

// Errors: kInvalidInput for an unknown options.campaign or an as-of outside what can be
// followed up (before the horizon, or no actuals and no as-of); kInternal for bugs.
// REQUIRES: `actuals` read against `scenario` (indices valid).
Result<FollowUpResult> RunFollowUp(const Scenario& scenario, const Actuals& actuals,
                                   const FollowUpOptions& options);

// 0 every reported promise kept or on track, 1 one at-risk or drifting, 2 one broken.
int FollowUpExitCode(const FollowUpResult& result);

}  // namespace tandem

#endif  // TANDEM_FOLLOWUP_FOLLOW_UP_H_
