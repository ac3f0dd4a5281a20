#include "tandem/advise/linear_program.h"

#include <CbcModel.hpp>
#include <ClpSimplex.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>

#include <cmath>
#include <exception>

namespace tandem {
namespace {

double Finite(double value) {
  if (value == kLpInfinity) return COIN_DBL_MAX;
  if (value == -kLpInfinity) return -COIN_DBL_MAX;
  return value;
}

}  // namespace

int LinearProgram::AddVariable(double objective_coefficient, double lower_bound,
                               double upper_bound) {
  objective.push_back(objective_coefficient);
  lower.push_back(lower_bound);
  upper.push_back(upper_bound);
  if (!integer.empty()) integer.push_back(0);
  return static_cast<int>(objective.size()) - 1;
}

Result<LpSolution> Solve(const LinearProgram& program) {
  const size_t variables = program.objective.size();
  if (program.lower.size() != variables || program.upper.size() != variables ||
      (!program.integer.empty() && program.integer.size() != variables)) {
    return Error::InvalidInput("linear program: bounds or integrality do not match the variables");
  }
  for (size_t j = 0; j < variables; ++j) {
    if (std::isnan(program.objective[j]) || std::isnan(program.lower[j]) ||
        std::isnan(program.upper[j])) {
      return Error::InvalidInput("linear program: a coefficient or bound is not a number");
    }
  }
  CoinPackedMatrix matrix(false, 0, 0);  // row-ordered
  matrix.setDimensions(0, static_cast<int>(variables));
  std::vector<double> row_lower;
  std::vector<double> row_upper;
  for (const LinearProgram::Row& row : program.rows) {
    std::vector<int> indices;
    std::vector<double> values;
    for (const auto& [index, coefficient] : row.terms) {
      if (index < 0 || static_cast<size_t>(index) >= variables || std::isnan(coefficient)) {
        return Error::InvalidInput(
            "linear program: a row refers to an unknown variable or has a NaN");
      }
      indices.push_back(index);
      values.push_back(coefficient);
    }
    matrix.appendRow(static_cast<int>(indices.size()), indices.data(), values.data());
    row_lower.push_back(Finite(row.lower));
    row_upper.push_back(Finite(row.upper));
  }
  std::vector<double> column_lower(variables);
  std::vector<double> column_upper(variables);
  std::vector<double> objective(variables);
  const double sign =
      program.sense == LinearProgram::Sense::kMaximize ? -1.0 : 1.0;  // Clp minimises
  for (size_t j = 0; j < variables; ++j) {
    column_lower[j] = Finite(program.lower[j]);
    column_upper[j] = Finite(program.upper[j]);
    objective[j] = sign * program.objective[j];
  }
  bool mixed = false;
  for (char whole : program.integer) mixed = mixed || whole;
  try {
    LpSolution solution;
    if (!mixed) {
      ClpSimplex simplex;
      simplex.setLogLevel(0);
      simplex.loadProblem(matrix, column_lower.data(), column_upper.data(), objective.data(),
                          row_lower.data(), row_upper.data());
      simplex.primal();
      if (simplex.isProvenPrimalInfeasible()) {
        solution.outcome = LpOutcome::kInfeasible;
        return solution;
      }
      if (simplex.isProvenDualInfeasible()) {
        solution.outcome = LpOutcome::kUnbounded;
        return solution;
      }
      if (!simplex.isProvenOptimal())
        return Error::Internal("linear program: Clp stopped without an optimum");
      solution.outcome = LpOutcome::kOptimal;
      solution.objective = sign * simplex.objectiveValue();
      solution.values.assign(simplex.primalColumnSolution(),
                             simplex.primalColumnSolution() + variables);
      return solution;
    }
    OsiClpSolverInterface solver;
    solver.loadProblem(matrix, column_lower.data(), column_upper.data(), objective.data(),
                       row_lower.data(), row_upper.data());
    for (size_t j = 0; j < variables; ++j) {
      if (program.integer[j]) solver.setInteger(static_cast<int>(j));
    }
    solver.messageHandler()->setLogLevel(0);
    CbcModel model(solver);
    model.setLogLevel(0);
    model.messageHandler()->setLogLevel(0);
    model.branchAndBound();
    if (model.isProvenInfeasible()) {
      solution.outcome = LpOutcome::kInfeasible;
      return solution;
    }
    if (model.isContinuousUnbounded()) {
      solution.outcome = LpOutcome::kUnbounded;
      return solution;
    }
    if (!model.isProvenOptimal() || model.bestSolution() == nullptr) {
      return Error::Internal("linear program: Cbc stopped without an optimum");
    }
    solution.outcome = LpOutcome::kOptimal;
    solution.objective = sign * model.getObjValue();
    solution.values.assign(model.bestSolution(), model.bestSolution() + variables);
    return solution;
  } catch (const std::exception& error) {
    return Error::Internal(std::string("linear program: solver failed: ") + error.what());
  } catch (...) {
    return Error::Internal("linear program: solver failed");
  }
}

}  // namespace tandem
