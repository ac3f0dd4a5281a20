// Since-last-check deltas (tandem/io/check_delta.h) on hand-made documents and check entries:
// every expected change is read off the two inputs written below.
#include "tandem/io/check_delta.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

using json = nlohmann::json;

// Two scenario documents that differ in: packing's capacity (100 -> 80, a list matched by id),
// the calendar's hours (a map, then a list by position), a resource added, a key removed, and
// one equal number written as 0.5 and 0.50 (no change).
const json kBefore = json::parse(R"({
  "name": "shop",
  "today": "2027-02-01",
  "calendars": {"warehouse": {"open": ["mon-fri 08:00-16:00"], "closed": ["2027-04-05"]}},
  "resources": [
    {"id": "packing", "kind": "throughput", "capacity": 100, "calendar": "warehouse"},
    {"id": "support", "kind": "throughput", "capacity": 20}
  ],
  "campaigns": [{"id": "spring", "lift": 0.5, "discount": 0.2}]
})");
const json kAfter = json::parse(R"({
  "name": "shop",
  "today": "2027-02-01",
  "calendars": {"warehouse": {"open": ["mon-sat 08:00-16:00"], "closed": ["2027-04-05"]}},
  "resources": [
    {"id": "packing", "kind": "throughput", "capacity": 80, "calendar": "warehouse"},
    {"id": "support", "kind": "throughput", "capacity": 20},
    {"id": "returns", "kind": "throughput", "capacity": 5}
  ],
  "campaigns": [{"id": "spring", "lift": 0.50}]
})");

TEST(CheckDeltaTest, DiffNamesEachChangedKeyByIdAndPosition) {
  const std::vector<KeyChange> changes = DiffDocuments(kBefore, kAfter);
  // By hand: calendars.warehouse.open[0] (mon-fri -> mon-sat), campaigns[spring].discount
  // removed, resources[packing].capacity (100 -> 80), resources[returns] added; lift 0.5 ==
  // 0.50 is no change; name, today, support are equal. Four changes, maps in key order.
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].key, "calendars.warehouse.open[0]");
  EXPECT_EQ(changes[0].before, "mon-fri 08:00-16:00");
  EXPECT_EQ(changes[0].after, "mon-sat 08:00-16:00");
  EXPECT_EQ(changes[1].key, "campaigns[spring].discount");
  EXPECT_TRUE(changes[1].removed);
  EXPECT_EQ(changes[1].before, 0.2);
  EXPECT_EQ(changes[2].key, "resources[packing].capacity");
  EXPECT_EQ(changes[2].before, 100);
  EXPECT_EQ(changes[2].after, 80);
  EXPECT_FALSE(changes[2].added || changes[2].removed);
  EXPECT_EQ(changes[3].key, "resources[returns]");
  EXPECT_TRUE(changes[3].added);
  EXPECT_TRUE(changes[3].before.is_null());
  EXPECT_EQ(changes[3].after["capacity"], 5);
}

TEST(CheckDeltaTest, EqualDocumentsHaveNoChange) {
  EXPECT_TRUE(DiffDocuments(kBefore, kBefore).empty());
  // A list of another length (no ids) is one change of the whole list.
  const std::vector<KeyChange> changes =
      DiffDocuments(json{{"profile", {3, 2, 1}}}, json{{"profile", {3, 2}}});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].key, "profile");
  EXPECT_EQ(changes[0].after, json({3, 2}));
}

// A campaign's check entry as tandem check --json writes it, reduced to what the delta reads.
json Campaign(const std::string& verdict, double p_next_day, const std::string& status_next_day,
              double contribution) {
  return {{"id", "spring-40"},
          {"verdict", verdict},
          {"promises",
           {{{"index", 0},
             {"type", "delivery"},
             {"text", "delivered by the next day for 95% of orders"},
             {"status", status_next_day},
             {"p_kept", p_next_day}},
            {{"index", 1},
             {"type", "availability"},
             {"text", "in stock for 97% of units"},
             {"status", "kept"},
             {"p_kept", 1.0}}}},
          {"economics",
           {{"incremental_contribution", {{"p5", -10}, {"p50", contribution}, {"p95", 10}}},
            {"spend", 120000.0}}}};
}

