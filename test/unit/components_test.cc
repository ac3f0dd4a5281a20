// Components of the resource graph (tandem/model/components.h) on a hand-made scenario whose
// components are derived by hand below.
#include "tandem/model/components.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tandem {
namespace {

Resource MakeResource(const std::string& id, ResourceKind kind) {
  Resource resource;
  resource.id = id;
  resource.kind = kind;
  return resource;
}

Offering MakeOffering(const std::string& id, const std::vector<std::string>& route) {
  Offering offering;
  offering.id = id;
  for (const std::string& resource : route) offering.route.push_back({resource, 1});
  return offering;
}

Campaign MakeCampaign(const std::string& id, const std::vector<std::string>& offerings,
                      Date start) {
  Campaign campaign;
  campaign.id = id;
  campaign.offerings = offerings;
  campaign.window = {start, start + 6};
  return campaign;
}

// Resources (index: id): 0 pick, 1 pack, 2 ship2, 3 ship3, 4 calls, 5 shelf (space),
// 6 budget (period: the first 10 days), 7 idle, 8 idle2, 9 ship3b.
// Offerings: o0 picks; o1 ships on ship2; o2 is packed and held on the shelf; o3 ships on
// ship3b but returns to pack; o4 ships on ship3 and loads calls.
// Campaigns: c0 sells o1 and o4 (joins ship2's and ship3's parts); c1 sells o0 and starts in
// the budget's period (a budget joins nothing); c2 sells o2, starts after the budget's period
// and books idle2. A standing delivery promise covers every offering and joins nothing.
// By hand, in canonical order (smallest offering first, then resources alone by index):
//   0: o0, pick, c1
//   1: o1, o4, ship2, ship3, calls, c0
//   2: o2, o3, pack, shelf, idle2, ship3b, c2
//   3: budget (no offering)
//   4: idle (no offering)
Scenario HandMade() {
  Scenario scenario;
  const Date start = Date::FromCivil(2026, 3, 2);
  scenario.horizon = {start, start + 27};
  for (const char* id : {"pick", "pack", "ship2", "ship3", "calls"})
    scenario.resources.push_back(MakeResource(id, ResourceKind::kThroughput));
  scenario.resources.push_back(MakeResource("shelf", ResourceKind::kSpace));
  Resource budget = MakeResource("budget", ResourceKind::kBudget);
  budget.period = DateRange{start, start + 9};
  scenario.resources.push_back(budget);
  scenario.resources.push_back(MakeResource("idle", ResourceKind::kThroughput));
  scenario.resources.push_back(MakeResource("idle2", ResourceKind::kThroughput));
  scenario.resources.push_back(MakeResource("ship3b", ResourceKind::kThroughput));

  scenario.offerings.push_back(MakeOffering("o0", {"pick"}));
  scenario.offerings.push_back(MakeOffering("o1", {"ship2"}));
  Offering o2 = MakeOffering("o2", {"pack"});
  o2.stocked = true;
  o2.space = "shelf";
  scenario.offerings.push_back(o2);
  Offering o3 = MakeOffering("o3", {"ship3b"});
  o3.returns = "pack";
  scenario.offerings.push_back(o3);
  Offering o4 = MakeOffering("o4", {"ship3"});
  o4.loads.push_back({"calls", 0.1, Duration::Days(1)});
  scenario.offerings.push_back(o4);

  Promise standing;
  standing.type = PromiseType::kDelivery;
  scenario.messaging.push_back(standing);

  scenario.campaigns.push_back(MakeCampaign("c0", {"o1", "o4"}, start + 14));
  scenario.campaigns.push_back(MakeCampaign("c1", {"o0"}, start + 2));
  Campaign c2 = MakeCampaign("c2", {"o2"}, start + 20);
  c2.bookings.push_back({"idle2", 10, start + 20, start + 26});
  scenario.campaigns.push_back(c2);
  return scenario;
}

TEST(ComponentsTest, HandMadeScenario) {
  const ResourceComponents components = FindComponents(HandMade());
  EXPECT_EQ(components.count, 5);
  EXPECT_EQ(components.offering, (std::vector<int>{0, 1, 2, 2, 1}));
  // pick pack ship2 ship3 calls shelf budget idle idle2 ship3b
  EXPECT_EQ(components.resource, (std::vector<int>{0, 2, 1, 1, 1, 2, 3, 4, 2, 2}));
  EXPECT_EQ(components.campaign, (std::vector<int>{1, 0, 2}));
}

// A budget over the whole horizon is charged by every campaign: it leaves their components
// apart (the lead's decision, docs/scale-out.md), the same as in HandMadeScenario.
TEST(ComponentsTest, SharedBudgetLeavesComponentsApart) {
  Scenario scenario = HandMade();
  scenario.resources[6].period.reset();  // the budget's period is the horizon: every campaign
  const ResourceComponents components = FindComponents(scenario);
  EXPECT_EQ(components.count, 5);
  EXPECT_EQ(components.offering, (std::vector<int>{0, 1, 2, 2, 1}));
  EXPECT_EQ(components.resource, (std::vector<int>{0, 2, 1, 1, 1, 2, 3, 4, 2, 2}));
  EXPECT_EQ(components.campaign, (std::vector<int>{1, 0, 2}));
}

TEST(ComponentsTest, OneComponentPerUnlinkedOffering) {
  Scenario scenario;
  for (int i = 0; i < 3; ++i) {
    const std::string id = std::to_string(i);
    scenario.resources.push_back(MakeResource("r" + id, ResourceKind::kThroughput));
  }
  // Offerings in reverse: components follow the offerings' order, not the resources'.
  for (int i = 2; i >= 0; --i)
    scenario.offerings.push_back(MakeOffering("o" + std::to_string(i), {"r" + std::to_string(i)}));
  const ResourceComponents components = FindComponents(scenario);
  EXPECT_EQ(components.count, 3);
  EXPECT_EQ(components.offering, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(components.resource, (std::vector<int>{2, 1, 0}));
}

}  // namespace
}  // namespace tandem
