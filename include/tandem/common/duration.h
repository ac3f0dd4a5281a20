// Durations in whole minutes, and the promise deadline forms.
//
// The scenario format writes durations as a number and a unit ("15m", "6h", "2d", "3w").
// tandem keeps them as whole minutes so that arithmetic and comparison are exact.
#ifndef TANDEM_COMMON_DURATION_H_
#define TANDEM_COMMON_DURATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem {

struct Duration {
  int64_t minutes = 0;

  static constexpr Duration Minutes(int64_t m) { return {m}; }
  static constexpr Duration Hours(int64_t h) { return {h * 60}; }
  static constexpr Duration Days(int64_t d) { return {d * 24 * 60}; }
  double hours() const { return static_cast<double>(minutes) / 60.0; }
  double days() const { return static_cast<double>(minutes) / (24.0 * 60.0); }
  constexpr auto operator<=>(const Duration&) const = default;

  // "15m", "6h", "2d", "3w"; decimals allowed when the result is whole minutes ("1.5h").
  // A bare 0 is zero. nullopt when malformed, negative or not whole minutes.
  static std::optional<Duration> Parse(std::string_view text);
  // Compact form on the ladder's notation: "30m", "24h", "36h", "48h", "3d", "2w" never used.
  std::string ToString() const;
};

// The ladder of time promises (cli.md): 5m, 10m, 15m, 30m, 1h ... 48h, 3d ... 28d, ascending. The
// bounds recommend and opportunities try, and the levels the server's stronger-promise alert
// names.
const std::vector<Duration>& PromiseLadder();

// What a time promise's `within` means: a fixed bound after the order, or a calendar deadline.
struct Deadline {
  enum class Kind { kWithin, kSameDay, kNextDay };
  Kind kind = Kind::kWithin;
  Duration within;  // for kWithin

  static Deadline Within(Duration d) { return {Kind::kWithin, d}; }
  static Deadline SameDay() { return {Kind::kSameDay, {}}; }
  static Deadline NextDay() { return {Kind::kNextDay, {}}; }
  // "24h" or "same_day" / "next_day".
  static std::optional<Deadline> Parse(std::string_view text);
  std::string ToString() const;  // "24h", "same_day", "next_day"
  // Words for a sentence: "within 24h", "the same day", "by the next day".
  std::string ToWords() const;
  // The longest an order may take and keep the promise: 24h for the same day, 48h by the next
  // day (an order placed just after midnight), else the written duration.
  int64_t LongestMinutes() const;
  bool operator==(const Deadline&) const = default;
};

}  // namespace tandem

#endif  // TANDEM_COMMON_DURATION_H_
