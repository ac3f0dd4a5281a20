#include "tandem/io/scenario_reader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "io/history_csv.h"
#include "tandem/io/input_limits.h"
#include "tandem/model/validate.h"

namespace tandem {
namespace {

std::string JoinKeys(std::initializer_list<const char*> keys) {
  std::string out;
  for (const char* key : keys) {
    if (!out.empty()) out += ", ";
    out += key;
  }
  return out;
}

// What a node is, for "expected X, found Y" messages.
const char* NodeKind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return "a single value";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing (an empty value)";
}

// Limits that keep reading bounded whatever the input.
constexpr int kMaxNesting = kMaxNestingDepth;  // lists and maps, flow or block (input_limits.h)
constexpr size_t kMaxExpandedNodes = 200000;   // values after expanding aliases
constexpr size_t kMaxDiagnostics = 100;        // problems reported in one run
constexpr double kMaxMagnitude = 1e15;         // numbers beyond this only overflow the arithmetic

// A scan of the flow collections ([...] and {...}) outside quotes and comments. yaml-cpp
// parses nested collections recursively: the scan keeps a hostile file from exhausting the
// stack, and names the bracket a "flow not found" error is about. Approximate (it does not
// know block scalars) but cheap, and it only ever makes a message more precise.
struct FlowScan {
  int too_deep_line = 0;  // where nesting first exceeds the limit (1-based); 0 when it does not
  int too_deep_column = 0;
  int unclosed_line = 0;  // the innermost bracket still open at the end; 0 when none
  int unclosed_column = 0;
  char unclosed = 0;
};
FlowScan ScanFlow(std::string_view text, int limit) {
  struct Open {
    int line;
    int column;
    char bracket;
  };
  std::vector<Open> open;
  FlowScan scan;
  int line = 1;
  int column = 0;
  char quote = 0;
  bool comment = false;
  char previous = '\n';
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
      comment = false;
      previous = c;  // a quoted scalar may span lines: keep `quote`
      continue;
    }
    if (comment) continue;
    if (quote != 0) {
      if (quote == '"' && c == '\\') {
        if (i + 1 < text.size() && text[i + 1] != '\n') {
          ++i;
          ++column;
        }
      } else if (c == quote) {
        quote = 0;
      }
      previous = c;
      continue;
    }
    const bool after_space =
        previous == ' ' || previous == '\t' || previous == '\n' || previous == '\r';
    if (c == '#' && after_space) {
      comment = true;
    } else if ((c == '"' || c == '\'') && (after_space || previous == '[' || previous == '{' ||
                                           previous == ',' || previous == ':' || previous == '-')) {
      quote = c;
    } else if (c == '[' || c == '{') {
      open.push_back({line, column, c});
      if (static_cast<int>(open.size()) > limit) {
        scan.too_deep_line = line;
        scan.too_deep_column = column;
        return scan;
      }
    } else if ((c == ']' || c == '}') && !open.empty()) {
      open.pop_back();
    }
    previous = c;
  }
  if (!open.empty()) {
    scan.unclosed_line = open.back().line;
    scan.unclosed_column = open.back().column;
    scan.unclosed = open.back().bracket;
  }
  return scan;
}

// Where each YAML document starts; the events themselves are ignored.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> marks;

  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// The shape of a loaded document: whether it has at most `budget` nodes once aliases are
// expanded, and the first node nested deeper than `depth_limit` (block style: "- - - x" or
// indented maps, which the flow scan does not see). Iterative, so cyclic aliases (an anchor used
// inside itself) only exhaust the budget and deep nesting only the limit.
struct TreeShape {
  bool within_budget = true;
  bool too_deep = false;
  YAML::Mark too_deep_mark;
};
TreeShape MeasureTree(const YAML::Node& root, size_t budget, int depth_limit) {
  TreeShape shape;
  std::vector<std::pair<YAML::Node, int>> stack{{root, 0}};
  size_t visited = 0;
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    if (++visited > budget) {
      shape.within_budget = false;
      return shape;
    }
    const bool collection = node.IsSequence() || node.IsMap();
    if (collection && depth >= depth_limit) {
      shape.too_deep = true;
      shape.too_deep_mark = node.Mark();
      return shape;
    }
    if (node.IsSequence()) {
      for (auto it = node.begin(); it != node.end(); ++it) stack.emplace_back(*it, depth + 1);
    } else if (node.IsMap()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        stack.emplace_back(it->first, depth + 1);
        stack.emplace_back(it->second, depth + 1);
      }
    }
    if (stack.size() > budget) {
      shape.within_budget = false;
      return shape;
    }
  }
  return shape;
}

// Parsing state: the file name, the problems found so far, and where each key path was seen.
class Reader {
 public:
  Reader(std::string file, const FileLoader& load_file)
      : file_(std::move(file)), load_file_(load_file) {}

  Result<Scenario> Run(std::string_view text);

 private:
  using Keys = std::initializer_list<const char*>;

  // --- diagnostics -------------------------------------------------------------------------
  // Where `node` (the value of `key`) is, 1-based; {0, 0} when unknown. An empty value
  // (`price:` with nothing after it) carries the mark of the next token, often on a later
  // line: such values are placed at their key instead.
  std::pair<int, int> Place(const YAML::Node& node, const std::string& key) const {
    if (!node.IsDefined() || node.IsNull() || node.Mark().is_null()) {
      auto found = key_marks_.find(key);
      if (found != key_marks_.end()) return found->second;
      if (!node.IsDefined() || node.Mark().is_null()) return {0, 0};
    }
    return {node.Mark().line + 1, node.Mark().column + 1};
  }

  void Problem(const YAML::Node& node, const std::string& key, std::string problem,
               std::string allowed = "") {
    Diagnostic diagnostic;
    diagnostic.file = file_;
    std::tie(diagnostic.line, diagnostic.column) = Place(node, key);
    diagnostic.key = key;
    diagnostic.problem = std::move(problem);
    diagnostic.allowed = std::move(allowed);
    diagnostics_.push_back(std::move(diagnostic));
  }

  void Remember(const std::string& key, const YAML::Node& node) {
    const std::pair<int, int> place = Place(node, key);
    if (place.first > 0) marks_.emplace(key, place);
  }

