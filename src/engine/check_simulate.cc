// The check's Monte Carlo batches: fluid batches of kLanes scenarios (with every campaign,
// measured; then without each reported campaign, forked) and order-level scenarios, over worker
// threads in fixed chunks so that results never depend on the thread count.
#include <algorithm>
#include <atomic>
#include <cassert>
#include <cmath>
#include <exception>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <thread>

#include "engine/check_runner.h"
#include "engine/explain.h"
#include "tandem/common/cpu_counter.h"

namespace tandem::engine {
namespace {

// The counter's part for measuring spec `p` (tandem/common/cpu_counter.h).
cpu::Part MeasurePart(const std::vector<PromiseSpec>& specs, size_t own_specs,
                      const std::vector<ReportedCampaign>& reported, size_t p) {
  if (p >= own_specs) return cpu::Part::kMeasureExtra;
  if (specs[p].campaign < 0) return cpu::Part::kMeasureStanding;
  for (const ReportedCampaign& campaign : reported) {
    if (campaign.campaign == specs[p].campaign) return cpu::Part::kMeasureReported;
  }
  return cpu::Part::kMeasureOther;
}

}  // namespace

// The run demand is cached where nothing reads a batch's draws after its demand is built: the
// runs without a campaign (economics, the standing promises' forks) build theirs from the draws,
// and so do order-level runs; blocks and their merge keep to what they simulate. The base draws
// leave the lanes' draws whole (base through BatchScratch::base), so the runs without a campaign
// may read them.
void CheckRunner::BindDemandCache() {
  demand_cache_ = nullptr;
  base_cache_ = nullptr;
  if (evaluate_.demand_cache == nullptr || options_.mode != CheckMode::kFluid ||
      merge_blocks_ != nullptr || block_count_ >= 0)
    return;
  DemandCache::Impl& cache = evaluate_.demand_cache->impl();
  const size_t day_values =
      model_.offerings.size() * static_cast<size_t>(model_.grid.horizon_days) * sizeof(double);
  if (evaluate_.demand_cache_kind == DemandCache::Kind::kBaseDraws) {
    base_cache_ = &cache.base;
    base_cache_->Bind(BaseInputsOf(model_, seed_), scenarios_, 3 * day_values);
    return;
  }
  if (evaluate_.economics || fork_standing_) return;
  demand_cache_ = &cache.demand;
  demand_cache_->Bind(DemandInputsOf(model_, seed_, with_.included), scenarios_, day_values);
}

void CheckRunner::DrawLane(int64_t scenario, size_t lane, BatchScratch* scratch) const {
  ScenarioDraws& draws = scratch->draws[lane];
  if (base_cache_ == nullptr) {
    DrawScenario(model_, seed_, scenario, &draws);
    scratch->base[lane] = &draws.base;
    return;
  }
  const BaseDraws* base = base_cache_->Find(scenario);
  if (base == nullptr) {
    DrawBase(model_, seed_, scenario, &scratch->base_draws[lane]);
    base_cache_->Store(scenario, scratch->base_draws[lane]);
    base = &scratch->base_draws[lane];
  }
  DrawCampaigns(model_, seed_, scenario, *base, &draws);
  scratch->base[lane] = &base->base;
}

void CheckRunner::SimulateBatch(int64_t first, int64_t count, Simulator* simulator,
                                BatchScratch* scratch, ChunkSums* sums,
                                std::vector<Simulator::Fork>* forks, bool standing,
                                bool standing_pass) {
  if (count < 1) return;  // never; tells GCC that lane count - 1 exists (-Warray-bounds)
  std::vector<Attribution>* attribution = &sums->attribution;
  std::array<ScenarioDraws, kLanes>& draws = scratch->draws;
  std::array<RunDemand, kLanes>& demand = scratch->demand;
  BatchDemand& batch = scratch->batch;  // its lanes: each lane's demand, drawn or cached
  assert(demand_cache_ == nullptr || (!standing && !standing_pass));
  {
    const cpu::Timed timed(cpu::Part::kDemand, count);
    for (int lane = 0; lane < kLanes; ++lane) {
      const size_t l = static_cast<size_t>(lane);
      if (lane >= count) {
        batch.lanes[l] = batch.lanes[static_cast<size_t>(count - 1)];
        continue;
      }
      const int64_t scenario = first + lane;
      batch.lanes[l] = demand_cache_ != nullptr ? demand_cache_->Find(scenario) : nullptr;
      if (batch.lanes[l] != nullptr) continue;
      DrawLane(scenario, l, scratch);
      BuildRunDemand(model_, with_.included, *scratch->base[l], draws[l].increment, &demand[l]);
      if (demand_cache_ != nullptr) demand_cache_->Store(scenario, demand[l]);
      batch.lanes[l] = &demand[l];
    }
    batch.Interleave(model_);
  }
  BatchTotals with_totals;
  Simulator::Fork& final_state = scratch->final_state;
  {
    const cpu::Timed timed(cpu::Part::kRunWith, count);
    simulator->Run(with_, batch, &with_totals, true,
                   evaluate_.economics ? fork_days_ : std::vector<int>{}, forks,
                   evaluate_.economics && !standing_pass ? &final_state : nullptr);
  }
  if (standing_pass) {
    SimulateWithouts(first, count, with_totals, simulator, scratch, forks, true, false, false);
    return;
  }
  for (int lane = 0; lane < count; ++lane) {
    const int64_t scenario = first + lane;
    const size_t l = static_cast<size_t>(lane);
    const RunDemand& lane_demand = *batch.lanes[l];
    scratch->measurer.Reset(lane_demand, lane);
    MeasureFamilies(scratch);
    for (size_t p = 0; p < specs_.size(); ++p) {
      LeadHistogram* histogram = sums->histograms[p].mass.empty() ? nullptr : &sums->histograms[p];
      // Where late units waited (a walk of the route per late step) is read only for the
      // reported promises' binding resources: not for extra promises, whose shares alone a
      // search reads, nor in the run for the standing statuses alone.
      const bool attribute = evaluate_.report_campaigns && p < own_specs_ && !probe_;
      Attribution* late_waits = attribute ? &(*attribution)[p] : nullptr;
      const Measurement measurement = MeasureSpec(p, l, standing, late_waits, histogram, scratch);
      columns_->Set(achieved_column_[p], scenario, measurement.achieved);
      columns_->Set(covered_column_[p], scenario, measurement.covered);
      if (attribute && specs_[p].promise.type == PromiseType::kAvailability) {
        const cpu::Timed stock(cpu::Part::kAttributeStock);
        for (int o : specs_[p].offerings) {
          for (int day = specs_[p].first_day; day <= specs_[p].last_day; ++day) {
            const double missing =
                lane_demand.counts[static_cast<size_t>(o)][static_cast<size_t>(day)] -
                simulator->AtOnce(o, day, lane);
            if (missing > 0)
              (*attribution)[p][model_.resources.size() + static_cast<size_t>(o)] += missing;
          }
        }
      }
    }
    for (size_t space = 0; space < model_.spaces.size(); ++space) {
      columns_->Set(refused_column_[space], scenario, with_totals[l].refused[space]);
    }
    for (ReportedCampaign& reported : reported_) {
      const CampaignResources& period = reported.resources;
      for (size_t i = 0; i < period.resources.size(); ++i) {
        const int r = period.resources[i];
        columns_->Set(reported.peak_with[i], scenario,
                      PeakBacklog(*simulator, r, lane, period.first_day, period.last_day));
        columns_->Set(
            reported.util_with[i], scenario,
            PeakUtilisation(*simulator, r, lane, with_.day_capacity[static_cast<size_t>(r)],
                            period.first_day, period.last_day));
      }
      columns_->Set(reported.revenue, scenario,
                    lane_demand.window_revenue[static_cast<size_t>(reported.campaign)]);
      for (size_t i = 0; i < reported.series_arrivals.size(); ++i) {
        const int r = period.resources[i];
        for (size_t d = 0; d < reported.series_arrivals[i].size(); ++d) {
          const int day = reported.series_first_day + static_cast<int>(d);
          columns_->Set(reported.series_arrivals[i][d], scenario,
                        simulator->DayArrivals(r, day, lane));
          columns_->Set(reported.series_backlog[i][d], scenario,
                        simulator->DayMaxBacklog(r, day, lane));
        }
      }
    }
    if (!sums->daily_arrivals.empty()) {
      const size_t days = static_cast<size_t>(model_.grid.total_days);
      for (size_t r = 0; r < model_.resources.size(); ++r) {
        for (size_t day = 0; day < days; ++day) {
          sums->daily_arrivals[r * days + day] +=
              simulator->DayArrivals(static_cast<int>(r), static_cast<int>(day), lane);
          sums->daily_backlog[r * days + day] +=
              simulator->DayStartBacklog(static_cast<int>(r), static_cast<int>(day), lane);
        }
      }
    }
  }
  if (evaluate_.economics || standing)
    SimulateWithouts(first, count, with_totals, simulator, scratch, forks, standing,
                     evaluate_.economics, true);
}

// The extra promises that are levels of one promise are measured together (MeasureFamily):
// they have no attribution, and no histogram unless series are collected.
void CheckRunner::GroupFamilies() {
  family_of_.assign(specs_.size(), -1);
  for (size_t p = own_specs_; p < specs_.size() && !options_.collect_series; ++p) {
    if (!FamilyMeasurable(specs_[p])) continue;
    size_t f = 0;
    while (f < families_.size() && !SameFamily(specs_[families_[f].front()], specs_[p])) ++f;
    if (f == families_.size()) families_.emplace_back();
    families_[f].push_back(p);
  }
  // A family of one is measured as before, in the loop over the specs.
  families_.erase(
      std::remove_if(families_.begin(), families_.end(),
                     [](const std::vector<size_t>& family) { return family.size() < 2; }),
      families_.end());
  for (size_t f = 0; f < families_.size(); ++f) {
    for (size_t p : families_[f]) family_of_[p] = static_cast<int>(f);
  }
}

// Spec p's measurement in the lane scratch->measurer was Reset to (`lane`): a family's from
// MeasureFamilies; with `standing`, a standing promise records its weeks for the forks.
Measurement CheckRunner::MeasureSpec(size_t p, size_t lane, bool standing, Attribution* late_waits,
                                     LeadHistogram* histogram, BatchScratch* scratch) const {
  if (family_of_[p] >= 0) return scratch->family_measurements[p];
  WeekRecord* record = nullptr;
  if (standing && standing_slot_[p] >= 0) {
    record =
        &scratch
             ->week_records[lane * standing_specs_.size() + static_cast<size_t>(standing_slot_[p])];
  }
  std::optional<cpu::Timed> timed;
  if (cpu::Enabled()) timed.emplace(MeasurePart(specs_, own_specs_, reported_, p));
  return scratch->measurer.Measure(specs_[p], late_waits, histogram, record);
}

// The lane's families of extra promises (GroupFamilies), into scratch->family_measurements,
// each timed as its first spec's part; the loop over the specs then reads them.
void CheckRunner::MeasureFamilies(BatchScratch* scratch) const {
  if (families_.empty()) return;
  scratch->family_measurements.resize(specs_.size());
  for (const std::vector<size_t>& family : families_) {
    scratch->family_specs.clear();
    for (size_t p : family) scratch->family_specs.push_back(&specs_[p]);
    scratch->family_out.resize(family.size());
    std::optional<cpu::Timed> timed;
    if (cpu::Enabled())
      timed.emplace(MeasurePart(specs_, own_specs_, reported_, family[0]),
                    static_cast<int64_t>(family.size()));
    scratch->measurer.MeasureFamily(scratch->family_specs.data(), family.size(),
                                    scratch->family_out.data());
    for (size_t i = 0; i < family.size(); ++i)
      scratch->family_measurements[family[i]] = scratch->family_out[i];
  }
}

void CheckRunner::SimulateWithouts(int64_t first, int64_t count, const BatchTotals& with_totals,
                                   Simulator* simulator, BatchScratch* scratch,
                                   std::vector<Simulator::Fork>* forks, bool standing,
                                   bool economics, bool recorded) {
  if (count < 1) return;  // never; as in SimulateBatch (-Warray-bounds; so is count by value below)
  std::array<ScenarioDraws, kLanes>& draws = scratch->draws;
  std::array<RunDemand, kLanes>& without_demand = scratch->without_demand;
  BatchDemand& without_batch = scratch->without_batch;
  auto build_demand = [&, count](const ReportedCampaign& reported) {
    for (int lane = 0; lane < kLanes; ++lane) {
      const size_t l = static_cast<size_t>(lane);
      if (lane < count) {
        BuildRunDemand(model_, reported.without.included, *scratch->base[l], draws[l].increment,
                       &without_demand[l]);
        without_batch.lanes[l] = &without_demand[l];
      } else {
        without_batch.lanes[l] = &without_demand[static_cast<size_t>(count - 1)];
      }
    }
    without_batch.Interleave(model_);
  };
  // In descending order of fork day: a measured fork then finds the run with every campaign's
  // tables (and AtOnce) before its day, the later forks having written only after it (the
  // economics' unmeasured runs read neither). Where the standing promises are measured, one
  // measured run serves both; only one that stopped early where it caught up with the run with
  // every campaign (its tables end there) is run again to the end for the standing promises.
  std::vector<size_t> order(reported_.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return reported_[a].fork_day > reported_[b].fork_day;
  });
  for (size_t index : order) {
    bool measured_to_end = false;
    if (economics) {
      const cpu::Timed timed(cpu::Part::kEconomicsWithout, count);
      build_demand(reported_[index]);
      measured_to_end =
          SimulateWithout(index, first, count, with_totals, simulator, scratch, forks, standing);
    }
    if (!standing) continue;
    const cpu::Timed timed(cpu::Part::kStandingWithout, count);
    if (!economics) build_demand(reported_[index]);
    MeasureStandingWithout(index, first, count, simulator, scratch, forks, recorded,
                           !measured_to_end);
  }
}

