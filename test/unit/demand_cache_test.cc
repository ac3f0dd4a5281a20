// The demand cache (tandem/engine/demand_cache.h, engine/demand_cache.h): a probe reading it gives
// the results of one drawing afresh; the stored demand is a fresh draw's, bit for bit; and its
// key, the inputs of DrawScenario and BuildRunDemand, differs exactly where the demand can: each
// field those functions read, changed alone, changes the demand and the key (a field left out of
// the key fails its case), while a probe's own changes (a resource's capacity, a booking,
// `today`) and fields neither function reads change neither. The same of the base draws that
// feasibility trials keep: a trial reading them gives the answer of one drawing afresh, the
// stored draws and the increments drawn from them are a fresh draw's, and their key (DrawBase's
// inputs) differs exactly where the offerings' draws can, not with a campaign's levers.
#include "engine/demand_cache.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/compiled_model.h"
#include "engine/simulator.h"
#include "scenario_files.h"
#include "tandem/engine/evaluate.h"

namespace tandem::engine {
namespace {

// Two offerings (one with noise), two campaigns: c uncertain with a profile, a discount and a
// cap on offering a; d certain with a cap on its total. 61 horizon days.
Scenario Base() {
  return test_files::ParseText(R"(
tandem: 1
name: demand-cache
horizon: {start: 2027-03-01, end: 2027-04-30}
today: 2027-02-15
simulation: {scenarios: 40, seed: 7, confidence: 0.9}
resources:
  - {id: desk, kind: throughput, capacity: 12}
  - {id: pack, kind: throughput, capacity: 30}
offerings:
  - {id: a, price: 10, unit_cost: 4, stocked: false, route: [desk], baseline: {per_day: 240, noise: {cv: 0.3}}}
  - {id: b, price: 25, unit_cost: 9, stocked: false, route: [desk, pack], baseline: {per_day: 60}}
campaigns:
  - id: c
    window: {start: 2027-03-10, end: 2027-03-23}
    offerings: [a, b]
    discount: 0.2
    lift: {expected: 0.8, low: 0.4, high: 1.6}
    profile: [3, 2, 1]
    cap: {a: 1500}
    promises:
      - {type: processing, within: 4h, share: 0.95}
  - id: d
    window: {start: 2027-04-01, end: 2027-04-10}
    offerings: [b]
    discount: 0.1
    lift: 0.5
    cap: 800
    promises:
      - {type: processing, within: 8h, share: 0.9}
)",
                               "demand-cache.yaml");
}

// What a capacity probe changes (advise's NeedProbe::WithExtra): an expansion of a resource, a
// booking of it on the probed campaign, `today` moved to the booking's start.
Scenario WithExtra(const Scenario& scenario, double extra) {
  Scenario variant = scenario;
  variant.resources[0].expansion = Expansion{extra, 1.0, Duration{}};
  variant.today = variant.horizon.start + 7;
  variant.campaigns[0].bookings.push_back(
      {"desk", extra, variant.horizon.start + 7, variant.horizon.start + 29});
  return variant;
}

constexpr uint64_t kSeed = 7;
constexpr int64_t kScenarios = 40;

bool SameBits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

bool SameDemand(const RunDemand& a, const RunDemand& b) {
  if (a.counts.size() != b.counts.size()) return false;
  for (size_t o = 0; o < a.counts.size(); ++o) {
    if (!SameBits(a.counts[o], b.counts[o])) return false;
  }
  return SameBits(a.revenue, b.revenue) && SameBits(a.sold, b.sold) &&
         SameBits(a.window_revenue, b.window_revenue) && SameBits(a.window_units, b.window_units);
}

RunDemand Fresh(const CompiledModel& model, uint64_t seed, const std::vector<char>& included,
                int64_t scenario) {
  ScenarioDraws draws;
  RunDemand demand;
  DrawScenario(model, seed, scenario, &draws);
  BuildRunDemand(model, included, draws.base, draws.increment, &demand);
  return demand;
}

// Whether scenarios 0..7 have the same demand in both.
bool SameDemands(const CompiledModel& a, uint64_t seed_a, const std::vector<char>& included_a,
                 const CompiledModel& b, uint64_t seed_b, const std::vector<char>& included_b) {
  for (int64_t s = 0; s < 8; ++s) {
    if (!SameDemand(Fresh(a, seed_a, included_a, s), Fresh(b, seed_b, included_b, s))) return false;
  }
  return true;
}

std::vector<char> All(const CompiledModel& model) {
  return std::vector<char>(model.campaigns.size(), 1);
}

CheckOptions ProbeOptions(int threads) {
  CheckOptions options;
  options.campaign = "c";
  options.scenarios = kScenarios;
  options.threads = threads;
  return options;
}

// A probe watching campaign c's promise without a need: it simulates every scenario.
std::optional<std::vector<PromiseResult>> Probe(const Scenario& scenario, int threads,
                                                DemandCache* cache) {
  Result<std::optional<std::vector<PromiseResult>>> result =
      EvaluateProbe(scenario, ProbeOptions(threads), {Watch{0}}, cache);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().ToString());
  return result.ok() ? result.value() : std::nullopt;
}

