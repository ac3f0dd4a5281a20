// The scenario compiled for simulation: dense arrays indexed by step and day, resolved
// references, intraday shapes, flow classes and a step order of the resources.
//
// Time: step 0 starts at 00:00 of horizon.start. The horizon is followed by a tail of days with
// no new demand, long enough for late units, returns and side loads of horizon orders to
// resolve; under FIFO, orders after the horizon could not delay earlier ones, so the tail
// changes no horizon order's lead time. Private to the engine.
#ifndef TANDEM_SRC_ENGINE_COMPILED_MODEL_H_
#define TANDEM_SRC_ENGINE_COMPILED_MODEL_H_

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tandem/common/date.h"
#include "tandem/engine/check.h"
#include "tandem/model/scenario.h"

namespace tandem::engine {

inline constexpr double kNever = std::numeric_limits<double>::infinity();

struct TimeGrid {
  Date start;
  int32_t horizon_days = 0;
  int32_t tail_days = 0;
  int32_t total_days = 0;
  int32_t steps_per_day = 24;
  int64_t step_minutes = 60;
  int64_t horizon_steps = 0;
  int64_t total_steps = 0;

  double StepsFrom(Duration duration) const {
    return static_cast<double>(duration.minutes) / static_cast<double>(step_minutes);
  }
  double StepHours() const { return static_cast<double>(step_minutes) / 60.0; }
  int32_t DayOf(int64_t step) const { return static_cast<int32_t>(step / steps_per_day); }
  Date DateOfDay(int32_t day) const { return start + day; }
  // "Mon 1 Feb 10:00" for a (fractional) step time.
  std::string FormatTime(double step) const;
};

struct ThroughputResource {
  int scenario_index = 0;
  std::string id;
  std::string unit;
  std::vector<double> base_capacity;    // units startable per step
  std::vector<double> cost_per_unit;    // money per unit started, by step
  std::vector<float> processing_steps;  // processing time in steps, by start step
  std::vector<double> open_hours;       // open hours within each step
  std::vector<int32_t> next_open;       // first step >= t with capacity > 0, or total_steps
  std::vector<double> day_capacity;     // base capacity per day
  bool has_expansion = false;
  double expansion_cost_per_unit = 0;
  double expansion_extra_per_hour = 0;
  std::vector<std::vector<double>> booked_extra;  // per campaign: per step, or empty
};

struct SpaceResource {
  int scenario_index = 0;
  std::string id;
  std::string unit;
  double capacity = 0;
  std::vector<int> offerings;  // stocked offerings held here
};

struct RouteStage {
  int resource = 0;
  double per_unit = 1;
  int flow_class = -1;  // class of this offering's units at this resource (-1 untracked)
};

struct SideLoad {
  int resource = 0;
  double per_unit = 0;
  double lag_steps = 0;
  int group = 0;  // arrival group
};

struct CompiledOffering {
  std::string id;
  // The key of its random streams (BaselineStreamId, IncrementStreamId, OrderStreamId, order
  // keys): its index in the whole scenario. Compile sets its position; a sub-model of one
  // component of the resource graph keeps the whole scenario's, so that it draws the same.
  uint64_t stream_key = 0;
  std::string name;
  double price = 0;
  double unit_cost = 0;
  double volume = 0;
  bool stocked = false;
  double initial_stock = 0;
  int space = -1;  // index into spaces
  double supply_per_day = 0;
  int first_receipt_day = 0;
  double safety_days = 0;
  double base_return_rate = 0;
  double return_lag_steps = 0;
  int returns_resource = -1;  // throughput index
  bool may_return = false;    // some return rate in force is above 0
  std::vector<RouteStage> route;
  double transit_steps = 0;
  double route_processing_steps = 0;  // processing times along the route at horizon start
  std::vector<SideLoad> loads;
  std::vector<double> expected_per_day;  // baseline, every day of the grid
  int shape = 0;
  double noise_cv = 0;
  bool noise_none = false;  // demand equals its expectation (no draws)
  double start_stock = 0;   // in stock when the simulation starts (continued runs: see Continued)
  int entry_group = -1;     // arrival group of units entering the route
};

struct CompiledCampaign {
  std::string id;
  uint64_t stream_key = 0;  // as CompiledOffering::stream_key (LiftStreamId, IncrementStreamId)
  int first_day = 0;        // horizon day index, inclusive
  int last_day = 0;
  std::vector<int> offerings;
  std::vector<char> covers;  // per offering
  double discount = 0;
  double spend = 0;
  bool lift_certain = true;
  double lift_value = 0;       // certain lift
  double lift_log_median = 0;  // ln(1 + expected)
  double lift_sigma = 0;
  double lift_mean = 0;               // E[lift]
  std::vector<double> weight_by_day;  // per window day, mean 1
  bool has_cap = false;
  double cap_total = -1;                // -1 = none
  std::vector<double> cap_by_offering;  // per offering, -1 = none
  struct FreeReturns {
    int offering = 0;
    double rate = 0;
    double cost = -1;  // money per return; -1 = the returns resource's cost
  };
  std::vector<FreeReturns> free_returns;
};

// A class is the part of a resource's arrivals that goes on to the same next resource; its
// units are followed from this resource to the next. (Deliveries and returns are not classes:
// returns are scheduled when units enter their route, see docs/engine.md.)
struct FlowClass {
  int resource = 0;
  int next_resource = -1;
  int next_class = -1;     // the class these units join there (-1: the last stage)
  double ratio = 1;        // work at the next resource per work here
  bool back_edge = false;  // the next resource comes earlier in the step order
};

// Units that arrive at a resource following an intraday shape, shifted by a delay.
struct ArrivalGroup {
  int resource = 0;
  int flow_class = -1;
  int shape = 0;
  double shift_steps = 0;
};

// A continued run (tandem/engine/start_state.h), compiled onto the grid by ApplyStart: the
// resources are closed before `step`, demand starts there, pending work enters at its times.
struct Continued {
  bool active = false;
  int64_t step = 0;  // the first simulated step (a step boundary at or after the start)
  int day = 0;       // its day
  // Per shape: the share of a day's demand at or after `step` on `day`, and the shape of that
  // day restricted to those steps (sums to 1; the full shape when the share is 0).
  std::vector<double> day_share;
  std::vector<std::vector<double>> day_shapes;
  struct Entry {
    int index = 0;      // offering (pending orders) or throughput resource (pending work)
    double time = 0;    // steps since the grid's start
    double units = 0;   // units (orders) or work (pending work)
    int offering = -1;  // pending work: the offering it comes from, -1 unknown
    int day = 0;        // pending work: the horizon day whose promises cover it
  };
  std::vector<Entry> pending_orders;  // sorted by time
  std::vector<Entry> pending_work;    // sorted by time
  double start_minute_steps = 0;      // the start itself, in steps (deadlines at or before it
                                      // are the caller's: settled)
  const StartState* state = nullptr;
};

struct CompiledModel {
  const Scenario* scenario = nullptr;
  TimeGrid grid;
  std::vector<ThroughputResource> resources;
  std::vector<int> throughput_index;  // scenario resource index -> throughput index or -1
  std::vector<int> order;             // resources in step order
  std::vector<int> order_position;    // resource -> position in order
  std::vector<SpaceResource> spaces;
  std::vector<int> space_index;  // scenario resource index -> space index or -1
  std::vector<CompiledOffering> offerings;
  std::vector<std::vector<double>> shapes;  // each [steps_per_day], sums to 1
  std::vector<CompiledCampaign> campaigns;
  std::vector<FlowClass> classes;
  std::vector<std::vector<int>> classes_at;  // per resource
  std::vector<char> single_class;            // per resource: one class takes every arrival
  std::vector<ArrivalGroup> groups;
  // Step-major copies for the simulation's inner loop: [step * resources + resource].
  std::vector<double> step_base_capacity;
  std::vector<double> step_cost_per_unit;
  std::vector<double> step_processing;
  std::vector<int> week_of_day;  // horizon day -> week ordinal
  std::vector<Date> week_start;  // week ordinal -> first horizon day in it
  int num_weeks = 0;
  Continued continued;
  // Connected components of the resource graph (tandem/model/components.h), in canonical
  // order. The engine sums what adds over offerings or resources of several components (the
  // economics' totals, a standing promise's weeks) per component, then the components' sums in
  // this order, so that a check split along components gives the same bits (docs/scale-out.md).
  int num_components = 1;
  std::vector<int> offering_component;  // per offering
  std::vector<int> resource_component;  // per throughput resource
  std::vector<int> campaign_component;  // per campaign

