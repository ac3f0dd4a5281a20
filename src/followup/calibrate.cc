// Calibration (tandem/followup/calibrate.h; methods in docs/follow-up.md, "Calibration").
#include "tandem/followup/calibrate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tandem/common/format.h"

namespace tandem {
namespace {

constexpr int kLiftMinimumDays = 3;
constexpr double kReturnsMinimumUnits = 200;
constexpr double kLoadsMinimumUnits = 200;
constexpr double kLoadsMinimumTickets = 20;

double Rounded(double value, double unit) {
  return std::round(value / unit) * unit;
}

bool EnoughDaysForLift(const CampaignFollowUp& followed) {
  return followed.phase == CampaignPhase::kEnded ||
         followed.demand.completed_days >= kLiftMinimumDays;
}

// An observed lift at or below -0.95 leaves (almost) no demand: not a lift to plan with.
bool LeavesDemand(double observed_lift) {
  return 1 + observed_lift > 0.05;
}

// The record of a followed campaign with an observed lift; `calibrated` stays false.
LiftRecord RecordOf(const CampaignFollowUp& followed) {
  const DemandFollowUp& demand = followed.demand;
  LiftRecord record;
  record.campaign = followed.id;
  record.planned = demand.lift.planned;
  record.observed = *demand.lift.observed;
  record.ratio = demand.lift.ratio;
  record.elapsed_days = demand.elapsed_days;
  return record;
}

void CalibrateLifts(const FollowUpResult& result, Calibration* out) {
  for (const CampaignFollowUp& followed : result.campaigns) {
    const DemandFollowUp& demand = followed.demand;
    if (!demand.lift.observed) continue;
    LiftRecord record = RecordOf(followed);
    Campaign* campaign = nullptr;
    for (Campaign& candidate : out->scenario.campaigns) {
      if (candidate.id == followed.id) campaign = &candidate;
    }
    if (!EnoughDaysForLift(followed)) {
      out->not_calibrated.push_back("campaigns[" + followed.id +
                                    "].lift: " + std::to_string(demand.completed_days) +
                                    " whole days observed; needs the window ended or " +
                                    std::to_string(kLiftMinimumDays) + " days");
    } else if (!LeavesDemand(record.observed)) {
      out->not_calibrated.push_back("campaigns[" + followed.id + "].lift: the observed lift (" +
                                    FormatSignificant(record.observed, 4) +
                                    ") leaves no demand; not written");
    } else {
      Lift& lift = campaign->lift;
      const double observed = Rounded(record.observed, 0.001);
      CalibrationChange change;
      change.key = "campaigns[" + followed.id + "].lift.expected";
      change.before = FormatSignificant(lift.expected, 4);
      change.after = FormatSignificant(observed, 4);
      change.evidence = FormatCount(demand.units) + " units over " +
                        FormatSignificant(demand.elapsed_days, 4) + " days against a baseline of " +
                        FormatCount(demand.baseline) + " (planned lift " +
                        FormatSignificant(lift.expected, 4) + ")";
      if (!lift.certain) {
        // Low and high keep their ratios to the median (of 1 + lift, the log-normal's scale).
        const double low = (1 + observed) * (1 + lift.low) / (1 + lift.expected) - 1;
        const double high = (1 + observed) * (1 + lift.high) / (1 + lift.expected) - 1;
        change.evidence += "; low " + FormatSignificant(lift.low, 4) + " -> " +
                           FormatSignificant(Rounded(low, 0.001), 4) + ", high " +
                           FormatSignificant(lift.high, 4) + " -> " +
                           FormatSignificant(Rounded(high, 0.001), 4);
        lift.low = std::max(Rounded(low, 0.001), -0.999);
        lift.high = Rounded(high, 0.001);
      }
      lift.expected = observed;
      lift.low = std::min(lift.low, lift.expected);
      lift.high = std::max(lift.high, lift.expected);
      out->changes.push_back(change);
      record.calibrated = true;
    }
    out->lifts.push_back(record);
  }
}

// Whether an order of `offering` placed on horizon day `day` is under a free-returns policy.
bool UnderFreeReturns(const Scenario& scenario, int offering, int day) {
  for (const Campaign& campaign : scenario.campaigns) {
    if (day < campaign.window.start - scenario.horizon.start ||
        day > campaign.window.end - scenario.horizon.start)
      continue;
    for (const Promise& promise : campaign.promises) {
      if (promise.type != PromiseType::kFreeReturns) continue;
      const std::vector<std::string>& ids =
          promise.offerings.empty() ? campaign.offerings : promise.offerings;
      if (std::find(ids.begin(), ids.end(), scenario.offerings[static_cast<size_t>(offering)].id) !=
          ids.end())
        return true;
    }
  }
  return false;
}

void CalibrateReturns(const Scenario& scenario, const Actuals& actuals, WallSeconds as_of,
                      Calibration* out) {
  std::vector<double> matured(scenario.offerings.size(), 0.0);
  std::vector<double> returned(scenario.offerings.size(), 0.0);
  for (const OrderRecord& order : actuals.orders) {
    const Offering& offering = scenario.offerings[static_cast<size_t>(order.offering)];
    if (order.delivered == kNotYet || order.delivered + offering.return_lag.minutes * 60 > as_of)
      continue;
    const int day = DateOfWallSeconds(order.placed) - scenario.horizon.start;
    if (UnderFreeReturns(scenario, order.offering, day)) continue;
    matured[static_cast<size_t>(order.offering)] += order.units;
    if (order.returned != kNotYet && order.returned <= as_of)
      returned[static_cast<size_t>(order.offering)] += order.returned_units;
  }
  for (size_t o = 0; o < scenario.offerings.size(); ++o) {
    Offering& offering = out->scenario.offerings[o];
    if (matured[o] < kReturnsMinimumUnits) {
      if (matured[o] > 0) {
        out->not_calibrated.push_back(
            "offerings[" + offering.id + "].return_rate: " + FormatCount(matured[o]) +
            " units past their return lag; needs " + FormatCount(kReturnsMinimumUnits));
      }
      continue;
    }
    const double rate = Rounded(returned[o] / matured[o], 0.0001);
    out->changes.push_back({"offerings[" + offering.id + "].return_rate",
                            FormatSignificant(offering.return_rate, 4), FormatSignificant(rate, 4),
                            FormatCount(returned[o]) + " of " + FormatCount(matured[o]) +
                                " units delivered at least " + offering.return_lag.ToString() +
                                " before as-of came back"});
    offering.return_rate = rate;
  }
}

void CalibrateLoads(const Scenario& scenario, const Actuals& actuals, WallSeconds as_of,
                    Calibration* out) {
  if (!actuals.has_tickets) return;
  for (size_t o = 0; o < scenario.offerings.size(); ++o) {
    for (size_t l = 0; l < scenario.offerings[o].loads.size(); ++l) {
      const Load& load = scenario.offerings[o].loads[l];
      const int resource = scenario.ResourceIndex(load.resource);
      const WallSeconds lagged = as_of - load.lag.minutes * 60;
      // Units whose tickets have had time to arrive, and the tickets that name the offering.
      double units = 0;
      WallSeconds first = kNotYet;
      for (const OrderRecord& order : actuals.orders) {
        if (order.offering != static_cast<int>(o) || order.placed > lagged) continue;
        units += order.units;
        first = std::min(first, order.placed);
      }
      double tickets = 0;
      for (const TicketRecord& ticket : actuals.tickets) {
        if (ticket.offering == static_cast<int>(o) && ticket.resource == resource &&
            first != kNotYet && ticket.opened >= first + load.lag.minutes * 60 &&
            ticket.opened <= as_of)
          tickets += 1;
      }
      const std::string key =
          "offerings[" + scenario.offerings[o].id + "].loads[" + load.resource + "].per_unit";
      if (units < kLoadsMinimumUnits || tickets < kLoadsMinimumTickets) {
        if (units > 0) {
          out->not_calibrated.push_back(key + ": " + FormatCount(units) + " units and " +
                                        FormatCount(tickets) + " tickets naming it; needs " +
                                        FormatCount(kLoadsMinimumUnits) + " and " +
                                        FormatCount(kLoadsMinimumTickets));
        }
        continue;
      }
      const double per_unit = Rounded(tickets / units, 0.0001);
      out->changes.push_back(
          {key, FormatSignificant(load.per_unit, 4), FormatSignificant(per_unit, 4),
           FormatCount(tickets) + " tickets at " + load.resource + " for " + FormatCount(units) +
               " units placed at least " + load.lag.ToString() + " before as-of"});
      out->scenario.offerings[o].loads[l].per_unit = per_unit;
    }
  }
}

}  // namespace

// calibrate_throughput.cc
void CalibrateThroughput(const Scenario& scenario, const Actuals& actuals, WallSeconds as_of,
                         Calibration* out);

std::vector<LiftRecord> LiftRecordsOf(const FollowUpResult& result) {
  std::vector<LiftRecord> records;
  for (const CampaignFollowUp& followed : result.campaigns) {
    if (!followed.demand.lift.observed) continue;
    LiftRecord record = RecordOf(followed);
    // The same test as CalibrateLifts, which writes the lift only then.
    record.calibrated = EnoughDaysForLift(followed) && LeavesDemand(record.observed);
    records.push_back(record);
  }
  return records;
}

PastLifts SummarisePastLifts(const std::vector<LiftRecord>& records) {
  std::vector<double> ratios;
  for (const LiftRecord& record : records) {
    if (record.calibrated && record.ratio) ratios.push_back(*record.ratio);
  }
  PastLifts past;
  past.campaigns = static_cast<int>(ratios.size());
  if (ratios.empty()) return past;
  std::sort(ratios.begin(), ratios.end());
  const size_t middle = ratios.size() / 2;
  past.median_ratio =
      ratios.size() % 2 == 1 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2;
  const std::string ratio = FormatMultiple(*past.median_ratio);
  past.text =
      past.campaigns == 1
          ? "The one past campaign with enough actuals ran at " + ratio + " its planned lift."
          : "Past campaigns ran at " + ratio + " their planned lift (median of " +
                std::to_string(past.campaigns) + " campaigns).";
  return past;
}

Result<Calibration> Calibrate(const Scenario& scenario, const Actuals& actuals,
                              const FollowUpResult& result) {
  try {
    Calibration out;
    out.scenario = scenario;
    CalibrateLifts(result, &out);
    CalibrateReturns(scenario, actuals, result.as_of, &out);
    CalibrateLoads(scenario, actuals, result.as_of, &out);
    CalibrateThroughput(scenario, actuals, result.as_of, &out);
    return out;
  } catch (const std::exception& error) {
    return Error::Internal(std::string("internal error during calibration: ") + error.what());
  }
}

}  // namespace tandem