void ExpectSameResults(const std::optional<std::vector<PromiseResult>>& a,
                       const std::optional<std::vector<PromiseResult>>& b) {
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) {
    const PromiseResult& x = (*a)[i];
    const PromiseResult& y = (*b)[i];
    EXPECT_EQ(x.text, y.text);
    EXPECT_EQ(x.status, y.status);
    EXPECT_EQ(x.p_kept, y.p_kept);
    EXPECT_EQ(x.achieved.p5, y.achieved.p5);
    EXPECT_EQ(x.achieved.p50, y.achieved.p50);
    EXPECT_EQ(x.achieved.p95, y.achieved.p95);
    EXPECT_EQ(x.achieved.mean, y.achieved.mean);
    EXPECT_EQ(x.target, y.target);
    EXPECT_EQ(x.covered_units_p50, y.covered_units_p50);
  }
}

// --- The cache in probes ---------------------------------------------------------------------

// The stored demand of every scenario is a fresh draw's, bit for bit.
TEST(DemandCacheTest, StoredDemandIsAFreshDraw) {
  const Scenario scenario = WithExtra(Base(), 6);
  DemandCache cache;
  ASSERT_TRUE(Probe(scenario, 2, &cache).has_value());
  ASSERT_EQ(cache.stored(), kScenarios);
  const CompiledModel model = Compile(scenario, ProbeOptions(2));
  for (int64_t s = 0; s < kScenarios; ++s) {
    const RunDemand* stored = cache.impl().demand.Find(s);
    ASSERT_NE(stored, nullptr) << s;
    EXPECT_TRUE(SameDemand(*stored, Fresh(model, kSeed, All(model), s))) << s;
  }
}

// Probes of one need (other capacities, the same booking dates and `today`) read the demand the
// first stored, and give the results of probes without a cache, at 1 and 2 threads. Counts by
// hand: the first probe draws and stores each of the 40 scenarios once (no hit); each later
// probe with the same demand finds all 40 (40 hits, nothing stored); a probe whose demand
// differs (campaign c's discount) finds another key: the cache empties (one rebind) and stores
// its 40 scenarios again.
TEST(DemandCacheTest, ProbesOfOneNeedReadTheFirstProbesDemand) {
  for (int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    const Scenario base = Base();
    DemandCache cache;
    ExpectSameResults(Probe(WithExtra(base, 4), threads, &cache),
                      Probe(WithExtra(base, 4), threads, nullptr));
    EXPECT_EQ(cache.stored(), 40);
    EXPECT_EQ(cache.hits(), 0);
    ExpectSameResults(Probe(WithExtra(base, 8), threads, &cache),
                      Probe(WithExtra(base, 8), threads, nullptr));
    ExpectSameResults(Probe(WithExtra(base, 100), threads, &cache),
                      Probe(WithExtra(base, 100), threads, nullptr));
    ExpectSameResults(Probe(base, threads, &cache), Probe(base, threads, nullptr));
    EXPECT_EQ(cache.stored(), 40);
    EXPECT_EQ(cache.hits(), 3 * 40);
    EXPECT_EQ(cache.rebinds(), 0);

    Scenario discounted = WithExtra(base, 8);
    discounted.campaigns[0].discount = 0.3;
    ExpectSameResults(Probe(discounted, threads, &cache), Probe(discounted, threads, nullptr));
    EXPECT_EQ(cache.rebinds(), 1);
    EXPECT_EQ(cache.stored(), 80);
    EXPECT_EQ(cache.hits(), 3 * 40);
  }
}

