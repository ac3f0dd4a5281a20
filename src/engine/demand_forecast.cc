#include "tandem/engine/demand_forecast.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <vector>

namespace tandem {

double HistoryForecast::At(Date date) const {
  double day_level = level;
  if (has_trend) day_level = level + slope_per_day * static_cast<double>(date - level_date);
  return std::max(0.0, day_level) * weekly[static_cast<size_t>(date.weekday())];
}

namespace {

// 1. The weekly pattern from ratios to the centred moving average, normalised to mean 1; none
// when the history spans under three weeks or a weekday is never seen in a complete window.
std::optional<std::array<double, 7>> WeeklyFromMovingAverage(
    const std::vector<DailyObservation>& history) {
  std::map<int32_t, double> by_day;
  for (const DailyObservation& row : history) by_day[row.date.days_since_epoch()] = row.units;
  const int32_t span = history.back().date - history.front().date + 1;
  if (span < 21) return std::nullopt;
  std::array<double, 7> ratio_sum{};
  std::array<int, 7> ratio_count{};
  for (const DailyObservation& row : history) {
    const int32_t day = row.date.days_since_epoch();
    double window_sum = 0;
    bool complete = true;
    for (int32_t offset = -3; offset <= 3 && complete; ++offset) {
      auto found = by_day.find(day + offset);
      if (found == by_day.end()) {
        complete = false;
      } else {
        window_sum += found->second;
      }
    }
    if (!complete || window_sum <= 0) continue;
    const size_t weekday = static_cast<size_t>(row.date.weekday());
    ratio_sum[weekday] += row.units / (window_sum / 7.0);
    ratio_count[weekday] += 1;
  }
  double mean = 0;
  std::array<double, 7> weekly{};
  for (size_t i = 0; i < 7; ++i) {
    if (ratio_count[i] == 0) return std::nullopt;
    weekly[i] = ratio_sum[i] / ratio_count[i];
    mean += weekly[i] / 7.0;
  }
  if (!(mean > 0)) return std::nullopt;
  for (size_t i = 0; i < 7; ++i) weekly[i] /= mean;
  return weekly;
}

// The last 365 days of the history: day number relative to the last observed day (<= 0),
// units and weekday.
struct RecentDays {
  std::vector<double> day;
  std::vector<double> units;
  std::vector<size_t> weekday;
};

RecentDays RecentYear(const std::vector<DailyObservation>& history, Date last) {
  RecentDays recent;
  for (const DailyObservation& row : history) {
    if (last - row.date >= 365) continue;
    recent.day.push_back(static_cast<double>(row.date - last));
    recent.units.push_back(row.units);
    recent.weekday.push_back(static_cast<size_t>(row.date.weekday()));
  }
  return recent;
}

// The regression points: deseasonalised units of the days whose weekday factor is positive (a
// zero factor says nothing).
struct Points {
  std::vector<double> x;
  std::vector<double> y;
};

Points Deseasonalise(const RecentDays& recent, const std::array<double, 7>& weekly) {
  Points points;
  for (size_t i = 0; i < recent.units.size(); ++i) {
    const double factor = weekly[recent.weekday[i]];
    if (!(factor > 0)) continue;
    points.x.push_back(recent.day[i]);
    points.y.push_back(recent.units[i] / factor);
  }
  return points;
}

// 3. A least-squares line, and how far its slope stands out from the noise.
struct Fit {
  double slope = 0;
  double intercept = 0;
  double t_statistic = 0;
};

bool FitLine(const Points& points, Fit* out) {
  const std::vector<double>& x = points.x;
  const std::vector<double>& y = points.y;
  const size_t n = x.size();
  double mean_x = 0;
  double mean_y = 0;
  for (size_t i = 0; i < n; ++i) {
    mean_x += x[i];
    mean_y += y[i];
  }
  mean_x /= static_cast<double>(n);
  mean_y /= static_cast<double>(n);
  double sxx = 0;
  double sxy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxx += (x[i] - mean_x) * (x[i] - mean_x);
    sxy += (x[i] - mean_x) * (y[i] - mean_y);
  }
  if (!(sxx > 0)) return false;
  out->slope = sxy / sxx;
  out->intercept = mean_y - out->slope * mean_x;
  double rss = 0;
  for (size_t i = 0; i < n; ++i) {
    const double residual = y[i] - out->intercept - out->slope * x[i];
    rss += residual * residual;
  }
  const double sigma2 = rss / static_cast<double>(n - 2);
  const double standard_error = std::sqrt(sigma2 / sxx);
  const bool exact = standard_error <= 1e-12 * std::max(1.0, std::fabs(out->slope));
  out->t_statistic =
      exact ? std::numeric_limits<double>::infinity() : std::fabs(out->slope) / standard_error;
  return true;
}

// The weekly pattern as ratios to the fitted line, normalised to mean 1; none when a weekday
// has no day above the line's zero.
std::optional<std::array<double, 7>> WeeklyFromLine(const RecentDays& recent, const Fit& trend) {
  std::array<double, 7> ratio_sum{};
  std::array<int, 7> ratio_count{};
  for (size_t i = 0; i < recent.units.size(); ++i) {
    const double line = trend.intercept + trend.slope * recent.day[i];
    if (!(line > 0)) continue;
    ratio_sum[recent.weekday[i]] += recent.units[i] / line;
    ratio_count[recent.weekday[i]] += 1;
  }
  std::array<double, 7> weekly{};
  double mean = 0;
  bool all_seen = true;
  for (size_t i = 0; i < 7; ++i) {
    all_seen = all_seen && ratio_count[i] > 0;
    weekly[i] = ratio_count[i] > 0 ? ratio_sum[i] / ratio_count[i] : 0.0;
    mean += weekly[i] / 7.0;
  }
  if (!all_seen || !(mean > 0)) return std::nullopt;
  for (size_t i = 0; i < 7; ++i) weekly[i] /= mean;
  return weekly;
}

}  // namespace

