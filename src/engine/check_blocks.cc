// The check split along blocks of scenarios (tandem/engine/check_blocks.h, docs/scale-out.md):
// a block's blob and the merge of blobs into the runner's per-scenario columns and chunk sums.
//
// Blob layout (native byte order, x86-64): the header (magic, version, fingerprint, scenarios,
// seed, first chunk, end chunk, columns, specs, slots), then per column the block's floats, then
// per chunk of the block its sums: per spec the attribution and the lead-time histogram
// (bin_steps, masses), the daily arrivals and backlogs. Each vector of doubles is stored as its
// size and its entries that are not +0.0 (index, value): the attribution has a slot per offering
// and resource, mostly zero. Values keep their bits, so the merge adds exactly what the whole
// check adds, in the same order.
#include "tandem/engine/check_blocks.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <new>
#include <numeric>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/check_runner.h"
#include "tandem/engine/evaluate.h"
#include "tandem/engine/random.h"
#include "tandem/model/components.h"

namespace tandem {
namespace engine {
namespace {

constexpr char kMagic[8] = {'t', 'n', 'd', 'm', 'b', 'l', 'k', '2'};
constexpr uint64_t kWholeCheck = ~uint64_t{0};  // a block's component: every component

class Writer {
 public:
  void Raw(const void* data, size_t bytes) { out_.append(static_cast<const char*>(data), bytes); }
  void U64(uint64_t value) { Raw(&value, sizeof value); }
  void F64(double value) { Raw(&value, sizeof value); }
  void Sparse(const std::vector<double>& values) {
    U64(values.size());
    std::vector<std::pair<uint64_t, double>> entries;
    for (size_t i = 0; i < values.size(); ++i) {
      uint64_t bits = 0;
      std::memcpy(&bits, &values[i], sizeof bits);
      if (bits != 0) entries.emplace_back(i, values[i]);
    }
    U64(entries.size());
    for (const auto& [index, value] : entries) {
      U64(index);
      F64(value);
    }
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

Error NotABlock(const std::string& why) {
  return Error::InvalidInput("a block of the check does not fit it: " + why);
}

}  // namespace

// Reads a blob; every read past its end, or a vector longer than expected, marks it bad.
class BlockReader {
 public:
  explicit BlockReader(const std::string& blob) : blob_(blob) {}
  bool Raw(void* data, size_t bytes) {
    if (bad_ || blob_.size() - at_ < bytes) {
      bad_ = true;
      return false;
    }
    std::memcpy(data, blob_.data() + at_, bytes);
    at_ += bytes;
    return true;
  }
  uint64_t U64() {
    uint64_t value = 0;
    Raw(&value, sizeof value);
    return value;
  }
  double F64() {
    double value = 0;
    Raw(&value, sizeof value);
    return value;
  }
  // A sparse vector of `size` doubles (its stored size must match): `put(index, value)` for
  // each stored entry (the others are +0.0).
  template <typename Put>
  void ForEach(size_t size, Put put) {
    if (U64() != size) bad_ = true;
    const uint64_t entries = U64();
    if (bad_ || entries > size) {
      bad_ = true;
      return;
    }
    for (uint64_t e = 0; e < entries && !bad_; ++e) {
      const uint64_t index = U64();
      const double value = F64();
      if (index >= size) bad_ = true;
      if (!bad_) put(static_cast<size_t>(index), value);
    }
  }
  bool bad() const { return bad_; }
  bool done() const { return at_ == blob_.size(); }