// The standing promises in the run without reported campaign `index` (scratch->without_batch),
// forked from the batch's measured run with every campaign and measured to the end (`simulate`:
// run it here; otherwise it is the simulator's last run).
void CheckRunner::MeasureStandingWithout(size_t index, int64_t first, int64_t count,
                                         Simulator* simulator, BatchScratch* scratch,
                                         std::vector<Simulator::Fork>* forks, bool recorded,
                                         bool simulate) {
  const ReportedCampaign& reported = reported_[index];
  WeekReuse reuse;
  reuse.fork_step = static_cast<int64_t>(reported.fork_day) * model_.grid.steps_per_day;
  reuse.status_only = true;  // read only by StandingFromForks' status and p_kept (KeptIn)
  if (simulate) {
    BatchTotals totals;
    simulator->RunFromMeasured((*forks)[fork_of_[index]], reported.without, scratch->without_batch,
                               &totals);
  }
  Measurer& measurer = scratch->measurer;
  for (int lane = 0; lane < count; ++lane) {
    measurer.Reset(scratch->without_demand[static_cast<size_t>(lane)], lane, reported.without);
    for (size_t i = 0; i < standing_specs_.size(); ++i) {
      const int spec = standing_specs_[i];
      if (spec < 0) continue;
      reuse.prior = &scratch->week_records[static_cast<size_t>(lane) * standing_specs_.size() + i];
      const Measurement measurement =
          measurer.Measure(specs_[static_cast<size_t>(spec)], nullptr, nullptr, nullptr,
                           recorded ? &reuse : nullptr);
      columns_->Set(reported.standing_achieved[i], first + lane, measurement.achieved);
    }
  }
}

