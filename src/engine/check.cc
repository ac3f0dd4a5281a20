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
#include <thread>

#include "engine/compiled_model.h"
#include "engine/evaluate.h"
#include "engine/explain.h"
#include "engine/measure.h"
#include "engine/order_simulator.h"
#include "engine/simulator.h"

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

namespace engine {
namespace {

constexpr int64_t kChunk =
    2 * kLanes;  // scenarios per work unit; fixed so results never depend on threads

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

// The throughput resources a campaign loads: its offerings' routes, side loads and returns.
struct CampaignResources {
  std::vector<int> resources;
  int first_day = 0;
  int last_day = 0;  // inclusive, may run past the horizon into the tail
};

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

 private:
  int64_t scenarios_;
  std::vector<std::vector<float>> columns_;
};

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
};

// Sums over a chunk's scenarios, added up in chunk order so results never depend on threads.
struct ChunkSums {
  std::vector<Attribution> attribution;   // per spec
  std::vector<LeadHistogram> histograms;  // per spec (collect_series)
  std::vector<double> daily_arrivals;     // [resource * days + day] (collect_series)
};

// What a worker thread reuses from batch to batch: a year of demand and curves is megabytes,
// and fresh allocations of that size cost page faults every time.
struct BatchScratch {
  BatchScratch(const CompiledModel& model, const Simulator& simulator, const RunPlan& plan)
      : measurer(model, simulator, plan) {}
  std::array<ScenarioDraws, kLanes> draws;
  std::array<RunDemand, kLanes> demand;
  std::array<RunDemand, kLanes> without_demand;
  BatchDemand batch;
  BatchDemand without_batch;
  Measurer measurer;
  Simulator::Fork final_state;  // the "with" run's state at its end
};

class CheckRunner {
 public:
  CheckRunner(const Scenario& scenario, const CheckOptions& options,
              const EvaluateOptions& evaluate)
      : scenario_(scenario),
        options_(options),
        evaluate_(evaluate),
        model_(Compile(scenario, options)) {}
  void ExtraResults(std::vector<ExtraResult>* out) const;

  Result<CheckResult> Run();

 private:
  void BuildSpecs();
  void SimulateAll();
  // Simulates scenarios [first, first + count) as one batch of kLanes lanes (lanes past
  // `count` repeat the last scenario and are ignored).
  void SimulateBatch(int64_t first, int64_t count, Simulator* simulator, BatchScratch* scratch,
                     ChunkSums* sums, std::vector<Simulator::Fork>* forks);
  // Order-level mode (CheckMode::kOrders): one scenario, with and without each campaign.
  void SimulateOrders(int64_t scenario, OrderSimulator* simulator, ChunkSums* sums,
                      std::vector<OrderSimulator::Fork>* forks);
  void ComputeOrderStories(const std::vector<std::pair<int64_t, size_t>>& wanted);
  LeadHistogram EmptyHistogram(const PromiseSpec& spec) const;
  int ForkDay(const RunPlan& without, const CompiledCampaign& campaign) const;
  int AgreeFrom(const RunPlan& without) const;
  PromiseResult SummariseTimedPromise(size_t spec_index);
  PromiseResult ClaimResult(const Campaign& campaign, int index, const Promise& promise);
  // Free returns on `ids` sold at `discount` over horizon days [first_day, last_day].
  PromiseResult FreeReturnsResult(const std::vector<std::string>& ids, double discount,
                                  int first_day, int last_day, Date price_date, int index,
                                  const Promise& promise);
  CampaignResult SummariseCampaign(const ReportedCampaign& reported);
  double RouteCost(int offering, Date date) const;
  double ReturnCost(int offering, Date date) const;

