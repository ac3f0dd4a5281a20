// The engine's expectation of what each campaign sells in its window, per offering: the units
// the stock plan expects with every campaign in place (baseline x (1 + lifts x profile), caps
// aside). Counter-proposals allocate a cap with it. Pure function; thread-safe.
#ifndef TANDEM_ENGINE_WINDOW_DEMAND_H_
#define TANDEM_ENGINE_WINDOW_DEMAND_H_

#include <string>
#include <utility>
#include <vector>

#include "tandem/model/scenario.h"

namespace tandem {

// (offering id, expected units over the window) for each offering of campaign `campaign`, in
// the campaign's order. REQUIRES: the scenario validated, campaign < scenario.campaigns.size().
std::vector<std::pair<std::string, double>> ExpectedWindowDemand(const Scenario& scenario,
                                                                 int campaign);

}  // namespace tandem

#endif  // TANDEM_ENGINE_WINDOW_DEMAND_H_