// The run without reported campaign `index` (scratch->without_batch), forked from the batch's
// run with every campaign, for the economics; `measured`: a measured run (RunFromMeasured's
// requirements). Returns whether it ran to the end (did not catch up with the run it forked from).
bool CheckRunner::SimulateWithout(size_t index, int64_t first, int64_t count,
                                  const BatchTotals& with_totals, Simulator* simulator,
                                  BatchScratch* scratch, std::vector<Simulator::Fork>* forks,
                                  bool measured) {
  Simulator::Fork& final_state = scratch->final_state;
  ReportedCampaign& reported = reported_[index];
  BatchDemand& without_batch = scratch->without_batch;
  BatchTotals without_totals;
  Simulator::Convergence convergence;
  for (size_t checkpoint : reported.checkpoints)
    convergence.checkpoints.push_back(&(*forks)[checkpoint]);
  convergence.final_state = &final_state;
  if (measured) {
    simulator->RunFromMeasured((*forks)[fork_of_[index]], reported.without, without_batch,
                               &without_totals, convergence);
  } else {
    simulator->RunFrom((*forks)[fork_of_[index]], reported.without, without_batch, &without_totals,
                       convergence);
  }
  const CampaignResources& period = reported.resources;
  const size_t component =
      static_cast<size_t>(model_.campaign_component[static_cast<size_t>(reported.campaign)]);
  // A run that caught up with the run with every campaign stops there: its daily figures end
  // (Simulator::converged_day). Its checkpoints lie after the campaign's period (PlanForks), so
  // neither the peaks nor the series below read those days.
  assert(simulator->converged_day() < 0 || simulator->converged_day() > period.last_day);
  for (int lane = 0; lane < count; ++lane) {
    const int64_t scenario = first + lane;
    const size_t scenario_index = static_cast<size_t>(scenario);
    const size_t l = static_cast<size_t>(lane);
    for (size_t i = 0; i < period.resources.size(); ++i) {
      const int r = period.resources[i];
      columns_->Set(reported.peak_without[i], scenario,
                    PeakBacklog(*simulator, r, lane, period.first_day, period.last_day));
      columns_->Set(reported.util_without[i], scenario,
                    PeakUtilisation(*simulator, r, lane,
                                    reported.without.day_capacity[static_cast<size_t>(r)],
                                    period.first_day, period.last_day));
    }
    for (size_t i = 0; i < reported.series_arrivals_without.size(); ++i) {
      const int r = period.resources[i];
      for (size_t d = 0; d < reported.series_arrivals_without[i].size(); ++d) {
        const int day = reported.series_first_day + static_cast<int>(d);
        // Before its fork day this run did not simulate: its days are the run with every
        // campaign's (the same state), not what the simulator's previous run left there
        // (docs/plans/without-run-days.md).
        const bool forked = day >= reported.fork_day;
        columns_->Set(reported.series_arrivals_without[i][d], scenario,
                      forked ? simulator->DayArrivals(r, day, lane)
                             : static_cast<double>(
                                   columns_->Get(reported.series_arrivals[i][d])[scenario_index]));
        columns_->Set(reported.series_backlog_without[i][d], scenario,
                      forked ? simulator->DayMaxBacklog(r, day, lane)
                             : static_cast<double>(
                                   columns_->Get(reported.series_backlog[i][d])[scenario_index]));
      }
    }
    // The campaign's component's totals: the others' are the same with and without it.
    const RunTotals& with = with_totals[l];
    const RunTotals& without = without_totals[l];
    columns_->Set(reported.incremental, scenario,
                  with.contribution[component] - without.contribution[component]);
    columns_->Set(reported.incremental_units, scenario,
                  with.units_sold[component] - without.units_sold[component]);
    columns_->Set(reported.incremental_cost, scenario,
                  with.fulfilment_cost[component] - without.fulfilment_cost[component]);
  }
  return simulator->converged_day() < 0;
}

