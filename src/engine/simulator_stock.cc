// The simulator's stock stage: demand served from stock per day, fast when nothing binds
// (docs/engine.md, Stock and space).
#include "engine/simulator.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tandem::engine {

void Simulator::SlowStockDay(const RunPlan& plan, const BatchDemand& demand, int day,
                             const int* group, size_t size, int lane) {
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const bool in_horizon = day < grid.horizon_days;
  const size_t l = static_cast<size_t>(lane);
  const int space = model_.offerings[static_cast<size_t>(group[0])].space;
  // Per offering of the group, for the day (scratch buffers: no allocation per call).
  if (slow_.size() < size) slow_.resize(size);
  for (size_t i = 0; i < size; ++i) {
    const size_t o = static_cast<size_t>(group[i]);
    const CompiledOffering& offering = model_.offerings[o];
    SlowOffering& item = slow_[i];
    item.state = o * kLanes + l;
    item.at_once =
        &at_once_[(o * static_cast<size_t>(grid.total_days) + static_cast<size_t>(day)) * kLanes +
                  l];
    item.received =
        plan.receipts[o].empty() ? 0.0 : plan.receipts[o][static_cast<size_t>(day)] / spd;
    item.count = in_horizon ? demand.counts[o][static_cast<size_t>(day) * kLanes + l] : 0.0;
    item.shape = model_.ShapeOn(offering.shape, day).data();
    item.restocked = 0;
    if (restock_slot_[o] < 0) continue;
    double& cell =
        restock_ring_[(DayRingRow(day) * restock_width_ + static_cast<size_t>(restock_slot_[o])) *
                          kLanes +
                      l];
    item.restocked = cell / spd;  // back in stock over the day
    cell = 0;
  }
  for (int s = 0; s < spd; ++s) {
    const int64_t step = static_cast<int64_t>(day) * spd + s;
    for (size_t i = 0; i < size; ++i) {
      SlowOffering& item = slow_[i];
      const double ordered = in_horizon ? item.count * item.shape[s] : 0.0;
      const size_t state = item.state;
      const double available = stock_[state] + item.received + item.restocked;
      const double wanted = backorders_[state] + ordered;
      const double out = std::min(available, wanted);
      *item.at_once += std::min(std::max(0.0, available - backorders_[state]), ordered);
      stock_[state] = available - out;
      backorders_[state] = wanted - out;
      item.served = out;
    }
    if (space >= 0) {
      const SpaceResource& resource = model_.spaces[static_cast<size_t>(space)];
      double volume = 0;
      double refusable = 0;
      for (size_t i = 0; i < size; ++i) {
        const size_t state = slow_[i].state;
        const double volume_per_unit = model_.offerings[static_cast<size_t>(group[i])].volume;
        volume += stock_[state] * volume_per_unit;
        refusable += std::min(slow_[i].received, stock_[state]) * volume_per_unit;
      }
      if (volume > resource.capacity && refusable > 0) {
        const double factor = std::min(1.0, (volume - resource.capacity) / refusable);
        for (size_t i = 0; i < size; ++i) {
          const size_t state = slow_[i].state;
          const double refused = factor * std::min(slow_[i].received, stock_[state]);
          stock_[state] -= refused;
          if (in_horizon) refused_[static_cast<size_t>(space) * kLanes + l] += refused;
        }
      }
    }
    for (size_t i = 0; i < size; ++i) {
      const size_t o = static_cast<size_t>(group[i]);
      const double served = slow_[i].served;
      EnterRouteLane(group[i], step, lane, served);
      entered_today_[slow_[i].state] += served;
      if (measuring_ && entries_slot_[o] >= 0) {
        entries_[EntryCell(o, step) + l] = served;
      }
    }
  }
}

// StockStage's fast day (the whole day served from stock at once) in all lanes at once: the
// same operations as for one lane, lane-wise.
void Simulator::FastStockLanes(const RunPlan& plan, const BatchDemand& demand, int day, size_t o) {
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const bool in_horizon = day < grid.horizon_days;
  const int64_t first_step = static_cast<int64_t>(day) * spd;
  const double received =
      plan.receipts[o].empty() ? 0.0 : plan.receipts[o][static_cast<size_t>(day)];
  const CompiledOffering& offering = model_.offerings[o];
  const LaneVec units =
      in_horizon ? LoadLanes(&demand.counts[o][static_cast<size_t>(day) * kLanes]) : LaneVec{};
  LaneVec restocked{};
  if (restock_slot_[o] >= 0) {
    double* cell =
        &restock_ring_[(DayRingRow(day) * restock_width_ + static_cast<size_t>(restock_slot_[o])) *
                       kLanes];
    restocked = LoadLanes(cell);
    ZeroLanes(cell);
  }
  const size_t state = o * kLanes;
  StoreLanes(&stock_[state], LoadLanes(&stock_[state]) + ((Splat(received) + restocked) - units));
  ZeroLanes(&backorders_[state]);
  StoreLanes(
      &at_once_[(o * static_cast<size_t>(grid.total_days) + static_cast<size_t>(day)) * kLanes],
      units);
  if (measuring_ && entries_slot_[o] >= 0) {
    const std::vector<double>& shape = model_.ShapeOn(offering.shape, day);
    for (int s = 0; s < spd; ++s) {
      StoreLanes(&entries_[EntryCell(o, first_step + s)], units * shape[static_cast<size_t>(s)]);
    }
  }
  for (size_t lane = 0; lane < kLanes; ++lane) {
    if (units[lane] <= 0) continue;
    entered_today_[state + lane] += units[lane];
    if (!offering.route.empty()) {
      group_coefficient_[static_cast<size_t>(offering.entry_group) * kLanes + lane] +=
          units[lane] * offering.route.front().per_unit;
    }
  }
}

