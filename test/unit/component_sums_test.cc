// The engine sums per component of the resource graph (docs/scale-out.md): a campaign's
// economics are its component's, so a component that shares nothing with it (appended after it:
// the random streams of the campaign's offerings do not move) leaves them the same bits, in both
// modes; a standing promise over several components adds its components' units in order.
#include <gtest/gtest.h>

#include <string>

#include "scenario_files.h"
#include "tandem/engine/check.h"
#include "tandem/io/scenario_reader.h"

namespace tandem {
namespace {

constexpr const char* kSiteA = R"(tandem: 1
name: components
horizon: {start: 2027-03-01, end: 2027-03-28}
simulation: {scenarios: 48, seed: 3}
resources:
  - {id: pa, kind: throughput, capacity: 6, cost_per_unit: 1.5}
  - {id: ra, kind: throughput, capacity: 1, cost_per_unit: 4}
offerings:
  - {id: a1, price: 24, unit_cost: 11, return_rate: 0.1, returns: ra, route: [pa], baseline: {per_day: 40}}
  - {id: a2, price: 9.5, unit_cost: 4, route: [pa], baseline: {per_day: 70, noise: {cv: 0.2}}}
)";

constexpr const char* kSiteB =
    R"(  - {id: b1, price: 59, unit_cost: 30, route: [pb], baseline: {per_day: 30, noise: {cv: 0.1}}}
  - {id: b2, price: 14, unit_cost: 7.25, route: [pb], baseline: {per_day: 55}}
)";

constexpr const char* kCampaign = R"(campaigns:
  - id: spring
    window: {start: 2027-03-08, end: 2027-03-14}
    offerings: [a1, a2]
    discount: 0.15
    lift: {expected: 0.6, low: 0.3, high: 0.9}
    spend: 2000
    promises:
      - {type: delivery, within: 2d, share: 0.9}
)";

Scenario Parse(const std::string& text) {
  Result<Scenario> scenario = ParseScenario(text, "components.yaml", test_files::NoFiles());
  EXPECT_TRUE(scenario.ok()) << (scenario.ok() ? "" : scenario.error().ToString());
  return scenario.ok() ? scenario.value() : Scenario{};
}

// Site A alone, or with site B's resource and offerings after A's.
std::string Text(bool with_b) {
  std::string text = kSiteA;
  if (with_b) {
    text.insert(text.find("offerings:"),
                "  - {id: pb, kind: throughput, capacity: 4, cost_per_unit: 2}\n");
    text += kSiteB;
  }
  return text + kCampaign;
}

void ExpectSame(const Percentiles& a, const Percentiles& b, const char* what) {
  EXPECT_EQ(a.mean, b.mean) << what;
  EXPECT_EQ(a.p5, b.p5) << what;
  EXPECT_EQ(a.p50, b.p50) << what;
  EXPECT_EQ(a.p95, b.p95) << what;
}

TEST(ComponentSumsTest, EconomicsIgnoreAnotherComponent) {
  const Scenario alone = Parse(Text(false));
  const Scenario both = Parse(Text(true));
  ASSERT_EQ(alone.offerings.size(), 2u);
  ASSERT_EQ(both.offerings.size(), 4u);
  for (CheckMode mode : {CheckMode::kFluid, CheckMode::kOrders}) {
    CheckOptions options;
    options.mode = mode;
    options.threads = 2;
    Result<CheckResult> a = RunCheck(alone, options);
    Result<CheckResult> b = RunCheck(both, options);
    ASSERT_TRUE(a.ok() && b.ok());
    const Economics& ea = a.value().campaigns[0].economics;
    const Economics& eb = b.value().campaigns[0].economics;
    ExpectSame(ea.incremental_contribution, eb.incremental_contribution, "contribution");
    ExpectSame(ea.incremental_units, eb.incremental_units, "units");
    ExpectSame(ea.incremental_fulfilment_cost, eb.incremental_fulfilment_cost, "cost");
    EXPECT_GT(ea.incremental_units.mean, 100);  // not vacuous: the campaign sells
  }
}

}  // namespace
}  // namespace tandem
