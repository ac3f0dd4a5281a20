// The outcome of a promise check: per campaign and standing promise, the verdict, the
// probability each promise is kept, the implicit checks and the economics.
//
// This is a domain result, not an error: a "no-go" is a successful check. Figures are in the
// units their names give: money in the scenario's currency, shares in [0, 1], dates as Date.
// Percentiles are over the Monte Carlo scenarios. Plain values; thread-compatible.
#ifndef TANDEM_ENGINE_CHECK_RESULT_H_
#define TANDEM_ENGINE_CHECK_RESULT_H_

#include <optional>
#include <string>
#include <vector>

#include "tandem/common/date.h"
#include "tandem/model/scenario.h"

namespace tandem {

enum class Verdict { kGo = 0, kAtRisk = 1, kNoGo = 2 };
enum class PromiseStatus { kKept, kAtRisk, kBroken };

const char* VerdictName(Verdict verdict);      // "go", "at-risk", "no-go"
const char* StatusName(PromiseStatus status);  // "kept", "at-risk", "broken"
Verdict Worse(Verdict a, Verdict b);
// The verdict a promise's status alone gives: kept -> go, at-risk -> at-risk, broken -> no-go.
Verdict VerdictFor(PromiseStatus status);

struct Percentiles {
  double p5 = 0;
  double p50 = 0;
  double p95 = 0;
  double mean = 0;
};

// The figures behind a time promise's explanation, from one representative scenario (the one
// whose achieved share is the median).
struct PromiseDetail {
  std::string resource;          // binding resource (or "stock of <offering>")
  bool falls_behind = false;     // backlog exceeded what can be cleared within the bound
  double falls_behind_step = 0;  // step index where it first did
  std::string falls_behind_at;   // "Mon 1 Feb 10:00"
  double peak_backlog = 0;       // units of the resource
  std::string peak_at;           // "Sun 7 Feb"
  Date peak_date;
  double peak_days_of_capacity = 0;
  double share_missing = 0;  // share of covered units missing the bound
  std::string unit;
  bool behind_at_start = false;  // already behind when the promise's period opens
  double closed_share = 0;       // share of the period's hours the resource is closed
};

struct PromiseResult {
  int index = 0;  // position in the campaign's promises or in messaging
  PromiseType type = PromiseType::kDelivery;
  Promise promise;   // as written (resolved defaults)
  std::string text;  // "delivered within 24h for 95% of orders"
  PromiseStatus status = PromiseStatus::kKept;
  double p_kept = 1;
  Percentiles achieved;
  double target = 0;  // the share the promise needs (1 for claims)
  std::vector<std::string> binding;
  std::string explanation;
  std::optional<PromiseDetail> detail;
  double covered_units_p50 = 0;
  // Time promises: covered offerings whose processing and transit alone exceed the bound, so
  // that no capacity can keep the promise for them.
  std::vector<std::string> unreachable;
  std::string unreachable_lead;                   // e.g. "49h" for the first of them
  std::vector<std::string> declared_wording;      // claim: declared claims true for the window
  std::vector<std::string> missing_capabilities;  // claim
  struct OfferingReturn {
    std::string offering;
    double contribution_after_returns = 0;   // per unit sold
    double contribution_before_returns = 0;  // per unit sold, no unit returned
    double return_rate = 0;                  // the promise's expected rate
    double base_return_rate = 0;             // the offering's own rate
    double return_cost = 0;                  // processing one return
    double window_units = 0;    // expected units sold in the promise's period (all sales)
    double baseline_units = 0;  // of which would sell anyway (campaign promises; else 0)
  };
  std::vector<OfferingReturn> free_returns;  // free_returns: per covered offering
  // Time promises, when CheckOptions::collect_series: the distribution of lead times (order to
  // delivery, or arrival to response) of covered units, pooled over scenarios.
  struct LeadTimes {
    double bin_hours = 0;
    std::vector<double> share;  // share of covered units per bin [i * bin_hours, (i+1) * bin_hours)
    double beyond = 0;          // share later than the last bin, or never delivered
    double bound_hours = 0;     // the promise's bound (same_day: 24, next_day: 48)
  };
  std::optional<LeadTimes> lead_times;
};

struct ThroughputCheck {
  std::string resource;
  std::string unit;
  bool overloaded = false;
  Percentiles peak_backlog;
  Percentiles peak_backlog_without;
  double peak_utilisation = 0;  // median across scenarios of the largest daily ratio
  double peak_utilisation_without = 0;
  double day_capacity = 0;  // mean capacity of an open day in the campaign period
  Date period_start;
  Date period_end;
  // Daily series from a week before the window to the period's end, when
  // CheckOptions::collect_series (empty otherwise). Work units of the resource.
  struct Day {
    Date date;
    double capacity = 0;          // with the campaign's bookings
    Percentiles arrivals;         // work arriving that day, with the campaign
    double arrivals_without = 0;  // median, without it
    Percentiles backlog;          // the day's largest backlog, with the campaign
    double backlog_without = 0;   // median, without it
  };
  std::vector<Day> days;
};

struct SpaceCheck {
  std::string resource;
  std::string unit;
  bool broken = false;
  double peak = 0;  // largest planned end-of-day stock volume in the horizon
  double capacity = 0;
  double peak_ratio = 0;
  Date date;
  double peak_without = 0;    // the same plan without this campaign
  Percentiles refused_units;  // receipts refused for lack of space, across scenarios
};

struct BudgetCheck {
  std::string resource;
  bool broken = false;
  double spend = 0;
  double available = 0;  // what was left for this campaign
};

struct LaunchCheck {
  bool broken = false;
  Date ready;
  Date start;
  std::vector<std::string> critical_path;  // task ids in order
};

struct SupplyShortfall {
  std::string offering;
  double units = 0;  // units the stock plan cannot serve on their day (in the period)
  Date first_date;
  Date last_date;
};

struct OfferingEconomics {
  std::string offering;
  double unit_contribution = 0;
  double unit_contribution_after_returns = 0;
  double return_rate = 0;  // the rate in force used above
};

struct Economics {
  Percentiles revenue;
  Percentiles incremental_contribution;
  Percentiles incremental_units;
  Percentiles incremental_fulfilment_cost;  // route, return and side-load costs
  double spend = 0;
  Percentiles roi;  // undefined (all zero) when spend is 0
  bool roi_defined = false;
  double p_loss = 0;
  std::optional<double> cac_with_fulfilment;    // from means; none when no incremental units
  double expected_incremental_after_spend = 0;  // mean incremental contribution - spend
  std::vector<OfferingEconomics> offerings;
};

// A standing promise's status in one run (with or without a campaign).
struct StandingStatus {
  PromiseStatus status = PromiseStatus::kKept;
  double p_kept = 1;
};

// A standing promise a campaign endangers: its status is worse with the campaign than without it
// (scenario-format.md, Verdict); the campaign's verdict counts `status`.
struct StandingImpact {
  int index = 0;     // position in messaging
  std::string text;  // the promise in words
  StandingStatus with;
  StandingStatus without;
};

struct CampaignResult {
  std::string id;
  std::string name;
  Verdict verdict = Verdict::kGo;
  std::vector<std::string> reasons;  // why the verdict, one line each
  std::vector<PromiseResult> promises;
  std::vector<SpaceCheck> space;
  std::optional<LaunchCheck> launch;
  std::vector<BudgetCheck> budget;
  std::vector<ThroughputCheck> throughput;
  std::vector<SupplyShortfall> supply;
  Economics economics;
  std::vector<StandingImpact> standing;  // the standing promises this campaign endangers
  // Per messaging promise, its status without this campaign (same seed and scenarios): filled
  // when a standing promise is not kept with the campaign, empty otherwise (and in a check
  // continued from a state, where the campaign cannot be taken out).
  std::vector<StandingStatus> standing_without;
};

// A resource over the horizon, when CheckOptions::collect_series: daily capacity (with every
// campaign's bookings), mean arriving work and mean work carried over (waiting when the day
// starts) across scenarios, for a planning calendar: the day's load is (backlog + arrivals) /
// capacity, so a backlog left by earlier days counts where it is worked off.
struct ResourceCalendar {
  std::string resource;
  std::string unit;
  Date first;
  std::vector<double> capacity;  // per day
  std::vector<double> arrivals;  // per day, mean across scenarios
  std::vector<double> backlog;   // per day, mean across scenarios: waiting at the day's start
};

struct CheckResult {
  std::string name;
  std::string currency;
  Verdict verdict = Verdict::kGo;
  std::vector<CampaignResult> campaigns;
  std::vector<PromiseResult> messaging;
  std::vector<SupplyShortfall> supply;      // every planned shortfall in the horizon
  std::vector<ResourceCalendar> resources;  // with collect_series
  int64_t scenarios = 0;
  uint64_t seed = 0;
  double confidence = 0;
  Duration step;
  DateRange horizon;
};

}  // namespace tandem

#endif  // TANDEM_ENGINE_CHECK_RESULT_H_
