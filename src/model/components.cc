#include "tandem/model/components.h"

#include <cstddef>
#include <numeric>
#include <string>
#include <unordered_map>
#include <utility>

namespace tandem {
namespace {

// Union-find over the nodes: offerings, then resources, then campaigns.
class Forest {
 public:
  explicit Forest(size_t nodes) : parent_(nodes) {
    std::iota(parent_.begin(), parent_.end(), size_t{0});
  }
  size_t Root(size_t node) {
    while (parent_[node] != node) {
      parent_[node] = parent_[parent_[node]];
      node = parent_[node];
    }
    return node;
  }
  void Join(size_t a, size_t b) {
    a = Root(a);
    b = Root(b);
    if (a == b) return;
    if (b < a) std::swap(a, b);
    parent_[b] = a;  // the smaller node is the root: offerings come first
  }

 private:
  std::vector<size_t> parent_;
};

}  // namespace

ResourceComponents FindComponents(const Scenario& scenario) {
  const size_t offerings = scenario.offerings.size();
  const size_t resources = scenario.resources.size();
  const size_t campaigns = scenario.campaigns.size();
  std::unordered_map<std::string, size_t> resource_node;
  for (size_t r = 0; r < resources; ++r)
    resource_node.emplace(scenario.resources[r].id, offerings + r);
  std::unordered_map<std::string, size_t> offering_node;
  for (size_t o = 0; o < offerings; ++o) offering_node.emplace(scenario.offerings[o].id, o);
  Forest forest(offerings + resources + campaigns);
  auto join_resource = [&](size_t node, const std::string& id) {
    if (id.empty()) return;
    const auto found = resource_node.find(id);
    if (found != resource_node.end()) forest.Join(node, found->second);
  };
  for (size_t o = 0; o < offerings; ++o) {
    const Offering& offering = scenario.offerings[o];
    for (const RouteStep& step : offering.route) join_resource(o, step.resource);
    for (const Load& load : offering.loads) join_resource(o, load.resource);
    join_resource(o, offering.returns);
    join_resource(o, offering.space);
  }
  for (size_t k = 0; k < campaigns; ++k) {
    const Campaign& campaign = scenario.campaigns[k];
    const size_t node = offerings + resources + k;
    for (const std::string& id : campaign.offerings) {
      const auto found = offering_node.find(id);
      if (found != offering_node.end()) forest.Join(node, found->second);
    }
    for (const Booking& booking : campaign.bookings) join_resource(node, booking.resource);
    for (const Promise& promise : campaign.promises) join_resource(node, promise.resource);
    // No edge to the budgets it is charged to: a budget's check adds declared spend and needs
    // no simulation (BudgetChecks, from the whole scenario), and one budget over the horizon
    // would otherwise glue every campaign of the catalogue into one component.
  }
  // Roots are the smallest node of each tree: numbering the roots in node order numbers the
  // components by their smallest offering, then (none) by their smallest resource.
  ResourceComponents components;
  std::vector<int> number(offerings + resources + campaigns, -1);
  auto component_of = [&](size_t node) {
    int& slot = number[forest.Root(node)];
    if (slot < 0) slot = components.count++;
    return slot;
  };
  components.offering.resize(offerings);
  components.resource.resize(resources);
  components.campaign.resize(campaigns);
  for (size_t o = 0; o < offerings; ++o) components.offering[o] = component_of(o);
  for (size_t r = 0; r < resources; ++r) components.resource[r] = component_of(offerings + r);
  for (size_t k = 0; k < campaigns; ++k)
    components.campaign[k] = component_of(offerings + resources + k);
  return components;
}

int PromiseComponent(const Scenario& scenario, const ResourceComponents& components,
                     const Promise& promise) {
  int found = -1;
  bool several = false;
  auto consider = [&](int component) {
    several = several || (found >= 0 && component != found);
    found = component;
  };
  if (promise.type == PromiseType::kResponse) {
    const int r = scenario.ResourceIndex(promise.resource);
    if (r >= 0) consider(components.resource[static_cast<size_t>(r)]);
  }
  if (promise.offerings.empty()) {
    for (int component : components.offering) consider(component);
  } else {
    for (const std::string& id : promise.offerings) {
      const int o = scenario.OfferingIndex(id);
      if (o >= 0) consider(components.offering[static_cast<size_t>(o)]);
    }
  }
  return several ? -1 : found;
}

ComponentScenario RestrictToComponent(const Scenario& scenario,
                                      const ResourceComponents& components, int component) {
  ComponentScenario part;
  Scenario& out = part.scenario;
  out.version = scenario.version;
  out.name = scenario.name;
  out.currency = scenario.currency;
  out.horizon = scenario.horizon;
  out.today = scenario.today;
  out.simulation = scenario.simulation;
  out.calendars = scenario.calendars;
  out.capabilities = scenario.capabilities;
  std::unordered_map<std::string, size_t> in_part;  // the component's offering ids
  for (size_t o = 0; o < scenario.offerings.size(); ++o) {
    if (components.offering[o] != component) continue;
    part.offering.push_back(static_cast<int>(o));
    out.offerings.push_back(scenario.offerings[o]);
    in_part.emplace(scenario.offerings[o].id, o);
  }
  for (size_t r = 0; r < scenario.resources.size(); ++r) {
    if (components.resource[r] != component) continue;
    part.resource.push_back(static_cast<int>(r));
    out.resources.push_back(scenario.resources[r]);
  }
  for (size_t k = 0; k < scenario.campaigns.size(); ++k) {
    if (components.campaign[k] != component) continue;
    part.campaign.push_back(static_cast<int>(k));
    out.campaigns.push_back(scenario.campaigns[k]);
  }
  for (size_t i = 0; i < scenario.messaging.size(); ++i) {
    const Promise& promise = scenario.messaging[i];
    if (promise.type == PromiseType::kClaim || promise.type == PromiseType::kFreeReturns) continue;
    if (promise.type == PromiseType::kResponse) {
      const int r = scenario.ResourceIndex(promise.resource);
      if (r < 0 || components.resource[static_cast<size_t>(r)] != component) continue;
    }
    // Narrowed to the component's offerings, in the promise's order; unchanged when it covers
    // only offerings of the component (then it is measured exactly as in the whole check).
    Promise narrowed = promise;
    narrowed.offerings.clear();
    bool all_inside = true;
    auto consider = [&](const std::string& id) {
      if (in_part.count(id) != 0) {
        narrowed.offerings.push_back(id);
      } else {
        all_inside = false;
      }
    };
    if (promise.offerings.empty()) {
      for (const Offering& offering : scenario.offerings) consider(offering.id);
    } else {
      for (const std::string& id : promise.offerings) consider(id);
    }
    if (narrowed.offerings.empty()) continue;
    if (all_inside) narrowed.offerings = promise.offerings;
    part.messaging.push_back(static_cast<int>(i));
    out.messaging.push_back(std::move(narrowed));
  }
  return part;
}

}  // namespace tandem
