// Tiny programs with known optima (worked out by hand in each test).
#include "tandem/advise/linear_program.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

TEST(LinearProgramTest, TextbookMaximum) {
  // max 3x + 5y s.t. x <= 4, 2y <= 12, 3x + 2y <= 18 -> x = 2, y = 6, value 36.
  LinearProgram program;
  const int x = program.AddVariable(3);
  const int y = program.AddVariable(5);
  program.rows.push_back({{{x, 1}}, -kLpInfinity, 4});
  program.rows.push_back({{{y, 2}}, -kLpInfinity, 12});
  program.rows.push_back({{{x, 3}, {y, 2}}, -kLpInfinity, 18});
  Result<LpSolution> solution = Solve(program);
  ASSERT_TRUE(solution.ok());
  ASSERT_EQ(solution.value().outcome, LpOutcome::kOptimal);
  EXPECT_NEAR(solution.value().objective, 36, 1e-9);
  EXPECT_NEAR(solution.value().values[0], 2, 1e-9);
  EXPECT_NEAR(solution.value().values[1], 6, 1e-9);
}

TEST(LinearProgramTest, CapAllocationPrefersContributionPerCapacity) {
  // Allocate 1,000 units between mulch (margin 2, 1 pick each) and pavers (margin 5, 2 picks
  // each) with 1,400 picks of room and demand caps 900 / 600.
  // With x + y = 1000 and x + 2y <= 1400: y <= 400. Objective 2x + 5y = 2000 + 3y, so y = 400,
  // x = 600, value 3,200.
  LinearProgram program;
  const int mulch = program.AddVariable(2, 0, 900);
  const int pavers = program.AddVariable(5, 0, 600);
  program.rows.push_back({{{mulch, 1}, {pavers, 1}}, 1000, 1000});
  program.rows.push_back({{{mulch, 1}, {pavers, 2}}, -kLpInfinity, 1400});
  Result<LpSolution> solution = Solve(program);
  ASSERT_TRUE(solution.ok());
  ASSERT_EQ(solution.value().outcome, LpOutcome::kOptimal);
  EXPECT_NEAR(solution.value().values[static_cast<size_t>(mulch)], 600, 1e-9);
  EXPECT_NEAR(solution.value().values[static_cast<size_t>(pavers)], 400, 1e-9);
  EXPECT_NEAR(solution.value().objective, 3200, 1e-9);
}

TEST(LinearProgramTest, InfeasibleIsAResultNotAnError) {
  // x >= 5 and x <= 3.
  LinearProgram program;
  const int x = program.AddVariable(1);
  program.rows.push_back({{{x, 1}}, 5, kLpInfinity});
  program.rows.push_back({{{x, 1}}, -kLpInfinity, 3});
  Result<LpSolution> solution = Solve(program);
  ASSERT_TRUE(solution.ok());
  EXPECT_EQ(solution.value().outcome, LpOutcome::kInfeasible);
}

TEST(LinearProgramTest, Unbounded) {
  LinearProgram program;
  program.AddVariable(1);  // max x, x >= 0, no rows
  Result<LpSolution> solution = Solve(program);
  ASSERT_TRUE(solution.ok());
  EXPECT_EQ(solution.value().outcome, LpOutcome::kUnbounded);
}

TEST(LinearProgramTest, IntegerKnapsack) {
  // max x + y s.t. 2x + 2y <= 3: the LP optimum is 1.5; with whole x and y it is 1.
  LinearProgram program;
  const int x = program.AddVariable(1);
  const int y = program.AddVariable(1);
  program.integer = {1, 1};
  program.rows.push_back({{{x, 2}, {y, 2}}, -kLpInfinity, 3});
  Result<LpSolution> solution = Solve(program);
  ASSERT_TRUE(solution.ok());
  ASSERT_EQ(solution.value().outcome, LpOutcome::kOptimal);
  EXPECT_NEAR(solution.value().objective, 1, 1e-9);
}

TEST(LinearProgramTest, MalformedProgramIsBadInput) {
  LinearProgram program;
  program.AddVariable(1);
  program.rows.push_back({{{3, 1}}, 0, 1});  // no variable 3
  Result<LpSolution> solution = Solve(program);
  ASSERT_FALSE(solution.ok());
  EXPECT_EQ(solution.error().code, ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace tandem
