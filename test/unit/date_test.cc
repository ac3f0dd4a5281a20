#include "tandem/common/date.h"

#include <gtest/gtest.h>
#include <string>

#include "tandem/common/duration.h"

namespace tandem {
namespace {

TEST(DateTest, ParsesRealDatesOnly) {
  EXPECT_TRUE(Date::Parse("2027-02-28").has_value());
  EXPECT_FALSE(Date::Parse("2027-02-29").has_value());  // 2027 is not a leap year
  EXPECT_TRUE(Date::Parse("2028-02-29").has_value());
  EXPECT_FALSE(Date::Parse("2027-13-01").has_value());
  EXPECT_FALSE(Date::Parse("2027-4-01").has_value());
  EXPECT_FALSE(Date::Parse("27-04-01").has_value());
  EXPECT_FALSE(Date::Parse("2027-04-31").has_value());
}

TEST(DateTest, KnownWeekdaysAndIsoWeeks) {
  // 2027-04-10 is a Saturday (calendar); ISO week 2027-W14.
  const Date date = *Date::Parse("2027-04-10");
  EXPECT_EQ(date.weekday(), 5);
  EXPECT_EQ(date.iso_week_key(), 202714);
  // 2027-01-01 is a Friday and belongs to ISO week 53 of 2026.
  EXPECT_EQ(Date::Parse("2027-01-01")->iso_week_key(), 202653);
  EXPECT_EQ(Date::Parse("2027-01-04")->iso_week_key(), 202701);
  EXPECT_EQ(date.ToString(), "2027-04-10");
  EXPECT_EQ(date.ToShortString(), "Sat 10 Apr");
  EXPECT_EQ(*Date::Parse("2027-03-01") - *Date::Parse("2027-02-01"), 28);
}

TEST(DurationTest, ParsesUnitsToMinutes) {
  EXPECT_EQ(Duration::Parse("15m")->minutes, 15);
  EXPECT_EQ(Duration::Parse("6h")->minutes, 360);
  EXPECT_EQ(Duration::Parse("2d")->minutes, 2880);
  EXPECT_EQ(Duration::Parse("3w")->minutes, 30240);
  EXPECT_EQ(Duration::Parse("1.5h")->minutes, 90);
  EXPECT_EQ(Duration::Parse("0")->minutes, 0);
  EXPECT_FALSE(Duration::Parse("1.01m").has_value());  // not whole minutes
  EXPECT_FALSE(Duration::Parse("-2h").has_value());
  EXPECT_FALSE(Duration::Parse("2 h").has_value());
  EXPECT_FALSE(Duration::Parse("h").has_value());
  EXPECT_FALSE(Duration::Parse("2y").has_value());
}

TEST(DurationTest, FormatsOnTheLadderNotation) {
  EXPECT_EQ(Duration::Hours(24).ToString(), "24h");
  EXPECT_EQ(Duration::Hours(36).ToString(), "36h");
  EXPECT_EQ(Duration::Hours(48).ToString(), "48h");
  EXPECT_EQ(Duration::Days(3).ToString(), "3d");
  EXPECT_EQ(Duration::Minutes(30).ToString(), "30m");
  EXPECT_EQ(Deadline::Parse("next_day")->ToString(), "next_day");
}

// cli.md's ladder: 5m, 10m, 15m, 30m; 1, 2, 3, 4, 6, 8, 12, 24, 36, 48 hours; 3, 4, 5, 7, 10, 14,
// 21, 28 days (22 rungs), ascending, each written on the ladder's notation.
TEST(DurationTest, PromiseLadderIsCliMdsLadder) {
  std::string written;
  for (const Duration& rung : PromiseLadder()) written += rung.ToString() + " ";
  EXPECT_EQ(written,
            "5m 10m 15m 30m 1h 2h 3h 4h 6h 8h 12h 24h 36h 48h 3d 4d 5d 7d 10d 14d 21d 28d ");
}

// Same day: at most 24h (ordered just after midnight); next day: 48h; else as written.
TEST(DurationTest, LongestMinutesOfADeadline) {
  EXPECT_EQ(Deadline::SameDay().LongestMinutes(), 24 * 60);
  EXPECT_EQ(Deadline::NextDay().LongestMinutes(), 48 * 60);
  EXPECT_EQ(Deadline::Within(Duration::Hours(36)).LongestMinutes(), 36 * 60);
}

TEST(TimeOfDayTest, ParsesStrictly) {
  EXPECT_EQ(*ParseTimeOfDay("14:00", false), 840);
  EXPECT_FALSE(ParseTimeOfDay("24:00", false).has_value());
  EXPECT_EQ(*ParseTimeOfDay("24:00", true), 1440);
  EXPECT_FALSE(ParseTimeOfDay("9:00", false).has_value());
  EXPECT_FALSE(ParseTimeOfDay("12:60", false).has_value());
}

}  // namespace
}  // namespace tandem