// --- Order-level mode (engine/order_simulator.h) ------------------------------------------------
// The same figures as SimulateBatch, from one scenario's order-level runs.
void CheckRunner::SimulateOrders(int64_t scenario, OrderSimulator* simulator, ChunkSums* sums,
                                 std::vector<OrderSimulator::Fork>* forks) {
  ScenarioDraws draws;
  RunDemand demand;
  DrawScenario(model_, seed_, scenario, &draws);
  BuildRunDemand(model_, with_.included, draws.base, draws.increment, &demand);
  RunTotals with_totals;
  simulator->Run(with_, draws, demand, seed_, scenario, &with_totals,
                 evaluate_.economics ? order_fork_days_ : std::vector<int>{}, forks);
  for (size_t p = 0; p < specs_.size(); ++p) {
    LeadHistogram* histogram = sums->histograms[p].mass.empty() ? nullptr : &sums->histograms[p];
    const Measurement measurement = simulator->Measure(specs_[p], &sums->attribution[p], histogram);
    columns_->Set(achieved_column_[p], scenario, measurement.achieved);
    columns_->Set(covered_column_[p], scenario, measurement.covered);
  }
  for (size_t space = 0; space < model_.spaces.size(); ++space) {
    columns_->Set(refused_column_[space], scenario, with_totals.refused[space]);
  }
  // Per reported campaign and resource: peaks and daily series of a run.
  auto record = [&](ReportedCampaign& reported, const RunPlan& plan, bool with) {
    const CampaignResources& period = reported.resources;
    for (size_t i = 0; i < period.resources.size(); ++i) {
      const int r = period.resources[i];
      columns_->Set(with ? reported.peak_with[i] : reported.peak_without[i], scenario,
                    PeakBacklog(*simulator, r, 0, period.first_day, period.last_day));
      columns_->Set(with ? reported.util_with[i] : reported.util_without[i], scenario,
                    PeakUtilisation(*simulator, r, 0, plan.day_capacity[static_cast<size_t>(r)],
                                    period.first_day, period.last_day));
    }
    auto& arrivals = with ? reported.series_arrivals : reported.series_arrivals_without;
    auto& backlogs = with ? reported.series_backlog : reported.series_backlog_without;
    for (size_t i = 0; i < arrivals.size(); ++i) {
      const int r = period.resources[i];
      for (size_t d = 0; d < arrivals[i].size(); ++d) {
        const int day = reported.series_first_day + static_cast<int>(d);
        columns_->Set(arrivals[i][d], scenario, simulator->DayArrivals(r, day, 0));
        columns_->Set(backlogs[i][d], scenario, simulator->DayMaxBacklog(r, day, 0));
      }
    }
  };
  for (ReportedCampaign& reported : reported_) {
    record(reported, with_, true);
    columns_->Set(reported.revenue, scenario,
                  demand.window_revenue[static_cast<size_t>(reported.campaign)]);
  }
  if (!sums->daily_arrivals.empty()) {
    const size_t days = static_cast<size_t>(model_.grid.total_days);
    for (size_t r = 0; r < model_.resources.size(); ++r) {
      for (size_t day = 0; day < days; ++day) {
        sums->daily_arrivals[r * days + day] +=
            simulator->DayArrivals(static_cast<int>(r), static_cast<int>(day), 0);
        sums->daily_backlog[r * days + day] +=
            simulator->DayStartBacklog(static_cast<int>(r), static_cast<int>(day), 0);
      }
    }
  }
  if (!evaluate_.economics) return;
  // Without each campaign, with the same baseline orders: from the "with" run's state on the
  // first day the two can differ (or from scratch).
  RunDemand without_demand;
  for (ReportedCampaign& reported : reported_) {
    BuildRunDemand(model_, reported.without.included, draws.base, draws.increment, &without_demand);
    RunTotals without_totals;
    const auto fork =
        std::find(order_fork_days_.begin(), order_fork_days_.end(), reported.order_fork_day);
    if (fork != order_fork_days_.end()) {
      simulator->RunFrom((*forks)[static_cast<size_t>(fork - order_fork_days_.begin())],
                         reported.without, draws, without_demand, &without_totals);
    } else {
      simulator->Run(reported.without, draws, without_demand, seed_, scenario, &without_totals);
    }
    record(reported, reported.without, false);
    // The campaign's component's totals, as in fluid mode.
    const size_t k =
        static_cast<size_t>(model_.campaign_component[static_cast<size_t>(reported.campaign)]);
    columns_->Set(reported.incremental, scenario,
                  with_totals.contribution[k] - without_totals.contribution[k]);
    columns_->Set(reported.incremental_units, scenario,
                  with_totals.units_sold[k] - without_totals.units_sold[k]);
    columns_->Set(reported.incremental_cost, scenario,
                  with_totals.fulfilment_cost[k] - without_totals.fulfilment_cost[k]);
  }
}

