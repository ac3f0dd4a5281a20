// The as-of rule (follow-up.md, "The as-of time"), checked on random actuals (rapidcheck): one
// set of files replays what tandem would have said on any day.
//  * Replay: the follow-up of complete actuals as of T is the follow-up (the same JSON, byte for
//    byte) of the actuals as they stood at T: orders and tickets placed or opened after T
//    removed, every later timestamp emptied, later spend rows dropped.
//  * Monotone: as of a later time, no fewer units are placed, due or kept (a unit kept stays
//    kept; a deadline that has passed stays passed), per promise and in total.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "tandem/engine/check.h"
#include "tandem/followup/follow_up.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/followup_output.h"

namespace tandem {
namespace {

const char* kShop = R"(
tandem: 1
name: replay
horizon: {start: 2027-03-01, end: 2027-03-14}
simulation: {scenarios: 16, seed: 3}
resources:
  - {id: desk, kind: throughput, capacity: 3}
  - {id: support, kind: throughput, capacity: 2}
offerings:
  - {id: form, price: 10, unit_cost: 4, stocked: false, route: [desk], transit: 24h,
     loads: [{resource: support, per_unit: 0.2, lag: 6h}], baseline: {per_day: 30}}
  - {id: bag, price: 5, unit_cost: 1, stock: 40, route: [desk], transit: 12h, return_rate: 0.1,
     baseline: {per_day: 10}}
messaging:
  - {type: response, resource: support, within: 8h, share: 0.8}
campaigns:
  - id: push
    window: {start: 2027-03-04, end: 2027-03-10}
    lift: {expected: 0.5, low: 0.2, high: 1}
    spend: 100
    promises:
      - {type: delivery, within: 48h, share: 0.8}
      - {type: processing, within: 12h, share: 0.9}
      - {type: availability, share: 0.9, offerings: [bag]}
)";

const Scenario& Shop() {
  static const Scenario scenario = [] {
    const FileLoader none = [](const std::string&) -> Result<std::string> {
      return Error::Io("no files");
    };
    return ParseScenario(kShop, "replay.yaml", none).value();
  }();
  return scenario;
}

constexpr WallSeconds kHour = 3600;

WallSeconds Start() {
  return WallSecondsOf(Shop().horizon.start);
}

// Random actuals over the horizon's 14 days: orders with random fulfilment, tickets.
Actuals RandomActuals() {
  Actuals actuals;
  actuals.has_orders = actuals.has_tickets = actuals.has_spend = true;
  const int orders = *rc::gen::inRange(0, 60);
  for (int i = 0; i < orders; ++i) {
    OrderRecord order;
    const std::string id = "o" + std::to_string(i);
    order.id = {actuals.order_ids.size(), static_cast<uint32_t>(id.size())};
    actuals.order_ids += id;
    order.offering = *rc::gen::inRange(0, 2);
    order.units = *rc::gen::inRange(1, 4);
    order.placed = Start() + *rc::gen::inRange<int64_t>(0, 14 * 24) * kHour +
                   *rc::gen::inRange<int64_t>(0, 3600);
    order.backordered = *rc::gen::inRange(0, 5) == 0;
    if (*rc::gen::inRange(0, 4) > 0) {
      order.processed = order.placed + *rc::gen::inRange<int64_t>(0, 30 * kHour);
      if (*rc::gen::inRange(0, 3) > 0) {
        order.delivered = order.processed + *rc::gen::inRange<int64_t>(0, 60 * kHour);
        if (*rc::gen::inRange(0, 4) == 0) {
          order.returned = order.delivered + *rc::gen::inRange<int64_t>(0, 100 * kHour);
          order.returned_units = order.units;
        }
      }
    }
    actuals.orders.push_back(order);
  }
  const int tickets = *rc::gen::inRange(0, 20);
  for (int i = 0; i < tickets; ++i) {
    TicketRecord ticket;
    const std::string id = "t" + std::to_string(i);
    ticket.id = {actuals.ticket_ids.size(), static_cast<uint32_t>(id.size())};
    actuals.ticket_ids += id;
    ticket.resource = 1;
    ticket.offering = *rc::gen::inRange(-1, 2);
    ticket.opened = Start() + *rc::gen::inRange<int64_t>(0, 14 * 24 * kHour);
    if (*rc::gen::inRange(0, 3) > 0)
      ticket.answered = ticket.opened + *rc::gen::inRange<int64_t>(0, 20 * kHour);
    actuals.tickets.push_back(ticket);
  }
  const int days = *rc::gen::inRange(0, 5);
  for (int i = 0; i < days; ++i) {
    actuals.spend.push_back(
        {0, Shop().horizon.start + *rc::gen::inRange(0, 14), *rc::gen::inRange(0, 50) * 1.0, 0});
  }
  return actuals;
}

// The actuals as they stood at `as_of`.
Actuals AsTheyStood(const Actuals& all, WallSeconds as_of) {
  Actuals out;
  out.has_orders = all.has_orders;
  out.has_tickets = all.has_tickets;
  out.has_spend = all.has_spend;
  out.order_ids = all.order_ids;
  out.ticket_ids = all.ticket_ids;
  auto known = [&](WallSeconds time) { return time <= as_of ? time : kNotYet; };
  for (OrderRecord order : all.orders) {
    if (order.placed > as_of) continue;
    order.processed = known(order.processed);
    order.delivered = known(order.delivered);
    order.returned = known(order.returned);
    if (order.returned == kNotYet) order.returned_units = 0;
    out.orders.push_back(order);
  }
  for (TicketRecord ticket : all.tickets) {
    if (ticket.opened > as_of) continue;
    ticket.answered = known(ticket.answered);
    out.tickets.push_back(ticket);
  }
  for (const SpendRecord& spend : all.spend) {
    if (WallSecondsOf(spend.date) <= as_of) out.spend.push_back(spend);
  }
  return out;
}

FollowUpResult Follow(const Actuals& actuals, WallSeconds as_of, const CheckResult& plan) {
  FollowUpOptions options;
  options.as_of = as_of;
  options.threads = 1;
  options.plan = &plan;
  return RunFollowUp(Shop(), actuals, options).value();
}

const CheckResult& Plan() {
  static const CheckResult plan = RunCheck(Shop(), CheckOptions{}).value();
  return plan;
}

RC_GTEST_PROP(FollowUpReplay, AsOfReplaysTheActualsAsTheyStood, ()) {
  const Actuals all = RandomActuals();
  const WallSeconds as_of = Start() + *rc::gen::inRange<int64_t>(0, 16 * 24 * kHour);
  const std::string replayed = FollowUpResultToJson(Follow(all, as_of, Plan()), nullptr);
  const std::string stood =
      FollowUpResultToJson(Follow(AsTheyStood(all, as_of), as_of, Plan()), nullptr);
  RC_ASSERT(replayed == stood);
}

RC_GTEST_PROP(FollowUpReplay, LaterAsOfNeverUnknowsAUnit, ()) {
  const Actuals all = RandomActuals();
  const WallSeconds earlier = Start() + *rc::gen::inRange<int64_t>(0, 15 * 24 * kHour);
  const WallSeconds later = earlier + *rc::gen::inRange<int64_t>(0, 3 * 24 * kHour);
  const FollowUpResult before = Follow(all, earlier, Plan());
  const FollowUpResult after = Follow(all, later, Plan());
  RC_ASSERT(after.campaigns[0].demand.units >= before.campaigns[0].demand.units);
  for (size_t i = 0; i < before.campaigns[0].promises.size(); ++i) {
    const PromiseFollowUp& a = before.campaigns[0].promises[i];
    const PromiseFollowUp& b = after.campaigns[0].promises[i];
    RC_ASSERT(b.due_units >= a.due_units);
    RC_ASSERT(b.kept_units >= a.kept_units);
  }
  RC_ASSERT(after.standing[0].due_units >= before.standing[0].due_units);
  RC_ASSERT(after.standing[0].kept_units >= before.standing[0].kept_units);
}

}  // namespace
}  // namespace tandem
