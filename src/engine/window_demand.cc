#include "tandem/engine/window_demand.h"

#include "engine/compiled_model.h"
#include "engine/simulator.h"

namespace tandem {

std::vector<std::pair<std::string, double>> ExpectedWindowDemand(const Scenario& scenario,
                                                                 int campaign) {
  const engine::CompiledModel model = engine::Compile(scenario, CheckOptions{});
  const engine::RunPlan plan =
      engine::MakeRunPlan(model, std::vector<char>(model.campaigns.size(), 1));
  const engine::CompiledCampaign& compiled = model.campaigns[static_cast<size_t>(campaign)];
  std::vector<std::pair<std::string, double>> demand;
  for (int o : compiled.offerings) {
    double units = 0;
    for (int day = compiled.first_day; day <= compiled.last_day; ++day)
      units += plan.expected_counts[static_cast<size_t>(o)][static_cast<size_t>(day)];
    demand.emplace_back(model.offerings[static_cast<size_t>(o)].id, units);
  }
  return demand;
}

}  // namespace tandem
