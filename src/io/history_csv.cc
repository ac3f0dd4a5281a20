#include "io/history_csv.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

namespace tandem {
namespace {

std::string Trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t' || text[begin] == '"')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r' ||
                         text[end - 1] == '"')) {
    --end;
  }
  return std::string(text.substr(begin, end - begin));
}

}  // namespace

std::vector<DailyObservation> ParseHistoryCsv(std::string_view text,
                                              std::vector<HistoryProblem>* found) {
  std::vector<HistoryProblem> local;
  std::vector<HistoryProblem>* problems = &local;
  std::vector<DailyObservation> rows;
  std::vector<int> row_lines;
  int line_number = 0;
  int last_content_line = 0;
  bool header_allowed = true;  // until the first line that is neither blank nor a comment
  size_t position = 0;
  while (position < text.size()) {
    size_t end = text.find('\n', position);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(position, end - position);
    position = end + 1;
    ++line_number;
    const std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    last_content_line = line_number;
    const bool may_be_header = header_allowed;
    header_allowed = false;
    const size_t columns = static_cast<size_t>(std::count(trimmed.begin(), trimmed.end(), ',')) + 1;
    if (columns != 2) {
      if (may_be_header && !Date::Parse(Trim(trimmed.substr(0, trimmed.find(','))))) continue;
      problems->push_back({line_number, "expected two columns, found " + std::to_string(columns),
                           "date,units e.g. 2026-03-01,1210"});
      continue;
    }
    const size_t comma = trimmed.find(',');
    const std::string date_text = Trim(std::string_view(trimmed).substr(0, comma));
    const std::string units_text = Trim(std::string_view(trimmed).substr(comma + 1));
    const std::optional<Date> date = Date::Parse(date_text);
    if (!date) {
      if (may_be_header) continue;  // a header row such as "date,units"
      problems->push_back({line_number, "'" + date_text + "' is not a real date",
                           "YYYY-MM-DD, a date that exists"});
      continue;
    }
    char* parse_end = nullptr;
    errno = 0;
    const double units = std::strtod(units_text.c_str(), &parse_end);
    const bool numeric_chars = units_text.find_first_not_of("0123456789+-.eE") == std::string::npos;
    if (units_text.empty() || !numeric_chars ||
        parse_end != units_text.c_str() + units_text.size() || errno == ERANGE ||
        !std::isfinite(units) || units < 0 || units > 1e15) {
      problems->push_back({line_number, "'" + units_text + "' is not a count of units",
                           "a number of 0 or more (up to 1e15)"});
      continue;
    }
    rows.push_back({*date, units});
    row_lines.push_back(line_number);
  }
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return rows[a].date < rows[b].date; });
  std::vector<DailyObservation> sorted;
  sorted.reserve(rows.size());
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t i = order[k];
    if (!sorted.empty() && sorted.back().date == rows[i].date) {
      problems->push_back(
          {row_lines[i], "date " + rows[i].date.ToString() + " appears twice", "one row per day"});
      continue;
    }
    sorted.push_back(rows[i]);
  }
  if (sorted.size() < 14 && problems->empty()) {
    problems->push_back({std::max(last_content_line, 1),
                         "only " + std::to_string(sorted.size()) + " days of history",
                         "at least 14 days (8 weeks or more for a trend)"});
  }
  // Problems in line order (duplicates are found after sorting by date).
  std::stable_sort(
      local.begin(), local.end(),
      [](const HistoryProblem& a, const HistoryProblem& b) { return a.line < b.line; });
  found->insert(found->end(), local.begin(), local.end());
  return sorted;
}

}  // namespace tandem
