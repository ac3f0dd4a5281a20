// Edits to YAML text in place: a key of a mapping set to a new value, or an item appended to a
// sequence, changing only those bytes. Everything else (comments, key order, `mon-fri`,
// 300000 as written, quoting) is kept byte for byte. Positions come from yaml-cpp's marks.
//
// Values are given as YAML flow text ("48h", "[a, b]", "{start: 2027-04-10, end: ...}"); the
// caller renders them (scenario_writer.h: YamlNumber, YamlQuote). Pure functions; thread-safe.
#ifndef TANDEM_IO_YAML_EDIT_H_
#define TANDEM_IO_YAML_EDIT_H_

#include <string>
#include <variant>
#include <vector>

#include "tandem/common/result.h"

namespace tandem {

struct YamlEdit {
  enum class Op {
    kSet,     // `key` in the mapping at `path` gets `value` (added at the mapping's end if absent)
    kAppend,  // `value` is appended to the sequence under `key` (created if absent)
  };
  Op op = Op::kSet;
  std::vector<std::variant<std::string, int>> path;  // from the document root to a mapping
  std::string key;
  std::string value;  // YAML flow text
};

// Applies the edits in order. Errors (kInvalidInput, naming the path): the text does not
// parse, a path does not lead to a mapping, or a value is written in a form these edits do not
// rewrite (a multi-line or block scalar, an anchor or alias). The text is then left to the
// caller, who may write the document whole instead.
Result<std::string> EditYaml(const std::string& text, const std::vector<YamlEdit>& edits);

}  // namespace tandem

#endif  // TANDEM_IO_YAML_EDIT_H_
