// The scenario reader: one YAML document to a `Scenario`, section by section. Its methods live
// in one file per part of the format: scenario_reader.cc (the top level), _operations.cc
// (simulation, calendars, resources, capabilities), _offerings.cc (offerings, baselines,
// promises) and _campaigns.cc. Private to the io module; the API is ParseScenario.
#ifndef TANDEM_SRC_IO_SCENARIO_READER_SECTIONS_H_
#define TANDEM_SRC_IO_SCENARIO_READER_SECTIONS_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "io/yaml_reader.h"
#include "tandem/common/result.h"
#include "tandem/io/scenario_reader.h"
#include "tandem/model/scenario.h"

namespace tandem {

class ScenarioReader : public YamlReader {
 public:
  // `load_file` reads a history file named relative to the scenario; it must outlive the
  // reader.
  ScenarioReader(std::string file, const FileLoader& load_file)
      : YamlReader(std::move(file)), load_file_(load_file) {}

  // The scenario of `text`, or every problem found (reading, then ValidateScenario's).
  Result<Scenario> Run(std::string_view text);

 private:
  // --- the top level (scenario_reader.cc) ----------------------------------------------------
  void ReadVersion(const YAML::Node& root, Scenario* scenario);
  void ReadSections(const YAML::Node& root, Scenario* scenario);
  // Whether each campaign gave `offerings` (a campaign without covers all of them).
  void ReadCampaigns(const YAML::Node& root, Scenario* scenario,
                     std::vector<bool>* offerings_given);

  // --- operations (scenario_reader_operations.cc) --------------------------------------------
  void ReadSimulation(const YAML::Node& node, SimulationSettings* out);
  void ReadCalendars(const YAML::Node& node, std::vector<Calendar>* out);
  void ReadClosedDays(const YAML::Node& node, const std::string& key, Calendar* out);
  void ReadOpen(const YAML::Node& node, const std::string& key, Calendar* out);
  void ReadResource(const YAML::Node& node, const std::string& key, Resource* out);
  void ReadResourceKind(const YAML::Node& node, const std::string& key, Resource* out);
  void ReadResourceChange(const YAML::Node& item, const std::string& key, ResourceChange* change);
  void ReadExpansion(const YAML::Node& expansion, const std::string& key, Resource* out);
  void ReadCapability(const YAML::Node& node, const std::string& key, Capability* out);

  // --- offerings (scenario_reader_offerings.cc) ----------------------------------------------
  void ReadOffering(const YAML::Node& node, const std::string& key, Offering* out);
  void ReadBaseline(const YAML::Node& node, const std::string& key, Baseline* out);
  void ReadPromise(const YAML::Node& node, const std::string& key, Promise* out);

  // --- campaigns (scenario_reader_campaigns.cc) ----------------------------------------------
  void ReadCampaign(const YAML::Node& node, const std::string& key, Campaign* out,
                    bool* offerings_given);
  void ReadDiscount(const YAML::Node& node, const std::string& key, Campaign* out);
  void ReadLift(const YAML::Node& lift, const std::string& key, Campaign* out);
  void ReadProfile(const YAML::Node& node, const std::string& key, Campaign* out);
  void ReadCap(const YAML::Node& cap, const std::string& key, Campaign* out);
  void ReadBooking(const YAML::Node& item, const std::string& key, Booking* booking);
  void ReadReadiness(const YAML::Node& readiness, const std::string& key, Campaign* out);

  // A history file's name for messages: its path as written, relative to the scenario's folder.
  std::string HistoryDisplayName(const std::string& relative) const;

  const FileLoader& load_file_;
};

}  // namespace tandem

#endif  // TANDEM_SRC_IO_SCENARIO_READER_SECTIONS_H_
