// Shares of a promise's units kept, per week or in total, and the small rules the measurements
// of time and response promises share (measure.cc, measure_response.cc). Private to the engine.
#ifndef TANDEM_SRC_ENGINE_MEASURE_SHARES_H_
#define TANDEM_SRC_ENGINE_MEASURE_SHARES_H_

#include <algorithm>
#include <vector>

#include "engine/measure.h"

namespace tandem::engine {

// Accumulates covered and kept units per week (standing promises) or in total, per slot (the
// spec's components, PromiseSpec::slot): a week's units are the slots' sums added in order.
class ShareAccumulator {
 public:
  ShareAccumulator(bool weekly, int weeks, int slots = 1)
      : weekly_(weekly),
        rows_(weekly ? static_cast<size_t>(weeks) : 1),
        covered_(rows_ * static_cast<size_t>(slots), 0.0),
        kept_(covered_.size(), 0.0) {}
  void Add(int week, double covered, double kept, int slot = 0) {
    const size_t row =
        weekly_ ? static_cast<size_t>(std::clamp(week, 0, static_cast<int>(rows_) - 1)) : 0;
    const size_t at = static_cast<size_t>(slot) * rows_ + row;
    covered_[at] += covered;
    kept_[at] += kept;
  }
  // Weeks [0, weeks) as `prior` summed them.
  void Preset(size_t weeks, const WeekRecord& prior) {
    for (size_t at = 0; at < covered_.size(); ++at) {
      if (at % rows_ >= weeks) continue;
      covered_[at] = prior.covered[at];
      kept_[at] = prior.kept[at];
    }
  }
  void Save(WeekRecord* record) const {
    record->covered = covered_;
    record->kept = kept_;
  }
  Measurement Result() const {
    Measurement measurement;
    measurement.achieved = 1.0;
    const size_t slots = covered_.size() / rows_;
    for (size_t row = 0; row < rows_; ++row) {
      double covered = covered_[row];
      double kept = kept_[row];
      for (size_t slot = 1; slot < slots; ++slot) {
        covered += covered_[slot * rows_ + row];
        kept += kept_[slot * rows_ + row];
      }
      measurement.covered += covered;
      if (covered > 1e-9) {
        measurement.achieved = std::min(measurement.achieved, std::clamp(kept / covered, 0.0, 1.0));
      }
    }
    return measurement;
  }
  int LastSlot() const { return static_cast<int>(covered_.size() / rows_) - 1; }

 private:
  bool weekly_;
  size_t rows_;
  std::vector<double> covered_;
  std::vector<double> kept_;
};

// Continued runs: the units of this promise the caller measured (tandem/engine/start_state.h).
void AddSettled(const CompiledModel& model, const PromiseSpec& spec, ShareAccumulator* shares);
// The deadline (steps) of a unit ordered or arriving at `time` (steps), by the promise's rule.
double DeadlineOf(const PromiseSpec& spec, double time, int steps_per_day);
// Whether `spec` covers `offering`.
bool Covers(const PromiseSpec& spec, int offering);

}  // namespace tandem::engine

#endif  // TANDEM_SRC_ENGINE_MEASURE_SHARES_H_
