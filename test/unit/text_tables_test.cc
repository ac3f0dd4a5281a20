// The text tables keep money whole and aligned however wide it is (issue 13 item 8: money
// truncated in narrow columns): the check's economics table and recommend's options table size
// their columns to the widest entry, and every option says what it changes against the campaign
// as filed (issue 13 item 6).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tandem/advise/recommend.h"
#include "tandem/render/advise_output.h"
#include "tandem/render/check_output.h"

namespace tandem {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The text with each run of spaces and line breaks as one space (the summary column wraps).
std::string Collapsed(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n';
    if (space && !out.empty() && out.back() == ' ') continue;
    out += space ? ' ' : c;
  }
  return out;
}

// The line that starts (after its indent) with `label`.
std::string LineOf(const std::string& text, const std::string& label) {
  for (const std::string& line : Lines(text))
    if (line.rfind("  " + label, 0) == 0) return line;
  return "";
}

TEST(TextTablesTest, CheckEconomicsKeepsLargeMoneyWholeAndAligned) {
  CheckResult result;
  result.name = "big";
  result.currency = "points";
  CampaignResult campaign;
  campaign.id = "c";
  campaign.name = "c";
  // -1,234,567,890 points is 18 characters, wider than the column's 14.
  campaign.economics.revenue = {.p5 = 1e9, .p50 = 1.5e9, .p95 = 2e9, .mean = 1.5e9};
  campaign.economics.incremental_contribution = {
      .p5 = -1.3e9, .p50 = -1234567890, .p95 = -1.1e9, .mean = -1.2e9};
  campaign.economics.spend = 5;
  campaign.economics.expected_incremental_after_spend = -1234567895;
  campaign.economics.offerings.push_back({.offering = "an-offering-with-a-long-identifier",
                                          .unit_contribution = 1.5,
                                          .unit_contribution_after_returns = 1.25,
                                          .return_rate = 0.1});
  result.campaigns.push_back(campaign);
  const std::string text = CheckResultToText(result, /*color=*/false);
  // Every figure whole: "-1,234,567,890 points", "-1,234,567,895 points".
  const std::string contribution = LineOf(text, "incremental contribution");
  EXPECT_NE(contribution.find("-1,234,567,890 points"), std::string::npos) << text;
  const std::string net = LineOf(text, "expected net of spend");
  EXPECT_NE(net.find("-1,234,567,895 points"), std::string::npos) << text;
  // Right-aligned: the figures end in the same column on every row. The label column widens to
  // "per unit of an-offering-with-a-long-identifier" (46 characters) plus a space; the figure
  // column to the widest figure, 21 characters: each figure ends at 2 + 47 + 21 = 70.
  const std::string spend = LineOf(text, "spend");
  const std::string per_unit = LineOf(text, "per unit of an-offering-with-a-long-identifier");
  ASSERT_FALSE(per_unit.empty()) << text;
  EXPECT_EQ(net.find("points") + 6, 70u) << text;
  EXPECT_EQ(contribution.find("points") + 6, 70u) << text;
  EXPECT_EQ(spend.find("5 points") + 8, 70u) << text;
  EXPECT_EQ(per_unit.find("1.50 points") + 11, 70u) << text;
}

TEST(TextTablesTest, RecommendOptionsSayWhatChangesAgainstTheFiledCampaign) {
  Recommendations recommendations;
  CampaignRecommendation campaign;
  campaign.id = "c";
  campaign.name = "c";
  campaign.verdict = Verdict::kNoGo;
  RecommendOption option;
  option.lever = "cap";
  option.verdict = Verdict::kGo;
  option.summary = "Run it as a limited sale of 990 units";
  // Wider than the 16 columns of "net after spend": "-12,345,678,901 points" (22).
  option.economics.expected_incremental_after_spend = -12345678901;
  option.against_filed.net_after_spend = -2100;
  option.against_filed.incremental_units = -300;
  option.against_filed.fulfilment_cost = -300;
  campaign.options.push_back(option);
  RecommendOption relax;
  relax.lever = "relax";
  relax.verdict = Verdict::kGo;
  relax.summary = "Promise relaxed";
  relax.economics.expected_incremental_after_spend = 6720;
  relax.against_filed.wording.push_back(
      {0, "processed within 30h for 100% of orders", "processed within 48h for 100% of orders"});
  campaign.options.push_back(relax);
  recommendations.campaigns.push_back(campaign);
  const std::string text = RecommendationsToText(recommendations, "points", /*color=*/false);
  const std::vector<std::string> lines = Lines(text);
  // The money column is 22 wide, so the summary column starts at 2 + 3 + 18 + 9 + 22 + 3 = 57
  // on the option's row and on the lines under it.
  size_t row = 0;
  while (row < lines.size() && lines[row].rfind("  1  cap", 0) != 0) ++row;
  ASSERT_LT(row + 1, lines.size()) << text;
  EXPECT_NE(lines[row].find("-12,345,678,901 points"), std::string::npos) << text;
  EXPECT_EQ(lines[row].find("Run it"), 57u) << text;
  EXPECT_EQ(lines[row + 1].find_first_not_of(' '), 57u) << text;
  EXPECT_NE(Collapsed(text).find(
                "Against the campaign as filed: net after spend -2,100 points; extra units "
                "-300; fulfilment cost -300 points; every promise reads as filed."),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("net after spend unchanged"), std::string::npos) << text;
}

}  // namespace
}  // namespace tandem
