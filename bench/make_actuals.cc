// Writes actuals for a scenario (orders.csv, tickets.csv, spend.csv), for the follow-up
// benchmark (bench/followup.sh): a year of orders on the reference scenario is about 1.3
// million rows.
//
// Demand is the plan's (ExpectedPlanDemand: baseline x (1 + lift x profile weight) for the
// campaigns in force, at their expected lift, times --multiple inside campaign windows), drawn
// as Poisson counts per hour by the intraday shape, in orders of 1 to 3 units. Fulfilment is
// simple and deterministic: processed one route's processing time after the next open hour of
// its first resource, delivered a transit later; units of offerings with a return rate come back
// a return lag after delivery with that probability; side loads open a ticket each, answered an
// hour later. Deterministic for a seed. Not a model of queues: a benchmark input.
//
// Usage: tandem_make_actuals SCENARIO.yaml OUT_DIR [--until YYYY-MM-DDTHH:MM] [--multiple X]
//        [--seed N]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "tandem/engine/plan_demand.h"
#include "tandem/engine/random.h"
#include "tandem/followup/actuals.h"
#include "tandem/io/scenario_reader.h"

namespace {

using tandem::WallSeconds;

struct Writer {
  std::FILE* file;
  std::string buffer;
  void Flush(bool all) {
    if (buffer.size() < (1 << 20) && !all) return;
    std::fwrite(buffer.data(), 1, buffer.size(), file);
    buffer.clear();
  }
};

// The first open minute at or after `time` on `calendar` (none: now), within a week.
WallSeconds NextOpen(const tandem::Calendar* calendar, WallSeconds time) {
  if (calendar == nullptr) return time;
  for (int step = 0; step < 7 * 24 * 4; ++step) {
    const WallSeconds at = time + step * 900;
    const tandem::Date date = tandem::DateOfWallSeconds(at);
    const int minute = static_cast<int>((at - tandem::WallSecondsOf(date)) / 60);
    if (calendar->OpenMinutes(date, minute, std::min(minute + 15, tandem::kMinutesPerDay)) > 0)
      return step == 0 ? time : at;
  }
  return time;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: %s SCENARIO.yaml OUT_DIR [--until TIME] [--multiple X] [--seed N]\n",
                 argv[0]);
    return 2;
  }
  tandem::Result<tandem::Scenario> read = tandem::ReadScenarioFile(argv[1]);
  if (!read.ok()) {
    std::fprintf(stderr, "%s\n", read.error().ToString().c_str());
    return 3;
  }
  const tandem::Scenario& scenario = read.value();
  const std::filesystem::path out = argv[2];
  WallSeconds until = tandem::WallSecondsOf(scenario.horizon.end + 1);
  double multiple = 1;
  uint64_t seed = 1;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--until") until = tandem::ParseWallSeconds(argv[i + 1]).value_or(until);
    if (flag == "--multiple") multiple = std::atof(argv[i + 1]);
    if (flag == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  std::filesystem::create_directories(out);
  const tandem::PlanDemand plan = tandem::ExpectedPlanDemand(scenario);
  Writer orders{std::fopen((out / "orders.csv").c_str(), "w"), {}};
  Writer tickets{std::fopen((out / "tickets.csv").c_str(), "w"), {}};
  if (orders.file == nullptr || tickets.file == nullptr) return 4;
  orders.buffer = "order,offering,placed,units,processed,delivered,returned\n";
  tickets.buffer = "ticket,resource,opened,answered,offering\n";
  int64_t order_count = 0;
  int64_t ticket_count = 0;
  tandem::Stream stream(seed, 0, 1);
  const WallSeconds start = tandem::WallSecondsOf(scenario.horizon.start);
  for (int day = 0; day < plan.horizon_days; ++day) {
    for (size_t o = 0; o < scenario.offerings.size(); ++o) {
      const tandem::Offering& offering = scenario.offerings[o];
      double lift = 0;
      bool in_window = false;
      for (size_t k = 0; k < scenario.campaigns.size(); ++k) {
        const tandem::Campaign& campaign = scenario.campaigns[k];
        const int first = campaign.window.start - scenario.horizon.start;
        if (day < first || day > campaign.window.end - scenario.horizon.start) continue;
        for (const std::string& id : campaign.offerings) {
          if (id != offering.id) continue;
          lift += campaign.lift.expected * plan.weight[k][static_cast<size_t>(day - first)];
          in_window = true;
        }
      }
      const double day_units =
          plan.baseline[o][static_cast<size_t>(day)] * (1 + lift) * (in_window ? multiple : 1.0);
      const tandem::Resource* first_stage =
          offering.route.empty() ? nullptr : scenario.FindResource(offering.route[0].resource);
      const tandem::Calendar* calendar = first_stage == nullptr || first_stage->calendar.empty()
                                             ? nullptr
                                             : scenario.FindCalendar(first_stage->calendar);
      int64_t processing = 0;
      for (const tandem::RouteStep& step : offering.route)
        processing += scenario.FindResource(step.resource)->processing_time.minutes * 60;
      for (int hour = 0; hour < 24; ++hour) {
        const double share = plan.DayShare(static_cast<int>(o), hour * 60.0, hour * 60.0 + 60);
        const double count = stream.Poisson(day_units * share / 2.0);  // orders of 2 on average
        for (int n = 0; n < static_cast<int>(count); ++n) {
          const WallSeconds placed = start + (static_cast<int64_t>(day) * 24 + hour) * 3600 +
                                     static_cast<int64_t>(stream.Uniform() * 3600);
          if (placed > until) continue;
          const int size = 1 + static_cast<int>(stream.Uniform() * 3);
          const WallSeconds processed = NextOpen(calendar, placed) + processing;
          const WallSeconds delivered = processed + offering.transit.minutes * 60;
          WallSeconds returned = tandem::kNotYet;
          if (offering.return_rate > 0 && stream.Uniform() < offering.return_rate)
            returned = delivered + offering.return_lag.minutes * 60;
          auto stamp = [&](WallSeconds time) {
            return time <= until ? tandem::FormatWallSeconds(time) : std::string();
          };
          orders.buffer += "R" + std::to_string(++order_count) + "," + offering.id + "," +
                           tandem::FormatWallSeconds(placed) + "," + std::to_string(size) + "," +
                           stamp(processed) + "," + stamp(delivered) + "," + stamp(returned) + "\n";
          for (const tandem::Load& load : offering.loads) {
            if (stream.Uniform() >= load.per_unit * size) continue;
            const WallSeconds opened = placed + load.lag.minutes * 60;
            if (opened > until || opened >= tandem::WallSecondsOf(scenario.horizon.end + 1))
              continue;
            tickets.buffer += "T" + std::to_string(++ticket_count) + "," + load.resource + "," +
                              tandem::FormatWallSeconds(opened) + "," + stamp(opened + 3600) + "," +
                              offering.id + "\n";
          }
          orders.Flush(false);
          tickets.Flush(false);
        }
      }
    }
  }
  orders.Flush(true);
  tickets.Flush(true);
  std::fclose(orders.file);
  std::fclose(tickets.file);
  std::FILE* spend = std::fopen((out / "spend.csv").c_str(), "w");
  std::fputs("campaign,date,amount\n", spend);
  for (const tandem::Campaign& campaign : scenario.campaigns) {
    for (tandem::Date date = campaign.window.start; date <= campaign.window.end; date = date + 1) {
      if (tandem::WallSecondsOf(date) > until) break;
      std::fprintf(spend, "%s,%s,%.2f\n", campaign.id.c_str(), date.ToString().c_str(),
                   campaign.spend / campaign.window.days());
    }
  }
  std::fclose(spend);
  std::printf("%s: %lld orders, %lld tickets\n", out.c_str(), static_cast<long long>(order_count),
              static_cast<long long>(ticket_count));
  return 0;
}
