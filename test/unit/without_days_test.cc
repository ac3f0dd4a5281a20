// A campaign's "without" figures (the throughput checks' peaks and, with --series, the daily
// arrivals_without / backlog_without) are those of the scenario without that campaign, whatever
// the other campaigns and the order the check runs them in (docs/plans/without-run-days.md).
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "merged_blocks.h"
#include "scenario_files.h"
#include "tandem/engine/check.h"
#include "tandem/engine/check_blocks.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/check_output.h"

namespace tandem {
namespace {

// Site A (pa, ra) holds `early` and `late`; site B (pb) holds `other`, run between them (file
// order). `late`'s series starts a week before its window: {{LATE}} sets its window.
constexpr const char* kText = R"(tandem: 1
name: two campaigns on one site
horizon: {start: 2027-03-01, end: 2027-04-30}
simulation: {scenarios: 32, seed: 5}
resources:
  - {id: pa, kind: throughput, capacity: 20, cost_per_unit: 1.5, processing_time: 2h}
  - {id: ra, kind: throughput, capacity: 1, cost_per_unit: 4}
  - {id: pb, kind: throughput, capacity: 20, cost_per_unit: 1.5}
offerings:
  - {id: a1, price: 20, unit_cost: 9, route: [pa], loads: [{resource: ra, per_unit: 0.05, lag: 1d}], baseline: {per_day: 300, noise: {cv: 0.2}}}
  - {id: b1, price: 30, unit_cost: 12, route: [pb], baseline: {per_day: 300, noise: {cv: 0.2}}}
campaigns:
  - id: early
    window: {start: 2027-03-08, end: 2027-03-14}
    offerings: [a1]
    lift: 0.8
    spend: 1000
  - id: other
    window: {start: 2027-03-10, end: 2027-03-16}
    offerings: [b1]
    lift: 0.8
    spend: 1000
  - id: late
    window: {{LATE}}
    offerings: [a1]
    lift: 0.6
    spend: 1000
)";

std::string Text(const std::string& late_window) {
  std::string text = kText;
  text.replace(text.find("{{LATE}}"), 8, late_window);
  return text;
}

Scenario Parse(const std::string& text) {
  Result<Scenario> scenario = ParseScenario(text, "without-days.yaml", test_files::NoFiles());
  EXPECT_TRUE(scenario.ok()) << (scenario.ok() ? "" : scenario.error().ToString());
  return scenario.ok() ? scenario.value() : Scenario{};
}

CheckResult Check(const Scenario& scenario, std::optional<std::string> campaign = std::nullopt) {
  CheckOptions options;
  options.collect_series = true;
  options.threads = 1;
  options.campaign = std::move(campaign);
  Result<CheckResult> result = RunCheck(scenario, options);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().ToString());
  return result.ok() ? result.value() : CheckResult{};
}

const CampaignResult* Find(const CheckResult& result, const std::string& id) {
  for (const CampaignResult& campaign : result.campaigns)
    if (campaign.id == id) return &campaign;
  return nullptr;
}

// The late campaign's window: overlapping the early one's period (its series' first week lies in
// the days the run without `early` simulated), and after the run without `early` converged.
const char* const kLateWindows[] = {"{start: 2027-03-12, end: 2027-03-18}",
                                    "{start: 2027-04-12, end: 2027-04-18}"};

