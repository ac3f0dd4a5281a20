// Properties of the check that must hold for every scenario of a family, checked on random
// members (rapidcheck):
//  * more capacity never lowers any p_kept, nor the median achieved share by more than 1e-3 (the
//    start curves interpolate linearly within a step while the flow's departures follow the
//    fluid within the step: the two agree to about 1e-4 of a share, not exactly);
//  * more lift never raises any p_kept;
//  * a campaign with zero lift has exactly zero incremental units and contribution;
//  * the output is identical for 1 and 2 threads.
// The family: one to three offerings sharing a route of one or two resources (with opening
// hours and processing times), some stocked without supply, a campaign with time and
// availability promises, a standing promise. Demand draws do not depend on capacity or on
// other campaigns (keyed streams), and counts are monotone in the lift (inversion sampling),
// so the first two properties hold scenario by scenario, not only on average.
//
// Not in the family, on purpose: offerings with *different* routes through a shared resource.
// There, more capacity upstream can deliver one offering's units earlier into a queue where
// they now wait ahead of another's, so that other offering's promise can get worse. And
// stocked offerings *with* supply: the stock plan follows expected demand, so more lift also
// plans more stock, which can raise availability. Both are documented in docs/engine.md.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "tandem/engine/check.h"
#include "tandem/model/validate.h"
#include "tandem/render/check_output.h"

