// Recommend: known answers for each lever (derived by hand in each test), and the property
// that applying any option and checking the result gives the option's verdict.
#include "tandem/advise/recommend.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "advise/search.h"
#include "tandem/advise/opportunities.h"
#include "tandem/engine/check.h"
#include "tandem/io/input_limits.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/io/scenario_writer.h"
#include "tandem/render/check_output.h"

namespace tandem {
namespace {

Scenario Parse(const std::string& text) {
  FileLoader none = [](const std::string& path) -> Result<std::string> {
    return Error::Io("no file " + path);
  };
  Result<Scenario> scenario = ParseScenario(text, "test.yaml", none);
  EXPECT_TRUE(scenario.ok()) << (scenario.ok() ? "" : scenario.error().ToString());
  return scenario.value();
}

const RecommendOption* Find(const CampaignRecommendation& campaign, const std::string& lever) {
  for (const RecommendOption& option : campaign.options) {
    if (option.lever == lever) return &option;
  }
  return nullptr;
}

Recommendations RecommendOrDie(const Scenario& scenario) {
  RecommendOptions options;
  options.threads = 2;
  Result<Recommendations> result = Recommend(scenario, options);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().ToString());
  return result.value();
}

// examples/greenleaf.yaml (an empty scenario with a test failure when it cannot be read).
Scenario Greenleaf() {
  const std::filesystem::path path =
      std::filesystem::path(TANDEM_SOURCE_DIR) / "examples" / "greenleaf.yaml";
  Result<Scenario> read = ReadScenarioFile(path.string());
  EXPECT_TRUE(read.ok()) << (read.ok() ? "" : read.error().ToString());
  return read.ok() ? read.value() : Scenario{};
}

LeverChange Cap(double units) {
  LeverChange change;
  change.lever = "cap";
  change.units = units;
  return change;
}

LeverChange Relax(int promise, Duration within) {
  LeverChange change;
  change.lever = "relax";
  change.promise = promise;
  change.within = Deadline::Within(within);
  return change;
}

// One resource at 10/h around the clock; baseline 5/h; the campaign (lift 2) makes it 15/h for
// four days; "processed within 30h" for every order.
// Days 1-2 at 15/h: the backlog grows 5/h to 240 at 48h (wait 24h). On day 3 a cap reached
// with a share f of the day still at the campaign gives 5 + 10f per hour: the backlog grows at
// (10f - 5)/h to 240 + 24 (10f - 5) at the day's end, whose last units wait a tenth of that.
// All within 30h while 240 + 240f - 120 <= 300, i.e. f <= 0.75: the largest cap is
// 720 + 0.75 x 360 = 990 units (day 4 drains). The search stops within 1% of the 1,440 units
// of campaign demand, so the cap found is between 975 and 990.
TEST(RecommendTest, CapIsTheLargestLimitedSaleThatHolds) {
  const Scenario scenario = Parse(R"(
tandem: 1
name: cap
horizon: {start: 2027-03-01, end: 2027-03-31}
simulation: {scenarios: 4, seed: 1}
resources:
  - {id: desk, kind: throughput, capacity: 10}
offerings:
  - {id: a, price: 10, unit_cost: 2, stocked: false, route: [desk], baseline: {per_day: 120, noise: none}}
campaigns:
  - id: c
    window: {start: 2027-03-08, end: 2027-03-11}
    lift: 2
    promises:
      - {type: processing, within: 30h, share: 1}
)");
  const Recommendations result = RecommendOrDie(scenario);
  ASSERT_EQ(result.campaigns.size(), 1u);
  const RecommendOption* cap = Find(result.campaigns[0], "cap");
  ASSERT_NE(cap, nullptr);
  EXPECT_EQ(cap->verdict, Verdict::kGo);
  ASSERT_TRUE(cap->changes[0].units.has_value());
  EXPECT_GE(*cap->changes[0].units, 975);
  EXPECT_LE(*cap->changes[0].units, 990);
  EXPECT_EQ(cap->applied.campaigns[0].cap.total, cap->changes[0].units);
}

// One resource at 10/h plus booked extra e per hour; 8/h baseline, 16/h during a two-day
// campaign. The backlog grows at (6 - e)/h for 48h; its last units wait 48 (6 - e) / (10 + e)
// hours. Within 12h for all: 288 - 48e <= 120 + 12e, e >= 2.8: the least whole extra is 3.
TEST(RecommendTest, ExpandBooksTheLeastExtraCapacity) {
  const Scenario scenario = Parse(R"(
tandem: 1
name: expand
horizon: {start: 2027-03-01, end: 2027-03-31}
today: 2027-03-01
simulation: {scenarios: 4, seed: 1}
resources:
  - {id: desk, kind: throughput, capacity: 10, cost_per_unit: 1, expansion: {extra: 10, cost_per_unit: 3, lead_time: 2d}}
offerings:
  - {id: a, price: 10, unit_cost: 2, stocked: false, route: [desk], baseline: {per_day: 192, noise: none}}
campaigns:
  - id: c
    window: {start: 2027-03-10, end: 2027-03-11}
    lift: 1
    promises:
      - {type: processing, within: 12h, share: 1}
)");
  const Recommendations result = RecommendOrDie(scenario);
  ASSERT_EQ(result.campaigns.size(), 1u);
  const RecommendOption* expand = Find(result.campaigns[0], "expand");
  ASSERT_NE(expand, nullptr);
  EXPECT_EQ(expand->verdict, Verdict::kGo);
  EXPECT_EQ(expand->changes[0].resource, "desk");
  EXPECT_DOUBLE_EQ(*expand->changes[0].extra, 3);
  ASSERT_EQ(expand->applied.campaigns[0].bookings.size(), 1u);
  // The booking starts two days before the window, within the lead time from today.
  EXPECT_EQ(expand->changes[0].from->ToString(), "2027-03-08");
}

// The desk is closed 2027-03-10 to 03-16 and ready no earlier than 03-05 (readiness). A week's
// window holds when no order waits past 12h: orders placed on a closed day wait until 03-17
// 00:00, so the 12h promise (95%) fails for any window holding a closed day except the last
// half of 03-16 (half a day of seven is 7% late). The earliest window is 03-17 to 03-23.
TEST(RecommendTest, RescheduleFindsTheEarliestWindowThatHolds) {
  const Scenario scenario = Parse(R"(
tandem: 1
name: reschedule
horizon: {start: 2027-03-01, end: 2027-04-30}
simulation: {scenarios: 4, seed: 1}
calendars:
  desk: {open: {daily: "00:00-24:00"}, closed: [2027-03-10, 2027-03-11, 2027-03-12, 2027-03-13, 2027-03-14, 2027-03-15, 2027-03-16]}
resources:
  - {id: desk, kind: throughput, capacity: 1000, calendar: desk}
offerings:
  - {id: a, price: 10, unit_cost: 2, stocked: false, route: [desk], baseline: {per_day: 100, noise: none}}
campaigns:
  - id: c
    window: {start: 2027-03-08, end: 2027-03-14}
    lift: 0.5
    promises:
      - {type: processing, within: 12h, share: 0.95}
    readiness:
      start: 2027-03-01
      tasks: [{id: build, duration: 4d}]
)");
  const Recommendations result = RecommendOrDie(scenario);
  ASSERT_EQ(result.campaigns.size(), 1u);
  const RecommendOption* moved = nullptr;
  for (const RecommendOption& option : result.campaigns[0].options) {
    if (option.lever == "reschedule" && !option.changes[0].lift) moved = &option;
  }
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(moved->verdict, Verdict::kGo);
  EXPECT_EQ(moved->changes[0].window->start.ToString(), "2027-03-17");
  EXPECT_EQ(moved->changes[0].window->end.ToString(), "2027-03-23");
}

// Free returns at 30% with 10 per return and packing 2: cheap (15, cost 12) keeps
// (3)(0.7) - 2 - 3 = -2.9 per unit, dear (80, cost 40) keeps 23. Restricted to dear, the
// promise pays; the threshold is dear's price, 80 (the only paying offering).
// The campaign stays at risk on its economics: returns apply to every dear unit sold in the
// window, baseline included (100/day x 1.2 x 10 days x 30% = 360 returns, each losing the
// margin of 40 plus 10 to process = -18,000), against 200 extra dear units at 80 - 40 - 2 = 38
// (+7,600) and 600 extra cheap units at 15 - 12 - 2 = 1 (+600): -9,800, so at-risk, with no
// promise or check left broken.
TEST(RecommendTest, RestrictKeepsFreeReturnsWhereTheyPay) {
  const Scenario scenario = Parse(R"(
tandem: 1
name: restrict
horizon: {start: 2027-03-01, end: 2027-03-31}
simulation: {scenarios: 4, seed: 1}
resources:
  - {id: pack, kind: throughput, capacity: 1000, cost_per_unit: 2}
offerings:
  - {id: cheap, price: 15, unit_cost: 12, stocked: false, route: [pack], baseline: {per_day: 300, noise: none}}
  - {id: dear, price: 80, unit_cost: 40, stocked: false, route: [pack], baseline: {per_day: 100, noise: none}}
campaigns:
  - id: c
    window: {start: 2027-03-01, end: 2027-03-10}
    lift: 0.2
    promises:
      - {type: free_returns, return_rate: 0.3, cost: 10}
)");
  const Recommendations result = RecommendOrDie(scenario);
  ASSERT_EQ(result.campaigns.size(), 1u);
  const RecommendOption* restrict = Find(result.campaigns[0], "restrict");
  ASSERT_NE(restrict, nullptr);
  EXPECT_EQ(restrict->changes[0].offerings, std::vector<std::string>{"dear"});
  ASSERT_TRUE(restrict->changes[0].min_price.has_value());
  EXPECT_DOUBLE_EQ(*restrict->changes[0].min_price, 80);
  EXPECT_EQ(restrict->verdict, Verdict::kAtRisk);
  ASSERT_EQ(restrict->reasons.size(), 1u);
  EXPECT_EQ(restrict->reasons[0].rfind("economics", 0), 0u) << restrict->reasons[0];
  EXPECT_NEAR(restrict->economics.incremental_contribution.p50, -9800, 0.5);
}

// The claim needs preference picks, declared only from April; history picks are declared
// throughout: reword to it.
TEST(RecommendTest, RewordUsesWhatOperationsDeclares) {
  const Scenario scenario = Parse(R"(
tandem: 1
name: reword
horizon: {start: 2027-03-01, end: 2027-04-30}
simulation: {scenarios: 4, seed: 1}
capabilities:
  - {id: history-picks, claim: "picks based on your purchase history"}
  - {id: preference-picks, claim: "picks based on your preferences", from: 2027-04-01}
offerings:
  - {id: box, price: 10, unit_cost: 2, stocked: false, baseline: {per_day: 10, noise: none}}
campaigns:
  - id: c
    window: {start: 2027-03-01, end: 2027-03-31}
    lift: 0.5
    promises:
      - {type: claim, text: "personalised selections based on your preferences", requires: [preference-picks]}
)");
  const Recommendations result = RecommendOrDie(scenario);
  ASSERT_EQ(result.campaigns.size(), 1u);
  const RecommendOption* reword = Find(result.campaigns[0], "reword");
  ASSERT_NE(reword, nullptr);
  EXPECT_EQ(reword->changes[0].text, "picks based on your purchase history");
  EXPECT_EQ(reword->changes[0].requires_capabilities, std::vector<std::string>{"history-picks"});
  EXPECT_EQ(reword->verdict, Verdict::kGo);
}

// As queue/linear_backlog: orders at 10/h against 7.5/h wait t/3 hours at hour t of the
// campaign's two days. Within B hours for 95%: 3B/48 >= 0.95, B >= 15.2h. On the ladder that
// is 24h (12h keeps only 36/48 = 75%).
TEST(RecommendTest, RelaxFindsTheStrongestRungThatHolds) {
  const Scenario scenario = Parse(R"(
tandem: 1
name: relax
horizon: {start: 2027-03-01, end: 2027-03-31}
simulation: {scenarios: 4, seed: 1}
resources:
  - {id: desk, kind: throughput, capacity: 7.5}
offerings:
  - {id: form, price: 10, unit_cost: 2, stocked: false, route: [desk], baseline: {per_day: 1, noise: none}}
campaigns:
  - id: c
    window: {start: 2027-03-08, end: 2027-03-09}
    lift: 239
    promises:
      - {type: processing, within: 4h, share: 0.95}
)");
  const Recommendations result = RecommendOrDie(scenario);
  ASSERT_EQ(result.campaigns.size(), 1u);
  const RecommendOption* relax = nullptr;
  for (const RecommendOption& option : result.campaigns[0].options) {
    if (option.lever == "relax" && option.changes[0].within) relax = &option;
  }
  ASSERT_NE(relax, nullptr);
  EXPECT_EQ(relax->changes[0].within->ToString(), "24h");
  EXPECT_EQ(relax->verdict, Verdict::kGo);
}

// Applying any option and checking the result gives the option's verdict, through the file
// round trip `--apply` uses.
TEST(RecommendTest, ApplyingAnOptionGivesItsVerdict) {
  FileLoader none = [](const std::string& path) -> Result<std::string> {
    return Error::Io("no file " + path);
  };
  int checked = 0;
  for (const char* name : {"greenleaf.yaml", "support-launch.yaml"}) {
    const std::filesystem::path path = std::filesystem::path(TANDEM_SOURCE_DIR) / "examples" / name;
    Result<Scenario> scenario = ReadScenarioFile(path.string());
    ASSERT_TRUE(scenario.ok());
    Scenario small = scenario.value();
    small.simulation.scenarios = 64;  // keep the test quick; the property holds for any count
    const Recommendations result = RecommendOrDie(small);
    for (const CampaignRecommendation& campaign : result.campaigns) {
      std::vector<std::string> written_files;
      for (const RecommendOption& option : campaign.options) {
        // No option is offered twice (the same changes found by two levers or combinations).
        const std::string yaml = WriteScenarioYaml(option.applied);
        EXPECT_EQ(std::count(written_files.begin(), written_files.end(), yaml), 0)
            << name << ": " << option.summary;
        written_files.push_back(yaml);
        // The in-place edit of the file's own text reads back to the same scenario
        // (ApplyOptionToText compares them) and keeps every comment line of the file.
        int index = 0;
        while (small.campaigns[static_cast<size_t>(index)].id != campaign.id) ++index;
        Result<std::string> text = ReadInputFile(path.string(), kDefaultMaxInputBytes, "file");
        ASSERT_TRUE(text.ok());
        Scenario as_read = scenario.value();
        RecommendOption full = option;
        full.applied.simulation.scenarios = as_read.simulation.scenarios;
        Result<std::string> edited = ApplyOptionToText(text.value(), as_read, index, full, none);
        ASSERT_TRUE(edited.ok()) << name << ": " << option.summary << ": "
                                 << edited.error().ToString();
        std::istringstream lines(text.value());
        for (std::string line; std::getline(lines, line);) {
          if (line.rfind('#', 0) == 0) {
            EXPECT_NE(edited.value().find(line), std::string::npos);
          }
        }
        Result<Scenario> written =
            ParseScenario(WriteScenarioYaml(option.applied), "applied.yaml", none);
        ASSERT_TRUE(written.ok()) << written.error().ToString();
        // `tandem check --campaign` of the applied file: the option's verdict covers the whole
        // scenario (that campaign and the standing promises).
        CheckOptions options;
        options.threads = 2;
        options.campaign = campaign.id;
        Result<CheckResult> check = RunCheck(written.value(), options);
        ASSERT_TRUE(check.ok());
        EXPECT_EQ(check.value().verdict, option.verdict) << name << ": " << option.summary;
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 3);
}

// Recommend and opportunities take every campaign's check as it is from one check of the
// scenario (Search::VerifyEach): that relies on a check reporting each campaign exactly as
// `--campaign` does (the same runs with and without it, whichever others are reported), with
// the check's verdict recomputed for that campaign. The JSON of each campaign's check from
// VerifyEach against Verify's (`tandem check --campaign`), byte for byte, at 1 and 2 threads.
TEST(RecommendTest, EveryCampaignCheckedAtOnceIsEachCheckedAlone) {
  int compared = 0;
  bool verdicts_differ = false;  // the shared check's verdict is not every campaign's
  for (const std::string name : {"greenleaf.yaml", "support-launch.yaml", "no-standing"}) {
    const std::filesystem::path path = std::filesystem::path(TANDEM_SOURCE_DIR) / "examples" /
                                       (name == "no-standing" ? "greenleaf.yaml" : name);
    Result<Scenario> scenario = ReadScenarioFile(path.string());
    ASSERT_TRUE(scenario.ok());
    // Greenleaf's standing promise is broken, which makes every check no-go; without it the
    // check of spring-40 (no-go) and of seed-club (at-risk) differ from the shared check's.
    if (name == "no-standing") scenario.value().messaging.clear();
    std::vector<int> every;
    for (size_t k = 0; k < scenario.value().campaigns.size(); ++k)
      every.push_back(static_cast<int>(k));
    for (int threads : {1, 2}) {
      advise::Search search(64, std::nullopt, threads, 64, 0);
      const std::vector<std::optional<CheckResult>> each =
          search.VerifyEach(scenario.value(), every);
      ASSERT_EQ(each.size(), every.size());
      for (int k : every) {
        const std::optional<CheckResult> alone = search.Verify(scenario.value(), k);
        ASSERT_TRUE(each[static_cast<size_t>(k)] && alone);
        EXPECT_EQ(CheckResultToJson(*each[static_cast<size_t>(k)]), CheckResultToJson(*alone))
            << name << ", campaign " << k << ", " << threads << " threads";
        verdicts_differ = verdicts_differ || alone->verdict != each.front()->verdict;
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 10);       // Greenleaf's two campaigns (twice) and the launch's one, twice
  EXPECT_TRUE(verdicts_differ);  // the per-campaign verdict is exercised
}

// Recommend checks the options that only relax promises from one simulation
// (Search::VerifyVariants): promises do not change demand or capacity, so the scenario with
// relaxed promises simulates exactly as the scenario does when its grid has the same days. The
// JSON of each variant's check against Verify's of the relaxed scenario (`tandem check
// --campaign` of it), byte for byte, at 1 and 2 threads. Greenleaf's spring-40 promises
// delivery within 48h, 97% availability and support within 8h. Its tail is 22 + 7 days: the
// longest of its consequences is mulch's supply lead time of 21d (+1 day); return lag 14d plus
// the route and 48h of transit is less. So a delivery bound of 21d keeps the grid, 60d lengthens
// the tail (60 > 22 days: answered by Verify alone), and narrowing the offerings is not a level.
// The standing promise is broken on Greenleaf: each variant also reuses the base check's
// statuses without spring-40.
TEST(RecommendTest, RelaxedPromisesCheckedFromOneSimulation) {
  const Scenario scenario = Greenleaf();
  ASSERT_FALSE(scenario.campaigns.empty());
  const std::vector<Promise>& own = scenario.campaigns[0].promises;
  ASSERT_EQ(own.size(), 3u);
  auto variant = [&](auto change) {
    std::vector<Promise> promises = own;
    change(promises);
    return promises;
  };
  const std::vector<std::vector<Promise>> variants = {
      variant([](auto& p) { p[0].within = Deadline::Within(Duration::Days(21)); }),
      variant([](auto& p) { p[2].within = Deadline::Within(Duration::Hours(12)); }),
      variant([](auto& p) {
        p[0].within = Deadline::Within(Duration::Days(21));
        p[1].share = 0.9;
        p[2].within = Deadline::Within(Duration::Hours(12));
      }),
      variant([](auto& p) { p[0].within = Deadline::Within(Duration::Days(60)); }),
      variant([](auto& p) { p[0].offerings = {"mulch"}; }),
      own,
  };
  const std::vector<bool> answered = {true, true, true, false, false, true};
  for (int threads : {1, 2}) {
    advise::Search search(64, std::nullopt, threads, 64, 0);
    const std::vector<std::optional<CheckResult>> checks =
        search.VerifyVariants(scenario, 0, variants);
    ASSERT_EQ(checks.size(), variants.size());
    EXPECT_EQ(search.checks_run(), 4);  // one per variant answered
    for (size_t v = 0; v < variants.size(); ++v) {
      ASSERT_EQ(checks[v].has_value(), answered[v]) << "variant " << v;
      if (!answered[v]) continue;
      Scenario applied = scenario;
      applied.campaigns[0].promises = variants[v];
      const std::optional<CheckResult> alone = search.Verify(applied, 0);
      ASSERT_TRUE(alone);
      EXPECT_EQ(CheckResultToJson(*checks[v]), CheckResultToJson(*alone))
          << "variant " << v << ", " << threads << " threads";
    }
  }
}

// Recommend checks pairs that differ only in promise levels on top of another lever's change
// (a cap and a relax, a cap and another relax) from one check of the scenario with that change
// (Recommender::ChecksByVariants): a relax changes only the campaign's promise levels, which no
// other lever reads, so the scenario with the cap and a relax is the capped scenario with other
// promises. Each variant's check against Verify's of the scenario with the relax then the cap
// applied (the order the pair applies them in), byte for byte, at 1 and 2 threads.
TEST(RecommendTest, RelaxOnTopOfAnotherLeverCheckedFromOneSimulation) {
  const Scenario scenario = Greenleaf();
  ASSERT_FALSE(scenario.campaigns.empty());
  const LeverChange cap = Cap(2000);
  const LeverChange delivery = Relax(0, Duration::Days(21));
  const LeverChange support = Relax(2, Duration::Hours(12));
  const Scenario capped = ApplyLever(scenario, 0, cap);
  const std::vector<LeverChange> relaxes = {delivery, support};
  std::vector<std::vector<Promise>> variants;
  for (const LeverChange& relax : relaxes)
    variants.push_back(ApplyLever(capped, 0, relax).campaigns[0].promises);
  for (int threads : {1, 2}) {
    advise::Search search(64, std::nullopt, threads, 64, 0);
    const std::vector<std::optional<CheckResult>> checks =
        search.VerifyVariants(capped, 0, variants);
    ASSERT_EQ(checks.size(), variants.size());
    for (size_t v = 0; v < variants.size(); ++v) {
      ASSERT_TRUE(checks[v].has_value()) << "variant " << v;
      const Scenario applied = ApplyLever(ApplyLever(scenario, 0, relaxes[v]), 0, cap);
      const std::optional<CheckResult> alone = search.Verify(applied, 0);
      ASSERT_TRUE(alone);
      EXPECT_EQ(CheckResultToJson(*checks[v]), CheckResultToJson(*alone))
          << "variant " << v << ", " << threads << " threads";
      EXPECT_NE(CheckResultToJson(*checks[v]), CheckResultToJson(*search.Verify(capped, 0)))
          << "variant " << v << " is measured with its own promises";
    }
  }
}

// Relaxes that lengthen the tail (a longer bound: more days simulated) cannot share the check of
// the scenario without them, but share one among themselves when they simulate the same days
// (Recommender::ChecksByVariants groups by those days too): the check of the group's first
// candidate's scenario, whose promises are one of the variants. Each variant's check against
// Verify's of its own scenario, byte for byte, at 1 and 2 threads; a relax that simulates other
// days is left to Verify.
TEST(RecommendTest, TailLengtheningRelaxesCheckedFromOneSimulation) {
  const Scenario scenario = Greenleaf();
  ASSERT_FALSE(scenario.campaigns.empty());
  const LeverChange cap = Cap(2000);
  auto relax = [](int promise, int days) { return Relax(promise, Duration::Days(days)); };
  const LeverChange support = Relax(2, Duration::Hours(12));
  // Delivery within 40 days; the same and support within 12h; delivery within 50 days.
  const std::vector<std::vector<LeverChange>> versions = {
      {relax(0, 40), cap}, {relax(0, 40), support, cap}, {relax(0, 50), cap}};
  std::vector<Scenario> applied;
  std::vector<std::vector<Promise>> variants;
  for (const std::vector<LeverChange>& changes : versions) {
    Scenario version = scenario;
    for (const LeverChange& change : changes) version = ApplyLever(version, 0, change);
    variants.push_back(version.campaigns[0].promises);
    applied.push_back(std::move(version));
  }
  const Scenario capped = ApplyLever(scenario, 0, cap);
  for (int threads : {1, 2}) {
    advise::Search search(64, std::nullopt, threads, 64, 0);
    // The case this covers: the first two simulate the same days, more than the capped scenario
    // and fewer than the third.
    ASSERT_EQ(search.VerifyGridDays(applied[0], 0), search.VerifyGridDays(applied[1], 0));
    ASSERT_GT(search.VerifyGridDays(applied[0], 0), search.VerifyGridDays(capped, 0));
    ASSERT_LT(search.VerifyGridDays(applied[0], 0), search.VerifyGridDays(applied[2], 0));
    const std::vector<std::optional<CheckResult>> checks =
        search.VerifyVariants(applied[0], 0, variants);
    ASSERT_EQ(checks.size(), variants.size());
    EXPECT_FALSE(checks[2].has_value()) << "other days: left to Verify";
    std::vector<std::string> alone;
    for (size_t v = 0; v < 2; ++v) {
      ASSERT_TRUE(checks[v].has_value()) << "variant " << v;
      const std::optional<CheckResult> check = search.Verify(applied[v], 0);
      ASSERT_TRUE(check);
      alone.push_back(CheckResultToJson(*check));
      EXPECT_EQ(CheckResultToJson(*checks[v]), alone.back())
          << "variant " << v << ", " << threads << " threads";
    }
    EXPECT_NE(alone[0], alone[1]) << "each variant is measured with its own promises";
  }
}

// Opportunities: sorting takes 60h until 2027-06-14, then 10h (ample capacity). The standing
// promise "processed within 3d" understates what holds from 06-14: every order is processed
// in 10h, and the strongest rung at or above 10h is 12h.
TEST(OpportunitiesTest, AShorterProcessingTimeAllowsAStrongerPromise) {
  const Scenario scenario = Parse(R"(
tandem: 1
name: opportunities
horizon: {start: 2027-06-01, end: 2027-07-31}
simulation: {scenarios: 4, seed: 1}
resources:
  - id: sorting
    kind: throughput
    capacity: 1000
    processing_time: 60h
    changes: [{from: 2027-06-14, processing_time: 10h}]
offerings:
  - {id: parcel, price: 10, unit_cost: 2, stocked: false, route: [sorting], baseline: {per_day: 100, noise: none}}
messaging:
  - {type: processing, within: 3d, share: 0.95}
)");
  RecommendOptions options;
  Result<Opportunities> result = FindOpportunities(scenario, options);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  ASSERT_EQ(result.value().opportunities.size(), 1u);
  const Opportunity& opportunity = result.value().opportunities[0];
  EXPECT_EQ(opportunity.source, "messaging[0]");
  EXPECT_EQ(opportunity.strongest.within.ToString(), "12h");
  EXPECT_EQ(opportunity.from.ToString(), "2027-06-14");
  EXPECT_EQ(opportunity.because, "sorting: processing_time 60h -> 10h from 2027-06-14");
}

// Requirements: as the expand test, but the desk has no expansion: the campaign still needs 3
// extra per hour, and it cannot be booked.
TEST(OpportunitiesTest, RequirementIsTheExpandAnswerEvenWithoutExpansion) {
  const Scenario scenario = Parse(R"(
tandem: 1
name: requirement
horizon: {start: 2027-03-01, end: 2027-03-31}
simulation: {scenarios: 4, seed: 1}
resources:
  - {id: desk, kind: throughput, capacity: 10}
offerings:
  - {id: a, price: 10, unit_cost: 2, stocked: false, route: [desk], baseline: {per_day: 192, noise: none}}
campaigns:
  - id: c
    window: {start: 2027-03-10, end: 2027-03-11}
    lift: 1
    promises:
      - {type: processing, within: 12h, share: 1}
)");
  RecommendOptions options;
  Result<Opportunities> result = FindOpportunities(scenario, options);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  ASSERT_EQ(result.value().requirements.size(), 1u);
  const Requirement& requirement = result.value().requirements[0];
  EXPECT_EQ(requirement.resource, "desk");
  EXPECT_DOUBLE_EQ(requirement.extra, 3);
  EXPECT_FALSE(requirement.bookable);
}

// Requirements for a promise capacity alone cannot keep. Desk open 09:00-17:00 at C per hour, 10
// orders an hour around the clock, processing within 4h for 95%. In the fluid model (derivation as
// in test/scenarios/queue/closed_calendar.test) with C >= 40 the night queue of 160 drains by
// 09:00 + 160 / (C - 10) <= 17:00; the night order placed at hour h starts at 9 + 10 (h + 7) / C
// and is within 4h iff h >= (5C + 70) / (C - 10); day orders wait less than 4h. Share within:
//   s(C) = (17 - (5C + 70) / (C - 10)) / 24, ceiling s(1010) = 0.4950, base s(10) = 0.
// Target: min(0.4950 - 0.005, 0 + 0.9 * 0.4950) = 0.4455 -> (5C + 70) / (C - 10) <= 6.308 ->
// C >= 101.7, i.e. about 92 extra. The share moves 0.0006 per unit of C there, so the engine's
// hourly grid (0.002 on the closed-calendar case, twice: base of the target and the answer) allows
// about +-7.
TEST(OpportunitiesTest, RequirementForAPromiseCapacityAloneCannotKeep) {
  const std::string text = R"(
tandem: 1
name: opening hours
horizon: {start: 2027-03-01, end: 2027-03-20}
simulation: {scenarios: 4, seed: 1}
calendars:
  office: {open: {daily: "09:00-17:00"}}
resources:
  - {id: desk, kind: throughput, capacity: CAPACITY, calendar: office}
offerings:
  - {id: form, price: 10, stocked: false, route: [desk], baseline: {per_day: 240, noise: none}}
campaigns:
  - id: c
    window: {start: 2027-03-03, end: 2027-03-09}
    lift: 0
    promises:
      - {type: processing, within: 4h, share: 0.95}
)";
  auto with_capacity = [&](const std::string& capacity) {
    std::string copy = text;
    copy.replace(copy.find("CAPACITY"), 8, capacity);
    return Parse(copy);
  };
  RecommendOptions options;
  Result<Opportunities> result = FindOpportunities(with_capacity("10"), options);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  ASSERT_EQ(result.value().requirements.size(), 1u);
  const Requirement& requirement = result.value().requirements[0];
  EXPECT_TRUE(requirement.sufficient);
  EXPECT_FALSE(requirement.keeps_promises);
  EXPECT_NEAR(requirement.extra, 92, 7);
  ASSERT_EQ(requirement.promises.size(), 1u);
  EXPECT_NEAR(requirement.promises[0].achieved_before, 0, 0.01);
  EXPECT_NEAR(requirement.promises[0].achieved_with, 0.4455, 0.01);
  EXPECT_FALSE(requirement.promises[0].kept);

  // With 1000 per hour already, more capacity cannot lift the share (0.4950 at most): the desk
  // still holds the promise back, but through its opening hours.
  Result<Opportunities> ample = FindOpportunities(with_capacity("1000"), options);
  ASSERT_TRUE(ample.ok()) << ample.error().ToString();
  ASSERT_EQ(ample.value().requirements.size(), 1u);
  EXPECT_FALSE(ample.value().requirements[0].sufficient);
}

}  // namespace
}  // namespace tandem

namespace tandem {
namespace {

Verdict CheckVerdict(const Scenario& scenario) {
  CheckOptions options;
  options.threads = 2;
  Result<CheckResult> result = RunCheck(scenario, options);
  EXPECT_TRUE(result.ok());
  return result.value().campaigns.front().verdict;
}

// The searches stop on a monotone boundary: a little less capacity (or a larger cap) than the
// answer fails, the answer holds, more capacity (or a smaller cap) holds too.
TEST(RecommendTest, SearchAnswersSitOnTheBoundary) {
  const Scenario expand_scenario = Parse(R"(
tandem: 1
name: expand
horizon: {start: 2027-03-01, end: 2027-03-31}
simulation: {scenarios: 4, seed: 1}
resources:
  - {id: desk, kind: throughput, capacity: 10, expansion: {extra: 10, cost_per_unit: 3, lead_time: 2d}}
offerings:
  - {id: a, price: 10, unit_cost: 2, stocked: false, route: [desk], baseline: {per_day: 192, noise: none}}
campaigns:
  - id: c
    window: {start: 2027-03-10, end: 2027-03-11}
    lift: 1
    promises:
      - {type: processing, within: 12h, share: 1}
)");
  const Recommendations result = RecommendOrDie(expand_scenario);
  const RecommendOption* expand = Find(result.campaigns.at(0), "expand");
  ASSERT_NE(expand, nullptr);
  for (double extra :
       {*expand->changes[0].extra - 1, *expand->changes[0].extra, *expand->changes[0].extra + 2}) {
    LeverChange change = expand->changes[0];
    change.extra = extra;
    const Verdict verdict = CheckVerdict(ApplyLever(expand_scenario, 0, change));
    if (extra < *expand->changes[0].extra) {
      EXPECT_NE(verdict, Verdict::kGo) << "extra " << extra;
    } else {
      EXPECT_EQ(verdict, Verdict::kGo) << "extra " << extra;
    }
  }
}

}  // namespace
}  // namespace tandem