  // Checks that `node` is a map whose keys are all in `allowed`, with no duplicates. `what`
  // names the thing the map describes in messages (e.g. "an availability promise").
  bool ExpectMap(const YAML::Node& node, const std::string& key, Keys allowed,
                 const std::string& what = "") {
    Remember(key, node);
    if (!node.IsMap()) {
      Problem(node, key, std::string("expected a map of keys, found ") + NodeKind(node),
              "a map with the keys " + JoinKeys(allowed));
      return false;
    }
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) {
        Problem(it->first, key,
                std::string("a key must be a plain name, found ") + NodeKind(it->first),
                "allowed keys here: " + JoinKeys(allowed));
        continue;
      }
      const std::string name = it->first.Scalar();
      const std::string child = key.empty() ? name : key + "." + name;
      if (!it->first.Mark().is_null()) {
        key_marks_.emplace(child,
                           std::make_pair(it->first.Mark().line + 1, it->first.Mark().column + 1));
      }
      if (!seen.insert(name).second) {
        Problem(it->first, child, "duplicate key: '" + name + "' is given twice in this map",
                "each key once");
        continue;
      }
      bool known = false;
      for (const char* candidate : allowed) known = known || name == candidate;
      if (!known) {
        Problem(
            it->first, child,
            what.empty() ? "unknown key '" + name + "'" : "unknown key '" + name + "' for " + what,
            "allowed keys here: " + JoinKeys(allowed));
      }
    }
    return true;
  }

  // NodeKind, with a list's length.
  static std::string Shape(const YAML::Node& node) {
    if (node.IsSequence()) return "a list of " + std::to_string(node.size());
    return NodeKind(node);
  }

  static std::string Child(const std::string& key, const char* name) {
    return key.empty() ? std::string(name) : key + "." + name;
  }
  static std::string Index(const std::string& key, size_t index) {
    return key + "[" + std::to_string(index) + "]";
  }

  // --- scalars -----------------------------------------------------------------------------
  bool Scalar(const YAML::Node& node, const std::string& key, std::string* out,
              const char* expected, const std::string& allowed) {
    Remember(key, node);
    if (!node.IsScalar()) {
      Problem(node, key, std::string("expected ") + expected + ", found " + NodeKind(node),
              allowed);
      return false;
    }
    *out = node.Scalar();
    return true;
  }

  bool Number(const YAML::Node& node, const std::string& key, double* out) {
    std::string text;
    if (!Scalar(node, key, &text, "a number", "a plain number such as 120 or 0.25")) return false;
    const char* begin = text.c_str();
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(begin, &end);
    const bool numeric_chars = text.find_first_not_of("0123456789+-.eE") == std::string::npos;
    if (text.empty() || end != begin + text.size() || errno == ERANGE || !numeric_chars ||
        !std::isfinite(value)) {
      Problem(node, key, "'" + text + "' is not a number", "a plain number such as 120 or 0.25");
      return false;
    }
    if (std::fabs(value) > kMaxMagnitude) {
      Problem(node, key, "'" + text + "' is too large", "a number from -1e15 to 1e15");
      return false;
    }
    *out = value;
    return true;
  }

  bool NonNegative(const YAML::Node& node, const std::string& key, double* out) {
    double value = 0;
    if (!Number(node, key, &value)) return false;
    if (value < 0) {
      Problem(node, key, "must not be negative", "a number of 0 or more");
      return false;
    }
    *out = value;
    return true;
  }

  bool Share(const YAML::Node& node, const std::string& key, double* out) {
    double value = 0;
    if (!Number(node, key, &value)) return false;
    if (value < 0 || value > 1) {
      Problem(node, key, "must be a share", "a number from 0 to 1");
      return false;
    }
    *out = value;
    return true;
  }

  bool Integer(const YAML::Node& node, const std::string& key, int64_t min, int64_t max,
               int64_t* out) {
    const std::string allowed =
        "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    std::string text;
    if (!Scalar(node, key, &text, "a whole number", allowed)) return false;
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    const bool digits =
        !text.empty() && text.find_first_not_of("0123456789+-") == std::string::npos;
    if (!digits || end != text.c_str() + text.size()) {
      Problem(node, key, "'" + text + "' is not a whole number", allowed);
      return false;
    }
    if (errno == ERANGE || value < min || value > max) {
      Problem(node, key, "'" + text + "' is out of range", allowed);
      return false;
    }
    *out = value;
    return true;
  }

  bool Text(const YAML::Node& node, const std::string& key, std::string* out) {
    if (!Scalar(node, key, out, "text", "text, quoted if it contains ': ' or ' #'")) {
      return false;
    }
    // A name, unit, claim or wording that says nothing is a mistake, not a choice.
    if (out->find_first_not_of(" \t\r\n") == std::string::npos) {
      Problem(node, key, "is empty", "some text (leave the key out where it is optional)");
      return false;
    }
    return true;
  }

  bool Id(const YAML::Node& node, const std::string& key, std::string* out) {
    if (!Scalar(node, key, out, "an id", "an id: letters, digits, '-', '_' and '.'")) return false;
    const bool valid =
        !out->empty() && out->find_first_not_of(
                             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
                             std::string::npos;
    if (!valid) {
      Problem(node, key, "'" + *out + "' is not a valid id",
              "letters, digits, '-', '_' and '.', not empty");
      return false;
    }
    return true;
  }

  bool Bool(const YAML::Node& node, const std::string& key, bool* out) {
    std::string text;
    if (!Scalar(node, key, &text, "true or false", "true or false")) return false;
    if (text == "true" || text == "True") {
      *out = true;
    } else if (text == "false" || text == "False") {
      *out = false;
    } else {
      Problem(node, key, "'" + text + "' is not a boolean", "true or false");
      return false;
    }
    return true;
  }

  bool ParseDate(const YAML::Node& node, const std::string& key, Date* out) {
    std::string text;
    if (!Scalar(node, key, &text, "a date", "a date YYYY-MM-DD")) return false;
    const std::optional<Date> date = Date::Parse(text);
    if (!date) {
      Problem(node, key, "'" + text + "' is not a real date", "YYYY-MM-DD, a date that exists");
      return false;
    }
    *out = *date;
    return true;
  }

  bool ParseDuration(const YAML::Node& node, const std::string& key, Duration* out) {
    std::string text;
    if (!Scalar(node, key, &text, "a duration", "a number and a unit: 15m, 6h, 2d, 3w"))
      return false;
    const std::optional<Duration> duration = Duration::Parse(text);
    if (!duration) {
      Problem(node, key, "'" + text + "' is not a duration",
              "a number and a unit: 15m, 6h, 2d, 3w (whole minutes)");
      return false;
    }
    *out = *duration;
    return true;
  }

  bool ParseTime(const YAML::Node& node, const std::string& key, MinuteOfDay* out) {
    std::string text;
    if (!Scalar(node, key, &text, "a time of day", "\"HH:MM\", 00:00 to 23:59")) return false;
    const std::optional<MinuteOfDay> time = ParseTimeOfDay(text, false);
    if (!time) {
      Problem(node, key, "'" + text + "' is not a time of day", "\"HH:MM\", 00:00 to 23:59");
      return false;
    }
    *out = *time;
    return true;
  }

  bool IdList(const YAML::Node& node, const std::string& key, std::vector<std::string>* out) {
    Remember(key, node);
    if (!node.IsSequence()) {
      Problem(node, key, std::string("expected a list of ids, found ") + NodeKind(node),
              "a list such as [id, id, ...]");
      return false;
    }
    for (size_t i = 0; i < node.size(); ++i) {
      std::string id;
      if (Id(node[i], Index(key, i), &id)) out->push_back(id);
    }
    return true;
  }

  bool DateRangeMap(const YAML::Node& node, const std::string& key, DateRange* out) {
    if (!ExpectMap(node, key, {"start", "end"})) return false;
    bool ok = true;
    if (!node["start"]) {
      Problem(node, Child(key, "start"), "missing", "a date YYYY-MM-DD");
      ok = false;
    } else {
      ok = ParseDate(node["start"], Child(key, "start"), &out->start) && ok;
    }
    if (!node["end"]) {
      Problem(node, Child(key, "end"), "missing", "a date YYYY-MM-DD");
      ok = false;
    } else {
      ok = ParseDate(node["end"], Child(key, "end"), &out->end) && ok;
    }
    return ok;
  }

  // --- sections ----------------------------------------------------------------------------
  void ReadSimulation(const YAML::Node& node, SimulationSettings* out);
  void ReadCalendars(const YAML::Node& node, std::vector<Calendar>* out);
  void ReadOpen(const YAML::Node& node, const std::string& key, Calendar* out);
  void ReadResource(const YAML::Node& node, const std::string& key, Resource* out);
  void ReadCapability(const YAML::Node& node, const std::string& key, Capability* out);
  void ReadOffering(const YAML::Node& node, const std::string& key, Offering* out);
  void ReadBaseline(const YAML::Node& node, const std::string& key, Baseline* out);
  void ReadPromise(const YAML::Node& node, const std::string& key, Promise* out);
  void ReadCampaign(const YAML::Node& node, const std::string& key, Campaign* out,
                    bool* offerings_given);

  template <typename T, typename Fn>
  void ReadList(const YAML::Node& node, const std::string& key, std::vector<T>* out, Fn read) {
    Remember(key, node);
    if (node.IsNull()) return;
    if (!node.IsSequence()) {
      Problem(node, key, std::string("expected a list, found ") + NodeKind(node),
              "a list: one '- item' per line, or [item, item, ...]");
      return;
    }
    for (size_t i = 0; i < node.size(); ++i) {
      T item;
      read(node[i], Index(key, i), &item);
      out->push_back(std::move(item));
    }
  }

  void AttachMarks(std::vector<Diagnostic>* diagnostics) const;
  // At most kMaxDiagnostics problems, then one line saying how many more there were.
  std::vector<Diagnostic> Capped(std::vector<Diagnostic> diagnostics) const;
  void SortByPlace(std::vector<Diagnostic>* diagnostics) const;

  // A history file's name for messages: its path as written, relative to the scenario's folder.
  std::string HistoryDisplayName(const std::string& relative) const {
    const std::filesystem::path folder = std::filesystem::path(file_).parent_path();
    return folder.empty() ? relative : (folder / relative).lexically_normal().string();
  }

  std::string file_;
  const FileLoader& load_file_;
  std::vector<Diagnostic> diagnostics_;
  std::map<std::string, std::pair<int, int>> marks_;      // key path -> where its value is
  std::map<std::string, std::pair<int, int>> key_marks_;  // key path -> where the key is
};

