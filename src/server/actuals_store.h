// The workspace's actuals as the server keeps them (table `actuals`, one row per record keyed
// by workspace, file and id) and the inputs of a follow-up run built from them. Internal to
// tandem_server; used by actuals.cc (uploads) and follow_up.cc (the follow-up and its jobs).
#ifndef TANDEM_SRC_SERVER_ACTUALS_STORE_H_
#define TANDEM_SRC_SERVER_ACTUALS_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "server/service_core.h"
#include "tandem/followup/follow_up.h"
#include "tandem/io/actuals_csv.h"
#include "tandem/store/database.h"

namespace tandem::server {

// "orders" -> kOrders, ...; nullopt for anything else.
std::optional<ActualsFile> ActualsFileFromName(const std::string& name);
// "orders", "tickets", "spend".
std::string ActualsFileKey(ActualsFile file);

// Upserts `rows` of one file by key: a new key is appended (after the rows already stored), a
// known key has its line replaced. Returns how many rows were added or changed.
Outcome<int64_t> UpsertActuals(store::Connection& c, const std::string& ws, ActualsFile file,
                               const std::vector<ActualsRow>& rows, const std::string& now);

// The stored rows of each file as CSV text (the canonical header, then the rows in the order
// they were first uploaded); nullopt for a file never uploaded.
struct StoredActuals {
  std::optional<std::string> orders, tickets, spend;
  bool any() const { return orders || tickets || spend; }
  std::optional<std::string>& Of(ActualsFile file) {
    return file == ActualsFile::kOrders ? orders : file == ActualsFile::kTickets ? tickets : spend;
  }
  const std::optional<std::string>& Of(ActualsFile file) const {
    return const_cast<StoredActuals*>(this)->Of(file);
  }
};
Outcome<StoredActuals> LoadStoredActuals(store::Connection& c, const std::string& ws);

// Everything a follow-up of a workspace depends on, and its cache key.
struct FollowUpInputs {
  Scenario scenario;  // the whole workspace
  Actuals actuals;
  WallSeconds as_of = 0;  // resolved: the request's, else the latest time in the actuals
  std::vector<SignedOffStatus> signed_off;  // from each approved campaign's signed check
  std::vector<std::string> live;            // campaigns in live or follow-up
  std::map<std::string, std::string>
      approved;     // campaign -> the key of the check it was approved on
  std::string key;  // SHA-256 of the check tag, the scenario, the actuals, as-of, sign-offs
};
// Errors: 404 no workspace; 409 nothing uploaded and no as-of; 422 stored actuals the
// scenario no longer accepts (e.g. an offering deleted since), with file:line.
Outcome<FollowUpInputs> LoadFollowUpInputs(store::Connection& c, const std::string& ws,
                                           std::optional<WallSeconds> as_of,
                                           const std::string& check_tag);

// Queues a follow-up job (kind "followup") unless one for `key` is queued or running already;
// returns the job's id and whether it is new (to be submitted after commit). `as_of`: the
// job's as-of, or "" for the latest time in the actuals when it runs (uploads).
struct QueuedFollowUp {
  int64_t job = 0;
  bool created = false;
};
Outcome<QueuedFollowUp> QueueFollowUpJob(store::Connection& c, const std::string& ws,
                                         const std::string& campaign, const std::string& key,
                                         const std::string& as_of, const std::string& cause,
                                         const std::string& actor, const std::string& now);

// The 422 of actuals the scenario refuses: one field per problem, "orders.csv:12: placed".
ApiError ActualsError(const Error& error, const std::string& message);

}  // namespace tandem::server

#endif  // TANDEM_SRC_SERVER_ACTUALS_STORE_H_
