// The check's runner, shared by check.cc (specs, forks, the whole run), check_simulate.cc
// (the Monte Carlo batches, fluid and order-level) and check_summary.cc (per-promise and
// per-campaign summaries, explanations). Private to the engine.
#ifndef TANDEM_SRC_ENGINE_CHECK_RUNNER_H_
#define TANDEM_SRC_ENGINE_CHECK_RUNNER_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/compiled_model.h"
#include "engine/demand_cache.h"
#include "engine/measure.h"
#include "engine/order_simulator.h"
#include "engine/simulator.h"
#include "tandem/common/thread_annotations.h"
#include "tandem/engine/check.h"
#include "tandem/engine/evaluate.h"
#include "tandem/model/components.h"

namespace tandem::engine {

constexpr int64_t kChunk =
    2 * kLanes;  // scenarios per work unit; fixed so results never depend on threads

Percentiles Summarise(std::vector<float> values);

// Runs `body` with the engine's exceptions turned into errors (they never cross the API).
template <typename T, typename Body>
Result<T> Guarded(Body body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Error::Internal("out of memory during the check; try fewer scenarios or a longer step");
  } catch (const std::exception& error) {
    return Error::Internal(std::string("internal error during the check: ") + error.what());
  }
}

// The options' problems the check reports before simulating (check.cc): a scenario count out of
// range, a campaign that is not in the scenario, a start state it cannot continue from.
std::optional<Error> ScenariosProblem(int64_t scenarios);
std::optional<Error> CampaignProblem(const Scenario& scenario, const CheckOptions& options);
std::optional<Error> StartProblem(const Scenario& scenario, const CheckOptions& options);

// The throughput resources a campaign loads: its offerings' routes, side loads and returns.
struct CampaignResources {
  std::vector<int> resources;
  int first_day = 0;
  int last_day = 0;  // inclusive, may run past the horizon into the tail
};

CampaignResources ResourcesOf(const CompiledModel& model, const CompiledCampaign& campaign);

// `Flow` is Simulator or OrderSimulator (the order-level mode runs one scenario: lane 0).
template <typename Flow>
double PeakBacklog(const Flow& simulator, int resource, int lane, int first_day, int last_day) {
  double peak = 0;
  for (int day = first_day; day <= last_day; ++day)
    peak = std::max(peak, simulator.DayMaxBacklog(resource, day, lane));
  return peak;
}

// Largest daily ratio of arriving work to capacity; work arriving on closed days counts
// towards the next open day.
template <typename Flow>
double PeakUtilisation(const Flow& simulator, int resource, int lane,
                       const std::vector<double>& capacity, int first_day, int last_day) {
  double carried = 0;
  double peak = 0;
  for (int day = first_day; day <= last_day; ++day) {
    carried += simulator.DayArrivals(resource, day, lane);
    const double day_capacity = capacity[static_cast<size_t>(day)];
    if (day_capacity > 0) {
      peak = std::max(peak, carried / day_capacity);
      carried = 0;
    }
  }
  return peak;
}

double MeanOpenDayCapacity(const std::vector<double>& capacity, int first_day, int last_day);

// Per-scenario figures, one column per metric, filled by scenario index.
struct Columns {
  explicit Columns(int64_t scenarios) : scenarios_(scenarios) {}
  int Add() {
    columns_.emplace_back(static_cast<size_t>(scenarios_), 0.0f);
    return static_cast<int>(columns_.size()) - 1;
  }
  void Set(int column, int64_t scenario, double value) {
    columns_[static_cast<size_t>(column)][static_cast<size_t>(scenario)] =
        static_cast<float>(value);
  }
  const std::vector<float>& Get(int column) const { return columns_[static_cast<size_t>(column)]; }
  float* Data(int column) { return columns_[static_cast<size_t>(column)].data(); }
  int size() const { return static_cast<int>(columns_.size()); }

 private:
  int64_t scenarios_;
  std::vector<std::vector<float>> columns_;
};

// A check of one component of the resource graph (docs/scale-out.md): the whole scenario, the
// component, its sub-model's scenario (with the maps back to the whole scenario) and the keys it
// is compiled with (the whole grid, global stream keys).
struct ComponentRun {
  const Scenario* whole = nullptr;
  int component = 0;
  uint64_t fingerprint = 0;  // the whole check's (WholeFingerprint, check_blocks.cc)
  ComponentScenario part;
  SubModelKeys keys;
};

