#include "tandem/common/date.h"

#include <array>
#include <cstdio>

namespace tandem {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
int32_t DaysFromCivil(int year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int era = (year >= 0 ? year : year - 399) / 400;
  const int year_of_era = year - era * 400;
  const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

struct Civil {
  int year;
  int month;
  int day;
};

Civil CivilFromDays(int32_t days) {
  days += 719468;
  const int era = (days >= 0 ? days : days - 146096) / 146097;
  const int day_of_era = days - era * 146097;
  const int year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int mp = (5 * day_of_year + 2) / 153;
  const int day = day_of_year - (153 * mp + 2) / 5 + 1;
  const int month = mp < 10 ? mp + 3 : mp - 9;
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool IsLeap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[static_cast<size_t>(month - 1)];
}

bool ParseDigits(std::string_view text, size_t pos, size_t count, int* out) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

Date Date::FromCivil(int year, int month, int day) {
  return Date(DaysFromCivil(year, month, day));
}

std::optional<Date> Date::Parse(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!ParseDigits(text, 0, 4, &year) || !ParseDigits(text, 5, 2, &month) ||
      !ParseDigits(text, 8, 2, &day)) {
    return std::nullopt;
  }
  if (year < 1900 || year > 2999 || month < 1 || month > 12) return std::nullopt;
  if (day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  return FromCivil(year, month, day);
}

int Date::year() const {
  return CivilFromDays(days_).year;
}
int Date::month() const {
  return CivilFromDays(days_).month;
}
int Date::day() const {
  return CivilFromDays(days_).day;
}

int Date::weekday() const {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  const int value = (days_ + 3) % 7;
  return value < 0 ? value + 7 : value;
}

int Date::iso_week_key() const {
  // The ISO week belongs to the year of its Thursday.
  const Date thursday = *this + (3 - weekday());
  const int iso_year = thursday.year();
  const Date jan1 = FromCivil(iso_year, 1, 1);
  const int week = (thursday - jan1) / 7 + 1;
  return iso_year * 100 + week;
}

std::string Date::ToString() const {
  const Civil civil = CivilFromDays(days_);
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", civil.year, civil.month, civil.day);
  return buffer;
}

std::string Date::ToShortString() const {
  static constexpr std::array<const char*, 7> kWeekdays = {"Mon", "Tue", "Wed", "Thu",
                                                           "Fri", "Sat", "Sun"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const Civil civil = CivilFromDays(days_);
  return std::string(kWeekdays[static_cast<size_t>(weekday())]) + " " + std::to_string(civil.day) +
         " " + kMonths[static_cast<size_t>(civil.month - 1)];
}

std::optional<MinuteOfDay> ParseTimeOfDay(std::string_view text, bool allow_24) {
  int hours = 0;
  int minutes = 0;
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  if (!ParseDigits(text, 0, 2, &hours) || !ParseDigits(text, 3, 2, &minutes)) return std::nullopt;
  if (minutes > 59) return std::nullopt;
  if (hours == 24 && minutes == 0 && allow_24) return kMinutesPerDay;
  if (hours > 23) return std::nullopt;
  return hours * 60 + minutes;
}

std::string FormatTimeOfDay(MinuteOfDay minute) {
  char buffer[24];
  std::snprintf(buffer, sizeof(buffer), "%02d:%02d", minute / 60, minute % 60);
  return buffer;
}

}  // namespace tandem
