// Connected components of a scenario's resource graph (docs/scale-out.md, "Components of the
// resource graph"): the parts of a scenario that share nothing a check simulates.
//
// Nodes: offerings, resources (throughput, space, budget) and campaigns. Edges: an offering to
// each resource of its route, its side loads, its returns resource and its space; a campaign to
// its offerings, to the resources it books and those its promises name (response), and to each
// budget whose period holds its window's start (so campaigns on one budget are together).
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

}  // namespace tandem

#endif  // TANDEM_MODEL_COMPONENTS_H_
