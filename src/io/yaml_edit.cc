#include "tandem/io/yaml_edit.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace tandem {
namespace {

// Where a value sits in the text: [begin, end) bytes.
struct Span {
  size_t begin = 0;
  size_t end = 0;
};

std::string PathText(const std::vector<std::variant<std::string, int>>& path,
                     const std::string& key) {
  std::string text;
  for (const auto& step : path) {
    if (std::holds_alternative<int>(step)) {
      text += "[" + std::to_string(std::get<int>(step)) + "]";
    } else {
      text += (text.empty() ? "" : ".") + std::get<std::string>(step);
    }
  }
  return text + (text.empty() ? "" : ".") + key;
}

// End of a quoted scalar starting at `begin` (just past the closing quote), or npos.
size_t QuotedEnd(const std::string& text, size_t begin) {
  const char quote = text[begin];
  for (size_t i = begin + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' inside single quotes
      } else {
        return i + 1;
      }
    } else if (text[i] == '\n') {
      return std::string::npos;  // multi-line: not rewritten here
    }
  }
  return std::string::npos;
}

// End of a flow collection whose opening bracket is at `begin` (just past the closing one).
size_t FlowEnd(const std::string& text, size_t begin) {
  int depth = 0;
  for (size_t i = begin; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      const size_t end = QuotedEnd(text, i);
      if (end == std::string::npos) return end;
      i = end - 1;
    } else if (c == '#' && i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string::npos;
}

size_t LineEnd(const std::string& text, size_t position) {
  const size_t end = text.find('\n', position);
  return end == std::string::npos ? text.size() : end;
}

// The end of the last line of a block collection whose first entry is at column `column` on
// the line of `begin`: following lines belong while indented at least `column` (a sequence's
// sibling key at its own column does not start with "-"). Blank and comment lines inside count;
// trailing ones do not.
size_t BlockEnd(const std::string& text, size_t begin, int column, bool sequence) {
  size_t last = LineEnd(text, begin);
  size_t line = last;
  while (line < text.size()) {
    const size_t start = line + 1;
    const size_t end = LineEnd(text, start);
    size_t first = start;
    while (first < end && text[first] == ' ') ++first;
    const bool blank = first == end || text[first] == '#';
    if (!blank) {
      const int indent = static_cast<int>(first - start);
      const bool belongs =
          indent > column || (indent == column && (!sequence || text[first] == '-'));
      if (!belongs) break;
      last = end;
    }
    line = end;
  }
  return last;
}

// The span of a node's value in `text`; `flow_parent` when it sits inside a flow collection.
Result<Span> ValueSpan(const std::string& text, const YAML::Node& node, bool flow_parent,
                       const std::string& where) {
  const YAML::Mark mark = node.Mark();
  if (mark.pos < 0 || static_cast<size_t>(mark.pos) > text.size())
    return Error::InvalidInput(where + ": no position for the value");
  const size_t begin = static_cast<size_t>(mark.pos);
  if (text.compare(begin, 1, "&") == 0 || text.compare(begin, 1, "*") == 0 ||
      text.compare(begin, 1, "|") == 0 || text.compare(begin, 1, ">") == 0 ||
      text.compare(begin, 1, "!") == 0) {
    return Error::InvalidInput(where + ": an anchor, alias, tag or block scalar");
  }
  if (node.IsScalar()) {
    if (text[begin] == '"' || text[begin] == '\'') {
      const size_t end = QuotedEnd(text, begin);
      if (end == std::string::npos) return Error::InvalidInput(where + ": a multi-line string");
      return Span{begin, end};
    }
    size_t end = begin;
    while (end < text.size() && text[end] != '\n') {
      if (flow_parent && (text[end] == ',' || text[end] == '}' || text[end] == ']')) break;
      if (text[end] == '#' && end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) break;
      ++end;
    }
    while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
    if (text.compare(begin, end - begin, node.Scalar()) != 0)
      return Error::InvalidInput(where + ": a multi-line or escaped value");
    return Span{begin, end};
  }
  if (node.Style() == YAML::EmitterStyle::Flow) {
    const size_t end = FlowEnd(text, begin);
    if (end == std::string::npos) return Error::InvalidInput(where + ": unbalanced brackets");
    return Span{begin, end};
  }
  return Span{begin, BlockEnd(text, begin, mark.column, node.IsSequence())};
}

// The position just past `key:` of an entry whose key node starts at `key_begin`.
size_t AfterColon(const std::string& text, size_t key_begin) {
  size_t colon = key_begin;
  if (text[colon] == '"' || text[colon] == '\'') colon = QuotedEnd(text, colon);
  colon = text.find(':', colon == std::string::npos ? key_begin : colon);
  return colon == std::string::npos ? text.size() : colon + 1;
}

// Inserts `entry` ("key: value" or "- item") at the end of collection `node` (a mapping or a
// sequence) in `text`.
Result<std::string> InsertAtEnd(const std::string& text, const YAML::Node& node,
                                const std::string& flow_entry, const std::string& block_entry,
                                const std::string& where) {
  Result<Span> span = ValueSpan(text, node, false, where);
  if (!span.ok()) return span.error();
  std::string out = text;
  if (node.Style() == YAML::EmitterStyle::Flow) {
    size_t close = span.value().end - 1;  // the closing bracket
    size_t before = close;
    while (before > span.value().begin + 1 && (text[before - 1] == ' ' || text[before - 1] == '\n'))
      --before;
    const bool empty = before == span.value().begin + 1;
    out.insert(before, (empty ? "" : ", ") + flow_entry);
    return out;
  }
  const std::string indent(static_cast<size_t>(node.Mark().column), ' ');
  out.insert(span.value().end, "\n" + indent + block_entry);
  return out;
}

Result<std::string> ApplyOne(const std::string& text, const YamlEdit& edit) {
  const std::string where = PathText(edit.path, edit.key);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    return Error::InvalidInput(std::string("the file does not parse: ") + error.what());
  }
  YAML::Node map = root;
  for (const auto& step : edit.path) {
    // Node::operator= would rebind shared nodes; reset() points `map` at the child instead.
    if (std::holds_alternative<int>(step)) {
      const int index = std::get<int>(step);
      if (!map.IsSequence() || index < 0 || static_cast<size_t>(index) >= map.size())
        return Error::InvalidInput(where + ": no such item");
      map.reset(map[static_cast<size_t>(index)]);
    } else {
      const std::string& name = std::get<std::string>(step);
      if (!map.IsMap() || !map[name]) return Error::InvalidInput(where + ": no such key");
      map.reset(map[name]);
    }
  }
  if (!map.IsMap()) return Error::InvalidInput(where + ": not a mapping");
  const bool flow = map.Style() == YAML::EmitterStyle::Flow;
  YAML::Node key_node;
  YAML::Node value;
  bool found = false;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == edit.key) {
      key_node.reset(it->first);
      value.reset(it->second);
      found = true;
    }
  }
  if (!found) {
    const std::string entry =
        edit.key + ": " + (edit.op == YamlEdit::Op::kAppend ? "[" + edit.value + "]" : edit.value);
    return InsertAtEnd(text, map, entry, entry, where);
  }
  std::string out = text;
  if (value.IsNull()) {  // `key:` with nothing after it
    const size_t after = AfterColon(text, static_cast<size_t>(key_node.Mark().pos));
    const std::string written =
        edit.op == YamlEdit::Op::kAppend ? "[" + edit.value + "]" : edit.value;
    out.insert(after, " " + written);
    return out;
  }
  if (edit.op == YamlEdit::Op::kAppend) {
    if (!value.IsSequence()) return Error::InvalidInput(where + ": not a sequence");
    return InsertAtEnd(text, value, edit.value, "- " + edit.value, where);
  }
  Result<Span> span = ValueSpan(text, value, flow, where);
  if (!span.ok()) return span.error();
  out.replace(span.value().begin, span.value().end - span.value().begin, edit.value);
  return out;
}

}  // namespace

Result<std::string> EditYaml(const std::string& text, const std::vector<YamlEdit>& edits) {
  std::string current = text;
  for (const YamlEdit& edit : edits) {
    Result<std::string> next = ApplyOne(current, edit);
    if (!next.ok()) return next.error();
    current = std::move(next.value());
  }
  return current;
}

}  // namespace tandem
