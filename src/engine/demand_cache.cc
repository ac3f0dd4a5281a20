// The demand cache (tandem/engine/demand_cache.h, engine/demand_cache.h): the keys written from
// what DrawScenario, BuildRunDemand and DrawBase read (run_demand.cc), and the per-scenario slots.
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

// What DrawBase reads of an offering (and so DrawScenario): its stream, its noise and each day's
// mean before noise (DayMeanOf, as it is read, so a continued run's shares are in it).
void WriteOfferingDraws(const CompiledModel& model, const CompiledOffering& offering, Writer* out) {
  const int horizon_days = model.grid.horizon_days;
  out->Word(offering.stream_key);
  out->Double(offering.noise_cv);
  out->Int(offering.noise_none ? 1 : 0);
  out->Int(horizon_days);
  for (int day = 0; day < horizon_days; ++day) out->Double(model.DayMeanOf(offering, day));
}

}  // namespace

DemandInputs DemandInputsOf(const CompiledModel& model, uint64_t seed,
                            const std::vector<char>& included) {
  DemandInputs inputs;
  Writer out(&inputs.words);
  out.Word(seed);
  out.Int(model.grid.horizon_days);
  out.Chars(included);  // BuildRunDemand
  // Offerings: DrawScenario's draws; BuildRunDemand's price.
  out.Int(static_cast<int64_t>(model.offerings.size()));
  for (const CompiledOffering& offering : model.offerings) {
    WriteOfferingDraws(model, offering, &out);
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

DemandInputs BaseInputsOf(const CompiledModel& model, uint64_t seed) {
  DemandInputs inputs;
  Writer out(&inputs.words);
  out.Word(seed);
  out.Int(model.grid.horizon_days);
  out.Int(static_cast<int64_t>(model.offerings.size()));
  for (const CompiledOffering& offering : model.offerings)
    WriteOfferingDraws(model, offering, &out);
  return inputs;
}

namespace {

size_t ListBytes(const std::vector<std::vector<double>>& lists) {
  size_t bytes = 0;
  for (const std::vector<double>& list : lists)
    bytes += sizeof(std::vector<double>) + list.size() * sizeof(double);
  return bytes;
}

}  // namespace

size_t StoredBytes(const RunDemand& demand) {
  size_t bytes = sizeof(RunDemand) + ListBytes(demand.counts);
  for (const std::vector<double>* values :
       {&demand.revenue, &demand.sold, &demand.window_revenue, &demand.window_units})
    bytes += values->size() * sizeof(double);
  return bytes;
}

size_t StoredBytes(const BaseDraws& draws) {
  return sizeof(BaseDraws) + ListBytes(draws.base) + ListBytes(draws.day_mean) +
         ListBytes(draws.day_uniform);
}

template <typename T>
void DemandCache::Impl::Layer<T>::Bind(DemandInputs inputs, int64_t count, size_t item_bytes) {
  if (bound_ && count == scenarios_ && inputs == key_) return;
  if (bound_) rebinds_.fetch_add(1, std::memory_order_relaxed);
  slots_.reset();  // frees what was stored before the new slots
  cache_.bytes.fetch_sub(own_bytes_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  key_ = std::move(inputs);
  scenarios_ = count;
  const size_t free_bytes =
      cache_.budget_bytes -
      std::min(cache_.budget_bytes, cache_.bytes.load(std::memory_order_relaxed));
  num_slots_ = std::min<int64_t>(
      std::max<int64_t>(count, 0),
      static_cast<int64_t>(free_bytes / (sizeof(Slot) + std::max<size_t>(item_bytes, 1))));
  slots_ = std::make_unique<Slot[]>(static_cast<size_t>(num_slots_));
  const size_t slot_bytes = static_cast<size_t>(num_slots_) * sizeof(Slot);
  own_bytes_.store(slot_bytes, std::memory_order_relaxed);
  cache_.bytes.fetch_add(slot_bytes, std::memory_order_relaxed);
  bound_ = true;
}

template <typename T>
const T* DemandCache::Impl::Layer<T>::Find(int64_t scenario) {
  if (scenario < 0 || scenario >= num_slots_) return nullptr;
  Slot& slot = slots_[static_cast<size_t>(scenario)];
  if (slot.state.load(std::memory_order_acquire) != kReady) return nullptr;
  hits_.fetch_add(1, std::memory_order_relaxed);
  return &slot.value;
}

template <typename T>
void DemandCache::Impl::Layer<T>::Store(int64_t scenario, const T& value) {
  if (scenario < 0 || scenario >= num_slots_) return;
  Slot& slot = slots_[static_cast<size_t>(scenario)];
  int expected = kEmpty;
  if (!slot.state.compare_exchange_strong(expected, kFilling, std::memory_order_acq_rel)) return;
  const size_t size = StoredBytes(value);
  if (cache_.bytes.fetch_add(size, std::memory_order_relaxed) + size > cache_.budget_bytes) {
    cache_.bytes.fetch_sub(size, std::memory_order_relaxed);
    slot.state.store(kEmpty, std::memory_order_release);
    return;
  }
  own_bytes_.fetch_add(size, std::memory_order_relaxed);
  slot.value = value;
  stored_.fetch_add(1, std::memory_order_relaxed);
  slot.state.store(kReady, std::memory_order_release);
}

template class DemandCache::Impl::Layer<RunDemand>;
template class DemandCache::Impl::Layer<BaseDraws>;

DemandCache::DemandCache(size_t budget_bytes) : impl_(std::make_unique<Impl>(budget_bytes)) {}
DemandCache::~DemandCache() = default;
int64_t DemandCache::hits() const {
  return impl_->demand.hits();
}
int64_t DemandCache::stored() const {
  return impl_->demand.stored();
}
int64_t DemandCache::rebinds() const {
  return impl_->demand.rebinds();
}
int64_t DemandCache::base_hits() const {
  return impl_->base.hits();
}
int64_t DemandCache::base_stored() const {
  return impl_->base.stored();
}
int64_t DemandCache::base_rebinds() const {
  return impl_->base.rebinds();
}
size_t DemandCache::bytes() const {
  return impl_->bytes.load(std::memory_order_relaxed);
}

}  // namespace tandem::engine
