#include "io/node_reader.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>
#include <tuple>

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

constexpr size_t kMaxDiagnostics = 100;  // problems reported in one run
constexpr double kMaxMagnitude = 1e15;   // numbers beyond this only overflow the arithmetic

}  // namespace

std::pair<int, int> NodeReader::Place(const DocNode& node, const std::string& key) const {
  if (!node.IsDefined() || node.IsNull() || node.Place().line == 0) {
    auto found = key_marks_.find(key);
    if (found != key_marks_.end()) return found->second;
    if (!node.IsDefined() || node.Place().line == 0) return {0, 0};
  }
  const DocPlace place = node.Place();
  return {place.line, place.column};
}

void NodeReader::Problem(const DocNode& node, const std::string& key, std::string problem,
                         std::string allowed) {
  Diagnostic diagnostic;
  diagnostic.file = file_;
  std::tie(diagnostic.line, diagnostic.column) = Place(node, key);
  diagnostic.key = key;
  diagnostic.problem = std::move(problem);
  diagnostic.allowed = std::move(allowed);
  diagnostics_.push_back(std::move(diagnostic));
}

void NodeReader::Remember(const std::string& key, const DocNode& node) {
  const std::pair<int, int> place = Place(node, key);
  if (place.first > 0) marks_.emplace(key, place);
}

bool NodeReader::ExpectMap(const DocNode& node, const std::string& key, Keys allowed,
                           const std::string& what) {
  Remember(key, node);
  if (!node.IsMap()) {
    Problem(node, key, std::string("expected a map of keys, found ") + NodeKind(node),
            "a map with the keys " + JoinKeys(allowed));
    return false;
  }
  std::set<std::string> seen;
  for (const auto& [name_node, value] : node.Entries()) {
    if (!name_node.IsScalar()) {
      Problem(name_node, key,
              std::string("a key must be a plain name, found ") + NodeKind(name_node),
              "allowed keys here: " + JoinKeys(allowed));
      continue;
    }
    const std::string name = name_node.Scalar();
    const std::string child = key.empty() ? name : key + "." + name;
    const DocPlace place = name_node.Place();
    if (place.line > 0) key_marks_.emplace(child, std::make_pair(place.line, place.column));
    if (!seen.insert(name).second) {
      Problem(name_node, child, "duplicate key: '" + name + "' is given twice in this map",
              "each key once");
      continue;
    }
    bool known = false;
    for (const char* candidate : allowed) known = known || name == candidate;
    if (!known) {
      Problem(
          name_node, child,
          what.empty() ? "unknown key '" + name + "'" : "unknown key '" + name + "' for " + what,
          "allowed keys here: " + JoinKeys(allowed));
    }
  }
  return true;
}

std::string NodeReader::Shape(const DocNode& node) {
  if (node.IsSequence()) return "a list of " + std::to_string(node.size());
  return NodeKind(node);
}

std::string NodeReader::Child(const std::string& key, const char* name) {
  return key.empty() ? std::string(name) : key + "." + name;
}

std::string NodeReader::Index(const std::string& key, size_t index) {
  return key + "[" + std::to_string(index) + "]";
}

bool NodeReader::Scalar(const DocNode& node, const std::string& key, std::string* out,
                        const char* expected, const std::string& allowed) {
  Remember(key, node);
  if (!node.IsScalar()) {
    Problem(node, key, std::string("expected ") + expected + ", found " + NodeKind(node), allowed);
    return false;
  }
  *out = node.Scalar();
  return true;
}

bool NodeReader::Number(const DocNode& node, const std::string& key, double* out) {
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

bool NodeReader::NonNegative(const DocNode& node, const std::string& key, double* out) {
  double value = 0;
  if (!Number(node, key, &value)) return false;
  if (value < 0) {
    Problem(node, key, "must not be negative", "a number of 0 or more");
    return false;
  }
  *out = value;
  return true;
}

bool NodeReader::Share(const DocNode& node, const std::string& key, double* out) {
  double value = 0;
  if (!Number(node, key, &value)) return false;
  if (value < 0 || value > 1) {
    Problem(node, key, "must be a share", "a number from 0 to 1");
    return false;
  }
  *out = value;
  return true;
}

bool NodeReader::Integer(const DocNode& node, const std::string& key, int64_t min, int64_t max,
                         int64_t* out) {
  const std::string allowed =
      "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  std::string text;
  if (!Scalar(node, key, &text, "a whole number", allowed)) return false;
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  const bool digits = !text.empty() && text.find_first_not_of("0123456789+-") == std::string::npos;
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

bool NodeReader::Text(const DocNode& node, const std::string& key, std::string* out) {
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

bool NodeReader::Id(const DocNode& node, const std::string& key, std::string* out) {
  if (!Scalar(node, key, out, "an id", "an id: letters, digits, '-', '_' and '.'")) return false;
  const bool valid =
      !out->empty() &&
      out->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
          std::string::npos;
  if (!valid) {
    Problem(node, key, "'" + *out + "' is not a valid id",
            "letters, digits, '-', '_' and '.', not empty");
    return false;
  }
  return true;
}

bool NodeReader::Bool(const DocNode& node, const std::string& key, bool* out) {
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

bool NodeReader::ParseDate(const DocNode& node, const std::string& key, Date* out) {
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

bool NodeReader::ParseDuration(const DocNode& node, const std::string& key, Duration* out) {
  std::string text;
  if (!Scalar(node, key, &text, "a duration", "a number and a unit: 15m, 6h, 2d, 3w")) return false;
  const std::optional<Duration> duration = Duration::Parse(text);
  if (!duration) {
    Problem(node, key, "'" + text + "' is not a duration",
            "a number and a unit: 15m, 6h, 2d, 3w (whole minutes)");
    return false;
  }
  *out = *duration;
  return true;
}

bool NodeReader::ParseTime(const DocNode& node, const std::string& key, MinuteOfDay* out) {
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

bool NodeReader::IdList(const DocNode& node, const std::string& key,
                        std::vector<std::string>* out) {
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

bool NodeReader::DateRangeMap(const DocNode& node, const std::string& key, DateRange* out) {
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

void NodeReader::AttachMarks(std::vector<Diagnostic>* diagnostics) const {
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

// Problems in file order: the reader reports key checks before values, the validator check by
// check. A history file's problems stay together, at the place of their `history` key; problems
// without a place come last.
void NodeReader::SortByPlace(std::vector<Diagnostic>* diagnostics) const {
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

std::vector<Diagnostic> NodeReader::Capped(std::vector<Diagnostic> diagnostics) const {
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

Error NodeReader::Refusal(std::vector<Diagnostic> diagnostics) const {
  AttachMarks(&diagnostics);
  SortByPlace(&diagnostics);
  if (!has_lines_) {
    // A JSON document's places are ranks, not lines: the key path says where.
    for (Diagnostic& diagnostic : diagnostics) {
      if (diagnostic.file != file_) continue;
      diagnostic.line = 0;
      diagnostic.column = 0;
    }
  }
  return Error::InvalidInput(Capped(std::move(diagnostics)));
}

}  // namespace tandem
