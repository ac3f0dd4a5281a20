// libFuzzer target: scenario text -> ParseScenario (which validates) -> ValidateScenario.
//
// Whatever the input, ParseScenario must return normally (no crash, hang, leak or undefined
// behaviour: the build has ASan and UBSan) and either a scenario that validates cleanly, or
// an invalid-input error that says what is wrong. History files are refused by the loader, so
// the fuzzer sees the reader's handling of that error too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/io/scenario_reader.h"
#include "tandem/model/validate.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "scenario_reader_fuzzer: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const tandem::FileLoader loader = [](const std::string& path) -> tandem::Result<std::string> {
    return tandem::Error::Io("fuzzing reads no files: " + path);
  };
  const tandem::Result<tandem::Scenario> result = tandem::ParseScenario(text, "fuzz.yaml", loader);
  if (!result.ok()) {
    const tandem::Error& error = result.error();
    if (error.code != tandem::ErrorCode::kInvalidInput) {
      Fail("a parse error that is not kInvalidInput", error.ToString());
    }
    if (error.diagnostics.empty() && error.message.empty()) {
      Fail("an invalid-input error with no diagnostics and no message", "");
    }
    for (const tandem::Diagnostic& diagnostic : error.diagnostics) {
      if (diagnostic.problem.empty() || diagnostic.file.empty() || diagnostic.line < 0 ||
          diagnostic.column < 0) {
        Fail("a diagnostic without a problem, a file or a valid place", diagnostic.ToString());
      }
    }
    (void)error.ToString();
    return 0;
  }
  const std::vector<tandem::Diagnostic> problems = tandem::ValidateScenario(result.value());
  if (!problems.empty()) {
    Fail("ParseScenario returned a scenario that ValidateScenario rejects",
         tandem::Error::InvalidInput(problems).ToString());
  }
  return 0;
}
