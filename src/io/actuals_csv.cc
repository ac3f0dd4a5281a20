#include "tandem/io/actuals_csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <unordered_map>

#include "io/csv_reader.h"

namespace tandem {
namespace {

constexpr size_t kMostProblems = 100;
constexpr int64_t kMostUnits = 1000000000;

// Problems of one file, in line order, at most kMostProblems and then a count.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void Add(int line, std::string_view key, std::string problem, std::string allowed) {
    if (list_.size() >= kMostProblems) {
      ++more_;
      return;
    }
    Diagnostic diagnostic;
    diagnostic.file = file_;
    diagnostic.line = line;
    diagnostic.key = std::string(key);
    diagnostic.problem = std::move(problem);
    diagnostic.allowed = std::move(allowed);
    list_.push_back(std::move(diagnostic));
  }
  bool any() const { return !list_.empty(); }
  std::vector<Diagnostic> Take() {
    std::stable_sort(list_.begin(), list_.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
    if (more_ > 0) {
      Diagnostic diagnostic;
      diagnostic.file = file_;
      diagnostic.problem = "and " + std::to_string(more_) + " more problems";
      list_.push_back(std::move(diagnostic));
    }
    return std::move(list_);
  }

 private:
  std::string file_;
  std::vector<Diagnostic> list_;
  int64_t more_ = 0;
};

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string Quoted(std::string_view text) {
  constexpr size_t kShown = 60;
  if (text.size() > kShown) return "'" + std::string(text.substr(0, kShown)) + "...'";
  return "'" + std::string(text) + "'";
}

// Ids of the scenario (views into it) to their index.
class IdIndex {
 public:
  template <typename T>
  explicit IdIndex(const std::vector<T>& items, bool (*keep)(const T&) = nullptr) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (keep != nullptr && !keep(items[i])) continue;
      index_.emplace(std::string_view(items[i].id), static_cast<int>(i));
      names_ += (names_.empty() ? "" : ", ") + items[i].id;
    }
  }
  int Find(std::string_view id) const {
    const auto found = index_.find(id);
    return found == index_.end() ? -1 : found->second;
  }
  const std::string& names() const { return names_; }

 private:
  std::unordered_map<std::string_view, int> index_;
  std::string names_;
};

bool IsThroughput(const Resource& resource) {
  return resource.kind == ResourceKind::kThroughput;
}

bool ParseWhole(std::string_view text, int64_t* out) {
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, *out);
  return error == std::errc() && stop == end;
}

bool ParseNumber(std::string_view text, double* out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, *out);
  return error == std::errc() && stop == end && std::isfinite(*out) && std::fabs(*out) <= 1e15;
}

struct Column {
  const char* name;
  bool required;
};

// One field of a CSV row, quoted (RFC 4180) only when it holds a comma, a quote or a line break.
void AppendCsvField(std::string_view field, std::string* row) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    *row += field;
    return;
  }
  *row += '"';
  for (char c : field) {
    if (c == '"') *row += '"';
    *row += c;
  }
  *row += '"';
}

// The columns of each file, in the order ActualsColumns and the canonical rows use.
const std::vector<Column>& ColumnsOf(ActualsFile kind) {
  static const std::vector<Column> kOrders = {
      {"order", true},     {"offering", true},       {"placed", true},     {"units", false},
      {"price", false},    {"processed", false},     {"delivered", false}, {"backordered", false},
      {"returned", false}, {"returned_units", false}};
  static const std::vector<Column> kTickets = {{"ticket", true},
                                               {"resource", true},
                                               {"opened", true},
                                               {"answered", false},
                                               {"offering", false}};
  static const std::vector<Column> kSpend = {{"campaign", true}, {"date", true}, {"amount", true}};
  switch (kind) {
    case ActualsFile::kOrders:
      return kOrders;
    case ActualsFile::kTickets:
      return kTickets;
    case ActualsFile::kSpend:
      return kSpend;
  }
  return kSpend;
}