 private:
  const std::string& blob_;
  size_t at_ = 0;
  bool bad_ = false;
};

// A blob's counts, from its header.
struct BlockCounts {
  uint64_t columns = 0, specs = 0, resources = 0, offerings = 0, days = 0;
};

namespace {

uint64_t Mix(uint64_t hash, uint64_t value) {
  return SplitMix64(hash ^ SplitMix64(value));
}

uint64_t MixText(uint64_t hash, const std::string& text) {
  for (unsigned char c : text) hash = Mix(hash, c);
  return Mix(hash, text.size());
}

}  // namespace

// What must agree between the blocks and the merge besides the counts in the header: the whole
// scenario's shape and the options that change what is simulated or recorded.
uint64_t WholeFingerprint(const Scenario& whole, int64_t total_steps, const CheckOptions& options) {
  uint64_t hash = MixText(0x7a6e646d, whole.name);
  hash = Mix(hash, whole.offerings.size());
  hash = Mix(hash, whole.resources.size());
  hash = Mix(hash, static_cast<uint64_t>(total_steps));
  for (const Offering& offering : whole.offerings) hash = MixText(hash, offering.id);
  hash = Mix(hash, static_cast<uint64_t>(options.mode));
  hash = Mix(hash, options.collect_series ? 1 : 0);
  hash = MixText(hash, options.campaign.value_or(std::string("\x01")));
  return hash;
}

uint64_t CheckRunner::BlockFingerprint() const {
  if (component_ != nullptr) return component_->fingerprint;  // the whole scenario's, once
  return WholeFingerprint(scenario_, model_.grid.total_steps, options_);
}

Result<std::pair<int64_t, int64_t>> CheckRunner::BlockChunks() const {
  const int64_t chunks = (scenarios_ + kChunk - 1) / kChunk;
  if (block_count_ < 0) return std::make_pair(int64_t{0}, chunks);
  // Each bound checked before the sum, which could otherwise overflow.
  const bool inside = block_first_ >= 0 && block_count_ >= 1 && block_first_ < scenarios_ &&
                      block_count_ <= scenarios_ - block_first_;
  const int64_t last = inside ? block_first_ + block_count_ : 0;
  if (!inside || block_first_ % kChunk != 0 || (last % kChunk != 0 && last != scenarios_)) {
    return Error::InvalidInput(
        std::to_string(block_count_) + " scenarios from " + std::to_string(block_first_) +
        " are not a block of the check; allowed: from a multiple of 16, to a multiple of 16 or "
        "to the last of its " +
        std::to_string(scenarios_) + " scenarios");
  }
  return std::make_pair(block_first_ / kChunk, (last + kChunk - 1) / kChunk);
}

std::string CheckRunner::SaveBlock(int64_t first_chunk, int64_t end_chunk) const {
  Writer out;
  out.Raw(kMagic, sizeof kMagic);
  const size_t days = options_.collect_series ? static_cast<size_t>(model_.grid.total_days) : 0;
  const uint64_t component =
      component_ != nullptr ? static_cast<uint64_t>(component_->component) : kWholeCheck;
  for (uint64_t value :
       {BlockFingerprint(), static_cast<uint64_t>(scenarios_), seed_,
        static_cast<uint64_t>(first_chunk), static_cast<uint64_t>(end_chunk), component,
        static_cast<uint64_t>(columns_->size()), static_cast<uint64_t>(specs_.size()),
        static_cast<uint64_t>(model_.resources.size()),
        static_cast<uint64_t>(model_.offerings.size()), static_cast<uint64_t>(days)}) {
    out.U64(value);
  }
  for (const ColumnKey& key : column_keys_) {
    for (uint64_t value : {key.kind, key.a, key.b, key.c}) out.U64(value);
  }
  for (const PromiseSpec& spec : specs_) {
    const auto [campaign, index] = SpecKey(spec);
    out.U64(campaign);
    out.U64(index);
  }
  for (const auto& resource : model_.resources) out.U64(GlobalResource(resource.scenario_index));
  for (size_t o = 0; o < model_.offerings.size(); ++o) out.U64(GlobalOffering(o));
  const int64_t first = first_chunk * kChunk;
  const int64_t last = std::min(scenarios_, end_chunk * kChunk);
  for (int c = 0; c < columns_->size(); ++c) {
    out.Raw(columns_->Get(c).data() + first, sizeof(float) * static_cast<size_t>(last - first));
  }
  for (int64_t chunk = first_chunk; chunk < end_chunk; ++chunk) {
    const ChunkSums& sums = chunk_sums_[static_cast<size_t>(chunk)];
    for (size_t p = 0; p < specs_.size(); ++p) {
      out.Sparse(sums.attribution[p]);
      out.F64(sums.histograms[p].bin_steps);
      out.Sparse(sums.histograms[p].mass);
    }
    out.Sparse(sums.daily_arrivals);
    out.Sparse(sums.daily_backlog);
  }
  return out.Take();
}

// Where a block's columns, specs, resources and offerings go in this (whole) check: read from
// the blob's keys, each checked against the check's.
struct BlockPlaces {
  std::vector<int> column;    // per blob column: this check's
  std::vector<size_t> spec;   // per blob spec: this check's
  std::vector<size_t> slot;   // per blob attribution slot (resources, then offerings)
  std::vector<size_t> daily;  // per blob resource: this check's throughput resource
};

std::optional<Error> CheckRunner::ReadBlockPlaces(BlockReader* in, const BlockCounts& counts,
                                                  BlockPlaces* places) const {
  std::unordered_map<ColumnKey, int, ColumnKeyHash> column_of;
  for (size_t c = 0; c < column_keys_.size(); ++c)
    column_of.emplace(column_keys_[c], static_cast<int>(c));
  std::map<std::pair<uint64_t, uint64_t>, size_t> spec_of;
  for (size_t p = 0; p < specs_.size(); ++p) spec_of.emplace(SpecKey(specs_[p]), p);
  const Error other = NotABlock("other promises or resources");
  for (uint64_t c = 0; c < counts.columns && !in->bad(); ++c) {
    ColumnKey key;
    key.kind = in->U64();
    key.a = in->U64();
    key.b = in->U64();
    key.c = in->U64();
    const auto found = column_of.find(key);
    if (found == column_of.end()) return other;
    places->column.push_back(found->second);
  }
  for (uint64_t p = 0; p < counts.specs && !in->bad(); ++p) {
    const uint64_t campaign = in->U64();
    const auto found = spec_of.find({campaign, in->U64()});
    if (found == spec_of.end()) return other;
    places->spec.push_back(found->second);
  }
  for (uint64_t r = 0; r < counts.resources && !in->bad(); ++r) {
    const uint64_t resource = in->U64();
    if (resource >= scenario_.resources.size() || model_.throughput_index[resource] < 0)
      return other;
    places->daily.push_back(static_cast<size_t>(model_.throughput_index[resource]));
  }
  places->slot = places->daily;
  for (uint64_t o = 0; o < counts.offerings && !in->bad(); ++o) {
    const uint64_t offering = in->U64();
    if (offering >= model_.offerings.size()) return other;
    places->slot.push_back(model_.resources.size() + static_cast<size_t>(offering));
  }
  if (in->bad()) return NotABlock("a truncated or damaged blob");
  return std::nullopt;
}

// A chunk's sums as the whole check holds them, before any block's values are put in.
void CheckRunner::EmptyChunkSums(ChunkSums* sums) const {
  const size_t slots = model_.resources.size() + model_.offerings.size();
  sums->attribution.assign(specs_.size(), std::vector<double>(slots, 0.0));
  sums->histograms.clear();
  for (const PromiseSpec& spec : specs_) sums->histograms.push_back(EmptyHistogram(spec));
  if (options_.collect_series) {
    const size_t daily = model_.resources.size() * static_cast<size_t>(model_.grid.total_days);
    sums->daily_arrivals.assign(daily, 0.0);
    sums->daily_backlog.assign(daily, 0.0);
  }
}

// One blob's chunk sums into their places (each value keeps its bits: a spec, resource and
// offering is in one block of each chunk).
void CheckRunner::LoadChunkSums(BlockReader* in, const BlockCounts& counts,
                                const BlockPlaces& places, ChunkSums* sums) const {
  const size_t days = counts.days;
  for (size_t p = 0; p < places.spec.size() && !in->bad(); ++p) {
    std::vector<double>& attribution = sums->attribution[places.spec[p]];
    in->ForEach(places.slot.size(),
                [&](size_t i, double value) { attribution[places.slot[i]] = value; });
    LeadHistogram& histogram = sums->histograms[places.spec[p]];
    histogram.bin_steps = in->F64();
    in->ForEach(histogram.mass.size(), [&](size_t i, double value) { histogram.mass[i] = value; });
  }
  for (std::vector<double>* daily : {&sums->daily_arrivals, &sums->daily_backlog}) {
    in->ForEach(places.daily.size() * days, [&](size_t i, double value) {
      (*daily)[places.daily[i / days] * days + i % days] = value;
    });
  }
}

std::optional<Error> CheckRunner::LoadBlocks() {
  const int64_t chunks = (scenarios_ + kChunk - 1) / kChunk;
  chunk_sums_.assign(static_cast<size_t>(chunks), {});
  // Per chunk and component holding offerings (numbered first): whether a blob covered it.
  const size_t components = static_cast<size_t>(
      *std::max_element(model_.offering_component.begin(), model_.offering_component.end()) + 1);
  std::vector<char> covered(static_cast<size_t>(chunks) * components, 0);
  std::vector<char> ready(static_cast<size_t>(chunks), 0);  // chunk_sums_ sized
  const uint64_t days = options_.collect_series ? static_cast<uint64_t>(model_.grid.total_days) : 0;
  const uint64_t expected_fingerprint = BlockFingerprint();
  for (const std::string& blob : *merge_blocks_) {
    BlockReader in(blob);
    char magic[sizeof kMagic] = {};
    in.Raw(magic, sizeof magic);
    if (std::memcmp(magic, kMagic, sizeof kMagic) != 0) return NotABlock("not a block's blob");
    const uint64_t fingerprint = in.U64();
    const uint64_t scenarios = in.U64();
    const uint64_t seed = in.U64();
    const int64_t first_chunk = static_cast<int64_t>(in.U64());
    const int64_t end_chunk = static_cast<int64_t>(in.U64());
    const uint64_t component = in.U64();
    if (in.bad() || fingerprint != expected_fingerprint ||
        scenarios != static_cast<uint64_t>(scenarios_) || seed != seed_) {
      return NotABlock("another scenario, scenario count, seed or options");
    }
    BlockCounts counts;
    counts.columns = in.U64();
    counts.specs = in.U64();
    counts.resources = in.U64();
    counts.offerings = in.U64();
    counts.days = in.U64();
    if (in.bad() || counts.days != days || counts.columns > column_keys_.size() ||
        counts.specs > specs_.size() || counts.resources > model_.resources.size() ||
        counts.offerings > model_.offerings.size() ||
        (component != kWholeCheck && component >= components)) {
      return NotABlock("other promises or resources");
    }
    if (first_chunk < 0 || first_chunk >= end_chunk || end_chunk > chunks)
      return NotABlock("chunks outside the check");
    BlockPlaces places;
    if (std::optional<Error> problem = ReadBlockPlaces(&in, counts, &places)) return problem;
    const int64_t first = first_chunk * kChunk;
    const int64_t last = std::min(scenarios_, end_chunk * kChunk);
    for (int column : places.column) {
      in.Raw(columns_->Data(column) + first, sizeof(float) * static_cast<size_t>(last - first));
    }
    for (int64_t chunk = first_chunk; chunk < end_chunk && !in.bad(); ++chunk) {
      const size_t from = component == kWholeCheck ? 0 : static_cast<size_t>(component);
      const size_t to = component == kWholeCheck ? components : from + 1;
      for (size_t k = from; k < to; ++k) {
        char& mark = covered[static_cast<size_t>(chunk) * components + k];
        if (mark != 0) return NotABlock("a chunk twice");
        mark = 1;
      }
      ChunkSums& sums = chunk_sums_[static_cast<size_t>(chunk)];
      if (ready[static_cast<size_t>(chunk)] == 0) EmptyChunkSums(&sums);
      ready[static_cast<size_t>(chunk)] = 1;
      LoadChunkSums(&in, counts, places, &sums);
    }
    if (in.bad() || !in.done()) return NotABlock("a truncated or damaged blob");
  }
  for (char chunk : covered) {
    if (chunk == 0) return NotABlock("the blocks miss scenarios");
  }
  // ComputeStories simulates the representative scenarios again on this simulator.
  if (options_.mode != CheckMode::kOrders) {
    kept_simulator_ = std::make_unique<Simulator>(model_, measured_resources_, measured_offerings_);
  }
  return std::nullopt;
}

namespace {

// What the blocks of several components share: the components, the split, the whole grid and
// the whole scenario's fingerprint (computed once: each is linear in the whole catalogue).
struct ComponentSplit {
  ResourceComponents components;
  int split = 1;
  TimeGrid grid;
  uint64_t fingerprint = 0;
};

// The sub-model of `component` (docs/scale-out.md, "The sub-model"): its scenario, the whole
// grid and the whole scenario's indices as stream keys.
ComponentRun MakeComponentRun(const Scenario& scenario, const ComponentSplit& split,
                              int component) {
  ComponentRun run;
  run.whole = &scenario;
  run.component = component;
  run.fingerprint = split.fingerprint;
  run.part = RestrictToComponent(scenario, split.components, component);
  run.keys.grid = split.grid;
  run.keys.offering_stream_key.assign(run.part.offering.begin(), run.part.offering.end());
  run.keys.campaign_stream_key.assign(run.part.campaign.begin(), run.part.campaign.end());
  return run;
}

EvaluateOptions CheckEvaluation() {
  EvaluateOptions evaluate;
  evaluate.economics = true;  // RunCheck's, without a start state
  return evaluate;
}

// The components holding offerings (numbered first), when the check splits along them; else 1.
int SplitComponents(const Scenario& scenario, const ResourceComponents& components,
                    const CheckOptions& options) {
  if (options.campaign || options.start != nullptr) return 1;
  int with_offerings = 0;
  for (int component : components.offering)
    with_offerings = std::max(with_offerings, component + 1);
  if (with_offerings < 2) return 1;
  for (const Promise& promise : scenario.messaging) {
    if (!promise.IsMeasuredOnRuns()) continue;
    if (PromiseComponent(scenario, components, promise) < 0) return 1;
  }
  return with_offerings;
}

// The split of `scenario` along `components` (its FindComponents).
ComponentSplit SplitOf(const Scenario& scenario, const CheckOptions& options,
                       ResourceComponents components) {
  ComponentSplit split;
  split.split = SplitComponents(scenario, components, options);
  split.components = std::move(components);
  split.grid = MakeGrid(scenario, options);
  split.fingerprint = WholeFingerprint(scenario, split.grid.total_steps, options);
  return split;
}

// The blobs of blocks [first, first + count) of each of `components`, in turn: one component's
// runner (its sub-model, compiled model and simulators) alive at a time, each simulating its
// chunks on the check's threads. options.progress hears of the components' scenarios as a share
// of the scenarios of the whole: component i of n at d of N scenarios is (i N + d) / n of N.
Result<std::vector<std::string>> ComponentBlobs(const Scenario& scenario,
                                                const CheckOptions& options,
                                                const ComponentSplit& split, int64_t first,
                                                int64_t count, const std::vector<int>& components) {
  const EvaluateOptions evaluate = CheckEvaluation();
  std::vector<std::string> blobs;
  const auto parts = static_cast<int64_t>(components.size());
  for (int64_t i = 0; i < parts; ++i) {
    const int component = components[static_cast<size_t>(i)];
    if (split.split < 2 || component < 0 || component >= split.split) {
      return Error::InvalidInput("the check is not split into components, or has no component " +
                                 std::to_string(component) + "; components: " +
                                 std::to_string(split.split < 2 ? 0 : split.split));
    }
    CheckOptions each = options;
    if (options.progress) {
      each.progress = [&options, i, parts](int64_t done, int64_t total) {
        options.progress((i * total + done) / parts, total);
      };
    }
    const ComponentRun run = MakeComponentRun(scenario, split, component);
    CheckRunner runner(run.part.scenario, each, evaluate, &run);
    runner.SimulateOnly(first, count);
    Result<CheckResult> result = runner.Run();
    if (!result.ok()) return result.error();
    blobs.push_back(runner.TakeBlock());
  }
  return blobs;
}

// The whole check from `blocks` (MergeCheckBlocks, inside its guard).
Result<CheckResult> Merge(const Scenario& scenario, const CheckOptions& options,
                          const std::vector<std::string>& blocks) {
  const EvaluateOptions evaluate = CheckEvaluation();
  CheckRunner runner(scenario, options, evaluate);
  runner.MergeBlocks(&blocks);
  return runner.Run();
}

}  // namespace

Result<std::optional<CheckResult>> CheckByComponents(const Scenario& scenario,
                                                     const CheckOptions& options) {
  using Split = std::optional<CheckResult>;
  if (options.start != nullptr || options.campaign) return Split();
  const int64_t scenarios = options.scenarios ? *options.scenarios : scenario.simulation.scenarios;
  if (ScenariosProblem(scenarios)) return Split();  // the whole check reports it
  return Guarded<Split>([&]() -> Result<Split> {
    ResourceComponents components = FindComponents(scenario);
    // Not split: nothing more computed (the grid and the fingerprint are the whole check's).
    if (SplitComponents(scenario, components, options) < 2) return Split();
    const ComponentSplit split = SplitOf(scenario, options, std::move(components));
    std::vector<int> each(static_cast<size_t>(split.split));
    std::iota(each.begin(), each.end(), 0);
    Result<std::vector<std::string>> blobs =
        ComponentBlobs(scenario, options, split, 0, scenarios, each);
    if (!blobs.ok()) return blobs.error();
    Result<CheckResult> merged = Merge(scenario, options, blobs.value());
    if (!merged.ok()) return merged.error();
    return Split(std::move(merged.value()));
  });
}

}  // namespace engine

Result<int64_t> CheckScenarios(const Scenario& scenario, const CheckOptions& options) {
  const int64_t scenarios = options.scenarios ? *options.scenarios : scenario.simulation.scenarios;
  if (std::optional<Error> problem = engine::ScenariosProblem(scenarios)) return *problem;
  if (std::optional<Error> problem = engine::CampaignProblem(scenario, options)) return *problem;
  if (options.start != nullptr)
    return Error::InvalidInput("a check continued from a state is not split into blocks");
  return scenarios;
}

Result<int> CheckComponents(const Scenario& scenario, const CheckOptions& options) {
  Result<int64_t> scenarios = CheckScenarios(scenario, options);
  if (!scenarios.ok()) return scenarios.error();
  return engine::Guarded<int>([&]() -> Result<int> {
    return engine::SplitComponents(scenario, FindComponents(scenario), options);
  });
}

Result<std::string> RunCheckBlock(const Scenario& scenario, const CheckOptions& options,
                                  int64_t first, int64_t count, int component) {
  if (options.start != nullptr)
    return Error::InvalidInput("a check continued from a state is not split into blocks");
  if (component >= 0) {
    Result<std::vector<std::string>> blobs =
        RunComponentBlocks(scenario, options, first, count, {component});
    if (!blobs.ok()) return blobs.error();
    return std::move(blobs.value().front());
  }
  return engine::Guarded<std::string>([&]() -> Result<std::string> {
    const engine::EvaluateOptions evaluate = engine::CheckEvaluation();
    engine::CheckRunner runner(scenario, options, evaluate);
    runner.SimulateOnly(first, count);
    Result<CheckResult> result = runner.Run();
    if (!result.ok()) return result.error();
    return runner.TakeBlock();
  });
}

Result<std::vector<std::string>> RunComponentBlocks(const Scenario& scenario,
                                                    const CheckOptions& options, int64_t first,
                                                    int64_t count,
                                                    const std::vector<int>& components) {
  if (options.start != nullptr)
    return Error::InvalidInput("a check continued from a state is not split into blocks");
  if (std::optional<Error> problem = engine::CampaignProblem(scenario, options)) return *problem;
  return engine::Guarded<std::vector<std::string>>([&]() -> Result<std::vector<std::string>> {
    return engine::ComponentBlobs(scenario, options,
                                  engine::SplitOf(scenario, options, FindComponents(scenario)),
                                  first, count, components);
  });
}

Result<CheckResult> MergeCheckBlocks(const Scenario& scenario, const CheckOptions& options,
                                     const std::vector<std::string>& blocks) {
  if (options.start != nullptr)
    return Error::InvalidInput("a check continued from a state is not split into blocks");
  return engine::Guarded<CheckResult>(
      [&]() -> Result<CheckResult> { return engine::Merge(scenario, options, blocks); });
}

Result<CheckResult> RunComponentCheck(const Scenario& scenario, const CheckOptions& options,
                                      int component) {
  if (options.start != nullptr)
    return Error::InvalidInput("a check continued from a state is not split into components");
  return engine::Guarded<CheckResult>([&]() -> Result<CheckResult> {
    const ResourceComponents components = FindComponents(scenario);
    if (component < 0 || component >= components.count) {
      return Error::InvalidInput("no component " + std::to_string(component) +
                                 " in the resource graph; it has " +
                                 std::to_string(components.count));
    }
    engine::ComponentSplit split;
    split.components = components;
    split.grid = engine::MakeGrid(scenario, options);
    split.fingerprint = engine::WholeFingerprint(scenario, split.grid.total_steps, options);
    const engine::ComponentRun run = engine::MakeComponentRun(scenario, split, component);
    const engine::EvaluateOptions evaluate = engine::CheckEvaluation();
    engine::CheckRunner runner(run.part.scenario, options, evaluate, &run);
    return runner.Run();
  });
}

}  // namespace tandem
