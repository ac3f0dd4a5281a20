// Daily history files for baseline forecasts: CSV of `date,units`, one row per day.
// A header row ("date,units") is allowed. Private to the io module.
#ifndef TANDEM_SRC_IO_HISTORY_CSV_H_
#define TANDEM_SRC_IO_HISTORY_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "tandem/model/scenario.h"

namespace tandem {

struct HistoryProblem {
  int line = 0;  // 1-based
  std::string problem;
  std::string allowed;
};

// Parses the rows, sorted by date. Problems (bad dates, negative units, wrong column counts,
// duplicates, too few rows) are appended to `problems` in line order; rows with problems are
// skipped. The first line that is not blank or a comment ('#') may be a header. Never throws
// on any input; linear time (plus sorting).
std::vector<DailyObservation> ParseHistoryCsv(std::string_view text,
                                              std::vector<HistoryProblem>* found);

}  // namespace tandem

#endif  // TANDEM_SRC_IO_HISTORY_CSV_H_