// The header: which field holds each known column (-1: absent). False when unusable.
bool ReadHeader(CsvReader* reader, const std::vector<Column>& known, Problems* problems,
                std::vector<int>* where, size_t* width) {
  std::vector<std::string_view> fields;
  int line = 1;
  std::string problem;
  where->assign(known.size(), -1);
  if (!reader->Next(&fields, &line, &problem)) {
    problems->Add(line, "", problem.empty() ? "no header row" : problem,
                  "a header row naming the columns");
    return false;
  }
  std::string allowed = "columns ";
  for (size_t k = 0; k < known.size(); ++k)
    allowed += (k > 0 ? ", " : "") + std::string(known[k].name);
  bool ok = true;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string_view name = Trim(fields[i]);
    size_t k = 0;
    while (k < known.size() && name != known[k].name) ++k;
    if (k == known.size()) {
      problems->Add(line, name, "unknown column " + Quoted(name), allowed);
      ok = false;
    } else if ((*where)[k] >= 0) {
      problems->Add(line, name, "the column appears twice", "each column once");
      ok = false;
    } else {
      (*where)[k] = static_cast<int>(i);
    }
  }
  for (size_t k = 0; k < known.size(); ++k) {
    if (known[k].required && (*where)[k] < 0) {
      problems->Add(line, known[k].name, "the required column is missing", allowed);
      ok = false;
    }
  }
  *width = fields.size();
  return ok;
}

// Rows of a file, fields by known column (empty view when the column is absent).
template <typename RowFunction>
void ReadRows(CsvReader* reader, const std::vector<Column>& known, Problems* problems,
              RowFunction row) {
  std::vector<int> where;
  size_t width = 0;
  if (!ReadHeader(reader, known, problems, &where, &width)) return;
  std::vector<std::string_view> fields;
  std::vector<std::string_view> cells(known.size());
  int line = 0;
  std::string problem;
  while (reader->Next(&fields, &line, &problem)) {
    if (fields.size() != width) {
      problems->Add(
          line, "",
          std::to_string(fields.size()) + " fields where the header has " + std::to_string(width),
          "one field per column (quote fields that hold commas)");
      continue;
    }
    for (size_t k = 0; k < known.size(); ++k)
      cells[k] = where[k] < 0 ? std::string_view() : Trim(fields[static_cast<size_t>(where[k])]);
    row(cells, line);
  }
  if (!problem.empty()) problems->Add(line, "", problem, "CSV as RFC 4180");
}

// Checks and readers shared by the three files.
class Cells {
 public:
  Cells(const Scenario& scenario, Problems* problems)
      : problems_(problems),
        horizon_from_(WallSecondsOf(scenario.horizon.start)),
        horizon_to_(WallSecondsOf(scenario.horizon.end + 1)) {}