// What a per-scenario column holds, in the whole scenario's indices, so that the columns of a
// component's block find their places in the whole check's (check_blocks.cc).
enum class ColumnKind : uint64_t {
  kAchieved = 1,  // a: spec's campaign (or -1: standing), b: its promise (or messaging) index
  kCovered,
  kRefused,   // a: the space's scenario resource
  kPeakWith,  // a: campaign, b: scenario resource
  kPeakWithout,
  kUtilWith,
  kUtilWithout,
  kSeriesArrivals,  // a: campaign, b: scenario resource, c: day
  kSeriesBacklog,
  kSeriesArrivalsWithout,
  kSeriesBacklogWithout,
  kRevenue,  // a: campaign
  kIncremental,
  kIncrementalUnits,
  kIncrementalCost,
  kStandingAchieved,  // a: campaign, b: messaging index
};

struct ColumnKey {
  uint64_t kind = 0, a = 0, b = 0, c = 0;
  bool operator==(const ColumnKey& other) const {
    return kind == other.kind && a == other.a && b == other.b && c == other.c;
  }
};

struct ColumnKeyHash {
  size_t operator()(const ColumnKey& key) const {
    uint64_t hash = key.kind;
    for (uint64_t value : {key.a, key.b, key.c}) hash = hash * 0x9e3779b97f4a7c15ULL + value;
    return static_cast<size_t>(hash);
  }
};

// What blocks and the merge of one check agree on (check_blocks.cc): the whole scenario's shape
// and the options that change what is simulated or recorded.
uint64_t WholeFingerprint(const Scenario& whole, int64_t total_steps, const CheckOptions& options);

// RunCheck along the connected components of the resource graph (check_blocks.cc): every
// scenario of one component at a time (its sub-model, docs/scale-out.md), each on the check's
// threads, then MergeCheckBlocks' merge of their blocks: the whole check's bits. nullopt when the
// check does not split (CheckComponents is 1, or a scenario count RunCheck refuses).
Result<std::optional<CheckResult>> CheckByComponents(const Scenario& scenario,
                                                     const CheckOptions& options);

// A blob's reader, counts and places (check_blocks.cc).
class BlockReader;
struct BlockCounts;
struct BlockPlaces;

struct ReportedCampaign {
  int campaign = 0;
  CampaignResources resources;
  RunPlan without;
  int fork_day = 0;  // the first day on which the run without it can differ from the run with it
  int order_fork_day = 0;  // the same for order-level mode (0: simulated from scratch)
  std::vector<int>
      checkpoint_days;  // where the run without it may have caught up with the run with it
  std::vector<size_t> checkpoints;  // their snapshots in fork_days_
  std::vector<int> peak_with, peak_without, util_with, util_without;  // columns per resource
  int revenue = 0, incremental = 0, incremental_units = 0, incremental_cost = 0;
  // collect_series: columns per resource and day from series_first_day.
  int series_first_day = 0;
  std::vector<std::vector<int>> series_arrivals, series_backlog, series_arrivals_without,
      series_backlog_without;
  // Standing promises forked (CheckRunner::fork_standing_): per messaging promise, the column of
  // its achieved share in the run without the campaign, or -1 (not measured).
  std::vector<int> standing_achieved;
};

// Sums over a chunk's scenarios, added up in chunk order so results never depend on threads.
struct ChunkSums {
  std::vector<Attribution> attribution;   // per spec
  std::vector<LeadHistogram> histograms;  // per spec (collect_series)
  std::vector<double> daily_arrivals;     // [resource * days + day] (collect_series)
  std::vector<double> daily_backlog;      // the same: waiting when the day starts
};

