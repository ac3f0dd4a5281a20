// Loading a scenario's text as one YAML document, within limits that keep reading bounded
// whatever the input: nesting, values after expanding aliases, several documents in one file.
// Private to the io module (the scenario reader's first step).
#ifndef TANDEM_SRC_IO_YAML_DOCUMENT_H_
#define TANDEM_SRC_IO_YAML_DOCUMENT_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

#include "tandem/common/result.h"

namespace tandem {

// The root of the one document in `text`. Every refusal (not valid YAML, nested too deep, too
// many values, several documents or none) is an InvalidInput error with one diagnostic about
// the whole file `file`. May throw what yaml-cpp throws outside parsing (the caller converts).
Result<YAML::Node> LoadOneYamlDocument(std::string_view text, const std::string& file);

// Refusals of LoadOneYamlDocument, for a document that is not text too (a JSON value:
// ReadScenarioJson). Line and column 0 when unknown.
Error NestedTooDeep(const std::string& file, int line, int column);
Error EmptyDocument(const std::string& file);

}  // namespace tandem

#endif  // TANDEM_SRC_IO_YAML_DOCUMENT_H_
