// The scenario format as in-memory JSON values: ReadScenarioJson (the one scenario reader on a
// JSON document, through DocNode) and YamlToJson.
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "io/doc_node.h"
#include "io/scenario_reader_sections.h"
#include "io/yaml_document.h"
#include "io/yaml_json.h"
#include "tandem/io/input_limits.h"
#include "tandem/io/scenario_reader.h"

namespace tandem {
namespace {

using ordered_json = nlohmann::ordered_json;

// A JSON value has no lines: its whole-document refusals carry none either.
Error WithoutLines(Error error) {
  for (Diagnostic& diagnostic : error.diagnostics) {
    diagnostic.line = 0;
    diagnostic.column = 0;
  }
  return error;
}

// LoadOneYamlDocument's limits, on a JSON value: not empty, no collection nested
// kMaxNestingDepth deep or more (without recursion, whatever the depth). Its bound on values (as
// many as the text has bytes, at least 200,000) needs no check here: without aliases every value
// takes at least a byte of the JSON's text.
std::optional<Error> CheckLimits(const ordered_json& root, const std::string& file) {
  if (root.is_null()) return WithoutLines(EmptyDocument(file));
  std::vector<std::pair<const ordered_json*, int>> stack{{&root, 0}};
  while (!stack.empty()) {
    const auto [value, depth] = stack.back();
    stack.pop_back();
    if (!value->is_object() && !value->is_array()) continue;
    if (depth >= kMaxNestingDepth) return WithoutLines(NestedTooDeep(file, 0, 0));
    for (const ordered_json& child : *value) stack.emplace_back(&child, depth + 1);
  }
  return std::nullopt;
}

}  // namespace

Result<Scenario> ReadScenarioJson(const ordered_json& document, const std::string& display_name,
                                  const FileLoader& load_file) {
  try {
    if (std::optional<Error> refused = CheckLimits(document, display_name)) return *refused;
    const JsonTree tree(document);
    ScenarioReader reader(display_name, load_file);
    reader.set_has_lines(false);
    return reader.Read(DocNode(tree));
  } catch (const std::exception& error) {
    return UnreadableDocument(display_name, error);
  }
}

Result<ordered_json> YamlToJson(std::string_view text, const std::string& display_name) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    return YamlNodeToJson(root);
  } catch (const YAML::Exception& error) {
    Diagnostic diagnostic;
    diagnostic.file = display_name;
    diagnostic.line = error.mark.line + 1;
    diagnostic.column = error.mark.column + 1;
    diagnostic.problem = error.msg;
    return Error::InvalidInput({diagnostic});
  } catch (const std::exception& error) {
    return Error::Internal(error.what());
  }
}

}  // namespace tandem
