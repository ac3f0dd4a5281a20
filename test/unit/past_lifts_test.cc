// Planned against observed lift across campaigns (follow-up.md, "Calibration": "a planner
// entering a new lift sees how past plans fared"), on follow-up results built by hand.
#include <gtest/gtest.h>

#include "tandem/followup/calibrate.h"

namespace tandem {
namespace {

CampaignFollowUp Followed(const std::string& id, CampaignPhase phase, int completed_days,
                          double planned, std::optional<double> observed) {
  CampaignFollowUp campaign;
  campaign.id = id;
  campaign.phase = phase;
  campaign.demand.completed_days = completed_days;
  campaign.demand.elapsed_days = completed_days + 0.5;
  campaign.demand.lift.planned = planned;
  campaign.demand.lift.observed = observed;
  if (observed && planned != 0) campaign.demand.lift.ratio = *observed / planned;
  return campaign;
}

TEST(PastLiftsTest, RecordsCountOnlyCampaignsWithEnoughDays) {
  FollowUpResult result;
  // Ended: counts (0.15 / 0.3 = 0.5).
  result.campaigns.push_back(Followed("ended", CampaignPhase::kEnded, 7, 0.3, 0.15));
  // Live for 3 whole days: counts, as calibration's minimum (0.48 / 0.6 = 0.8).
  result.campaigns.push_back(Followed("three-days", CampaignPhase::kLive, 3, 0.6, 0.48));
  // Live for 2 whole days: recorded, not counted.
  result.campaigns.push_back(Followed("two-days", CampaignPhase::kLive, 2, 0.5, 1.5));
  // Not started: no observed lift, no record.
  result.campaigns.push_back(Followed("planned", CampaignPhase::kPlanned, 0, 0.4, std::nullopt));
  // Ended, but 1 + lift = 0.04 leaves no demand: not counted (calibration does not write it).
  result.campaigns.push_back(Followed("no-demand", CampaignPhase::kEnded, 7, 0.2, -0.96));
  const std::vector<LiftRecord> records = LiftRecordsOf(result);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].campaign, "ended");
  EXPECT_TRUE(records[0].calibrated);
  EXPECT_DOUBLE_EQ(*records[0].ratio, 0.5);
  EXPECT_TRUE(records[1].calibrated);
  EXPECT_FALSE(records[2].calibrated);
  EXPECT_EQ(records[3].campaign, "no-demand");
  EXPECT_FALSE(records[3].calibrated);

  // Counted ratios 0.5 and 0.8: the median of two is their mean, 0.65 -> "0.7x" (one decimal;
  // 0.65 is 0.6500000000000000222 in binary, so it rounds up).
  const PastLifts past = SummarisePastLifts(records);
  EXPECT_EQ(past.campaigns, 2);
  EXPECT_DOUBLE_EQ(*past.median_ratio, 0.65);
  EXPECT_EQ(past.text, "Past campaigns ran at 0.7x their planned lift (median of 2 campaigns).");
}

TEST(PastLiftsTest, MedianIsNotMovedByOneOutlier) {
  // Ratios 0.4, 0.6, 0.9 and an outlier 6.0: the median of four is (0.6 + 0.9) / 2 = 0.75 ->
  // "0.8x"; the mean would be 1.975.
  std::vector<LiftRecord> records;
  for (double ratio : {0.6, 6.0, 0.4, 0.9}) {
    LiftRecord record;
    record.planned = 0.5;
    record.observed = 0.5 * ratio;
    record.ratio = ratio;
    record.calibrated = true;
    records.push_back(record);
  }
  // Planned 0: no ratio, not counted.
  LiftRecord no_plan;
  no_plan.calibrated = true;
  records.push_back(no_plan);
  const PastLifts past = SummarisePastLifts(records);
  EXPECT_EQ(past.campaigns, 4);
  EXPECT_DOUBLE_EQ(*past.median_ratio, 0.75);
  EXPECT_EQ(past.text, "Past campaigns ran at 0.8x their planned lift (median of 4 campaigns).");
}

TEST(PastLiftsTest, OneCampaignAndNone) {
  LiftRecord record;
  record.planned = 0.3;
  record.observed = 0.18;
  record.ratio = 0.6;
  record.calibrated = true;
  EXPECT_EQ(SummarisePastLifts({record}).text,
            "The one past campaign with enough actuals ran at 0.6x its planned lift.");
  const PastLifts none = SummarisePastLifts({});
  EXPECT_EQ(none.campaigns, 0);
  EXPECT_FALSE(none.median_ratio);
  EXPECT_EQ(none.text, "");
}

}  // namespace
}  // namespace tandem
