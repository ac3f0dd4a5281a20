#include "server/scenario_doc.h"

#include <algorithm>
#include <cstdlib>

#include "tandem/io/input_limits.h"
#include "tandem/io/scenario_reader.h"

namespace tandem::server {
namespace {

constexpr const char* kPlaceholder = "__no_offerings_yet";

// "resources[3].capacity" -> ("resources", 3, "capacity"); "calendars.w.open" -> ("calendars", w,
// "open").
struct KeyParts {
  std::string kind;
  long index = -1;
  std::string name;
  std::string rest;
};

KeyParts SplitKey(const std::string& key) {
  KeyParts parts;
  const size_t cut = key.find_first_of(".[");
  parts.kind = key.substr(0, cut);
  if (cut == std::string::npos) return parts;
  if (key[cut] == '[') {
    const size_t close = key.find(']', cut);
    if (close == std::string::npos) return parts;
    parts.index = std::strtol(key.c_str() + cut + 1, nullptr, 10);
    parts.rest = close + 1 < key.size() && key[close + 1] == '.' ? key.substr(close + 2)
                                                                 : key.substr(close + 1);
  } else {
    const size_t next = key.find_first_of(".[", cut + 1);
    parts.name =
        key.substr(cut + 1, next == std::string::npos ? std::string::npos : next - cut - 1);
    if (next != std::string::npos)
      parts.rest = key[next] == '.' ? key.substr(next + 1) : key.substr(next);
  }
  return parts;
}

}  // namespace

const std::vector<std::string>& EntityKinds() {
  static const std::vector<std::string> kinds = {"calendars", "resources", "capabilities",
                                                 "offerings", "messaging", "campaigns"};
  return kinds;
}

bool IsEntityKind(const std::string& kind) {
  const auto& kinds = EntityKinds();
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

bool KindHasIdField(const std::string& kind) {
  return kind != "calendars" && kind != "messaging";
}

const std::vector<std::string>& SettingsKeys() {
  static const std::vector<std::string> keys = {"name", "currency", "horizon", "today",
                                                "simulation"};
  return keys;
}

std::vector<const Entity*> Ordered(const Document& document) {
  std::vector<const Entity*> ordered;
  for (const Entity& entity : document.entities) ordered.push_back(&entity);
  const auto rank = [](const std::string& kind) {
    const auto& kinds = EntityKinds();
    return std::find(kinds.begin(), kinds.end(), kind) - kinds.begin();
  };
  std::stable_sort(ordered.begin(), ordered.end(), [&](const Entity* a, const Entity* b) {
    if (a->kind != b->kind) return rank(a->kind) < rank(b->kind);
    if (a->position != b->position) return a->position < b->position;
    return a->key < b->key;
  });
  return ordered;
}

ordered_json AssembleScenario(const Document& document,
                              const std::function<bool(const std::string&)>& keep_campaign) {
  ordered_json scenario = ordered_json::object();
  scenario["tandem"] = 1;
  for (const std::string& key : SettingsKeys()) {
    if (document.settings.is_object() && document.settings.contains(key))
      scenario[key] = ordered_json(document.settings[key]);
  }
  bool any_offering = false;
  for (const Entity* entity : Ordered(document)) {
    if (entity->kind == "campaigns" && keep_campaign && !keep_campaign(entity->key)) continue;
    if (entity->kind == "calendars") {
      scenario["calendars"][entity->key] = ordered_json(entity->body);
    } else {
      scenario[entity->kind].push_back(ordered_json(entity->body));
    }
    any_offering = any_offering || entity->kind == "offerings";
  }
  if (!any_offering) {
    scenario["offerings"] =
        ordered_json::array({{{"id", kPlaceholder}, {"price", 0}, {"baseline", {{"per_day", 0}}}}});
  }
  return scenario;
}

Result<Scenario> ParseDocument(const Document& document, const ordered_json& assembled) {
  const FileLoader loader = [&](const std::string& path) -> Result<std::string> {
    auto found = document.files.find(path);
    if (found == document.files.end())
      return Error::Io("no file '" + path + "' in the workspace (upload it first)");
    return found->second;
  };
  return ReadScenarioJson(assembled, "workspace", loader);
}

std::vector<FieldError> DiagnosticsToFields(const std::vector<Diagnostic>& diagnostics,
                                            const Document& document, const std::string& kind,
                                            const std::string& key) {
  std::map<std::string, std::vector<std::string>> keys_by_kind;
  for (const Entity* entity : Ordered(document)) keys_by_kind[entity->kind].push_back(entity->key);
  std::vector<FieldError> fields;
  for (const Diagnostic& diagnostic : diagnostics) {
    FieldError field;
    field.problem = diagnostic.problem;
    field.allowed = diagnostic.allowed;
    field.path = diagnostic.key;
    const KeyParts parts = SplitKey(diagnostic.key);
    std::string entity_key;
    if (parts.kind == "calendars") {
      entity_key = parts.name;
    } else if (parts.index >= 0 && keys_by_kind.count(parts.kind) &&
               static_cast<size_t>(parts.index) < keys_by_kind[parts.kind].size()) {
      entity_key = keys_by_kind[parts.kind][static_cast<size_t>(parts.index)];
    }
    if (!kind.empty() && parts.kind == kind && entity_key == key) {
      field.field = parts.rest.empty() ? "(body)" : parts.rest;
    } else if (kind == "settings" && std::find(SettingsKeys().begin(), SettingsKeys().end(),
                                               parts.kind) != SettingsKeys().end()) {
      field.field = diagnostic.key;
    } else {
      field.field = diagnostic.key;
      if (!entity_key.empty())
        field.path = parts.kind + "/" + entity_key + (parts.rest.empty() ? "" : ": " + parts.rest);
    }
    if (diagnostic.file != "workspace" && !diagnostic.file.empty()) {
      field.problem = diagnostic.file + ": " + field.problem;  // a history file's own problem
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

Outcome<json> ParseJsonBody(std::string_view text) {
  const size_t too_deep = FindJsonTooDeep(text, kMaxNestingDepth);
  if (too_deep != std::string_view::npos) {
    const TextPlace place = PlaceOf(text, too_deep);
    return ApiError::Field(
        "(body)",
        "lists and objects nested more than " + std::to_string(kMaxNestingDepth) +
            " deep (at line " + std::to_string(place.line) + ", column " +
            std::to_string(place.column) + ")",
        "at most " + std::to_string(kMaxNestingDepth) + " levels; a scenario entry nests a few");
  }
  json body = json::parse(text, nullptr, false);
  if (body.is_discarded()) {
    return ApiError::Field("(body)", "not valid JSON",
                           "a JSON document (Content-Type: application/json)");
  }
  return body;
}

Result<Document> SplitScenario(const ordered_json& scenario) {
  if (!scenario.is_object()) return Error::InvalidInput("a scenario is a mapping of keys");
  Document document;
  for (const auto& [key, value] : scenario.items()) {
    if (key == "tandem") continue;
    if (std::find(SettingsKeys().begin(), SettingsKeys().end(), key) != SettingsKeys().end()) {
      document.settings[key] = json(value);
      continue;
    }
    if (!IsEntityKind(key)) continue;  // the reader has already rejected unknown keys
    int64_t position = 0;
    if (key == "calendars") {
      for (const auto& [id, body] : value.items())
        document.entities.push_back(
            {.kind = key, .key = id, .position = position++, .version = 1, .body = json(body)});
    } else if (value.is_array()) {
      for (const ordered_json& body : value) {
        std::string id;
        if (KindHasIdField(key) && body.is_object() && body.contains("id")) {
          id = body["id"].is_string() ? body["id"].get<std::string>() : body["id"].dump();
        } else {
          id = std::to_string(position + 1);
        }
        document.entities.push_back(
            {.kind = key, .key = id, .position = position++, .version = 1, .body = json(body)});
      }
    }
  }
  return document;
}

}  // namespace tandem::server