TEST(CheckDeltaTest, OutcomesListTheVerdictAndEachPromiseThatMoved) {
  // The example of issue 13: packing 100 -> 80/h; next-day p_kept 0.97 -> 0.41, go -> no-go.
  const json before = Campaign("go", 0.97, "kept", 5000);
  const json after = Campaign("no-go", 0.41, "broken", 3200);
  const json outcomes = CompareCampaignOutcomes(before, after);
  EXPECT_EQ(outcomes["verdict"], json({{"before", "go"}, {"after", "no-go"}}));
  // Promise 1 (availability) is the same on both sides: only promise 0 moved.
  ASSERT_EQ(outcomes["promises"].size(), 1u);
  const json& moved = outcomes["promises"][0];
  EXPECT_EQ(moved["index"], 0);
  EXPECT_EQ(moved["p_kept_before"], 0.97);
  EXPECT_EQ(moved["p_kept"], 0.41);
  EXPECT_EQ(moved["status_before"], "kept");
  EXPECT_EQ(moved["status"], "broken");
  // Contribution's median 5000 -> 3200; the spend (120,000 on both) is not listed.
  ASSERT_EQ(outcomes["economics"].size(), 1u);
  EXPECT_EQ(outcomes["economics"][0],
            json({{"key", "incremental_contribution.p50"}, {"before", 5000}, {"after", 3200}}));
}

TEST(CheckDeltaTest, ARewordedPromiseIsNewAndAnUnchangedCheckIsNoChange) {
  json after = Campaign("go", 0.97, "kept", 5000);
  after["promises"][0]["text"] = "delivered within 48h for 95% of orders";
  const json outcomes = CompareCampaignOutcomes(Campaign("go", 0.97, "kept", 5000), after);
  EXPECT_FALSE(outcomes.contains("verdict"));
  ASSERT_EQ(outcomes["promises"].size(), 1u);
  EXPECT_TRUE(outcomes["promises"][0]["new"].get<bool>());
  EXPECT_TRUE(outcomes["promises"][0]["p_kept_before"].is_null());

  const json same = Campaign("go", 0.97, "kept", 5000);
  const json delta = CheckDelta(kBefore, kBefore, same, same);
  EXPECT_FALSE(delta["changed"].get<bool>());
  EXPECT_TRUE(delta["inputs"].empty());
  // Unknown previous inputs (a check stored before inputs were kept): inputs null, outcomes
  // still compared.
  const json unknown = CheckDelta(nullptr, kAfter, same, Campaign("at-risk", 0.9, "at-risk", 5000));
  EXPECT_TRUE(unknown["inputs"].is_null());
  EXPECT_TRUE(unknown["changed"].get<bool>());
  EXPECT_EQ(unknown["outcomes"]["verdict"]["after"], "at-risk");
}

TEST(CheckDeltaTest, InputChangesAreCappedAndCounted) {
  // 150 changed entries of a list by position: the first kMaxInputChanges (100) are listed,
  // 50 counted.
  json before = json::object();
  json after = json::object();
  before["profile"] = json::array();
  after["profile"] = json::array();
  for (int i = 0; i < 150; ++i) {
    before["profile"].push_back(i);
    after["profile"].push_back(i + 1);
  }
  const json same = Campaign("go", 1, "kept", 1);
  const json delta = CheckDelta(before, after, same, same);
  EXPECT_EQ(delta["inputs"].size(), 100u);
  EXPECT_EQ(delta["inputs_more"], 50);
  EXPECT_EQ(delta["inputs"][99]["key"], "profile[99]");
}

}  // namespace
}  // namespace tandem