// What a worker thread reuses from batch to batch: a year of demand and curves is megabytes,
// and fresh allocations of that size cost page faults every time.
struct BatchScratch {
  BatchScratch(const CompiledModel& model, const Simulator& simulator, const RunPlan& plan)
      : measurer(model, simulator, plan) {}
  std::array<ScenarioDraws, kLanes> draws;
  // Each lane's offerings' units: draws[lane].base, or the demand cache's base draws (then
  // base_draws[lane] is where a scenario not yet stored is drawn).
  std::array<const std::vector<std::vector<double>>*, kLanes> base{};
  std::array<BaseDraws, kLanes> base_draws;
  std::array<RunDemand, kLanes> demand;
  std::array<RunDemand, kLanes> without_demand;
  BatchDemand batch;
  BatchDemand without_batch;
  Measurer measurer;
  Simulator::Fork final_state;  // the "with" run's state at its end
  // The standing promises' weeks in the batch's run with every campaign, [lane][standing
  // promise] (CheckRunner::fork_standing_), for the runs without each campaign.
  std::vector<WeekRecord> week_records;
  // A lane's measurements of the specs in families (CheckRunner::families_), per spec, and the
  // family's specs for MeasureFamily.
  std::vector<Measurement> family_measurements;
  std::vector<const PromiseSpec*> family_specs;
  std::vector<Measurement> family_out;
};

class CheckRunner {
 public:
  // `component` (not owned, outlives the runner; may be null): `scenario` is component->part's
  // sub-model (docs/scale-out.md), compiled with the whole scenario's grid and stream keys.
  CheckRunner(const Scenario& scenario, const CheckOptions& options,
              const EvaluateOptions& evaluate, const ComponentRun* component = nullptr)
      : scenario_(scenario),
        options_(options),
        evaluate_(evaluate),
        component_(component),
        model_(Compile(scenario, options, component != nullptr ? &component->keys : nullptr)) {}
  void ExtraResults(std::vector<ExtraResult>* out) const;
  // The checks of EvaluateOptions::promise_variants (after Run).
  std::vector<CheckResult> TakeVariantResults() { return std::move(variant_results_); }

  Result<CheckResult> Run();
  // EvaluateFeasibility: stop once a reported campaign's promise cannot be kept; whether it did.
  void StopWhenBroken() { stop_when_broken_ = true; }
  // EvaluateProbe (check_probe.cc): measure only the reported campaign's watched promises and
  // stop once one watch's need cannot be met (stopped()); after Run, the watched promises'
  // results when not stopped.
  void WatchPromises(std::vector<Watch> watches) {
    watches_ = std::move(watches);
    probe_ = true;
    stop_when_broken_ = true;
  }
  std::vector<PromiseResult> WatchedResults();
  // EvaluateExtras (check_probe.cc): measure only EvaluateOptions::extra (no campaign reported,
  // no standing promise); after Run, ExtraResults.
  void MeasureOnlyExtras() { extras_only_ = true; }
  bool stopped() const EXCLUDES(stop_mutex_) {
    MutexLock lock(&stop_mutex_);
    return stopped_;
  }
  // Blocks of scenarios (tandem/engine/check_blocks.h; check_blocks.cc). SimulateOnly: Run
  // simulates scenarios [first, first + count) only, returns an empty result and TakeBlock the
  // blob. MergeBlocks: Run reads the per-scenario figures and chunk sums from `blocks` (not
  // owned, outlive Run) instead of simulating.
  void SimulateOnly(int64_t first, int64_t count) {
    block_first_ = first;
    block_count_ = count;
  }
  std::string TakeBlock() { return std::move(block_); }
  void MergeBlocks(const std::vector<std::string>* blocks) { merge_blocks_ = blocks; }

