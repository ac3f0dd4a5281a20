// The engine's side of the demand cache (tandem/engine/demand_cache.h): its keys, the inputs of
// DrawScenario and BuildRunDemand (run_demand.cc) and of DrawBase alone, and its per-scenario
// slots. Private to the engine.
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

// What some draws read, but the scenario index s: two models with equal inputs give every
// scenario the same draws, bit for bit. The inputs are written as a flat list of 64-bit words:
// each double by its bits (so 0.0 and -0.0 differ and a NaN equals itself), each list after its
// length (so no two different inputs give the same words). Compared whole, never by a hash.
struct DemandInputs {
  std::vector<uint64_t> words;
  bool operator==(const DemandInputs& other) const = default;
};
// Everything DrawScenario(model, seed, s, &draws) and then BuildRunDemand(model, included,
// draws.base, draws.increment, &demand) read: the run's demand. Whoever makes either function
// read another field adds it here.
DemandInputs DemandInputsOf(const CompiledModel& model, uint64_t seed,
                            const std::vector<char>& included);
// Everything DrawBase(model, seed, s, &base) reads: the seed, the horizon and each offering's
// stream, noise and day means (no campaign field). Whoever makes DrawBase read another field
// adds it here (both keys write an offering's draws with one function).
DemandInputs BaseInputsOf(const CompiledModel& model, uint64_t seed);

// The bytes a stored copy takes (its arrays and their headers).
size_t StoredBytes(const RunDemand& demand);
size_t StoredBytes(const BaseDraws& draws);

struct DemandCache::Impl {
  explicit Impl(size_t budget) : budget_bytes(budget) {}

  // One kind of stored draws (T: RunDemand or BaseDraws), per scenario, bound to one key. Both
  // kinds share the cache's budget (Impl::bytes).
  template <typename T>
  class Layer {
   public:
    explicit Layer(Impl* cache) : cache_(*cache) {}
    // Before a check's workers start (one thread): binds the layer to the check's inputs and
    // scenario count (`count`). Another key or count empties it. `item_bytes`: at least what one
    // scenario's stored copy takes; the slots (counted in the budget with what they hold) stop
    // where the budget, less what the other kind takes, could not hold another scenario.
    void Bind(DemandInputs inputs, int64_t count, size_t item_bytes);
    // Scenario s's stored copy, or null (then the caller draws it and may Store it). Any thread
    // of the bound check; the copy stays valid until the next Bind.
    const T* Find(int64_t scenario);
    // Stores a copy of scenario s's `value`, unless another thread stored or is storing it, or
    // the budget would be exceeded. Any thread of the bound check.
    void Store(int64_t scenario, const T& value);

    enum State : int { kEmpty = 0, kFilling = 1, kReady = 2 };
    struct Slot {
      std::atomic<int> state{kEmpty};
      T value;
    };

    int64_t hits() const { return hits_.load(std::memory_order_relaxed); }
    int64_t stored() const { return stored_.load(std::memory_order_relaxed); }
    int64_t rebinds() const { return rebinds_.load(std::memory_order_relaxed); }

   private:
    Impl& cache_;
    DemandInputs key_;
    bool bound_ = false;
    int64_t scenarios_ = 0;  // the bound check's
    std::unique_ptr<Slot[]> slots_;
    int64_t num_slots_ = 0;             // the first scenarios, as many as the budget could hold
    std::atomic<size_t> own_bytes_{0};  // slots_ and what they hold, counted in cache_.bytes
    std::atomic<int64_t> hits_{0};
    std::atomic<int64_t> stored_{0};
    std::atomic<int64_t> rebinds_{0};
  };

  const size_t budget_bytes;
  std::atomic<size_t> bytes{0};   // both layers'
  Layer<RunDemand> demand{this};  // the run with every campaign's demand (capacity probes)
  Layer<BaseDraws> base{this};    // the offerings' draws (feasibility trials)
};

}  // namespace tandem::engine

#endif  // TANDEM_SRC_ENGINE_DEMAND_CACHE_H_