  const Scenario& scenario_;
  const CheckOptions& options_;
  const EvaluateOptions& evaluate_;
  CompiledModel model_;
  size_t own_specs_ = 0;          // specs_ [0, own_specs_) are the scenario's promises
  std::vector<int> extra_specs_;  // per extra promise: its spec
  int64_t scenarios_ = 0;
  uint64_t seed_ = 0;
  RunPlan with_;
  std::vector<PromiseSpec> specs_;
  std::vector<std::vector<int>> campaign_specs_;  // per campaign: spec indices in promise order
  std::vector<int> standing_specs_;
  std::vector<ReportedCampaign> reported_;
  std::vector<char> measured_resources_;
  std::vector<char> measured_offerings_;
  std::unique_ptr<Columns> columns_;
  std::vector<int> achieved_column_;  // per spec
  std::vector<int> covered_column_;   // per spec
  std::vector<int> refused_column_;   // per space
  std::vector<ChunkSums> chunk_sums_;
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
  int BindingOf(size_t spec_index, std::vector<std::string>* names) const;
  std::vector<int> fork_days_;                 // ascending: the days the "with" run is snapshotted
  std::vector<size_t> fork_of_;                // per reported campaign: its snapshot in fork_days_
  std::vector<int> order_fork_days_;           // order-level mode: ascending fork days after day 0
  std::unique_ptr<Simulator> kept_simulator_;  // fluid mode: SimulateAll's, reused for stories
};

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
    if (promise.type == PromiseType::kClaim || promise.type == PromiseType::kFreeReturns) {
      standing_specs_.push_back(-1 - static_cast<int>(i));
      continue;
    }
    standing_specs_.push_back(make(promise, -1, static_cast<int>(i), all, 0, horizon_days - 1));
  }
  campaign_specs_.resize(scenario_.campaigns.size());
  for (size_t k = 0; k < scenario_.campaigns.size(); ++k) {
    const Campaign& campaign = scenario_.campaigns[k];
    const CompiledCampaign& compiled = model_.campaigns[k];
    for (size_t i = 0; i < campaign.promises.size(); ++i) {
      const Promise& promise = campaign.promises[i];
      if (promise.type == PromiseType::kClaim || promise.type == PromiseType::kFreeReturns) {
        campaign_specs_[k].push_back(-1);
        continue;
      }
      campaign_specs_[k].push_back(make(promise, static_cast<int>(k), static_cast<int>(i),
                                        campaign.offerings, compiled.first_day, compiled.last_day));
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

void CheckRunner::SimulateBatch(int64_t first, int64_t count, Simulator* simulator,
                                BatchScratch* scratch, ChunkSums* sums,
                                std::vector<Simulator::Fork>* forks) {
  if (count < 1) return;  // never; tells GCC that lane count - 1 exists (-Warray-bounds)
  std::vector<Attribution>* attribution = &sums->attribution;
  std::array<ScenarioDraws, kLanes>& draws = scratch->draws;
  std::array<RunDemand, kLanes>& demand = scratch->demand;
  BatchDemand& batch = scratch->batch;
  for (int lane = 0; lane < kLanes; ++lane) {
    const size_t l = static_cast<size_t>(lane);
    if (lane < count) {
      DrawScenario(model_, seed_, first + lane, &draws[l]);
      BuildRunDemand(model_, with_.included, draws[l].base, draws[l].increment, &demand[l]);
      batch.lanes[l] = &demand[l];
    } else {
      batch.lanes[l] = &demand[static_cast<size_t>(count - 1)];
    }
  }
  batch.Interleave(model_);
  BatchTotals with_totals;
  Simulator::Fork& final_state = scratch->final_state;
  simulator->Run(with_, batch, &with_totals, true,
                 evaluate_.economics ? fork_days_ : std::vector<int>{}, forks,
                 evaluate_.economics ? &final_state : nullptr);
  for (int lane = 0; lane < count; ++lane) {
    const int64_t scenario = first + lane;
    const size_t l = static_cast<size_t>(lane);
    Measurer& measurer = scratch->measurer;
    measurer.Reset(demand[l], lane);
    for (size_t p = 0; p < specs_.size(); ++p) {
      LeadHistogram* histogram = sums->histograms[p].mass.empty() ? nullptr : &sums->histograms[p];
      const Measurement measurement = measurer.Measure(specs_[p], &(*attribution)[p], histogram);
      columns_->Set(achieved_column_[p], scenario, measurement.achieved);
      columns_->Set(covered_column_[p], scenario, measurement.covered);
      if (specs_[p].promise.type == PromiseType::kAvailability) {
        for (int o : specs_[p].offerings) {
          for (int day = specs_[p].first_day; day <= specs_[p].last_day; ++day) {
            const double missing =
                demand[l].counts[static_cast<size_t>(o)][static_cast<size_t>(day)] -
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
                    demand[l].window_revenue[static_cast<size_t>(reported.campaign)]);
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
        }
      }
    }
  }
  std::array<RunDemand, kLanes>& without_demand = scratch->without_demand;
  for (size_t index = 0; index < reported_.size() && evaluate_.economics; ++index) {
    ReportedCampaign& reported = reported_[index];
    BatchDemand& without_batch = scratch->without_batch;
    for (int lane = 0; lane < kLanes; ++lane) {
      const size_t l = static_cast<size_t>(lane);
      if (lane < count) {
        BuildRunDemand(model_, reported.without.included, draws[l].base, draws[l].increment,
                       &without_demand[l]);
        without_batch.lanes[l] = &without_demand[l];
      } else {
        without_batch.lanes[l] = &without_demand[static_cast<size_t>(count - 1)];
      }
    }
    without_batch.Interleave(model_);
    BatchTotals without_totals;
    Simulator::Convergence convergence;
    for (size_t checkpoint : reported.checkpoints)
      convergence.checkpoints.push_back(&(*forks)[checkpoint]);
    convergence.final_state = &final_state;
    simulator->RunFrom((*forks)[fork_of_[index]], reported.without, without_batch, &without_totals,
                       convergence);
    const CampaignResources& period = reported.resources;
    for (int lane = 0; lane < count; ++lane) {
      const int64_t scenario = first + lane;
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
          columns_->Set(reported.series_arrivals_without[i][d], scenario,
                        simulator->DayArrivals(r, day, lane));
          columns_->Set(reported.series_backlog_without[i][d], scenario,
                        simulator->DayMaxBacklog(r, day, lane));
        }
      }
      columns_->Set(reported.incremental, scenario,
                    with_totals[l].contribution - without_totals[l].contribution);
      columns_->Set(reported.incremental_units, scenario,
                    with_totals[l].units_sold - without_totals[l].units_sold);
      columns_->Set(reported.incremental_cost, scenario,
                    with_totals[l].fulfilment_cost - without_totals[l].fulfilment_cost);
    }
  }
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
    columns_->Set(reported.incremental, scenario,
                  with_totals.contribution - without_totals.contribution);
    columns_->Set(reported.incremental_units, scenario,
                  with_totals.units_sold - without_totals.units_sold);
    columns_->Set(reported.incremental_cost, scenario,
                  with_totals.fulfilment_cost - without_totals.fulfilment_cost);
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

void CheckRunner::SimulateAll() {
  const int64_t chunks = (scenarios_ + kChunk - 1) / kChunk;
  chunk_sums_.assign(static_cast<size_t>(chunks), {});
  const size_t slots = model_.resources.size() + model_.offerings.size();
  std::atomic<int64_t> next_chunk{0};
  std::atomic<int64_t> done{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  int threads = options_.threads > 0 ? options_.threads
                                     : static_cast<int>(std::thread::hardware_concurrency());
  threads = static_cast<int>(std::clamp<int64_t>(threads, 1, std::max<int64_t>(1, chunks)));
  const bool orders = options_.mode == CheckMode::kOrders;
  // The calling thread's simulator is kept for the explanations (ComputeStories): its buffers
  // are tens of megabytes for a year at hourly steps, and fresh ones cost page faults.
  if (!orders) {
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
      }
      std::vector<Simulator::Fork> forks(fork_days_.size());
      std::vector<OrderSimulator::Fork> order_forks;
      for (;;) {
        const int64_t chunk = next_chunk.fetch_add(1);
        if (chunk >= chunks) break;
        ChunkSums& sums = chunk_sums_[static_cast<size_t>(chunk)];
        sums.attribution.assign(specs_.size(), Attribution(slots, 0.0));
        for (const PromiseSpec& spec : specs_) sums.histograms.push_back(EmptyHistogram(spec));
        if (options_.collect_series) {
          sums.daily_arrivals.assign(
              model_.resources.size() * static_cast<size_t>(model_.grid.total_days), 0.0);
        }
        const int64_t first = chunk * kChunk;
        const int64_t last = std::min(scenarios_, first + kChunk);
        if (orders) {
          for (int64_t scenario = first; scenario < last; ++scenario) {
            SimulateOrders(scenario, order_simulator.get(), &sums, &order_forks);
          }
        } else {
          for (int64_t batch = first; batch < last; batch += kLanes) {
            SimulateBatch(batch, std::min<int64_t>(kLanes, last - batch), simulator, scratch.get(),
                          &sums, &forks);
          }
        }
        const int64_t finished = done.fetch_add(last - first) + (last - first);
        if (options_.progress) options_.progress(finished, scenarios_);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next_chunk.store(chunks);
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(worker, nullptr);
  worker(kept_simulator_.get());
  for (std::thread& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

double CheckRunner::RouteCost(int offering, Date date) const {
  const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
  const int64_t step = std::clamp<int64_t>(
      static_cast<int64_t>(date - model_.grid.start) * model_.grid.steps_per_day, 0,
      model_.grid.total_steps - 1);
  double cost = 0;
  for (const RouteStage& stage : compiled.route) {
    cost += stage.per_unit * model_.resources[static_cast<size_t>(stage.resource)]
                                 .cost_per_unit[static_cast<size_t>(step)];
  }
  return cost;
}

double CheckRunner::ReturnCost(int offering, Date date) const {
  const CompiledOffering& compiled = model_.offerings[static_cast<size_t>(offering)];
  if (compiled.returns_resource < 0) return 0;
  const int64_t step = std::clamp<int64_t>(
      static_cast<int64_t>(date - model_.grid.start) * model_.grid.steps_per_day, 0,
      model_.grid.total_steps - 1);
  return model_.resources[static_cast<size_t>(compiled.returns_resource)]
      .cost_per_unit[static_cast<size_t>(step)];
}

void CheckRunner::ExtraResults(std::vector<ExtraResult>* out) const {
  out->clear();
  for (int spec : extra_specs_) {
    ExtraResult result;
    StatusOf(static_cast<size_t>(spec), &result.p_kept);
    result.achieved_by_scenario = columns_->Get(achieved_column_[static_cast<size_t>(spec)]);
    result.achieved = Summarise(result.achieved_by_scenario);
    out->push_back(std::move(result));
  }
}

PromiseStatus CheckRunner::StatusOf(size_t spec_index, double* p_kept) const {
  const PromiseSpec& spec = specs_[spec_index];
  const std::vector<float>& achieved = columns_->Get(achieved_column_[spec_index]);
  int64_t kept = 0;
  for (float value : achieved)
    kept += static_cast<double>(value) >= spec.promise.share - 1e-9 ? 1 : 0;
  *p_kept = static_cast<double>(kept) / static_cast<double>(scenarios_);
  const double confidence = scenario_.simulation.confidence;
  return *p_kept >= confidence - 1e-12 ? PromiseStatus::kKept
         : *p_kept >= 0.5              ? PromiseStatus::kAtRisk
                                       : PromiseStatus::kBroken;
}

// Binding: what late units waited for, summed over scenarios in chunk order; the slots holding
// at least a fifth of it, largest first. Returns the first slot, or -1.
int CheckRunner::BindingOf(size_t spec_index, std::vector<std::string>* names) const {
  const PromiseSpec& spec = specs_[spec_index];
  const size_t slots = model_.resources.size() + model_.offerings.size();
  Attribution total(slots, 0.0);
  for (const ChunkSums& chunk : chunk_sums_) {
    if (chunk.attribution.empty()) continue;
    for (size_t i = 0; i < slots; ++i) total[i] += chunk.attribution[spec_index][i];
  }
  double sum = 0;
  for (double value : total) sum += value;
  std::vector<size_t> order(slots);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return total[a] > total[b]; });
  int binding = -1;
  names->clear();
  for (size_t i : order) {
    if (total[i] <= 0 || total[i] < 0.2 * sum) break;
    if (binding < 0) binding = static_cast<int>(i);
    names->push_back(i < model_.resources.size()
                         ? model_.resources[i].id
                         : model_.offerings[i - model_.resources.size()].id + " stock");
  }
  double p_kept = 0;
  if (spec.promise.type == PromiseType::kResponse && binding < 0 &&
      StatusOf(spec_index, &p_kept) != PromiseStatus::kKept) {
    binding = spec.resource;
    names->push_back(model_.resources[static_cast<size_t>(spec.resource)].id);
  }
  return binding;
}

// For every promise that is not kept, the scenario whose achieved share is the median is
// simulated again (all of them together, kLanes at a time) to tell its story.
void CheckRunner::ComputeStories() {
  stories_.assign(specs_.size(), {});
  story_binding_.assign(specs_.size(), -1);
  std::vector<std::pair<int64_t, size_t>> wanted;  // (representative scenario, spec)
  for (size_t p = 0; p < own_specs_; ++p) {
    const PromiseSpec& spec = specs_[p];
    double p_kept = 0;
    std::vector<std::string> names;
    const int binding = BindingOf(p, &names);
    if (binding < 0 || StatusOf(p, &p_kept) == PromiseStatus::kKept ||
        spec.promise.type == PromiseType::kAvailability)
      continue;
    story_binding_[p] = binding;
    const std::vector<float>& achieved = columns_->Get(achieved_column_[p]);
    const double median = Summarise(achieved).p50;
    int64_t representative = 0;
    double best = kNever;
    for (int64_t s = 0; s < scenarios_; ++s) {
      const double distance =
          std::fabs(static_cast<double>(achieved[static_cast<size_t>(s)]) - median);
      if (distance < best) {
        best = distance;
        representative = s;
      }
    }
    wanted.emplace_back(representative, p);
  }
  if (wanted.empty()) return;
  if (options_.mode == CheckMode::kOrders) {
    ComputeOrderStories(wanted);
    return;
  }
  std::vector<int64_t> scenarios;
  for (const auto& [scenario, spec] : wanted) {
    if (std::find(scenarios.begin(), scenarios.end(), scenario) == scenarios.end())
      scenarios.push_back(scenario);
    (void)spec;
  }
  Simulator& simulator = *kept_simulator_;
  for (size_t first = 0; first < scenarios.size(); first += kLanes) {
    const size_t count = std::min<size_t>(kLanes, scenarios.size() - first);
    std::array<ScenarioDraws, kLanes> draws;
    std::array<RunDemand, kLanes> demand;
    BatchDemand batch;
    for (size_t lane = 0; lane < kLanes; ++lane) {
      const size_t source = lane < count ? lane : count - 1;
      if (lane < count) {
        DrawScenario(model_, seed_, scenarios[first + lane], &draws[lane]);
        BuildRunDemand(model_, with_.included, draws[lane].base, draws[lane].increment,
                       &demand[lane]);
      }
      batch.lanes[lane] = &demand[source];
    }
    batch.Interleave(model_);
    BatchTotals totals;
    simulator.Run(with_, batch, &totals, true);
    Measurer measurer(model_, simulator, with_);  // its curves serve every lane of the batch
    for (size_t lane = 0; lane < count; ++lane) {
      measurer.Reset(demand[lane], static_cast<int>(lane));
      for (const auto& [scenario, p] : wanted) {
        if (scenario != scenarios[first + lane]) continue;
        stories_[p].ready = true;
        stories_[p].measurement = measurer.Measure(specs_[p], nullptr);
        stories_[p].backlog = measurer.Story(specs_[p], story_binding_[p]);
      }
    }
  }
}

PromiseResult CheckRunner::SummariseTimedPromise(size_t spec_index) {
  const PromiseSpec& spec = specs_[spec_index];
  PromiseResult result;
  result.index = spec.index;
  result.type = spec.promise.type;
  result.promise = spec.promise;
  result.target = spec.promise.share;
  result.achieved = Summarise(columns_->Get(achieved_column_[spec_index]));
  result.covered_units_p50 = Summarise(columns_->Get(covered_column_[spec_index])).p50;
  const double confidence = scenario_.simulation.confidence;
  result.status = StatusOf(spec_index, &result.p_kept);
  const int binding = BindingOf(spec_index, &result.binding);
  ExplainInput input;
  input.grid = &model_.grid;
  input.spec = &spec;
  input.result = &result;
  input.confidence = confidence;
  if (spec.promise.type == PromiseType::kResponse)
    input.unit = model_.resources[static_cast<size_t>(spec.resource)].unit;
  if (stories_[spec_index].ready) {
    const Measurement& measurement = stories_[spec_index].measurement;
    const BacklogStory& story = stories_[spec_index].backlog;
    PromiseDetail detail;
    detail.resource = result.binding.empty() ? "" : result.binding.front();
    detail.falls_behind = story.falls_behind;
    detail.falls_behind_step = story.falls_behind_step;
    detail.falls_behind_at = model_.grid.FormatTime(story.falls_behind_step);
    detail.peak_backlog = story.peak;
    detail.peak_date =
        model_.grid.DateOfDay(static_cast<int32_t>(story.peak_step / model_.grid.steps_per_day));
    detail.peak_at = detail.peak_date.ToShortString();
    detail.peak_days_of_capacity = story.day_capacity > 0 ? story.peak / story.day_capacity : 0;
    detail.share_missing = 1.0 - measurement.achieved;
    detail.unit = story.stock ? "units" : model_.resources[static_cast<size_t>(story.index)].unit;
    detail.behind_at_start = story.behind_at_start;
    detail.closed_share = story.closed_share;
    input.story_is_stock = story.stock;
    if (story.stock) input.stock_offering = model_.offerings[static_cast<size_t>(story.index)].name;
    result.detail = detail;
  }
  if (spec.promise.type == PromiseType::kAvailability && binding >= 0) {
    input.stock_offering =
        model_.offerings[static_cast<size_t>(binding) - model_.resources.size()].name;
  }
  // Offerings for which processing and transit alone exceed the bound.
  if (spec.promise.type != PromiseType::kAvailability) {
    const int64_t at =
        std::min<int64_t>(static_cast<int64_t>(spec.first_day) * model_.grid.steps_per_day,
                          model_.grid.total_steps - 1);
    double limit = spec.bound_steps;
    auto consider = [&](const std::string& name, double lead_steps) {
      if (lead_steps > limit + 1e-9) {
        if (result.unreachable.empty()) {
          result.unreachable_lead =
              Duration::Minutes(static_cast<int64_t>(std::llround(
                                    lead_steps * static_cast<double>(model_.grid.step_minutes))))
                  .ToString();
        }
        result.unreachable.push_back(name);
      }
    };
    if (spec.promise.type == PromiseType::kResponse) {
      consider(model_.resources[static_cast<size_t>(spec.resource)].id,
               static_cast<double>(model_.resources[static_cast<size_t>(spec.resource)]
                                       .processing_steps[static_cast<size_t>(at)]));
    } else {
      for (int o : spec.offerings) {
        const CompiledOffering& offering = model_.offerings[static_cast<size_t>(o)];
        double lead = spec.promise.type == PromiseType::kDelivery ? offering.transit_steps : 0.0;
        for (const RouteStage& stage : offering.route) {
          lead += static_cast<double>(model_.resources[static_cast<size_t>(stage.resource)]
                                          .processing_steps[static_cast<size_t>(at)]);
        }
        consider(offering.id, lead);
      }
    }
  }
  result.text =
      spec.promise.Describe(spec.promise.type == PromiseType::kResponse
                                ? model_.resources[static_cast<size_t>(spec.resource)].unit
                                : "orders");
  result.explanation = ExplainPromise(input);
  if (options_.collect_series && spec.promise.IsTimePromise()) {
    LeadHistogram total = EmptyHistogram(spec);
    for (const ChunkSums& chunk : chunk_sums_) {
      if (chunk.histograms.empty()) continue;
      for (size_t bin = 0; bin < total.mass.size(); ++bin)
        total.mass[bin] += chunk.histograms[spec_index].mass[bin];
    }
    double sum = 0;
    for (double mass : total.mass) sum += mass;
    PromiseResult::LeadTimes lead_times;
    lead_times.bin_hours = total.bin_steps * model_.grid.StepHours();
    lead_times.bound_hours = spec.bound_steps * model_.grid.StepHours();
    for (size_t bin = 0; bin + 1 < total.mass.size(); ++bin)
      lead_times.share.push_back(sum > 0 ? total.mass[bin] / sum : 0.0);
    lead_times.beyond = sum > 0 ? total.mass.back() / sum : 0.0;
    result.lead_times = lead_times;
  }
  return result;
}

PromiseResult CheckRunner::ClaimResult(const Campaign& campaign, int index,
                                       const Promise& promise) {
  PromiseResult result;
  result.index = index;
  result.type = promise.type;
  result.promise = promise;
  result.target = 1;
  result.text = promise.Describe("orders");
  for (const std::string& id : promise.requires_capabilities) {
    const Capability* capability = scenario_.FindCapability(id);
    if (capability == nullptr || !capability->Covers(campaign.window))
      result.missing_capabilities.push_back(id);
  }
  for (const Capability& capability : scenario_.capabilities) {
    if (capability.Covers(campaign.window)) result.declared_wording.push_back(capability.claim);
  }
  const bool kept = result.missing_capabilities.empty();
  result.p_kept = kept ? 1 : 0;
  result.achieved = {kept ? 1.0 : 0.0, kept ? 1.0 : 0.0, kept ? 1.0 : 0.0, kept ? 1.0 : 0.0};
  result.status = kept ? PromiseStatus::kKept : PromiseStatus::kBroken;
  result.explanation = ExplainClaim(result, scenario_, campaign);
  return result;
}

PromiseResult CheckRunner::FreeReturnsResult(const std::vector<std::string>& scope, double discount,
                                             int first_day, int last_day, Date price_date,
                                             int index, const Promise& promise) {
  PromiseResult result;
  result.index = index;
  result.type = promise.type;
  result.promise = promise;
  result.target = 1;
  result.text = promise.Describe("orders");
  const std::vector<std::string>& ids = promise.offerings.empty() ? scope : promise.offerings;
  std::vector<char> pays;
  std::vector<int> covered;
  for (const std::string& id : ids) {
    const int o = scenario_.OfferingIndex(id);
    const CompiledOffering& offering = model_.offerings[static_cast<size_t>(o)];
    const double rate = promise.return_rate;
    const double cost = promise.cost ? *promise.cost : ReturnCost(o, price_date);
    const double margin = offering.price * (1 - discount) - offering.unit_cost;
    const double after = margin * (1 - rate) - RouteCost(o, price_date) - rate * cost;
    result.free_returns.push_back({id, after});
    pays.push_back(after >= 0 ? 1 : 0);
    covered.push_back(o);
  }
  bool all_pay = true;
  for (char value : pays) all_pay = all_pay && value;
  // Achieved: the share of covered units sold in offerings that pay after returns, from the
  // expected window demand (the share is the same in every scenario up to noise).
  double paying = 0;
  double total = 0;
  for (size_t i = 0; i < covered.size(); ++i) {
    double units = 0;
    for (int day = first_day; day <= last_day; ++day) {
      units += with_.expected_counts[static_cast<size_t>(covered[i])][static_cast<size_t>(day)];
    }
    total += units;
    if (pays[i]) paying += units;
  }
  const double share = total > 0 ? paying / total : 1.0;
  result.achieved = {share, share, share, share};
  result.p_kept = all_pay ? 1 : 0;
  result.status = all_pay ? PromiseStatus::kKept : PromiseStatus::kBroken;
  result.explanation = ExplainFreeReturns(result, scenario_.currency);
  return result;
}

CampaignResult CheckRunner::SummariseCampaign(const ReportedCampaign& reported) {
  const int k = reported.campaign;
  const Campaign& campaign = scenario_.campaigns[static_cast<size_t>(k)];
  const CompiledCampaign& compiled = model_.campaigns[static_cast<size_t>(k)];
  CampaignResult result;
  result.id = campaign.id;
  result.name = campaign.name.empty() ? campaign.id : campaign.name;

  for (size_t i = 0; i < campaign.promises.size(); ++i) {
    const Promise& promise = campaign.promises[i];
    if (promise.type == PromiseType::kClaim) {
      result.promises.push_back(ClaimResult(campaign, static_cast<int>(i), promise));
    } else if (promise.type == PromiseType::kFreeReturns) {
      result.promises.push_back(FreeReturnsResult(
          campaign.offerings, compiled.discount, compiled.first_day, compiled.last_day,
          campaign.window.start, static_cast<int>(i), promise));
    } else {
      result.promises.push_back(
          SummariseTimedPromise(static_cast<size_t>(campaign_specs_[static_cast<size_t>(k)][i])));
    }
  }

  // Space: the stock plan's peak with every campaign, against capacity.
  for (size_t s = 0; s < model_.spaces.size(); ++s) {
    const SpaceResource& space = model_.spaces[s];
    bool touches = false;
    for (int o : space.offerings) touches = touches || compiled.covers[static_cast<size_t>(o)];
    if (!touches) continue;
    auto peak_of = [&](const RunPlan& plan, Date* date) {
      double peak = 0;
      for (int day = 0; day < model_.grid.horizon_days; ++day) {
        double volume = 0;
        for (int o : space.offerings) {
          volume +=
              std::max(
                  0.0,
                  plan.stock_plans[static_cast<size_t>(o)].end_stock[static_cast<size_t>(day)]) *
              model_.offerings[static_cast<size_t>(o)].volume;
        }
        if (volume > peak + 1e-9) {
          peak = volume;
          if (date) *date = model_.grid.DateOfDay(day);
        }
      }
      return peak;
    };
    SpaceCheck check;
    check.resource = space.id;
    check.unit = space.unit;
    check.capacity = space.capacity;
    check.date = model_.grid.start;
    check.peak = peak_of(with_, &check.date);
    check.peak_without = peak_of(reported.without, nullptr);
    check.peak_ratio =
        space.capacity > 0 ? check.peak / space.capacity : (check.peak > 0 ? kNever : 0.0);
    check.broken = check.peak > space.capacity + 1e-9;
    check.refused_units = Summarise(columns_->Get(refused_column_[s]));
    result.space.push_back(check);
  }

  // Launch readiness: the critical path through the tasks.
  if (campaign.readiness) {
    const Readiness& readiness = *campaign.readiness;
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < readiness.tasks.size(); ++i) index[readiness.tasks[i].id] = i;
    std::vector<double> finish(readiness.tasks.size(), -1);
    std::vector<int> previous(readiness.tasks.size(), -1);
    std::function<double(size_t)> finish_of = [&](size_t i) -> double {
      if (finish[i] >= 0) return finish[i];
      double start = 0;
      for (const std::string& before : readiness.tasks[i].after) {
        const size_t j = index[before];
        const double end = finish_of(j);
        if (end > start) {
          start = end;
          previous[i] = static_cast<int>(j);
        }
      }
      finish[i] = start + readiness.tasks[i].duration.days();
      return finish[i];
    };
    double longest = 0;
    int last = -1;
    for (size_t i = 0; i < readiness.tasks.size(); ++i) {
      if (finish_of(i) > longest) {
        longest = finish_of(i);
        last = static_cast<int>(i);
      }
    }
    LaunchCheck check;
    check.start = campaign.window.start;
    check.ready = readiness.start + static_cast<int32_t>(std::ceil(longest - 1e-9));
    check.broken = check.ready > check.start;
    for (int i = last; i >= 0; i = previous[static_cast<size_t>(i)]) {
      check.critical_path.insert(check.critical_path.begin(),
                                 readiness.tasks[static_cast<size_t>(i)].id);
    }
    result.launch = check;
  }

  // Budget: campaigns charged in order of window start, then file order.
  for (const Resource& resource : scenario_.resources) {
    if (resource.kind != ResourceKind::kBudget) continue;
    const DateRange period = resource.period ? *resource.period : scenario_.horizon;
    if (!period.Contains(campaign.window.start)) continue;
    std::vector<size_t> charged;
    for (size_t j = 0; j < scenario_.campaigns.size(); ++j) {
      if (period.Contains(scenario_.campaigns[j].window.start)) charged.push_back(j);
    }
    std::stable_sort(charged.begin(), charged.end(), [&](size_t a, size_t b) {
      return scenario_.campaigns[a].window.start < scenario_.campaigns[b].window.start;
    });
    double available = resource.capacity;
    for (size_t j : charged) {
      if (j == static_cast<size_t>(k)) break;
      available -= scenario_.campaigns[j].spend;
    }
    BudgetCheck check;
    check.resource = resource.id;
    check.spend = campaign.spend;
    check.available = available;
    check.broken = campaign.spend > available + 1e-9;
    result.budget.push_back(check);
  }

  // Throughput, with and without the campaign.
  for (size_t i = 0; i < reported.resources.resources.size(); ++i) {
    const int r = reported.resources.resources[i];
    ThroughputCheck check;
    check.resource = model_.resources[static_cast<size_t>(r)].id;
    check.unit = model_.resources[static_cast<size_t>(r)].unit;
    check.peak_backlog = Summarise(columns_->Get(reported.peak_with[i]));
    check.peak_backlog_without = Summarise(columns_->Get(reported.peak_without[i]));
    check.peak_utilisation = Summarise(columns_->Get(reported.util_with[i])).p50;
    check.peak_utilisation_without = Summarise(columns_->Get(reported.util_without[i])).p50;
    check.day_capacity =
        MeanOpenDayCapacity(with_.day_capacity[static_cast<size_t>(r)],
                            reported.resources.first_day, reported.resources.last_day);
    check.overloaded = check.peak_backlog.p50 > check.day_capacity + 1e-9;
    check.period_start = model_.grid.DateOfDay(reported.resources.first_day);
    check.period_end = model_.grid.DateOfDay(reported.resources.last_day);
    if (i < reported.series_arrivals.size()) {
      for (size_t d = 0; d < reported.series_arrivals[i].size(); ++d) {
        const int day = reported.series_first_day + static_cast<int>(d);
        ThroughputCheck::Day point;
        point.date = model_.grid.DateOfDay(day);
        point.capacity = with_.day_capacity[static_cast<size_t>(r)][static_cast<size_t>(day)];
        point.arrivals = Summarise(columns_->Get(reported.series_arrivals[i][d]));
        point.arrivals_without =
            Summarise(columns_->Get(reported.series_arrivals_without[i][d])).p50;
        point.backlog = Summarise(columns_->Get(reported.series_backlog[i][d]));
        point.backlog_without = Summarise(columns_->Get(reported.series_backlog_without[i][d])).p50;
        check.days.push_back(point);
      }
    }
    result.throughput.push_back(check);
  }

  for (int o : compiled.offerings) {
    if (!model_.offerings[static_cast<size_t>(o)].stocked) continue;
    const StockPlan& plan = with_.stock_plans[static_cast<size_t>(o)];
    SupplyShortfall shortfall;
    shortfall.offering = model_.offerings[static_cast<size_t>(o)].id;
    for (int day = compiled.first_day; day <= compiled.last_day; ++day) {
      const double units = plan.shortfall[static_cast<size_t>(day)];
      if (units <= 0) continue;
      if (shortfall.units == 0) shortfall.first_date = model_.grid.DateOfDay(day);
      shortfall.last_date = model_.grid.DateOfDay(day);
      shortfall.units += units;
    }
    if (shortfall.units > 0.5) result.supply.push_back(shortfall);
  }

  // Economics.
  Economics& economics = result.economics;
  economics.spend = campaign.spend;
  economics.revenue = Summarise(columns_->Get(reported.revenue));
  const std::vector<float>& incremental = columns_->Get(reported.incremental);
  economics.incremental_contribution = Summarise(incremental);
  economics.incremental_units = Summarise(columns_->Get(reported.incremental_units));
  economics.incremental_fulfilment_cost = Summarise(columns_->Get(reported.incremental_cost));
  int64_t losses = 0;
  std::vector<float> roi(incremental.size());
  for (size_t s = 0; s < incremental.size(); ++s) {
    if (static_cast<double>(incremental[s]) < campaign.spend) ++losses;
    roi[s] = campaign.spend > 0
                 ? static_cast<float>((static_cast<double>(incremental[s]) - campaign.spend) /
                                      campaign.spend)
                 : 0.0F;
  }
  economics.p_loss = static_cast<double>(losses) / static_cast<double>(scenarios_);
  economics.roi_defined = campaign.spend > 0;
  if (economics.roi_defined) economics.roi = Summarise(roi);
  if (economics.incremental_units.mean > 0.5) {
    economics.cac_with_fulfilment = (campaign.spend + economics.incremental_fulfilment_cost.mean) /
                                    economics.incremental_units.mean;
  }
  economics.expected_incremental_after_spend =
      economics.incremental_contribution.mean - campaign.spend;
  for (int o : compiled.offerings) {
    const CompiledOffering& offering = model_.offerings[static_cast<size_t>(o)];
    OfferingEconomics figures;
    figures.offering = offering.id;
    const double route_cost = RouteCost(o, campaign.window.start);
    const double margin = offering.price * (1 - compiled.discount) - offering.unit_cost;
    figures.unit_contribution = margin - route_cost;
    double rate = offering.base_return_rate;
    double cost = ReturnCost(o, campaign.window.start);
    for (const Promise& promise : campaign.promises) {
      if (promise.type != PromiseType::kFreeReturns) continue;
      const std::vector<std::string>& ids =
          promise.offerings.empty() ? campaign.offerings : promise.offerings;
      if (std::find(ids.begin(), ids.end(), offering.id) == ids.end()) continue;
      rate = promise.return_rate;
      if (promise.cost) cost = *promise.cost;
    }
    figures.return_rate = rate;
    figures.unit_contribution_after_returns = margin * (1 - rate) - route_cost - rate * cost;
    economics.offerings.push_back(figures);
  }

  // Verdict.
  Verdict verdict = Verdict::kGo;
  for (const PromiseResult& promise : result.promises) {
    if (promise.status == PromiseStatus::kBroken) {
      verdict = Worse(verdict, Verdict::kNoGo);
      result.reasons.push_back("promise broken: " + promise.text);
    } else if (promise.status == PromiseStatus::kAtRisk) {
      verdict = Worse(verdict, Verdict::kAtRisk);
      result.reasons.push_back("promise at risk: " + promise.text);
    }
  }
  for (const SpaceCheck& check : result.space) {
    if (check.broken) {
      verdict = Worse(verdict, Verdict::kNoGo);
      result.reasons.push_back("space: " + check.resource + " over capacity");
    }
  }
  if (result.launch && result.launch->broken) {
    verdict = Worse(verdict, Verdict::kNoGo);
    result.reasons.push_back("launch: not ready before the window starts");
  }
  for (const BudgetCheck& check : result.budget) {
    if (check.broken) {
      verdict = Worse(verdict, Verdict::kNoGo);
      result.reasons.push_back("budget: " + check.resource + " has not enough left");
    }
  }
  if (economics.expected_incremental_after_spend < 0) {
    verdict = Worse(verdict, Verdict::kAtRisk);
    result.reasons.push_back(
        "economics: expected incremental contribution after spend is negative");
  }
  result.verdict = verdict;
  return result;
}

Result<CheckResult> CheckRunner::Run() {
  scenarios_ = options_.scenarios ? *options_.scenarios : scenario_.simulation.scenarios;
  seed_ = options_.seed ? *options_.seed : scenario_.simulation.seed;
  if (scenarios_ < 1 || scenarios_ > 1000000) {
    return Error::InvalidInput("--scenarios: " + std::to_string(scenarios_) +
                               " is out of range; allowed: 1 to 1,000,000");
  }
  std::vector<int> reported_ids;
  if (options_.campaign) {
    const int index = [&] {
      for (size_t k = 0; k < scenario_.campaigns.size(); ++k) {
        if (scenario_.campaigns[k].id == *options_.campaign) return static_cast<int>(k);
      }
      return -1;
    }();
    if (index < 0) {
      std::string known;
      for (const Campaign& campaign : scenario_.campaigns)
        known += (known.empty() ? "" : ", ") + campaign.id;
      return Error::InvalidInput("--campaign: no campaign '" + *options_.campaign +
                                 "'; campaigns: " + (known.empty() ? "(none)" : known));
    }
    reported_ids.push_back(index);
  } else {
    for (size_t k = 0; k < scenario_.campaigns.size(); ++k)
      reported_ids.push_back(static_cast<int>(k));
  }

  BuildSpecs();
  const std::vector<char> all(model_.campaigns.size(), 1);
  with_ = MakeRunPlan(model_, all);
  columns_ = std::make_unique<Columns>(scenarios_);
  for (size_t p = 0; p < specs_.size(); ++p) {
    achieved_column_.push_back(columns_->Add());
    covered_column_.push_back(columns_->Add());
  }
  for (size_t s = 0; s < model_.spaces.size(); ++s) refused_column_.push_back(columns_->Add());
  for (int k : reported_ids) {
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
    for (size_t i = 0; i < reported.resources.resources.size(); ++i) {
      reported.peak_with.push_back(columns_->Add());
      reported.peak_without.push_back(columns_->Add());
      reported.util_with.push_back(columns_->Add());
      reported.util_without.push_back(columns_->Add());
    }
    if (options_.collect_series) {
      reported.series_first_day = std::max(0, reported.resources.first_day - 7);
      const int days = reported.resources.last_day - reported.series_first_day + 1;
      for (size_t i = 0; i < reported.resources.resources.size(); ++i) {
        for (auto* table : {&reported.series_arrivals, &reported.series_backlog,
                            &reported.series_arrivals_without, &reported.series_backlog_without}) {
          table->emplace_back();
          for (int d = 0; d < days; ++d) table->back().push_back(columns_->Add());
        }
      }
    }
    reported.revenue = columns_->Add();
    reported.incremental = columns_->Add();
    reported.incremental_units = columns_->Add();
    reported.incremental_cost = columns_->Add();
    reported_.push_back(std::move(reported));
  }

  // Snapshots of the "with" run: where each "without" run forks from it, and where it may stop
  // early once it has caught up with it (after the campaign's period and once the plans agree).
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

  SimulateAll();
  ComputeStories();

  CheckResult result;
  result.name = scenario_.name;
  result.currency = scenario_.currency;
  result.scenarios = scenarios_;
  result.seed = seed_;
  result.confidence = scenario_.simulation.confidence;
  result.step = scenario_.simulation.step;
  result.horizon = scenario_.horizon;
  for (const ReportedCampaign& reported : reported_) {
    result.campaigns.push_back(SummariseCampaign(reported));
    result.verdict = Worse(result.verdict, result.campaigns.back().verdict);
  }
  if (options_.collect_series) {
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
      for (const ChunkSums& chunk : chunk_sums_) {
        if (chunk.daily_arrivals.empty()) continue;
        for (size_t day = 0; day < days; ++day)
          calendar.arrivals[day] += chunk.daily_arrivals[r * all_days + day];
      }
      for (double& value : calendar.arrivals) value /= static_cast<double>(scenarios_);
      result.resources.push_back(std::move(calendar));
    }
  }
  for (size_t o = 0; o < model_.offerings.size(); ++o) {
    if (!model_.offerings[o].stocked) continue;
    const StockPlan& plan = with_.stock_plans[o];
    SupplyShortfall shortfall;
    shortfall.offering = model_.offerings[o].id;
    for (int day = 0; day < model_.grid.horizon_days; ++day) {
      const double units = plan.shortfall[static_cast<size_t>(day)];
      if (units <= 0) continue;
      if (shortfall.units == 0) shortfall.first_date = model_.grid.DateOfDay(day);
      shortfall.last_date = model_.grid.DateOfDay(day);
      shortfall.units += units;
    }
    if (shortfall.units > 0.5) result.supply.push_back(shortfall);
  }
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
        promise =
            FreeReturnsResult(whole.offerings, 0.0, 0, model_.grid.horizon_days - 1,
                              scenario_.horizon.start, static_cast<int>(i), scenario_.messaging[i]);
      } else {
        promise = ClaimResult(whole, static_cast<int>(i), scenario_.messaging[i]);
      }
    }
    if (promise.status == PromiseStatus::kBroken)
      result.verdict = Worse(result.verdict, Verdict::kNoGo);
    if (promise.status == PromiseStatus::kAtRisk)
      result.verdict = Worse(result.verdict, Verdict::kAtRisk);
    result.messaging.push_back(std::move(promise));
  }
  return result;
}

}  // namespace
}  // namespace engine