// Explanations in order-level mode: the representative scenarios' order-level runs.
void CheckRunner::ComputeOrderStories(const std::vector<std::pair<int64_t, size_t>>& wanted) {
  OrderSimulator simulator(model_);
  std::vector<int64_t> done;
  for (const auto& [scenario, unused] : wanted) {
    (void)unused;
    if (std::find(done.begin(), done.end(), scenario) != done.end()) continue;
    done.push_back(scenario);
    ScenarioDraws draws;
    RunDemand demand;
    DrawScenario(model_, seed_, scenario, &draws);
    BuildRunDemand(model_, with_.included, draws.base, draws.increment, &demand);
    RunTotals totals;
    simulator.Run(with_, draws, demand, seed_, scenario, &totals);
    for (const auto& [representative, p] : wanted) {
      if (representative != scenario) continue;
      stories_[p].ready = true;
      stories_[p].measurement = simulator.Measure(specs_[p], nullptr);
      stories_[p].backlog = simulator.Story(specs_[p], story_binding_[p]);
    }
  }
}
// --- end of order-level mode
// ----------------------------------------------------------------------

// Adds a finished chunk's scenarios to the watched promises' counts; true once the need of one of
// them cannot be met whatever the scenarios not yet counted give (kept: StatusOf's test, on the
// bound of every one of them kept; CannotMeet, check_probe.cc).
bool CheckRunner::CountChunk(int64_t first, int64_t last) {
  std::vector<int64_t> counted(watched_specs_.size(), 0);
  for (size_t i = 0; i < watched_specs_.size(); ++i) {
    const size_t spec = static_cast<size_t>(watched_specs_[i]);
    const std::vector<float>& achieved = columns_->Get(achieved_column_[spec]);
    for (int64_t scenario = first; scenario < last; ++scenario)
      counted[i] += CountsFor(i, achieved[static_cast<size_t>(scenario)]) ? 1 : 0;
  }
  MutexLock lock(&stop_mutex_);
  simulated_ += last - first;
  for (size_t i = 0; i < watched_specs_.size(); ++i) {
    watched_kept_[i] += counted[i];
    if (CannotMeet(i, watched_kept_[i], scenarios_ - simulated_)) stopped_ = true;
  }
  return stopped_;
}

