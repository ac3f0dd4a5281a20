#include "io/yaml_document.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "tandem/io/input_limits.h"

namespace tandem {
namespace {

// Limits that keep reading bounded whatever the input.
constexpr int kMaxNesting = kMaxNestingDepth;  // lists and maps, flow or block (input_limits.h)
// Values after expanding aliases: 200,000, or as many as the text has bytes. Without aliases a
// value takes at least a byte of text, so only aliases can go past it (an alias bomb expands
// exponentially); a large catalogue of plain values (100,000 offerings, docs/scale-out.md) is
// bounded by the input cap on bytes instead.
constexpr size_t kMaxExpandedNodes = 200000;

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

// A problem with the file as a whole.
Error WholeFileError(const std::string& file, int line, int column, std::string problem,
                     std::string allowed) {
  Diagnostic diagnostic;
  diagnostic.file = file;
  diagnostic.line = line;
  diagnostic.column = column;
  diagnostic.problem = std::move(problem);
  diagnostic.allowed = std::move(allowed);
  return Error::InvalidInput({diagnostic});
}

int LineOf(const YAML::Mark& mark) {
  return mark.is_null() ? 0 : mark.line + 1;
}
int ColumnOf(const YAML::Mark& mark) {
  return mark.is_null() ? 0 : mark.column + 1;
}

// What the parser found: where each document starts (at most kMaxDocuments of them) and, when
// there is exactly one, its root.
constexpr size_t kMaxDocuments = 3;
struct Documents {
  std::vector<YAML::Mark> starts;
  YAML::Node root;
};

// First a pass that only finds the documents, at most kMaxDocuments of them: yaml-cpp's
// LoadAll loops forever, allocating, on a ',' where a document should start (it never
// consumes the token). Then the one document is loaded. `flow` names the bracket a "flow not
// found" error is about.
Result<Documents> ParseDocuments(const std::string& buffer, const std::string& file,
                                 const FlowScan& flow) {
  DocumentStarts starts;
  Documents documents;
  try {
    std::istringstream stream(buffer);
    YAML::Parser parser(stream);
    while (starts.marks.size() < kMaxDocuments && parser.HandleNextDocument(starts)) {
    }
    if (starts.marks.size() == 1) documents.root = YAML::Load(buffer);
  } catch (const YAML::DeepRecursion& error) {
    return WholeFileError(file, LineOf(error.mark), ColumnOf(error.mark),
                          "lists and maps nested more than " + std::to_string(kMaxNesting) +
                              " deep (the YAML parser stopped at " + std::to_string(error.depth()) +
                              " levels)",
                          "a scenario as in scenario-format.md (it nests a few levels)");
  } catch (const YAML::Exception& error) {
    if (error.msg.find("flow not found") != std::string::npos && flow.unclosed_line > 0) {
      // yaml-cpp notices at the end of the file or the next block key; the cause is the bracket.
      const std::string bracket(1, flow.unclosed);
      return WholeFileError(
          file, flow.unclosed_line, flow.unclosed_column,
          "not valid YAML: this '" + bracket + "' is never closed (" + error.msg + ")",
          std::string("close it with '") + (flow.unclosed == '{' ? "}" : "]") +
              "' on the same line or a later one");
    }
    return WholeFileError(file, LineOf(error.mark), ColumnOf(error.mark),
                          "not valid YAML: " + error.msg,
                          "a YAML (or JSON) document, see scenario-format.md");
  }
  documents.starts = std::move(starts.marks);
  return documents;
}

// Exactly one document, and not an empty one.
std::optional<Error> CheckOneDocument(const Documents& documents, const std::string& buffer,
                                      const std::string& file) {
  const std::vector<YAML::Mark>& starts = documents.starts;
  if (starts.size() >= 3 && starts[1].pos == starts[2].pos) {
    // Documents that start where the previous one did: the parser is stuck on a token.
    const YAML::Mark& mark = starts[1];
    const size_t pos = mark.pos >= 0 ? static_cast<size_t>(mark.pos) : buffer.size();
    const std::string token = pos < buffer.size() ? std::string(1, buffer[pos]) : std::string("?");
    return WholeFileError(file, LineOf(mark), ColumnOf(mark),
                          "not valid YAML: unexpected '" + token + "'",
                          "a YAML (or JSON) document, see scenario-format.md");
  }
  if (starts.size() > 1) {
    const YAML::Mark& mark = starts[1];
    return WholeFileError(
        file, LineOf(mark), ColumnOf(mark),
        starts.size() >= kMaxDocuments
            ? std::string("the file holds several YAML documents (a '---' line starts another)")
            : "the file holds " + std::to_string(starts.size()) +
                  " YAML documents (a '---' line starts another)",
        "one scenario per file: remove the '---' line");
  }
  if (starts.empty() || !documents.root.IsDefined() || documents.root.IsNull()) {
    return EmptyDocument(file);
  }
  return std::nullopt;
}

}  // namespace

Result<YAML::Node> LoadOneYamlDocument(std::string_view text, const std::string& file) {
  // yaml-cpp parses nested collections recursively: refuse absurd nesting before it does.
  const FlowScan flow = ScanFlow(text, kMaxNesting);
  if (flow.too_deep_line > 0) return NestedTooDeep(file, flow.too_deep_line, flow.too_deep_column);
  const std::string buffer(text);
  Result<Documents> documents = ParseDocuments(buffer, file, flow);
  if (!documents.ok()) return documents.error();
  if (std::optional<Error> error = CheckOneDocument(documents.value(), buffer, file)) {
    return *error;
  }
  const YAML::Node& root = documents.value().root;
  const size_t max_values = std::max(kMaxExpandedNodes, text.size());
  const TreeShape shape = MeasureTree(root, max_values, kMaxNesting);
  if (shape.too_deep) {
    return NestedTooDeep(file, LineOf(shape.too_deep_mark), ColumnOf(shape.too_deep_mark));
  }
  if (!shape.within_budget) {
    return WholeFileError(file, 1, 1,
                          "more than " + std::to_string(max_values) +
                              " values (keys, list items and scalars, counting every use of an "
                              "alias *name as a copy)",
                          "a scenario of at most " + std::to_string(max_values) +
                              " values: split it, or use fewer aliases of large parts");
  }
  return root;
}

Error NestedTooDeep(const std::string& file, int line, int column) {
  return WholeFileError(file, line, column,
                        "lists and maps nested more than " + std::to_string(kMaxNesting) + " deep",
                        "a scenario as in scenario-format.md (it nests a few levels)");
}

Error EmptyDocument(const std::string& file) {
  return WholeFileError(file, 1, 1, "the file holds no scenario (it is empty)",
                        "a map of keys starting with tandem: 1, see scenario-format.md");
}

}  // namespace tandem
