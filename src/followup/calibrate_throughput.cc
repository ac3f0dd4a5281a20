// Calibration of a throughput resource from processed timestamps (docs/follow-up.md,
// "Calibration"): its processing_time from the orders that found no queue, and its capacity
// from the starts per open hour while a queue stood. Only for a resource that is the whole
// route of the offerings measured (a processed time then belongs to it alone) and that has no
// planned changes (one figure would not describe it).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "tandem/common/format.h"
#include "tandem/followup/calibrate.h"

namespace tandem {
namespace {

constexpr size_t kIdleMinimumOrders = 50;
constexpr int kBusyMinimumHours = 12;

struct Job {
  WallSeconds placed = 0;
  WallSeconds processed = 0;
  double work = 0;  // units x per_unit
};

bool OpenAt(const Calendar* calendar, WallSeconds time, int minutes) {
  if (calendar == nullptr) return true;
  const Date date = DateOfWallSeconds(time);
  const int minute = static_cast<int>((time - WallSecondsOf(date)) / 60);
  return calendar->OpenMinutes(date, minute, minute + minutes) >= minutes;
}

// Whether any campaign books extra capacity on `resource` on `date`.
bool Booked(const Scenario& scenario, const std::string& resource, Date date) {
  for (const Campaign& campaign : scenario.campaigns) {
    for (const Booking& booking : campaign.bookings) {
      if (booking.resource == resource && booking.from <= date && date <= booking.until)
        return true;
    }
  }
  return false;
}

}  // namespace

void CalibrateThroughput(const Scenario& scenario, const Actuals& actuals, WallSeconds as_of,
                         Calibration* out) {
  for (size_t r = 0; r < scenario.resources.size(); ++r) {
    const Resource& resource = scenario.resources[r];
    if (resource.kind != ResourceKind::kThroughput) continue;
    std::vector<double> per_unit(scenario.offerings.size(), 0.0);
    bool fed = false;
    for (size_t o = 0; o < scenario.offerings.size(); ++o) {
      const std::vector<RouteStep>& route = scenario.offerings[o].route;
      if (route.size() == 1 && route[0].resource == resource.id) {
        per_unit[o] = route[0].per_unit;
        fed = true;
      }
    }
    if (!fed) continue;
    const std::string key = "resources[" + resource.id + "]";
    std::vector<Job> jobs;
    for (const OrderRecord& order : actuals.orders) {
      if (per_unit[static_cast<size_t>(order.offering)] <= 0 || order.placed > as_of ||
          order.processed == kNotYet || order.processed > as_of)
        continue;
      jobs.push_back({order.placed, order.processed,
                      order.units * per_unit[static_cast<size_t>(order.offering)]});
    }
    if (jobs.empty()) continue;
    if (!resource.changes.empty()) {
      out->not_calibrated.push_back(key +
                                    ": planned changes over time; capacity and "
                                    "processing_time not calibrated");
      continue;
    }
    std::sort(jobs.begin(), jobs.end(),
              [](const Job& a, const Job& b) { return a.placed < b.placed; });
    const Calendar* calendar =
        resource.calendar.empty() ? nullptr : scenario.FindCalendar(resource.calendar);
    Resource& written = out->scenario.resources[r];

    // processing_time: orders that found nobody waiting ahead of them (judged with the
    // scenario's processing time) while the resource was open took it alone.
    const int64_t planned_seconds = resource.processing_time.minutes * 60;
    std::vector<double> idle_times;
    WallSeconds latest_start = std::numeric_limits<WallSeconds>::min();
    for (const Job& job : jobs) {
      if (latest_start <= job.placed && OpenAt(calendar, job.placed, 1))
        idle_times.push_back(static_cast<double>(job.processed - job.placed));
      latest_start = std::max(latest_start, job.processed - planned_seconds);
    }
    int64_t processing_seconds = planned_seconds;
    if (idle_times.size() >= kIdleMinimumOrders) {
      std::nth_element(idle_times.begin(), idle_times.begin() + idle_times.size() / 2,
                       idle_times.end());
      const int64_t minutes = std::llround(idle_times[idle_times.size() / 2] / 60.0);
      processing_seconds = minutes * 60;
      if (minutes != resource.processing_time.minutes) {
        out->changes.push_back({key + ".processing_time", resource.processing_time.ToString(),
                                Duration::Minutes(minutes).ToString(),
                                "median time to processed of " +
                                    FormatCount(static_cast<double>(idle_times.size())) +
                                    " orders that found no queue"});
        written.processing_time = Duration::Minutes(minutes);
      }
    } else {
      out->not_calibrated.push_back(key + ".processing_time: " + std::to_string(idle_times.size()) +
                                    " orders found no queue; needs " +
                                    std::to_string(kIdleMinimumOrders));
    }

    // capacity: work started per whole open hour while a queue stood through the hour.
    const WallSeconds first_hour = jobs.front().placed / 3600 * 3600;
    const WallSeconds last_hour = as_of / 3600 * 3600;  // hours ending by as-of
    const size_t hours = static_cast<size_t>(std::max<int64_t>(0, (last_hour - first_hour) / 3600));
    std::vector<double> started(hours, 0.0);
    for (const Job& job : jobs) {
      const int64_t hour = (job.processed - processing_seconds - first_hour) / 3600;
      if (hour >= 0 && static_cast<size_t>(hour) < hours)
        started[static_cast<size_t>(hour)] += job.work;
    }
    double work = 0;
    int busy = 0;
    size_t next = 0;
    WallSeconds latest = std::numeric_limits<WallSeconds>::min();  // latest start so far
    for (size_t h = 0; h < hours; ++h) {
      const WallSeconds from = first_hour + static_cast<int64_t>(h) * 3600;
      while (next < jobs.size() && jobs[next].placed <= from) {
        latest = std::max(latest, jobs[next].processed - processing_seconds);
        ++next;
      }
      if (latest < from + 3600 || !OpenAt(calendar, from, 60) ||
          Booked(scenario, resource.id, DateOfWallSeconds(from)))
        continue;
      work += started[h];
      ++busy;
    }
    if (busy < kBusyMinimumHours) {
      out->not_calibrated.push_back(key + ".capacity: " + std::to_string(busy) +
                                    " open hours with a queue throughout; needs " +
                                    std::to_string(kBusyMinimumHours));
      continue;
    }
    const double capacity = std::round(work / busy * 10) / 10;
    if (std::fabs(capacity - resource.capacity) > 1e-9) {
      out->changes.push_back({key + ".capacity", FormatSignificant(resource.capacity, 4),
                              FormatSignificant(capacity, 4),
                              FormatCount(work) + " " + resource.unit + " started in " +
                                  std::to_string(busy) + " open hours with a queue throughout"});
      written.capacity = capacity;
    }
  }
}

}  // namespace tandem
