#include "tandem/io/check_delta.h"

#include <algorithm>

namespace tandem {
namespace {

using json = nlohmann::json;

// A list whose items are all objects with a scalar "id": matched by id.
bool ListedById(const json& list) {
  if (!list.is_array() || list.empty()) return false;
  return std::all_of(list.begin(), list.end(), [](const json& item) {
    return item.is_object() && item.contains("id") && !item["id"].is_structured();
  });
}

std::string IdText(const json& id) {
  return id.is_string() ? id.get<std::string>() : id.dump();
}

std::string Join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

void Diff(const std::string& key, const json& before, const json& after,
          std::vector<KeyChange>* out) {
  if (before == after) return;
  if (before.is_object() && after.is_object()) {
    for (const auto& [name, value] : after.items()) {
      auto old = before.find(name);
      if (old == before.end()) {
        out->push_back({Join(key, name), nullptr, value, true, false});
      } else {
        Diff(Join(key, name), *old, value, out);
      }
    }
    for (const auto& [name, value] : before.items()) {
      if (!after.contains(name)) out->push_back({Join(key, name), value, nullptr, false, true});
    }
    return;
  }
  if (ListedById(before) && ListedById(after)) {
    for (const json& item : after) {
      const std::string id = IdText(item["id"]);
      const std::string item_key = key + "[" + id + "]";
      auto old = std::find_if(before.begin(), before.end(),
                              [&](const json& candidate) { return candidate["id"] == item["id"]; });
      if (old == before.end()) {
        out->push_back({item_key, nullptr, item, true, false});
      } else {
        Diff(item_key, *old, item, out);
      }
    }
    for (const json& item : before) {
      const bool kept = std::any_of(after.begin(), after.end(), [&](const json& candidate) {
        return candidate["id"] == item["id"];
      });
      if (!kept) out->push_back({key + "[" + IdText(item["id"]) + "]", item, nullptr, false, true});
    }
    return;
  }
  if (before.is_array() && after.is_array() && before.size() == after.size()) {
    for (size_t i = 0; i < after.size(); ++i)
      Diff(key + "[" + std::to_string(i) + "]", before[i], after[i], out);
    return;
  }
  out->push_back({key, before, after, false, false});
}

// A promise's outcome (status, p_kept) when it moved; null otherwise.
json PromiseMove(const json& before, const json& after) {
  const json status_before = before.value("status", json(nullptr));
  const json status_after = after.value("status", json(nullptr));
  const json p_before = before.value("p_kept", json(nullptr));
  const json p_after = after.value("p_kept", json(nullptr));
  if (status_before == status_after && p_before == p_after) return nullptr;
  json move = {{"index", after.value("index", json(nullptr))},
               {"text", after.value("text", json(nullptr))},
               {"status_before", status_before},
               {"status", status_after},
               {"p_kept_before", p_before},
               {"p_kept", p_after}};
  if (after.contains("type")) move["type"] = after["type"];
  return move;
}

// Promises matched by index when the text is the same (a reworded promise is another promise:
// listed as new, with no "before").
json ComparePromises(const json& before, const json& after) {
  json moves = json::array();
  if (!after.is_array()) return moves;
  for (const json& promise : after) {
    const json* old = nullptr;
    if (before.is_array()) {
      for (const json& candidate : before) {
        if (candidate.value("index", -1) == promise.value("index", -2) &&
            candidate.value("text", json(nullptr)) == promise.value("text", json(nullptr)))
          old = &candidate;
      }
    }
    if (!old) {
      moves.push_back({{"index", promise.value("index", json(nullptr))},
                       {"text", promise.value("text", json(nullptr))},
                       {"status_before", nullptr},
                       {"status", promise.value("status", json(nullptr))},
                       {"p_kept_before", nullptr},
                       {"p_kept", promise.value("p_kept", json(nullptr))},
                       {"new", true}});
      continue;
    }
    json move = PromiseMove(*old, promise);
    if (!move.is_null()) moves.push_back(std::move(move));
  }
  return moves;
}

// economics.a.b -> the value, or null.
json At(const json& object, const std::vector<std::string>& path) {
  const json* at = &object;
  for (const std::string& part : path) {
    if (!at->is_object() || !at->contains(part)) return nullptr;
    at = &(*at)[part];
  }
  return *at;
}

}  // namespace

std::vector<KeyChange> DiffDocuments(const json& before, const json& after) {
  std::vector<KeyChange> out;
  Diff("", before, after, &out);
  return out;
}

json CompareCampaignOutcomes(const json& before, const json& after) {
  json outcomes = json::object();
  const json verdict_before = before.value("verdict", json(nullptr));
  const json verdict_after = after.value("verdict", json(nullptr));
  if (verdict_before != verdict_after)
    outcomes["verdict"] = {{"before", verdict_before}, {"after", verdict_after}};
  outcomes["promises"] = ComparePromises(before.value("promises", json::array()),
                                         after.value("promises", json::array()));
  outcomes["standing"] = ComparePromises(before.value("standing", json::array()),
                                         after.value("standing", json::array()));
  json economics = json::array();
  const std::vector<std::vector<std::string>> keys = {{"incremental_contribution", "p50"},
                                                      {"incremental_fulfilment_cost", "p50"},
                                                      {"revenue", "p50"},
                                                      {"spend"},
                                                      {"expected_incremental_after_spend"}};
  const json no_economics = json::object();
  const json& economics_before = before.contains("economics") ? before["economics"] : no_economics;
  const json& economics_after = after.contains("economics") ? after["economics"] : no_economics;
  for (const std::vector<std::string>& path : keys) {
    const json old_value = At(economics_before, path);
    const json new_value = At(economics_after, path);
    if (old_value == new_value) continue;
    std::string key;
    for (const std::string& part : path) key = Join(key, part);
    economics.push_back({{"key", key}, {"before", old_value}, {"after", new_value}});
  }
  outcomes["economics"] = std::move(economics);
  return outcomes;
}

json CheckDelta(const json& before_inputs, const json& after_inputs, const json& before_campaign,
                const json& after_campaign) {
  json delta = json::object();
  bool changed = false;
  if (before_inputs.is_null() || after_inputs.is_null()) {
    delta["inputs"] = nullptr;
    delta["inputs_more"] = 0;
  } else {
    const std::vector<KeyChange> changes = DiffDocuments(before_inputs, after_inputs);
    json inputs = json::array();
    for (size_t i = 0; i < changes.size() && i < kMaxInputChanges; ++i) {
      const KeyChange& change = changes[i];
      json item = {{"key", change.key}, {"before", change.before}, {"after", change.after}};
      if (change.added) item["added"] = true;
      if (change.removed) item["removed"] = true;
      inputs.push_back(std::move(item));
    }
    delta["inputs"] = std::move(inputs);
    delta["inputs_more"] =
        changes.size() > kMaxInputChanges ? changes.size() - kMaxInputChanges : 0;
    changed = !changes.empty();
  }
  delta["outcomes"] = CompareCampaignOutcomes(before_campaign, after_campaign);
  const json& outcomes = delta["outcomes"];
  changed = changed || outcomes.contains("verdict") || !outcomes["promises"].empty() ||
            !outcomes["standing"].empty() || !outcomes["economics"].empty();
  delta["changed"] = changed;
  return delta;
}

}  // namespace tandem
