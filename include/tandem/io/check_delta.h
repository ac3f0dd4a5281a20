// What changed between two checks of one campaign: the inputs (a structural diff of the two
// scenario documents the checks ran on) and the outcomes (the campaign's verdict, each promise's
// status and p_kept, the economics' medians). The server answers it with every check
// ("since_previous", docs/server.md) and with the impact preview of an operations edit; the web
// UI shows it beside the verdict so that a reviewer sees why a verdict moved.
//
// Pure functions over JSON values: no I/O, thread-safe.
#ifndef TANDEM_IO_CHECK_DELTA_H_
#define TANDEM_IO_CHECK_DELTA_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tandem {

// One key whose value differs between two documents. A key absent on one side has `before` or
// `after` null and `added` / `removed` set.
struct KeyChange {
  std::string key;  // "resources[pick-pack].capacity", "calendars.warehouse.open[0]", "today"
  nlohmann::json before;
  nlohmann::json after;
  bool added = false;    // only in `after`
  bool removed = false;  // only in `before`
};

// The keys whose values differ: a map's keys in key order, removed keys after the others. Lists of
// objects that all have an "id" are matched by id ("campaigns[spring-40].lift"), other lists by
// position when both have the same length, else compared whole; maps key by key. A value of
// another JSON type is one change of the whole key. Numbers compare by value (100 == 100.0).
std::vector<KeyChange> DiffDocuments(const nlohmann::json& before, const nlohmann::json& after);

// The campaign's outcomes compared: {"verdict": {"before", "after"} when it moved, "promises":
// [{index, text, type, status_before, status, p_kept_before, p_kept}] for each promise whose
// status or p_kept differs (matched by index and text), "standing": the same for the standing
// promises the campaign answers for, "economics": [{key, before, after}] for the medians and
// amounts that differ ("incremental_contribution.p50", "incremental_fulfilment_cost.p50",
// "revenue.p50", "spend", "expected_incremental_after_spend")}. `before` and `after` are a
// campaign's entry of the check JSON (tandem check --json: campaigns[i]).
nlohmann::json CompareCampaignOutcomes(const nlohmann::json& before, const nlohmann::json& after);

// Both: {"inputs": [{key, before, after, added?, removed?}] (the first kMaxInputChanges; null
// when either document is unknown, i.e. null), "inputs_more": how many more changed,
// "outcomes": CompareCampaignOutcomes(...), "changed": whether anything differs}.
inline constexpr size_t kMaxInputChanges = 100;
nlohmann::json CheckDelta(const nlohmann::json& before_inputs, const nlohmann::json& after_inputs,
                          const nlohmann::json& before_campaign,
                          const nlohmann::json& after_campaign);

}  // namespace tandem

#endif  // TANDEM_IO_CHECK_DELTA_H_