namespace tandem {
namespace {

struct Family {
  double capacity = 10;        // per hour, first resource
  double second_capacity = 0;  // 0 = single-stage route
  int open_from = 0;           // hour the first resource opens (0 = around the clock)
  int open_to = 24;
  int processing_hours = 0;
  int offerings = 1;
  std::vector<double> per_day;
  std::vector<bool> stocked;
  double lift = 0.5;
  bool lift_uncertain = false;
  int bound_hours = 24;
  double cv = 0;
};

// How rapidcheck prints a failing member.
void showValue(const Family& family, std::ostream& os) {
  os << "capacity " << family.capacity << ", second " << family.second_capacity << ", open "
     << family.open_from << "-" << family.open_to << ", processing " << family.processing_hours
     << "h, lift " << family.lift << (family.lift_uncertain ? " (uncertain)" : "") << ", bound "
     << family.bound_hours << "h, cv " << family.cv << ", offerings:";
  for (size_t i = 0; i < family.per_day.size(); ++i) {
    os << " " << family.per_day[i] << "/day" << (family.stocked[i] ? " stocked" : "");
  }
}

Scenario Build(const Family& family) {
  Scenario scenario;
  scenario.name = "property";
  scenario.horizon = {*Date::Parse("2027-03-01"), *Date::Parse("2027-03-21")};
  scenario.today = scenario.horizon.start;
  scenario.simulation.scenarios = 24;
  scenario.simulation.seed = 7;
  if (family.open_from != 0 || family.open_to != 24) {
    Calendar calendar;
    calendar.id = "shift";
    for (auto& day : calendar.open) day.push_back({family.open_from * 60, family.open_to * 60});
    scenario.calendars.push_back(calendar);
  }
  Resource first;
  first.id = "first";
  first.capacity = family.capacity;
  first.processing_time = Duration::Hours(family.processing_hours);
  if (!scenario.calendars.empty()) first.calendar = "shift";
  scenario.resources.push_back(first);
  if (family.second_capacity > 0) {
    Resource second;
    second.id = "second";
    second.capacity = family.second_capacity;
    scenario.resources.push_back(second);
  }
  Campaign campaign;
  campaign.id = "c";
  campaign.window = {*Date::Parse("2027-03-05"), *Date::Parse("2027-03-11")};
  campaign.announce = campaign.window.start;
  campaign.lift.expected = family.lift;
  campaign.lift.low = family.lift;
  campaign.lift.high = family.lift;
  campaign.lift.certain = !family.lift_uncertain;
  if (family.lift_uncertain) {
    campaign.lift.low = family.lift * 0.5;
    campaign.lift.high = family.lift * 2 + 0.1;
  }
  bool any_stocked = false;
  for (int i = 0; i < family.offerings; ++i) {
    Offering offering;
    offering.id = "o" + std::to_string(i);
    offering.price = 10;
    offering.unit_cost = 4;
    offering.stocked = family.stocked[static_cast<size_t>(i)];
    if (offering.stocked) {
      offering.stock = family.per_day[static_cast<size_t>(i)] * 12;  // runs out part-way
      any_stocked = true;
    }
    offering.route.push_back({"first", 1});
    if (family.second_capacity > 0) offering.route.push_back({"second", 1});
    offering.baseline.per_day = family.per_day[static_cast<size_t>(i)];
    offering.baseline.noise_cv = family.cv;
    scenario.offerings.push_back(offering);
    campaign.offerings.push_back(offering.id);
  }
  Promise delivery;
  delivery.type = PromiseType::kProcessing;
  delivery.within = Deadline::Within(Duration::Hours(family.bound_hours));
  delivery.share = 0.9;
  campaign.promises.push_back(delivery);
  if (any_stocked) {
    Promise availability;
    availability.type = PromiseType::kAvailability;
    availability.share = 0.9;
    campaign.promises.push_back(availability);
  }
  scenario.campaigns.push_back(campaign);
  Promise standing;
  standing.type = PromiseType::kProcessing;
  standing.within = Deadline::Within(Duration::Hours(family.bound_hours * 2));
  standing.share = 0.9;
  scenario.messaging.push_back(standing);
  return scenario;
}

rc::Gen<Family> Families() {
  return rc::gen::exec([] {
    Family family;
    family.offerings = *rc::gen::inRange(1, 4);
    for (int i = 0; i < family.offerings; ++i) {
      family.per_day.push_back(static_cast<double>(*rc::gen::inRange(20, 400)));
      family.stocked.push_back(*rc::gen::arbitrary<bool>());
    }
    double total = 0;
    for (double units : family.per_day) total += units;
    // Capacity from well below to well above the average hourly demand.
    family.capacity = total / 24.0 * static_cast<double>(*rc::gen::inRange(50, 400)) / 100.0;
    if (*rc::gen::arbitrary<bool>())
      family.second_capacity =
          total / 24.0 * static_cast<double>(*rc::gen::inRange(50, 400)) / 100.0;
    if (*rc::gen::arbitrary<bool>()) {
      family.open_from = *rc::gen::inRange(0, 10);
      family.open_to = *rc::gen::inRange(family.open_from + 6, 25);
    }
    family.processing_hours = *rc::gen::inRange(0, 4);
    family.lift = static_cast<double>(*rc::gen::inRange(0, 300)) / 100.0;
    family.lift_uncertain = *rc::gen::arbitrary<bool>();
    family.bound_hours = *rc::gen::element(4, 12, 24, 48);
    family.cv = *rc::gen::element(0.0, 0.0, 0.3);
    return family;
  });
}

CheckResult Check(const Scenario& scenario, int threads = 2) {
  RC_ASSERT(ValidateScenario(scenario).empty());
  CheckOptions options;
  options.threads = threads;
  Result<CheckResult> result = RunCheck(scenario, options);
  RC_ASSERT(result.ok());
  return result.value();
}

std::vector<const PromiseResult*> AllPromises(const CheckResult& result) {
  std::vector<const PromiseResult*> out;
  for (const CampaignResult& campaign : result.campaigns) {
    for (const PromiseResult& promise : campaign.promises) out.push_back(&promise);
  }
  for (const PromiseResult& promise : result.messaging) out.push_back(&promise);
  return out;
}

RC_GTEST_PROP(CheckProperties, MoreCapacityNeverLowersPKept, ()) {
  const Family family = *Families();
  Family more = family;
  const double factor = 1.0 + static_cast<double>(*rc::gen::inRange(1, 200)) / 100.0;
  more.capacity *= factor;
  if (more.second_capacity > 0 && *rc::gen::arbitrary<bool>()) more.second_capacity *= factor;
  const CheckResult before = Check(Build(family));
  const CheckResult after = Check(Build(more));
  const std::vector<const PromiseResult*> base = AllPromises(before);
  const std::vector<const PromiseResult*> after_promises = AllPromises(after);
  RC_ASSERT(base.size() == after_promises.size());
  for (size_t i = 0; i < base.size(); ++i) {
    RC_ASSERT(after_promises[i]->p_kept >= base[i]->p_kept - 1e-12);
    RC_ASSERT(after_promises[i]->achieved.p50 >= base[i]->achieved.p50 - 1e-3);
  }
}

RC_GTEST_PROP(CheckProperties, MoreLiftNeverRaisesPKept, ()) {
  const Family family = *Families();
  Family more = family;
  more.lift += static_cast<double>(*rc::gen::inRange(1, 200)) / 100.0;
  const CheckResult before = Check(Build(family));
  const CheckResult after = Check(Build(more));
  const std::vector<const PromiseResult*> base = AllPromises(before);
  const std::vector<const PromiseResult*> lifted = AllPromises(after);
  RC_ASSERT(base.size() == lifted.size());
  for (size_t i = 0; i < base.size(); ++i) {
    RC_ASSERT(lifted[i]->p_kept <= base[i]->p_kept + 1e-12);
  }
}

RC_GTEST_PROP(CheckProperties, ZeroLiftHasZeroIncrement, ()) {
  Family family = *Families();
  family.lift = 0;
  family.lift_uncertain = false;
  const CheckResult result = Check(Build(family));
  const Economics& economics = result.campaigns.front().economics;
  RC_ASSERT(economics.incremental_units.p5 == 0.0);
  RC_ASSERT(economics.incremental_units.p95 == 0.0);
  RC_ASSERT(std::fabs(economics.incremental_contribution.p5) < 1e-6);
  RC_ASSERT(std::fabs(economics.incremental_contribution.p95) < 1e-6);
}

RC_GTEST_PROP(CheckProperties, SameOutputForOneAndTwoThreads, ()) {
  Scenario scenario = Build(*Families());
  scenario.simulation.scenarios = 40;  // more than two work units of 16
  const std::string one = CheckResultToJson(Check(scenario, 1));
  const std::string two = CheckResultToJson(Check(scenario, 2));
  RC_ASSERT(one == two);
}

}  // namespace
}  // namespace tandem