  // A time that must be given.
  bool Time(std::string_view text, int line, const char* column, WallSeconds* out) {
    if (text.empty()) {
      problems_->Add(line, column, "empty", "a time, YYYY-MM-DDTHH:MM");
      return false;
    }
    return OptionalTime(text, line, column, out);
  }
  // A time, or empty for "not yet" (kNotYet).
  bool OptionalTime(std::string_view text, int line, const char* column, WallSeconds* out) {
    if (text.empty()) {
      *out = kNotYet;
      return true;
    }
    const std::optional<WallSeconds> parsed = ParseWallSeconds(text);
    if (!parsed) {
      problems_->Add(line, column, Quoted(text) + " is not a time",
                     "YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS, a date and time that exist");
      return false;
    }
    *out = *parsed;
    return true;
  }
  bool InHorizon(WallSeconds time, int line, const char* column) {
    if (time >= horizon_from_ && time < horizon_to_) return true;
    problems_->Add(line, column, FormatWallSeconds(time) + " is outside the scenario's horizon",
                   "from " + FormatWallSeconds(horizon_from_) + " to before " +
                       FormatWallSeconds(horizon_to_));
    return false;
  }
  bool NotBefore(WallSeconds later, const char* later_column, WallSeconds earlier,
                 const char* earlier_column, int line) {
    if (later == kNotYet || earlier == kNotYet || later >= earlier) return true;
    problems_->Add(line, later_column,
                   FormatWallSeconds(later) + " is before " + earlier_column + " (" +
                       FormatWallSeconds(earlier) + ")",
                   std::string("at or after ") + earlier_column + ", or empty for not yet");
    return false;
  }
  bool Count(std::string_view text, int line, const char* column, int64_t most, double* out) {
    int64_t value = 0;
    if (!ParseWhole(text, &value) || value < 1 || value > most) {
      problems_->Add(line, column, Quoted(text) + " is not a count",
                     "a whole number from 1 to " + std::to_string(most));
      return false;
    }
    *out = static_cast<double>(value);
    return true;
  }
  bool Amount(std::string_view text, int line, const char* column, const char* allowed,
              double* out) {
    if (!ParseNumber(text, out) || *out < 0) {
      problems_->Add(line, column, Quoted(text) + " is not an amount", allowed);
      return false;
    }
    return true;
  }
  Problems* problems() { return problems_; }

 private:
  Problems* problems_;
  WallSeconds horizon_from_;
  WallSeconds horizon_to_;
};

// Ids must be unique in their file: the later row of a repeated id is the problem. Rows are
// sorted by a hash of their id (integers: a million ids in a fraction of the time string sorting
// takes), and only rows with equal hashes compare their ids.
template <typename Record>
void CheckUniqueIds(const std::vector<Record>& records, const std::string& arena,
                    const char* column, Problems* problems) {
  auto id = [&](uint32_t i) {
    return std::string_view(arena).substr(records[i].id.begin, records[i].id.size);
  };
  std::vector<std::pair<uint64_t, uint32_t>> order(records.size());
  const std::hash<std::string_view> hash;
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = {hash(id(i)), i};
  std::sort(order.begin(), order.end());
  for (size_t run = 0; run < order.size();) {
    size_t end = run + 1;
    while (end < order.size() && order[end].first == order[run].first) ++end;
    for (size_t k = run + 1; k < end; ++k) {  // rows in file order within the run
      for (size_t first = run; first < k; ++first) {
        if (id(order[first].second) != id(order[k].second)) continue;
        problems->Add(records[order[k].second].line, column,
                      Quoted(id(order[k].second)) + " appears again (first on line " +
                          std::to_string(records[order[first].second].line) + ")",
                      "ids are unique in the file");
        break;
      }
    }
    run = end;
  }
}

IdSpan Append(std::string_view id, std::string* arena) {
  IdSpan span{arena->size(), static_cast<uint32_t>(id.size())};
  arena->append(id);
  return span;
}

