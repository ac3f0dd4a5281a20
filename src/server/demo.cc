#include "tandem/server/demo.h"

namespace tandem::server {

Outcome<std::vector<Credential>> LoadDemo(Service& service) {
  Actor system;
  system.name = "demo";
  system.role = Role::kAdmin;
  Outcome<Reply> imported =
      service.workspaces().Import(system, "greenleaf", DemoScenarioYaml(), {}, "greenleaf.yaml");
  if (!imported.ok()) return imported.error();
  std::vector<Credential> credentials;
  for (const auto& [name, role] :
       std::vector<std::pair<std::string, std::string>>{{"maria", "marketing"},
                                                        {"oscar", "operations"},
                                                        {"fiona", "finance"},
                                                        {"sam", "service"},
                                                        {"ada", "admin"}}) {
    Outcome<Credential> credential = service.users().AddUser(name, role, false);
    if (!credential.ok()) return credential.error();
    credentials.push_back(credential.value());
  }
  return credentials;
}

}  // namespace tandem::server
