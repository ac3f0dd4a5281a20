#include "engine/compiled_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

#include "tandem/engine/demand_forecast.h"
#include "tandem/model/components.h"

namespace tandem::engine {
namespace {

constexpr int kMinTailDays = 7;
constexpr int kMaxTailDays = 120;

double DeadlineDays(const Promise& promise) {
  return Duration::Minutes(promise.within.LongestMinutes()).days();
}

// Intraday shape over the steps of a day, summing to 1.
std::vector<double> ShapeFor(const Baseline& baseline, int steps_per_day, int64_t step_minutes) {
  std::array<double, 24> hourly{};
  switch (baseline.intraday) {
    case IntradayShape::kFlat:
      hourly.fill(1);
      break;
    case IntradayShape::kOffice:
      for (int hour = 9; hour < 17; ++hour) hourly[static_cast<size_t>(hour)] = 1;
      break;
    case IntradayShape::kEvening:
      for (int hour = 17; hour < 23; ++hour) hourly[static_cast<size_t>(hour)] = 1;
      break;
    case IntradayShape::kWeights:
      hourly = baseline.intraday_weights;
      break;
  }
  double total = 0;
  for (double weight : hourly) total += weight;
  std::vector<double> shape(static_cast<size_t>(steps_per_day), 0.0);
  for (int step = 0; step < steps_per_day; ++step) {
    const int64_t from = step * step_minutes;
    const int64_t to = from + step_minutes;
    double weight = 0;
    for (int64_t minute_hour = from / 60; minute_hour * 60 < to; ++minute_hour) {
      const int64_t overlap =
          std::min(to, (minute_hour + 1) * 60) - std::max(from, minute_hour * 60);
      if (overlap > 0)
        weight += hourly[static_cast<size_t>(minute_hour)] * static_cast<double>(overlap) / 60.0;
    }
    shape[static_cast<size_t>(step)] = weight / total;
  }
  return shape;
}

// Parameters of a throughput resource in force on a day.
struct InForce {
  double capacity_per_hour;
  const Calendar* calendar;
  Duration processing_time;
  double cost_per_unit;
};

}  // namespace

std::string TimeGrid::FormatTime(double step) const {
  const int64_t whole = static_cast<int64_t>(std::floor(step));
  const Date date = DateOfDay(DayOf(whole));
  const double minutes_into_day =
      (step - static_cast<double>(static_cast<int64_t>(DayOf(whole)) * steps_per_day)) *
      static_cast<double>(step_minutes);
  int minute = static_cast<int>(std::round(minutes_into_day));
  minute = std::clamp(minute, 0, kMinutesPerDay - 1);
  return date.ToShortString() + " " + FormatTimeOfDay(minute);
}

TimeGrid MakeGrid(const Scenario& scenario, const CheckOptions& options) {
  TimeGrid grid;
  grid.start = scenario.horizon.start;
  grid.horizon_days = scenario.horizon.days();
  grid.step_minutes = scenario.simulation.step.minutes;
  grid.steps_per_day = static_cast<int32_t>(kMinutesPerDay / grid.step_minutes);

  // --- tail: long enough for every horizon order's consequences -----------------------------
  double needed_days = options.min_tail_days;
  auto consider_promise = [&](const Promise& promise) {
    if (promise.IsTimePromise()) needed_days = std::max(needed_days, DeadlineDays(promise));
  };
  for (const Promise& promise : scenario.messaging) consider_promise(promise);
  for (const Campaign& campaign : scenario.campaigns) {
    for (const Promise& promise : campaign.promises) consider_promise(promise);
  }
  bool any_free_returns = false;
  for (const Campaign& campaign : scenario.campaigns) {
    for (const Promise& promise : campaign.promises)
      any_free_returns = any_free_returns || promise.type == PromiseType::kFreeReturns;
  }
  for (const Offering& offering : scenario.offerings) {
    double route_days = offering.transit.days();
    for (const RouteStep& step : offering.route) {
      const Resource* resource = scenario.FindResource(step.resource);
      Duration longest = resource->processing_time;
      for (const ResourceChange& change : resource->changes) {
        if (change.processing_time) longest = std::max(longest, *change.processing_time);
      }
      route_days += longest.days();
    }
    if (offering.return_rate > 0 || !offering.returns.empty() || any_free_returns) {
      needed_days = std::max(needed_days, route_days + offering.return_lag.days() + 1);
    }
    for (const Load& load : offering.loads)
      needed_days = std::max(needed_days, load.lag.days() + 1);
    if (offering.stocked && offering.supply) {
      needed_days = std::max(needed_days, offering.supply->lead_time.days() + 1);
    }
  }
  grid.tail_days = std::clamp(static_cast<int32_t>(std::ceil(needed_days)) + kMinTailDays,
                              kMinTailDays, kMaxTailDays);
  grid.total_days = grid.horizon_days + grid.tail_days;
  grid.horizon_steps = static_cast<int64_t>(grid.horizon_days) * grid.steps_per_day;
  grid.total_steps = static_cast<int64_t>(grid.total_days) * grid.steps_per_day;
  return grid;
}

namespace {

// Which throughput resource (index into model.resources) the scenario's resource `id` is.
int ThroughputIndex(const CompiledModel& model, const Scenario& scenario, const std::string& id) {
  return model.throughput_index[static_cast<size_t>(scenario.ResourceIndex(id))];
}

// The index of `shape` in model.shapes, added when new.
int ShapeId(CompiledModel* model, const std::vector<double>& shape) {
  for (size_t i = 0; i < model->shapes.size(); ++i) {
    if (model->shapes[i] == shape) return static_cast<int>(i);
  }
  model->shapes.push_back(shape);
  return static_cast<int>(model->shapes.size()) - 1;
}

// The ISO weeks of the horizon: where each starts, and each day's week.
void CompileWeeks(CompiledModel* model) {
  CompiledModel& m = *model;
  const TimeGrid& grid = m.grid;
  int last_key = -1;
  for (int32_t day = 0; day < grid.horizon_days; ++day) {
    const Date date = grid.DateOfDay(day);
    const int key = date.iso_week_key();
    if (key != last_key) {
      m.week_start.push_back(date);
      last_key = key;
    }
    m.week_of_day.push_back(static_cast<int>(m.week_start.size()) - 1);
  }
  m.num_weeks = static_cast<int>(m.week_start.size());
}

// A throughput resource's per-step capacity, cost, processing time and open hours, following
// its changes day by day.
ThroughputResource CompileThroughput(const Scenario& scenario, const Resource& resource,
                                     const TimeGrid& grid) {
  const size_t total_steps = static_cast<size_t>(grid.total_steps);
  const int spd = grid.steps_per_day;
  ThroughputResource compiled;
  compiled.id = resource.id;
  compiled.unit = resource.unit;
  compiled.base_capacity.assign(total_steps, 0.0);
  compiled.cost_per_unit.assign(total_steps, 0.0);
  compiled.processing_steps.assign(total_steps, 0.0f);
  compiled.open_hours.assign(total_steps, 0.0);
  compiled.day_capacity.assign(static_cast<size_t>(grid.total_days), 0.0);
  if (resource.expansion) {
    compiled.has_expansion = true;
    compiled.expansion_cost_per_unit = resource.expansion->cost_per_unit;
    compiled.expansion_extra_per_hour = resource.expansion->extra_per_hour;
  }
  InForce in_force{resource.capacity,
                   resource.calendar.empty() ? nullptr : scenario.FindCalendar(resource.calendar),
                   resource.processing_time, resource.cost_per_unit};
  size_t next_change = 0;
  for (int32_t day = 0; day < grid.total_days; ++day) {
    const Date date = grid.DateOfDay(day);
    while (next_change < resource.changes.size() && resource.changes[next_change].from <= date) {
      const ResourceChange& change = resource.changes[next_change];
      if (change.capacity) in_force.capacity_per_hour = *change.capacity;
      if (change.calendar) {
        in_force.calendar =
            change.calendar->empty() ? nullptr : scenario.FindCalendar(*change.calendar);
      }
      if (change.processing_time) in_force.processing_time = *change.processing_time;
      if (change.cost_per_unit) in_force.cost_per_unit = *change.cost_per_unit;
      ++next_change;
    }
    const float processing = static_cast<float>(grid.StepsFrom(in_force.processing_time));
    for (int step = 0; step < spd; ++step) {
      const size_t t =
          static_cast<size_t>(day) * static_cast<size_t>(spd) + static_cast<size_t>(step);
      const MinuteOfDay from = static_cast<MinuteOfDay>(step * grid.step_minutes);
      const MinuteOfDay to = static_cast<MinuteOfDay>(from + grid.step_minutes);
      const double open_minutes =
          in_force.calendar == nullptr
              ? static_cast<double>(to - from)
              : static_cast<double>(in_force.calendar->OpenMinutes(date, from, to));
      compiled.open_hours[t] = open_minutes / 60.0;
      compiled.base_capacity[t] = in_force.capacity_per_hour * open_minutes / 60.0;
      compiled.cost_per_unit[t] = in_force.cost_per_unit;
      compiled.processing_steps[t] = processing;
      compiled.day_capacity[static_cast<size_t>(day)] += compiled.base_capacity[t];
    }
  }
  compiled.next_open.assign(total_steps + 1, static_cast<int32_t>(total_steps));
  for (int64_t t = grid.total_steps - 1; t >= 0; --t) {
    const size_t index = static_cast<size_t>(t);
    compiled.next_open[index] =
        compiled.base_capacity[index] > 0 ? static_cast<int32_t>(t) : compiled.next_open[index + 1];
  }
  return compiled;
}

// Space resources as they are; throughput resources step by step (CompileThroughput).
void CompileResources(const Scenario& scenario, CompiledModel* model) {
  CompiledModel& m = *model;
  m.throughput_index.assign(scenario.resources.size(), -1);
  m.space_index.assign(scenario.resources.size(), -1);
  for (size_t i = 0; i < scenario.resources.size(); ++i) {
    const Resource& resource = scenario.resources[i];
    if (resource.kind == ResourceKind::kSpace) {
      SpaceResource space;
      space.scenario_index = static_cast<int>(i);
      space.id = resource.id;
      space.unit = resource.unit;
      space.capacity = resource.capacity;
      m.space_index[i] = static_cast<int>(m.spaces.size());
      m.spaces.push_back(space);
      continue;
    }
    if (resource.kind != ResourceKind::kThroughput) continue;
    ThroughputResource compiled = CompileThroughput(scenario, resource, m.grid);
    compiled.scenario_index = static_cast<int>(i);
    compiled.booked_extra.resize(scenario.campaigns.size());
    m.throughput_index[i] = static_cast<int>(m.resources.size());
    m.resources.push_back(std::move(compiled));
  }
}

// Bookings: extra capacity per open hour of the resource's calendar.
void CompileBookings(const Scenario& scenario, CompiledModel* model) {
  const TimeGrid& grid = model->grid;
  const size_t total_steps = static_cast<size_t>(grid.total_steps);
  const int spd = grid.steps_per_day;
  for (size_t k = 0; k < scenario.campaigns.size(); ++k) {
    for (const Booking& booking : scenario.campaigns[k].bookings) {
      ThroughputResource& resource =
          model
              ->resources[static_cast<size_t>(ThroughputIndex(*model, scenario, booking.resource))];
      std::vector<double>& extra = resource.booked_extra[k];
      if (extra.empty()) extra.assign(total_steps, 0.0);
      const int32_t first = booking.from - grid.start;
      const int32_t last = booking.until - grid.start;
      for (int32_t day = std::max(first, 0); day <= last && day < grid.total_days; ++day) {
        for (int step = 0; step < spd; ++step) {
          const size_t t =
              static_cast<size_t>(day) * static_cast<size_t>(spd) + static_cast<size_t>(step);
          extra[t] += booking.extra_per_hour * resource.open_hours[t];
        }
      }
    }
  }
}

// Expected baseline per day over the whole grid (the tail continues the pattern, for stock
// planning; no demand is drawn there).
std::vector<double> ExpectedPerDay(const Baseline& baseline, const TimeGrid& grid) {
  std::vector<double> expected_per_day(static_cast<size_t>(grid.total_days), 0.0);
  std::array<double, 7> weekly{1, 1, 1, 1, 1, 1, 1};
  if (baseline.weekly) {
    double mean = 0;
    for (double weight : *baseline.weekly) mean += weight / 7.0;
    for (size_t i = 0; i < 7; ++i) weekly[i] = (*baseline.weekly)[i] / mean;
  }
  if (baseline.per_day) {
    for (int32_t day = 0; day < grid.total_days; ++day) {
      expected_per_day[static_cast<size_t>(day)] =
          *baseline.per_day * weekly[static_cast<size_t>(grid.DateOfDay(day).weekday())];
    }
  } else {
    HistoryForecast forecast = ForecastFromHistory(baseline.history);
    if (baseline.weekly) forecast.weekly = weekly;
    for (int32_t day = 0; day < grid.total_days; ++day) {
      expected_per_day[static_cast<size_t>(day)] = forecast.At(grid.DateOfDay(day));
    }
  }
  return expected_per_day;
}

CompiledOffering CompileOffering(const Scenario& scenario, const Offering& offering,
                                 CompiledModel* model) {
  const TimeGrid& grid = model->grid;
  const int spd = grid.steps_per_day;
  CompiledOffering compiled;
  compiled.id = offering.id;
  compiled.name = offering.name.empty() ? offering.id : offering.name;
  compiled.price = offering.price;
  compiled.unit_cost = offering.unit_cost;
  compiled.volume = offering.volume;
  compiled.stocked = offering.stocked;
  compiled.initial_stock = offering.stock;
  compiled.start_stock = offering.stock;
  if (!offering.space.empty()) {
    compiled.space =
        model->space_index[static_cast<size_t>(scenario.ResourceIndex(offering.space))];
  }
  if (offering.supply) {
    compiled.supply_per_day = offering.supply->per_day;
    compiled.first_receipt_day =
        static_cast<int>(std::ceil(offering.supply->lead_time.days() - 1e-9));
    compiled.safety_days = offering.supply->safety_days;
  }
  compiled.base_return_rate = offering.return_rate;
  compiled.return_lag_steps = grid.StepsFrom(offering.return_lag);
  if (!offering.returns.empty())
    compiled.returns_resource = ThroughputIndex(*model, scenario, offering.returns);
  for (const RouteStep& step : offering.route) {
    RouteStage stage;
    stage.resource = ThroughputIndex(*model, scenario, step.resource);
    stage.per_unit = step.per_unit;
    compiled.route_processing_steps += static_cast<double>(
        model->resources[static_cast<size_t>(stage.resource)].processing_steps[0]);
    compiled.route.push_back(stage);
  }
  compiled.transit_steps = grid.StepsFrom(offering.transit);
  for (const Load& load : offering.loads) {
    SideLoad side;
    side.resource = ThroughputIndex(*model, scenario, load.resource);
    side.per_unit = load.per_unit;
    side.lag_steps = grid.StepsFrom(load.lag);
    compiled.loads.push_back(side);
  }
  compiled.expected_per_day = ExpectedPerDay(offering.baseline, grid);
  compiled.shape = ShapeId(model, ShapeFor(offering.baseline, spd, grid.step_minutes));
  compiled.noise_cv = offering.baseline.noise_cv;
  compiled.noise_none = offering.baseline.noise_none;
  return compiled;
}

void CompileOfferings(const Scenario& scenario, CompiledModel* model) {
  for (const Offering& offering : scenario.offerings) {
    model->offerings.push_back(CompileOffering(scenario, offering, model));
    model->offerings.back().stream_key = model->offerings.size() - 1;
  }
  CompiledModel& m = *model;
  for (size_t s = 0; s < m.spaces.size(); ++s) {
    for (size_t o = 0; o < m.offerings.size(); ++o) {
      if (m.offerings[o].space == static_cast<int>(s))
        m.spaces[s].offerings.push_back(static_cast<int>(o));
    }
  }
}

// A campaign's profile: the weights stretched over the window's days, area-preserving,
// normalised to mean 1 (all 1 without a profile).
std::vector<double> WeightByDay(const std::vector<double>& profile, int window_days) {
  std::vector<double> weight_by_day(static_cast<size_t>(window_days), 1.0);
  if (!profile.empty()) {
    const double parts = static_cast<double>(profile.size());
    double mean = 0;
    for (int day = 0; day < window_days; ++day) {
      const double from = day * parts / window_days;
      const double to = (day + 1) * parts / window_days;
      double area = 0;
      for (size_t part = static_cast<size_t>(std::floor(from));
           part < profile.size() && static_cast<double>(part) < to; ++part) {
        const double overlap =
            std::min(to, static_cast<double>(part + 1)) - std::max(from, static_cast<double>(part));
        if (overlap > 0) area += overlap * profile[part];
      }
      weight_by_day[static_cast<size_t>(day)] = area / (to - from);
      mean += weight_by_day[static_cast<size_t>(day)] / window_days;
    }
    for (double& weight : weight_by_day) weight = mean > 0 ? weight / mean : 1.0;
  }
  return weight_by_day;
}

CompiledCampaign CompileCampaign(const Scenario& scenario, const Campaign& campaign,
                                 const CompiledModel* model) {
  const TimeGrid& grid = model->grid;
  CompiledCampaign compiled;
  compiled.id = campaign.id;
  compiled.first_day = campaign.window.start - grid.start;
  compiled.last_day = campaign.window.end - grid.start;
  compiled.covers.assign(model->offerings.size(), 0);
  for (const std::string& id : campaign.offerings) {
    const int index = scenario.OfferingIndex(id);
    compiled.offerings.push_back(index);
    compiled.covers[static_cast<size_t>(index)] = 1;
  }
  compiled.discount = campaign.discount;
  compiled.spend = campaign.spend;
  compiled.lift_certain = campaign.lift.certain;
  if (campaign.lift.certain) {
    compiled.lift_value = campaign.lift.expected;
    compiled.lift_mean = std::max(-1.0, campaign.lift.expected);
  } else {
    compiled.lift_log_median = std::log(1 + campaign.lift.expected);
    compiled.lift_sigma =
        (std::log(1 + campaign.lift.high) - std::log(1 + campaign.lift.low)) / (2 * 1.645);
    compiled.lift_mean =
        (1 + campaign.lift.expected) * std::exp(0.5 * compiled.lift_sigma * compiled.lift_sigma) -
        1;
  }
  compiled.weight_by_day =
      WeightByDay(campaign.profile, compiled.last_day - compiled.first_day + 1);
  compiled.cap_by_offering.assign(model->offerings.size(), -1.0);
  if (campaign.cap.total) {
    compiled.has_cap = true;
    compiled.cap_total = *campaign.cap.total;
  }
  for (const auto& [id, units] : campaign.cap.by_offering) {
    compiled.has_cap = true;
    compiled.cap_by_offering[static_cast<size_t>(scenario.OfferingIndex(id))] = units;
  }
  for (const Promise& promise : campaign.promises) {
    if (promise.type != PromiseType::kFreeReturns) continue;
    const std::vector<std::string>& ids =
        promise.offerings.empty() ? campaign.offerings : promise.offerings;
    for (const std::string& id : ids) {
      compiled.free_returns.push_back(
          {scenario.OfferingIndex(id), promise.return_rate, promise.cost ? *promise.cost : -1.0});
    }
  }
  return compiled;
}

// An offering may return units when it has a return rate or a campaign's free returns do.
void MarkReturningOfferings(CompiledModel* model) {
  CompiledModel& m = *model;
  for (size_t o = 0; o < m.offerings.size(); ++o) {
    CompiledOffering& offering = m.offerings[o];
    offering.may_return = offering.base_return_rate > 0;
    for (const CompiledCampaign& campaign : m.campaigns) {
      for (const CompiledCampaign::FreeReturns& policy : campaign.free_returns) {
        if (policy.offering == static_cast<int>(o) && policy.rate > 0) offering.may_return = true;
      }
    }
  }
}

// The step order of resources: topological over route and return edges.
void OrderResources(CompiledModel* model) {
  CompiledModel& m = *model;
  const size_t num_resources = m.resources.size();
  std::vector<std::vector<int>> successors(num_resources);
  std::vector<int> indegree(num_resources, 0);
  auto add_edge = [&](int from, int to) {
    if (from == to) return;
    std::vector<int>& next = successors[static_cast<size_t>(from)];
    if (std::find(next.begin(), next.end(), to) != next.end()) return;
    next.push_back(to);
    indegree[static_cast<size_t>(to)] += 1;
  };
  for (const CompiledOffering& offering : m.offerings) {
    for (size_t j = 0; j + 1 < offering.route.size(); ++j) {
      add_edge(offering.route[j].resource, offering.route[j + 1].resource);
    }
    if (offering.may_return && offering.returns_resource >= 0 && !offering.route.empty()) {
      add_edge(offering.route.back().resource, offering.returns_resource);
    }
  }
  std::vector<char> placed(num_resources, 0);
  while (m.order.size() < num_resources) {
    int pick = -1;
    for (size_t r = 0; r < num_resources && pick < 0; ++r) {
      if (!placed[r] && indegree[r] == 0) pick = static_cast<int>(r);
    }
    for (size_t r = 0; r < num_resources && pick < 0; ++r) {
      if (!placed[r]) pick = static_cast<int>(r);  // a cycle: break it in file order
    }
    placed[static_cast<size_t>(pick)] = 1;
    m.order.push_back(pick);
    for (int next : successors[static_cast<size_t>(pick)]) indegree[static_cast<size_t>(next)] -= 1;
  }
  m.order_position.assign(num_resources, 0);
  for (size_t position = 0; position < m.order.size(); ++position) {
    m.order_position[static_cast<size_t>(m.order[position])] = static_cast<int>(position);
  }
}

// Flow classes: per resource, the arrivals that go on to the same next resource.
void CompileFlowClasses(CompiledModel* model) {
  CompiledModel& m = *model;
  const size_t num_resources = m.resources.size();
  std::map<std::tuple<int, int, int, double>, int> class_ids;
  auto make_class = [&](FlowClass flow_class) {
    const auto key = std::make_tuple(flow_class.resource, flow_class.next_resource,
                                     flow_class.next_class, flow_class.ratio);
    auto found = class_ids.find(key);
    if (found != class_ids.end()) return found->second;
    const int id = static_cast<int>(m.classes.size());
    flow_class.back_edge = m.order_position[static_cast<size_t>(flow_class.next_resource)] <=
                           m.order_position[static_cast<size_t>(flow_class.resource)];
    m.classes.push_back(flow_class);
    class_ids.emplace(key, id);
    return id;
  };
  for (CompiledOffering& offering : m.offerings) {
    if (offering.route.empty()) continue;
    offering.route.back().flow_class = -1;
    for (size_t j = offering.route.size() - 1; j-- > 0;) {
      FlowClass forward;
      forward.resource = offering.route[j].resource;
      forward.next_resource = offering.route[j + 1].resource;
      forward.next_class = offering.route[j + 1].flow_class;
      forward.ratio = offering.route[j + 1].per_unit / offering.route[j].per_unit;
      offering.route[j].flow_class = make_class(forward);
    }
  }
  m.classes_at.assign(num_resources, {});
  for (size_t c = 0; c < m.classes.size(); ++c) {
    m.classes_at[static_cast<size_t>(m.classes[c].resource)].push_back(static_cast<int>(c));
  }
}

// A resource whose every arrival belongs to one class: its departures are that class's.
void MarkSingleClassResources(CompiledModel* model) {
  CompiledModel& m = *model;
  const size_t num_resources = m.resources.size();
  std::vector<std::vector<int>> inflow(num_resources);  // class ids of flows in; -1 untracked
  for (const CompiledOffering& offering : m.offerings) {
    for (const RouteStage& stage : offering.route)
      inflow[static_cast<size_t>(stage.resource)].push_back(stage.flow_class);
    for (const SideLoad& load : offering.loads)
      inflow[static_cast<size_t>(load.resource)].push_back(-1);
    if (offering.may_return && offering.returns_resource >= 0) {
      inflow[static_cast<size_t>(offering.returns_resource)].push_back(-1);
    }
  }
  m.single_class.assign(num_resources, 0);
  for (size_t r = 0; r < num_resources; ++r) {
    const std::vector<int>& flows = inflow[r];
    bool single = !flows.empty() && flows.front() >= 0;
    for (int flow : flows) single = single && flow == flows.front();
    m.single_class[r] = single ? 1 : 0;
  }
}

// Step-major copies of the resources' per-step tables.
void FillStepTables(CompiledModel* model) {
  CompiledModel& m = *model;
  const size_t num_resources = m.resources.size();
  const size_t total_steps = static_cast<size_t>(m.grid.total_steps);
  m.step_base_capacity.assign(total_steps * num_resources, 0.0);
  m.step_cost_per_unit.assign(total_steps * num_resources, 0.0);
  m.step_processing.assign(total_steps * num_resources, 0.0);
  for (size_t r = 0; r < num_resources; ++r) {
    const ThroughputResource& resource = m.resources[r];
    for (size_t t = 0; t < total_steps; ++t) {
      m.step_base_capacity[t * num_resources + r] = resource.base_capacity[t];
      m.step_cost_per_unit[t * num_resources + r] = resource.cost_per_unit[t];
      m.step_processing[t * num_resources + r] = static_cast<double>(resource.processing_steps[t]);
    }
  }
}

// Arrival groups: route entries (no delay) and side loads (delayed).
void CompileArrivalGroups(CompiledModel* model) {
  CompiledModel& m = *model;
  std::map<std::tuple<int, int, int, double>, int> group_ids;
  auto make_group = [&](int resource, int flow_class, int shape, double shift) {
    const auto key = std::make_tuple(resource, flow_class, shape, shift);
    auto found = group_ids.find(key);
    if (found != group_ids.end()) return found->second;
    const int id = static_cast<int>(m.groups.size());
    m.groups.push_back({resource, flow_class, shape, shift});
    group_ids.emplace(key, id);
    return id;
  };
  for (CompiledOffering& offering : m.offerings) {
    if (!offering.route.empty()) {
      offering.entry_group =
          make_group(offering.route[0].resource, offering.route[0].flow_class, offering.shape, 0.0);
    }
    for (SideLoad& load : offering.loads)
      load.group = make_group(load.resource, -1, offering.shape, load.lag_steps);
  }
}

void CompileComponents(const Scenario& scenario, CompiledModel* model) {
  const ResourceComponents components = FindComponents(scenario);
  model->num_components = std::max(1, components.count);
  model->offering_component = components.offering;
  model->campaign_component = components.campaign;
  model->resource_component.assign(model->resources.size(), 0);
  for (size_t r = 0; r < model->resources.size(); ++r) {
    model->resource_component[r] =
        components.resource[static_cast<size_t>(model->resources[r].scenario_index)];
  }
}

}  // namespace

CompiledModel Compile(const Scenario& scenario, const CheckOptions& options) {
  return Compile(scenario, options, nullptr);
}

CompiledModel Compile(const Scenario& scenario, const CheckOptions& options,
                      const SubModelKeys* keys) {
  CompiledModel model;
  model.scenario = &scenario;
  model.grid = keys != nullptr ? keys->grid : MakeGrid(scenario, options);
  CompileWeeks(&model);
  CompileResources(scenario, &model);
  CompileBookings(scenario, &model);
  CompileOfferings(scenario, &model);
  if (keys != nullptr) {
    for (size_t o = 0; o < model.offerings.size(); ++o)
      model.offerings[o].stream_key = keys->offering_stream_key[o];
  }
  for (const Campaign& campaign : scenario.campaigns) {
    model.campaigns.push_back(CompileCampaign(scenario, campaign, &model));
    const size_t k = model.campaigns.size() - 1;
    model.campaigns.back().stream_key = keys != nullptr ? keys->campaign_stream_key[k] : k;
  }
  MarkReturningOfferings(&model);
  OrderResources(&model);
  CompileFlowClasses(&model);
  MarkSingleClassResources(&model);
  FillStepTables(&model);
  CompileArrivalGroups(&model);
  CompileComponents(scenario, &model);
  if (options.start != nullptr) ApplyStart(*options.start, &model);
  return model;
}

}  // namespace tandem::engine
