#include "io/out_node.h"

#include "io/yaml_json.h"
#include "tandem/io/scenario_writer.h"

namespace tandem {
namespace {

using ordered_json = nlohmann::ordered_json;

bool IsScalar(const OutNode& node) {
  return node.kind == OutNode::Kind::kPlain || node.kind == OutNode::Kind::kQuoted;
}

// A scalar or a flow collection on one line (a block collection inside one is written in flow
// style too: the writer builds none).
std::string Flow(const OutNode& node) {
  switch (node.kind) {
    case OutNode::Kind::kPlain:
      return node.text;
    case OutNode::Kind::kQuoted:
      return YamlQuote(node.text);
    case OutNode::Kind::kMap: {
      std::string out = "{";
      for (size_t i = 0; i < node.items.size(); ++i)
        out += (i > 0 ? ", " : "") + node.keys[i] + ": " + Flow(node.items[i]);
      return out + "}";
    }
    case OutNode::Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < node.items.size(); ++i)
        out += (i > 0 ? ", " : "") + Flow(node.items[i]);
      return out + "]";
    }
  }
  return std::string();
}

class YamlText {
 public:
  std::string Take() { return std::move(out_); }

  // The entries of a block map, each at `indent`.
  void BlockMap(const OutNode& map, int indent) {
    for (size_t i = 0; i < map.items.size(); ++i) {
      const OutNode& value = map.items[i];
      if (IsScalar(value) || value.flow) {
        Line(indent, map.keys[i] + ": " + Flow(value));
        continue;
      }
      Line(indent, map.keys[i] + ":");
      Block(value, indent + 2);
    }
  }

  // The items of a block list, each at `indent`: "- " and the item, a block collection's first
  // line on the dash's line.
  void BlockList(const OutNode& list, int indent) {
    for (const OutNode& item : list.items) {
      if (IsScalar(item) || item.flow) {
        Line(indent, "- " + Flow(item));
        continue;
      }
      if (item.empty()) {
        Line(indent, "-");  // an empty block collection reads as null
        continue;
      }
      const size_t start = out_.size();
      Block(item, indent + 2);
      out_.replace(start, static_cast<size_t>(indent) + 2,
                   std::string(static_cast<size_t>(indent), ' ') + "- ");
    }
  }

 private:
  void Block(const OutNode& node, int indent) {
    if (node.kind == OutNode::Kind::kMap) {
      BlockMap(node, indent);
    } else {
      BlockList(node, indent);
    }
  }
  void Line(int indent, const std::string& text) {
    out_.append(static_cast<size_t>(indent), ' ');
    out_ += text;
    out_ += '\n';
  }

  std::string out_;
};

// A plain key as YAML reads it: a YAML null ("null", "~", ...) as a key reads as "".
std::string KeyText(const std::string& key) {
  return YamlPlainScalarToJson(key).is_null() ? std::string() : key;
}

}  // namespace

std::string RenderYaml(const OutNode& root) {
  YamlText text;
  text.BlockMap(root, 0);
  return text.Take();
}

ordered_json RenderJson(const OutNode& node) {
  switch (node.kind) {
    case OutNode::Kind::kPlain:
      return YamlPlainScalarToJson(node.text);
    case OutNode::Kind::kQuoted:
      return node.text;
    case OutNode::Kind::kMap: {
      if (!node.flow && node.empty()) return nullptr;  // "key:" and nothing under it
      ordered_json object = ordered_json::object();
      for (size_t i = 0; i < node.items.size(); ++i)
        object[KeyText(node.keys[i])] = RenderJson(node.items[i]);
      return object;
    }
    case OutNode::Kind::kList: {
      if (!node.flow && node.empty()) return nullptr;
      ordered_json array = ordered_json::array();
      for (const OutNode& item : node.items) array.push_back(RenderJson(item));
      return array;
    }
  }
  return nullptr;
}

}  // namespace tandem
