// The one set of number formats (tandem/common/format.h) every renderer and sentence uses, and
// the one name of each resource kind. Expected strings written by hand from the contracts.
#include "tandem/common/format.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "tandem/model/scenario.h"

namespace tandem {
namespace {

TEST(FormatTest, CountsRoundToWholeNumbersWithSeparators) {
  EXPECT_EQ(FormatCount(9381.6), "9,382");
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatCount(-12.4), "-12");
  EXPECT_EQ(FormatCount(-0.4), "0");  // never "-0"
}

TEST(FormatTest, PercentKeepsOneDecimalNearTheEnds) {
  EXPECT_EQ(FormatPercent(0.66), "66%");
  EXPECT_EQ(FormatPercent(0.9925), "99.2%");  // floor, so "not quite 100%" never reads 99.3%
  EXPECT_EQ(FormatPercent(0.004), "0.4%");
  EXPECT_EQ(FormatPercent(1.0), "100%");
  EXPECT_EQ(FormatPercent(std::numeric_limits<double>::quiet_NaN()), "n/a");
  EXPECT_EQ(FormatPercent(std::numeric_limits<double>::infinity()), "n/a");
}

TEST(FormatTest, MoneyNeverPrintsASignWithoutDigits) {
  EXPECT_EQ(FormatMoney(1234.6, "USD"), "$1,235");
  EXPECT_EQ(FormatMoney(-1234.6, "USD"), "-$1,235");
  EXPECT_EQ(FormatMoney(-0.3, "USD"), "$0");  // the "-$" bug of issue 11
  EXPECT_EQ(FormatMoney(1234.6, "EUR"), "1,235 EUR");
  EXPECT_EQ(FormatMoneyCents(8, "USD"), "$8.00");
  EXPECT_EQ(FormatMoneyCents(-1234.5, "USD"), "-$1,234.50");
  EXPECT_EQ(FormatMoneyCents(-0.004, "USD"), "$0.00");
  EXPECT_EQ(FormatMoneyCents(8, "EUR"), "8.00 EUR");
}

TEST(FormatTest, SignificantDigitsAsPercentG) {
  EXPECT_EQ(FormatSignificant(5.0 / 6.0, 4), "0.8333");
  EXPECT_EQ(FormatSignificant(12346.0, 4), "1.235e+04");
  EXPECT_EQ(FormatSignificant(40.5, 10), "40.5");
  EXPECT_EQ(FormatSignificant(120, 6), "120");
}

TEST(FormatTest, WordWrapIsGreedyAndCutsOnlyOverlongWords) {
  using Lines = std::vector<std::string>;
  // "aaa bb cccc d" at 7 columns: "aaa bb" is 6 (7 would be 11 with "cccc"), "cccc d" is 6.
  EXPECT_EQ(WrapWords("aaa bb cccc d", 7), (Lines{"aaa bb", "cccc d"}));
  // Exactly the width fits: "aaa bbb" is 7 columns.
  EXPECT_EQ(WrapWords("aaa bbb c", 7), (Lines{"aaa bbb", "c"}));
  // A word longer than a line stays whole unless a longest word is given: 10 letters cut at 4
  // give 4 + 4 + 2, and the pending line "x" goes out before the pieces.
  EXPECT_EQ(WrapWords("x abcdefghij", 20), (Lines{"x abcdefghij"}));
  EXPECT_EQ(WrapWords("x abcdefghij y", 20, 4), (Lines{"x", "abcd", "efgh", "ij y"}));
  EXPECT_EQ(WrapWords("", 10), Lines{});
}

TEST(FormatTest, ResourceKindNames) {
  EXPECT_STREQ(ResourceKindName(ResourceKind::kThroughput), "throughput");
  EXPECT_STREQ(ResourceKindName(ResourceKind::kSpace), "space");
  EXPECT_STREQ(ResourceKindName(ResourceKind::kBudget), "budget");
}

}  // namespace
}  // namespace tandem