HistoryForecast ForecastFromHistory(const std::vector<DailyObservation>& history) {
  HistoryForecast forecast;
  if (history.empty()) return forecast;
  forecast.level_date = history.back().date;
  const int32_t span = history.back().date - history.front().date + 1;

  // 1. Weekly pattern from ratios to the centred moving average.
  if (std::optional<std::array<double, 7>> weekly = WeeklyFromMovingAverage(history)) {
    forecast.weekly = *weekly;
  }
  // 2. Deseasonalise; keep the last 365 days for the trend.
  const RecentDays recent = RecentYear(history, forecast.level_date);
  Points points = Deseasonalise(recent, forecast.weekly);

  // 3. Trend by least squares, used when it stands out from the noise.
  Fit trend;
  if (points.x.size() >= 3 && span >= 56 && FitLine(points, &trend) &&
      std::fabs(trend.slope) > 1e-12 && trend.t_statistic > 3.0) {
    // Under a trend the ratios to the moving average are biased: for units s_w (a + b t) the
    // centred average is (a + b t) + (b / 7) sum_k k s_{w+k}, not a + b t. Re-estimate the
    // pattern as ratios to the fitted line and refit, until the pattern settles (a fixed point
    // that an exact s_w (a + b t) reaches exactly; a few rounds in practice).
    const bool pattern = forecast.weekly != std::array<double, 7>{1, 1, 1, 1, 1, 1, 1};
    for (int round = 0; pattern && round < 50; ++round) {
      const std::optional<std::array<double, 7>> weekly = WeeklyFromLine(recent, trend);
      if (!weekly) break;
      double change = 0;
      for (size_t i = 0; i < 7; ++i) {
        change = std::max(change, std::fabs((*weekly)[i] - forecast.weekly[i]));
      }
      forecast.weekly = *weekly;
      points = Deseasonalise(recent, forecast.weekly);
      Fit refit;
      if (points.x.size() < 3 || !FitLine(points, &refit)) break;
      trend = refit;
      if (change <= 1e-13) break;
    }
    forecast.has_trend = true;
    forecast.slope_per_day = trend.slope;
    forecast.level = trend.intercept;  // at x = 0, the last observed day
    return forecast;
  }

  // No trend: the mean of the last 28 deseasonalised observations.
  const size_t n = points.y.size();
  const size_t take = std::min<size_t>(28, n);
  double sum = 0;
  for (size_t i = n - take; i < n; ++i) sum += points.y[i];
  forecast.level = take > 0 ? sum / static_cast<double>(take) : 0;
  return forecast;
}

}  // namespace tandem
