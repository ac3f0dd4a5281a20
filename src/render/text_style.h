// The look of the text reports: ANSI styles for terminals and word wrapping. Private to the render
// module (check and follow-up reports).
#ifndef TANDEM_SRC_RENDER_TEXT_STYLE_H_
#define TANDEM_SRC_RENDER_TEXT_STYLE_H_

#include <cctype>
#include <string>

#include "tandem/common/format.h"
#include "tandem/engine/check_result.h"

namespace tandem {

// Styles text when `color` (a terminal without NO_COLOR).
class Painter {
 public:
  explicit Painter(bool color) : color_(color) {}
  std::string Bold(const std::string& text) const {
    return color_ ? "\033[1m" + text + "\033[0m" : text;
  }
  std::string Dim(const std::string& text) const {
    return color_ ? "\033[2m" + text + "\033[0m" : text;
  }
  std::string Verdict(Verdict verdict) const {
    std::string word = VerdictName(verdict);
    for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!color_) return word;
    const char* code = verdict == Verdict::kGo       ? "\033[1;32m"
                       : verdict == Verdict::kAtRisk ? "\033[1;33m"
                                                     : "\033[1;31m";
    return code + word + "\033[0m";
  }
  std::string Status(PromiseStatus status, const std::string& padded) const {
    if (!color_) return padded;
    const char* code = status == PromiseStatus::kKept     ? "\033[32m"
                       : status == PromiseStatus::kAtRisk ? "\033[33m"
                                                          : "\033[31m";
    return code + padded + "\033[0m";
  }

 private:
  bool color_;
};

// Wraps `text` at `width` columns, each line indented by `indent` spaces.
inline std::string Wrap(const std::string& text, size_t width, size_t indent) {
  std::string out;
  for (const std::string& line : WrapWords(text, width)) {
    out += std::string(indent, ' ') + line + "\n";
  }
  return out;
}

}  // namespace tandem

#endif  // TANDEM_SRC_RENDER_TEXT_STYLE_H_
