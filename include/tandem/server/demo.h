// The demo workspace: the Greenleaf example (examples/greenleaf.yaml, built in) and one user
// per role. Used by `tandem demo` and `make demo`.
#ifndef TANDEM_SERVER_DEMO_H_
#define TANDEM_SERVER_DEMO_H_

#include <string>
#include <vector>

#include "tandem/server/service.h"

namespace tandem::server {

// examples/greenleaf.yaml as it was at build time.
const std::string& DemoScenarioYaml();

// Imports the demo scenario as workspace "greenleaf" and adds the users maria (marketing),
// oscar (operations), fiona (finance), sam (service) and ada (admin) with fresh passwords,
// returned once. REQUIRES: a database without these users.
Outcome<std::vector<Credential>> LoadDemo(Service& service);

}  // namespace tandem::server

#endif  // TANDEM_SERVER_DEMO_H_
