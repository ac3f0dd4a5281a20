// The import rate of actuals (docs/performance.md, "Follow-up"): reads a folder of actuals
// against its scenario RUNS times with ReadActualsFolder and prints the median time, orders per
// second and megabytes per second of orders.csv.
//
// Usage: tandem_actuals_import SCENARIO.yaml ACTUALS_DIR [RUNS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "tandem/io/actuals_csv.h"
#include "tandem/io/scenario_reader.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s SCENARIO.yaml ACTUALS_DIR [RUNS]\n", argv[0]);
    return 2;
  }
  const tandem::Result<tandem::Scenario> scenario = tandem::ReadScenarioFile(argv[1]);
  if (!scenario.ok()) {
    std::fprintf(stderr, "%s\n", scenario.error().ToString().c_str());
    return 3;
  }
  const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
  std::vector<double> seconds;
  size_t orders = 0;
  size_t tickets = 0;
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const tandem::Result<tandem::Actuals> actuals =
        tandem::ReadActualsFolder(argv[2], scenario.value());
    const auto stop = std::chrono::steady_clock::now();
    if (!actuals.ok()) {
      std::fprintf(stderr, "%s\n", actuals.error().ToString().c_str());
      return 3;
    }
    orders = actuals.value().orders.size();
    tickets = actuals.value().tickets.size();
    seconds.push_back(std::chrono::duration<double>(stop - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];
  const double bytes = static_cast<double>(
      std::filesystem::file_size(std::filesystem::path(argv[2]) / "orders.csv"));
  std::printf(
      "orders %zu tickets %zu median_seconds %.3f min_seconds %.3f orders_per_second %.0f "
      "orders_mb_per_second %.1f\n",
      orders, tickets, median, seconds.front(), static_cast<double>(orders) / median,
      bytes / 1e6 / median);
  return 0;
}
