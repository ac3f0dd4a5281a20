// Calendar dates and times of day, in local wall-clock time.
//
// Version 1 of the scenario format has no time zones and no DST: every day has 24 hours.
// A Date is a count of days since 1970-01-01 (proleptic Gregorian), so date arithmetic is
// integer arithmetic. Thread safety: plain values.
#ifndef TANDEM_COMMON_DATE_H_
#define TANDEM_COMMON_DATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tandem {

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date FromDays(int32_t days_since_epoch) { return Date(days_since_epoch); }
  // REQUIRES: a real date (use Parse for untrusted text).
  static Date FromCivil(int year, int month, int day);
  // Strict "YYYY-MM-DD"; nullopt when malformed or not a real date (2027-02-30).
  static std::optional<Date> Parse(std::string_view text);

  constexpr int32_t days_since_epoch() const { return days_; }
  int year() const;
  int month() const;  // 1..12
  int day() const;    // 1..31
  // 0 = Monday .. 6 = Sunday.
  int weekday() const;
  // ISO 8601 week as year * 100 + week (e.g. 202714), for grouping by week.
  int iso_week_key() const;

  std::string ToString() const;       // "2027-04-10"
  std::string ToShortString() const;  // "Sat 10 Apr"

  constexpr Date operator+(int32_t days) const { return Date(days_ + days); }
  constexpr Date operator-(int32_t days) const { return Date(days_ - days); }
  constexpr int32_t operator-(Date other) const { return days_ - other.days_; }
  constexpr auto operator<=>(const Date&) const = default;

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

// Minutes since midnight, 0..1440 (1440 = "24:00", allowed as the end of a range).
using MinuteOfDay = int32_t;
// Strict "HH:MM"; allow_24 admits "24:00".
std::optional<MinuteOfDay> ParseTimeOfDay(std::string_view text, bool allow_24);
std::string FormatTimeOfDay(MinuteOfDay minute);

constexpr int32_t kMinutesPerDay = 24 * 60;

}  // namespace tandem

#endif  // TANDEM_COMMON_DATE_H_
