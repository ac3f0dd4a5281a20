// The engine's side of the demand cache (tandem/engine/demand_cache.h): its key, the inputs of
// DrawScenario and BuildRunDemand (run_demand.cc), and its per-scenario slots. Private to the
// engine.
#ifndef TANDEM_SRC_ENGINE_DEMAND_CACHE_H_
#define TANDEM_SRC_ENGINE_DEMAND_CACHE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/compiled_model.h"
#include "engine/simulator.h"
#include "tandem/engine/demand_cache.h"

namespace tandem::engine {

// Everything DrawScenario(model, seed, s, &draws) and then BuildRunDemand(model, included,
// draws.base, draws.increment, &demand) read, but the scenario index s: two models with equal
// inputs give every scenario the same demand, bit for bit. The inputs are written as a flat list
// of 64-bit words: each double by its bits (so 0.0 and -0.0 differ and a NaN equals itself), each
// list after its length (so no two different inputs give the same words). Compared whole, never
// by a hash. Whoever makes either function read another field adds it to DemandInputsOf.
struct DemandInputs {
  std::vector<uint64_t> words;
  bool operator==(const DemandInputs& other) const = default;
};
DemandInputs DemandInputsOf(const CompiledModel& model, uint64_t seed,
                            const std::vector<char>& included);

// The bytes a stored copy of `demand` takes (its arrays and their headers).
size_t StoredBytes(const RunDemand& demand);

struct DemandCache::Impl {
  explicit Impl(size_t budget) : budget_bytes(budget) {}

  // Before a check's workers start (one thread): binds the cache to the check's inputs and
  // scenario count (`count`). Another key or count empties it. `demand_bytes`: at least what one
  // scenario's stored demand takes; the slots (counted in the budget with the demand) stop
  // where the budget could not hold another scenario.
  void Bind(DemandInputs inputs, int64_t count, size_t demand_bytes);
  // Scenario s's stored demand, or null (then the caller draws it and may Store it). Any thread
  // of the bound check; the demand stays valid until the next Bind.
  const RunDemand* Find(int64_t scenario);
  // Stores a copy of scenario s's demand, unless another thread stored or is storing it, or the
  // budget would be exceeded. Any thread of the bound check.
  void Store(int64_t scenario, const RunDemand& demand);

  enum State : int { kEmpty = 0, kFilling = 1, kReady = 2 };
  struct Slot {
    std::atomic<int> state{kEmpty};
    RunDemand demand;
  };

  const size_t budget_bytes;
  DemandInputs key;
  bool bound = false;
  int64_t scenarios = 0;  // the bound check's
  std::unique_ptr<Slot[]> slots;
  int64_t num_slots = 0;  // the first scenarios, as many as the budget could hold
  std::atomic<size_t> bytes{0};
  std::atomic<int64_t> hits{0};
  std::atomic<int64_t> stored{0};
  std::atomic<int64_t> rebinds{0};
};

}  // namespace tandem::engine

#endif  // TANDEM_SRC_ENGINE_DEMAND_CACHE_H_
