// Forks of a run: snapshots of the run with every campaign, runs without a campaign continued
// from them, and their convergence with the run they forked from (docs/engine.md).
#include "engine/simulator.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "tandem/common/cpu_counter.h"

namespace tandem::engine {

void Simulator::AppendState(std::vector<double>* out) const {
  for (const std::vector<double>* part : StateParts())
    out->insert(out->end(), part->begin(), part->end());
}

std::array<std::vector<double>*, 10> Simulator::StateParts() {
  return {&backlog_, &resource_cost_,   &stock_,   &backorders_,         &returned_,
          &exited_,  &ordered_through_, &refused_, &return_policy_cost_, &class_backlog_};
}
std::array<const std::vector<double>*, 10> Simulator::StateParts() const {
  const std::array<std::vector<double>*, 10> parts = const_cast<Simulator*>(this)->StateParts();
  std::array<const std::vector<double>*, 10> out;
  std::copy(parts.begin(), parts.end(), out.begin());
  return out;
}

// The run agrees with the one `checkpoint` was taken from at the start of its day when queues,
// backorders and all work scheduled from then on are the same: from there on both do the same.
// Stock levels may differ (a campaign's leftover stock); that changes when later units ship
// only if one of the runs then runs out, and not what they cost (docs/engine.md).
bool Simulator::AgreesWith(const Fork& checkpoint) const {
  auto same = [](double a, double b) {
    return std::fabs(a - b) <= 1e-7 * std::max({1.0, std::fabs(a), std::fabs(b)});
  };
  auto same_span = [&](const double* a, const double* b, size_t size) {
    for (size_t i = 0; i < size; ++i) {
      if (!same(a[i], b[i])) return false;
    }
    return true;
  };
  size_t offset = 0;
  const std::array<const std::vector<double>*, 10> parts = StateParts();
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::vector<double>& part = *parts[i];
    const bool compared = &part == &backlog_ || &part == &backorders_ || &part == &class_backlog_;
    if (compared && !same_span(part.data(), checkpoint.state.data() + offset, part.size()))
      return false;
    offset += part.size();
  }
  const int64_t first_row = static_cast<int64_t>(checkpoint.day) * model_.grid.steps_per_day;
  const int64_t to = std::max(scheduled_to_, checkpoint.future_to);
  auto same_ring = [&](const std::vector<double>& ring, size_t width,
                       const std::vector<double>& rows) {
    const size_t row_size = width * kLanes;
    for (int64_t step = first_row; step < to; ++step) {
      const double* current = ring.data() + RingRow(step) * row_size;
      const size_t saved = static_cast<size_t>(step - first_row) * row_size;
      for (size_t i = 0; i < row_size; ++i) {
        const double other = step < checkpoint.future_to ? rows[saved + i] : 0.0;
        if (!same(current[i], other)) return false;
      }
    }
    return true;
  };
  if (!same_ring(arrival_ring_, num_resources_, checkpoint.ring_rows)) return false;
  if (!same_ring(class_ring_, num_classes_, checkpoint.class_ring_rows)) return false;
  return same_span(restock_ring_.data(), checkpoint.restock_ring.data(), restock_ring_.size());
}

// From a checkpoint the run agrees with, the rest is the other run's: its accumulators grow by
// what the other's grew from the checkpoint to its end, and it ends with the other's queues.
void Simulator::FinishAs(const Fork& checkpoint, const Fork& final_state) {
  size_t offset = 0;
  for (std::vector<double>* part : StateParts()) {
    std::vector<double>& values = *part;
    const bool accumulated = part == &resource_cost_ || part == &returned_ || part == &refused_ ||
                             part == &return_policy_cost_;
    for (size_t i = 0; i < values.size(); ++i) {
      if (accumulated) {
        values[i] += final_state.state[offset + i] - checkpoint.state[offset + i];
      } else if (part == &backlog_) {
        values[i] = final_state.state[offset + i];
      }
    }
    offset += values.size();
  }
}

