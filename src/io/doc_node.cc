#include "io/doc_node.h"

namespace tandem {

using ordered_json = nlohmann::ordered_json;

JsonTree::JsonTree(const ordered_json& root) : root_(root) {
  // Pre-order without recursion: a member's key takes the rank before its value.
  struct Pending {
    const ordered_json* value;
    bool member;
  };
  std::vector<Pending> stack{{&root, false}};
  int rank = 0;
  while (!stack.empty()) {
    const Pending pending = stack.back();
    stack.pop_back();
    if (pending.member) ++rank;
    ranks_.emplace(pending.value, rank++);
    const ordered_json& value = *pending.value;
    if (value.is_object()) {
      for (auto it = value.rbegin(); it != value.rend(); ++it) stack.push_back({&*it, true});
    } else if (value.is_array()) {
      for (auto it = value.rbegin(); it != value.rend(); ++it) stack.push_back({&*it, false});
    }
  }
}

int JsonTree::RankOf(const ordered_json* value) const {
  auto found = ranks_.find(value);
  return found == ranks_.end() ? -1 : found->second;
}

DocNode DocNode::Missing(std::string key) {
  DocNode node;
  node.missing_key_ = std::move(key);
  return node;
}

DocNode DocNode::JsonChild(const ordered_json* value) const {
  DocNode node;
  node.backend_ = Backend::kJson;
  node.tree_ = tree_;
  node.value_ = value;
  return node;
}

DocNode DocNode::JsonKey(const std::string* key, const ordered_json* value) const {
  DocNode node = JsonChild(value);
  node.key_ = key;
  return node;
}

void DocNode::ThrowMissing() const {
  throw YAML::InvalidNode(missing_key_);
}

bool DocNode::IsDefined() const {
  switch (backend_) {
    case Backend::kMissing:
      return false;
    case Backend::kYaml:
      return yaml_.IsDefined();
    case Backend::kJson:
      break;
  }
  return true;
}

DocNode::Type DocNode::type() const {
  if (backend_ == Backend::kMissing) ThrowMissing();
  if (backend_ == Backend::kYaml) {
    switch (yaml_.Type()) {
      case YAML::NodeType::Undefined:
        return Type::kUndefined;
      case YAML::NodeType::Null:
        return Type::kNull;
      case YAML::NodeType::Scalar:
        return Type::kScalar;
      case YAML::NodeType::Sequence:
        return Type::kSequence;
      case YAML::NodeType::Map:
        return Type::kMap;
    }
    return Type::kUndefined;
  }
  if (key_ != nullptr) return Type::kScalar;
  if (value_->is_null()) return Type::kNull;
  if (value_->is_array()) return Type::kSequence;
  if (value_->is_object()) return Type::kMap;
  return Type::kScalar;
}

std::string DocNode::Scalar() const {
  if (backend_ == Backend::kMissing) ThrowMissing();
  if (backend_ == Backend::kYaml) return yaml_.Scalar();
  if (key_ != nullptr) return *key_;
  if (value_->is_string()) return value_->get_ref<const std::string&>();
  if (value_->is_number() || value_->is_boolean()) return value_->dump();
  return std::string();
}

size_t DocNode::size() const {
  if (backend_ == Backend::kMissing) ThrowMissing();
  if (backend_ == Backend::kYaml) return yaml_.size();
  if (key_ != nullptr) return 0;
  return value_->is_array() || value_->is_object() ? value_->size() : 0;
}

DocNode DocNode::operator[](size_t index) const {
  if (backend_ == Backend::kMissing) ThrowMissing();
  if (backend_ == Backend::kYaml) return DocNode(static_cast<const YAML::Node&>(yaml_)[index]);
  if (type() == Type::kScalar) throw YAML::BadSubscript(YAML::Mark::null_mark(), index);
  if (!value_->is_array() || index >= value_->size()) return Missing(std::to_string(index));
  return JsonChild(&(*value_)[index]);
}

DocNode DocNode::operator[](const std::string& key) const {
  if (backend_ == Backend::kMissing) ThrowMissing();
  if (backend_ == Backend::kYaml) return DocNode(static_cast<const YAML::Node&>(yaml_)[key]);
  if (type() == Type::kScalar) throw YAML::BadSubscript(YAML::Mark::null_mark(), key);
  if (!value_->is_object()) return Missing(key);
  auto found = value_->find(key);
  if (found == value_->end()) return Missing(key);
  return JsonChild(&*found);
}

std::vector<std::pair<DocNode, DocNode>> DocNode::Entries() const {
  std::vector<std::pair<DocNode, DocNode>> entries;
  if (backend_ == Backend::kMissing) ThrowMissing();
  if (backend_ == Backend::kYaml) {
    if (!yaml_.IsMap()) return entries;
    const YAML::Node& map = yaml_;
    for (auto it = map.begin(); it != map.end(); ++it)
      entries.emplace_back(DocNode(it->first), DocNode(it->second));
    return entries;
  }
  if (key_ != nullptr || !value_->is_object()) return entries;
  for (auto it = value_->begin(); it != value_->end(); ++it)
    entries.emplace_back(JsonKey(&it.key(), &it.value()), JsonChild(&it.value()));
  return entries;
}

DocPlace DocNode::Place() const {
  if (backend_ == Backend::kMissing) ThrowMissing();
  if (backend_ == Backend::kYaml) {
    const YAML::Mark mark = yaml_.Mark();
    if (mark.is_null()) return {};
    return {mark.line + 1, mark.column + 1};
  }
  const int rank = tree_->RankOf(value_);
  if (rank < 0) return {};
  return {1, (key_ != nullptr ? rank - 1 : rank) + 1};
}

const char* NodeKind(const DocNode& node) {
  switch (node.type()) {
    case DocNode::Type::kScalar:
      return "a single value";
    case DocNode::Type::kSequence:
      return "a list";
    case DocNode::Type::kMap:
      return "a map";
    case DocNode::Type::kNull:
    case DocNode::Type::kUndefined:
      break;
  }
  return "nothing (an empty value)";
}

}  // namespace tandem
