// Demand kept from one check to the next (issue 14, docs/plans/probe-demand-cache.md). A cache
// holds one of two kinds of draws per scenario, each keyed by value on everything that computes
// it, and the check says which it reads (EvaluateOptions::demand_cache_kind):
//  - kRunDemand: the demand of the run with every campaign (the random draws with the campaigns'
//    lifts, caps and discounts applied: DrawScenario and BuildRunDemand), keyed on the seed, the
//    horizon, every offering's and campaign's demand fields and which campaigns run. A search's
//    capacity probes (EvaluateProbe) change a resource's capacity, a booking and `today`, none of
//    which reaches demand, so every probe after the first reads the first one's.
//  - kBaseDraws: the offerings' own draws (their units, day means after noise and uniforms:
//    DrawBase), keyed on the seed, the horizon and every offering's stream, noise and day means,
//    no campaign field. A search's feasibility trials (EvaluateFeasibility) change one campaign's
//    window, caps or lift, so their run demand differs, but not these draws: each trial draws
//    only its campaigns' lifts and increments.
// A check whose key differs empties that kind and fills it again; a check whose key is equal
// reads the stored draws, which are the same bit for bit. Memory: at most `budget_bytes` for both
// kinds together (the run demand: offerings x horizon days x 8 bytes per scenario; the base
// draws: three times that; plus a little); scenarios beyond it are drawn as without a cache.
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
  // What a check keeps and reads (above).
  enum class Kind { kRunDemand, kBaseDraws };

  explicit DemandCache(size_t budget_bytes = kDefaultBudgetBytes);
  ~DemandCache();
  DemandCache(const DemandCache&) = delete;
  DemandCache& operator=(const DemandCache&) = delete;

  // Since construction, of the run demand: scenarios read from the cache, scenarios stored, and
  // checks that found another key (and emptied it); base_*: the same of the base draws. Bytes:
  // what both kinds take now.
  int64_t hits() const;
  int64_t stored() const;
  int64_t rebinds() const;
  int64_t base_hits() const;
  int64_t base_stored() const;
  int64_t base_rebinds() const;
  size_t bytes() const;

  // The engine's side (src/engine/demand_cache.h).
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tandem::engine

#endif  // TANDEM_ENGINE_DEMAND_CACHE_H_
