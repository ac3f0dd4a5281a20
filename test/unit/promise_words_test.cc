// A promise in words, as the check, recommend, opportunities and follow-up print it.
#include <gtest/gtest.h>

#include "tandem/model/scenario.h"

namespace tandem {
namespace {

TEST(PromiseWordsTest, FreeReturnsCostIsMoneyInTheScenarioCurrency) {
  Promise promise;
  promise.type = PromiseType::kFreeReturns;
  promise.return_rate = 0.3;
  promise.cost = 8;
  // Before: "8.00 per return" beside "$" figures elsewhere (issue 13 item 8).
  EXPECT_EQ(promise.Describe("orders", "USD"),
            "free returns (expecting 30% returned, $8.00 per return)");
  EXPECT_EQ(promise.Describe("orders", "EUR"),
            "free returns (expecting 30% returned, 8.00 EUR per return)");
  promise.cost.reset();  // the returns resource's cost: no figure in the words
  EXPECT_EQ(promise.Describe("orders", "USD"), "free returns (expecting 30% returned)");
}

}  // namespace
}  // namespace tandem
