// ParseScenario: a scenario's YAML text to the model. Three steps: load the one document within
// the input limits (yaml_document.h), read it section by section (ScenarioReader, whose
// methods for each part of the format live in scenario_reader_*.cc), validate the model
// (ValidateScenario). Every problem is a diagnostic with file, line, key and what is allowed.
#include "tandem/io/scenario_reader.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "io/scenario_reader_sections.h"
#include "io/yaml_document.h"
#include "io/yaml_json.h"
#include "tandem/io/input_limits.h"
#include "tandem/model/validate.h"

namespace tandem {
namespace {

// A throughput resource without `unit` that a response promise answers counts tickets, not
// units ("support responds within 4h for 90% of tickets").
void NameUnitOfRespondingResources(const DocNode& resources, Scenario* scenario) {
  if (!resources || !resources.IsSequence()) return;
  auto responds = [&](const std::string& id) {
    auto in = [&](const std::vector<Promise>& promises) {
      for (const Promise& promise : promises)
        if (promise.type == PromiseType::kResponse && promise.resource == id) return true;
      return false;
    };
    if (in(scenario->messaging)) return true;
    for (const Campaign& campaign : scenario->campaigns)
      if (in(campaign.promises)) return true;
    return false;
  };
  for (size_t i = 0; i < scenario->resources.size() && i < resources.size(); ++i) {
    Resource& resource = scenario->resources[i];
    const DocNode node = resources[i];
    if (resource.kind == ResourceKind::kThroughput && node.IsMap() && !node["unit"] &&
        responds(resource.id))
      resource.unit = "tickets";
  }
}

}  // namespace

Result<Scenario> ScenarioReader::Run(std::string_view text, nlohmann::ordered_json* as_json) {
  Result<YAML::Node> document = LoadOneYamlDocument(text, file());
  if (!document.ok()) return document.error();
  Result<Scenario> scenario = Read(DocNode(document.value()));
  if (scenario.ok() && as_json != nullptr) *as_json = YamlNodeToJson(document.value());
  return scenario;
}

Result<Scenario> ScenarioReader::Read(const DocNode& root) {
  Scenario scenario;
  if (!ExpectMap(root, "",
                 {"tandem", "name", "currency", "horizon", "today", "simulation", "calendars",
                  "resources", "capabilities", "offerings", "messaging", "campaigns"})) {
    return Refusal(TakeDiagnostics());
  }
  ReadVersion(root, &scenario);
  ReadSections(root, &scenario);
  NameUnitOfRespondingResources(root["resources"], &scenario);
  if (!diagnostics().empty()) return Refusal(TakeDiagnostics());
  std::vector<Diagnostic> semantic = ValidateScenario(scenario);
  if (!semantic.empty()) return Refusal(std::move(semantic));
  return scenario;
}

void ScenarioReader::ReadVersion(const DocNode& root, Scenario* scenario) {
  if (root["tandem"]) {
    int64_t version = 0;
    if (Integer(root["tandem"], "tandem", 0, INT32_MAX, &version)) {
      if (version == 1) {
        scenario->version = 1;
      } else {
        Problem(root["tandem"], "tandem",
                "format version " + std::to_string(version) + " is not supported",
                "tandem: 1 (the only version so far)");
      }
    }
  } else {
    Problem(root, "tandem", "missing: the format version", "tandem: 1");
  }
}

// Every section after the version, in the format's order.
void ScenarioReader::ReadSections(const DocNode& root, Scenario* scenario) {
  if (root["name"]) {
    Text(root["name"], "name", &scenario->name);
  } else {
    Problem(root, "name", "missing", "a name for the scenario");
  }
  if (root["currency"]) Text(root["currency"], "currency", &scenario->currency);
  if (root["horizon"]) {
    DateRangeMap(root["horizon"], "horizon", &scenario->horizon);
  } else {
    Problem(root, "horizon", "missing", "horizon: {start: YYYY-MM-DD, end: YYYY-MM-DD}");
  }
  scenario->today = scenario->horizon.start;
  if (root["today"]) ParseDate(root["today"], "today", &scenario->today);
  if (root["simulation"]) ReadSimulation(root["simulation"], &scenario->simulation);
  if (root["calendars"]) ReadCalendars(root["calendars"], &scenario->calendars);
  if (root["resources"]) {
    ReadList(root["resources"], "resources", &scenario->resources,
             [&](const DocNode& node, const std::string& key, Resource* resource) {
               ReadResource(node, key, resource);
             });
  }
  if (root["capabilities"]) {
    ReadList(root["capabilities"], "capabilities", &scenario->capabilities,
             [&](const DocNode& node, const std::string& key, Capability* capability) {
               ReadCapability(node, key, capability);
             });
  }
  if (root["offerings"]) {
    ReadList(root["offerings"], "offerings", &scenario->offerings,
             [&](const DocNode& node, const std::string& key, Offering* offering) {
               ReadOffering(node, key, offering);
             });
  } else {
    Problem(root, "offerings", "missing",
            "a list of offerings, each with an id, a price and a baseline");
  }
  if (root["messaging"]) {
    ReadList(root["messaging"], "messaging", &scenario->messaging,
             [&](const DocNode& node, const std::string& key, Promise* promise) {
               ReadPromise(node, key, promise);
             });
  }
  std::vector<bool> offerings_given;
  ReadCampaigns(root, scenario, &offerings_given);
  // A campaign without `offerings` covers all of them.
  for (size_t i = 0; i < scenario->campaigns.size(); ++i) {
    if (i < offerings_given.size() && !offerings_given[i]) {
      for (const Offering& offering : scenario->offerings) {
        scenario->campaigns[i].offerings.push_back(offering.id);
      }
    }
  }
}

void ScenarioReader::ReadCampaigns(const DocNode& root, Scenario* scenario,
                                   std::vector<bool>* offerings_given) {
  // Random streams are numbered per offering and campaign (engine/random.h): they stay distinct
  // below 4,095 campaigns; a thousand is far beyond any plan.
  constexpr size_t kMaxCampaigns = 1000;
  if (root["campaigns"] && root["campaigns"].IsSequence() &&
      root["campaigns"].size() > kMaxCampaigns) {
    Problem(root["campaigns"], "campaigns",
            std::to_string(root["campaigns"].size()) + " campaigns is too many",
            "at most 1,000 campaigns in one scenario");
  } else if (root["campaigns"]) {
    ReadList(root["campaigns"], "campaigns", &scenario->campaigns,
             [&](const DocNode& node, const std::string& key, Campaign* campaign) {
               bool given = false;
               ReadCampaign(node, key, campaign, &given);
               offerings_given->push_back(given);
             });
  }
}

Error UnreadableDocument(const std::string& display_name, const std::exception& error) {
  Diagnostic diagnostic;
  diagnostic.file = display_name;
  diagnostic.problem = std::string("cannot be read: ") + error.what();
  diagnostic.allowed = "a YAML document following scenario-format.md";
  return Error::InvalidInput({diagnostic});
}

Result<Scenario> ParseScenario(std::string_view text, const std::string& display_name,
                               const FileLoader& load_file, nlohmann::ordered_json* as_json) {
  try {
    ScenarioReader reader(display_name, load_file);
    return reader.Run(text, as_json);
  } catch (const std::exception& error) {
    // yaml-cpp may throw from accessors on malformed documents: still the user's input.
    return UnreadableDocument(display_name, error);
  }
}

Result<Scenario> ParseScenario(std::string_view text, const std::string& display_name,
                               const FileLoader& load_file) {
  return ParseScenario(text, display_name, load_file, nullptr);
}

Result<Scenario> ReadScenarioFile(const std::string& path, size_t max_input_bytes) {
  Result<std::string> text = ReadInputFile(path, max_input_bytes, "scenario file");
  if (!text.ok()) return text.error();
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  FileLoader loader = [folder,
                       max_input_bytes](const std::string& relative) -> Result<std::string> {
    return ReadInputFile((folder / relative).string(), max_input_bytes, "history file");
  };
  return ParseScenario(text.value(), path, loader);
}

}  // namespace tandem