void ReadOrders(CsvReader* reader, const Scenario& scenario, Problems* problems,
                std::vector<OrderRecord>* out, std::string* arena) {
  const std::vector<Column>& kColumns = ColumnsOf(ActualsFile::kOrders);
  const IdIndex offerings(scenario.offerings);
  Cells cells(scenario, problems);
  ReadRows(reader, kColumns, problems, [&](const std::vector<std::string_view>& cell, int line) {
    OrderRecord order;
    order.line = line;
    bool ok = true;
    if (cell[0].empty()) {
      problems->Add(line, "order", "empty", "an id, unique in the file");
      ok = false;
    }
    order.offering = offerings.Find(cell[1]);
    if (order.offering < 0) {
      problems->Add(line, "offering", Quoted(cell[1]) + " is not an offering of the scenario",
                    "one of " + offerings.names());
      ok = false;
    }
    ok = cells.Time(cell[2], line, "placed", &order.placed) &&
         cells.InHorizon(order.placed, line, "placed") && ok;
    if (!cell[3].empty()) ok = cells.Count(cell[3], line, "units", kMostUnits, &order.units) && ok;
    if (!cell[4].empty()) {
      ok = cells.Amount(cell[4], line, "price",
                        "a price of 0 or more per unit, or empty for the list price less the "
                        "discount in force",
                        &order.price) &&
           ok;
    }
    bool times = cells.OptionalTime(cell[5], line, "processed", &order.processed);
    times = cells.OptionalTime(cell[6], line, "delivered", &order.delivered) && times;
    times = cells.OptionalTime(cell[8], line, "returned", &order.returned) && times;
    ok = times && ok;
    if (times) {
      ok = cells.NotBefore(order.processed, "processed", order.placed, "placed", line) && ok;
      ok = cells.NotBefore(order.delivered, "delivered", order.placed, "placed", line) && ok;
      ok = cells.NotBefore(order.delivered, "delivered", order.processed, "processed", line) && ok;
      const bool delivered = order.delivered != kNotYet;
      ok = cells.NotBefore(order.returned, "returned", delivered ? order.delivered : order.placed,
                           delivered ? "delivered" : "placed", line) &&
           ok;
    }
    if (cell[7] == "true" || cell[7] == "TRUE" || cell[7] == "True") {
      order.backordered = true;
    } else if (!(cell[7].empty() || cell[7] == "false" || cell[7] == "FALSE" ||
                 cell[7] == "False")) {
      problems->Add(line, "backordered", Quoted(cell[7]) + " is not true or false",
                    "true, false, or empty for false");
      ok = false;
    }
    if (!cell[9].empty()) {
      if (cells.Count(cell[9], line, "returned_units", kMostUnits, &order.returned_units)) {
        if (order.returned == kNotYet) {
          problems->Add(line, "returned_units", "given without a returned time",
                        "returned_units with returned, or empty");
          ok = false;
        } else if (order.returned_units > order.units) {
          problems->Add(
              line, "returned_units", "more than the order's units",
              "at most units (" + std::to_string(static_cast<int64_t>(order.units)) + ")");
          ok = false;
        }
      } else {
        ok = false;
      }
    } else if (order.returned != kNotYet) {
      order.returned_units = order.units;
    }
    if (!ok || problems->any()) return;  // after the first problem only problems are collected
    order.id = Append(cell[0], arena);
    out->push_back(order);
  });
  if (!problems->any()) CheckUniqueIds(*out, *arena, "order", problems);
}

void ReadTickets(CsvReader* reader, const Scenario& scenario, Problems* problems,
                 std::vector<TicketRecord>* out, std::string* arena) {
  const std::vector<Column>& kColumns = ColumnsOf(ActualsFile::kTickets);
  const IdIndex resources(scenario.resources, &IsThroughput);
  const IdIndex offerings(scenario.offerings);
  Cells cells(scenario, problems);
  ReadRows(reader, kColumns, problems, [&](const std::vector<std::string_view>& cell, int line) {
    TicketRecord ticket;
    ticket.line = line;
    bool ok = true;
    if (cell[0].empty()) {
      problems->Add(line, "ticket", "empty", "an id, unique in the file");
      ok = false;
    }
    ticket.resource = resources.Find(cell[1]);
    if (ticket.resource < 0) {
      problems->Add(line, "resource",
                    Quoted(cell[1]) + " is not a throughput resource of the scenario",
                    "one of " + resources.names());
      ok = false;
    }
    ok = cells.Time(cell[2], line, "opened", &ticket.opened) &&
         cells.InHorizon(ticket.opened, line, "opened") && ok;
    if (cells.OptionalTime(cell[3], line, "answered", &ticket.answered)) {
      ok = cells.NotBefore(ticket.answered, "answered", ticket.opened, "opened", line) && ok;
    } else {
      ok = false;
    }
    if (!cell[4].empty()) {
      ticket.offering = offerings.Find(cell[4]);
      if (ticket.offering < 0) {
        problems->Add(line, "offering", Quoted(cell[4]) + " is not an offering of the scenario",
                      "one of " + offerings.names() + ", or empty");
        ok = false;
      }
    }
    if (!ok || problems->any()) return;
    ticket.id = Append(cell[0], arena);
    out->push_back(ticket);
  });
  if (!problems->any()) CheckUniqueIds(*out, *arena, "ticket", problems);
}

