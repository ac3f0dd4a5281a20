// Baseline forecasts from daily history.
//
// Method (docs/engine.md, "History forecasts"):
//  1. Weekly pattern: each observed day divided by the centred 7-day moving average around
//     it (days with a complete window only), averaged per weekday, normalised to mean 1.
//     With fewer than 21 days, or a weekday never observed, the pattern is flat.
//  2. Deseasonalised series: units / weekly[weekday].
//  3. Trend: ordinary least squares of the deseasonalised series on the day number over the
//     last 365 days. It is used when the history spans at least 56 days and the slope's
//     t-statistic exceeds 3 (the data shows a trend beyond noise); otherwise the level is the
//     mean of the last 28 deseasonalised observations and the trend is zero.
//     With a trend, the pattern of step 1 is biased (the moving average of s_w (a + b t) is
//     a + b t + (b / 7) sum_k k s_{w+k}), so the pattern is re-estimated as the mean ratio of
//     each weekday's units to the fitted line over the same 365 days, normalised to mean 1,
//     and the line refitted, until the pattern settles. An exact s_w (a + b t) is a fixed
//     point: its pattern and line are recovered exactly.
//  4. Forecast for date D: max(0, level(D)) * weekly[weekday(D)], where
//     level(D) = intercept + slope * day(D) with a trend, else the flat level.
//
// Known answers (tests): a constant series forecasts the constant; a series with an exact
// weekly pattern forecasts that pattern; an exact linear series, with or without a weekly
// pattern, forecasts its extension.
// Pure functions; thread-safe.
#ifndef TANDEM_ENGINE_DEMAND_FORECAST_H_
#define TANDEM_ENGINE_DEMAND_FORECAST_H_

#include <array>
#include <vector>

#include "tandem/model/scenario.h"

namespace tandem {

struct HistoryForecast {
  std::array<double, 7> weekly{1, 1, 1, 1, 1, 1, 1};  // Mon..Sun, mean 1
  bool has_trend = false;
  double level = 0;          // units per average day, at `level_date` (no trend: everywhere)
  double slope_per_day = 0;  // change of the average day per day (trend only)
  Date level_date;           // the last observed day

  // Expected units on `date`.
  double At(Date date) const;
};

// REQUIRES: history sorted by date, no duplicates, at least one row.
HistoryForecast ForecastFromHistory(const std::vector<DailyObservation>& history);

}  // namespace tandem

#endif  // TANDEM_ENGINE_DEMAND_FORECAST_H_