namespace {

// The first exception a worker of SimulateAll throws, rethrown on the calling thread once every
// worker has joined; the workers that fail later drop theirs.
class FirstFailure {
 public:
  void Keep(std::exception_ptr error) EXCLUDES(mutex_) {
    MutexLock lock(&mutex_);
    if (!error_) error_ = std::move(error);
  }
  void Rethrow() EXCLUDES(mutex_) {
    MutexLock lock(&mutex_);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  Mutex mutex_;
  std::exception_ptr error_ GUARDED_BY(mutex_);
};

}  // namespace

void CheckRunner::SimulateAll(int64_t first_chunk, int64_t end_chunk, bool standing_pass) {
  const int64_t chunks = end_chunk;
  if (!standing_pass) {
    chunk_sums_.assign(static_cast<size_t>((scenarios_ + kChunk - 1) / kChunk), {});
    chunk_standing_.assign(chunk_sums_.size(), 0);
  }
  const size_t slots = model_.resources.size() + model_.offerings.size();
  std::atomic<int64_t> next_chunk{first_chunk};
  std::atomic<int64_t> done{0};
  FirstFailure failure;
  int threads = options_.threads > 0 ? options_.threads
                                     : static_cast<int>(std::thread::hardware_concurrency());
  threads = static_cast<int>(
      std::clamp<int64_t>(threads, 1, std::max<int64_t>(1, end_chunk - first_chunk)));
  const bool orders = options_.mode == CheckMode::kOrders;
  // The calling thread's simulator is kept for the explanations (ComputeStories): its buffers
  // are tens of megabytes for a year at hourly steps, and fresh ones cost page faults.
  if (!orders && kept_simulator_ == nullptr) {
    kept_simulator_ = std::make_unique<Simulator>(model_, measured_resources_, measured_offerings_);
  }
  auto worker = [&](Simulator* kept) {
    try {
      std::unique_ptr<Simulator> owned;
      Simulator* simulator = kept;
      std::unique_ptr<OrderSimulator> order_simulator;
      std::unique_ptr<BatchScratch> scratch;
      if (orders) {
        order_simulator = std::make_unique<OrderSimulator>(model_);
      } else {
        if (simulator == nullptr) {
          owned = std::make_unique<Simulator>(model_, measured_resources_, measured_offerings_);
          simulator = owned.get();
        }
        scratch = std::make_unique<BatchScratch>(model_, *simulator, with_);
        if (fork_standing_) scratch->week_records.resize(kLanes * standing_specs_.size());
      }
      std::vector<Simulator::Fork> forks(fork_days_.size());
      std::vector<OrderSimulator::Fork> order_forks;
      for (;;) {
        const int64_t chunk = next_chunk.fetch_add(1);
        if (chunk >= chunks) break;
        const int64_t first = chunk * kChunk;
        const int64_t last = std::min(scenarios_, first + kChunk);
        ChunkSums& sums = chunk_sums_[static_cast<size_t>(chunk)];
        if (standing_pass) {
          if (chunk_standing_[static_cast<size_t>(chunk)]) continue;
          for (int64_t batch = first; batch < last; batch += kLanes) {
            SimulateBatch(batch, std::min<int64_t>(kLanes, last - batch), simulator, scratch.get(),
                          &sums, &forks, true, true);
          }
          continue;
        }
        // Whether this chunk runs the standing promises' runs without each campaign now (it
        // does once they are known to be read); the others run them in a second pass.
        const bool standing = fork_standing_ && StandingNeeded();
        chunk_standing_[static_cast<size_t>(chunk)] = standing ? 1 : 0;
        sums.attribution.assign(specs_.size(), Attribution(slots, 0.0));
        for (const PromiseSpec& spec : specs_) sums.histograms.push_back(EmptyHistogram(spec));
        if (options_.collect_series) {
          sums.daily_arrivals.assign(
              model_.resources.size() * static_cast<size_t>(model_.grid.total_days), 0.0);
          sums.daily_backlog.assign(sums.daily_arrivals.size(), 0.0);
        }
        if (orders) {
          for (int64_t scenario = first; scenario < last; ++scenario) {
            SimulateOrders(scenario, order_simulator.get(), &sums, &order_forks);
          }
        } else {
          for (int64_t batch = first; batch < last; batch += kLanes) {
            SimulateBatch(batch, std::min<int64_t>(kLanes, last - batch), simulator, scratch.get(),
                          &sums, &forks, standing, false);
          }
        }
        if (fork_standing_) CountStanding(first, last);
        const int64_t finished = done.fetch_add(last - first) + (last - first);
        if (options_.progress) options_.progress(finished, scenarios_);
        if (stop_when_broken_ && CountChunk(first, last)) next_chunk.store(chunks);
      }
    } catch (...) {
      failure.Keep(std::current_exception());
      next_chunk.store(chunks);
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(worker, nullptr);
  worker(kept_simulator_.get());
  for (std::thread& thread : pool) thread.join();
  failure.Rethrow();
}

}  // namespace tandem::engine
