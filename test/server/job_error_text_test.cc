// How a failed job words an engine error about an option: the API's name for the option, then
// the library's scenario-worded text (never a CLI flag).
#include <gtest/gtest.h>

#include "tandem/server/api.h"

namespace tandem::server {
namespace {

TEST(JobErrorTextTest, NamesTheOptionAsTheApiDoes) {
  EXPECT_EQ(JobErrorText(Error::InvalidOption("as_of", "no time in the actuals")),
            "as_of: no time in the actuals");
  EXPECT_EQ(JobErrorText(Error::InvalidOption("campaign", "no campaign 'x' in the scenario")),
            "campaign: no campaign 'x' in the scenario");
  // The scenario count comes from `tandem serve --check-scenarios`, not from the request.
  EXPECT_EQ(
      JobErrorText(Error::InvalidOption("scenarios", "simulating 0 scenarios is out of range")),
      "check_scenarios: simulating 0 scenarios is out of range");
  EXPECT_EQ(JobErrorText(Error::Internal("disk full")), "disk full");
}

}  // namespace
}  // namespace tandem::server
