// Reading scenario files (format version 1) into the model.
//
// Every problem found is reported as a Diagnostic naming file, line, column, key, what is
// wrong and what is allowed ("file:line:column: key: problem; allowed"); reading continues
// after a problem so that one run reports as many as it can (in file order, at most 100 and
// a line saying how many more). Unknown and duplicate keys are errors (a typo is never
// silently ignored). The result is validated (model/validate.h): a Scenario returned by these
// functions is ready for the engine.
//
// Any text is safe to parse: it yields a scenario or a kInvalidInput error, never a crash or
// an exception. A file holds one YAML document; lists and maps (flow or block) nest at most 64
// deep (kMaxNestingDepth), the document expands (aliases included) to at most 200,000 values,
// and numbers lie within +-1e15. A history file's problems name the CSV file (relative to the
// scenario's folder) and its line.
//
// The same reader reads an in-memory JSON value (ReadScenarioJson: the server keeps a workspace's
// entries as JSON): a JSON document reads exactly as its JSON text would (JSON is YAML), within
// the same limits, without being written out as text. Its diagnostics name the key path
// ("campaigns[1].lift.low") but no line or column (a JSON value has none).
//
// Thread safety: the functions are reentrant; they share no state.
#ifndef TANDEM_IO_SCENARIO_READER_H_
#define TANDEM_IO_SCENARIO_READER_H_

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "tandem/common/result.h"
#include "tandem/io/input_limits.h"
#include "tandem/model/scenario.h"

namespace tandem {

// Loads a file named by the scenario (a history CSV), given its path as written in the
// scenario. Returns the file's text, or an Io error.
using FileLoader = std::function<Result<std::string>(const std::string& relative_path)>;

// Reads `path` and the history files it names (relative to its folder). Each file must be a
// regular file of at most `max_input_bytes` (input_limits.h): a device, a FIFO or a larger file
// is a kInvalidInput error naming the limit, read no further than the cap.
Result<Scenario> ReadScenarioFile(const std::string& path,
                                  size_t max_input_bytes = kDefaultMaxInputBytes);

// Parses scenario text. `display_name` is used in diagnostics; `load_file` resolves history
// paths (pass a loader that fails to forbid them).
Result<Scenario> ParseScenario(std::string_view text, const std::string& display_name,
                               const FileLoader& load_file);
// The same, and when it reads, `*as_json` (not null) is the document as JSON (YamlToJson's form)
// from the one parse of `text`.
Result<Scenario> ParseScenario(std::string_view text, const std::string& display_name,
                               const FileLoader& load_file, nlohmann::ordered_json* as_json);

// Reads `document` (the scenario format as JSON values: a string reads as a quoted scalar, a
// number or boolean as the plain scalar nlohmann writes for it) with the reader above, then
// validates. Problems are diagnostics of `display_name` with key paths, in document order.
Result<Scenario> ReadScenarioJson(const nlohmann::ordered_json& document,
                                  const std::string& display_name, const FileLoader& load_file);

// YAML (or JSON) text to JSON: plain scalars become numbers, booleans or null where they read as
// such, quoted scalars stay strings, maps keep their order. No scenario limits: for text that
// ParseScenario has read, or tests. Errors are kInvalidInput with line and column.
Result<nlohmann::ordered_json> YamlToJson(std::string_view text, const std::string& display_name);

}  // namespace tandem

#endif  // TANDEM_IO_SCENARIO_READER_H_