// A budget smaller than the scenarios' demand: the cache stays within it, the scenarios it
// cannot hold are drawn every time, and the results are the same.
TEST(DemandCacheTest, StaysWithinItsBudget) {
  const Scenario base = Base();
  const CompiledModel model = Compile(base, ProbeOptions(1));
  const size_t one = StoredBytes(Fresh(model, kSeed, All(model), 0));
  const size_t budget = 10 * (one + sizeof(DemandCache::Impl::Layer<RunDemand>::Slot));
  DemandCache cache(budget);
  ExpectSameResults(Probe(WithExtra(base, 4), 2, &cache), Probe(WithExtra(base, 4), 2, nullptr));
  EXPECT_LE(cache.bytes(), budget);
  EXPECT_GE(cache.stored(), 1);
  EXPECT_LE(cache.stored(), 10);
  const int64_t stored = cache.stored();
  ExpectSameResults(Probe(WithExtra(base, 9), 2, &cache), Probe(WithExtra(base, 9), 2, nullptr));
  EXPECT_EQ(cache.hits(), stored);
  EXPECT_LE(cache.bytes(), budget);
}

// --- The key -----------------------------------------------------------------------------------

// A probe's changes reach neither the demand nor the key: the same key, the same demand.
TEST(DemandCacheTest, AProbesChangesKeepTheKeyAndTheDemand) {
  const Scenario base = Base();
  const CompiledModel model = Compile(base, CheckOptions{});
  const DemandInputs key = DemandInputsOf(model, kSeed, All(model));
  std::vector<std::pair<std::string, Scenario>> variants;
  variants.emplace_back("expansion, booking and today", WithExtra(base, 6));
  Scenario later = base;
  later.today = base.horizon.start + 20;  // `today` inside the horizon
  variants.emplace_back("today later", later);
  Scenario capacity = base;
  capacity.resources[1].capacity = 5;
  variants.emplace_back("another resource's capacity", capacity);
  Scenario spend = base;
  spend.campaigns[1].spend = 5000;
  variants.emplace_back("a campaign's spend", spend);
  for (const auto& [name, variant] : variants) {
    SCOPED_TRACE(name);
    const CompiledModel changed = Compile(variant, CheckOptions{});
    EXPECT_TRUE(DemandInputsOf(changed, kSeed, All(changed)) == key);
    EXPECT_TRUE(SameDemands(model, kSeed, All(model), changed, kSeed, All(changed)));
  }
}

