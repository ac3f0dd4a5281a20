// Calibration of a throughput resource from processed timestamps (docs/follow-up.md,
// "Calibration"), on actuals built in memory with known answers:
//  * 100 orders two hours apart find the desk idle and are processed 30 minutes after they are
//    placed: processing_time 30m (the scenario says 0);
//  * then 200 orders arrive at once and are started 6 an hour (the scenario says 10), processed
//    30 minutes after their start: a queue stands through 33 whole hours, 6 started in each:
//    capacity 6.
// And the minimum-data rules: with 49 idle orders and 11 busy hours nothing is written.
#include <gtest/gtest.h>

#include <string>

#include "tandem/followup/calibrate.h"
#include "tandem/io/scenario_reader.h"

namespace tandem {
namespace {

Scenario Desk() {
  const FileLoader none = [](const std::string&) -> Result<std::string> {
    return Error::Io("no files");
  };
  return ParseScenario(R"(
tandem: 1
name: desk
horizon: {start: 2027-03-01, end: 2027-03-31}
resources:
  - {id: desk, kind: throughput, capacity: 10}
offerings:
  - {id: form, price: 10, stocked: false, route: [desk], baseline: {per_day: 10}}
)",
                       "desk.yaml", none)
      .value();
}

void Add(Actuals* actuals, WallSeconds placed, WallSeconds processed) {
  OrderRecord order;
  const std::string id = "o" + std::to_string(actuals->orders.size());
  order.id = {actuals->order_ids.size(), static_cast<uint32_t>(id.size())};
  actuals->order_ids += id;
  order.placed = placed;
  order.processed = processed;
  actuals->orders.push_back(order);
}

Actuals Orders(int idle, int queued) {
  Actuals actuals;
  actuals.has_orders = true;
  const WallSeconds start = WallSecondsOf(Date::FromCivil(2027, 3, 1));
  for (int i = 0; i < idle; ++i) Add(&actuals, start + i * 7200, start + i * 7200 + 1800);
  const WallSeconds burst = start + 10 * 86400;  // Thu 11 Mar 00:00
  for (int i = 0; i < queued; ++i) Add(&actuals, burst, burst + i * 600 + 1800);  // 6 an hour
  return actuals;
}

Calibration CalibrateDesk(const Actuals& actuals) {
  FollowUpResult result;
  result.as_of = WallSecondsOf(Date::FromCivil(2027, 3, 20));
  return Calibrate(Desk(), actuals, result).value();
}

TEST(CalibrateTest, ProcessingTimeAndCapacityFromProcessedTimes) {
  const Calibration calibration = CalibrateDesk(Orders(100, 200));
  ASSERT_EQ(calibration.changes.size(), 2u);
  EXPECT_EQ(calibration.changes[0].key, "resources[desk].processing_time");
  EXPECT_EQ(calibration.changes[0].after, "30m");
  EXPECT_EQ(calibration.changes[1].key, "resources[desk].capacity");
  EXPECT_EQ(calibration.changes[1].after, "6");
  EXPECT_EQ(calibration.scenario.resources[0].processing_time, Duration::Minutes(30));
  EXPECT_DOUBLE_EQ(calibration.scenario.resources[0].capacity, 6);
}

// 48 idle orders (and the first of the burst, 49) are below the 50 needed, so the scenario's
// processing time (0) stands; judged with it, 65 queued orders start from 30 minutes after the
// burst, 6 an hour, the last at 0.5 + 64 / 6 = 11.17 hours: a queue through 11 whole hours,
// below the 12 needed.
TEST(CalibrateTest, TooLittleDataChangesNothing) {
  const Calibration calibration = CalibrateDesk(Orders(48, 65));
  EXPECT_TRUE(calibration.changes.empty());
  ASSERT_EQ(calibration.not_calibrated.size(), 2u);
  EXPECT_NE(calibration.not_calibrated[0].find("49 orders found no queue; needs 50"),
            std::string::npos)
      << calibration.not_calibrated[0];
  EXPECT_NE(calibration.not_calibrated[1].find("11 open hours with a queue throughout; needs 12"),
            std::string::npos)
      << calibration.not_calibrated[1];
  EXPECT_DOUBLE_EQ(calibration.scenario.resources[0].capacity, 10);
}

}  // namespace
}  // namespace tandem