void Reader::ReadSimulation(const YAML::Node& node, SimulationSettings* out) {
  const std::string key = "simulation";
  if (!ExpectMap(node, key, {"step", "scenarios", "seed", "confidence"})) return;
  if (node["step"]) ParseDuration(node["step"], Child(key, "step"), &out->step);
  if (node["scenarios"]) {
    Integer(node["scenarios"], Child(key, "scenarios"), 1, kMaxScenarios, &out->scenarios);
  }
  if (node["seed"]) {
    int64_t seed = 0;
    if (Integer(node["seed"], Child(key, "seed"), 0, INT64_MAX, &seed)) {
      out->seed = static_cast<uint64_t>(seed);
    }
  }
  if (node["confidence"]) {
    double confidence = 0;
    if (Share(node["confidence"], Child(key, "confidence"), &confidence)) {
      if (confidence <= 0) {
        Problem(node["confidence"], Child(key, "confidence"), "must be above 0",
                "a share in (0, 1], e.g. 0.9");
      } else {
        out->confidence = confidence;
      }
    }
  }
}

// Day keys: mon..sun, ranges like mon-fri (wrapping allowed: fri-mon), and daily.
std::optional<std::vector<int>> ParseDayKey(const std::string& text) {
  static const std::vector<std::string> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  auto day_index = [&](const std::string& name) -> int {
    for (size_t i = 0; i < kDays.size(); ++i) {
      if (kDays[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  if (text == "daily") return std::vector<int>{0, 1, 2, 3, 4, 5, 6};
  const size_t dash = text.find('-');
  if (dash == std::string::npos) {
    const int day = day_index(text);
    if (day < 0) return std::nullopt;
    return std::vector<int>{day};
  }
  const int first = day_index(text.substr(0, dash));
  const int last = day_index(text.substr(dash + 1));
  if (first < 0 || last < 0) return std::nullopt;
  std::vector<int> days;
  for (int day = first;; day = (day + 1) % 7) {
    days.push_back(day);
    if (day == last) break;
  }
  return days;
}

void Reader::ReadOpen(const YAML::Node& node, const std::string& key, Calendar* out) {
  static const char* const kDayNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  Remember(key, node);
  if (!node.IsMap()) {
    Problem(node, key, std::string("expected a map of days to hours, found ") + NodeKind(node),
            "e.g. {mon-fri: \"06:00-22:00\", sat: \"08:00-16:00\"}");
    return;
  }
  struct Given {
    MinuteOfDay end;
    std::string text;     // the range as written
    std::string day_key;  // the key that gave it
  };
  std::array<std::map<MinuteOfDay, Given>, 7> by_day;  // start -> range, per weekday
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string day_key = it->first.IsScalar() ? it->first.Scalar() : "?";
    const std::string child = key + "." + day_key;
    Remember(child, it->second);
    const std::optional<std::vector<int>> days = ParseDayKey(day_key);
    if (!days) {
      Problem(it->first, child, "'" + day_key + "' is not a day key",
              "mon, tue, wed, thu, fri, sat, sun, a range like mon-fri, or daily");
      continue;
    }
    if (!seen.insert(day_key).second) {
      Problem(it->first, child, "duplicate key: '" + day_key + "' is given twice in this map",
              "each day key once; give split hours as a list [\"06:00-12:00\", \"13:00-22:00\"]");
      continue;
    }
    // Hours: "06:00-22:00" or a list of such ranges (a split shift).
    std::vector<YAML::Node> ranges;
    if (it->second.IsSequence()) {
      for (size_t i = 0; i < it->second.size(); ++i) ranges.push_back(it->second[i]);
    } else {
      ranges.push_back(it->second);
    }
    const std::string hours_allowed =
        "\"HH:MM-HH:MM\" with start before end, e.g. \"06:00-22:00\" or \"00:00-24:00\", "
        "or a list of such ranges";
    for (const YAML::Node& range_node : ranges) {
      std::string text;
      if (!Scalar(range_node, child, &text, "a range of hours", hours_allowed)) continue;
      const size_t dash = text.find('-');
      std::optional<MinuteOfDay> start;
      std::optional<MinuteOfDay> end;
      if (dash != std::string::npos) {
        start = ParseTimeOfDay(text.substr(0, dash), false);
        end = ParseTimeOfDay(text.substr(dash + 1), true);
      }
      if (!start || !end) {
        Problem(range_node, child, "'" + text + "' is not a range of hours", hours_allowed);
        continue;
      }
      if (*end <= *start) {
        Problem(range_node, child,
                "'" + text + "' ends before it starts (ranges cannot cross midnight)",
                "\"HH:MM-HH:MM\" with start before end; split a night shift over two days");
        continue;
      }
      for (int day : *days) {
        std::map<MinuteOfDay, Given>& given = by_day[static_cast<size_t>(day)];
        // The range starting at or before `start`, and the one after it, are the only candidates.
        const Given* clash = nullptr;
        auto next = given.upper_bound(*start);
        if (next != given.end() && next->first < *end) clash = &next->second;
        if (clash == nullptr && next != given.begin()) {
          auto before = std::prev(next);
          if (*start < before->second.end) clash = &before->second;
        }
        if (clash != nullptr) {
          Problem(range_node, child,
                  "hours '" + text + "' on " + kDayNames[day] + " overlap '" + clash->text +
                      "' given by " + clash->day_key,
                  "ranges that do not overlap on any day");
          break;  // once per range
        }
        given.emplace(*start, Given{*end, text, day_key});
      }
    }
  }
  for (size_t day = 0; day < 7; ++day) {
    out->open[day].clear();
    for (const auto& [start, given] : by_day[day]) out->open[day].push_back({start, given.end});
  }
}

void Reader::ReadCalendars(const YAML::Node& node, std::vector<Calendar>* out) {
  const std::string key = "calendars";
  Remember(key, node);
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    Problem(node, key, std::string("expected a map of calendar ids, found ") + NodeKind(node),
            "calendars: {warehouse: {open: {...}}}");
    return;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    Calendar calendar;
    const std::string id_key = key + "." + (it->first.IsScalar() ? it->first.Scalar() : "?");
    if (!Id(it->first, id_key, &calendar.id)) continue;
    if (!seen.insert(calendar.id).second) {
      Problem(it->first, id_key, "duplicate calendar id '" + calendar.id + "'",
              "each calendar id once");
      continue;
    }
    const YAML::Node body = it->second;  // a copy: `it->second` lives in a temporary proxy
    if (!ExpectMap(body, id_key, {"open", "closed"}, "a calendar")) continue;
    if (body["open"]) {
      ReadOpen(body["open"], Child(id_key, "open"), &calendar);
    } else {
      Problem(body, Child(id_key, "open"), "missing", "open: {mon-fri: \"09:00-17:00\"}");
    }
    if (body["closed"]) {
      const std::string closed_key = Child(id_key, "closed");
      Remember(closed_key, body["closed"]);
      if (!body["closed"].IsSequence()) {
        Problem(body["closed"], closed_key,
                std::string("expected a list of dates, found ") + NodeKind(body["closed"]),
                "a list of whole days closed, e.g. [2027-05-31, 2027-12-25]");
      } else {
        for (size_t i = 0; i < body["closed"].size(); ++i) {
          Date date;
          if (ParseDate(body["closed"][i], Index(closed_key, i), &date)) {
            calendar.closed.push_back(date);
          }
        }
      }
    }
    out->push_back(std::move(calendar));
  }
}

void Reader::ReadResource(const YAML::Node& node, const std::string& key, Resource* out) {
  if (!ExpectMap(node, key,
                 {"id", "kind", "unit", "capacity", "calendar", "processing_time", "cost_per_unit",
                  "changes", "expansion", "period"})) {
    return;
  }
  if (node["id"]) {
    Id(node["id"], Child(key, "id"), &out->id);
  } else {
    Problem(node, Child(key, "id"), "missing", "every resource needs an id");
  }
  if (node["kind"]) {
    std::string kind;
    if (Scalar(node["kind"], Child(key, "kind"), &kind, "a resource kind",
               "throughput, space or budget")) {
      if (kind == "throughput") {
        out->kind = ResourceKind::kThroughput;
      } else if (kind == "space") {
        out->kind = ResourceKind::kSpace;
      } else if (kind == "budget") {
        out->kind = ResourceKind::kBudget;
      } else {
        Problem(node["kind"], Child(key, "kind"), "'" + kind + "' is not a resource kind",
                "throughput, space or budget");
      }
    }
  } else {
    Problem(node, Child(key, "kind"), "missing", "throughput, space or budget");
  }
  if (node["unit"]) Text(node["unit"], Child(key, "unit"), &out->unit);
  if (out->kind == ResourceKind::kBudget && !node["unit"]) out->unit = "money";
  if (node["capacity"]) {
    NonNegative(node["capacity"], Child(key, "capacity"), &out->capacity);
  } else {
    Problem(node, Child(key, "capacity"), "missing",
            "throughput: units per open hour; space: volume; budget: money");
  }
  const bool throughput = out->kind == ResourceKind::kThroughput;
  auto only_throughput = [&](const char* name) {
    if (node[name] && !throughput) {
      Problem(node[name], Child(key, name), "only throughput resources have this key",
              "remove it, or make the resource kind: throughput");
      return false;
    }
    return static_cast<bool>(node[name]);
  };
  if (only_throughput("calendar")) Id(node["calendar"], Child(key, "calendar"), &out->calendar);
  if (only_throughput("processing_time")) {
    ParseDuration(node["processing_time"], Child(key, "processing_time"), &out->processing_time);
  }
  if (only_throughput("cost_per_unit")) {
    NonNegative(node["cost_per_unit"], Child(key, "cost_per_unit"), &out->cost_per_unit);
  }
  if (only_throughput("changes")) {
    ReadList(
        node["changes"], Child(key, "changes"), &out->changes,
        [&](const YAML::Node& item, const std::string& item_key, ResourceChange* change) {
          if (!ExpectMap(item, item_key,
                         {"from", "capacity", "calendar", "processing_time", "cost_per_unit"})) {
            return;
          }
          if (item["from"]) {
            ParseDate(item["from"], Child(item_key, "from"), &change->from);
          } else {
            Problem(item, Child(item_key, "from"), "missing", "the date the change applies from");
          }
          double value = 0;
          if (item["capacity"] &&
              NonNegative(item["capacity"], Child(item_key, "capacity"), &value)) {
            change->capacity = value;
          }
          if (item["cost_per_unit"] &&
              NonNegative(item["cost_per_unit"], Child(item_key, "cost_per_unit"), &value)) {
            change->cost_per_unit = value;
          }
          Duration duration;
          if (item["processing_time"] &&
              ParseDuration(item["processing_time"], Child(item_key, "processing_time"),
                            &duration)) {
            change->processing_time = duration;
          }
          std::string calendar;
          if (item["calendar"] && Id(item["calendar"], Child(item_key, "calendar"), &calendar)) {
            change->calendar = calendar;
          }
          if (!item["capacity"] && !item["cost_per_unit"] && !item["processing_time"] &&
              !item["calendar"]) {
            Problem(item, item_key, "a change must change something",
                    "one or more of capacity, calendar, processing_time, cost_per_unit");
          }
        });
  }
  if (only_throughput("expansion")) {
    const YAML::Node expansion = node["expansion"];
    const std::string expansion_key = Child(key, "expansion");
    if (ExpectMap(expansion, expansion_key, {"extra", "cost_per_unit", "lead_time"})) {
      Expansion value;
      if (expansion["extra"]) {
        NonNegative(expansion["extra"], Child(expansion_key, "extra"), &value.extra_per_hour);
      } else {
        Problem(expansion, Child(expansion_key, "extra"), "missing",
                "the most extra capacity per open hour that can be booked");
      }
      if (expansion["cost_per_unit"]) {
        NonNegative(expansion["cost_per_unit"], Child(expansion_key, "cost_per_unit"),
                    &value.cost_per_unit);
      }
      if (expansion["lead_time"]) {
        ParseDuration(expansion["lead_time"], Child(expansion_key, "lead_time"), &value.lead_time);
      }
      out->expansion = value;
    }
  }
  if (node["period"]) {
    if (out->kind != ResourceKind::kBudget) {
      Problem(node["period"], Child(key, "period"), "only budget resources have a period",
              "remove it, or make the resource kind: budget");
    } else {
      DateRange period;
      if (DateRangeMap(node["period"], Child(key, "period"), &period)) out->period = period;
    }
  }
}

void Reader::ReadCapability(const YAML::Node& node, const std::string& key, Capability* out) {
  if (!ExpectMap(node, key, {"id", "claim", "from", "until"})) return;
  if (node["id"]) {
    Id(node["id"], Child(key, "id"), &out->id);
  } else {
    Problem(node, Child(key, "id"), "missing", "every capability needs an id");
  }
  if (node["claim"]) {
    Text(node["claim"], Child(key, "claim"), &out->claim);
  } else {
    Problem(node, Child(key, "claim"), "missing", "the honest words for what operations can do");
  }
  Date date;
  if (node["from"] && ParseDate(node["from"], Child(key, "from"), &date)) out->from = date;
  if (node["until"] && ParseDate(node["until"], Child(key, "until"), &date)) out->until = date;
}

void Reader::ReadBaseline(const YAML::Node& node, const std::string& key, Baseline* out) {
  if (!ExpectMap(node, key, {"per_day", "history", "weekly", "intraday", "noise"})) return;
  if (node["per_day"]) {
    double per_day = 0;
    if (NonNegative(node["per_day"], Child(key, "per_day"), &per_day)) out->per_day = per_day;
  }
  if (node["history"]) {
    const std::string history_key = Child(key, "history");
    if (Text(node["history"], history_key, &out->history_path)) {
      Result<std::string> text = load_file_(out->history_path);
      if (!text.ok()) {
        Problem(node["history"], history_key,
                "cannot read '" + out->history_path + "': " + text.error().ToString(),
                "a CSV file of date,units, relative to the scenario file");
      } else {
        std::vector<HistoryProblem> problems;
        out->history = ParseHistoryCsv(text.value(), &problems);
        for (const HistoryProblem& problem : problems) {
          Diagnostic diagnostic;
          diagnostic.file = HistoryDisplayName(out->history_path);
          diagnostic.line = problem.line;
          diagnostic.key = history_key;
          diagnostic.problem = problem.problem;
          diagnostic.allowed = problem.allowed;
          diagnostics_.push_back(std::move(diagnostic));
        }
      }
    }
  }
  if (node["per_day"] && node["history"]) {
    Problem(node["history"], key, "both per_day and history are given",
            "either per_day or history, not both");
  } else if (!node["per_day"] && !node["history"]) {
    Problem(node, key, "no demand given", "per_day: units per average day, or history: a CSV file");
  }
  if (node["weekly"]) {
    const std::string weekly_key = Child(key, "weekly");
    Remember(weekly_key, node["weekly"]);
    if (!node["weekly"].IsSequence() || node["weekly"].size() != 7) {
      Problem(node["weekly"], weekly_key,
              "expected a list of 7 multipliers, found " + Shape(node["weekly"]),
              "[mon, tue, wed, thu, fri, sat, sun], numbers of 0 or more, not all 0");
    } else {
      std::array<double, 7> weekly{};
      bool ok = true;
      for (size_t i = 0; i < 7; ++i)
        ok = NonNegative(node["weekly"][i], Index(weekly_key, i), &weekly[i]) && ok;
      if (ok) out->weekly = weekly;
    }
  }
  if (node["intraday"]) {
    const std::string intraday_key = Child(key, "intraday");
    const YAML::Node intraday = node["intraday"];
    Remember(intraday_key, intraday);
    if (intraday.IsScalar()) {
      const std::string shape = intraday.Scalar();
      if (shape == "flat") {
        out->intraday = IntradayShape::kFlat;
      } else if (shape == "office") {
        out->intraday = IntradayShape::kOffice;
      } else if (shape == "evening") {
        out->intraday = IntradayShape::kEvening;
      } else {
        Problem(intraday, intraday_key, "'" + shape + "' is not an intraday profile",
                "flat, office, evening, or a list of 24 weights");
      }
    } else if (intraday.IsSequence() && intraday.size() == 24) {
      out->intraday = IntradayShape::kWeights;
      for (size_t i = 0; i < 24; ++i) {
        NonNegative(intraday[i], Index(intraday_key, i), &out->intraday_weights[i]);
      }
    } else {
      Problem(intraday, intraday_key, "expected an intraday profile, found " + Shape(intraday),
              "flat, office, evening, or a list of 24 weights");
    }
  }
  if (node["noise"]) {
    const std::string noise_key = Child(key, "noise");
    const YAML::Node noise = node["noise"];
    Remember(noise_key, noise);
    if (noise.IsScalar() && noise.Scalar() == "poisson") {
      out->noise_cv = 0;
    } else if (noise.IsScalar() && noise.Scalar() == "none") {
      out->noise_none = true;
    } else if (noise.IsMap()) {
      if (ExpectMap(noise, noise_key, {"cv"})) {
        if (noise["cv"]) {
          NonNegative(noise["cv"], Child(noise_key, "cv"), &out->noise_cv);
        } else {
          Problem(noise, Child(noise_key, "cv"), "missing", "{cv: 0.3}");
        }
      }
    } else {
      Problem(noise, noise_key, "not a noise model",
              "poisson, none, or {cv: c} with c of 0 or more");
    }
  }
}

void Reader::ReadOffering(const YAML::Node& node, const std::string& key, Offering* out) {
  if (!ExpectMap(
          node, key,
          {"id", "name", "price", "unit_cost", "volume", "stocked", "stock", "space", "supply",
           "return_rate", "return_lag", "returns", "route", "transit", "loads", "baseline"})) {
    return;
  }
  if (node["id"]) {
    Id(node["id"], Child(key, "id"), &out->id);
  } else {
    Problem(node, Child(key, "id"), "missing", "every offering needs an id");
  }
  if (node["name"]) Text(node["name"], Child(key, "name"), &out->name);
  if (node["price"]) {
    NonNegative(node["price"], Child(key, "price"), &out->price);
  } else {
    Problem(node, Child(key, "price"), "missing", "the list price per unit");
  }
  if (node["unit_cost"]) NonNegative(node["unit_cost"], Child(key, "unit_cost"), &out->unit_cost);
  if (node["volume"]) NonNegative(node["volume"], Child(key, "volume"), &out->volume);
  if (node["stock"]) NonNegative(node["stock"], Child(key, "stock"), &out->stock);
  if (node["space"]) Id(node["space"], Child(key, "space"), &out->space);
  if (node["supply"]) {
    const std::string supply_key = Child(key, "supply");
    if (ExpectMap(node["supply"], supply_key, {"per_day", "lead_time", "safety_days"})) {
      Supply supply;
      if (node["supply"]["per_day"]) {
        NonNegative(node["supply"]["per_day"], Child(supply_key, "per_day"), &supply.per_day);
      } else {
        Problem(node["supply"], Child(supply_key, "per_day"), "missing",
                "the most units receivable per day");
      }
      if (node["supply"]["lead_time"]) {
        ParseDuration(node["supply"]["lead_time"], Child(supply_key, "lead_time"),
                      &supply.lead_time);
      }
      if (node["supply"]["safety_days"]) {
        NonNegative(node["supply"]["safety_days"], Child(supply_key, "safety_days"),
                    &supply.safety_days);
      }
      out->supply = supply;
    }
  }
  out->stocked = node["stock"] || node["supply"];
  if (node["stocked"]) {
    bool stocked = false;
    if (Bool(node["stocked"], Child(key, "stocked"), &stocked)) {
      if (!stocked && (node["stock"] || node["supply"])) {
        Problem(node["stocked"], Child(key, "stocked"),
                "an unstocked offering cannot have stock or supply",
                "remove stock and supply, or set stocked: true");
      }
      out->stocked = stocked;
    }
  }
  if (node["return_rate"]) Share(node["return_rate"], Child(key, "return_rate"), &out->return_rate);
  if (node["return_lag"])
    ParseDuration(node["return_lag"], Child(key, "return_lag"), &out->return_lag);
  if (node["returns"]) Id(node["returns"], Child(key, "returns"), &out->returns);
  if (node["route"]) {
    ReadList(node["route"], Child(key, "route"), &out->route,
             [&](const YAML::Node& item, const std::string& item_key, RouteStep* step) {
               Remember(item_key, item);
               if (item.IsScalar()) {
                 Id(item, item_key, &step->resource);
                 return;
               }
               if (!ExpectMap(item, item_key, {"resource", "per_unit"})) return;
               if (item["resource"]) {
                 Id(item["resource"], Child(item_key, "resource"), &step->resource);
               } else {
                 Problem(item, Child(item_key, "resource"), "missing", "a throughput resource id");
               }
               if (item["per_unit"]) {
                 double per_unit = 0;
                 if (Number(item["per_unit"], Child(item_key, "per_unit"), &per_unit)) {
                   if (per_unit <= 0) {
                     Problem(item["per_unit"], Child(item_key, "per_unit"), "must be above 0",
                             "capacity units each offering unit uses, e.g. 2");
                   } else {
                     step->per_unit = per_unit;
                   }
                 }
               }
             });
  }
  if (node["transit"]) ParseDuration(node["transit"], Child(key, "transit"), &out->transit);
  if (node["loads"]) {
    ReadList(node["loads"], Child(key, "loads"), &out->loads,
             [&](const YAML::Node& item, const std::string& item_key, Load* load) {
               if (!ExpectMap(item, item_key, {"resource", "per_unit", "lag"})) return;
               if (item["resource"]) {
                 Id(item["resource"], Child(item_key, "resource"), &load->resource);
               } else {
                 Problem(item, Child(item_key, "resource"), "missing", "a throughput resource id");
               }
               if (item["per_unit"]) {
                 NonNegative(item["per_unit"], Child(item_key, "per_unit"), &load->per_unit);
               } else {
                 Problem(item, Child(item_key, "per_unit"), "missing",
                         "units of side work per unit sold, e.g. 0.1");
               }
               if (item["lag"]) ParseDuration(item["lag"], Child(item_key, "lag"), &load->lag);
             });
  }
  if (node["baseline"]) {
    ReadBaseline(node["baseline"], Child(key, "baseline"), &out->baseline);
  } else {
    Problem(node, Child(key, "baseline"), "missing",
            "baseline: {per_day: N} or {history: file.csv}");
  }
}

void Reader::ReadPromise(const YAML::Node& node, const std::string& key, Promise* out) {
  Remember(key, node);
  if (!node.IsMap()) {
    Problem(node, key, std::string("expected a promise (a map), found ") + NodeKind(node),
            "a map such as {type: delivery, within: 24h, share: 0.95}");
    return;
  }
  std::string type;
  if (!node["type"]) {
    Problem(node, Child(key, "type"), "missing",
            "delivery, processing, response, availability, free_returns or claim");
    return;
  }
  if (!Scalar(node["type"], Child(key, "type"), &type, "a promise type",
              "delivery, processing, response, availability, free_returns or claim")) {
    return;
  }
  if (type == "delivery" || type == "processing") {
    out->type = type == "delivery" ? PromiseType::kDelivery : PromiseType::kProcessing;
    ExpectMap(node, key, {"type", "within", "cutoff", "share", "offerings"},
              "a " + type + " promise");
  } else if (type == "response") {
    out->type = PromiseType::kResponse;
    ExpectMap(node, key, {"type", "resource", "within", "cutoff", "share", "offerings"},
              "a response promise");
  } else if (type == "availability") {
    out->type = PromiseType::kAvailability;
    out->share = 0.98;
    ExpectMap(node, key, {"type", "share", "offerings"}, "an availability promise");
  } else if (type == "free_returns") {
    out->type = PromiseType::kFreeReturns;
    ExpectMap(node, key, {"type", "return_rate", "cost", "offerings"}, "a free_returns promise");
  } else if (type == "claim") {
    out->type = PromiseType::kClaim;
    ExpectMap(node, key, {"type", "text", "requires", "offerings"}, "a claim promise");
  } else {
    Problem(node["type"], Child(key, "type"), "'" + type + "' is not a promise type",
            "delivery, processing, response, availability, free_returns or claim");
    return;
  }
  if (out->IsTimePromise()) {
    if (node["within"]) {
      std::string text;
      if (Scalar(node["within"], Child(key, "within"), &text, "a deadline",
                 "a duration such as 15m, 24h, 2d, or same_day, next_day")) {
        const std::optional<Deadline> deadline = Deadline::Parse(text);
        if (!deadline) {
          Problem(node["within"], Child(key, "within"), "'" + text + "' is not a deadline",
                  "a duration such as 15m, 24h, 2d, or same_day, next_day");
        } else {
          out->within = *deadline;
        }
      }
    } else {
      Problem(node, Child(key, "within"), "missing",
              "a duration such as 24h, or same_day, next_day");
    }
    MinuteOfDay cutoff = 0;
    if (node["cutoff"] && ParseTime(node["cutoff"], Child(key, "cutoff"), &cutoff))
      out->cutoff = cutoff;
  }
  if (node["share"]) Share(node["share"], Child(key, "share"), &out->share);
  if (node["resource"]) {
    Id(node["resource"], Child(key, "resource"), &out->resource);
  } else if (out->type == PromiseType::kResponse) {
    Problem(node, Child(key, "resource"), "missing", "the throughput resource that responds");
  }
  if (node["offerings"]) IdList(node["offerings"], Child(key, "offerings"), &out->offerings);
  if (out->type == PromiseType::kFreeReturns) {
    if (node["return_rate"]) {
      Share(node["return_rate"], Child(key, "return_rate"), &out->return_rate);
    } else {
      Problem(node, Child(key, "return_rate"), "missing",
              "the share of units expected back under free returns, e.g. 0.2");
    }
    double cost = 0;
    if (node["cost"] && NonNegative(node["cost"], Child(key, "cost"), &cost)) out->cost = cost;
  }
  if (out->type == PromiseType::kClaim) {
    if (node["text"]) {
      Text(node["text"], Child(key, "text"), &out->text);
    } else {
      Problem(node, Child(key, "text"), "missing", "the claim as the copy words it");
    }
    if (node["requires"]) {
      IdList(node["requires"], Child(key, "requires"), &out->requires_capabilities);
    } else {
      Problem(node, Child(key, "requires"), "missing", "the capability ids the claim needs");
    }
  }
}

void Reader::ReadCampaign(const YAML::Node& node, const std::string& key, Campaign* out,
                          bool* offerings_given) {
  if (!ExpectMap(node, key,
                 {"id", "name", "window", "announce", "offerings", "discount", "spend", "lift",
                  "profile", "cap", "bookings", "promises", "readiness"})) {
    return;
  }
  if (node["id"]) {
    Id(node["id"], Child(key, "id"), &out->id);
  } else {
    Problem(node, Child(key, "id"), "missing", "every campaign needs an id");
  }
  if (node["name"]) Text(node["name"], Child(key, "name"), &out->name);
  bool window_ok = false;
  if (node["window"]) {
    window_ok = DateRangeMap(node["window"], Child(key, "window"), &out->window);
  } else {
    Problem(node, Child(key, "window"), "missing", "window: {start: YYYY-MM-DD, end: YYYY-MM-DD}");
  }
  out->announce = out->window.start;
  if (node["announce"]) ParseDate(node["announce"], Child(key, "announce"), &out->announce);
  (void)window_ok;
  *offerings_given = static_cast<bool>(node["offerings"]);
  if (node["offerings"]) IdList(node["offerings"], Child(key, "offerings"), &out->offerings);
  if (node["discount"]) {
    double discount = 0;
    if (Number(node["discount"], Child(key, "discount"), &discount)) {
      if (discount < 0 || discount >= 1) {
        Problem(node["discount"], Child(key, "discount"),
                discount < 0 ? "a negative discount" : "a discount of 100% or more",
                "a share off list price from 0 up to but not including 1, e.g. 0.4 for 40% off");
      } else {
        out->discount = discount;
      }
    }
  }
  if (node["spend"]) NonNegative(node["spend"], Child(key, "spend"), &out->spend);
  if (node["lift"]) {
    const YAML::Node lift = node["lift"];
    const std::string lift_key = Child(key, "lift");
    Remember(lift_key, lift);
    if (lift.IsScalar()) {
      if (Number(lift, lift_key, &out->lift.expected)) {
        out->lift.low = out->lift.high = out->lift.expected;
        out->lift.certain = true;
      }
    } else if (!lift.IsMap()) {
      Problem(lift, lift_key, std::string("expected a number or a map, found ") + NodeKind(lift),
              "a number such as 0.6, or {expected: 0.6, low: 0.3, high: 1.2}");
    } else if (ExpectMap(lift, lift_key, {"expected", "low", "high"})) {
      bool ok = true;
      for (const char* part : {"expected", "low", "high"}) {
        if (!lift[part]) {
          Problem(lift, Child(lift_key, part), "missing", "{expected: 0.6, low: 0.3, high: 1.2}");
          ok = false;
        }
      }
      if (ok) {
        Number(lift["expected"], Child(lift_key, "expected"), &out->lift.expected);
        Number(lift["low"], Child(lift_key, "low"), &out->lift.low);
        Number(lift["high"], Child(lift_key, "high"), &out->lift.high);
        out->lift.certain = false;
      }
    }
  }
  if (node["profile"]) {
    const std::string profile_key = Child(key, "profile");
    Remember(profile_key, node["profile"]);
    if (!node["profile"].IsSequence() || node["profile"].size() == 0) {
      Problem(node["profile"], profile_key,
              "expected a list of weights, found " + Shape(node["profile"]),
              "a non-empty list of weights of 0 or more, e.g. [3, 2, 1.5, 1, 1]");
    } else {
      for (size_t i = 0; i < node["profile"].size(); ++i) {
        double weight = 0;
        if (NonNegative(node["profile"][i], Index(profile_key, i), &weight))
          out->profile.push_back(weight);
      }
    }
  }
  if (node["cap"]) {
    const YAML::Node cap = node["cap"];
    const std::string cap_key = Child(key, "cap");
    Remember(cap_key, cap);
    if (cap.IsScalar()) {
      double total = 0;
      if (NonNegative(cap, cap_key, &total)) out->cap.total = total;
    } else if (cap.IsMap()) {
      std::set<std::string> seen;
      for (auto it = cap.begin(); it != cap.end(); ++it) {
        std::string offering;
        const std::string item_key =
            cap_key + "." + (it->first.IsScalar() ? it->first.Scalar() : "?");
        if (!Id(it->first, item_key, &offering)) continue;
        if (!seen.insert(offering).second) {
          Problem(it->first, item_key,
                  "duplicate key: '" + offering + "' is given twice in this map",
                  "one cap per offering");
          continue;
        }
        double units = 0;
        if (NonNegative(it->second, item_key, &units))
          out->cap.by_offering.emplace_back(offering, units);
      }
    } else {
      Problem(cap, cap_key, std::string("expected a number or a map, found ") + NodeKind(cap),
              "a number of units, or a map {offering: units}");
    }
  }
  if (node["bookings"]) {
    ReadList(node["bookings"], Child(key, "bookings"), &out->bookings,
             [&](const YAML::Node& item, const std::string& item_key, Booking* booking) {
               if (!ExpectMap(item, item_key, {"resource", "extra", "from", "until"})) return;
               for (const char* part : {"resource", "extra", "from", "until"}) {
                 if (!item[part]) {
                   Problem(item, Child(item_key, part), "missing",
                           "{resource: id, extra: units per open hour, from: date, until: date}");
                 }
               }
               if (item["resource"])
                 Id(item["resource"], Child(item_key, "resource"), &booking->resource);
               if (item["extra"])
                 NonNegative(item["extra"], Child(item_key, "extra"), &booking->extra_per_hour);
               if (item["from"]) ParseDate(item["from"], Child(item_key, "from"), &booking->from);
               if (item["until"])
                 ParseDate(item["until"], Child(item_key, "until"), &booking->until);
             });
  }
  if (node["promises"]) {
    ReadList(node["promises"], Child(key, "promises"), &out->promises,
             [&](const YAML::Node& item, const std::string& item_key, Promise* promise) {
               ReadPromise(item, item_key, promise);
             });
  }
  if (node["readiness"]) {
    const std::string readiness_key = Child(key, "readiness");
    const YAML::Node readiness = node["readiness"];
    if (ExpectMap(readiness, readiness_key, {"start", "tasks"})) {
      Readiness value;
      if (readiness["start"]) {
        ParseDate(readiness["start"], Child(readiness_key, "start"), &value.start);
      } else {
        Problem(readiness, Child(readiness_key, "start"), "missing", "the date the work starts");
      }
      if (readiness["tasks"]) {
        ReadList(readiness["tasks"], Child(readiness_key, "tasks"), &value.tasks,
                 [&](const YAML::Node& item, const std::string& item_key, ReadinessTask* task) {
                   if (!ExpectMap(item, item_key, {"id", "duration", "after"})) return;
                   if (item["id"]) {
                     Id(item["id"], Child(item_key, "id"), &task->id);
                   } else {
                     Problem(item, Child(item_key, "id"), "missing", "every task needs an id");
                   }
                   if (item["duration"]) {
                     ParseDuration(item["duration"], Child(item_key, "duration"), &task->duration);
                   } else {
                     Problem(item, Child(item_key, "duration"), "missing", "e.g. 8w, 10d");
                   }
                   if (item["after"]) IdList(item["after"], Child(item_key, "after"), &task->after);
                 });
      }
      out->readiness = value;
    }
  }
}

void Reader::AttachMarks(std::vector<Diagnostic>* diagnostics) const {
  for (Diagnostic& diagnostic : *diagnostics) {
    if (diagnostic.file.empty()) diagnostic.file = file_;
    if (diagnostic.line > 0) continue;
    // The key itself, else its nearest ancestor that was seen.
    std::string key = diagnostic.key;
    while (!key.empty()) {
      auto found = marks_.find(key);
      if (found != marks_.end()) {
        diagnostic.line = found->second.first;
        diagnostic.column = found->second.second;
        break;
      }
      const size_t cut = key.find_last_of(".[");
      if (cut == std::string::npos) break;
      key = key.substr(0, cut);
    }
  }
}

Result<Scenario> Reader::Run(std::string_view text) {
  auto whole_file = [&](int line, int column, std::string problem, std::string allowed) {
    Diagnostic diagnostic;
    diagnostic.file = file_;
    diagnostic.line = line;
    diagnostic.column = column;
    diagnostic.problem = std::move(problem);
    diagnostic.allowed = std::move(allowed);
    return Error::InvalidInput({diagnostic});
  };
  // yaml-cpp parses nested collections recursively: refuse absurd nesting before it does.
  const FlowScan flow = ScanFlow(text, kMaxNesting);
  if (flow.too_deep_line > 0) {
    return whole_file(flow.too_deep_line, flow.too_deep_column,
                      "lists and maps nested more than " + std::to_string(kMaxNesting) + " deep",
                      "a scenario as in scenario-format.md (it nests a few levels)");
  }
  // First a pass that only finds the documents, at most kMaxDocuments of them: yaml-cpp's
  // LoadAll loops forever, allocating, on a ',' where a document should start (it never
  // consumes the token). Then the one document is loaded.
  constexpr size_t kMaxDocuments = 3;
  const std::string buffer(text);
  DocumentStarts starts;
  YAML::Node root;
  try {
    std::istringstream stream(buffer);
    YAML::Parser parser(stream);
    while (starts.marks.size() < kMaxDocuments && parser.HandleNextDocument(starts)) {
    }
    if (starts.marks.size() == 1) root = YAML::Load(buffer);
  } catch (const YAML::DeepRecursion& error) {
    return whole_file(error.mark.is_null() ? 0 : error.mark.line + 1,
                      error.mark.is_null() ? 0 : error.mark.column + 1,
                      "lists and maps nested more than " + std::to_string(kMaxNesting) +
                          " deep (the YAML parser stopped at " + std::to_string(error.depth()) +
                          " levels)",
                      "a scenario as in scenario-format.md (it nests a few levels)");
  } catch (const YAML::Exception& error) {
    if (error.msg.find("flow not found") != std::string::npos && flow.unclosed_line > 0) {
      // yaml-cpp notices at the end of the file or the next block key; the cause is the bracket.
      const std::string bracket(1, flow.unclosed);
      return whole_file(
          flow.unclosed_line, flow.unclosed_column,
          "not valid YAML: this '" + bracket + "' is never closed (" + error.msg + ")",
          std::string("close it with '") + (flow.unclosed == '{' ? "}" : "]") +
              "' on the same line or a later one");
    }
    return whole_file(error.mark.is_null() ? 0 : error.mark.line + 1,
                      error.mark.is_null() ? 0 : error.mark.column + 1,
                      "not valid YAML: " + error.msg,
                      "a YAML (or JSON) document, see scenario-format.md");
  }
  const auto line_of = [](const YAML::Mark& mark) { return mark.is_null() ? 0 : mark.line + 1; };
  const auto column_of = [](const YAML::Mark& mark) {
    return mark.is_null() ? 0 : mark.column + 1;
  };
  if (starts.marks.size() >= 3 && starts.marks[1].pos == starts.marks[2].pos) {
    // Documents that start where the previous one did: the parser is stuck on a token.
    const YAML::Mark& mark = starts.marks[1];
    const size_t pos = mark.pos >= 0 ? static_cast<size_t>(mark.pos) : buffer.size();
    const std::string token = pos < buffer.size() ? std::string(1, buffer[pos]) : std::string("?");
    return whole_file(line_of(mark), column_of(mark), "not valid YAML: unexpected '" + token + "'",
                      "a YAML (or JSON) document, see scenario-format.md");
  }
  if (starts.marks.size() > 1) {
    const YAML::Mark& mark = starts.marks[1];
    return whole_file(
        line_of(mark), column_of(mark),
        starts.marks.size() >= kMaxDocuments
            ? std::string("the file holds several YAML documents (a '---' line starts another)")
            : "the file holds " + std::to_string(starts.marks.size()) +
                  " YAML documents (a '---' line starts another)",
        "one scenario per file: remove the '---' line");
  }
  if (starts.marks.empty() || !root.IsDefined() || root.IsNull()) {
    return whole_file(1, 1, "the file holds no scenario (it is empty)",
                      "a map of keys starting with tandem: 1, see scenario-format.md");
  }
  const TreeShape shape = MeasureTree(root, kMaxExpandedNodes, kMaxNesting);
  if (shape.too_deep) {
    return whole_file(line_of(shape.too_deep_mark), column_of(shape.too_deep_mark),
                      "lists and maps nested more than " + std::to_string(kMaxNesting) + " deep",
                      "a scenario as in scenario-format.md (it nests a few levels)");
  }
  if (!shape.within_budget) {
    return whole_file(1, 1,
                      "more than " + std::to_string(kMaxExpandedNodes) +
                          " values (keys, list items and scalars, counting every use of an "
                          "alias *name as a copy)",
                      "a scenario of at most " + std::to_string(kMaxExpandedNodes) +
                          " values: split it, or use fewer aliases of large parts");
  }

  Scenario scenario;
  if (!ExpectMap(root, "",
                 {"tandem", "name", "currency", "horizon", "today", "simulation", "calendars",
                  "resources", "capabilities", "offerings", "messaging", "campaigns"})) {
    return Error::InvalidInput(diagnostics_);
  }
  if (root["tandem"]) {
    int64_t version = 0;
    if (Integer(root["tandem"], "tandem", 0, INT32_MAX, &version)) {
      if (version == 1) {
        scenario.version = 1;
      } else {
        Problem(root["tandem"], "tandem",
                "format version " + std::to_string(version) + " is not supported",
                "tandem: 1 (the only version so far)");
      }
    }
  } else {
    Problem(root, "tandem", "missing: the format version", "tandem: 1");
  }
  if (root["name"]) {
    Text(root["name"], "name", &scenario.name);
  } else {
    Problem(root, "name", "missing", "a name for the scenario");
  }
  if (root["currency"]) Text(root["currency"], "currency", &scenario.currency);
  bool horizon_ok = false;
  if (root["horizon"]) {
    horizon_ok = DateRangeMap(root["horizon"], "horizon", &scenario.horizon);
  } else {
    Problem(root, "horizon", "missing", "horizon: {start: YYYY-MM-DD, end: YYYY-MM-DD}");
  }
  scenario.today = scenario.horizon.start;
  if (root["today"]) ParseDate(root["today"], "today", &scenario.today);
  if (root["simulation"]) ReadSimulation(root["simulation"], &scenario.simulation);
  if (root["calendars"]) ReadCalendars(root["calendars"], &scenario.calendars);
  if (root["resources"]) {
    ReadList(root["resources"], "resources", &scenario.resources,
             [&](const YAML::Node& node, const std::string& key, Resource* resource) {
               ReadResource(node, key, resource);
             });
  }
  if (root["capabilities"]) {
    ReadList(root["capabilities"], "capabilities", &scenario.capabilities,
             [&](const YAML::Node& node, const std::string& key, Capability* capability) {
               ReadCapability(node, key, capability);
             });
  }
  if (root["offerings"]) {
    ReadList(root["offerings"], "offerings", &scenario.offerings,
             [&](const YAML::Node& node, const std::string& key, Offering* offering) {
               ReadOffering(node, key, offering);
             });
  } else {
    Problem(root, "offerings", "missing",
            "a list of offerings, each with an id, a price and a baseline");
  }
  if (root["messaging"]) {
    ReadList(root["messaging"], "messaging", &scenario.messaging,
             [&](const YAML::Node& node, const std::string& key, Promise* promise) {
               ReadPromise(node, key, promise);
             });
  }
  std::vector<bool> offerings_given;
  // Random streams are numbered per offering and campaign (engine/random.h): they stay distinct
  // below 4,095 campaigns; a thousand is far beyond any plan.
  constexpr size_t kMaxCampaigns = 1000;
  if (root["campaigns"] && root["campaigns"].IsSequence() &&
      root["campaigns"].size() > kMaxCampaigns) {
    Problem(root["campaigns"], "campaigns",
            std::to_string(root["campaigns"].size()) + " campaigns is too many",
            "at most 1,000 campaigns in one scenario");
  } else if (root["campaigns"]) {
    ReadList(root["campaigns"], "campaigns", &scenario.campaigns,
             [&](const YAML::Node& node, const std::string& key, Campaign* campaign) {
               bool given = false;
               ReadCampaign(node, key, campaign, &given);
               offerings_given.push_back(given);
             });
  }
  // A campaign without `offerings` covers all of them.
  for (size_t i = 0; i < scenario.campaigns.size(); ++i) {
    if (i < offerings_given.size() && !offerings_given[i]) {
      for (const Offering& offering : scenario.offerings) {
        scenario.campaigns[i].offerings.push_back(offering.id);
      }
    }
  }
  // A throughput resource without `unit` that a response promise answers counts tickets, not
  // units ("support responds within 4h for 90% of tickets").
  if (root["resources"] && root["resources"].IsSequence()) {
    auto responds = [&](const std::string& id) {
      auto in = [&](const std::vector<Promise>& promises) {
        for (const Promise& promise : promises)
          if (promise.type == PromiseType::kResponse && promise.resource == id) return true;
        return false;
      };
      if (in(scenario.messaging)) return true;
      for (const Campaign& campaign : scenario.campaigns)
        if (in(campaign.promises)) return true;
      return false;
    };
    for (size_t i = 0; i < scenario.resources.size() && i < root["resources"].size(); ++i) {
      Resource& resource = scenario.resources[i];
      const YAML::Node node = root["resources"][i];
      if (resource.kind == ResourceKind::kThroughput && node.IsMap() && !node["unit"] &&
          responds(resource.id))
        resource.unit = "tickets";
    }
  }
  (void)horizon_ok;
  if (!diagnostics_.empty()) {
    AttachMarks(&diagnostics_);
    SortByPlace(&diagnostics_);
    return Error::InvalidInput(Capped(std::move(diagnostics_)));
  }
  std::vector<Diagnostic> semantic = ValidateScenario(scenario);
  if (!semantic.empty()) {
    AttachMarks(&semantic);
    SortByPlace(&semantic);
    return Error::InvalidInput(Capped(std::move(semantic)));
  }
  return scenario;
}

// Problems in file order: the reader reports key checks before values, the validator check by
// check. A history file's problems stay together, at the place of their `history` key; problems
// without a place come last.
void Reader::SortByPlace(std::vector<Diagnostic>* diagnostics) const {
  const auto place = [&](const Diagnostic& diagnostic) -> std::pair<int, int> {
    if (diagnostic.file != file_) {
      auto found = marks_.find(diagnostic.key);
      return found == marks_.end() ? std::make_pair(INT32_MAX, 0) : found->second;
    }
    if (diagnostic.line <= 0) return {INT32_MAX, 0};
    return {diagnostic.line, diagnostic.column};
  };
  std::stable_sort(diagnostics->begin(), diagnostics->end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return place(a) < place(b); });
}

std::vector<Diagnostic> Reader::Capped(std::vector<Diagnostic> diagnostics) const {
  if (diagnostics.size() <= kMaxDiagnostics) return diagnostics;
  const size_t more = diagnostics.size() - kMaxDiagnostics;
  diagnostics.resize(kMaxDiagnostics);
  Diagnostic summary;
  summary.file = file_;
  summary.problem = "and " + std::to_string(more) + " more problems";
  summary.allowed = "fix the ones above first";
  diagnostics.push_back(std::move(summary));
  return diagnostics;
}

}  // namespace

Result<Scenario> ParseScenario(std::string_view text, const std::string& display_name,
                               const FileLoader& load_file) {
  try {
    Reader reader(display_name, load_file);
    return reader.Run(text);
  } catch (const std::exception& error) {
    // yaml-cpp may throw from accessors on malformed documents: still the user's input.
    Diagnostic diagnostic;
    diagnostic.file = display_name;
    diagnostic.problem = std::string("cannot be read: ") + error.what();
    diagnostic.allowed = "a YAML document following scenario-format.md";
    return Error::InvalidInput({diagnostic});
  }
}

Result<Scenario> ReadScenarioFile(const std::string& path, size_t max_input_bytes) {
  Result<std::string> text = ReadInputFile(path, max_input_bytes, "scenario file");
  if (!text.ok()) return text.error();
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  FileLoader loader = [folder,
                       max_input_bytes](const std::string& relative) -> Result<std::string> {
    return ReadInputFile((folder / relative).string(), max_input_bytes, "history file");
  };
  return ParseScenario(text.value(), path, loader);
}

}  // namespace tandem