// Each input of DrawScenario and BuildRunDemand changed alone (on the compiled model, so that
// every field is reached, however a scenario sets it) changes the demand of the first scenarios,
// and so must change the key. Dropping any field from DemandInputsOf fails its case here.
TEST(DemandCacheTest, EveryInputOfDemandIsInTheKey) {
  const CompiledModel model = Compile(Base(), CheckOptions{});
  ASSERT_EQ(model.offerings.size(), 2u);
  ASSERT_EQ(model.campaigns.size(), 2u);
  ASSERT_FALSE(model.campaigns[0].lift_certain);
  ASSERT_TRUE(model.campaigns[1].lift_certain);
  ASSERT_TRUE(model.campaigns[1].has_cap);
  const DemandInputs key = DemandInputsOf(model, kSeed, All(model));
  struct Case {
    std::string name;
    std::function<void(CompiledModel*, uint64_t*, std::vector<char>*)> change;
  };
  const std::vector<Case> cases = {
      {"seed", [](CompiledModel*, uint64_t* seed, std::vector<char>*) { ++*seed; }},
      {"included", [](CompiledModel*, uint64_t*, std::vector<char>* in) { (*in)[1] = 0; }},
      {"horizon days", [](CompiledModel* m, uint64_t*, auto*) { --m->grid.horizon_days; }},
      {"offering stream key",
       [](CompiledModel* m, uint64_t*, auto*) { m->offerings[1].stream_key = 9; }},
      {"noise cv", [](CompiledModel* m, uint64_t*, auto*) { m->offerings[0].noise_cv = 0.5; }},
      {"noise none", [](CompiledModel* m, uint64_t*, auto*) { m->offerings[0].noise_none = true; }},
      {"expected per day",
       [](CompiledModel* m, uint64_t*, auto*) { m->offerings[1].expected_per_day[12] += 5; }},
      {"share of a continued run's days",
       [](CompiledModel* m, uint64_t*, auto*) {
         m->continued.active = true;
         m->continued.day = 5;
         m->continued.day_share.assign(m->shapes.size(), 0.5);
         m->continued.day_shapes = m->shapes;
       }},
      {"price", [](CompiledModel* m, uint64_t*, auto*) { m->offerings[1].price = 26; }},
      {"campaign stream key",
       [](CompiledModel* m, uint64_t*, auto*) { m->campaigns[0].stream_key = 9; }},
      {"lift certain",
       [](CompiledModel* m, uint64_t*, auto*) { m->campaigns[0].lift_certain = true; }},
      {"lift value", [](CompiledModel* m, uint64_t*, auto*) { m->campaigns[1].lift_value = 0.7; }},
      {"lift log median",
       [](CompiledModel* m, uint64_t*, auto*) { m->campaigns[0].lift_log_median += 0.1; }},
      {"lift sigma", [](CompiledModel* m, uint64_t*, auto*) { m->campaigns[0].lift_sigma *= 2; }},
      {"campaign offerings",
       [](CompiledModel* m, uint64_t*, auto*) {
         m->campaigns[0].offerings = {0};
         m->campaigns[0].covers[1] = 0;
       }},
      {"window",
       [](CompiledModel* m, uint64_t*, auto*) {
         m->campaigns[0].first_day += 2;
         m->campaigns[0].last_day += 2;
       }},
      {"first day", [](CompiledModel* m, uint64_t*, auto*) { ++m->campaigns[0].first_day; }},
      {"covers", [](CompiledModel* m, uint64_t*, auto*) { m->campaigns[0].covers[1] = 0; }},
      {"last day", [](CompiledModel* m, uint64_t*, auto*) { --m->campaigns[0].last_day; }},
      {"profile",
       [](CompiledModel* m, uint64_t*, auto*) { m->campaigns[0].weight_by_day[0] *= 1.5; }},
      {"discount", [](CompiledModel* m, uint64_t*, auto*) { m->campaigns[0].discount = 0.3; }},
      {"has cap", [](CompiledModel* m, uint64_t*, auto*) { m->campaigns[1].has_cap = false; }},
      {"cap total", [](CompiledModel* m, uint64_t*, auto*) { m->campaigns[1].cap_total = 700; }},
      {"cap by offering",
       [](CompiledModel* m, uint64_t*, auto*) { m->campaigns[0].cap_by_offering[0] = 1200; }},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    CompiledModel changed = model;
    uint64_t seed = kSeed;
    std::vector<char> included = All(model);
    test.change(&changed, &seed, &included);
    // The change reaches the demand (the case tests something) ...
    EXPECT_FALSE(SameDemands(model, kSeed, All(model), changed, seed, included));
    // ... so the key must tell them apart.
    EXPECT_FALSE(DemandInputsOf(changed, seed, included) == key);
  }
}

// --- The base draws in feasibility trials ------------------------------------------------------

