// Expectations of the data-driven tests (test/scenarios/runner.cc for checks,
// test/scenarios/followup_runner.cc for follow-ups): paths into the JSON output and the
// operators on them.
//   <path> = <value>          exact (numbers within 1e-9; null, true, false, strings)
//   <path> ~ <value> <tol>    numbers within tol
//   <path> <= <value>, <path> >= <value>
//   <path> contains <text>    the string (or any element of an array) contains text
//   <path> size <n>           array size
// Paths: campaigns[0].promises[1].p_kept; [key=value] picks the first array element whose key
// has that value: campaigns[0].checks[type=space].peak_ratio.
#ifndef TANDEM_TEST_SCENARIOS_EXPECTATIONS_H_
#define TANDEM_TEST_SCENARIOS_EXPECTATIONS_H_

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace tandem::testing {

using Json = nlohmann::json;

inline std::string Trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

inline std::string Unquote(const std::string& text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
    return text.substr(1, text.size() - 2);
  return text;
}

// Resolves a path; nullptr when absent.
inline const Json* Resolve(const Json& root, const std::string& path, std::string* problem) {
  const Json* node = &root;
  size_t position = 0;
  while (position < path.size()) {
    if (path[position] == '.') {
      ++position;
      continue;
    }
    if (path[position] == '[') {
      const size_t close = path.find(']', position);
      const std::string inside = path.substr(position + 1, close - position - 1);
      position = close + 1;
      if (!node->is_array()) {
        *problem = "not an array before [" + inside + "]";
        return nullptr;
      }
      const size_t equals = inside.find('=');
      if (equals == std::string::npos) {
        const size_t index = std::stoul(inside);
        if (index >= node->size()) {
          *problem =
              "index " + inside + " out of range (size " + std::to_string(node->size()) + ")";
          return nullptr;
        }
        node = &(*node)[index];
      } else {
        const std::string key = inside.substr(0, equals);
        const std::string value = inside.substr(equals + 1);
        const Json* found = nullptr;
        for (const Json& element : *node) {
          if (element.contains(key) &&
              ((element[key].is_string() && element[key].get<std::string>() == value) ||
               (!element[key].is_string() && element[key].dump() == value))) {
            found = &element;
            break;
          }
        }
        if (found == nullptr) {
          *problem = "no element with " + inside;
          return nullptr;
        }
        node = found;
      }
      continue;
    }
    size_t end = path.find_first_of(".[", position);
    if (end == std::string::npos) end = path.size();
    const std::string key = path.substr(position, end - position);
    position = end;
    if (!node->is_object() || !node->contains(key)) {
      *problem = "no key '" + key + "'";
      return nullptr;
    }
    node = &(*node)[key];
  }
  return node;
}

inline bool Matches(const Json& actual, const std::string& expected_text) {
  const std::string expected = Unquote(expected_text);
  if (actual.is_string()) return actual.get<std::string>() == expected;
  if (actual.is_boolean())
    return (expected == "true") == actual.get<bool>() &&
           (expected == "true" || expected == "false");
  if (actual.is_null()) return expected == "null";
  if (actual.is_number()) {
    char* end = nullptr;
    const double value = std::strtod(expected.c_str(), &end);
    if (end == expected.c_str()) return false;
    return std::fabs(actual.get<double>() - value) <= 1e-9 * std::max(1.0, std::fabs(value));
  }
  return actual.dump() == expected;
}

inline bool Fail(std::string* failure, const std::string& text) {
  *failure = text;
  return false;
}

// Checks one expectation line "<path> <op> <value...>" against `output`; false with the problem.
inline bool CheckPath(const Json& output, const std::string& line, std::string* failure) {
  std::stringstream words(line);
  std::string first;
  words >> first;
  std::string op;
  words >> op;
  std::string rest;
  std::getline(words, rest);
  rest = Trim(rest);
  std::string problem;
  const Json* actual = Resolve(output, first, &problem);
  if (actual == nullptr) {
    *failure = problem;
    return false;
  }
  const std::string shown = actual->dump();
  if (op == "=") {
    if (!Matches(*actual, rest)) return Fail(failure, "actual " + shown);
  } else if (op == "~" || op == "<=" || op == ">=") {
    if (!actual->is_number()) {
      return Fail(failure, "not a number: " + shown);
    }
    std::stringstream numbers(rest);
    double value = 0;
    double tolerance = 0;
    numbers >> value >> tolerance;
    const double got = actual->get<double>();
    const bool ok = op == "~"    ? std::fabs(got - value) <= tolerance
                    : op == "<=" ? got <= value
                                 : got >= value;
    if (!ok) return Fail(failure, "actual " + shown);
  } else if (op == "contains") {
    const std::string needle = Unquote(rest);
    bool found = false;
    if (actual->is_string()) found = actual->get<std::string>().find(needle) != std::string::npos;
    if (actual->is_array()) {
      for (const Json& element : *actual) {
        found = found || (element.is_string() &&
                          element.get<std::string>().find(needle) != std::string::npos);
      }
    }
    if (!found) return Fail(failure, "actual " + shown);
  } else if (op == "size") {
    if (!actual->is_array() || actual->size() != std::stoul(rest))
      return Fail(failure, "actual " + shown);
  } else {
    return Fail(failure, "unknown operator '" + op + "'");
  }
  return true;
}

}  // namespace tandem::testing

#endif  // TANDEM_TEST_SCENARIOS_EXPECTATIONS_H_
