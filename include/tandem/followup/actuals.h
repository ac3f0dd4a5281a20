// What actually happened, in memory: orders (with their fulfilment, return and stock
// timestamps), tickets and marketing spend (../shared/spec/follow-up.md, "Actuals files").
//
// io/actuals_csv.h fills an Actuals from CSV files (the CLI) or CSV text (the server); a
// server may equally fill one from its database. Offerings, resources and campaigns are
// indices into the scenario the actuals were read against. Times are local wall-clock seconds
// since 1970-01-01 00:00 (no zones, like the scenario); kNotYet marks an empty cell.
//
// Plain values; thread-compatible. Record ids live in arena strings (no allocation per record:
// a million orders are a few vectors).
#ifndef TANDEM_FOLLOWUP_ACTUALS_H_
#define TANDEM_FOLLOWUP_ACTUALS_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/common/date.h"

namespace tandem {

// Local wall-clock seconds since 1970-01-01 00:00.
using WallSeconds = int64_t;
inline constexpr WallSeconds kNotYet = std::numeric_limits<int64_t>::max();

inline WallSeconds WallSecondsOf(Date date, int64_t minute_of_day = 0) {
  return (static_cast<int64_t>(date.days_since_epoch()) * kMinutesPerDay + minute_of_day) * 60;
}
inline Date DateOfWallSeconds(WallSeconds seconds) {
  return Date::FromDays(
      static_cast<int32_t>((seconds >= 0 ? seconds : seconds - 86399) / 86400));  // floor division
}
// "2027-04-10T14:00" (":SS" added when not whole minutes).
std::string FormatWallSeconds(WallSeconds seconds);
// Strict "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS", a real date and time (HH < 24).
std::optional<WallSeconds> ParseWallSeconds(std::string_view text);

// A span of an id arena.
struct IdSpan {
  uint64_t begin = 0;
  uint32_t size = 0;
};

struct OrderRecord {
  IdSpan id;
  int offering = 0;
  int line = 0;  // in its file (1 = header)
  double units = 1;
  double price = -1;  // paid per unit; -1: the list price less the discount in force
  WallSeconds placed = 0;
  WallSeconds processed = kNotYet;  // its route finished
  WallSeconds delivered = kNotYet;  // it reached the customer
  WallSeconds returned = kNotYet;   // a return of it arrived
  double returned_units = 0;        // units returned (when `returned` is set)
  bool backordered = false;         // not served from stock at once
};

struct TicketRecord {
  IdSpan id;
  int resource = 0;  // a throughput resource
  int offering = -1;
  int line = 0;
  WallSeconds opened = 0;
  WallSeconds answered = kNotYet;  // first response
};

struct SpendRecord {
  int campaign = 0;
  Date date;
  double amount = 0;
  int line = 0;
};

struct Actuals {
  std::vector<OrderRecord> orders;  // file order
  std::vector<TicketRecord> tickets;
  std::vector<SpendRecord> spend;
  std::string order_ids;  // the ids of the orders, back to back
  std::string ticket_ids;
  // Which files were given (a missing file is no data, not zero data).
  bool has_orders = false;
  bool has_tickets = false;
  bool has_spend = false;

  std::string_view OrderId(const OrderRecord& order) const {
    return std::string_view(order_ids).substr(order.id.begin, order.id.size);
  }
  std::string_view TicketId(const TicketRecord& ticket) const {
    return std::string_view(ticket_ids).substr(ticket.id.begin, ticket.id.size);
  }
  // The latest time stamped anywhere in the actuals (the default as-of); nullopt when none.
  std::optional<WallSeconds> Latest() const;
};

}  // namespace tandem

#endif  // TANDEM_FOLLOWUP_ACTUALS_H_
