#include "server/process_rules.h"

#include "tandem/io/check_delta.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "server/crypto.h"
#include "tandem/common/duration.h"

namespace tandem::server {
namespace {

json Pick(const json& body, std::initializer_list<const char*> keys) {
  json picked = json::object();
  if (!body.is_object()) return picked;
  for (const char* key : keys) {
    if (body.contains(key)) picked[key] = body[key];
  }
  return picked;
}

const json* BodyOf(const Document& document, const std::string& kind, const std::string& key) {
  for (const Entity& entity : document.entities) {
    if (entity.kind == kind && entity.key == key) return &entity.body;
  }
  return nullptr;
}

json Bodies(const Document& document, const std::string& kind, const std::set<std::string>& keys) {
  json out = json::object();
  for (const std::string& key : keys) {
    const json* body = BodyOf(document, kind, key);
    out[key] = body ? *body : json(nullptr);
  }
  return out;
}

json AllBodies(const Document& document, const std::string& kind) {
  json out = json::object();
  for (const Entity& entity : document.entities) {
    if (entity.kind == kind) out[entity.key] = entity.body;
  }
  return out;
}

// The smallest level of the promise ladder (tandem/common/duration.h) whose pooled share of
// covered units reaches the promise's target, or nullopt.
std::optional<Duration> StrongestLevel(const json& promise) {
  if (!promise.contains("lead_times") || !promise.contains("target")) return std::nullopt;
  const json& lead = promise["lead_times"];
  const double bin = lead.value("bin_hours", 0.0);
  const double target = promise.value("target", 1.0);
  if (bin <= 0 || !lead.contains("share")) return std::nullopt;
  std::vector<double> cumulative;
  double sum = 0;
  for (const json& share : lead["share"]) {
    sum += share.get<double>();
    cumulative.push_back(sum);
  }
  for (const Duration& rung : PromiseLadder()) {
    const double bins = rung.hours() / bin;
    if (bins < 1) continue;  // finer than the histogram can tell
    const size_t whole = static_cast<size_t>(std::floor(bins + 1e-9));
    if (whole == 0 || whole > cumulative.size()) break;
    if (cumulative[whole - 1] >= target) return rung;
  }
  return std::nullopt;
}

const json* FindThroughput(const json& campaign, const std::string& resource) {
  if (!campaign.contains("checks")) return nullptr;
  for (const json& check : campaign["checks"]) {
    if (check.value("type", "") == "throughput" && check.value("resource", "") == resource)
      return &check;
  }
  return nullptr;
}

}  // namespace

Dependencies DependenciesOf(const Scenario& scenario, const Campaign& campaign) {
  Dependencies deps;
  for (const std::string& id : campaign.offerings) {
    deps.offerings.insert(id);
    const Offering* offering = scenario.FindOffering(id);
    if (!offering) continue;
    for (const RouteStep& step : offering->route) deps.resources.insert(step.resource);
    if (!offering->space.empty()) deps.resources.insert(offering->space);
    for (const Load& load : offering->loads) deps.service_resources.insert(load.resource);
    if (!offering->returns.empty()) deps.service_resources.insert(offering->returns);
  }
  for (const Booking& booking : campaign.bookings) deps.resources.insert(booking.resource);
  for (const Promise& promise : campaign.promises) {
    if (!promise.resource.empty()) deps.service_resources.insert(promise.resource);
  }
  for (const Resource& resource : scenario.resources) {
    if (resource.kind == ResourceKind::kBudget) deps.budgets.insert(resource.id);
  }
  for (const std::set<std::string>* set : {&deps.resources, &deps.service_resources}) {
    for (const std::string& id : *set) {
      const Resource* resource = scenario.FindResource(id);
      if (!resource) continue;
      if (!resource->calendar.empty()) deps.calendars.insert(resource->calendar);
      for (const ResourceChange& change : resource->changes) {
        if (change.calendar && !change.calendar->empty()) deps.calendars.insert(*change.calendar);
      }
    }
  }
  return deps;
}

std::map<Role, std::string> BasisHashes(const Scenario& scenario, const Campaign& campaign,
                                        const Document& document) {
  const Dependencies deps = DependenciesOf(scenario, campaign);
  const json* campaign_body = BodyOf(document, "campaigns", campaign.id);
  const json body = campaign_body ? *campaign_body : json::object();
  json offerings_ops = json::object(), offerings_money = json::object(),
       offerings_service = json::object();
  for (const std::string& id : deps.offerings) {
    const json* offering = BodyOf(document, "offerings", id);
    if (!offering) continue;
    offerings_ops[id] = Pick(*offering, {"route", "supply", "stock", "stocked", "space", "volume",
                                         "transit", "baseline"});
    offerings_money[id] = Pick(*offering, {"price", "unit_cost", "return_rate"});
    offerings_service[id] = Pick(*offering, {"loads", "return_rate", "return_lag", "returns"});
  }
  json resource_costs = json::object();
  for (const std::string& id : deps.resources) {
    const json* resource = BodyOf(document, "resources", id);
    if (resource) resource_costs[id] = Pick(*resource, {"cost_per_unit", "expansion", "changes"});
  }
  std::map<Role, json> parts;
  parts[Role::kMarketing] = {
      {"campaign", Pick(body, {"window", "offerings", "discount", "spend", "lift", "profile", "cap",
                               "promises", "announce"})},
      {"capabilities", AllBodies(document, "capabilities")}};
  parts[Role::kOperations] = {{"campaign", Pick(body, {"window", "offerings", "lift", "profile",
                                                       "cap", "bookings", "readiness"})},
                              {"resources", Bodies(document, "resources", deps.resources)},
                              {"calendars", Bodies(document, "calendars", deps.calendars)},
                              {"capabilities", AllBodies(document, "capabilities")},
                              {"offerings", offerings_ops}};
  parts[Role::kFinance] = {{"campaign", Pick(body, {"window", "offerings", "discount", "spend",
                                                    "lift", "cap", "bookings"})},
                           {"budgets", Bodies(document, "resources", deps.budgets)},
                           {"offerings", offerings_money},
                           {"costs", resource_costs}};
  parts[Role::kService] = {
      {"campaign", Pick(body, {"window", "offerings", "lift", "profile", "promises"})},
      {"resources", Bodies(document, "resources", deps.service_resources)},
      {"offerings", offerings_service}};
  std::map<Role, std::string> hashes;
  for (const auto& [role, part] : parts) hashes[role] = Sha256Hex(part.dump());
  return hashes;
}

std::optional<CheckSummary> SummaryFor(const json& result, const std::string& campaign) {
  if (!result.contains("campaigns")) return std::nullopt;
  for (const json& item : result["campaigns"]) {
    if (item.value("id", "") == campaign) return CheckSummary{item.value("verdict", "no-go"), item};
  }
  return std::nullopt;
}

json BuildHandover(const json& campaign_result, const Campaign& campaign) {
  json plan = json::array();
  if (campaign_result.contains("checks")) {
    for (const json& check : campaign_result["checks"]) {
      if (check.value("type", "") != "throughput" || !check.contains("days")) continue;
      std::map<int, json> weeks;
      for (const json& day : check["days"]) {
        const std::optional<Date> date = Date::Parse(day.value("date", ""));
        if (!date) continue;
        json& week = weeks[date->iso_week_key()];
        if (week.is_null()) {
          week = {{"week", std::to_string(date->iso_week_key() / 100) + "-W" +
                               (date->iso_week_key() % 100 < 10 ? "0" : "") +
                               std::to_string(date->iso_week_key() % 100)},
                  {"from", date->ToString()},
                  {"capacity", 0.0},
                  {"work_p50", 0.0},
                  {"work_p95", 0.0},
                  {"work_without", 0.0},
                  {"peak_backlog_p95", 0.0}};
        }
        week["until"] = date->ToString();
        week["capacity"] = week["capacity"].get<double>() + day.value("capacity", 0.0);
        week["work_p50"] = week["work_p50"].get<double>() + day["arrivals"].value("p50", 0.0);
        week["work_p95"] = week["work_p95"].get<double>() + day["arrivals"].value("p95", 0.0);
        week["work_without"] =
            week["work_without"].get<double>() + day.value("arrivals_without", 0.0);
        week["peak_backlog_p95"] =
            std::max(week["peak_backlog_p95"].get<double>(), day["backlog"].value("p95", 0.0));
      }
      json rows = json::array();
      for (auto& [key, week] : weeks) {
        const double extra = week["work_p95"].get<double>() - week["capacity"].get<double>();
        week["extra_needed_p95"] = std::max(0.0, std::round(extra * 10) / 10);
        for (const char* field : {"capacity", "work_p50", "work_p95", "work_without"}) {
          week[field] = std::round(week[field].get<double>() * 10) / 10;
        }
        rows.push_back(week);
      }
      plan.push_back({{"resource", check.value("resource", "")},
                      {"unit", check.value("unit", "")},
                      {"status", check.value("status", "")},
                      {"weeks", rows}});
    }
  }
  json bookings = json::array();
  for (const Booking& booking : campaign.bookings) {
    bookings.push_back({{"resource", booking.resource},
                        {"extra", booking.extra_per_hour},
                        {"from", booking.from.ToString()},
                        {"until", booking.until.ToString()}});
  }
  json wording = json::array();
  if (campaign_result.contains("promises")) {
    for (const json& promise : campaign_result["promises"]) {
      json item = {{"type", promise.value("type", "")},
                   {"text", promise.value("text", "")},
                   {"status", promise.value("status", "")},
                   {"p_kept", promise.value("p_kept", 0.0)}};
      if (promise.contains("declared_wording"))
        item["declared_wording"] = promise["declared_wording"];
      wording.push_back(item);
    }
  }
  return {
      {"operations", {{"capacity_plan", plan}, {"bookings", bookings}}},
      {"marketing",
       {{"promises", wording},
        {"window",
         {{"start", campaign.window.start.ToString()}, {"end", campaign.window.end.ToString()}}}}},
      {"service", {{"promises", wording}}}};
}

std::vector<AlertDraft> CommitmentAlerts(const std::string& campaign_id,
                                         process::ProcessState state, const std::string& change,
                                         const json& now, const json* before,
                                         const std::string& key) {
  if (!before ||
      (state != process::ProcessState::kApproved && state != process::ProcessState::kLive))
    return {};
  const std::string kind = change.substr(0, change.find('/'));
  if (kind != "resources" && kind != "calendars" && kind != "capabilities") return {};
  const auto rank = [](const json& status) {
    const std::string text = status.is_string() ? status.get<std::string>() : "";
    return text == "kept" ? 0 : text == "at-risk" ? 1 : text == "broken" ? 2 : -1;
  };
  const json outcomes = CompareCampaignOutcomes(*before, now);
  std::string sentences;
  json promises = json::array();
  for (const char* list : {"promises", "standing"}) {
    for (const json& move : outcomes[list]) {
      if (move.value("new", false)) continue;
      const int was = rank(move["status_before"]);
      const int is = rank(move["status"]);
      if (was < 0 || is <= was) continue;
      const auto percent = [](const json& p) {
        return p.is_number()
                   ? std::to_string(static_cast<int>(std::floor(p.get<double>() * 100 + 0.5))) + "%"
                   : std::string("?");
      };
      // A claim's text is already quoted ("\"gift wrapped\""): quote the others only.
      const std::string text = move.value("text", std::string());
      const std::string quoted = !text.empty() && text.front() == '"' ? text : "\"" + text + "\"";
      sentences += std::string(sentences.empty() ? "" : "; ") + quoted + " " +
                   (is == 2 ? "broken" : "at risk") + " (kept in " +
                   percent(move["p_kept_before"]) + " -> " + percent(move["p_kept"]) +
                   " of scenarios)";
      promises.push_back(move);
    }
  }
  if (promises.empty()) return {};
  return {{"commitment-endangered",
           "The change to " + change + " endangers " + process::StateName(state) + " campaign " +
               campaign_id + ": " + sentences,
           {{"change", change}, {"promises", promises}},
           "commitment-endangered:" + campaign_id + ":" + key.substr(0, 16)}};
}

std::vector<AlertDraft> AlertsForResult(const std::string& campaign_id, process::ProcessState state,
                                        const std::string& cause, const Campaign& campaign,
                                        const json& now, const json* before,
                                        const std::string& key) {
  std::vector<AlertDraft> alerts;
  const std::string verdict = now.value("verdict", "no-go");
  const std::string tag = campaign_id + ":" + key.substr(0, 16);
  // Everyone: an approved or live campaign whose verdict worsened.
  if (before &&
      (state == process::ProcessState::kApproved || state == process::ProcessState::kLive)) {
    const std::string old_verdict = before->value("verdict", "go");
    // An unknown verdict reads as no-go.
    if (process::IsWorse(process::ParseVerdict(verdict).value_or(Verdict::kNoGo),
                         process::ParseVerdict(old_verdict).value_or(Verdict::kNoGo))) {
      alerts.push_back({"verdict-worsened",
                        "Campaign " + campaign_id + " (" + process::StateName(state) + ") is now " +
                            verdict + ", was " + old_verdict,
                        {{"from", old_verdict}, {"to", verdict}},
                        "verdict-worsened:" + tag});
    }
  }
  // Finance: a budget overrun.
  if (now.contains("checks")) {
    for (const json& check : now["checks"]) {
      if (check.value("type", "") == "budget" && check.value("status", "ok") != "ok") {
        alerts.push_back(
            {"budget-overrun",
             "Campaign " + campaign_id + " overruns budget " + check.value("resource", "") +
                 ": spend " + std::to_string(static_cast<long long>(check.value("spend", 0.0))) +
                 " against " +
                 std::to_string(static_cast<long long>(check.value("available", 0.0))) +
                 " available",
             check, "budget-overrun:" + tag + ":" + check.value("resource", "")});
      }
    }
  }
  // Operations: a campaign change that needs more capacity than the previous version did.
  if (cause == "campaign" && now.contains("checks")) {
    for (const json& check : now["checks"]) {
      if (check.value("type", "") != "throughput" || check.value("status", "ok") == "ok") continue;
      const std::string resource = check.value("resource", "");
      const double peak = check["peak_backlog"].value("p95", 0.0);
      const json* old_check = before ? FindThroughput(*before, resource) : nullptr;
      const bool was_ok = !old_check || old_check->value("status", "ok") == "ok";
      const double old_peak = old_check ? (*old_check)["peak_backlog"].value("p95", 0.0) : 0.0;
      if (was_ok || peak > old_peak * 1.05) {
        alerts.push_back(
            {"capacity-needed",
             "Campaign " + campaign_id + " now needs more capacity at " + resource +
                 ": peak backlog (p95) " + std::to_string(static_cast<long long>(peak)) + " " +
                 check.value("unit", "units") +
                 (old_check ? ", was " + std::to_string(static_cast<long long>(old_peak)) : ""),
             {{"resource", resource}, {"peak_backlog_p95", peak}, {"before", old_peak}},
             "capacity-needed:" + tag + ":" + resource});
      }
    }
  }
  // Marketing: a capability or resource change after which a stronger time promise holds.
  if ((cause == "resource" || cause == "capability") && before && now.contains("promises")) {
    for (const json& promise : now["promises"]) {
      const std::string within = promise.value("within", "");
      // A calendar deadline (same_day, next_day) is no duration: no level to compare with.
      const std::optional<Duration> written = Duration::Parse(within);
      const double advertised = written ? written->hours() : -1;
      if (advertised <= 0) continue;
      const std::optional<Duration> strongest_level = StrongestLevel(promise);
      const double strongest = strongest_level ? strongest_level->hours() : -1;
      double old_strongest = -1;
      if (before->contains("promises")) {
        for (const json& old : (*before)["promises"]) {
          if (old.value("index", -1) == promise.value("index", -2)) {
            const std::optional<Duration> level = StrongestLevel(old);
            old_strongest = level ? level->hours() : -1;
          }
        }
      }
      if (strongest > 0 && strongest < advertised - 1e-9 &&
          (old_strongest < 0 || strongest < old_strongest - 1e-9)) {
        const std::string strongest_text = strongest_level->ToString();
        alerts.push_back(
            {"stronger-promise",
             "Campaign " + campaign_id + ": after the change, about " +
                 std::to_string(static_cast<int>(std::lround(promise.value("target", 0.0) * 100))) +
                 "% of covered units arrive within " + strongest_text + " (advertised: " + within +
                 "); a stronger promise may hold",
             {{"promise", promise.value("index", 0)},
              {"advertised", within},
              {"strongest", strongest_text}},
             "stronger-promise:" + tag + ":" + std::to_string(promise.value("index", 0))});
      }
    }
  }
  (void)campaign;
  return alerts;
}

std::vector<AlertDraft> SignOffWaitingAlerts(const std::string& campaign_id, const json& data,
                                             const std::string& verdict, const std::string& key) {
  std::vector<AlertDraft> alerts;
  const json& signoffs = data.contains("signoffs") ? data["signoffs"] : json();
  const json& objections = data.contains("objections") ? data["objections"] : json();
  for (Role role : Functions()) {
    const char* function = RoleName(role);
    if (signoffs.is_object() && signoffs.contains(function)) continue;
    // A refusal or request not answered yet: the campaign owner acts next, not the function.
    if (objections.is_object() && objections.contains(function) &&
        objections[function].is_object() &&
        !(objections[function].contains("answer") && objections[function]["answer"].is_object()))
      continue;
    alerts.push_back({"signoff-waiting",
                      "Campaign " + campaign_id + " waits on " + function +
                          "'s sign-off: its check says " + verdict,
                      {{"function", function}, {"verdict", verdict}, {"check", key}},
                      "signoff-waiting:" + campaign_id + ":" + function + ":" + key.substr(0, 16)});
  }
  return alerts;
}

std::vector<AlertDraft> HandoverAlerts(const std::string& campaign_id, const std::string& key) {
  std::vector<AlertDraft> alerts;
  const std::pair<Role, const char*> parts[] = {
      {Role::kOperations, "the capacity plan to book"},
      {Role::kMarketing, "the approved wording of every promise"},
      {Role::kService, "the approved wording of every promise"}};
  for (const auto& [role, part] : parts) {
    const char* function = RoleName(role);
    alerts.push_back({"handover-ready",
                      "Campaign " + campaign_id + " is approved: its hand-over for " + function +
                          " is ready (" + part + ")",
                      {{"function", function}, {"check", key}},
                      "handover-ready:" + campaign_id + ":" + function + ":" + key.substr(0, 16)});
  }
  return alerts;
}

AlertDraft AnnouncementAlert(const std::string& campaign_id, const process::ProcessFacts& facts,
                             int days) {
  const std::string announce = facts.announce ? facts.announce->ToString() : "";
  const auto names = [](const std::vector<Role>& roles) {
    json list = json::array();
    for (Role role : roles) list.push_back(RoleName(role));
    return list;
  };
  const std::vector<Role>& missing = facts.state == process::ProcessState::kGroundwork
                                         ? facts.missing_confirmations
                                         : facts.missing_signoffs;
  const char* what =
      facts.state == process::ProcessState::kGroundwork ? "confirmations" : "sign-offs";
  std::string missing_text;
  for (size_t i = 0; i < missing.size(); ++i)
    missing_text += std::string(i ? ", " : "") + RoleName(missing[i]);
  const std::string when = days == 0   ? "today"
                           : days == 1 ? "tomorrow"
                                       : "in " + std::to_string(days) + " days";
  return {"announcement-near",
          "Campaign " + campaign_id + " is announced " + when + " (" + announce +
              ") and is not "
              "approved: it is in " +
              process::StateName(facts.state) +
              (missing.empty() ? std::string(", waiting for its approval")
                               : ", missing " + std::string(what) + ": " + missing_text),
          {{"announce", announce},
           {"days", days},
           {"state", process::StateName(facts.state)},
           {"missing", names(missing)}},
          "announcement-near:" + campaign_id + ":" + announce};
}

std::vector<AlertDraft> CapabilityAlerts(const Capability* before, const Capability& after,
                                         const Campaign& campaign,
                                         const std::string& revision_tag) {
  std::vector<AlertDraft> alerts;
  if (!after.Covers(campaign.window)) return alerts;
  if (before && before->Covers(campaign.window) && before->claim == after.claim) return alerts;
  for (const Promise& promise : campaign.promises) {
    if (promise.type != PromiseType::kClaim) continue;
    for (const std::string& required : promise.requires_capabilities) {
      if (required == after.id) return alerts;  // already claimed
    }
  }
  alerts.push_back({"stronger-promise",
                    "Capability " + after.id + " now supports \"" + after.claim +
                        "\" for the whole window of campaign " + campaign.id +
                        "; the campaign does not claim it yet",
                    {{"capability", after.id}, {"claim", after.claim}},
                    "capability:" + campaign.id + ":" + after.id + ":" + revision_tag});
  return alerts;
}

}  // namespace tandem::server