// Base() with room enough that every promise is kept (a trial simulates every scenario), and a
// standing promise (a trial measures it without campaign c too: the runs without a campaign read
// the lanes' base draws).
Scenario Roomy() {
  Scenario scenario = Base();
  scenario.resources[0].capacity = 400;
  scenario.resources[1].capacity = 400;
  Scenario standing = test_files::ParseText(R"(
tandem: 1
name: standing
horizon: {start: 2027-03-01, end: 2027-04-30}
resources:
  - {id: desk, kind: throughput, capacity: 400}
offerings:
  - {id: a, price: 10, route: [desk], baseline: {per_day: 1}}
messaging:
  - {type: processing, within: 8h, share: 0.5}
)",
                                            "standing.yaml");
  scenario.messaging = standing.messaging;
  return scenario;
}

// Campaign c moved by `days` (recommend's reschedule lever moves a window).
Scenario Moved(const Scenario& scenario, int days) {
  Scenario moved = scenario;
  moved.campaigns[0].window.start = moved.campaigns[0].window.start + days;
  moved.campaigns[0].window.end = moved.campaigns[0].window.end + days;
  return moved;
}

CheckOptions TrialOptions(int threads) {
  return ProbeOptions(threads);
}

std::optional<CampaignResult> Trial(const Scenario& scenario, int threads, DemandCache* cache) {
  Result<std::optional<CampaignResult>> result =
      EvaluateFeasibility(scenario, TrialOptions(threads), std::nullopt, cache);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().ToString());
  return result.ok() ? result.value() : std::nullopt;
}

void ExpectSameTrials(const std::optional<CampaignResult>& a,
                      const std::optional<CampaignResult>& b) {
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  ASSERT_EQ(a->promises.size(), b->promises.size());
  for (size_t i = 0; i < a->promises.size(); ++i) {
    const PromiseResult& x = a->promises[i];
    const PromiseResult& y = b->promises[i];
    EXPECT_EQ(x.status, y.status);
    EXPECT_EQ(x.p_kept, y.p_kept);
    EXPECT_EQ(x.achieved.p5, y.achieved.p5);
    EXPECT_EQ(x.achieved.p50, y.achieved.p50);
    EXPECT_EQ(x.achieved.p95, y.achieved.p95);
    EXPECT_EQ(x.achieved.mean, y.achieved.mean);
  }
  EXPECT_EQ(a->standing.size(), b->standing.size());
  EXPECT_EQ(a->verdict, b->verdict);
}

bool SameBase(const BaseDraws& a, const BaseDraws& b) {
  if (a.base.size() != b.base.size() || a.day_mean.size() != b.day_mean.size() ||
      a.day_uniform.size() != b.day_uniform.size())
    return false;
  for (size_t o = 0; o < a.base.size(); ++o) {
    if (!SameBits(a.base[o], b.base[o]) || !SameBits(a.day_mean[o], b.day_mean[o]) ||
        !SameBits(a.day_uniform[o], b.day_uniform[o]))
      return false;
  }
  return true;
}

BaseDraws FreshBase(const CompiledModel& model, uint64_t seed, int64_t scenario) {
  BaseDraws draws;
  DrawBase(model, seed, scenario, &draws);
  return draws;
}

