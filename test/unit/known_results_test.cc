// Checks that skip what they already know (tandem/engine/evaluate.h): EvaluateExtras measures
// only the extra promises and gives exactly the extra results of Evaluate with
// EvaluateOptions::extra (advise::Search::Measure); a check of promise variants given the
// standing promises' results of a check of the same scenario (EvaluateOptions::known_messaging,
// advise::Search::VerifyVariants on the scenario itself) gives exactly the checks it gives when
// it measures them, and reads what it is given (a different known_messaging shows).
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "scenario_files.h"
#include "tandem/engine/check.h"
#include "tandem/engine/evaluate.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/render/check_output.h"

namespace tandem::engine {
namespace {

Scenario Greenleaf() {
  const std::filesystem::path path =
      std::filesystem::path(TANDEM_SOURCE_DIR) / "examples" / "greenleaf.yaml";
  Result<Scenario> read = ReadScenarioFile(path.string());
  EXPECT_TRUE(read.ok()) << (read.ok() ? "" : read.error().ToString());
  return read.ok() ? read.value() : Scenario{};
}

bool SameBits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

bool SameBits(const ExtraResult& a, const ExtraResult& b) {
  if (a.achieved_by_scenario.size() != b.achieved_by_scenario.size()) return false;
  for (size_t i = 0; i < a.achieved_by_scenario.size(); ++i) {
    if (std::bit_cast<uint32_t>(a.achieved_by_scenario[i]) !=
        std::bit_cast<uint32_t>(b.achieved_by_scenario[i]))
      return false;
  }
  return SameBits(a.p_kept, b.p_kept) && SameBits(a.achieved.p5, b.achieved.p5) &&
         SameBits(a.achieved.p50, b.achieved.p50) && SameBits(a.achieved.p95, b.achieved.p95) &&
         SameBits(a.achieved.mean, b.achieved.mean);
}

Promise WithinHours(Promise promise, int hours) {
  promise.within = Deadline::Within(Duration::Hours(hours));
  return promise;
}

// Greenleaf's spring-40 as Search::Measure measures it for the relax lever (its options: the
// campaign, a tail of at least 30 days): its delivery and response promises at longer bounds,
// its delivery promise with cut-offs and as it is, and a standing promise from a date on. The
// full Evaluate also measures the standing promise and spring-40's own, attributes their late
// units and explains them; the extras' columns must not depend on that.
TEST(KnownResultsTest, ExtrasOnlyGiveTheExtraResultsOfTheFullEvaluate) {
  const Scenario scenario = Greenleaf();
  ASSERT_EQ(scenario.campaigns.size(), 2u);
  const Campaign& campaign = scenario.campaigns[0];
  ASSERT_EQ(campaign.promises.size(), 3u);
  const Promise& delivery = campaign.promises[0];
  const Promise& response = campaign.promises[2];
  std::vector<ExtraPromise> extras;
  for (int hours : {24, 36, 72, 96}) extras.push_back({0, WithinHours(delivery, hours), {}});
  for (int hours : {4, 12, 24}) extras.push_back({0, WithinHours(response, hours), {}});
  Promise cutoff = delivery;
  cutoff.within = Deadline::NextDay();
  for (int hour : {14, 10}) {
    cutoff.cutoff = hour * 60;
    extras.push_back({0, cutoff, {}});
  }
  extras.push_back({0, delivery, {}});
  extras.push_back({-1, scenario.messaging.front(), scenario.horizon.start + 20});
  int between = 0;  // extras kept in some scenarios but not all: the comparison means something
  for (int threads : {1, 2}) {
    CheckOptions options;
    options.campaign = campaign.id;
    options.scenarios = 200;
    options.threads = threads;
    options.min_tail_days = 30;
    EvaluateOptions evaluate;
    evaluate.economics = false;
    evaluate.extra = extras;
    std::vector<ExtraResult> full;
    Result<CheckResult> check = Evaluate(scenario, options, evaluate, &full);
    ASSERT_TRUE(check.ok()) << check.error().ToString();
    ASSERT_EQ(check.value().campaigns.size(), 1u);
    Result<std::vector<ExtraResult>> only = EvaluateExtras(scenario, options, extras);
    ASSERT_TRUE(only.ok()) << only.error().ToString();
    ASSERT_EQ(full.size(), extras.size());
    ASSERT_EQ(only.value().size(), extras.size());
    for (size_t i = 0; i < extras.size(); ++i) {
      EXPECT_TRUE(SameBits(full[i], only.value()[i])) << "extra " << i << ", threads " << threads;
      EXPECT_EQ(only.value()[i].achieved_by_scenario.size(), 200u);
      between += full[i].p_kept > 0 && full[i].p_kept < 1 ? 1 : 0;
    }
    // The extras are measured, not left empty: their shares differ from one bound to the next.
    EXPECT_FALSE(SameBits(only.value()[0], only.value()[3]));
  }
  EXPECT_GT(between, 0);
  CheckOptions options;
  options.campaign = "no-such-campaign";
  EXPECT_FALSE(EvaluateExtras(scenario, options, extras).ok());
}

// A desk near capacity that the campaign loads: the standing promises are not all kept, and the
// campaign endangers some of them (the standing impacts and their statuses without it matter).
const char* kDesk = R"(
tandem: 1
name: desk
horizon: {start: 2027-03-01, end: 2027-05-30}
simulation: {scenarios: 100, seed: 5, confidence: 0.9}
resources:
  - {id: desk, kind: throughput, capacity: 13.5, processing_time: 1h}
  - {id: back, kind: throughput, capacity: 1.1}
offerings:
  - {id: a, price: 10, unit_cost: 4, stocked: false, route: [desk], return_rate: 0.1, returns: back, return_lag: 10d,
     baseline: {per_day: 240, noise: {cv: 0.1}}}
  - {id: b, price: 10, unit_cost: 4, stock: 800, supply: {per_day: 60, lead_time: 7d, safety_days: 2}, route: [desk],
     baseline: {per_day: 40, noise: {cv: 0.2}}}
messaging:
  - {type: processing, within: 4h, share: 0.8}
  - {type: processing, within: 8h, share: 0.9}
  - {type: delivery, within: 12h, share: 0.95}
  - {type: response, resource: back, within: 1d, share: 0.9}
  - {type: free_returns, return_rate: 0.15, cost: 2}
campaigns:
  - id: early
    window: {start: 2027-03-22, end: 2027-03-28}
    lift: 0.3
    promises:
      - {type: processing, within: 8h, share: 0.9}
      - {type: availability, share: 0.95}
  - id: late
    window: {start: 2027-05-03, end: 2027-05-09}
    lift: {expected: 0.2, low: 0.05, high: 0.3}
    offerings: [a]
)";

Scenario Desk() {
  return test_files::ParseText(kDesk, "known.yaml");
}

// The check of `early`'s promise variants, with `known` (may be null) as known_messaging and the
// statuses without the campaign given or not: JSON of the check, then of each variant.
std::vector<std::string> VariantChecks(const Scenario& scenario, int threads,
                                       const std::vector<PromiseResult>* known,
                                       const std::vector<StandingStatus>* standing_without) {
  CheckOptions options;
  options.campaign = "early";
  options.threads = threads;
  EvaluateOptions evaluate;
  evaluate.known_messaging = known;
  if (standing_without != nullptr) evaluate.standing_without = *standing_without;
  const std::vector<Promise>& own = scenario.campaigns[0].promises;
  for (int hours : {12, 24, 48}) {
    std::vector<Promise> variant = own;
    variant[0] = WithinHours(variant[0], hours);
    evaluate.promise_variants.push_back(variant);
  }
  std::vector<Promise> shares = own;
  shares[0].share = 0.7;
  shares[1].share = 0.8;
  evaluate.promise_variants.push_back(shares);
  std::vector<CheckResult> variants;
  Result<CheckResult> check = Evaluate(scenario, options, evaluate, nullptr, &variants);
  EXPECT_TRUE(check.ok()) << (check.ok() ? "" : check.error().ToString());
  EXPECT_EQ(variants.size(), evaluate.promise_variants.size());
  if (!check.ok()) return {};
  std::vector<std::string> json{CheckResultToJson(check.value())};
  for (const CheckResult& variant : variants) json.push_back(CheckResultToJson(variant));
  return json;
}

TEST(KnownResultsTest, VariantsGivenTheBaseMessagingAreTheChecksThatMeasureIt) {
  const Scenario scenario = Desk();
  for (int threads : {1, 2}) {
    // The base check as recommend runs it (Search::VerifyEach: every campaign at once).
    CheckOptions options;
    options.threads = threads;
    Result<CheckResult> base = RunCheck(scenario, options);
    ASSERT_TRUE(base.ok()) << base.error().ToString();
    const std::vector<PromiseResult>& messaging = base.value().messaging;
    ASSERT_EQ(messaging.size(), 5u);
    const std::vector<StandingStatus>& without = base.value().campaigns[0].standing_without;
    // The standing promises fall short and the campaign answers for some of them.
    ASSERT_FALSE(without.empty());
    ASSERT_FALSE(base.value().campaigns[0].standing.empty());
    // Statuses without the campaign given (as recommend gives them) or not (then computed).
    const std::vector<StandingStatus>* cases[] = {&without, nullptr};
    for (const std::vector<StandingStatus>* standing : cases) {
      const std::vector<std::string> measured = VariantChecks(scenario, threads, nullptr, standing);
      const std::vector<std::string> known = VariantChecks(scenario, threads, &messaging, standing);
      ASSERT_EQ(measured.size(), 5u);
      ASSERT_EQ(known.size(), measured.size());
      for (size_t i = 0; i < measured.size(); ++i) {
        EXPECT_EQ(known[i], measured[i]) << "check " << i << ", threads " << threads;
      }
    }
    // What it is given is what it reports and answers for: every standing promise kept leaves
    // nothing endangered, and a changed figure shows in every check.
    std::vector<PromiseResult> kept = messaging;
    for (PromiseResult& promise : kept) {
      promise.status = PromiseStatus::kKept;
      promise.p_kept = 1;
    }
    const std::vector<std::string> measured = VariantChecks(scenario, threads, nullptr, &without);
    const std::vector<std::string> all_kept = VariantChecks(scenario, threads, &kept, &without);
    ASSERT_EQ(all_kept.size(), measured.size());
    for (size_t i = 0; i < measured.size(); ++i) {
      EXPECT_NE(all_kept[i], measured[i]) << "check " << i;
      EXPECT_EQ(all_kept[i].find("\"standing promise "), std::string::npos) << all_kept[i];
    }
    std::vector<PromiseResult> other = messaging;
    other[1].achieved.p50 += 0.125;
    const std::vector<std::string> changed = VariantChecks(scenario, threads, &other, &without);
    ASSERT_EQ(changed.size(), measured.size());
    for (size_t i = 0; i < measured.size(); ++i) EXPECT_NE(changed[i], measured[i]);
    // One result per standing promise, or it is not known: measured as without it.
    std::vector<PromiseResult> short_list(messaging.begin(), messaging.end() - 1);
    EXPECT_EQ(VariantChecks(scenario, threads, &short_list, &without), measured);
  }
}

}  // namespace
}  // namespace tandem::engine
