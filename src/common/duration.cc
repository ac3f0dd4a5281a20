#include "tandem/common/duration.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace tandem {

std::optional<Duration> Duration::Parse(std::string_view text) {
  if (text == "0") return Duration{0};
  if (text.size() < 2) return std::nullopt;
  const char unit = text.back();
  int64_t unit_minutes = 0;
  switch (unit) {
    case 'm':
      unit_minutes = 1;
      break;
    case 'h':
      unit_minutes = 60;
      break;
    case 'd':
      unit_minutes = 24 * 60;
      break;
    case 'w':
      unit_minutes = 7 * 24 * 60;
      break;
    default:
      return std::nullopt;
  }
  const std::string number(text.substr(0, text.size() - 1));
  // Digits with at most one decimal point; no sign, no exponent, no spaces.
  bool seen_point = false;
  for (char c : number) {
    if (c == '.') {
      if (seen_point) return std::nullopt;
      seen_point = true;
    } else if (c < '0' || c > '9') {
      return std::nullopt;
    }
  }
  if (number.empty() || number == ".") return std::nullopt;
  const double value = std::strtod(number.c_str(), nullptr);
  const double minutes = value * static_cast<double>(unit_minutes);
  if (!(minutes < 1e12)) return std::nullopt;
  const double rounded = std::round(minutes);
  if (std::fabs(minutes - rounded) > 1e-9) return std::nullopt;
  return Duration{static_cast<int64_t>(rounded)};
}

std::string Duration::ToString() const {
  constexpr int64_t kDay = 24 * 60;
  if (minutes == 0) return "0m";
  if (minutes % kDay == 0 && minutes >= 3 * kDay) return std::to_string(minutes / kDay) + "d";
  if (minutes % 60 == 0) return std::to_string(minutes / 60) + "h";
  return std::to_string(minutes) + "m";
}

const std::vector<Duration>& PromiseLadder() {
  static const std::vector<Duration> kLadder = {
      Duration::Minutes(5), Duration::Minutes(10), Duration::Minutes(15), Duration::Minutes(30),
      Duration::Hours(1),   Duration::Hours(2),    Duration::Hours(3),    Duration::Hours(4),
      Duration::Hours(6),   Duration::Hours(8),    Duration::Hours(12),   Duration::Hours(24),
      Duration::Hours(36),  Duration::Hours(48),   Duration::Days(3),     Duration::Days(4),
      Duration::Days(5),    Duration::Days(7),     Duration::Days(10),    Duration::Days(14),
      Duration::Days(21),   Duration::Days(28)};
  return kLadder;
}

int64_t Deadline::LongestMinutes() const {
  switch (kind) {
    case Kind::kSameDay:
      return 24 * 60;
    case Kind::kNextDay:
      return 48 * 60;
    case Kind::kWithin:
      break;
  }
  return within.minutes;
}

std::optional<Deadline> Deadline::Parse(std::string_view text) {
  if (text == "same_day") return SameDay();
  if (text == "next_day") return NextDay();
  const std::optional<Duration> duration = Duration::Parse(text);
  if (!duration) return std::nullopt;
  return Within(*duration);
}

std::string Deadline::ToString() const {
  switch (kind) {
    case Kind::kSameDay:
      return "same_day";
    case Kind::kNextDay:
      return "next_day";
    case Kind::kWithin:
      break;
  }
  return within.ToString();
}

std::string Deadline::ToWords() const {
  switch (kind) {
    case Kind::kSameDay:
      return "the same day";
    case Kind::kNextDay:
      return "by the next day";
    case Kind::kWithin:
      break;
  }
  return "within " + within.ToString();
}

}  // namespace tandem
