// Continued runs (tandem/engine/start_state.h) compiled onto the grid. Everything a continued
// run changes is decided here, once, so that the simulator and the measurer only read
// CompiledModel::continued (ShapeOn, DemandShareOn, the pending entries).
#include <algorithm>
#include <cmath>
#include <string>

#include "engine/compiled_model.h"

namespace tandem::engine {

std::vector<std::string> ValidateStart(const Scenario& scenario, const StartState& start) {
  std::vector<std::string> problems;
  const int64_t horizon_minutes = static_cast<int64_t>(scenario.horizon.days()) * kMinutesPerDay;
  const int offerings = static_cast<int>(scenario.offerings.size());
  const int resources = static_cast<int>(scenario.resources.size());
  const int campaigns = static_cast<int>(scenario.campaigns.size());
  auto positive = [](double value) { return std::isfinite(value) && value > 0; };
  if (start.start_minute < 0 || start.start_minute >= horizon_minutes)
    problems.push_back("the start is outside the horizon");
  for (const StartState::PendingOrder& order : start.pending_orders) {
    if (order.offering < 0 || order.offering >= offerings) {
      problems.push_back("a pending order of an unknown offering");
    } else if (!(order.placed_minute >= 0) ||
               !(order.placed_minute <= static_cast<double>(start.start_minute)) ||
               !positive(order.units)) {
      problems.push_back("a pending order of " + scenario.offerings[order.offering].id +
                         " placed outside [horizon start, start] or without units");
    }
  }
  for (const StartState::PendingWork& work : start.pending_work) {
    if (work.resource < 0 || work.resource >= resources ||
        scenario.resources[work.resource].kind != ResourceKind::kThroughput || work.offering < -1 ||
        work.offering >= offerings || !(work.arrival_minute >= 0) || !positive(work.units) ||
        work.day < 0 || work.day >= scenario.horizon.days()) {
      problems.push_back("pending work with an unknown resource or offering, or outside the grid");
    }
  }
  if (!start.stock.empty() && static_cast<int>(start.stock.size()) != offerings)
    problems.push_back("stock needs one entry per offering");
  for (double units : start.stock) {
    if (!std::isfinite(units) || units < 0) problems.push_back("stock must be 0 or more");
  }
  for (const StartState::LiftBelief& belief : start.lift) {
    if (belief.campaign < 0 || belief.campaign >= campaigns || !std::isfinite(belief.log_median) ||
        !std::isfinite(belief.sigma) || belief.sigma < 0) {
      problems.push_back("a lift belief for an unknown campaign, or not finite");
    }
  }
  for (const StartState::Settled& settled : start.settled) {
    const bool known =
        settled.campaign < 0
            ? settled.promise >= 0 && settled.promise < static_cast<int>(scenario.messaging.size())
            : settled.campaign < campaigns && settled.promise >= 0 &&
                  settled.promise <
                      static_cast<int>(scenario.campaigns[settled.campaign].promises.size());
    if (!known || settled.day < 0 || settled.day >= scenario.horizon.days() ||
        !(settled.units >= 0) || !(settled.kept >= 0) || settled.kept > settled.units + 1e-9 ||
        !std::isfinite(settled.units)) {
      problems.push_back("settled units of an unknown promise, or kept above due");
    }
  }
  return problems;
}

void ApplyStart(const StartState& start, CompiledModel* model) {
  const TimeGrid& grid = model->grid;
  const int spd = grid.steps_per_day;
  Continued& continued = model->continued;
  continued.active = true;
  continued.state = &start;
  continued.start_minute_steps =
      static_cast<double>(start.start_minute) / static_cast<double>(grid.step_minutes);
  continued.step = (start.start_minute + grid.step_minutes - 1) / grid.step_minutes;
  continued.day = static_cast<int>(continued.step / spd);
  const size_t first_step_of_day = static_cast<size_t>(continued.step % spd);

  // Demand on the first day: only the steps from the start on.
  for (const std::vector<double>& shape : model->shapes) {
    double share = 0;
    for (size_t s = first_step_of_day; s < shape.size(); ++s) share += shape[s];
    std::vector<double> restricted = shape;
    if (share > 0) {
      for (size_t s = 0; s < restricted.size(); ++s)
        restricted[s] = s < first_step_of_day ? 0.0 : shape[s] / share;
    }
    continued.day_share.push_back(share);
    continued.day_shapes.push_back(std::move(restricted));
  }

  // Nothing is processed before the start: the resources are closed (bookings too).
  const size_t num_resources = model->resources.size();
  const size_t closed_steps =
      static_cast<size_t>(std::min<int64_t>(continued.step, grid.total_steps));
  for (size_t r = 0; r < num_resources; ++r) {
    ThroughputResource& resource = model->resources[r];
    for (size_t t = 0; t < closed_steps; ++t) {
      resource.base_capacity[t] = 0;
      model->step_base_capacity[t * num_resources + r] = 0;
      for (std::vector<double>& extra : resource.booked_extra) {
        if (!extra.empty()) extra[t] = 0;
      }
    }
    for (int day = 0; day <= continued.day && day < grid.total_days; ++day) {
      double capacity = 0;
      for (int s = 0; s < spd; ++s)
        capacity += resource.base_capacity[static_cast<size_t>(day) * static_cast<size_t>(spd) +
                                           static_cast<size_t>(s)];
      resource.day_capacity[static_cast<size_t>(day)] = capacity;
    }
    for (size_t t = closed_steps; t-- > 0;) {
      resource.next_open[t] =
          resource.base_capacity[t] > 0 ? static_cast<int32_t>(t) : resource.next_open[t + 1];
    }
  }

  if (!start.stock.empty()) {
    for (size_t o = 0; o < model->offerings.size(); ++o) {
      if (model->offerings[o].stocked) model->offerings[o].start_stock = start.stock[o];
    }
  }
  // The lift from the start on. The plan's mean lift (lift_mean) stays: the stock plan reads it.
  for (const StartState::LiftBelief& belief : start.lift) {
    CompiledCampaign& campaign = model->campaigns[static_cast<size_t>(belief.campaign)];
    campaign.lift_certain = belief.sigma <= 0;
    campaign.lift_value = std::exp(belief.log_median) - 1.0;
    campaign.lift_log_median = belief.log_median;
    campaign.lift_sigma = belief.sigma;
  }

  const double step_minutes = static_cast<double>(grid.step_minutes);
  for (const StartState::PendingOrder& order : start.pending_orders) {
    Continued::Entry entry;
    entry.index = order.offering;
    entry.time = order.placed_minute / step_minutes;
    entry.units = order.units;
    continued.pending_orders.push_back(entry);
  }
  for (const StartState::PendingWork& work : start.pending_work) {
    Continued::Entry entry;
    entry.index = model->throughput_index[static_cast<size_t>(work.resource)];
    entry.time = work.arrival_minute / step_minutes;
    entry.units = work.units;
    entry.offering = work.offering;
    entry.day = work.day;
    continued.pending_work.push_back(entry);
  }
  auto by_time = [](const Continued::Entry& a, const Continued::Entry& b) {
    return a.time < b.time;
  };
  std::stable_sort(continued.pending_orders.begin(), continued.pending_orders.end(), by_time);
  std::stable_sort(continued.pending_work.begin(), continued.pending_work.end(), by_time);
}

}  // namespace tandem::engine
