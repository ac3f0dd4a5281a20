// The rules of the Groundwork -> Transfer -> Follow-up process that do not touch storage:
// what a campaign depends on, what each function's confirmation and sign-off covers, the
// hand-over, and the alerts a new check result raises. Internal to tandem_server.
#ifndef TANDEM_SRC_SERVER_PROCESS_RULES_H_
#define TANDEM_SRC_SERVER_PROCESS_RULES_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "server/scenario_doc.h"
#include "tandem/model/scenario.h"
#include "tandem/process/process.h"
#include "tandem/server/api.h"

namespace tandem::server {

// What a campaign depends on, by id.
struct Dependencies {
  std::set<std::string> offerings;
  std::set<std::string> resources;  // throughput and space on its offerings' paths, bookings
  std::set<std::string> service_resources;  // side loads, returns, response promises
  std::set<std::string> budgets;            // every budget resource
  std::set<std::string> calendars;          // of the resources above
};
Dependencies DependenciesOf(const Scenario& scenario, const Campaign& campaign);

// Per function, a hash of the inputs that function is responsible for (and confirms / signs
// off): a confirmation or sign-off whose recorded basis no longer matches is withdrawn.
//   marketing:  the campaign's window, offerings, discount, spend, lift, profile, cap, promises;
//               the capabilities (claims)
//   operations: the resources on its offerings' paths (capacity, changes, expansion, calendars),
//               the capabilities, its offerings' routes and supply, bookings and readiness,
//               and the demand drivers (window, lift, profile, cap, offerings)
//   finance:    the budget resources, spend, discount, lift, cap, window, the offerings' prices
//               and costs, the resources' costs per unit
//   service:    the resources that take side loads, returns and response promises, the
//               offerings' loads and return rates, the promises, lift and window
std::map<Role, std::string> BasisHashes(const Scenario& scenario, const Campaign& campaign,
                                        const Document& document);

// The parts of a campaign's check result (the JSON contract) the process keeps.
struct CheckSummary {
  std::string verdict;
  nlohmann::json campaign;  // the campaign's object from the result
};
std::optional<CheckSummary> SummaryFor(const nlohmann::json& result, const std::string& campaign);

// The hand-over on approval: per throughput resource and ISO week the capacity plan from the
// check's daily series (capacity, expected work p50/p95 with and without the campaign, the
// shortfall at p95), the campaign's bookings, and the approved promise wording for marketing
// and service.
nlohmann::json BuildHandover(const nlohmann::json& campaign_result, const Campaign& campaign);

// Alerts raised by a new result compared with the previous one (may be null).
// Who receives it comes from the kind's row in the alert table (tandem/process/alerts.h).
struct AlertDraft {
  std::string kind;
  std::string message;
  nlohmann::json data;
  std::string dedupe;  // unique per workspace
  // Kinds whose table row names no audience go to the function in data["function"].
};
// `cause` is what triggered the re-check: "campaign", "resource", "capability", "settings",
// "offering", "manual", "transfer". `state` the campaign's state.
// "commitment-endangered": a re-check after an operations change (`change` is its target,
// "resources/packing", "calendars/shop", "capabilities/x") of an approved or live campaign in
// which a promise is worse than before (kept -> at risk or broken, at risk -> broken): one
// alert naming each such promise with its p_kept before and after. `before` and `now` are the
// campaign's entries of the previous and the new check.
std::vector<AlertDraft> CommitmentAlerts(const std::string& campaign_id,
                                         process::ProcessState state, const std::string& change,
                                         const nlohmann::json& now, const nlohmann::json* before,
                                         const std::string& key);
std::vector<AlertDraft> AlertsForResult(const std::string& campaign_id, process::ProcessState state,
                                        const std::string& cause, const Campaign& campaign,
                                        const nlohmann::json& now, const nlohmann::json* before,
                                        const std::string& key);

// "signoff-waiting": a check of a campaign in transfer has finished (`key`, its verdict): one
// alert to each function that has not signed off on it (`data` is the process's data: its
// "signoffs" and "objections"), except a function whose refusal or request is still unanswered
// (the owner acts next). Deduplicated per campaign, function and check.
std::vector<AlertDraft> SignOffWaitingAlerts(const std::string& campaign_id,
                                             const nlohmann::json& data, const std::string& verdict,
                                             const std::string& key);
// "handover-ready": the campaign was approved on check `key`: one alert to each function with a
// part of the hand-over (operations, marketing, service).
std::vector<AlertDraft> HandoverAlerts(const std::string& campaign_id, const std::string& key);
// "announcement-near": `days` (process::DaysToUnapprovedAnnouncement) before the announce date
// of a campaign in `facts.state`; the message names the missing confirmations and sign-offs.
// Deduplicated per campaign and announce date.
AlertDraft AnnouncementAlert(const std::string& campaign_id, const process::ProcessFacts& facts,
                             int days);

// Claims a capability newly supports for a campaign's window (capability created or changed).
std::vector<AlertDraft> CapabilityAlerts(const Capability* before, const Capability& after,
                                         const Campaign& campaign, const std::string& revision_tag);

}  // namespace tandem::server

#endif  // TANDEM_SRC_SERVER_PROCESS_RULES_H_
