#include "tandem/common/date.h"

#include <gtest/gtest.h>

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

TEST(TimeOfDayTest, ParsesStrictly) {
  EXPECT_EQ(*ParseTimeOfDay("14:00", false), 840);
  EXPECT_FALSE(ParseTimeOfDay("24:00", false).has_value());
  EXPECT_EQ(*ParseTimeOfDay("24:00", true), 1440);
  EXPECT_FALSE(ParseTimeOfDay("9:00", false).has_value());
  EXPECT_FALSE(ParseTimeOfDay("12:60", false).has_value());
}

}  // namespace
}  // namespace tandem
