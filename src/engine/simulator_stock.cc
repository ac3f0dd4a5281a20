// The simulator's stock stage: demand served from stock per day, fast when nothing binds
// (docs/engine.md, Stock and space).
#include "engine/simulator.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tandem::engine {

void Simulator::SlowStockDay(const RunPlan& plan, const BatchDemand& demand, int day,
                             const std::vector<int>& group, int lane) {
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const bool in_horizon = day < grid.horizon_days;
  const size_t l = static_cast<size_t>(lane);
  const int space = model_.offerings[static_cast<size_t>(group.front())].space;
  const size_t size = group.size();
  std::vector<double> receipts(size);
  std::vector<double> served(size);
  std::vector<double> restocked(size);
  for (size_t i = 0; i < size; ++i) {
    const size_t o = static_cast<size_t>(group[i]);
    if (restock_slot_[o] < 0) continue;
    double& cell =
        restock_ring_[(DayRingRow(day) * restock_width_ + static_cast<size_t>(restock_slot_[o])) *
                          kLanes +
                      l];
    restocked[i] = cell / spd;  // back in stock over the day
    cell = 0;
  }
  for (int s = 0; s < spd; ++s) {
    const int64_t step = static_cast<int64_t>(day) * spd + s;
    for (size_t i = 0; i < size; ++i) {
      const size_t o = static_cast<size_t>(group[i]);
      const CompiledOffering& offering = model_.offerings[o];
      const double received =
          plan.receipts[o].empty() ? 0.0 : plan.receipts[o][static_cast<size_t>(day)] / spd;
      const double ordered = in_horizon
                                 ? demand.counts[o][static_cast<size_t>(day) * kLanes + l] *
                                       model_.ShapeOn(offering.shape, day)[static_cast<size_t>(s)]
                                 : 0.0;
      const size_t state = o * kLanes + l;
      const double available = stock_[state] + received + restocked[i];
      const double wanted = backorders_[state] + ordered;
      const double out = std::min(available, wanted);
      at_once_[(o * static_cast<size_t>(grid.total_days) + static_cast<size_t>(day)) * kLanes +
               l] += std::min(std::max(0.0, available - backorders_[state]), ordered);
      stock_[state] = available - out;
      backorders_[state] = wanted - out;
      receipts[i] = received;
      served[i] = out;
    }
    if (space >= 0) {
      const SpaceResource& resource = model_.spaces[static_cast<size_t>(space)];
      double volume = 0;
      double refusable = 0;
      for (size_t i = 0; i < size; ++i) {
        const size_t state = static_cast<size_t>(group[i]) * kLanes + l;
        const double volume_per_unit = model_.offerings[static_cast<size_t>(group[i])].volume;
        volume += stock_[state] * volume_per_unit;
        refusable += std::min(receipts[i], stock_[state]) * volume_per_unit;
      }
      if (volume > resource.capacity && refusable > 0) {
        const double factor = std::min(1.0, (volume - resource.capacity) / refusable);
        for (size_t i = 0; i < size; ++i) {
          const size_t state = static_cast<size_t>(group[i]) * kLanes + l;
          const double refused = factor * std::min(receipts[i], stock_[state]);
          stock_[state] -= refused;
          if (in_horizon) refused_[static_cast<size_t>(space) * kLanes + l] += refused;
        }
      }
    }
    for (size_t i = 0; i < size; ++i) {
      const size_t o = static_cast<size_t>(group[i]);
      EnterRouteLane(group[i], step, lane, served[i]);
      entered_today_[o * kLanes + l] += served[i];
      if (measuring_ && entries_slot_[o] >= 0) {
        entries_[(static_cast<size_t>(step) * entries_width_ +
                  static_cast<size_t>(entries_slot_[o])) *
                     kLanes +
                 l] = served[i];
      }
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
        entries_[(static_cast<size_t>(first_step + s) * entries_width_ +
                  static_cast<size_t>(entries_slot_[o])) *
                     kLanes +
                 lane] = units * shape[static_cast<size_t>(s)];
      }
    }
    if (units <= 0) return;
    entered_today_[state] += units;
    if (!offering.route.empty()) {
      group_coefficient_[static_cast<size_t>(offering.entry_group) * kLanes + lane] +=
          units * offering.route.front().per_unit;
    }
  };

  for (size_t o = 0; o < model_.offerings.size(); ++o) {
    const CompiledOffering& offering = model_.offerings[o];
    if (!offering.stocked || offering.space >= 0) continue;
    for (size_t lane = 0; lane < kLanes; ++lane) {
      if (can_fast(o, lane)) {
        fast_day(o, lane);
      } else {
        SlowStockDay(plan, demand, day, {static_cast<int>(o)}, static_cast<int>(lane));
      }
    }
  }
  for (const SpaceResource& space : model_.spaces) {
    if (space.offerings.empty()) continue;
    for (size_t lane = 0; lane < kLanes; ++lane) {
      bool fast = true;
      double volume = 0;
      for (int o : space.offerings) {
        const size_t index = static_cast<size_t>(o);
        fast = fast && can_fast(index, lane);
        volume +=
            (stock_[index * kLanes + lane] + received_today(index) + restock_today(index, lane)) *
            model_.offerings[index].volume;
      }
      if (volume <= space.capacity) {
        // Nothing can be refused today: the offerings are independent.
        for (int o : space.offerings) {
          if (fast || can_fast(static_cast<size_t>(o), lane)) {
            fast_day(static_cast<size_t>(o), lane);
          } else {
            SlowStockDay(plan, demand, day, {o}, static_cast<int>(lane));
          }
        }
      } else {
        SlowStockDay(plan, demand, day, space.offerings, static_cast<int>(lane));
      }
    }
  }
}

}  // namespace tandem::engine
