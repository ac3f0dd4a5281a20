// The parts of follow-up (tandem/followup/follow_up.h), private to the library:
//  observed.cc  what the actuals say about each promise as of the moment
//  demand.cc    demand against the plan, the observed lift and the belief for the rest
//  state.cc     the state at as-of for the engine's re-forecast (StartState)
//  metrics.cc   the shared metrics, actual beside the plan
//  backlog.cc   the backlog on the campaign's binding resource, actual beside the plan's band
//  follow_up.cc the orchestration: statuses, drift, alerts, sentences
#ifndef TANDEM_SRC_FOLLOWUP_INTERNAL_H_
#define TANDEM_SRC_FOLLOWUP_INTERNAL_H_

#include <optional>
#include <string>
#include <vector>

#include "tandem/engine/check_result.h"
#include "tandem/engine/plan_demand.h"
#include "tandem/engine/start_state.h"
#include "tandem/followup/actuals.h"
#include "tandem/followup/follow_up.h"
#include "tandem/model/scenario.h"

namespace tandem::followup {

// The scenario, the actuals and the moment; shared read-only by every part.
struct Context {
  const Scenario& scenario;
  const Actuals& actuals;
  const PlanDemand& plan;
  WallSeconds as_of = 0;
  WallSeconds horizon_start = 0;  // 00:00 of horizon.start
  WallSeconds horizon_end = 0;    // 24:00 of horizon.end
  // 00:00 of the day of the first order known at as-of: demand is measured from there (an
  // export that starts after the horizon does not say demand was zero before). None: no order.
  std::optional<WallSeconds> orders_from;

  // Horizon day index of a time (may lie outside [0, horizon days)).
  int DayOf(WallSeconds time) const {
    return static_cast<int>(DateOfWallSeconds(time) - scenario.horizon.start);
  }
  double MinutesSinceStart(WallSeconds time) const {
    return static_cast<double>(time - horizon_start) / 60.0;
  }
  // Times after as-of have not happened yet.
  WallSeconds Happened(WallSeconds time) const { return time <= as_of ? time : kNotYet; }
};

// What a promise covers: offerings and placement days (horizon day indices, inclusive).
struct Coverage {
  int campaign = -1;  // -1: standing
  int index = 0;
  const Promise* promise = nullptr;
  std::vector<char> offerings;  // per offering
  int first_day = 0;
  int last_day = 0;
  double discount = 0;  // the campaign's (free returns)
};
Coverage CoverageOf(const Scenario& scenario, int campaign, int index);

// What the actuals say about one promise as of the moment.
struct PromiseActuals {
  double covered = 0;  // covered units placed (tickets opened) up to as-of
  double due = 0;
  double kept = 0;
  std::vector<double> due_by_day;  // [horizon day of placement]
  std::vector<double> kept_by_day;
  double undecided = 0;  // covered, not yet due
  std::vector<double> undecided_by_day;
  // Delivery promises: units processed and not yet delivered nor due, with their delivery
  // estimated as processed + transit (kept when that is in time).
  std::vector<double> transit_by_day;
  std::vector<double> transit_kept_by_day;
  // Standing promises: the worst ISO week with due units.
  std::optional<double> worst_week_share;
  std::optional<Date> worst_week;
  // Weeks that have ended, every unit due, below the share (standing: broken at once).
  bool closed_week_below = false;
  bool measured = false;  // delivery, processing, response, availability, free returns
};
PromiseActuals MeasurePromise(const Context& context, const Coverage& coverage);

// Free returns: per covered offering, units matured (delivered at least return_lag before
// as-of), returned, and the contribution per unit at the observed return rate.
struct FreeReturnsOffering {
  int offering = 0;
  double matured = 0;
  double returned = 0;
  double contribution = 0;  // at the observed rate (the promise's while nothing matured)
};
std::vector<FreeReturnsOffering> MeasureFreeReturns(const Context& context,
                                                    const Coverage& coverage);

// Demand of campaign `k` over the elapsed part of its window, and the lift belief for the rest.
struct DemandFigures {
  DemandFollowUp figures;
  double window_expected = 0;    // the plan's median over the whole window
  double weighted_baseline = 0;  // elapsed: baseline x this campaign's profile weight (W)
  WallSeconds from = 0;          // the measured part of the window: [from, to)
  WallSeconds to = 0;
  double log_median = 0;  // the belief for the rest: ln(1 + lift) ~ N(log_median, sigma)
  double sigma = 0;
  bool informed = false;  // the belief uses observed demand
};
DemandFigures CampaignDemand(const Context& context, int k);
// The plan's prior for a campaign's lift: ln(1 + lift) ~ N(mu, sigma). A lift written as a
// number gets kCertainLiftSigma (docs/follow-up.md).
inline constexpr double kCertainLiftSigma = 0.42;
void LiftPrior(const Lift& lift, double* mu, double* sigma);

// The backlog on campaign `k`'s binding resource per day of its window, actual beside the plan's
// band (its check's daily series, when collected), into `demand` (backlog.cc).
void AddBacklog(const Context& context, int k, const CampaignResult* plan, DemandFollowUp* demand);

// The state at as-of for the engine, from the actuals and the measured promises.
struct PromiseKey {
  int campaign = -1;
  int index = 0;
  const PromiseActuals* actuals = nullptr;
};
StartState BuildStartState(const Context& context, const std::vector<PromiseKey>& promises,
                           const std::vector<DemandFigures>& demand);

// The shared metrics of campaign `k`, actual beside the plan's check.
std::vector<Metric> CampaignMetrics(const Context& context, int k, const DemandFigures& demand,
                                    const CampaignResult* plan,
                                    const std::vector<PromiseFollowUp>& promises,
                                    const std::vector<PromiseResult>& plan_promises);

// The return rate in force for an order of `offering` placed on horizon day `day`: a free
// returns promise of a campaign in force, else the offering's (as the check plans it).
double ReturnRateInForce(const Scenario& scenario, int offering, int day);

// The deadline of a unit ordered (or a ticket opened) at `time` under the promise's rule.
WallSeconds DeadlineOf(const Promise& promise, WallSeconds time);

}  // namespace tandem::followup

#endif  // TANDEM_SRC_FOLLOWUP_INTERNAL_H_
