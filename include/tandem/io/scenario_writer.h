// Writing a scenario back to YAML (format version 1).
//
// The output reads back (ReadScenarioFile / ParseScenario) to an equal model: every key is
// written explicitly where it differs from the default, numbers are written with the fewest
// digits that read back exactly, and dates, durations and times in the format's notation.
// History baselines are written as their path (the CSV file itself is not copied).
// WriteScenarioJson writes the same fields as JSON values: exactly what YamlToJson
// (scenario_reader.h) makes of WriteScenarioYaml's text, without the text (one writer builds the
// scenario once, then renders it either way). Pure functions; thread-safe.
#ifndef TANDEM_IO_SCENARIO_WRITER_H_
#define TANDEM_IO_SCENARIO_WRITER_H_

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "tandem/common/result.h"
#include "tandem/model/scenario.h"

namespace tandem {

std::string WriteScenarioYaml(const Scenario& scenario);
// Equal to YamlToJson(WriteScenarioYaml(scenario)), key order and number types included.
nlohmann::ordered_json WriteScenarioJson(const Scenario& scenario);

// A number with the fewest digits that read back exactly ("300000", "0.95").
std::string YamlNumber(double value);
// A string double-quoted, with quotes, backslashes and control characters escaped.
std::string YamlQuote(const std::string& text);

// Writes `text` to `path` whole or not at all: a temporary file in the same folder, flushed
// and renamed over the target. Errors are kIo with the path and the reason.
Status WriteFileAtomically(const std::string& path, const std::string& text);

}  // namespace tandem

#endif  // TANDEM_IO_SCENARIO_WRITER_H_
