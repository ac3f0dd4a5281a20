// Connected components of a scenario's resource graph (docs/scale-out.md, "Components of the
// resource graph"): the parts of a scenario that share nothing a check simulates.
//
// Nodes: offerings, resources (throughput, space, budget) and campaigns. Edges: an offering to
// each resource of its route, its side loads, its returns resource and its space; a campaign to
// its offerings, to the resources it books and those its promises name (response). Budgets have
// no edge (each is a component of its own): a budget's check adds the campaigns' declared spend
// from the whole scenario and simulates nothing, so it needs no part of the split.
// Standing promises (`messaging`) are not nodes: a standing promise over several components is
// measured per component and its sums added in component order (the engine's summation order),
// so it joins nothing.
//
// Components are numbered in a canonical order: by their smallest offering index, then those
// without an offering by their smallest resource index. Near-linear (ids looked up by hash).
// REQUIRES: the scenario validated. Pure function; thread-safe.
#ifndef TANDEM_MODEL_COMPONENTS_H_
#define TANDEM_MODEL_COMPONENTS_H_

#include <vector>

#include "tandem/model/scenario.h"

namespace tandem {

struct ResourceComponents {
  int count = 0;
  std::vector<int> offering;  // per scenario offering: its component
  std::vector<int> resource;  // per scenario resource: its component
  std::vector<int> campaign;  // per campaign: its component
};

ResourceComponents FindComponents(const Scenario& scenario);

// The scenario restricted to one component (docs/scale-out.md, "The sub-model"): its offerings,
// resources and campaigns, in the whole scenario's order, and the standing promises that cover
// one of its offerings (or, response, measure one of its resources), each narrowed to the
// component's offerings. Claims and free returns among the standing promises are left out: they
// simulate nothing, and the whole scenario's summary computes them. Calendars, capabilities,
// horizon and settings are the whole scenario's. The index vectors map each part back to the
// whole scenario, for the random streams (their keys are the whole scenario's indices) and for
// putting the component's figures back in their places.
struct ComponentScenario {
  Scenario scenario;
  std::vector<int> offering;   // per offering of `scenario`: its index in the whole scenario
  std::vector<int> resource;   // per resource: the same
  std::vector<int> campaign;   // per campaign: the same
  std::vector<int> messaging;  // per standing promise: the same
};

// The component a promise's measurement lies in: that of every offering it covers (and, for a
// response promise, of its resource); -1 when they lie in several. REQUIRES: as FindComponents.
int PromiseComponent(const Scenario& scenario, const ResourceComponents& components,
                     const Promise& promise);

// REQUIRES: the scenario validated, `components` = FindComponents(scenario), 0 <= component <
// components.count. The result is a validated scenario.
ComponentScenario RestrictToComponent(const Scenario& scenario,
                                      const ResourceComponents& components, int component);

}  // namespace tandem

#endif  // TANDEM_MODEL_COMPONENTS_H_
