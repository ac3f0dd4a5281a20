// The demand cache (tandem/engine/demand_cache.h, engine/demand_cache.h): the key written from
// what DrawScenario and BuildRunDemand read (run_demand.cc), and the per-scenario slots.
#include "engine/demand_cache.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace tandem::engine {
namespace {

// Appends values as 64-bit words: doubles by their bits, lists after their lengths.
class Writer {
 public:
  explicit Writer(std::vector<uint64_t>* words) : words_(*words) {}
  void Word(uint64_t value) { words_.push_back(value); }
  void Int(int64_t value) { Word(static_cast<uint64_t>(value)); }
  void Double(double value) { Word(std::bit_cast<uint64_t>(value)); }
  void Doubles(const std::vector<double>& values) {
    Int(static_cast<int64_t>(values.size()));
    for (double value : values) Double(value);
  }
  void Ints(const std::vector<int>& values) {
    Int(static_cast<int64_t>(values.size()));
    for (int value : values) Int(value);
  }
  void Chars(const std::vector<char>& values) {
    Int(static_cast<int64_t>(values.size()));
    for (char value : values) Int(value);
  }

 private:
  std::vector<uint64_t>& words_;
};

}  // namespace

DemandInputs DemandInputsOf(const CompiledModel& model, uint64_t seed,
                            const std::vector<char>& included) {
  DemandInputs inputs;
  Writer out(&inputs.words);
  const int horizon_days = model.grid.horizon_days;
  out.Word(seed);
  out.Int(horizon_days);
  out.Chars(included);  // BuildRunDemand
  // Offerings: DrawScenario's streams, noise and each day's mean before noise (DayMeanOf, as
  // DrawScenario reads it, so a continued run's shares are in it); BuildRunDemand's price.
  out.Int(static_cast<int64_t>(model.offerings.size()));
  for (const CompiledOffering& offering : model.offerings) {
    out.Word(offering.stream_key);
    out.Double(offering.noise_cv);
    out.Int(offering.noise_none ? 1 : 0);
    out.Int(horizon_days);
    for (int day = 0; day < horizon_days; ++day) out.Double(model.DayMeanOf(offering, day));
    out.Double(offering.price);
  }
  // Campaigns: DrawScenario's lift and increments; BuildRunDemand's window, discount and caps
  // (ApplyCaps).
  out.Int(static_cast<int64_t>(model.campaigns.size()));
  for (const CompiledCampaign& campaign : model.campaigns) {
    out.Word(campaign.stream_key);
    out.Int(campaign.lift_certain ? 1 : 0);
    out.Double(campaign.lift_value);
    out.Double(campaign.lift_log_median);
    out.Double(campaign.lift_sigma);
    out.Ints(campaign.offerings);
    out.Chars(campaign.covers);
    out.Int(campaign.first_day);
    out.Int(campaign.last_day);
    out.Doubles(campaign.weight_by_day);
    out.Double(campaign.discount);
    out.Int(campaign.has_cap ? 1 : 0);
    out.Double(campaign.cap_total);
    out.Doubles(campaign.cap_by_offering);
  }
  return inputs;
}

size_t StoredBytes(const RunDemand& demand) {
  size_t bytes = sizeof(RunDemand);
  for (const std::vector<double>& counts : demand.counts)
    bytes += sizeof(std::vector<double>) + counts.size() * sizeof(double);
  for (const std::vector<double>* values :
       {&demand.revenue, &demand.sold, &demand.window_revenue, &demand.window_units})
    bytes += values->size() * sizeof(double);
  return bytes;
}

void DemandCache::Impl::Bind(DemandInputs inputs, int64_t count, size_t demand_bytes) {
  if (bound && count == scenarios && inputs == key) return;
  if (bound) rebinds.fetch_add(1, std::memory_order_relaxed);
  slots.reset();  // frees the stored demand before the new slots
  key = std::move(inputs);
  scenarios = count;
  num_slots = std::min<int64_t>(
      std::max<int64_t>(count, 0),
      static_cast<int64_t>(budget_bytes / (sizeof(Slot) + std::max<size_t>(demand_bytes, 1))));
  slots = std::make_unique<Slot[]>(static_cast<size_t>(num_slots));
  bytes.store(static_cast<size_t>(num_slots) * sizeof(Slot), std::memory_order_relaxed);
  bound = true;
}

const RunDemand* DemandCache::Impl::Find(int64_t scenario) {
  if (scenario < 0 || scenario >= num_slots) return nullptr;
  Slot& slot = slots[static_cast<size_t>(scenario)];
  if (slot.state.load(std::memory_order_acquire) != kReady) return nullptr;
  hits.fetch_add(1, std::memory_order_relaxed);
  return &slot.demand;
}

void DemandCache::Impl::Store(int64_t scenario, const RunDemand& demand) {
  if (scenario < 0 || scenario >= num_slots) return;
  Slot& slot = slots[static_cast<size_t>(scenario)];
  int expected = kEmpty;
  if (!slot.state.compare_exchange_strong(expected, kFilling, std::memory_order_acq_rel)) return;
  const size_t size = StoredBytes(demand);
  if (bytes.fetch_add(size, std::memory_order_relaxed) + size > budget_bytes) {
    bytes.fetch_sub(size, std::memory_order_relaxed);
    slot.state.store(kEmpty, std::memory_order_release);
    return;
  }
  slot.demand = demand;
  stored.fetch_add(1, std::memory_order_relaxed);
  slot.state.store(kReady, std::memory_order_release);
}

DemandCache::DemandCache(size_t budget_bytes) : impl_(std::make_unique<Impl>(budget_bytes)) {}
DemandCache::~DemandCache() = default;
int64_t DemandCache::hits() const {
  return impl_->hits.load(std::memory_order_relaxed);
}
int64_t DemandCache::stored() const {
  return impl_->stored.load(std::memory_order_relaxed);
}
int64_t DemandCache::rebinds() const {
  return impl_->rebinds.load(std::memory_order_relaxed);
}
size_t DemandCache::bytes() const {
  return impl_->bytes.load(std::memory_order_relaxed);
}

}  // namespace tandem::engine