void ReadSpend(CsvReader* reader, const Scenario& scenario, Problems* problems,
               std::vector<SpendRecord>* out) {
  const std::vector<Column>& kColumns = ColumnsOf(ActualsFile::kSpend);
  const IdIndex campaigns(scenario.campaigns);
  Cells cells(scenario, problems);
  ReadRows(reader, kColumns, problems, [&](const std::vector<std::string_view>& cell, int line) {
    SpendRecord spend;
    spend.line = line;
    bool ok = true;
    spend.campaign = campaigns.Find(cell[0]);
    if (spend.campaign < 0) {
      problems->Add(line, "campaign", Quoted(cell[0]) + " is not a campaign of the scenario",
                    "one of " + campaigns.names());
      ok = false;
    }
    const std::optional<Date> date = Date::Parse(cell[1]);
    if (!date) {
      problems->Add(line, "date", Quoted(cell[1]) + " is not a date",
                    "YYYY-MM-DD, a date that exists");
      ok = false;
    } else {
      spend.date = *date;
    }
    ok = cells.Amount(cell[2], line, "amount", "an amount of money of 0 or more", &spend.amount) &&
         ok;
    if (!ok || problems->any()) return;
    out->push_back(spend);
  });
}

// Reads one kind from `reader` into the matching part of `actuals` (only if no problem).
// `bytes` (the input's size, when known) sizes the vectors once: a year of orders then grows
// no vector by copying.
void ReadKind(ActualsFile kind, CsvReader* reader, const Scenario& scenario, Problems* problems,
              Actuals* actuals, size_t bytes) {
  constexpr size_t kShortestRow = 48;  // bytes of a typical short row: over-reserves a little
  switch (kind) {
    case ActualsFile::kOrders: {
      std::vector<OrderRecord> orders;
      std::string ids;
      orders.reserve(bytes / kShortestRow);
      ids.reserve(bytes / 8);
      ReadOrders(reader, scenario, problems, &orders, &ids);
      if (problems->any()) return;
      actuals->orders = std::move(orders);
      actuals->order_ids = std::move(ids);
      actuals->has_orders = true;
      return;
    }
    case ActualsFile::kTickets: {
      std::vector<TicketRecord> tickets;
      std::string ids;
      tickets.reserve(bytes / kShortestRow);
      ids.reserve(bytes / 8);
      ReadTickets(reader, scenario, problems, &tickets, &ids);
      if (problems->any()) return;
      actuals->tickets = std::move(tickets);
      actuals->ticket_ids = std::move(ids);
      actuals->has_tickets = true;
      return;
    }
    case ActualsFile::kSpend: {
      std::vector<SpendRecord> spend;
      ReadSpend(reader, scenario, problems, &spend);
      if (problems->any()) return;
      actuals->spend = std::move(spend);
      actuals->has_spend = true;
      return;
    }
  }
}

}  // namespace

const char* ActualsFileName(ActualsFile kind) {
  switch (kind) {
    case ActualsFile::kOrders:
      return "orders.csv";
    case ActualsFile::kTickets:
      return "tickets.csv";
    case ActualsFile::kSpend:
      return "spend.csv";
  }
  return "?";
}