// A reschedule trial after a trial of the campaigns as they are: it reads the first trial's base
// draws, which are a fresh DrawScenario's units of the moved scenario; and its campaigns' draws
// from them (DrawCampaigns) are DrawScenario's lifts and increments, bit for bit, also for a
// campaign that lowers demand (which thins the base units with their uniforms).
TEST(DemandCacheTest, ARescheduleTrialsBaseDrawsAreAFreshDraws) {
  const Scenario base = Roomy();
  DemandCache cache;
  ASSERT_TRUE(Trial(base, 2, &cache).has_value());
  ASSERT_EQ(cache.base_stored(), kScenarios);
  const Scenario moved = Moved(base, 9);
  ASSERT_TRUE(Trial(moved, 2, &cache).has_value());
  EXPECT_EQ(cache.base_hits(), kScenarios);
  EXPECT_EQ(cache.base_stored(), kScenarios);
  EXPECT_EQ(cache.base_rebinds(), 0);
  EXPECT_EQ(cache.stored(), 0);  // trials keep no run demand
  CompiledModel model = Compile(moved, TrialOptions(2));
  CompiledModel lowering = model;  // campaign d lowers demand by 30%
  lowering.campaigns[1].lift_value = -0.3;
  for (int64_t s = 0; s < kScenarios; ++s) {
    SCOPED_TRACE(s);
    const BaseDraws* stored = cache.impl().base.Find(s);
    ASSERT_NE(stored, nullptr);
    EXPECT_TRUE(SameBase(*stored, FreshBase(model, kSeed, s)));
    for (const CompiledModel* m : {&model, &lowering}) {
      ScenarioDraws fresh;
      DrawScenario(*m, kSeed, s, &fresh);
      ScenarioDraws split;
      DrawCampaigns(*m, kSeed, s, *stored, &split);
      ASSERT_EQ(fresh.base.size(), stored->base.size());
      for (size_t o = 0; o < fresh.base.size(); ++o)
        EXPECT_TRUE(SameBits(fresh.base[o], stored->base[o]));
      EXPECT_TRUE(SameBits(fresh.lift, split.lift));
      ASSERT_EQ(fresh.increment.size(), split.increment.size());
      for (size_t k = 0; k < fresh.increment.size(); ++k) {
        ASSERT_EQ(fresh.increment[k].size(), split.increment[k].size());
        for (size_t i = 0; i < fresh.increment[k].size(); ++i)
          EXPECT_TRUE(SameBits(fresh.increment[k][i], split.increment[k][i])) << k << " " << i;
      }
    }
  }
}

// Trials that differ in campaign c's levers (window, cap, lift) read the first trial's base draws
// and answer as trials without a cache, at 1 and 2 threads. Counts by hand: the first trial
// stores its 40 scenarios, each later trial finds all 40; a trial whose offerings' draws differ
// (offering a's noise) finds another key: one rebind, 40 more stored.
TEST(DemandCacheTest, TrialsOfOneCampaignReadTheFirstTrialsBaseDraws) {
  for (int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    const Scenario base = Roomy();
    std::vector<Scenario> trials = {base, Moved(base, 5), Moved(base, -3)};
    Scenario capped = base;
    capped.campaigns[0].cap.total = 900;
    trials.push_back(capped);
    Scenario lift = base;
    lift.campaigns[0].lift.expected = 0.4;
    trials.push_back(lift);
    DemandCache cache;
    for (const Scenario& trial : trials)
      ExpectSameTrials(Trial(trial, threads, &cache), Trial(trial, threads, nullptr));
    EXPECT_EQ(cache.base_stored(), kScenarios);
    EXPECT_EQ(cache.base_hits(), 4 * kScenarios);
    EXPECT_EQ(cache.base_rebinds(), 0);

    Scenario noisier = Moved(base, 5);
    noisier.offerings[0].baseline.noise_cv = 0.4;
    ExpectSameTrials(Trial(noisier, threads, &cache), Trial(noisier, threads, nullptr));
    EXPECT_EQ(cache.base_rebinds(), 1);
    EXPECT_EQ(cache.base_stored(), 2 * kScenarios);
    EXPECT_EQ(cache.base_hits(), 4 * kScenarios);
  }
}

