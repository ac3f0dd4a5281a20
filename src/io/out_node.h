// What the scenario writer writes, before it is text: a tree of scalars (plain or quoted), maps
// and lists (in block or flow style). The writer (scenario_writer.cc) builds the scenario once as
// this tree; it renders as YAML text (WriteScenarioYaml) or as JSON values (WriteScenarioJson),
// so the two cannot disagree on a field. The JSON rendering is what a YAML reader makes of the
// text (yaml_json.h's typing of plain scalars; an empty block collection is null), without
// the text. Private to the io module.
#ifndef TANDEM_SRC_IO_OUT_NODE_H_
#define TANDEM_SRC_IO_OUT_NODE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace tandem {

struct OutNode {
  enum class Kind { kPlain, kQuoted, kMap, kList };

  static OutNode Plain(std::string text) { return {Kind::kPlain, false, std::move(text), {}, {}}; }
  static OutNode Quoted(std::string text) {
    return {Kind::kQuoted, false, std::move(text), {}, {}};
  }
  static OutNode BlockMap() { return {Kind::kMap, false, {}, {}, {}}; }
  static OutNode FlowMap() { return {Kind::kMap, true, {}, {}, {}}; }
  static OutNode BlockList() { return {Kind::kList, false, {}, {}, {}}; }
  static OutNode FlowList() { return {Kind::kList, true, {}, {}, {}}; }

  // A map's entry (keys are plain: ids and the format's names).
  OutNode& Add(std::string key, OutNode value) {
    keys.push_back(std::move(key));
    items.push_back(std::move(value));
    return *this;
  }
  // A list's item.
  OutNode& Push(OutNode value) {
    items.push_back(std::move(value));
    return *this;
  }
  bool empty() const { return items.empty(); }

  Kind kind = Kind::kPlain;
  bool flow = false;
  std::string text;               // a scalar's text
  std::vector<std::string> keys;  // a map's keys, one per item
  std::vector<OutNode> items;     // a map's values or a list's items
};

// The tree as YAML text: a block map at the top; block maps and lists indented by two, a map
// that is a list's item starting on the "- " line; flow collections on one line.
std::string RenderYaml(const OutNode& root);
// The tree as the JSON a YAML reader makes of RenderYaml's text.
nlohmann::ordered_json RenderJson(const OutNode& node);

}  // namespace tandem

#endif  // TANDEM_SRC_IO_OUT_NODE_H_
