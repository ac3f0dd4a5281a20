// Tests for history forecasts (tandem/engine/demand_forecast.h): known answers worked out by
// hand, and statistical bounds from the standard errors of the estimators.
#include "tandem/engine/demand_forecast.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <functional>
#include <vector>

#include "tandem/engine/random.h"

namespace tandem {
namespace {

// Mon..Sun; sums to 7, so its mean is exactly 1.
constexpr std::array<double, 7> kPattern = {0.8, 0.9, 1.0, 1.0, 1.1, 1.5, 0.7};

// 2027-01-04 is a Monday (ISO week 2027-W01).
Date Monday() {
  return Date::FromCivil(2027, 1, 4);
}

std::vector<DailyObservation> Series(Date start, int days,
                                     const std::function<double(int, Date)>& units) {
  std::vector<DailyObservation> history;
  for (int d = 0; d < days; ++d) history.push_back({start + d, units(d, start + d)});
  return history;
}

double Pattern(Date date) {
  return kPattern[static_cast<size_t>(date.weekday())];
}

void ExpectWeekly(const HistoryForecast& forecast, const std::array<double, 7>& expected,
                  double tolerance) {
  for (size_t i = 0; i < 7; ++i)
    EXPECT_NEAR(forecast.weekly[i], expected[i], tolerance) << "weekday " << i;
}

TEST(DemandForecastTest, CheckCalendar) {
  ASSERT_EQ(Monday().weekday(), 0);
  ASSERT_EQ((Monday() + 5).weekday(), 5);  // Saturday
}

TEST(DemandForecastTest, ConstantSeriesForecastsTheConstant) {
  const auto history = Series(Monday(), 70, [](int, Date) { return 250.0; });
  const HistoryForecast forecast = ForecastFromHistory(history);
  ExpectWeekly(forecast, {1, 1, 1, 1, 1, 1, 1}, 1e-12);
  EXPECT_FALSE(forecast.has_trend);
  EXPECT_NEAR(forecast.level, 250, 1e-9);
  EXPECT_EQ(forecast.level_date, Monday() + 69);
  for (int ahead : {1, 5, 30, 400}) EXPECT_NEAR(forecast.At(Monday() + 69 + ahead), 250, 1e-9);
}

TEST(DemandForecastTest, ExactWeeklyPatternIsRecovered) {
  // 10 weeks of 500 x pattern, starting on a Wednesday so that the weekday bookkeeping matters.
  // Every complete 7-day window averages 500 (the pattern's mean is 1), so each ratio is the
  // pattern itself; the deseasonalised series is 500 everywhere: no trend, level 500.
  const Date start = Monday() + 2;
  const auto history = Series(start, 70, [](int, Date date) { return 500 * Pattern(date); });
  const HistoryForecast forecast = ForecastFromHistory(history);
  ExpectWeekly(forecast, kPattern, 1e-12);
  EXPECT_FALSE(forecast.has_trend);
  EXPECT_NEAR(forecast.level, 500, 1e-9);
  const Date last = start + 69;
  for (int ahead = 1; ahead <= 14; ++ahead) {
    EXPECT_NEAR(forecast.At(last + ahead), 500 * Pattern(last + ahead), 1e-9) << ahead;
  }
  // Saturday 1.5 x 500 = 750, Sunday 0.7 x 500 = 350 (hand values).
  const Date saturday = Monday() + 7 * 20 + 5;
  EXPECT_NEAR(forecast.At(saturday), 750, 1e-9);
  EXPECT_NEAR(forecast.At(saturday + 1), 350, 1e-9);
}

TEST(DemandForecastTest, UnnormalisedPatternIsNormalisedToMeanOne) {
  // Weights 4, 4.5, 5, 5, 5.5, 7.5, 3.5 (mean 5) x 100: pattern = weights / 5, level 500.
  const std::array<double, 7> weights = {4, 4.5, 5, 5, 5.5, 7.5, 3.5};
  const auto history = Series(Monday(), 63, [&](int, Date date) {
    return 100 * weights[static_cast<size_t>(date.weekday())];
  });
  const HistoryForecast forecast = ForecastFromHistory(history);
  ExpectWeekly(forecast, kPattern, 1e-12);
  EXPECT_NEAR(forecast.level, 500, 1e-9);
}

TEST(DemandForecastTest, ExactLinearTrendIsExtended) {
  // 100 + 2d for d = 0..69 (no pattern): the centred average of a line is the line, so the
  // pattern is flat; the fit is exact: slope 2, level 100 + 2 x 69 = 238 on the last day.
  const auto history = Series(Monday(), 70, [](int d, Date) { return 100.0 + 2.0 * d; });
  const HistoryForecast forecast = ForecastFromHistory(history);
  ExpectWeekly(forecast, {1, 1, 1, 1, 1, 1, 1}, 1e-12);
  ASSERT_TRUE(forecast.has_trend);
  EXPECT_NEAR(forecast.slope_per_day, 2, 1e-9);
  EXPECT_NEAR(forecast.level, 238, 1e-9);
  for (int ahead : {1, 7, 30})
    EXPECT_NEAR(forecast.At(Monday() + 69 + ahead), 238 + 2.0 * ahead, 1e-8);
}

TEST(DemandForecastTest, ExactLinearTrendWithWeeklyPatternIsExtended) {
  // pattern(weekday) x (100 + 2d), d = 0..69, from a Thursday. The pattern and the line are
  // both recovered exactly, so the forecast is the extension: pattern x (238 + 2k) k days on.
  // (The ratios to the centred moving average alone are off here: the average of
  // s_w (a + b t) is a + b t + (b/7) sum_k k s_{w+k}, about 0.2% of the level.)
  const Date start = Monday() + 3;
  const auto history =
      Series(start, 70, [](int d, Date date) { return Pattern(date) * (100.0 + 2.0 * d); });
  const HistoryForecast forecast = ForecastFromHistory(history);
  ASSERT_TRUE(forecast.has_trend);
  ExpectWeekly(forecast, kPattern, 1e-9);
  EXPECT_NEAR(forecast.slope_per_day, 2, 1e-8);
  EXPECT_NEAR(forecast.level, 238, 1e-7);
  const Date last = start + 69;
  for (int ahead = 1; ahead <= 21; ++ahead) {
    const double expected = Pattern(last + ahead) * (238.0 + 2.0 * ahead);
    EXPECT_NEAR(forecast.At(last + ahead), expected, 1e-9 * expected) << ahead;
  }
}

TEST(DemandForecastTest, FallingTrendIsClampedAtZero) {
  // 200 - 3d for d = 0..59: last day 23, slope -3; 10 days on the line is at -7 -> 0.
  const auto history = Series(Monday(), 60, [](int d, Date) { return 200.0 - 3.0 * d; });
  const HistoryForecast forecast = ForecastFromHistory(history);
  ASSERT_TRUE(forecast.has_trend);
  EXPECT_NEAR(forecast.slope_per_day, -3, 1e-9);
  EXPECT_NEAR(forecast.At(Monday() + 59 + 5), 8, 1e-8);
  EXPECT_EQ(forecast.At(Monday() + 59 + 10), 0.0);
}

TEST(DemandForecastTest, TrendNeedsFiftySixDays) {
  // 100 + 2d over 55 days: no trend allowed; the level is the mean of the last 28 days,
  // d = 27..54, mean d 40.5: 100 + 81 = 181. Over 56 days the trend is used.
  const auto short_history = Series(Monday(), 55, [](int d, Date) { return 100.0 + 2.0 * d; });
  const HistoryForecast flat = ForecastFromHistory(short_history);
  EXPECT_FALSE(flat.has_trend);
  EXPECT_NEAR(flat.level, 181, 1e-9);
  const auto long_history = Series(Monday(), 56, [](int d, Date) { return 100.0 + 2.0 * d; });
  const HistoryForecast trend = ForecastFromHistory(long_history);
  EXPECT_TRUE(trend.has_trend);
  EXPECT_NEAR(trend.level, 210, 1e-9);
}

TEST(DemandForecastTest, NoisyFlatSeriesHasNoTrend) {
  // 500 + N(0, 50^2), 120 days, seeded. The slope's t-statistic is |N(0,1)|-like; this seed's
  // is below 3 (as 99.7% of seeds'). The level is a mean of 28 deseasonalised days: standard
  // error about 50/sqrt(28) = 9.4 (the estimated pattern adds a little): 5 of them is 47.
  // Each weekday's factor is a mean of ~16 ratios with sd ~0.1: within 5 x 0.1/4 = 0.125 of 1.
  Stream stream(31, 0, 0);
  const auto history = Series(Monday(), 120, [&](int, Date) { return 500 + 50 * stream.Normal(); });
  const HistoryForecast forecast = ForecastFromHistory(history);
  EXPECT_FALSE(forecast.has_trend);
  EXPECT_NEAR(forecast.level, 500, 47);
  ExpectWeekly(forecast, {1, 1, 1, 1, 1, 1, 1}, 0.125);
}

TEST(DemandForecastTest, NoisyTrendIsDetected) {
  // 500 + 3d + N(0, 50^2), 120 days. OLS slope standard error sigma / sqrt(Sxx) with
  // Sxx = n (n^2 - 1) / 12 = 143990: 50 / 379.5 = 0.13; t ~ 23. Slope within 5 se of 3.
  Stream stream(32, 0, 0);
  const auto history =
      Series(Monday(), 120, [&](int d, Date) { return 500 + 3.0 * d + 50 * stream.Normal(); });
  const HistoryForecast forecast = ForecastFromHistory(history);
  ASSERT_TRUE(forecast.has_trend);
  EXPECT_NEAR(forecast.slope_per_day, 3, 5 * 50 / std::sqrt(120.0 * (120.0 * 120.0 - 1) / 12));
  // Level on the last day: 500 + 3 x 119 = 857; the fitted line's se at the end is
  // sigma sqrt(1/n + (n-1)^2/4 / Sxx) = 50 x 0.18 = 9.1.
  EXPECT_NEAR(forecast.level, 857, 5 * 9.1);
}

TEST(DemandForecastTest, ShortSeriesHasAFlatPattern) {
  // 20 days of 500 x pattern from a Monday: too short for a pattern (< 21 days), so the
  // forecast is the mean of all 20 days: two full weeks (500 x 7 each) plus Mon..Sat
  // (0.8 + 0.9 + 1 + 1 + 1.1 + 1.5 = 6.3): 500 x 20.3 / 20 = 507.5, every weekday.
  const auto history = Series(Monday(), 20, [](int, Date date) { return 500 * Pattern(date); });
  const HistoryForecast forecast = ForecastFromHistory(history);
  ExpectWeekly(forecast, {1, 1, 1, 1, 1, 1, 1}, 0);
  EXPECT_FALSE(forecast.has_trend);
  EXPECT_NEAR(forecast.level, 507.5, 1e-9);
  // 21 days are enough.
  const auto longer = Series(Monday(), 21, [](int, Date date) { return 500 * Pattern(date); });
  ExpectWeekly(ForecastFromHistory(longer), kPattern, 1e-12);
}

TEST(DemandForecastTest, SingleObservation) {
  const HistoryForecast forecast = ForecastFromHistory({{Monday(), 42}});
  EXPECT_NEAR(forecast.level, 42, 1e-12);
  EXPECT_FALSE(forecast.has_trend);
  EXPECT_NEAR(forecast.At(Monday() + 3), 42, 1e-12);
}

TEST(DemandForecastTest, GapsInTheHistory) {
  // 500 x pattern over 12 weeks with every 9th day and all of week 5 missing: the complete
  // windows that remain still give exact ratios, and the deseasonalised days are all 500.
  std::vector<DailyObservation> history;
  for (int d = 0; d < 84; ++d) {
    if (d % 9 == 4 || (d >= 35 && d < 42)) continue;
    history.push_back({Monday() + d, 500 * Pattern(Monday() + d)});
  }
  const HistoryForecast forecast = ForecastFromHistory(history);
  ExpectWeekly(forecast, kPattern, 1e-12);
  EXPECT_FALSE(forecast.has_trend);
  EXPECT_NEAR(forecast.level, 500, 1e-9);

  // The same gaps in an exact line with the pattern: still the exact extension.
  std::vector<DailyObservation> trending;
  for (int d = 0; d < 84; ++d) {
    if (d % 9 == 4 || (d >= 35 && d < 42)) continue;
    trending.push_back({Monday() + d, Pattern(Monday() + d) * (100.0 + 2.0 * d)});
  }
  const HistoryForecast trend = ForecastFromHistory(trending);
  ASSERT_TRUE(trend.has_trend);
  ExpectWeekly(trend, kPattern, 1e-9);
  EXPECT_NEAR(trend.slope_per_day, 2, 1e-8);
  EXPECT_NEAR(trend.At(Monday() + 90), Pattern(Monday() + 90) * (100.0 + 2.0 * 90), 1e-6);
}

TEST(DemandForecastTest, NoCompleteWindowGivesAFlatPattern) {
  // Sundays never recorded (6 weeks, Mon..Sat only): every 7-day window contains a Sunday, so
  // no ratio can be formed and the pattern is flat. The level is the mean of the last 28
  // observations: the last 4 weeks of Mon..Sat, then 4 more days (Wed..Sat of week 2), i.e.
  // 500 x (4 x 6.3 + (1 + 1 + 1.1 + 1.5)) / 28 = 500 x 29.8 / 28 = 532.142857...
  std::vector<DailyObservation> history;
  for (int d = 0; d < 42; ++d) {
    if ((Monday() + d).weekday() == 6) continue;
    history.push_back({Monday() + d, 500 * Pattern(Monday() + d)});
  }
  const HistoryForecast forecast = ForecastFromHistory(history);
  ExpectWeekly(forecast, {1, 1, 1, 1, 1, 1, 1}, 0);
  EXPECT_NEAR(forecast.level, 500 * 29.8 / 28, 1e-9);
}

TEST(DemandForecastTest, ClosedDaysWithZeroUnits) {
  // Sundays recorded as 0: pattern [0.8,0.9,1,1,1.1,1.5,0] x 500 with mean 6.3/7 = 0.9 -> the
  // normalised pattern is each / 0.9 and the level 450; Sundays forecast 0.
  std::array<double, 7> closed = kPattern;
  closed[6] = 0;
  const auto history = Series(Monday(), 70, [&](int, Date date) {
    return 500 * closed[static_cast<size_t>(date.weekday())];
  });
  const HistoryForecast forecast = ForecastFromHistory(history);
  for (size_t i = 0; i < 7; ++i) EXPECT_NEAR(forecast.weekly[i], closed[i] / 0.9, 1e-12) << i;
  EXPECT_FALSE(forecast.has_trend);
  EXPECT_NEAR(forecast.level, 450, 1e-9);
  EXPECT_EQ(forecast.At(Monday() + 76), 0.0);          // a Sunday
  EXPECT_NEAR(forecast.At(Monday() + 75), 750, 1e-9);  // a Saturday
}

}  // namespace
}  // namespace tandem