 private:
  void BuildSpecs();
  void GroupFamilies();  // families_ and family_of_ from the extra specs (check_simulate.cc)
  bool StandingRead(size_t index) const;  // whether messaging promise `index` is measured
  // The steps of Run before the simulation (check.cc).
  Result<std::vector<int>> ReportedIds() const;
  void AddReported(const std::vector<int>& reported_ids, const std::vector<char>& all);
  void PlanForks();
  void WatchReportedSpecs();
  // Whether BuildSpecs measures promise `promise` of the reported campaign: every one, but a
  // probe's only when watched (check_probe.cc).
  bool ProbeMeasures(int promise) const;
  // Whether EvaluateOptions::known_messaging gives the standing promises' results (one per
  // standing promise): then none is measured (StandingRead) and SummariseMessaging copies them.
  bool StandingKnown() const {
    return evaluate_.known_messaging != nullptr &&
           evaluate_.known_messaging->size() == scenario_.messaging.size();
  }
  // Whether AnswerForStanding answers for standing promise `index`: one this run measures, or,
  // when their results are known, any time or availability promise (those a check measures).
  bool StandingAnswered(size_t index) const {
    if (!StandingKnown()) return standing_specs_[index] >= 0;
    return scenario_.messaging[index].IsMeasuredOnRuns();
  }
  // A probe's decision once every scenario ran: stopped when a watch's need is not met.
  void DecideWatches() EXCLUDES(stop_mutex_);
  // A watch's count for one scenario, and whether its need can no longer be met (under
  // stop_mutex_).
  bool CountsFor(size_t watch, float achieved) const;
  bool CannotMeet(size_t watch, int64_t counted, int64_t remaining) const;
  std::vector<ResourceCalendar> ResourceCalendars() const;
  // Simulates chunks [first_chunk, end_chunk) of the scenarios. `standing_pass`: only the
  // standing promises' runs without each campaign, for the chunks whose first pass did not run
  // them (see fork_standing_).
  void SimulateAll(int64_t first_chunk, int64_t end_chunk, bool standing_pass = false);
  // Blocks (check_blocks.cc): the chunks SimulateOnly asks for (an error for a block that is
  // not aligned or outside the scenarios), the blob of the simulated block, and the merge.
  Result<std::pair<int64_t, int64_t>> BlockChunks() const;
  std::string SaveBlock(int64_t first_chunk, int64_t end_chunk) const;
  std::optional<Error> LoadBlocks();
  uint64_t BlockFingerprint() const;
  std::optional<Error> ReadBlockPlaces(BlockReader* in, const BlockCounts& counts,
                                       BlockPlaces* places) const;
  void EmptyChunkSums(ChunkSums* sums) const;
  void LoadChunkSums(BlockReader* in, const BlockCounts& counts, const BlockPlaces& places,
                     ChunkSums* sums) const;
  // Scenario `scenario`'s draws in lane `lane` of `scratch`: draws[lane] (its lifts and
  // increments, and its base unless the cache's) and base[lane], from the demand cache's base
  // draws where they are bound (base_cache_; stored there when drawn), drawn whole otherwise.
  void DrawLane(int64_t scenario, size_t lane, BatchScratch* scratch) const;
  // Simulates scenarios [first, first + count) as one batch of kLanes lanes (lanes past
  // `count` repeat the last scenario and are ignored). `standing`: with the standing promises'
  // runs without each campaign; `standing_pass`: only those (and the run they fork from).
  void SimulateBatch(int64_t first, int64_t count, Simulator* simulator, BatchScratch* scratch,
                     ChunkSums* sums, std::vector<Simulator::Fork>* forks, bool standing,
                     bool standing_pass);
  // The families of extra promises measured in the lane scratch->measurer was Reset to.
  void MeasureFamilies(BatchScratch* scratch) const;
  Measurement MeasureSpec(size_t p, size_t lane, bool standing, Attribution* late_waits,
                          LeadHistogram* histogram, BatchScratch* scratch) const;
  // The runs without each reported campaign, in descending order of fork day, for the economics
  // (`economics`) and for the standing promises (`standing`: measured to the end). With
  // `standing` they are measured runs, each then finding the "with" run's figures before its day,
  // and one run serves both wherever it runs to the end.
  void SimulateWithouts(int64_t first, int64_t count, const BatchTotals& with_totals,
                        Simulator* simulator, BatchScratch* scratch,
                        std::vector<Simulator::Fork>* forks, bool standing, bool economics,
                        bool recorded);
  bool SimulateWithout(size_t index, int64_t first, int64_t count, const BatchTotals& with_totals,
                       Simulator* simulator, BatchScratch* scratch,
                       std::vector<Simulator::Fork>* forks, bool measured);
  // `recorded`: the batch's run with every campaign recorded its standing weeks (not in the
  // standing pass), which the measurement then reuses where exact.
  void MeasureStandingWithout(size_t index, int64_t first, int64_t count, Simulator* simulator,
                              BatchScratch* scratch, std::vector<Simulator::Fork>* forks,
                              bool recorded, bool simulate);
  // Whether the standing promises' runs without each campaign are known to be needed: a
  // standing promise cannot be kept any more (the counts of the chunks finished so far).
  bool StandingNeeded() const EXCLUDES(stop_mutex_);
  void CountStanding(int64_t first, int64_t last) EXCLUDES(stop_mutex_);
  // The standing statuses without reported campaign `index`, from its forked runs' columns.
  std::vector<StandingStatus> StandingFromForks(size_t index,
                                                const std::vector<PromiseResult>& messaging) const;
  PromiseStatus StatusOfColumn(const PromiseSpec& spec, int column, double* p_kept) const;
  // Order-level mode (CheckMode::kOrders): one scenario, with and without each campaign.
  void SimulateOrders(int64_t scenario, OrderSimulator* simulator, ChunkSums* sums,
                      std::vector<OrderSimulator::Fork>* forks);
  void ComputeOrderStories(const std::vector<std::pair<int64_t, size_t>>& wanted);
  LeadHistogram EmptyHistogram(const PromiseSpec& spec) const;
  int ForkDay(const RunPlan& without, const CompiledCampaign& campaign) const;
  int AgreeFrom(const RunPlan& without) const;
  PromiseResult SummariseTimedPromise(size_t spec_index);
  PromiseResult ClaimResult(const Campaign& campaign, int index, const Promise& promise);
  // Free returns on `ids` sold at `discount` over horizon days [first_day, last_day];
  // `in_campaign`: a campaign's promise (the baseline units of its window are counted).
  PromiseResult FreeReturnsResult(const std::vector<std::string>& scope, double discount,
                                  int first_day, int last_day, Date price_date, int index,
                                  const Promise& promise, bool in_campaign);
  // `campaign`: the scenario's, or a version of it with other promises (promise_variants).
  CampaignResult SummariseCampaign(const ReportedCampaign& reported, const Campaign& campaign);
  // The parts of a campaign's summary (check_summary.cc).
  std::vector<SpaceCheck> SpaceChecks(const ReportedCampaign& reported,
                                      const CompiledCampaign& compiled);
  std::vector<ThroughputCheck> ThroughputChecks(const ReportedCampaign& reported);
  Economics EconomicsOf(const ReportedCampaign& reported, const Campaign& campaign,
                        const CompiledCampaign& compiled);
  std::vector<PromiseResult> SummariseMessaging();  // the standing promises, in messaging order
  // The standing promises' statuses in a run without campaign `campaign` (empty on failure).
  std::vector<StandingStatus> StandingWithout(int campaign) const;
  // Whether the run forks the standing promises' runs without each campaign from the run with
  // every campaign (instead of StandingWithout's whole run per campaign), and whether they ran
  // for every scenario.
  void PlanStandingForks();
  bool fork_standing_ = false;
  bool standing_forked_ = false;
  std::vector<char> chunk_standing_;  // per chunk: its standing runs were done (1)
  std::vector<int> standing_slot_;    // per spec: its messaging index when standing, else -1
  // Counts the standing promises campaign `campaign` endangers in its verdict and reasons.
  // `known`: the standing statuses without it, when already computed.
  void AnswerForStanding(int campaign, const std::vector<PromiseResult>& messaging,
                         CampaignResult* result,
                         const std::vector<StandingStatus>* known = nullptr) const;
  // The checks of promise_variants, from the summaries of this run.
  void SummariseVariants(const CheckResult& check, const std::vector<PromiseResult>& messaging);
  double RouteCost(int offering, Date date) const;
  // The stock plan's shortfall of a stocked offering over horizon days [first_day, last_day].
  SupplyShortfall ShortfallOf(int offering, int first_day, int last_day) const;
  double ReturnCost(int offering, Date date) const;