void Simulator::SaveFork(int day, Fork* fork) const {
  const cpu::Timed timed(cpu::Part::kSnapshots);
  const size_t first_row =
      static_cast<size_t>(day) * static_cast<size_t>(model_.grid.steps_per_day);
  fork->day = day;
  fork->state.clear();
  AppendState(&fork->state);
  fork->exit_day = exit_day_;
  // Work already scheduled from this day on. (Exits are flushed at each day's end: none pending.)
  const int64_t to = std::max<int64_t>(scheduled_to_, static_cast<int64_t>(first_row));
  fork->future_to = to;
  auto copy_ring = [&](const std::vector<double>& ring, size_t width, std::vector<double>* out) {
    out->clear();
    for (int64_t step = static_cast<int64_t>(first_row); step < to; ++step) {
      const size_t begin = RingRow(step) * width * kLanes;
      out->insert(out->end(), ring.begin() + static_cast<int64_t>(begin),
                  ring.begin() + static_cast<int64_t>(begin + width * kLanes));
    }
  };
  copy_ring(arrival_ring_, num_resources_, &fork->ring_rows);
  copy_ring(class_ring_, num_classes_, &fork->class_ring_rows);
  fork->restock_ring = restock_ring_;
  // A measured run's returns recorded ahead of the day (scheduled before it).
  fork->measured = measuring_;
  fork->return_rows.clear();
  fork->returns_to = std::max<int64_t>(returns_to_, static_cast<int64_t>(first_row));
  if (measuring_) {
    const size_t row = returns_width_ * kLanes;
    fork->return_rows.assign(return_arrivals_.begin() + static_cast<int64_t>(first_row * row),
                             return_arrivals_.begin() +
                                 static_cast<int64_t>(static_cast<size_t>(fork->returns_to) * row));
  }
}

void Simulator::RunFrom(const Fork& fork, const RunPlan& plan, const BatchDemand& demand,
                        BatchTotals* totals, const Convergence& convergence) {
  measuring_ = false;
  Restore(fork);
  Simulate(plan, demand, fork.day, totals, {}, nullptr, convergence);
}

void Simulator::RunFromMeasured(const Fork& fork, const RunPlan& plan, const BatchDemand& demand,
                                BatchTotals* totals, const Convergence& convergence) {
  assert(fork.measured);
  measuring_ = true;
  Restore(fork);
  // The returns recorded from the fork's day on: those scheduled before it, as at the fork.
  // (The other measurement tables are written step by step, and at_once_ day by day.)
  const size_t row = returns_width_ * kLanes;
  const size_t first_row =
      static_cast<size_t>(fork.day) * static_cast<size_t>(model_.grid.steps_per_day);
  if (returns_to_ > static_cast<int64_t>(first_row)) {
    std::fill(
        return_arrivals_.begin() + static_cast<int64_t>(first_row * row),
        return_arrivals_.begin() + static_cast<int64_t>(static_cast<size_t>(returns_to_) * row),
        0.0);
  }
  std::copy(fork.return_rows.begin(), fork.return_rows.end(),
            return_arrivals_.begin() + static_cast<int64_t>(first_row * row));
  returns_to_ = std::max(returns_to_, fork.returns_to);
  Simulate(plan, demand, fork.day, totals, {}, nullptr, convergence);
}

void Simulator::Restore(const Fork& fork) {
  const double* state = fork.state.data();
  for (std::vector<double>* part : StateParts()) {
    std::copy(state, state + part->size(), part->begin());
    state += part->size();
  }
  exit_day_ = fork.exit_day;
  std::fill(exit_items_.begin(), exit_items_.end(), 0.0);
  std::fill(exit_when_.begin(), exit_when_.end(), 0.0);
  std::fill(entered_today_.begin(), entered_today_.end(), 0.0);
  const size_t first_row =
      static_cast<size_t>(fork.day) * static_cast<size_t>(model_.grid.steps_per_day);
  // The step rings are all zero after a completed run; put back what was scheduled.
  auto restore_ring = [&](std::vector<double>& ring, size_t width,
                          const std::vector<double>& rows) {
    const double* source = rows.data();
    for (int64_t step = static_cast<int64_t>(first_row); step < fork.future_to; ++step) {
      std::copy(source, source + width * kLanes,
                ring.begin() + static_cast<int64_t>(RingRow(step) * width * kLanes));
      source += width * kLanes;
    }
  };
  restore_ring(arrival_ring_, num_resources_, fork.ring_rows);
  restore_ring(class_ring_, num_classes_, fork.class_ring_rows);
  restock_ring_ = fork.restock_ring;
  scheduled_to_ = fork.future_to;
}

}  // namespace tandem::engine
