// Demand kept from one check to the next (issue 14, docs/plans/probe-demand-cache.md): a search's
// capacity probes (EvaluateProbe) change a resource's capacity, a booking and `today`, none of
// which reaches demand, so every probe after the first would draw the same scenarios again. A
// cache holds, per scenario, the demand of the run with every campaign (the random draws with
// the campaigns' lifts, caps and discounts applied: DrawScenario and BuildRunDemand), keyed by
// value on everything those two functions read (the seed, the horizon, every offering's and
// campaign's demand fields, which campaigns run). A check whose key differs empties the cache
// and fills it again; a check whose key is equal reads the stored demand, which is the same bit
// for bit. Memory: at most `budget_bytes` of stored demand (offerings x horizon days x 8 bytes
// per scenario, plus a little); scenarios beyond it are drawn as without a cache.
//
// Ownership: the caller owns the cache and passes it to the checks (not owned by them; it
// outlives each). Thread safety: one check at a time uses a cache (a search's checks are
// sequential); within it, the check's worker threads share it. The statistics may be read from
// any thread.
#ifndef TANDEM_ENGINE_DEMAND_CACHE_H_
#define TANDEM_ENGINE_DEMAND_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <memory>

namespace tandem::engine {

class DemandCache {
 public:
  static constexpr size_t kDefaultBudgetBytes = size_t{128} << 20;  // 128 MiB

  explicit DemandCache(size_t budget_bytes = kDefaultBudgetBytes);
  ~DemandCache();
  DemandCache(const DemandCache&) = delete;
  DemandCache& operator=(const DemandCache&) = delete;

  // Since construction: scenarios whose demand was read from the cache, scenarios stored, and
  // checks that found another key (and emptied the cache). Bytes: what is stored now.
  int64_t hits() const;
  int64_t stored() const;
  int64_t rebinds() const;
  size_t bytes() const;

  // The engine's side (src/engine/demand_cache.h).
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tandem::engine

#endif  // TANDEM_ENGINE_DEMAND_CACHE_H_
