// libFuzzer target: history CSV text -> ParseHistoryCsv.
//
// Whatever the input, the parser must return normally (the build has ASan and UBSan) with
// rows strictly in date order, counts that are finite and not negative, and problems that
// point at a line of the input and say what is wrong.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "io/history_csv.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "history_csv_fuzzer: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<tandem::HistoryProblem> problems;
  const std::vector<tandem::DailyObservation> rows = tandem::ParseHistoryCsv(text, &problems);
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!std::isfinite(rows[i].units) || rows[i].units < 0) {
      Fail("a row with a count that is not finite and non-negative", rows[i].date.ToString());
    }
    if (i > 0 && !(rows[i - 1].date < rows[i].date)) {
      Fail("rows not strictly in date order",
           rows[i - 1].date.ToString() + " then " + rows[i].date.ToString());
    }
  }
  for (const tandem::HistoryProblem& problem : problems) {
    if (problem.problem.empty() || problem.line < 1 || problem.line > lines) {
      Fail("a problem without text or outside the input",
           std::to_string(problem.line) + ": " + problem.problem);
    }
  }
  return 0;
}