// A change that alters the offerings' draws must not reuse the stored ones: after a trial of the
// campaigns as they are, a trial with offering b's baseline raised stores its own draws, which
// are a fresh draw of its model and not the first trial's. Fails if the key misses the change.
TEST(DemandCacheTest, ATrialWithOtherOfferingDrawsDoesNotReuseThem) {
  const Scenario base = Roomy();
  Scenario busier = Moved(base, 5);
  busier.offerings[1].baseline.per_day = 75;
  DemandCache cache;
  ASSERT_TRUE(Trial(base, 2, &cache).has_value());
  ExpectSameTrials(Trial(busier, 2, &cache), Trial(busier, 2, nullptr));
  EXPECT_EQ(cache.base_rebinds(), 1);
  const CompiledModel first = Compile(base, TrialOptions(2));
  const CompiledModel second = Compile(busier, TrialOptions(2));
  for (int64_t s = 0; s < kScenarios; ++s) {
    SCOPED_TRACE(s);
    const BaseDraws* stored = cache.impl().base.Find(s);
    ASSERT_NE(stored, nullptr);
    EXPECT_TRUE(SameBase(*stored, FreshBase(second, kSeed, s)));
    EXPECT_FALSE(SameBase(*stored, FreshBase(first, kSeed, s)));
  }
}

// Each input of DrawBase changed alone changes the offerings' draws of the first scenarios, and
// so must change the base key (dropping any field from it fails its case); a campaign's levers
// and an offering's price change neither the draws nor the key.
TEST(DemandCacheTest, EveryInputOfBaseDrawsIsInItsKey) {
  const CompiledModel model = Compile(Base(), CheckOptions{});
  const DemandInputs key = BaseInputsOf(model, kSeed);
  auto same_draws = [](const CompiledModel& a, uint64_t seed_a, const CompiledModel& b,
                       uint64_t seed_b) {
    for (int64_t s = 0; s < 8; ++s) {
      if (!SameBase(FreshBase(a, seed_a, s), FreshBase(b, seed_b, s))) return false;
    }
    return true;
  };
  struct Case {
    std::string name;
    std::function<void(CompiledModel*, uint64_t*)> change;
  };
  const std::vector<Case> changing = {
      {"seed", [](CompiledModel*, uint64_t* seed) { ++*seed; }},
      {"horizon days", [](CompiledModel* m, uint64_t*) { --m->grid.horizon_days; }},
      {"offering stream key", [](CompiledModel* m, uint64_t*) { m->offerings[1].stream_key = 9; }},
      {"noise cv", [](CompiledModel* m, uint64_t*) { m->offerings[0].noise_cv = 0.5; }},
      {"noise none", [](CompiledModel* m, uint64_t*) { m->offerings[0].noise_none = true; }},
      {"expected per day",
       [](CompiledModel* m, uint64_t*) { m->offerings[1].expected_per_day[12] += 5; }},
      {"share of a continued run's days",
       [](CompiledModel* m, uint64_t*) {
         m->continued.active = true;
         m->continued.day = 5;
         m->continued.day_share.assign(m->shapes.size(), 0.5);
         m->continued.day_shapes = m->shapes;
       }},
  };
  for (const Case& test : changing) {
    SCOPED_TRACE(test.name);
    CompiledModel changed = model;
    uint64_t seed = kSeed;
    test.change(&changed, &seed);
    EXPECT_FALSE(same_draws(model, kSeed, changed, seed));  // the case tests something ...
    EXPECT_FALSE(BaseInputsOf(changed, seed) == key);       // ... so the key tells them apart
  }
  const std::vector<Case> keeping = {
      {"price", [](CompiledModel* m, uint64_t*) { m->offerings[1].price = 26; }},
      {"window",
       [](CompiledModel* m, uint64_t*) {
         m->campaigns[0].first_day += 2;
         m->campaigns[0].last_day += 2;
       }},
      {"lift", [](CompiledModel* m, uint64_t*) { m->campaigns[1].lift_value = 0.7; }},
      {"cap", [](CompiledModel* m, uint64_t*) { m->campaigns[1].cap_total = 700; }},
      {"campaign stream key", [](CompiledModel* m, uint64_t*) { m->campaigns[0].stream_key = 9; }},
  };
  for (const Case& test : keeping) {
    SCOPED_TRACE(test.name);
    CompiledModel changed = model;
    uint64_t seed = kSeed;
    test.change(&changed, &seed);
    EXPECT_TRUE(same_draws(model, kSeed, changed, seed));
    EXPECT_TRUE(BaseInputsOf(changed, seed) == key);
  }
}

}  // namespace
}  // namespace tandem::engine
