// tandem user add NAME --role ROLE [--token] [--db URL]   (prints the password or token once)
// tandem user token NAME [--days N] [--db URL]             (another API token)
// tandem user tokens NAME [--db URL]                       (list them, without secrets)
// tandem user revoke NAME (--token ID | --all) [--db URL]  (revoke one or all)
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>

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
  std::optional<int> days;
  std::optional<int64_t> token_id;
  bool all = false;
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
      service.value()->users().AddUser(args.name, args.role, args.token, args.days);
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
  server::Outcome<server::Credential> credential =
      service.value()->users().NewToken(args.name, args.days);
  if (!credential.ok()) {
    std::fprintf(stderr, "tandem user token: %s\n", credential.error().message.c_str());
    return kExitBadInput;
  }
  std::printf("API token for %s (%s), shown once: %s\n", credential.value().user.c_str(),
              credential.value().role.c_str(), credential.value().secret.c_str());
  return 0;
}

int RunUserTokens(const UserArgs& args) {
  server::Outcome<std::unique_ptr<server::Service>> service = OpenForCli(args.db);
  if (!service.ok()) {
    std::fprintf(stderr, "tandem user: %s\n", service.error().message.c_str());
    return kExitBadInput;
  }
  server::Outcome<server::Reply> tokens =
      service.value()->users().ListTokens(CliActor(), args.name);
  if (!tokens.ok()) {
    std::fprintf(stderr, "tandem user tokens: %s\n", tokens.error().message.c_str());
    return kExitBadInput;
  }
  const auto& items = tokens.value().body["items"];
  std::printf("%zu API token%s of %s (secrets are never stored, only shown once)\n", items.size(),
              items.size() == 1 ? "" : "s", args.name.c_str());
  for (const auto& item : items) {
    std::printf(
        "  id %lld  created %s  expires %s%s\n", item["id"].get<long long>(),
        item["created_at"].get<std::string>().c_str(),
        item["expires_at"].is_null() ? "never" : item["expires_at"].get<std::string>().c_str(),
        item["expired"].get<bool>() ? "  (expired)" : "");
  }
  return 0;
}

int RunUserRevoke(const UserArgs& args) {
  if (args.all == args.token_id.has_value()) {
    std::fprintf(stderr,
                 "tandem user revoke: give --token ID (from tandem user tokens) or --all\n");
    return kExitBadInput;
  }
  server::Outcome<std::unique_ptr<server::Service>> service = OpenForCli(args.db);
  if (!service.ok()) {
    std::fprintf(stderr, "tandem user: %s\n", service.error().message.c_str());
    return kExitBadInput;
  }
  server::Outcome<server::Reply> revoked =
      service.value()->users().RevokeTokens(CliActor(), args.name, args.token_id);
  if (!revoked.ok()) {
    std::fprintf(stderr, "tandem user revoke: %s\n", revoked.error().message.c_str());
    return kExitBadInput;
  }
  std::printf("revoked %lld API token(s) of %s\n", revoked.value().body["revoked"].get<long long>(),
              args.name.c_str());
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
  add->add_option("--days", args->days, "the token's lifetime in days (default 90)")
      ->check(CLI::Range(1, 3650));
  add->add_option("--db", args->db, "database (default sqlite:tandem.db)");
  CLI::App* token =
      command->add_subcommand("token", "give an existing user another API token (printed once)");
  token->add_option("name", args->name, "user name")->required();
  token->add_option("--days", args->days, "the token's lifetime in days (default 90)")
      ->check(CLI::Range(1, 3650));
  token->add_option("--db", args->db, "database (default sqlite:tandem.db)");
  CLI::App* tokens =
      command->add_subcommand("tokens", "list a user's API tokens: ids, creation, expiry");
  tokens->add_option("name", args->name, "user name")->required();
  tokens->add_option("--db", args->db, "database (default sqlite:tandem.db)");
  CLI::App* revoke = command->add_subcommand("revoke", "revoke a user's API token(s)");
  revoke->add_option("name", args->name, "user name")->required();
  revoke->add_option("--token", args->token_id, "the token's id (tandem user tokens)");
  revoke->add_flag("--all", args->all, "every token of the user");
  revoke->add_option("--db", args->db, "database (default sqlite:tandem.db)");
  return {command, [args, add, token, tokens] {
            if (add->parsed()) return RunUserAdd(*args);
            if (token->parsed()) return RunUserToken(*args);
            if (tokens->parsed()) return RunUserTokens(*args);
            return RunUserRevoke(*args);
          }};
}

const bool kRegistered = Register(&MakeUser);

}  // namespace
}  // namespace tandem::cli