void Simulator::StockStage(const RunPlan& plan, const BatchDemand& demand, int day) {
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const bool in_horizon = day < grid.horizon_days;
  const int64_t first_step = static_cast<int64_t>(day) * spd;
  auto count = [&](size_t o, size_t lane) {
    return in_horizon ? demand.counts[o][static_cast<size_t>(day) * kLanes + lane] : 0.0;
  };
  auto restock_today = [&](size_t o, size_t lane) {
    if (restock_slot_[o] < 0) return 0.0;
    return restock_ring_[(DayRingRow(day) * restock_width_ +
                          static_cast<size_t>(restock_slot_[o])) *
                             kLanes +
                         lane];
  };
  auto received_today = [&](size_t o) {
    return plan.receipts[o].empty() ? 0.0 : plan.receipts[o][static_cast<size_t>(day)];
  };
  // The whole day is served from stock at once: no backorders and enough stock for all of it.
  auto can_fast = [&](size_t o, size_t lane) {
    return backorders_[o * kLanes + lane] <= 1e-9 && stock_[o * kLanes + lane] >= count(o, lane);
  };
  auto fast_day = [&](size_t o, size_t lane) {
    const CompiledOffering& offering = model_.offerings[o];
    const double units = count(o, lane);
    double restocked = 0;
    if (restock_slot_[o] >= 0) {
      double& cell =
          restock_ring_[(DayRingRow(day) * restock_width_ + static_cast<size_t>(restock_slot_[o])) *
                            kLanes +
                        lane];
      restocked = cell;
      cell = 0;
    }
    const size_t state = o * kLanes + lane;
    stock_[state] += received_today(o) + restocked - units;
    backorders_[state] = 0;
    at_once_[(o * static_cast<size_t>(grid.total_days) + static_cast<size_t>(day)) * kLanes +
             lane] = units;
    const std::vector<double>& shape = model_.ShapeOn(offering.shape, day);
    if (measuring_ && entries_slot_[o] >= 0) {
      for (int s = 0; s < spd; ++s) {
        entries_[EntryCell(o, first_step + s) + lane] = units * shape[static_cast<size_t>(s)];
      }
    }
    if (units <= 0) return;
    entered_today_[state] += units;
    if (!offering.route.empty()) {
      group_coefficient_[static_cast<size_t>(offering.entry_group) * kLanes + lane] +=
          units * offering.route.front().per_unit;
    }
  };

  // An offering's day in the lanes `take` flags (each lane on its own: the lanes share no state).
  auto serve = [&](size_t o, const bool* take) {
    bool all = true;
    for (size_t lane = 0; lane < kLanes; ++lane) all = all && take[lane] && can_fast(o, lane);
    if (all) {
      FastStockLanes(plan, demand, day, o);
      return;
    }
    const int one = static_cast<int>(o);
    for (size_t lane = 0; lane < kLanes; ++lane) {
      if (!take[lane]) continue;
      if (can_fast(o, lane)) {
        fast_day(o, lane);
      } else {
        SlowStockDay(plan, demand, day, &one, 1, static_cast<int>(lane));
      }
    }
  };

  bool every[kLanes];
  std::fill_n(every, kLanes, true);
  for (size_t o = 0; o < model_.offerings.size(); ++o) {
    const CompiledOffering& offering = model_.offerings[o];
    if (!offering.stocked || offering.space >= 0) continue;
    serve(o, every);
  }
  for (const SpaceResource& space : model_.spaces) {
    if (space.offerings.empty()) continue;
    // Lanes where nothing can be refused today: there the offerings are independent.
    bool independent[kLanes];
    for (size_t lane = 0; lane < kLanes; ++lane) {
      double volume = 0;
      for (int o : space.offerings) {
        const size_t index = static_cast<size_t>(o);
        volume +=
            (stock_[index * kLanes + lane] + received_today(index) + restock_today(index, lane)) *
            model_.offerings[index].volume;
      }
      independent[lane] = volume <= space.capacity;
      if (!independent[lane]) {
        SlowStockDay(plan, demand, day, space.offerings.data(), space.offerings.size(),
                     static_cast<int>(lane));
      }
    }
    for (int o : space.offerings) serve(static_cast<size_t>(o), independent);
  }
}

}  // namespace tandem::engine