Status ParseActualsCsv(ActualsFile kind, std::string_view text, const std::string& display_name,
                       const Scenario& scenario, Actuals* actuals) {
  try {
    CsvReader reader(text);
    Problems problems(display_name);
    Actuals parsed;
    ReadKind(kind, &reader, scenario, &problems, &parsed, text.size());
    if (problems.any()) return Error::InvalidInput(problems.Take());
    switch (kind) {
      case ActualsFile::kOrders:
        actuals->orders = std::move(parsed.orders);
        actuals->order_ids = std::move(parsed.order_ids);
        actuals->has_orders = true;
        break;
      case ActualsFile::kTickets:
        actuals->tickets = std::move(parsed.tickets);
        actuals->ticket_ids = std::move(parsed.ticket_ids);
        actuals->has_tickets = true;
        break;
      case ActualsFile::kSpend:
        actuals->spend = std::move(parsed.spend);
        actuals->has_spend = true;
        break;
    }
    return OkStatus();
  } catch (const std::bad_alloc&) {
    return Error::Internal("out of memory reading " + display_name);
  }
}

std::vector<std::string> ActualsColumns(ActualsFile kind) {
  std::vector<std::string> names;
  for (const Column& column : ColumnsOf(kind)) names.emplace_back(column.name);
  return names;
}

Result<std::vector<ActualsRow>> SplitActualsCsv(ActualsFile kind, std::string_view text,
                                                const std::string& display_name,
                                                const Scenario& scenario) {
  Actuals scratch;
  Status parsed = ParseActualsCsv(kind, text, display_name, scenario, &scratch);
  if (!parsed.ok()) return parsed.error();
  try {
    CsvReader reader(text);
    Problems problems(display_name);
    std::vector<ActualsRow> rows;
    std::unordered_map<std::string, int> first_line;  // spend: (campaign, date) to its line
    ReadRows(&reader, ColumnsOf(kind), &problems,
             [&](const std::vector<std::string_view>& cells, int line) {
               ActualsRow row;
               row.line = line;
               row.key = kind == ActualsFile::kSpend
                             ? std::string(cells[0]) + " " + std::string(cells[1])
                             : std::string(cells[0]);
               for (size_t k = 0; k < cells.size(); ++k) {
                 if (k > 0) row.csv += ',';
                 AppendCsvField(cells[k], &row.csv);
               }
               if (kind == ActualsFile::kSpend) {
                 const auto [at, added] = first_line.emplace(row.key, line);
                 if (!added) {
                   problems.Add(line, "date",
                                "campaign " + Quoted(cells[0]) + " has spend on " +
                                    std::string(cells[1]) + " already (line " +
                                    std::to_string(at->second) + ")",
                                "one row per campaign and date (an upload replaces the stored "
                                "amount of that campaign and date)");
                 }
               }
               rows.push_back(std::move(row));
             });
    if (problems.any()) return Error::InvalidInput(problems.Take());
    return rows;
  } catch (const std::bad_alloc&) {
    return Error::Internal("out of memory reading " + display_name);
  }
}

Result<Actuals> ReadActualsFolder(const std::string& dir, const Scenario& scenario) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error))
    return Error::Io(dir + ": not a folder of actuals (orders.csv, tickets.csv, spend.csv)");
  try {
    Actuals actuals;
    std::vector<Diagnostic> diagnostics;
    for (ActualsFile kind : {ActualsFile::kOrders, ActualsFile::kTickets, ActualsFile::kSpend}) {
      const std::string path = (std::filesystem::path(dir) / ActualsFileName(kind)).string();
      if (!std::filesystem::exists(path, error)) continue;
      CsvReader reader = CsvReader::OpenFile(path);
      if (!reader.ok()) return Error::Io(reader.error());
      Problems problems(path);
      const uintmax_t bytes = std::filesystem::file_size(path, error);
      ReadKind(kind, &reader, scenario, &problems, &actuals,
               error ? 0 : static_cast<size_t>(std::min<uintmax_t>(bytes, uintmax_t{1} << 40)));
      std::vector<Diagnostic> found = problems.Take();
      diagnostics.insert(diagnostics.end(), found.begin(), found.end());
    }
    if (!diagnostics.empty()) return Error::InvalidInput(std::move(diagnostics));
    return actuals;
  } catch (const std::bad_alloc&) {
    return Error::Internal("out of memory reading the actuals in " + dir);
  }
}

}  // namespace tandem
