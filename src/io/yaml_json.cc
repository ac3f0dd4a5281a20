#include "io/yaml_json.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace tandem {

using ordered_json = nlohmann::ordered_json;

ordered_json ScalarTextToJson(const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  if (text == "null" || text == "~") return nullptr;
  if (!text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) ||
                        ((text[0] == '-' || text[0] == '.') && text.size() > 1))) {
    char* end = nullptr;
    const bool integral = text.find_first_of(".eE") == std::string::npos;
    if (integral) {
      const long long value = std::strtoll(text.c_str(), &end, 10);
      if (end && *end == '\0') return value;
    }
    const double value = std::strtod(text.c_str(), &end);
    if (end && *end == '\0' && std::isfinite(value)) return value;
  }
  return text;
}

ordered_json YamlPlainScalarToJson(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    return nullptr;
  return ScalarTextToJson(text);
}

ordered_json YamlNodeToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      ordered_json object = ordered_json::object();
      for (const auto& item : node) object[item.first.Scalar()] = YamlNodeToJson(item.second);
      return object;
    }
    case YAML::NodeType::Sequence: {
      ordered_json array = ordered_json::array();
      for (const auto& item : node) array.push_back(YamlNodeToJson(item));
      return array;
    }
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") return node.Scalar();  // quoted: a string
      return ScalarTextToJson(node.Scalar());
    default:
      return nullptr;
  }
}

}  // namespace tandem
