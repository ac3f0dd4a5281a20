// The ladder of time promises (cli.md) and a deadline's bound in minutes, for the searches of
// recommend and opportunities. Internal to tandem_advise. Pure; thread-safe.
#ifndef TANDEM_SRC_ADVISE_LADDER_H_
#define TANDEM_SRC_ADVISE_LADDER_H_

#include <cstdint>
#include <vector>

#include "tandem/common/duration.h"

namespace tandem::advise {

// 5m, 10m, 15m, 30m, 1h ... 48h, 3d ... 28d, ascending.
inline const std::vector<Duration>& Ladder() {
  static const std::vector<Duration> kLadder = {
      Duration::Minutes(5), Duration::Minutes(10), Duration::Minutes(15), Duration::Minutes(30),
      Duration::Hours(1),   Duration::Hours(2),    Duration::Hours(3),    Duration::Hours(4),
      Duration::Hours(6),   Duration::Hours(8),    Duration::Hours(12),   Duration::Hours(24),
      Duration::Hours(36),  Duration::Hours(48),   Duration::Days(3),     Duration::Days(4),
      Duration::Days(5),    Duration::Days(7),     Duration::Days(10),    Duration::Days(14),
      Duration::Days(21),   Duration::Days(28)};
  return kLadder;
}

// The longest an order may take and keep the promise: 24h for the same day, 48h by the next
// day (the bounds the ladder is compared with), else the written duration.
inline int64_t BoundMinutes(const Deadline& deadline) {
  switch (deadline.kind) {
    case Deadline::Kind::kSameDay:
      return 24 * 60;
    case Deadline::Kind::kNextDay:
      return 48 * 60;
    case Deadline::Kind::kWithin:
      break;
  }
  return deadline.within.minutes;
}

}  // namespace tandem::advise

#endif  // TANDEM_SRC_ADVISE_LADDER_H_