namespace engine {

Result<CheckResult> Evaluate(const Scenario& scenario, const CheckOptions& options,
                             const EvaluateOptions& evaluate,
                             std::vector<ExtraResult>* extra_results) {
  if (options.start != nullptr) {
    if (options.mode != CheckMode::kFluid)
      return Error::InvalidInput("a check continued from a state runs in fluid mode only");
    const std::vector<std::string> problems = ValidateStart(scenario, *options.start);
    if (!problems.empty()) return Error::InvalidInput("start state: " + problems.front());
  }
  try {
    CheckRunner runner(scenario, options, evaluate);
    Result<CheckResult> result = runner.Run();
    if (result.ok() && extra_results != nullptr) runner.ExtraResults(extra_results);
    return result;
  } catch (const std::bad_alloc&) {
    return Error::Internal("out of memory during the check; try fewer scenarios or a longer step");
  } catch (const std::exception& error) {
    return Error::Internal(std::string("internal error during the check: ") + error.what());
  }
}

}  // namespace engine

Result<CheckResult> RunCheck(const Scenario& scenario, const CheckOptions& options) {
  engine::EvaluateOptions evaluate;
  // A continued run's economics would miss the history: the runs without a campaign are skipped.
  evaluate.economics = options.start == nullptr;
  return engine::Evaluate(scenario, options, evaluate, nullptr);
}

}  // namespace tandem
