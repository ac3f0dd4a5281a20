// Reading actuals (../shared/spec/follow-up.md, "Actuals files"): orders.csv, tickets.csv and
// spend.csv, against the scenario they follow up.
//
// Columns come in any order; a required column missing, an unknown or repeated column, and
// every bad cell are input errors, reported as "file:line: column: what is wrong; what is
// allowed" (at most 100, then how many more). A file with any problem yields no data: nothing
// is ever half-imported. Checked per row: ids unique in their file; offerings, resources and
// campaigns known to the scenario; times that exist ("YYYY-MM-DDTHH:MM[:SS]"); an order placed
// within the scenario's horizon; `processed` and `delivered` not before `placed`, `delivered`
// not before `processed`, `returned` not before delivery (or placement); `answered` not before
// `opened`; counts positive whole numbers, `returned_units` at most `units`; prices and amounts
// not negative.
//
// Files are streamed (a mebibyte at a time, fields parsed in place): a million orders read in
// about a second (docs/performance.md). Any input is safe: a result or an error, never a crash.
// Reentrant; no shared state.
#ifndef TANDEM_IO_ACTUALS_CSV_H_
#define TANDEM_IO_ACTUALS_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "tandem/common/result.h"
#include "tandem/followup/actuals.h"
#include "tandem/model/scenario.h"

namespace tandem {

enum class ActualsFile { kOrders, kTickets, kSpend };
const char* ActualsFileName(ActualsFile kind);  // "orders.csv", "tickets.csv", "spend.csv"

// Reads the files present in folder `dir` (each optional; other files are ignored). Errors:
// kIo when `dir` is not a readable folder, kInvalidInput with every problem found.
Result<Actuals> ReadActualsFolder(const std::string& dir, const Scenario& scenario);

// Parses one file's text (e.g. an upload) into `actuals`, replacing that kind's records;
// `display_name` names it in diagnostics. On error `actuals` is unchanged.
Status ParseActualsCsv(ActualsFile kind, std::string_view text, const std::string& display_name,
                       const Scenario& scenario, Actuals* actuals);

// One record of an actuals file as a store that keeps actuals row by row (the server) holds it:
// `key` identifies it (orders: the order id, tickets: the ticket id, spend: "CAMPAIGN DATE"),
// `csv` is the record as one CSV line (no line end) in ActualsColumns(kind) order, an empty
// field for a column the file did not have. A file of ActualsColumns as its header and such
// lines reads back as the same records.
struct ActualsRow {
  std::string key;
  std::string csv;
  int line = 0;  // in the text it came from
};

// The columns of a file in canonical order (its header: joined with commas).
std::vector<std::string> ActualsColumns(ActualsFile kind);

// Checks `text` like ParseActualsCsv and returns its records as rows, in file order. Spend has
// no id column: a campaign and date given twice in one text is refused too (an upsert by that
// pair could not say which amount is meant). Errors as ParseActualsCsv; nothing on error.
Result<std::vector<ActualsRow>> SplitActualsCsv(ActualsFile kind, std::string_view text,
                                                const std::string& display_name,
                                                const Scenario& scenario);

}  // namespace tandem

#endif  // TANDEM_IO_ACTUALS_CSV_H_
