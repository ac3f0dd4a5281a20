// The workspace as a scenario document. A workspace is stored as settings (the top-level keys:
// name, currency, horizon, today, simulation) and entities, each the JSON form of one entry of
// the scenario format (a calendar, a resource, ...), plus history files. Assembled in order they
// are a scenario document as JSON values, which the scenario reader reads and validates in
// memory (ReadScenarioJson: the reader of files, no text in between).
// Internal to tandem_server.
#ifndef TANDEM_SRC_SERVER_SCENARIO_DOC_H_
#define TANDEM_SRC_SERVER_SCENARIO_DOC_H_

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/common/result.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/model/scenario.h"
#include "tandem/server/api.h"

namespace tandem::server {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// Entity kinds in scenario order. Calendars are a map in the format (the key is the id);
// messaging entries have no id in the format (the key is the workspace's name for them).
const std::vector<std::string>& EntityKinds();
bool IsEntityKind(const std::string& kind);
bool KindHasIdField(const std::string& kind);  // resources, capabilities, offerings, campaigns
// Settings keys allowed at the top level of a workspace.
const std::vector<std::string>& SettingsKeys();

struct Entity {
  std::string kind;
  std::string key;
  int64_t position = 0;
  int64_t version = 0;
  json body;
};

struct Document {
  json settings = json::object();
  std::vector<Entity> entities;              // any order; assembled by kind then position
  std::map<std::string, std::string> files;  // history files by path
};

// The scenario document. `keep_campaign` (when set) filters campaigns by id. A workspace with
// no offerings gets a placeholder offering so that the rest of it can be validated.
ordered_json AssembleScenario(const Document& document,
                              const std::function<bool(const std::string&)>& keep_campaign = {});

// Reads and validates an assembled document (ReadScenarioJson, file name "workspace"); history
// paths resolve to the document's files.
Result<Scenario> ParseDocument(const Document& document, const ordered_json& assembled);

// Maps the reader's diagnostics (keys in the assembled document) to field errors: relative to
// the entity (kind, key) when they are inside it, else with the full path and the entity named.
std::vector<FieldError> DiagnosticsToFields(const std::vector<Diagnostic>& diagnostics,
                                            const Document& document, const std::string& kind,
                                            const std::string& key);

// A JSON document from a client (a request body): nested at most kMaxNestingDepth deep (checked
// before parsing, so that no recursive step ever sees a deeper one), valid JSON. Errors are 400
// naming "(body)" and the limit.
Outcome<json> ParseJsonBody(std::string_view text);

// A scenario document split into settings and entities (positions in file order).
Result<Document> SplitScenario(const ordered_json& scenario);

// Entities sorted by kind order and position.
std::vector<const Entity*> Ordered(const Document& document);

}  // namespace tandem::server

#endif  // TANDEM_SRC_SERVER_SCENARIO_DOC_H_