// Before its fork day (here its window start: no booking, stock plan or return policy) the run
// without a campaign is the run with every campaign: the same medians, day by day.
TEST(WithoutDaysTest, BeforeTheWindowTheSeriesWithoutIsTheSeriesWith) {
  for (const char* late : kLateWindows) {
    const CheckResult check = Check(Parse(Text(late)));
    int compared = 0;
    for (const CampaignResult& campaign : check.campaigns) {
      for (const ThroughputCheck& resource : campaign.throughput) {
        ASSERT_FALSE(resource.days.empty());
        for (const ThroughputCheck::Day& day : resource.days) {
          if (!(day.date < resource.period_start)) continue;
          ++compared;
          EXPECT_EQ(day.arrivals_without, day.arrivals.p50)
              << late << " " << campaign.id << " " << resource.resource << " "
              << day.date.ToString();
          EXPECT_EQ(day.backlog_without, day.backlog.p50)
              << late << " " << campaign.id << " " << resource.resource << " "
              << day.date.ToString();
        }
      }
    }
    EXPECT_EQ(compared, 5 * 7);  // a week on each of early's 2, other's 1 and late's 2 resources
  }
}

// The without figures of campaign k are the figures "with" of the scenario where k does nothing
// (lift 0: same draws, demand, plans), day by day and in the peaks.
TEST(WithoutDaysTest, WithoutFiguresAreThoseOfTheScenarioWithoutTheCampaign) {
  for (const char* late : kLateWindows) {
    const std::string text = Text(late);
    const CheckResult check = Check(Parse(text));
    for (const std::string id : {"early", "other", "late"}) {
      std::string inert_text = text;
      const size_t at = inert_text.find("lift:", inert_text.find("  - id: " + id + "\n"));
      inert_text.replace(at, inert_text.find('\n', at) - at, "lift: 0");
      const CheckResult inert = Check(Parse(inert_text));
      const CampaignResult* with = Find(check, id);
      const CampaignResult* without = Find(inert, id);
      ASSERT_TRUE(with != nullptr && without != nullptr);
      ASSERT_EQ(with->throughput.size(), without->throughput.size());
      for (size_t r = 0; r < with->throughput.size(); ++r) {
        const ThroughputCheck& a = with->throughput[r];
        const ThroughputCheck& b = without->throughput[r];
        EXPECT_EQ(a.peak_backlog_without.p50, b.peak_backlog.p50) << late << " " << id;
        EXPECT_EQ(a.peak_utilisation_without, b.peak_utilisation) << late << " " << id;
        ASSERT_EQ(a.days.size(), b.days.size());
        for (size_t d = 0; d < a.days.size(); ++d) {
          EXPECT_EQ(a.days[d].arrivals_without, b.days[d].arrivals.p50)
              << late << " " << id << " " << a.resource << " " << a.days[d].date.ToString();
          EXPECT_EQ(a.days[d].backlog_without, b.days[d].backlog.p50)
              << late << " " << id << " " << a.resource << " " << a.days[d].date.ToString();
        }
      }
    }
  }
}

// A campaign's figures do not depend on which other campaigns the check reports (--campaign).
TEST(WithoutDaysTest, ACampaignsCheckAloneGivesItsFigures) {
  for (const char* late : kLateWindows) {
    const Scenario scenario = Parse(Text(late));
    const CheckResult all = Check(scenario);
    const CheckResult alone = Check(scenario, "late");
    CheckResult a, b;
    a.campaigns = {*Find(all, "late")};
    b.campaigns = {*Find(alone, "late")};
    EXPECT_EQ(CheckResultToJson(a), CheckResultToJson(b)) << late;
  }
}

// A component holding two campaigns is split: the check by components gives the whole model's
// bytes (here site A holds early and late; "other" runs between them in the whole model).
TEST(WithoutDaysTest, SplitWhereAComponentHoldsTwoCampaigns) {
  for (const char* late : kLateWindows) {
    const Scenario scenario = Parse(Text(late));
    for (bool series : {false, true}) {
      CheckOptions options;
      options.collect_series = series;
      options.threads = 2;
      EXPECT_EQ(CheckComponents(scenario, options).value(), 2);
      const Result<CheckResult> check = RunCheck(scenario, options);
      ASSERT_TRUE(check.ok());
      EXPECT_EQ(CheckResultToJson(check.value()), test_blocks::WholeModel(scenario, options))
          << late << " series " << series;
    }
  }
}

}  // namespace
}  // namespace tandem
