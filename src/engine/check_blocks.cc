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

#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/check_runner.h"
#include "tandem/engine/evaluate.h"
#include "tandem/engine/random.h"
#include "tandem/model/components.h"

namespace tandem {
namespace engine {
namespace {

constexpr char kMagic[8] = {'t', 'n', 'd', 'm', 'b', 'l', 'k', '1'};

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

// Reads a blob; every read past its end, or a vector longer than expected, marks it bad.
class Reader {
 public:
  explicit Reader(const std::string& blob) : blob_(blob) {}
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
  // A vector of `size` doubles (its stored size must match).
  void Sparse(size_t size, std::vector<double>* values) {
    if (U64() != size) bad_ = true;
    const uint64_t entries = U64();
    if (bad_ || entries > size) {
      bad_ = true;
      return;
    }
    values->assign(size, 0.0);
    for (uint64_t e = 0; e < entries && !bad_; ++e) {
      const uint64_t index = U64();
      const double value = F64();
      if (index >= size) bad_ = true;
      if (!bad_) (*values)[index] = value;
    }
  }
  bool bad() const { return bad_; }
  bool done() const { return at_ == blob_.size(); }

 private:
  const std::string& blob_;
  size_t at_ = 0;
  bool bad_ = false;
};

uint64_t Mix(uint64_t hash, uint64_t value) {
  return SplitMix64(hash ^ SplitMix64(value));
}

uint64_t MixText(uint64_t hash, const std::string& text) {
  for (unsigned char c : text) hash = Mix(hash, c);
  return Mix(hash, text.size());
}

Error NotABlock(const std::string& why) {
  return Error::InvalidInput("a block of the check does not fit it: " + why);
}

}  // namespace

// What must agree between the blocks and the merge besides the counts in the header: the
// scenario's shape and the options that change what is simulated or recorded.
uint64_t CheckRunner::BlockFingerprint() const {
  uint64_t hash = MixText(0x7a6e646d, scenario_.name);
  hash = Mix(hash, model_.offerings.size());
  hash = Mix(hash, model_.resources.size());
  hash = Mix(hash, static_cast<uint64_t>(model_.grid.total_steps));
  for (const Offering& offering : scenario_.offerings) hash = MixText(hash, offering.id);
  hash = Mix(hash, static_cast<uint64_t>(options_.mode));
  hash = Mix(hash, options_.collect_series ? 1 : 0);
  hash = MixText(hash, options_.campaign.value_or(std::string("\x01")));
  return hash;
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
  const size_t slots = model_.resources.size() + model_.offerings.size();
  for (uint64_t value : {BlockFingerprint(), static_cast<uint64_t>(scenarios_), seed_,
                         static_cast<uint64_t>(first_chunk), static_cast<uint64_t>(end_chunk),
                         static_cast<uint64_t>(columns_->size()),
                         static_cast<uint64_t>(specs_.size()), static_cast<uint64_t>(slots)}) {
    out.U64(value);
  }
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

std::optional<Error> CheckRunner::LoadBlocks() {
  const int64_t chunks = (scenarios_ + kChunk - 1) / kChunk;
  chunk_sums_.assign(static_cast<size_t>(chunks), {});
  std::vector<char> covered(static_cast<size_t>(chunks), 0);
  const size_t slots = model_.resources.size() + model_.offerings.size();
  const size_t daily = options_.collect_series
                           ? model_.resources.size() * static_cast<size_t>(model_.grid.total_days)
                           : 0;
  for (const std::string& blob : *merge_blocks_) {
    Reader in(blob);
    char magic[sizeof kMagic] = {};
    in.Raw(magic, sizeof magic);
    if (std::memcmp(magic, kMagic, sizeof kMagic) != 0) return NotABlock("not a block's blob");
    const uint64_t fingerprint = in.U64();
    const uint64_t scenarios = in.U64();
    const uint64_t seed = in.U64();
    const int64_t first_chunk = static_cast<int64_t>(in.U64());
    const int64_t end_chunk = static_cast<int64_t>(in.U64());
    if (in.bad() || fingerprint != BlockFingerprint() ||
        scenarios != static_cast<uint64_t>(scenarios_) || seed != seed_) {
      return NotABlock("another scenario, scenario count, seed or options");
    }
    if (in.U64() != static_cast<uint64_t>(columns_->size()) || in.U64() != specs_.size() ||
        in.U64() != slots) {
      return NotABlock("other promises or resources");
    }
    if (first_chunk < 0 || first_chunk >= end_chunk || end_chunk > chunks)
      return NotABlock("chunks outside the check");
    const int64_t first = first_chunk * kChunk;
    const int64_t last = std::min(scenarios_, end_chunk * kChunk);
    for (int c = 0; c < columns_->size(); ++c) {
      in.Raw(columns_->Data(c) + first, sizeof(float) * static_cast<size_t>(last - first));
    }
    for (int64_t chunk = first_chunk; chunk < end_chunk && !in.bad(); ++chunk) {
      if (covered[static_cast<size_t>(chunk)] != 0) return NotABlock("a chunk twice");
      covered[static_cast<size_t>(chunk)] = 1;
      ChunkSums& sums = chunk_sums_[static_cast<size_t>(chunk)];
      sums.attribution.resize(specs_.size());
      for (size_t p = 0; p < specs_.size(); ++p) {
        in.Sparse(slots, &sums.attribution[p]);
        LeadHistogram histogram = EmptyHistogram(specs_[p]);
        histogram.bin_steps = in.F64();
        in.Sparse(histogram.mass.size(), &histogram.mass);
        sums.histograms.push_back(std::move(histogram));
      }
      in.Sparse(daily, &sums.daily_arrivals);
      in.Sparse(daily, &sums.daily_backlog);
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

EvaluateOptions CheckEvaluation() {
  EvaluateOptions evaluate;
  evaluate.economics = true;  // RunCheck's, without a start state
  return evaluate;
}

}  // namespace
}  // namespace engine

Result<int64_t> CheckScenarios(const Scenario& scenario, const CheckOptions& options) {
  const int64_t scenarios = options.scenarios ? *options.scenarios : scenario.simulation.scenarios;
  if (std::optional<Error> problem = engine::ScenariosProblem(scenarios)) return *problem;
  if (std::optional<Error> problem = engine::CampaignProblem(scenario, options)) return *problem;
  if (options.start != nullptr)
    return Error::InvalidInput("a check continued from a state is not split into blocks");
  return scenarios;
}

Result<std::string> RunCheckBlock(const Scenario& scenario, const CheckOptions& options,
                                  int64_t first, int64_t count) {
  if (options.start != nullptr)
    return Error::InvalidInput("a check continued from a state is not split into blocks");
  return engine::Guarded<std::string>([&]() -> Result<std::string> {
    const engine::EvaluateOptions evaluate = engine::CheckEvaluation();
    engine::CheckRunner runner(scenario, options, evaluate);
    runner.SimulateOnly(first, count);
    Result<CheckResult> result = runner.Run();
    if (!result.ok()) return result.error();
    return runner.TakeBlock();
  });
}

Result<CheckResult> MergeCheckBlocks(const Scenario& scenario, const CheckOptions& options,
                                     const std::vector<std::string>& blocks) {
  if (options.start != nullptr)
    return Error::InvalidInput("a check continued from a state is not split into blocks");
  return engine::Guarded<CheckResult>([&]() -> Result<CheckResult> {
    const engine::EvaluateOptions evaluate = engine::CheckEvaluation();
    engine::CheckRunner runner(scenario, options, evaluate);
    runner.MergeBlocks(&blocks);
    return runner.Run();
  });
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
    const ComponentScenario part = RestrictToComponent(scenario, components, component);
    engine::SubModelKeys keys;
    keys.grid = engine::MakeGrid(scenario, options);
    keys.offering_stream_key.assign(part.offering.begin(), part.offering.end());
    keys.campaign_stream_key.assign(part.campaign.begin(), part.campaign.end());
    const engine::EvaluateOptions evaluate = engine::CheckEvaluation();
    engine::CheckRunner runner(part.scenario, options, evaluate, &keys);
    return runner.Run();
  });
}

}  // namespace tandem
