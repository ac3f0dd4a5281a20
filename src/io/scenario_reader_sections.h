// The scenario reader: one document (YAML text, or an in-memory JSON value: DocNode) to a
// `Scenario`, section by section. Its methods live
// in one file per part of the format: scenario_reader.cc (the top level), _operations.cc
// (simulation, calendars, resources, capabilities), _offerings.cc (offerings, baselines,
// promises) and _campaigns.cc. Private to the io module; the API is ParseScenario and
// ReadScenarioJson.
#ifndef TANDEM_SRC_IO_SCENARIO_READER_SECTIONS_H_
#define TANDEM_SRC_IO_SCENARIO_READER_SECTIONS_H_

#include <exception>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "io/doc_node.h"
#include "io/node_reader.h"
#include "tandem/common/result.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/model/scenario.h"

namespace tandem {

class ScenarioReader : public NodeReader {
 public:
  // `load_file` reads a history file named relative to the scenario; it must outlive the
  // reader.
  ScenarioReader(std::string file, const FileLoader& load_file)
      : NodeReader(std::move(file)), load_file_(load_file) {}

  // The scenario of `text`, or every problem found (reading, then ValidateScenario's). When it
  // reads and `as_json` is not null, `*as_json` is the document as JSON (YamlNodeToJson).
  Result<Scenario> Run(std::string_view text, nlohmann::ordered_json* as_json = nullptr);
  // The scenario of a loaded document's root (YAML or JSON; set_has_lines() says which).
  Result<Scenario> Read(const DocNode& root);

 private:
  // --- the top level (scenario_reader.cc) ----------------------------------------------------
  void ReadVersion(const DocNode& root, Scenario* scenario);
  void ReadSections(const DocNode& root, Scenario* scenario);
  // Whether each campaign gave `offerings` (a campaign without covers all of them).
  void ReadCampaigns(const DocNode& root, Scenario* scenario, std::vector<bool>* offerings_given);

  // --- operations (scenario_reader_operations.cc) --------------------------------------------
  void ReadSimulation(const DocNode& node, SimulationSettings* out);
  void ReadCalendars(const DocNode& node, std::vector<Calendar>* out);
  void ReadClosedDays(const DocNode& node, const std::string& key, Calendar* out);
  void ReadOpen(const DocNode& node, const std::string& key, Calendar* out);
  void ReadResource(const DocNode& node, const std::string& key, Resource* out);
  void ReadResourceKind(const DocNode& node, const std::string& key, Resource* out);
  void ReadResourceChange(const DocNode& item, const std::string& key, ResourceChange* change);
  void ReadExpansion(const DocNode& expansion, const std::string& key, Resource* out);
  void ReadCapability(const DocNode& node, const std::string& key, Capability* out);

  // --- offerings (scenario_reader_offerings.cc) ----------------------------------------------
  void ReadOffering(const DocNode& node, const std::string& key, Offering* out);
  void ReadBaseline(const DocNode& node, const std::string& key, Baseline* out);
  void ReadPromise(const DocNode& node, const std::string& key, Promise* out);

  // --- campaigns (scenario_reader_campaigns.cc) ----------------------------------------------
  void ReadCampaign(const DocNode& node, const std::string& key, Campaign* out,
                    bool* offerings_given);
  void ReadDiscount(const DocNode& node, const std::string& key, Campaign* out);
  void ReadLift(const DocNode& lift, const std::string& key, Campaign* out);
  void ReadProfile(const DocNode& node, const std::string& key, Campaign* out);
  void ReadCap(const DocNode& cap, const std::string& key, Campaign* out);
  void ReadBooking(const DocNode& item, const std::string& key, Booking* booking);
  void ReadReadiness(const DocNode& readiness, const std::string& key, Campaign* out);

  // A history file's name for messages: its path as written, relative to the scenario's folder.
  std::string HistoryDisplayName(const std::string& relative) const;

  const FileLoader& load_file_;
};

// The refusal of a document the reader could not read for an exception (yaml-cpp's accessors on
// a malformed document): still the user's input.
Error UnreadableDocument(const std::string& display_name, const std::exception& error);

}  // namespace tandem

#endif  // TANDEM_SRC_IO_SCENARIO_READER_SECTIONS_H_
