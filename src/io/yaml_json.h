// YAML's values as JSON: how a scalar's text types (YamlToJson's rule, tandem/io/scenario_json.h),
// shared by the conversion of a loaded YAML document and by the writer's JSON rendering
// (out_node.h), so that WriteScenarioJson equals YamlToJson(WriteScenarioYaml(...)). Private to
// the io module.
#ifndef TANDEM_SRC_IO_YAML_JSON_H_
#define TANDEM_SRC_IO_YAML_JSON_H_

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>

namespace tandem {

// A scalar that is not quoted: true and false, null for "null" and "~", a number where the whole
// text reads as one (an integer when it has no '.', 'e' or 'E'), else the text.
nlohmann::ordered_json ScalarTextToJson(const std::string& text);

// What reading `text` written as a plain (untagged) YAML scalar gives: YAML's null for "", "~",
// "null", "Null" and "NULL" (the parser's rule), else ScalarTextToJson.
nlohmann::ordered_json YamlPlainScalarToJson(const std::string& text);

// A loaded YAML node as JSON: maps to objects (keys as their text), sequences to arrays, quoted
// scalars to strings, other scalars by ScalarTextToJson, null to null.
nlohmann::ordered_json YamlNodeToJson(const YAML::Node& node);

}  // namespace tandem

#endif  // TANDEM_SRC_IO_YAML_JSON_H_