  const Scenario& scenario_;
  const CheckOptions& options_;
  const EvaluateOptions& evaluate_;
  const ComponentRun* component_;
  CompiledModel model_;
  // The whole scenario's indices of this model's campaigns, standing promises, scenario
  // resources and offerings (the same in a whole check), and the key of a column or spec.
  uint64_t GlobalCampaign(int campaign) const;
  uint64_t GlobalMessaging(int index) const;
  uint64_t GlobalResource(int scenario_index) const;
  uint64_t GlobalOffering(size_t offering) const;
  std::pair<uint64_t, uint64_t> SpecKey(const PromiseSpec& spec) const;
  int AddColumn(ColumnKind kind, uint64_t a, uint64_t b = 0, uint64_t c = 0);
  std::vector<ColumnKey> column_keys_;  // per column of columns_
  size_t own_specs_ = 0;                // specs_ [0, own_specs_) are the scenario's promises
  std::vector<int> extra_specs_;        // per extra promise: its spec
  // Extra specs that are levels of one promise (SameFamily), two or more per family, measured
  // together (Measurer::MeasureFamily); per spec, its family or -1.
  std::vector<std::vector<size_t>> families_;
  std::vector<int> family_of_;
  int64_t scenarios_ = 0;
  uint64_t seed_ = 0;
  RunPlan with_;
  std::vector<PromiseSpec> specs_;
  std::vector<std::vector<int>> campaign_specs_;  // per campaign: spec indices in promise order
  // Per promise variant: its specs in promise order (the campaign's own where a promise is
  // unchanged), and its check.
  std::vector<std::vector<int>> variant_specs_;
  std::vector<CheckResult> variant_results_;
  std::vector<int> standing_specs_;
  std::vector<ReportedCampaign> reported_;
  std::vector<char> measured_resources_;
  std::vector<char> measured_offerings_;
  std::unique_ptr<Columns> columns_;
  std::vector<int> achieved_column_;  // per spec
  std::vector<int> covered_column_;   // per spec
  std::vector<int> refused_column_;   // per space
  std::vector<ChunkSums> chunk_sums_;
  // EvaluateOptions::demand_cache, bound to this check's inputs of demand, when it is used (Run;
  // BindDemandCache): the batches' demand of the run with every campaign (kRunDemand) or their
  // offerings' draws (kBaseDraws) are read from it or stored in it. At most one of the two.
  DemandCache::Impl::Layer<RunDemand>* demand_cache_ = nullptr;
  DemandCache::Impl::Layer<BaseDraws>* base_cache_ = nullptr;
  void BindDemandCache();
  // Explanations: per spec, the representative scenario's measurement and backlog story.
  struct Story {
    bool ready = false;
    Measurement measurement;
    BacklogStory backlog;
  };
  std::vector<Story> stories_;
  std::vector<int> story_binding_;  // per spec: binding slot, -1 when none
  void ComputeStories();
  PromiseStatus StatusOf(size_t spec_index, double* p_kept) const;
  bool KeptAtConfidence(int64_t kept) const;  // `kept` of scenarios_ reach the confidence
  int BindingOf(size_t spec_index, std::vector<std::string>* names) const;
  std::vector<int> fork_days_;                 // ascending: the days the "with" run is snapshotted
  std::vector<size_t> fork_of_;                // per reported campaign: its snapshot in fork_days_
  std::vector<int> order_fork_days_;           // order-level mode: ascending fork days after day 0
  std::unique_ptr<Simulator> kept_simulator_;  // fluid mode: SimulateAll's, reused for stories
  // Probes (WatchPromises): the watches, in order. A probe's watched_specs_ follow them, with
  // their needs in watched_ (StopWhenBroken's: kKept); for a median watch, watched_kept_ counts
  // the scenarios below its target.
  bool probe_ = false;
  bool extras_only_ = false;  // MeasureOnlyExtras
  std::vector<Watch> watches_;
  std::vector<Watch> watched_;  // per watched spec
  // StopWhenBroken: the reported campaigns' measured promises (specs), their scenarios kept so
  // far and the scenarios simulated so far; SimulateAll's workers count each chunk they finish
  // (CountChunk), so the counts and the verdict are under stop_mutex_.
  bool stop_when_broken_ = false;
  std::vector<int> watched_specs_;
  mutable Mutex stop_mutex_;
  bool stopped_ GUARDED_BY(stop_mutex_) = false;
  std::vector<int64_t> watched_kept_ GUARDED_BY(stop_mutex_);
  int64_t simulated_ GUARDED_BY(stop_mutex_) = 0;
  int64_t block_first_ = 0;
  int64_t block_count_ = -1;  // -1: every scenario
  std::string block_;
  const std::vector<std::string>* merge_blocks_ = nullptr;
  // fork_standing_: the standing specs' scenarios kept so far and the scenarios counted
  // (StandingNeeded).
  std::vector<int64_t> standing_kept_ GUARDED_BY(stop_mutex_);
  int64_t standing_counted_ GUARDED_BY(stop_mutex_) = 0;
  bool CountChunk(int64_t first, int64_t last) EXCLUDES(stop_mutex_);
};

}  // namespace tandem::engine

#endif  // TANDEM_SRC_ENGINE_CHECK_RUNNER_H_
