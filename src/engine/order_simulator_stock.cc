// OrderSimulator's stock: orders served from stock or back-ordered, and the day's receipts,
// returns and space limits (StockDay). The simulation's events are in order_simulator.cc.
#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/order_simulator.h"

namespace tandem::engine {

void OrderSimulator::ServeFromStock(uint32_t index, double time, bool at_once) {
  run_.orders[index].at_once = at_once;
  EnterRoute(index, time);
}

void OrderSimulator::AdvanceStock(int offering, double to, double rate) {
  StockState& state = run_.stock[static_cast<size_t>(offering)];
  while (state.head < state.backorders.size()) {
    if (state.stock >= 1 - kUnitTolerance) {
      state.stock -= 1;
      ServeFromStock(state.backorders[state.head++], state.clock, false);
      continue;
    }
    if (rate <= 0) break;
    const double when = state.clock + (1 - state.stock) / rate;
    if (when > to) break;
    state.clock = when;
    state.stock = 0;
    ServeFromStock(state.backorders[state.head++], when, false);
  }
  if (state.head > 4096 && state.head * 2 > state.backorders.size()) {
    state.backorders.erase(state.backorders.begin(),
                           state.backorders.begin() + static_cast<int64_t>(state.head));
    state.head = 0;
  }
  if (to > state.clock) {
    state.stock += rate * (to - state.clock);
    state.clock = to;
  }
}

void OrderSimulator::StockDay(int day) {
  const TimeGrid& grid = model_.grid;
  const int spd = grid.steps_per_day;
  const bool in_horizon = day < grid.horizon_days;
  const double day_start = static_cast<double>(static_cast<int64_t>(day) * spd);
  const size_t d = static_cast<size_t>(day);
  auto receipts = [&](size_t o) {
    return plan_->receipts[o].empty() ? 0.0 : plan_->receipts[o][d];
  };
  auto inflow = [&](size_t o) { return receipts(o) + run_.restock[o][d]; };
  auto can_fast = [&](size_t o) {
    const StockState& state = run_.stock[o];
    return state.head == state.backorders.size() &&
           state.stock >= static_cast<double>(state.today.size()) - kUnitTolerance;
  };
  // The whole day served from stock on arrival.
  auto fast_day = [&](size_t o) {
    StockState& state = run_.stock[o];
    for (uint32_t index : state.today) ServeFromStock(index, run_.orders[index].placed, true);
    state.stock += inflow(o) - static_cast<double>(state.today.size());
    state.clock = day_start + spd;
    state.today.clear();
  };
  // Step by step: inflow evenly over the day, orders in time order, backorders first; receipts
  // that do not fit in the space refused at each step's end.
  auto slow_day = [&](const std::vector<int>& group, int space) {
    std::vector<size_t> next(group.size(), 0);
    for (int s = 0; s < spd; ++s) {
      const double step_end = day_start + s + 1;
      for (size_t i = 0; i < group.size(); ++i) {
        const size_t o = static_cast<size_t>(group[i]);
        StockState& state = run_.stock[o];
        const double rate = inflow(o) / spd;
        while (next[i] < state.today.size() &&
               run_.orders[state.today[next[i]]].placed < step_end) {
          const uint32_t index = state.today[next[i]++];
          AdvanceStock(static_cast<int>(o), run_.orders[index].placed, rate);
          if (state.head == state.backorders.size() && state.stock >= 1 - kUnitTolerance) {
            state.stock -= 1;
            ServeFromStock(index, run_.orders[index].placed, true);
          } else {
            state.backorders.push_back(index);
          }
        }
        AdvanceStock(static_cast<int>(o), step_end, rate);
      }
      if (space < 0) continue;
      const SpaceResource& resource = model_.spaces[static_cast<size_t>(space)];
      double volume = 0;
      double refusable = 0;
      for (int o : group) {
        const StockState& state = run_.stock[static_cast<size_t>(o)];
        const double volume_per_unit = model_.offerings[static_cast<size_t>(o)].volume;
        volume += state.stock * volume_per_unit;
        refusable += std::min(receipts(static_cast<size_t>(o)) / spd, std::max(0.0, state.stock)) *
                     volume_per_unit;
      }
      if (volume > resource.capacity && refusable > 0) {
        const double factor = std::min(1.0, (volume - resource.capacity) / refusable);
        for (int o : group) {
          StockState& state = run_.stock[static_cast<size_t>(o)];
          const double refused =
              factor * std::min(receipts(static_cast<size_t>(o)) / spd, std::max(0.0, state.stock));
          state.stock -= refused;
          if (in_horizon) run_.refused[static_cast<size_t>(space)] += refused;
        }
      }
    }
    for (int o : group) run_.stock[static_cast<size_t>(o)].today.clear();
  };

  for (size_t o = 0; o < model_.offerings.size(); ++o) {
    const CompiledOffering& offering = model_.offerings[o];
    if (!offering.stocked || offering.space >= 0) continue;
    if (can_fast(o)) {
      fast_day(o);
    } else {
      slow_day({static_cast<int>(o)}, -1);
    }
  }
  for (size_t space = 0; space < model_.spaces.size(); ++space) {
    const SpaceResource& resource = model_.spaces[space];
    if (resource.offerings.empty()) continue;
    double volume = 0;
    for (int o : resource.offerings) {
      const size_t index = static_cast<size_t>(o);
      volume += (run_.stock[index].stock + inflow(index)) * model_.offerings[index].volume;
    }
    if (volume <= resource.capacity) {
      // Nothing can be refused today: the offerings are independent.
      for (int o : resource.offerings) {
        if (can_fast(static_cast<size_t>(o))) {
          fast_day(static_cast<size_t>(o));
        } else {
          slow_day({o}, -1);
        }
      }
    } else {
      slow_day(resource.offerings, static_cast<int>(space));
    }
  }
}

}  // namespace tandem::engine
