// Reading typed values out of a scenario document (YAML text or an in-memory JSON value, both
// seen through DocNode), with a diagnostic for every problem: the file, the line and column (YAML
// text only), the key path ("offerings[0].price"), what is wrong and what is allowed. The base of
// the scenario reader (scenario_reader_sections.h). Private to the io module.
#ifndef TANDEM_SRC_IO_NODE_READER_H_
#define TANDEM_SRC_IO_NODE_READER_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "io/doc_node.h"
#include "tandem/common/date.h"
#include "tandem/common/duration.h"
#include "tandem/common/result.h"
#include "tandem/model/scenario.h"

namespace tandem {

// Each reading function checks one node (the value of the key path `key`), stores the value in
// `*out` when it is valid and returns whether it was; otherwise it records a problem. Not
// thread-safe: one reader per document.
class NodeReader {
 public:
  explicit NodeReader(std::string file) : file_(std::move(file)) {}

  // Whether the document has lines (YAML text). A JSON document's nodes are placed by their rank
  // in document order, which sorts its problems as the text of the same JSON would; the problems
  // then carry no line or column, only their key path.
  void set_has_lines(bool has_lines) { has_lines_ = has_lines; }

 protected:
  using Keys = std::initializer_list<const char*>;

  // --- diagnostics -------------------------------------------------------------------------
  // Where `node` (the value of `key`) is, 1-based; {0, 0} when unknown. An empty value
  // (`price:` with nothing after it) carries the mark of the next token, often on a later
  // line: such values are placed at their key instead.
  std::pair<int, int> Place(const DocNode& node, const std::string& key) const;
  void Problem(const DocNode& node, const std::string& key, std::string problem,
               std::string allowed = "");
  // A problem found elsewhere (a history file's rows), as it is.
  void AddDiagnostic(Diagnostic diagnostic) { diagnostics_.push_back(std::move(diagnostic)); }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  void Remember(const std::string& key, const DocNode& node);

  // Checks that `node` is a map whose keys are all in `allowed`, with no duplicates. `what`
  // names the thing the map describes in messages (e.g. "an availability promise").
  bool ExpectMap(const DocNode& node, const std::string& key, Keys allowed,
                 const std::string& what = "");

  // NodeKind, with a list's length.
  static std::string Shape(const DocNode& node);
  static std::string Child(const std::string& key, const char* name);
  static std::string Index(const std::string& key, size_t index);

  // --- scalars -----------------------------------------------------------------------------
  bool Scalar(const DocNode& node, const std::string& key, std::string* out, const char* expected,
              const std::string& allowed);
  bool Number(const DocNode& node, const std::string& key, double* out);
  bool NonNegative(const DocNode& node, const std::string& key, double* out);
  bool Share(const DocNode& node, const std::string& key, double* out);
  bool Integer(const DocNode& node, const std::string& key, int64_t min, int64_t max, int64_t* out);
  bool Text(const DocNode& node, const std::string& key, std::string* out);
  bool Id(const DocNode& node, const std::string& key, std::string* out);
  bool Bool(const DocNode& node, const std::string& key, bool* out);
  bool ParseDate(const DocNode& node, const std::string& key, Date* out);
  bool ParseDuration(const DocNode& node, const std::string& key, Duration* out);
  bool ParseTime(const DocNode& node, const std::string& key, MinuteOfDay* out);
  bool IdList(const DocNode& node, const std::string& key, std::vector<std::string>* out);
  bool DateRangeMap(const DocNode& node, const std::string& key, DateRange* out);

  // A list of items, each read by `read(item_node, item_key, &item)`; an empty value is an
  // empty list.
  template <typename T, typename Fn>
  void ReadList(const DocNode& node, const std::string& key, std::vector<T>* out, Fn read) {
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

  // The refusal of the document for `diagnostics` (the reader's own or the validator's): each
  // placed at its key or nearest ancestor seen, in file order, at most kMaxDiagnostics of them.
  Error Refusal(std::vector<Diagnostic> diagnostics) const;
  std::vector<Diagnostic> TakeDiagnostics() { return std::move(diagnostics_); }

  const std::string& file() const { return file_; }

 private:
  void AttachMarks(std::vector<Diagnostic>* diagnostics) const;
  // At most kMaxDiagnostics problems, then one line saying how many more there were.
  std::vector<Diagnostic> Capped(std::vector<Diagnostic> diagnostics) const;
  void SortByPlace(std::vector<Diagnostic>* diagnostics) const;

  std::string file_;
  bool has_lines_ = true;
  std::vector<Diagnostic> diagnostics_;
  std::map<std::string, std::pair<int, int>> marks_;      // key path -> where its value is
  std::map<std::string, std::pair<int, int>> key_marks_;  // key path -> where the key is
};

}  // namespace tandem

#endif  // TANDEM_SRC_IO_NODE_READER_H_
