// What the actuals say about each promise as of the moment (follow-up.md, "What is measured").
#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "followup/internal.h"

namespace tandem::followup {
namespace {

bool BeforeCutoff(const Promise& promise, WallSeconds time) {
  if (!promise.cutoff) return true;
  const int64_t minute_of_day = (time - WallSecondsOf(DateOfWallSeconds(time))) / 60;
  return minute_of_day < *promise.cutoff;
}

PromiseActuals Empty(const Context& context) {
  PromiseActuals out;
  const size_t days = static_cast<size_t>(context.scenario.horizon.days());
  out.due_by_day.assign(days, 0.0);
  out.kept_by_day.assign(days, 0.0);
  out.undecided_by_day.assign(days, 0.0);
  out.transit_by_day.assign(days, 0.0);
  out.transit_kept_by_day.assign(days, 0.0);
  out.measured = true;
  return out;
}

// One covered unit group's outcome as of the moment: its clock (kNotYet: still running) and its
// deadline. `transit_estimate` (delivery promises, processed but not delivered) is when it
// should arrive.
void Count(const Context& context, int day, double units, WallSeconds clock, WallSeconds deadline,
           WallSeconds transit_estimate, PromiseActuals* out) {
  const size_t d = static_cast<size_t>(day);
  out->covered += units;
  if (clock != kNotYet) {
    out->due += units;
    out->due_by_day[d] += units;
    if (clock <= deadline) {
      out->kept += units;
      out->kept_by_day[d] += units;
    }
  } else if (deadline <= context.as_of) {
    out->due += units;
    out->due_by_day[d] += units;
  } else {
    out->undecided += units;
    out->undecided_by_day[d] += units;
    if (transit_estimate != kNotYet) {
      out->transit_by_day[d] += units;
      if (transit_estimate <= deadline) out->transit_kept_by_day[d] += units;
    }
  }
}

PromiseActuals MeasureTime(const Context& context, const Coverage& coverage) {
  PromiseActuals out = Empty(context);
  const Promise& promise = *coverage.promise;
  const bool delivery = promise.type == PromiseType::kDelivery;
  for (const OrderRecord& order : context.actuals.orders) {
    if (!coverage.offerings[static_cast<size_t>(order.offering)] || order.placed > context.as_of)
      continue;
    const int day = context.DayOf(order.placed);
    if (day < coverage.first_day || day > coverage.last_day || !BeforeCutoff(promise, order.placed))
      continue;
    const Offering& offering = context.scenario.offerings[static_cast<size_t>(order.offering)];
    // An offering without a route is through it when ordered.
    WallSeconds processed = context.Happened(order.processed);
    if (offering.route.empty() && processed == kNotYet) processed = order.placed;
    const WallSeconds clock = delivery ? context.Happened(order.delivered) : processed;
    const WallSeconds estimate =
        delivery && processed != kNotYet ? processed + offering.transit.minutes * 60 : kNotYet;
    Count(context, day, order.units, clock, DeadlineOf(promise, order.placed), estimate, &out);
  }
  return out;
}

PromiseActuals MeasureResponse(const Context& context, const Coverage& coverage) {
  PromiseActuals out = Empty(context);
  const Promise& promise = *coverage.promise;
  const int resource = context.scenario.ResourceIndex(promise.resource);
  for (const TicketRecord& ticket : context.actuals.tickets) {
    if (ticket.resource != resource || ticket.opened > context.as_of) continue;
    if (ticket.offering >= 0 && !coverage.offerings[static_cast<size_t>(ticket.offering)]) continue;
    const int day = context.DayOf(ticket.opened);
    if (day < coverage.first_day || day > coverage.last_day ||
        !BeforeCutoff(promise, ticket.opened))
      continue;
    Count(context, day, 1.0, context.Happened(ticket.answered), DeadlineOf(promise, ticket.opened),
          kNotYet, &out);
  }
  return out;
}

PromiseActuals MeasureAvailability(const Context& context, const Coverage& coverage) {
  PromiseActuals out = Empty(context);
  for (const OrderRecord& order : context.actuals.orders) {
    if (!coverage.offerings[static_cast<size_t>(order.offering)] || order.placed > context.as_of)
      continue;
    const int day = context.DayOf(order.placed);
    if (day < coverage.first_day || day > coverage.last_day) continue;
    // Served from stock at once or not: decided when the order is placed.
    const WallSeconds clock = order.placed;
    const WallSeconds deadline = order.backordered ? order.placed - 1 : order.placed;
    Count(context, day, order.units, clock, deadline, kNotYet, &out);
  }
  return out;
}

// Standing promises: the worst ISO week with due units, and whether a week that has ended, with
// every unit due, fell below the share already.
void Weeks(const Context& context, PromiseActuals* out) {
  std::map<int, std::array<double, 3>> weeks;  // key -> due, kept, undecided
  std::map<int, Date> monday;
  for (int day = 0; day < context.scenario.horizon.days(); ++day) {
    const Date date = context.scenario.horizon.start + day;
    std::array<double, 3>& week = weeks[date.iso_week_key()];
    week[0] += out->due_by_day[static_cast<size_t>(day)];
    week[1] += out->kept_by_day[static_cast<size_t>(day)];
    week[2] += out->undecided_by_day[static_cast<size_t>(day)];
    if (!monday.count(date.iso_week_key())) monday[date.iso_week_key()] = date - date.weekday();
  }
  for (const auto& [key, week] : weeks) {
    if (week[0] <= 1e-9) continue;
    const double observed = week[1] / week[0];
    if (!out->worst_week_share || observed < *out->worst_week_share) {
      out->worst_week_share = observed;
      out->worst_week = monday[key];
    }
  }
}

}  // namespace

WallSeconds DeadlineOf(const Promise& promise, WallSeconds time) {
  switch (promise.within.kind) {
    case Deadline::Kind::kSameDay:
      return WallSecondsOf(DateOfWallSeconds(time) + 1);
    case Deadline::Kind::kNextDay:
      return WallSecondsOf(DateOfWallSeconds(time) + 2);
    case Deadline::Kind::kWithin:
      break;
  }
  return time + promise.within.within.minutes * 60;
}

Coverage CoverageOf(const Scenario& scenario, int campaign, int index) {
  Coverage coverage;
  coverage.campaign = campaign;
  coverage.index = index;
  coverage.offerings.assign(scenario.offerings.size(), 0);
  std::vector<std::string> scope;
  if (campaign < 0) {
    coverage.promise = &scenario.messaging[static_cast<size_t>(index)];
    for (const Offering& offering : scenario.offerings) scope.push_back(offering.id);
    coverage.first_day = 0;
    coverage.last_day = scenario.horizon.days() - 1;
  } else {
    const Campaign& owner = scenario.campaigns[static_cast<size_t>(campaign)];
    coverage.promise = &owner.promises[static_cast<size_t>(index)];
    scope = owner.offerings;
    coverage.first_day = owner.window.start - scenario.horizon.start;
    coverage.last_day = owner.window.end - scenario.horizon.start;
    coverage.discount = owner.discount;
  }
  const std::vector<std::string>& ids =
      coverage.promise->offerings.empty() ? scope : coverage.promise->offerings;
  for (const std::string& id : ids) {
    const int o = scenario.OfferingIndex(id);
    const bool stocked = scenario.offerings[static_cast<size_t>(o)].stocked;
    if (coverage.promise->type == PromiseType::kAvailability && !stocked) continue;
    coverage.offerings[static_cast<size_t>(o)] = 1;
  }
  return coverage;
}

PromiseActuals MeasurePromise(const Context& context, const Coverage& coverage) {
  PromiseActuals out;
  switch (coverage.promise->type) {
    case PromiseType::kDelivery:
    case PromiseType::kProcessing:
      out = MeasureTime(context, coverage);
      break;
    case PromiseType::kResponse:
      out = MeasureResponse(context, coverage);
      break;
    case PromiseType::kAvailability:
      out = MeasureAvailability(context, coverage);
      break;
    case PromiseType::kFreeReturns:
    case PromiseType::kClaim:
      return out;  // free returns: MeasureFreeReturns; claims are not measured on actuals
  }
  if (coverage.campaign < 0) {
    Weeks(context, &out);
    // A week that has ended with every unit due is final.
    for (int day = 0; day < context.scenario.horizon.days(); day += 1) {
      const Date date = context.scenario.horizon.start + day;
      if (date.weekday() != 6 || WallSecondsOf(date + 1) > context.as_of) continue;
      double due = 0, kept = 0, open = 0;
      for (int back = std::max(0, day - 6); back <= day; ++back) {
        due += out.due_by_day[static_cast<size_t>(back)];
        kept += out.kept_by_day[static_cast<size_t>(back)];
        open += out.undecided_by_day[static_cast<size_t>(back)];
      }
      if (due > 1e-9 && open <= 1e-9 && kept / due < coverage.promise->share)
        out.closed_week_below = true;
    }
  }
  return out;
}

std::vector<FreeReturnsOffering> MeasureFreeReturns(const Context& context,
                                                    const Coverage& coverage) {
  const Scenario& scenario = context.scenario;
  const Promise& promise = *coverage.promise;
  std::vector<FreeReturnsOffering> out;
  std::vector<int> slot(scenario.offerings.size(), -1);
  for (size_t o = 0; o < scenario.offerings.size(); ++o) {
    if (!coverage.offerings[o]) continue;
    slot[o] = static_cast<int>(out.size());
    out.push_back({static_cast<int>(o), 0, 0, 0});
  }
  for (const OrderRecord& order : context.actuals.orders) {
    const int at = slot[static_cast<size_t>(order.offering)];
    if (at < 0 || order.placed > context.as_of) continue;
    const int day = context.DayOf(order.placed);
    if (day < coverage.first_day || day > coverage.last_day) continue;
    const Offering& offering = scenario.offerings[static_cast<size_t>(order.offering)];
    const WallSeconds delivered = context.Happened(order.delivered);
    if (delivered == kNotYet || delivered + offering.return_lag.minutes * 60 > context.as_of)
      continue;
    out[static_cast<size_t>(at)].matured += order.units;
    if (context.Happened(order.returned) != kNotYet)
      out[static_cast<size_t>(at)].returned += order.returned_units;
  }
  const int day = std::clamp(coverage.first_day, 0, scenario.horizon.days() - 1);
  for (FreeReturnsOffering& item : out) {
    const Offering& offering = scenario.offerings[static_cast<size_t>(item.offering)];
    const double rate = item.matured > 0 ? item.returned / item.matured : promise.return_rate;
    const double route =
        context.plan.route_cost[static_cast<size_t>(item.offering)][static_cast<size_t>(day)];
    const double per_return =
        promise.cost
            ? *promise.cost
            : context.plan
                  .return_cost[static_cast<size_t>(item.offering)][static_cast<size_t>(day)];
    item.contribution =
        (offering.price * (1 - coverage.discount) - offering.unit_cost) * (1 - rate) - route -
        rate * per_return;
  }
  return out;
}

}  // namespace tandem::followup
