// Tests for the error values (tandem/common/result.h): the diagnostic format
// "file:line:column: key: problem; allowed", with each optional part left out in turn.
#include "tandem/common/result.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tandem {
namespace {

Diagnostic Make(int line, int column, std::string key, std::string allowed) {
  Diagnostic diagnostic;
  diagnostic.file = "plan.yaml";
  diagnostic.line = line;
  diagnostic.column = column;
  diagnostic.key = std::move(key);
  diagnostic.problem = "must be positive";
  diagnostic.allowed = std::move(allowed);
  return diagnostic;
}

TEST(DiagnosticTest, FullFormat) {
  EXPECT_EQ(Make(12, 5, "resources[0].capacity", "a number > 0").ToString(),
            "plan.yaml:12:5: resources[0].capacity: must be positive; a number > 0");
}

TEST(DiagnosticTest, OptionalParts) {
  EXPECT_EQ(Make(12, 0, "resources[0].capacity", "a number > 0").ToString(),
            "plan.yaml:12: resources[0].capacity: must be positive; a number > 0");
  EXPECT_EQ(Make(0, 0, "resources[0].capacity", "a number > 0").ToString(),
            "plan.yaml: resources[0].capacity: must be positive; a number > 0");
  // A column without a line is meaningless and left out.
  EXPECT_EQ(Make(0, 7, "k", "").ToString(), "plan.yaml: k: must be positive");
  EXPECT_EQ(Make(3, 4, "", "a number > 0").ToString(),
            "plan.yaml:3:4: must be positive; a number > 0");
  EXPECT_EQ(Make(3, 4, "k", "").ToString(), "plan.yaml:3:4: k: must be positive");
  EXPECT_EQ(Make(0, 0, "", "").ToString(), "plan.yaml: must be positive");
}

TEST(ErrorTest, FactoriesSetCodeAndMessage) {
  EXPECT_EQ(Error::Io("cannot read 'x.csv'").code, ErrorCode::kIo);
  EXPECT_EQ(Error::Internal("oops").code, ErrorCode::kInternal);
  EXPECT_EQ(Error::InvalidInput("bad").code, ErrorCode::kInvalidInput);
  EXPECT_EQ(Error::InvalidInput(std::vector<Diagnostic>{Make(1, 1, "k", "")}).code,
            ErrorCode::kInvalidInput);
  EXPECT_EQ(Error::Io("cannot read 'x.csv'").ToString(), "cannot read 'x.csv'");
  EXPECT_EQ(Error{}.ToString(), "");
}

// An error about an option names it apart from its text, so that each front end can spell it.
TEST(ErrorTest, InvalidOptionNamesTheOptionApartFromTheText) {
  const Error error = Error::InvalidOption("as_of", "no time in the actuals");
  EXPECT_EQ(error.code, ErrorCode::kInvalidInput);
  EXPECT_EQ(error.option, "as_of");
  EXPECT_EQ(error.ToString(), "no time in the actuals");
  EXPECT_EQ(Error::InvalidInput("bad").option, "");
}

TEST(ErrorTest, ToStringJoinsLines) {
  const Error error =
      Error::InvalidInput(std::vector<Diagnostic>{Make(1, 2, "a", ""), Make(3, 0, "b", "x")});
  EXPECT_EQ(error.ToString(),
            "plan.yaml:1:2: a: must be positive\nplan.yaml:3: b: must be positive; x");
  // A message comes first, then the diagnostics, one per line; no trailing newline.
  Error both = error;
  both.message = "2 problems";
  EXPECT_EQ(both.ToString(),
            "2 problems\nplan.yaml:1:2: a: must be positive\nplan.yaml:3: b: must be positive; x");
  const Error one = Error::InvalidInput(std::vector<Diagnostic>{Make(9, 9, "", "")});
  EXPECT_EQ(one.ToString(), "plan.yaml:9:9: must be positive");
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.value(), 7);
  Result<int> bad = Error::Internal("no");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInternal);
  EXPECT_EQ(bad.error().message, "no");
  Result<std::string> moved = std::string("text");
  EXPECT_EQ(std::move(moved).value(), "text");
  EXPECT_TRUE(OkStatus().ok());
}

}  // namespace
}  // namespace tandem