  // The intraday shape of demand on `day`: the offering's own, except on a continued run's
  // first day, where demand starts at the start step.
  const std::vector<double>& ShapeOn(int shape, int day) const {
    if (continued.active && day == continued.day)
      return continued.day_shapes[static_cast<size_t>(shape)];
    return shapes[static_cast<size_t>(shape)];
  }
  // The share of a day's expected demand that is simulated: 1, except in a continued run (0
  // before its start, the part after the start step on its first day).
  double DemandShareOn(int shape, int day) const {
    if (!continued.active || day > continued.day) return 1.0;
    return day < continued.day ? 0.0 : continued.day_share[static_cast<size_t>(shape)];
  }
  // An offering's expected demand on `day` before noise (DrawScenario's mean, and the demand
  // cache's key of it): its expectation times DemandShareOn.
  double DayMeanOf(const CompiledOffering& offering, int day) const {
    return offering.expected_per_day[static_cast<size_t>(day)] * DemandShareOn(offering.shape, day);
  }
};

// The time grid Compile uses: the horizon and a tail long enough for every horizon order's
// consequences (the longest deadline, route, return lag, load lag, lead time). REQUIRES: the
// scenario validated.
TimeGrid MakeGrid(const Scenario& scenario, const CheckOptions& options);

// REQUIRES: the scenario validated. `scenario` must outlive the model.
CompiledModel Compile(const Scenario& scenario, const CheckOptions& options);

// What a sub-model of one component of the resource graph keeps of the whole scenario
// (docs/scale-out.md, "The sub-model"): the whole scenario's grid (a component alone could get a
// shorter tail, hence other steps and weeks) and each offering's and campaign's index in the
// whole scenario as its stream key (so that it draws the same random numbers).
struct SubModelKeys {
  TimeGrid grid;
  std::vector<uint64_t> offering_stream_key;  // per offering of the part
  std::vector<uint64_t> campaign_stream_key;  // per campaign of the part
};

// Compile, with `keys` (when not null) overriding the grid and stream keys. REQUIRES: as
// Compile; keys' vectors sized as the scenario's offerings and campaigns.
CompiledModel Compile(const Scenario& scenario, const CheckOptions& options,
                      const SubModelKeys* keys);

// Compiles options.start into model->continued (closes resources before the start step, sets
// the stock, lifts and pending work). Called by Compile; REQUIRES: ValidateStart(...) passed.
void ApplyStart(const StartState& start, CompiledModel* model);
// Problems of a start state against the scenario (indices, times), one line each; empty if none.
std::vector<std::string> ValidateStart(const Scenario& scenario, const StartState& start);

}  // namespace tandem::engine

#endif  // TANDEM_SRC_ENGINE_COMPILED_MODEL_H_
