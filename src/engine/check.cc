// The promise check (tandem/engine/check.h): names, the promise specs, where runs without a
// campaign fork, and the whole run. Batches: check_simulate.cc; summaries: check_summary.cc.
#include "tandem/engine/check.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>

#include "engine/check_runner.h"
#include "engine/compiled_model.h"
#include "engine/explain.h"
#include "engine/measure.h"
#include "engine/order_simulator.h"
#include "engine/simulator.h"
#include "tandem/common/cpu_counter.h"
#include "tandem/engine/evaluate.h"

namespace tandem {

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kGo:
      return "go";
    case Verdict::kAtRisk:
      return "at-risk";
    case Verdict::kNoGo:
      return "no-go";
  }
  return "unknown";
}

const char* StatusName(PromiseStatus status) {
  switch (status) {
    case PromiseStatus::kKept:
      return "kept";
    case PromiseStatus::kAtRisk:
      return "at-risk";
    case PromiseStatus::kBroken:
      return "broken";
  }
  return "unknown";
}

const char* CheckModeName(CheckMode mode) {
  return mode == CheckMode::kOrders ? "orders" : "fluid";
}

Verdict Worse(Verdict a, Verdict b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

Verdict VerdictFor(PromiseStatus status) {
  switch (status) {
    case PromiseStatus::kBroken:
      return Verdict::kNoGo;
    case PromiseStatus::kAtRisk:
      return Verdict::kAtRisk;
    case PromiseStatus::kKept:
      break;
  }
  return Verdict::kGo;
}

namespace engine {

std::optional<Error> ScenariosProblem(int64_t scenarios) {
  if (scenarios >= 1 && scenarios <= 1000000) return std::nullopt;
  return Error::InvalidOption("scenarios", "simulating " + std::to_string(scenarios) +
                                               " scenarios is out of range; allowed: 1 to "
                                               "1,000,000");
}

std::optional<Error> CampaignProblem(const Scenario& scenario, const CheckOptions& options) {
  if (!options.campaign) return std::nullopt;
  std::string known;
  for (const Campaign& campaign : scenario.campaigns) {
    if (campaign.id == *options.campaign) return std::nullopt;
    known += (known.empty() ? "" : ", ") + campaign.id;
  }
  return Error::InvalidOption(
      "campaign", "no campaign '" + *options.campaign +
                      "' in the scenario; campaigns: " + (known.empty() ? "(none)" : known));
}

Percentiles Summarise(std::vector<float> values) {
  Percentiles result;
  if (values.empty()) return result;
  std::sort(values.begin(), values.end());
  auto at = [&](double q) {
    const double position = q * static_cast<double>(values.size() - 1);
    const size_t below = static_cast<size_t>(std::floor(position));
    const size_t above = std::min(below + 1, values.size() - 1);
    const double fraction = position - static_cast<double>(below);
    return static_cast<double>(values[below]) * (1 - fraction) +
           static_cast<double>(values[above]) * fraction;
  };
  result.p5 = at(0.05);
  result.p50 = at(0.5);
  result.p95 = at(0.95);
  double sum = 0;
  for (float value : values) sum += static_cast<double>(value);
  result.mean = sum / static_cast<double>(values.size());
  return result;
}

CampaignResources ResourcesOf(const CompiledModel& model, const CompiledCampaign& campaign) {
  CampaignResources out;
  double drain_days = 7;
  auto add = [&](int resource) {
    if (std::find(out.resources.begin(), out.resources.end(), resource) == out.resources.end()) {
      out.resources.push_back(resource);
    }
  };
  for (int o : campaign.offerings) {
    const CompiledOffering& offering = model.offerings[static_cast<size_t>(o)];
    for (const RouteStage& stage : offering.route) add(stage.resource);
    for (const SideLoad& load : offering.loads) {
      add(load.resource);
      drain_days = std::max(drain_days, 7 + load.lag_steps / model.grid.steps_per_day);
    }
    if (offering.may_return && offering.returns_resource >= 0) {
      add(offering.returns_resource);
      drain_days = std::max(drain_days, 7 + (offering.return_lag_steps + offering.transit_steps) /
                                                model.grid.steps_per_day);
    }
  }
  out.first_day = campaign.first_day;
  out.last_day = std::min(model.grid.total_days - 1,
                          campaign.last_day + static_cast<int>(std::ceil(drain_days)));
  return out;
}

double MeanOpenDayCapacity(const std::vector<double>& capacity, int first_day, int last_day) {
  double sum = 0;
  int days = 0;
  for (int day = first_day; day <= last_day; ++day) {
    if (capacity[static_cast<size_t>(day)] > 0) {
      sum += capacity[static_cast<size_t>(day)];
      ++days;
    }
  }
  return days > 0 ? sum / days : 0;
}

// The first day on which the run without `campaign` can differ from the run with every
// campaign: its demand (window start), a booking, or a stock plan, capacity or return policy
// that the two runs plan differently.
// The first day from which the plan `without` and the run with every campaign agree: the same
// capacity and the same return policies (stock receipts may differ; see Simulator::AgreesWith).
int CheckRunner::AgreeFrom(const RunPlan& without) const {
  const TimeGrid& grid = model_.grid;
  int day = 0;
  for (size_t r = 0; r < model_.resources.size(); ++r) {
    if (with_.capacity[r] == without.capacity[r]) continue;
    for (int64_t t = grid.total_steps - 1; t >= static_cast<int64_t>(day) * grid.steps_per_day;
         --t) {
      if (with_.capacity[r][t] != without.capacity[r][t]) {
        day = static_cast<int>(t / grid.steps_per_day) + 1;
        break;
      }
    }
  }
  for (size_t o = 0; o < model_.offerings.size(); ++o) {
    for (int d = static_cast<int>(with_.return_rate[o].size()) - 1; d >= day; --d) {
      if (with_.return_rate[o][static_cast<size_t>(d)] !=
              without.return_rate[o][static_cast<size_t>(d)] ||
          with_.return_cost_adjustment[o][static_cast<size_t>(d)] !=
              without.return_cost_adjustment[o][static_cast<size_t>(d)]) {
        day = d + 1;
        break;
      }
    }
  }
  return day;
}

int CheckRunner::ForkDay(const RunPlan& without, const CompiledCampaign& campaign) const {
  const TimeGrid& grid = model_.grid;
  int day = campaign.first_day;
  for (size_t r = 0; r < model_.resources.size(); ++r) {
    if (with_.capacity[r] == without.capacity[r]) continue;
    for (int64_t t = 0; t < static_cast<int64_t>(day) * grid.steps_per_day; ++t) {
      if (with_.capacity[r][t] != without.capacity[r][t]) {
        day = static_cast<int>(t / grid.steps_per_day);
        break;
      }
    }
  }
  for (size_t o = 0; o < model_.offerings.size(); ++o) {
    for (int d = 0; d < day && d < static_cast<int>(with_.receipts[o].size()); ++d) {
      if (with_.receipts[o][static_cast<size_t>(d)] !=
          without.receipts[o][static_cast<size_t>(d)]) {
        day = d;
        break;
      }
    }
    for (int d = 0; d < day && d < static_cast<int>(with_.return_rate[o].size()); ++d) {
      if (with_.return_rate[o][static_cast<size_t>(d)] !=
              without.return_rate[o][static_cast<size_t>(d)] ||
          with_.return_cost_adjustment[o][static_cast<size_t>(d)] !=
              without.return_cost_adjustment[o][static_cast<size_t>(d)]) {
        day = d;
        break;
      }
    }
  }
  return std::clamp(day, 0, grid.total_days - 1);
}

namespace {

// Whether two time or availability promises are measured the same way.
bool SameMeasurement(const Promise& a, const Promise& b) {
  return a.type == b.type && a.within == b.within && a.cutoff == b.cutoff && a.share == b.share &&
         a.resource == b.resource && a.offerings == b.offerings;
}

// PromiseSpec::slot and slots: the ranks of the covered offerings' components.
void SlotByComponent(const CompiledModel& model, PromiseSpec* spec) {
  std::vector<int> components;
  for (int o : spec->offerings)
    components.push_back(model.offering_component[static_cast<size_t>(o)]);
  std::vector<int> distinct = components;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  spec->slot.clear();
  spec->slots = 1;
  if (distinct.size() < 2) return;
  spec->slots = static_cast<int>(distinct.size());
  for (int component : components) {
    spec->slot.push_back(static_cast<int>(
        std::lower_bound(distinct.begin(), distinct.end(), component) - distinct.begin()));
  }
}

}  // namespace

// A probe does not read the standing promises, nor a check of extras only; a check given their
// results (EvaluateOptions::known_messaging) copies them. A feasibility trial reads them only for
// what its campaign endangers (AnswerForStanding: a status worse with it than without it), and
// one broken without the campaign cannot be worse with it: the trial's answer is the same
// unmeasured.
bool CheckRunner::StandingRead(size_t index) const {
  if (probe_ || extras_only_ || StandingKnown()) return false;
  const std::optional<std::vector<StandingStatus>>& without = evaluate_.standing_without;
  return !(stop_when_broken_ && without && index < without->size() &&
           (*without)[index].status == PromiseStatus::kBroken);
}

void CheckRunner::BuildSpecs() {
  const int horizon_days = model_.grid.horizon_days;
  auto make = [&](const Promise& promise, int campaign, int index,
                  const std::vector<std::string>& scope, int first_day, int last_day) {
    PromiseSpec spec;
    spec.campaign = campaign;
    spec.index = index;
    spec.promise = promise;
    spec.first_day = first_day;
    spec.last_day = last_day;
    spec.weekly = campaign < 0;
    const std::vector<std::string>& ids = promise.offerings.empty() ? scope : promise.offerings;
    for (const std::string& id : ids) {
      const int o = scenario_.OfferingIndex(id);
      if (promise.type == PromiseType::kAvailability &&
          !model_.offerings[static_cast<size_t>(o)].stocked)
        continue;
      spec.offerings.push_back(o);
    }
    SlotByComponent(model_, &spec);
    if (promise.type == PromiseType::kResponse) {
      spec.resource =
          model_.throughput_index[static_cast<size_t>(scenario_.ResourceIndex(promise.resource))];
    }
    if (promise.IsTimePromise() && promise.within.kind == Deadline::Kind::kWithin) {
      spec.bound_steps = model_.grid.StepsFrom(promise.within.within);
    } else if (promise.IsTimePromise()) {
      spec.bound_steps =
          model_.grid.steps_per_day * (promise.within.kind == Deadline::Kind::kNextDay ? 2.0 : 1.0);
    }
    specs_.push_back(spec);
    return static_cast<int>(specs_.size()) - 1;
  };
  std::vector<std::string> all;
  for (const Offering& offering : scenario_.offerings) all.push_back(offering.id);
  for (size_t i = 0; i < scenario_.messaging.size(); ++i) {
    const Promise& promise = scenario_.messaging[i];
    if (!promise.IsMeasuredOnRuns() || !StandingRead(i)) {  // not measured
      standing_specs_.push_back(-1 - static_cast<int>(i));
      continue;
    }
    standing_specs_.push_back(make(promise, -1, static_cast<int>(i), all, 0, horizon_days - 1));
  }
  campaign_specs_.resize(scenario_.campaigns.size());
  // The run for the standing statuses only (no campaign reported) measures no campaign promise,
  // and a check of one campaign (options.campaign) only its promises: each promise is measured
  // on its own, so the standing promises' and the reported campaign's figures are the same.
  const size_t measured_campaigns = evaluate_.report_campaigns ? scenario_.campaigns.size() : 0;
  for (size_t k = 0; k < measured_campaigns; ++k) {
    const Campaign& campaign = scenario_.campaigns[k];
    if (options_.campaign && campaign.id != *options_.campaign) continue;
    const CompiledCampaign& compiled = model_.campaigns[k];
    for (size_t i = 0; i < campaign.promises.size(); ++i) {
      const Promise& promise = campaign.promises[i];
      if (!promise.IsMeasuredOnRuns() || !ProbeMeasures(static_cast<int>(i))) {
        campaign_specs_[k].push_back(-1);
        continue;
      }
      campaign_specs_[k].push_back(make(promise, static_cast<int>(k), static_cast<int>(i),
                                        campaign.offerings, compiled.first_day, compiled.last_day));
    }
  }
  // Promise variants of the reported campaign: a spec for each promise that is not the
  // campaign's own (the same measurement otherwise), measured and explained like its own.
  if (!evaluate_.promise_variants.empty() && options_.campaign && evaluate_.report_campaigns) {
    size_t k = 0;
    while (k < scenario_.campaigns.size() && scenario_.campaigns[k].id != *options_.campaign) ++k;
    const Campaign& campaign = scenario_.campaigns[k];
    const CompiledCampaign& compiled = model_.campaigns[k];
    for (const std::vector<Promise>& variant : evaluate_.promise_variants) {
      std::vector<int>& specs = variant_specs_.emplace_back(campaign_specs_[k]);
      for (size_t i = 0; i < specs.size() && i < variant.size(); ++i) {
        if (specs[i] < 0 || SameMeasurement(variant[i], campaign.promises[i])) continue;
        specs[i] = make(variant[i], static_cast<int>(k), static_cast<int>(i), campaign.offerings,
                        compiled.first_day, compiled.last_day);
      }
    }
  }
  own_specs_ = specs_.size();
  for (const ExtraPromise& extra : evaluate_.extra) {
    int first_day = 0;
    int last_day = horizon_days - 1;
    std::vector<std::string> scope = all;
    if (extra.campaign >= 0) {
      const CompiledCampaign& compiled = model_.campaigns[static_cast<size_t>(extra.campaign)];
      first_day = compiled.first_day;
      last_day = compiled.last_day;
      scope = scenario_.campaigns[static_cast<size_t>(extra.campaign)].offerings;
    }
    if (extra.from)
      first_day = std::max(first_day, static_cast<int>(*extra.from - model_.grid.start));
    first_day = std::min(first_day, last_day);
    extra_specs_.push_back(make(extra.promise, extra.campaign, -1, scope, first_day, last_day));
  }
  GroupFamilies();
  // What measurement needs in full.
  measured_resources_.assign(model_.resources.size(), 0);
  measured_offerings_.assign(model_.offerings.size(), 0);
  for (const PromiseSpec& spec : specs_) {
    if (spec.promise.type == PromiseType::kResponse) {
      measured_resources_[static_cast<size_t>(spec.resource)] = 1;
      for (int o : spec.offerings) {
        if (model_.offerings[static_cast<size_t>(o)].returns_resource == spec.resource)
          measured_offerings_[static_cast<size_t>(o)] |= kMeasureReturnArrivals;
      }
    }
    if (spec.promise.type == PromiseType::kDelivery ||
        spec.promise.type == PromiseType::kProcessing) {
      for (int o : spec.offerings) {
        const CompiledOffering& offering = model_.offerings[static_cast<size_t>(o)];
        if (offering.stocked) measured_offerings_[static_cast<size_t>(o)] |= kMeasureStockEntries;
        for (const RouteStage& stage : offering.route)
          measured_resources_[static_cast<size_t>(stage.resource)] = 1;
      }
    }
  }
}

LeadHistogram CheckRunner::EmptyHistogram(const PromiseSpec& spec) const {
  LeadHistogram histogram;
  if (!options_.collect_series || !spec.promise.IsTimePromise()) return histogram;
  constexpr int kBins = 48;
  histogram.bin_steps = std::max(spec.bound_steps, 1.0) * 2.0 / kBins;
  histogram.mass.assign(kBins + 1, 0.0);
  return histogram;
}

Result<CheckResult> CheckRunner::Run() {
  scenarios_ = options_.scenarios ? *options_.scenarios : scenario_.simulation.scenarios;
  seed_ = options_.seed ? *options_.seed : scenario_.simulation.seed;
  if (std::optional<Error> problem = ScenariosProblem(scenarios_)) return *problem;
  Result<std::vector<int>> reported_ids = ReportedIds();
  if (!reported_ids.ok()) return reported_ids.error();
  if (!evaluate_.report_campaigns || extras_only_) reported_ids.value().clear();
  BuildSpecs();
  std::vector<char> all(model_.campaigns.size(), 1);
  if (evaluate_.exclude_campaign >= 0) all[static_cast<size_t>(evaluate_.exclude_campaign)] = 0;
  with_ = MakeRunPlan(model_, all);
  AddReported(reported_ids.value(), all);
  PlanForks();
  PlanStandingForks();
  BindDemandCache();
  if (stop_when_broken_) WatchReportedSpecs();
  if (merge_blocks_ != nullptr) {
    if (std::optional<Error> problem = LoadBlocks()) return *problem;
  } else {
    Result<std::pair<int64_t, int64_t>> chunks = BlockChunks();
    if (!chunks.ok()) return chunks.error();
    SimulateAll(chunks.value().first, chunks.value().second);
    if (block_count_ >= 0) {
      block_ = SaveBlock(chunks.value().first, chunks.value().second);
      return CheckResult{};
    }
  }
  if (stopped()) return CheckResult{};  // EvaluateFeasibility reads only stopped()
  if (probe_) {                         // EvaluateProbe reads stopped() and WatchedResults()
    DecideWatches();
    return CheckResult{};
  }
  if (extras_only_) return CheckResult{};  // EvaluateExtras reads only ExtraResults()
  if (fork_standing_) {
    // The standing statuses without each campaign are read when a standing promise is not kept:
    // the chunks simulated before that was known run them now.
    double p_kept = 0;
    for (int spec : standing_specs_) {
      standing_forked_ =
          standing_forked_ ||
          (spec >= 0 && StatusOf(static_cast<size_t>(spec), &p_kept) != PromiseStatus::kKept);
    }
    if (standing_forked_ &&
        std::find(chunk_standing_.begin(), chunk_standing_.end(), 0) != chunk_standing_.end())
      SimulateAll(0, static_cast<int64_t>(chunk_standing_.size()), true);
  }
  if (evaluate_.report_campaigns) {
    ComputeStories();
  } else {  // the run for standing statuses only: no explanation is read
    stories_.assign(specs_.size(), {});
    story_binding_.assign(specs_.size(), -1);
  }

  const cpu::Timed timed(cpu::Part::kSummaries);
  CheckResult result;
  result.name = scenario_.name;
  result.currency = scenario_.currency;
  result.scenarios = scenarios_;
  result.seed = seed_;
  result.confidence = scenario_.simulation.confidence;
  result.step = scenario_.simulation.step;
  result.horizon = scenario_.horizon;
  std::vector<PromiseResult> messaging = SummariseMessaging();
  for (const ReportedCampaign& reported : reported_) {
    CampaignResult campaign =
        SummariseCampaign(reported, scenario_.campaigns[static_cast<size_t>(reported.campaign)]);
    AnswerForStanding(reported.campaign, messaging, &campaign);
    result.verdict = Worse(result.verdict, campaign.verdict);
    result.campaigns.push_back(std::move(campaign));
  }
  if (options_.collect_series) result.resources = ResourceCalendars();
  for (size_t o = 0; o < model_.offerings.size(); ++o) {
    if (!model_.offerings[o].stocked) continue;
    SupplyShortfall shortfall = ShortfallOf(static_cast<int>(o), 0, model_.grid.horizon_days - 1);
    if (shortfall.units > 0.5) result.supply.push_back(std::move(shortfall));
  }
  for (const PromiseResult& promise : messaging) {
    result.verdict = Worse(result.verdict, VerdictFor(promise.status));
    result.messaging.push_back(promise);
  }
  if (!variant_specs_.empty() && reported_.size() == 1) SummariseVariants(result, messaging);
  return result;
}

uint64_t CheckRunner::GlobalCampaign(int campaign) const {
  if (component_ == nullptr) return static_cast<uint64_t>(campaign);
  return static_cast<uint64_t>(component_->part.campaign[static_cast<size_t>(campaign)]);
}

uint64_t CheckRunner::GlobalMessaging(int index) const {
  if (component_ == nullptr) return static_cast<uint64_t>(index);
  return static_cast<uint64_t>(component_->part.messaging[static_cast<size_t>(index)]);
}

uint64_t CheckRunner::GlobalResource(int scenario_index) const {
  if (component_ == nullptr) return static_cast<uint64_t>(scenario_index);
  return static_cast<uint64_t>(component_->part.resource[static_cast<size_t>(scenario_index)]);
}

uint64_t CheckRunner::GlobalOffering(size_t offering) const {
  if (component_ == nullptr) return offering;
  return static_cast<uint64_t>(component_->part.offering[offering]);
}

// A campaign's promise by campaign and position; a standing promise by ~0 and its position.
std::pair<uint64_t, uint64_t> CheckRunner::SpecKey(const PromiseSpec& spec) const {
  if (spec.campaign < 0) return {~uint64_t{0}, GlobalMessaging(spec.index)};
  return {GlobalCampaign(spec.campaign), static_cast<uint64_t>(spec.index)};
}

int CheckRunner::AddColumn(ColumnKind kind, uint64_t a, uint64_t b, uint64_t c) {
  column_keys_.push_back({static_cast<uint64_t>(kind), a, b, c});
  return columns_->Add();
}

// The campaigns the check reports on: the one of options.campaign, else all of them.
Result<std::vector<int>> CheckRunner::ReportedIds() const {
  std::vector<int> reported_ids;
  if (options_.campaign) {
    if (std::optional<Error> problem = CampaignProblem(scenario_, options_)) return *problem;
    for (size_t k = 0; k < scenario_.campaigns.size(); ++k) {
      if (scenario_.campaigns[k].id == *options_.campaign)
        reported_ids.push_back(static_cast<int>(k));
    }
  } else {
    for (size_t k = 0; k < scenario_.campaigns.size(); ++k)
      reported_ids.push_back(static_cast<int>(k));
  }
  return reported_ids;
}

// The columns of per-scenario figures, and per reported campaign its resources, its run without
// it and its columns. `all`: the campaigns of the "with" run.
void CheckRunner::AddReported(const std::vector<int>& reported_ids, const std::vector<char>& all) {
  columns_ = std::make_unique<Columns>(scenarios_);
  for (const PromiseSpec& spec : specs_) {
    const auto [campaign, index] = SpecKey(spec);
    achieved_column_.push_back(AddColumn(ColumnKind::kAchieved, campaign, index));
    covered_column_.push_back(AddColumn(ColumnKind::kCovered, campaign, index));
  }
  for (const SpaceResource& space : model_.spaces)
    refused_column_.push_back(
        AddColumn(ColumnKind::kRefused, GlobalResource(space.scenario_index)));
  for (int k : reported_ids) {
    const uint64_t campaign = GlobalCampaign(k);
    ReportedCampaign reported;
    reported.campaign = k;
    reported.resources = ResourcesOf(model_, model_.campaigns[static_cast<size_t>(k)]);
    std::vector<char> without = all;
    without[static_cast<size_t>(k)] = 0;
    if (evaluate_.economics) {
      reported.without = MakeRunPlan(model_, without);
      reported.fork_day = ForkDay(reported.without, model_.campaigns[static_cast<size_t>(k)]);
    } else {
      reported.without = with_;  // not simulated; keeps the day capacities for summaries
    }
    std::vector<uint64_t> resources;  // the whole scenario's index of each
    for (int r : reported.resources.resources)
      resources.push_back(GlobalResource(model_.resources[static_cast<size_t>(r)].scenario_index));
    for (uint64_t r : resources) {
      reported.peak_with.push_back(AddColumn(ColumnKind::kPeakWith, campaign, r));
      reported.peak_without.push_back(AddColumn(ColumnKind::kPeakWithout, campaign, r));
      reported.util_with.push_back(AddColumn(ColumnKind::kUtilWith, campaign, r));
      reported.util_without.push_back(AddColumn(ColumnKind::kUtilWithout, campaign, r));
    }
    if (options_.collect_series) {
      reported.series_first_day = std::max(0, reported.resources.first_day - 7);
      const int days = reported.resources.last_day - reported.series_first_day + 1;
      for (uint64_t r : resources) {
        const std::pair<std::vector<std::vector<int>>*, ColumnKind> tables[] = {
            {&reported.series_arrivals, ColumnKind::kSeriesArrivals},
            {&reported.series_backlog, ColumnKind::kSeriesBacklog},
            {&reported.series_arrivals_without, ColumnKind::kSeriesArrivalsWithout},
            {&reported.series_backlog_without, ColumnKind::kSeriesBacklogWithout}};
        for (const auto& [table, kind] : tables) {
          table->emplace_back();
          for (int d = 0; d < days; ++d)
            table->back().push_back(AddColumn(kind, campaign, r, static_cast<uint64_t>(d)));
        }
      }
    }
    reported.revenue = AddColumn(ColumnKind::kRevenue, campaign);
    reported.incremental = AddColumn(ColumnKind::kIncremental, campaign);
    reported.incremental_units = AddColumn(ColumnKind::kIncrementalUnits, campaign);
    reported.incremental_cost = AddColumn(ColumnKind::kIncrementalCost, campaign);
    reported_.push_back(std::move(reported));
  }
}

// Snapshots of the "with" run: where each "without" run forks from it, and where it may stop
// early once it has caught up with it (after the campaign's period and once the plans agree).
void CheckRunner::PlanForks() {
  for (ReportedCampaign& reported : reported_) {
    fork_days_.push_back(reported.fork_day);
    const int agree_from = std::max(reported.resources.last_day + 1, AgreeFrom(reported.without));
    for (int after : {0, 14, 42}) {
      if (agree_from + after < model_.grid.total_days)
        reported.checkpoint_days.push_back(agree_from + after);
    }
    fork_days_.insert(fork_days_.end(), reported.checkpoint_days.begin(),
                      reported.checkpoint_days.end());
  }
  std::sort(fork_days_.begin(), fork_days_.end());
  fork_days_.erase(std::unique(fork_days_.begin(), fork_days_.end()), fork_days_.end());
  auto snapshot_of = [&](int day) {
    return static_cast<size_t>(std::lower_bound(fork_days_.begin(), fork_days_.end(), day) -
                               fork_days_.begin());
  };
  for (ReportedCampaign& reported : reported_) {
    fork_of_.push_back(snapshot_of(reported.fork_day));
    for (int day : reported.checkpoint_days) reported.checkpoints.push_back(snapshot_of(day));
  }
  // Order-level mode forks too, but computes a waiting job's start from the capacities ahead at
  // its arrival: a run without a campaign that books capacity starts from scratch.
  for (ReportedCampaign& reported : reported_) {
    bool same_capacity = true;
    for (size_t r = 0; r < model_.resources.size(); ++r) {
      same_capacity = same_capacity && with_.capacity[r] == reported.without.capacity[r];
    }
    reported.order_fork_day = same_capacity ? reported.fork_day : 0;
    order_fork_days_.push_back(reported.order_fork_day);
  }
  std::sort(order_fork_days_.begin(), order_fork_days_.end());
  order_fork_days_.erase(std::unique(order_fork_days_.begin(), order_fork_days_.end()),
                         order_fork_days_.end());
  if (!order_fork_days_.empty() && order_fork_days_.front() == 0)
    order_fork_days_.erase(order_fork_days_.begin());
}

// StopWhenBroken: the reported campaigns' measured promises, to be kept; a probe's: its watches.
void CheckRunner::WatchReportedSpecs() {
  for (const ReportedCampaign& reported : reported_) {
    const std::vector<int>& specs = campaign_specs_[static_cast<size_t>(reported.campaign)];
    if (probe_) {
      for (const Watch& watch : watches_) {
        watched_specs_.push_back(specs[static_cast<size_t>(watch.promise)]);
        watched_.push_back(watch);
      }
      continue;
    }
    for (size_t i = 0; i < specs.size(); ++i) {
      if (specs[i] < 0) continue;
      watched_specs_.push_back(specs[i]);
      watched_.push_back({static_cast<int>(i), Watch::Need::kKept, 0});
    }
  }
  MutexLock lock(&stop_mutex_);
  watched_kept_.assign(watched_specs_.size(), 0);
}

// Per resource: the horizon's day capacities and mean arrivals and backlog per day.
std::vector<ResourceCalendar> CheckRunner::ResourceCalendars() const {
  std::vector<ResourceCalendar> calendars;
  const size_t days = static_cast<size_t>(model_.grid.horizon_days);
  const size_t all_days = static_cast<size_t>(model_.grid.total_days);
  for (size_t r = 0; r < model_.resources.size(); ++r) {
    ResourceCalendar calendar;
    calendar.resource = model_.resources[r].id;
    calendar.unit = model_.resources[r].unit;
    calendar.first = model_.grid.start;
    calendar.capacity.assign(with_.day_capacity[r].begin(),
                             with_.day_capacity[r].begin() + static_cast<int64_t>(days));
    calendar.arrivals.assign(days, 0.0);
    calendar.backlog.assign(days, 0.0);
    for (const ChunkSums& chunk : chunk_sums_) {
      if (chunk.daily_arrivals.empty()) continue;
      for (size_t day = 0; day < days; ++day) {
        calendar.arrivals[day] += chunk.daily_arrivals[r * all_days + day];
        calendar.backlog[day] += chunk.daily_backlog[r * all_days + day];
      }
    }
    for (double& value : calendar.arrivals) value /= static_cast<double>(scenarios_);
    for (double& value : calendar.backlog) value /= static_cast<double>(scenarios_);
    calendars.push_back(std::move(calendar));
  }
  return calendars;
}

// Each variant's check is the check's with its campaign summarised from the variant's specs
// (the same runs, columns and stories) and the verdict recomputed from it and the standing
// promises, as Run computes it.
void CheckRunner::SummariseVariants(const CheckResult& check,
                                    const std::vector<PromiseResult>& messaging) {
  const ReportedCampaign& reported = reported_.front();
  const size_t k = static_cast<size_t>(reported.campaign);
  const std::vector<StandingStatus>& known = check.campaigns.front().standing_without;
  for (size_t v = 0; v < variant_specs_.size(); ++v) {
    Campaign campaign = scenario_.campaigns[k];
    campaign.promises = evaluate_.promise_variants[v];
    std::swap(campaign_specs_[k], variant_specs_[v]);
    CampaignResult summary = SummariseCampaign(reported, campaign);
    std::swap(campaign_specs_[k], variant_specs_[v]);
    AnswerForStanding(reported.campaign, messaging, &summary, &known);
    CheckResult result = check;
    result.campaigns.clear();
    result.verdict = Verdict::kGo;
    result.verdict = Worse(result.verdict, summary.verdict);
    result.campaigns.push_back(std::move(summary));
    for (const PromiseResult& promise : messaging)
      result.verdict = Worse(result.verdict, VerdictFor(promise.status));
    variant_results_.push_back(std::move(result));
  }
}

std::vector<PromiseResult> CheckRunner::SummariseMessaging() {
  if (StandingKnown()) return *evaluate_.known_messaging;  // the same runs' results, as given
  std::vector<PromiseResult> out;
  for (size_t i = 0; i < scenario_.messaging.size(); ++i) {
    const int spec = standing_specs_[i];
    PromiseResult promise;
    if (spec >= 0) {
      promise = SummariseTimedPromise(static_cast<size_t>(spec));
    } else {
      // Standing claims and policies hold over the whole horizon, at list price.
      Campaign whole;
      whole.window = scenario_.horizon;
      for (const Offering& offering : scenario_.offerings) whole.offerings.push_back(offering.id);
      if (scenario_.messaging[i].type == PromiseType::kFreeReturns) {
        promise = FreeReturnsResult(whole.offerings, 0.0, 0, model_.grid.horizon_days - 1,
                                    scenario_.horizon.start, static_cast<int>(i),
                                    scenario_.messaging[i], false);
      } else {
        promise = ClaimResult(whole, static_cast<int>(i), scenario_.messaging[i]);
      }
    }
    out.push_back(std::move(promise));
  }
  return out;
}

// What every entry point refuses before simulating: a start state it cannot continue from.
std::optional<Error> StartProblem(const Scenario& scenario, const CheckOptions& options) {
  if (options.start == nullptr) return std::nullopt;
  if (options.mode != CheckMode::kFluid)
    return Error::InvalidInput("a check continued from a state runs in fluid mode only");
  const std::vector<std::string> problems = ValidateStart(scenario, *options.start);
  if (!problems.empty()) return Error::InvalidInput("start state: " + problems.front());
  return std::nullopt;
}

Result<CheckResult> Evaluate(const Scenario& scenario, const CheckOptions& options,
                             const EvaluateOptions& evaluate,
                             std::vector<ExtraResult>* extra_results,
                             std::vector<CheckResult>* variant_results) {
  if (std::optional<Error> problem = StartProblem(scenario, options)) return *problem;
  return Guarded<CheckResult>([&]() -> Result<CheckResult> {
    CheckRunner runner(scenario, options, evaluate);
    Result<CheckResult> result = runner.Run();
    if (result.ok() && extra_results != nullptr) runner.ExtraResults(extra_results);
    if (result.ok() && variant_results != nullptr) *variant_results = runner.TakeVariantResults();
    return result;
  });
}

int GridDays(const Scenario& scenario, const CheckOptions& options) {
  return MakeGrid(scenario, options).total_days;
}

Result<std::optional<CampaignResult>> EvaluateFeasibility(
    const Scenario& scenario, const CheckOptions& options,
    const std::optional<std::vector<StandingStatus>>& standing_without, DemandCache* base_draws) {
  if (!options.campaign) return Error::InvalidInput("a feasibility trial names its campaign");
  if (std::optional<Error> problem = StartProblem(scenario, options)) return *problem;
  using Trial = std::optional<CampaignResult>;
  return Guarded<Trial>([&]() -> Result<Trial> {
    EvaluateOptions evaluate;
    evaluate.economics = false;
    evaluate.standing_without = standing_without;
    evaluate.demand_cache = base_draws;
    evaluate.demand_cache_kind = DemandCache::Kind::kBaseDraws;
    CheckRunner runner(scenario, options, evaluate);
    runner.StopWhenBroken();
    Result<CheckResult> result = runner.Run();
    if (!result.ok()) return result.error();
    if (runner.stopped()) return Trial();
    if (result.value().campaigns.empty())
      return Error::InvalidInput("no campaign " + *options.campaign);
    return Trial(std::move(result.value().campaigns.front()));
  });
}

}  // namespace engine

Result<CheckResult> RunCheck(const Scenario& scenario, const CheckOptions& options) {
  // A catalogue of independent parts is simulated one part at a time, whose arrays stay in the
  // cache (docs/performance.md, "The check by components"); the same bits.
  Result<std::optional<CheckResult>> split = engine::CheckByComponents(scenario, options);
  if (!split.ok()) return split.error();
  if (split.value()) return std::move(*split.value());
  engine::EvaluateOptions evaluate;
  // A continued run's economics would miss the history: the runs without a campaign are skipped.
  evaluate.economics = options.start == nullptr;
  return engine::Evaluate(scenario, options, evaluate, nullptr);
}

}  // namespace tandem
