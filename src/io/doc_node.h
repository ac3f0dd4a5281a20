// One node of a scenario document, whether the document came as YAML text (a yaml-cpp node,
// with its line and column) or as an in-memory JSON value (nlohmann, from the server's
// workspace): the one scenario reader (NodeReader, ScenarioReader) reads both through this view,
// so a JSON document is never written out as text to be parsed again.
//
// A JSON value reads as the same value would from its JSON text (JSON is YAML): a string is a
// quoted scalar, a number or a boolean a plain scalar spelt as nlohmann writes it ("120",
// "0.25", "1e+20", "true"), null the null node, an array a sequence, an object a map whose keys
// are scalars. The view also behaves as yaml-cpp does where yaml-cpp throws (a subscript on a
// scalar, anything but IsDefined() on a missing key), so that the reader's behaviour does not
// depend on where the document came from. JSON nodes have no lines: their place is their rank in
// document order (what a text's line and column order them by), for sorting problems only.
//
// Private to the io module. Not thread-safe to build; a node is a cheap handle that must not
// outlive its document (the YAML tree, or the JSON value and its JsonTree).
#ifndef TANDEM_SRC_IO_DOC_NODE_H_
#define TANDEM_SRC_IO_DOC_NODE_H_

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tandem {

// The ranks of a JSON document's nodes in document order (a map's key, then its value, then
// what the value holds), computed once. Must outlive the nodes that refer to it.
class JsonTree {
 public:
  explicit JsonTree(const nlohmann::ordered_json& root);
  const nlohmann::ordered_json& root() const { return root_; }
  int RankOf(const nlohmann::ordered_json* value) const;

 private:
  const nlohmann::ordered_json& root_;
  std::unordered_map<const nlohmann::ordered_json*, int> ranks_;
};

// Where a node is. YAML text: 1-based line and column. JSON: line 1 and the rank + 1 as the
// column (ordering only; see NodeReader). {0, 0} when unknown.
struct DocPlace {
  int line = 0;
  int column = 0;
};

class DocNode {
 public:
  enum class Type { kUndefined, kNull, kScalar, kSequence, kMap };

  DocNode() = default;  // a node that is not there
  explicit DocNode(const YAML::Node& node) : yaml_(node), backend_(Backend::kYaml) {}
  // The root of a JSON document.
  explicit DocNode(const JsonTree& tree)
      : tree_(&tree), value_(&tree.root()), backend_(Backend::kJson) {}

  // Whether the node is there (a key that is given, even with an empty value).
  bool IsDefined() const;
  explicit operator bool() const { return IsDefined(); }
  // Throws YAML::InvalidNode on a node that is not there (as yaml-cpp does).
  Type type() const;
  bool IsNull() const { return type() == Type::kNull; }
  bool IsScalar() const { return type() == Type::kScalar; }
  bool IsSequence() const { return type() == Type::kSequence; }
  bool IsMap() const { return type() == Type::kMap; }
  // A scalar's text; "" for other nodes.
  std::string Scalar() const;
  // The number of items of a list or entries of a map; 0 for other nodes.
  size_t size() const;
  // An item of a list; a node that is not there when out of range or not a list. Throws
  // YAML::BadSubscript on a scalar.
  DocNode operator[](size_t index) const;
  // The value of a map's key; a node that is not there when absent or not a map. Throws
  // YAML::BadSubscript on a scalar.
  DocNode operator[](const std::string& key) const;
  DocNode operator[](const char* key) const { return (*this)[std::string(key)]; }
  // A map's entries (key node, value node) in document order; empty for other nodes.
  std::vector<std::pair<DocNode, DocNode>> Entries() const;
  DocPlace Place() const;

 private:
  enum class Backend { kMissing, kYaml, kJson };
  static DocNode Missing(std::string key);
  DocNode JsonChild(const nlohmann::ordered_json* value) const;
  DocNode JsonKey(const std::string* key, const nlohmann::ordered_json* value) const;
  [[noreturn]] void ThrowMissing() const;

  YAML::Node yaml_;
  const JsonTree* tree_ = nullptr;
  const nlohmann::ordered_json* value_ = nullptr;  // a JSON node (the value, or a key's value)
  const std::string* key_ = nullptr;               // a JSON map's key as a node
  std::string missing_key_;                        // the key that was asked for, when missing
  Backend backend_ = Backend::kMissing;
};

// What a node is, for "expected X, found Y" messages.
const char* NodeKind(const DocNode& node);

}  // namespace tandem

#endif  // TANDEM_SRC_IO_DOC_NODE_H_
