#include "tandem/followup/actuals.h"

#include <algorithm>
#include <cstdio>

namespace tandem {
namespace {

// The value of `count` digits at `text`, or -1 when any is not a digit.
int Digits(std::string_view text, size_t at, size_t count) {
  int value = 0;
  for (size_t i = at; i < at + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<WallSeconds> ParseWallSeconds(std::string_view text) {
  // YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS, by hand: a million orders hold four times each.
  if (text.size() != 16 && text.size() != 19) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':') return std::nullopt;
  if (text.size() == 19 && text[16] != ':') return std::nullopt;
  const int year = Digits(text, 0, 4);
  const int month = Digits(text, 5, 2);
  const int day = Digits(text, 8, 2);
  const int hour = Digits(text, 11, 2);
  const int minute = Digits(text, 14, 2);
  const int second = text.size() == 19 ? Digits(text, 17, 2) : 0;
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 59) {
    return std::nullopt;
  }
  if (day > DaysInMonth(year, month)) return std::nullopt;
  return WallSecondsOf(Date::FromCivil(year, month, day), hour * 60 + minute) + second;
}

std::string FormatWallSeconds(WallSeconds seconds) {
  const Date date = DateOfWallSeconds(seconds);
  const int64_t in_day = seconds - WallSecondsOf(date);
  char text[16];
  if (in_day % 60 == 0) {
    std::snprintf(text, sizeof(text), "T%02d:%02d", static_cast<int>(in_day / 3600),
                  static_cast<int>(in_day / 60 % 60));
  } else {
    std::snprintf(text, sizeof(text), "T%02d:%02d:%02d", static_cast<int>(in_day / 3600),
                  static_cast<int>(in_day / 60 % 60), static_cast<int>(in_day % 60));
  }
  return date.ToString() + text;
}

std::optional<WallSeconds> Actuals::Latest() const {
  std::optional<WallSeconds> latest;
  auto consider = [&](WallSeconds time) {
    if (time != kNotYet && (!latest || time > *latest)) latest = time;
  };
  for (const OrderRecord& order : orders) {
    consider(order.placed);
    consider(order.processed);
    consider(order.delivered);
    consider(order.returned);
  }
  for (const TicketRecord& ticket : tickets) {
    consider(ticket.opened);
    consider(ticket.answered);
  }
  return latest;
}

}  // namespace tandem
