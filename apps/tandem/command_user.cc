// tandem user add NAME --role ROLE [--token] [--db URL]   (prints the password or token once)
// tandem user token NAME [--db URL]                        (another API token)
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "commands.h"
#include "serve_common.h"
#include "tandem/server/service.h"

namespace tandem::cli {

server::Actor CliActor() {
  const char* login = getlogin();
  server::Actor actor;
  actor.name = std::string("cli:") + (login ? login : "local");
  actor.role = server::Role::kAdmin;
  return actor;
}

namespace {

struct UserArgs {
  std::string db = "sqlite:tandem.db";
  std::string name;
  std::string role;
  bool token = false;
};

server::Outcome<std::unique_ptr<server::Service>> OpenForCli(const std::string& db) {
  server::ServiceOptions options;
  options.database = db;
  options.run_jobs = false;
  options.pool_size = 2;
  return server::Service::Open(options);
}

int RunUserAdd(const UserArgs& args) {
  server::Outcome<std::unique_ptr<server::Service>> service = OpenForCli(args.db);
  if (!service.ok()) {
    std::fprintf(stderr, "tandem user: %s\n", service.error().message.c_str());
    return kExitBadInput;
  }
  server::Outcome<server::Credential> credential =
      service.value()->AddUser(args.name, args.role, args.token);
  if (!credential.ok()) {
    std::fprintf(stderr, "tandem user add: %s\n", credential.error().message.c_str());
    return credential.error().status >= 500 ? kExitInternal : kExitBadInput;
  }
  std::printf("user %s (%s) added\n%s (shown once, keep it safe): %s\n",
              credential.value().user.c_str(), credential.value().role.c_str(),
              args.token ? "API token" : "password", credential.value().secret.c_str());
  return 0;
}

int RunUserToken(const UserArgs& args) {
  server::Outcome<std::unique_ptr<server::Service>> service = OpenForCli(args.db);
  if (!service.ok()) {
    std::fprintf(stderr, "tandem user: %s\n", service.error().message.c_str());
    return kExitBadInput;
  }
  server::Outcome<server::Credential> credential = service.value()->NewToken(args.name);
  if (!credential.ok()) {
    std::fprintf(stderr, "tandem user token: %s\n", credential.error().message.c_str());
    return kExitBadInput;
  }
  std::printf("API token for %s (%s), shown once: %s\n", credential.value().user.c_str(),
              credential.value().role.c_str(), credential.value().secret.c_str());
  return 0;
}

Command MakeUser(CLI::App& app) {
  auto args = std::make_shared<UserArgs>();
  CLI::App* command = app.add_subcommand("user", "manage the server's users");
  command->require_subcommand(1);
  command->add_option("--db", args->db, "database (default sqlite:tandem.db)");
  CLI::App* add = command->add_subcommand(
      "add", "add a user; prints a password (or with --token an API token) once");
  add->add_option("name", args->name, "user name")->required();
  add->add_option("--role", args->role, "marketing | operations | finance | service | admin")
      ->required();
  add->add_flag("--token", args->token, "give an API token instead of a password");
  add->add_option("--db", args->db, "database (default sqlite:tandem.db)");
  CLI::App* token =
      command->add_subcommand("token", "give an existing user another API token (printed once)");
  token->add_option("name", args->name, "user name")->required();
  token->add_option("--db", args->db, "database (default sqlite:tandem.db)");
  return {command, [args, add] { return add->parsed() ? RunUserAdd(*args) : RunUserToken(*args); }};
}

const bool kRegistered = Register(&MakeUser);

}  // namespace
}  // namespace tandem::cli
