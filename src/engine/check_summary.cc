// The check's summaries: per promise (status, binding resource, explanation, series), claims,
// free returns, and per campaign (implicit checks, economics, verdict).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>

#include "engine/check_runner.h"
#include "engine/explain.h"
#include "tandem/common/cpu_counter.h"

namespace tandem::engine {
namespace {

// Launch readiness: the critical path through the tasks; none without readiness.
std::optional<LaunchCheck> LaunchCheckOf(const Campaign& campaign) {
  if (!campaign.readiness) return std::nullopt;
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
  return check;
}

// Budget: campaigns charged in order of window start, then file order.
std::vector<BudgetCheck> BudgetChecks(const Scenario& scenario, size_t k,
                                      const Campaign& campaign) {
  std::vector<BudgetCheck> checks;
  for (const Resource& resource : scenario.resources) {
    if (resource.kind != ResourceKind::kBudget) continue;
    const DateRange period = resource.period ? *resource.period : scenario.horizon;
    if (!period.Contains(campaign.window.start)) continue;
    std::vector<size_t> charged;
    for (size_t j = 0; j < scenario.campaigns.size(); ++j) {
      if (period.Contains(scenario.campaigns[j].window.start)) charged.push_back(j);
    }
    std::stable_sort(charged.begin(), charged.end(), [&](size_t a, size_t b) {
      return scenario.campaigns[a].window.start < scenario.campaigns[b].window.start;
    });
    double available = resource.capacity;
    for (size_t j : charged) {
      if (j == k) break;
      available -= scenario.campaigns[j].spend;
    }
    BudgetCheck check;
    check.resource = resource.id;
    check.spend = campaign.spend;
    check.available = available;
    check.broken = campaign.spend > available + 1e-9;
    checks.push_back(check);
  }

  return checks;
}

// The verdict and its reasons: broken promises, space, launch and budget make it no-go; promises
// at risk and an expected loss after spend make it at risk.
void DecideVerdict(CampaignResult* campaign_result) {
  CampaignResult& result = *campaign_result;
  const Economics& economics = result.economics;
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
}

}  // namespace

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
  return StatusOfColumn(specs_[spec_index], achieved_column_[spec_index], p_kept);
}

PromiseStatus CheckRunner::StatusOfColumn(const PromiseSpec& spec, int column,
                                          double* p_kept) const {
  const std::vector<float>& achieved = columns_->Get(column);
  int64_t kept = 0;
  for (float value : achieved) kept += KeptIn(spec, value) ? 1 : 0;
  *p_kept = static_cast<double>(kept) / static_cast<double>(scenarios_);
  return KeptAtConfidence(kept) ? PromiseStatus::kKept
         : *p_kept >= 0.5       ? PromiseStatus::kAtRisk
                                : PromiseStatus::kBroken;
}

bool CheckRunner::KeptAtConfidence(int64_t kept) const {
  const double p_kept = static_cast<double>(kept) / static_cast<double>(scenarios_);
  return p_kept >= scenario_.simulation.confidence - 1e-12;
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
  const cpu::Timed timed(cpu::Part::kStories, static_cast<int64_t>(wanted.size()));
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
                                : "orders",
                            scenario_.currency);
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

SupplyShortfall CheckRunner::ShortfallOf(int offering, int first_day, int last_day) const {
  const StockPlan& plan = with_.stock_plans[static_cast<size_t>(offering)];
  SupplyShortfall shortfall;
  shortfall.offering = model_.offerings[static_cast<size_t>(offering)].id;
  for (int day = first_day; day <= last_day; ++day) {
    const double units = plan.shortfall[static_cast<size_t>(day)];
    if (units <= 0) continue;
    if (shortfall.units == 0) shortfall.first_date = model_.grid.DateOfDay(day);
    shortfall.last_date = model_.grid.DateOfDay(day);
    shortfall.units += units;
  }
  return shortfall;
}

PromiseResult CheckRunner::ClaimResult(const Campaign& campaign, int index,
                                       const Promise& promise) {
  PromiseResult result;
  result.index = index;
  result.type = promise.type;
  result.promise = promise;
  result.target = 1;
  result.text = promise.Describe("orders", scenario_.currency);
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
                                             int index, const Promise& promise, bool in_campaign) {
  PromiseResult result;
  result.index = index;
  result.type = promise.type;
  result.promise = promise;
  result.target = 1;
  result.text = promise.Describe("orders", scenario_.currency);
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
    PromiseResult::OfferingReturn item;
    item.offering = id;
    item.contribution_after_returns = after;
    item.contribution_before_returns = margin - RouteCost(o, price_date);
    item.return_rate = rate;
    item.base_return_rate = offering.base_return_rate;
    item.return_cost = cost;
    for (int day = first_day; day <= last_day; ++day) {
      item.window_units += with_.expected_counts[static_cast<size_t>(o)][static_cast<size_t>(day)];
      if (in_campaign) item.baseline_units += offering.expected_per_day[static_cast<size_t>(day)];
    }
    result.free_returns.push_back(item);
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

CampaignResult CheckRunner::SummariseCampaign(const ReportedCampaign& reported,
                                              const Campaign& campaign) {
  const int k = reported.campaign;
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
          campaign.window.start, static_cast<int>(i), promise, true));
    } else {
      result.promises.push_back(
          SummariseTimedPromise(static_cast<size_t>(campaign_specs_[static_cast<size_t>(k)][i])));
    }
  }

  result.space = SpaceChecks(reported, compiled);
  result.launch = LaunchCheckOf(campaign);
  result.budget = BudgetChecks(scenario_, static_cast<size_t>(k), campaign);
  result.throughput = ThroughputChecks(reported);
  for (int o : compiled.offerings) {
    if (!model_.offerings[static_cast<size_t>(o)].stocked) continue;
    SupplyShortfall shortfall = ShortfallOf(o, compiled.first_day, compiled.last_day);
    if (shortfall.units > 0.5) result.supply.push_back(std::move(shortfall));
  }

  result.economics = EconomicsOf(reported, campaign, compiled);
  DecideVerdict(&result);
  return result;
}

// Space: the stock plan's peak with every campaign, against capacity.
std::vector<SpaceCheck> CheckRunner::SpaceChecks(const ReportedCampaign& reported,
                                                 const CompiledCampaign& compiled) {
  std::vector<SpaceCheck> checks;
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
    checks.push_back(check);
  }

  return checks;
}

// Throughput, with and without the campaign.
std::vector<ThroughputCheck> CheckRunner::ThroughputChecks(const ReportedCampaign& reported) {
  std::vector<ThroughputCheck> checks;
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
    checks.push_back(check);
  }
  return checks;
}

Economics CheckRunner::EconomicsOf(const ReportedCampaign& reported, const Campaign& campaign,
                                   const CompiledCampaign& compiled) {
  Economics economics;
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

  return economics;
}

}  // namespace tandem::engine
