// A small linear / mixed-integer programming interface over COIN-OR Clp (LP) and Cbc (MIP).
//
// The call status (Result: the solver could run) is kept apart from the domain outcome
// (LpOutcome: optimal, infeasible, unbounded), as in HiGHS: an infeasible program is a result,
// not an error. Thread safety: Solve is reentrant (each call owns its solver).
#ifndef TANDEM_ADVISE_LINEAR_PROGRAM_H_
#define TANDEM_ADVISE_LINEAR_PROGRAM_H_

#include <limits>
#include <utility>
#include <vector>

#include "tandem/common/result.h"

namespace tandem {

inline constexpr double kLpInfinity = std::numeric_limits<double>::infinity();

struct LinearProgram {
  enum class Sense { kMaximize, kMinimize };
  Sense sense = Sense::kMaximize;
  // Per variable.
  std::vector<double> objective;
  std::vector<double> lower;  // default 0
  std::vector<double> upper;  // default +infinity
  std::vector<char> integer;  // empty, or 1 where the variable must be whole (solved by Cbc)
  // lower <= sum(coefficient * variable) <= upper; use +-kLpInfinity for one-sided rows.
  struct Row {
    std::vector<std::pair<int, double>> terms;
    double lower = -kLpInfinity;
    double upper = kLpInfinity;
  };
  std::vector<Row> rows;

  // Adds a variable and returns its index.
  int AddVariable(double objective_coefficient, double lower_bound = 0,
                  double upper_bound = kLpInfinity);
};

enum class LpOutcome { kOptimal, kInfeasible, kUnbounded };

struct LpSolution {
  LpOutcome outcome = LpOutcome::kInfeasible;
  double objective = 0;
  std::vector<double> values;  // per variable (optimal only)
};

// Errors: kInvalidInput for a malformed program (sizes, NaN); kInternal when the solver fails.
Result<LpSolution> Solve(const LinearProgram& program);

}  // namespace tandem

#endif  // TANDEM_ADVISE_LINEAR_PROGRAM_H_
