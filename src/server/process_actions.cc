// Reading and acting on a campaign's process. Every rule (who may, from which state, what must
// hold) is the process core's (tandem/process/process.h): this file turns what the process stores
// into ProcessFacts, asks the core, maps its refusal to an API error and applies the effects.
#include <algorithm>
#include <utility>

#include "server/service_core.h"
#include "tandem/server/process_service.h"

namespace tandem::server {

using process::Action;
using process::ProcessState;

namespace {

std::vector<Role> Missing(const json& section) {
  std::vector<Role> missing;
  for (Role role : Functions()) {
    if (!section.is_object() || !section.contains(RoleName(role))) missing.push_back(role);
  }
  return missing;
}

json Names(const std::vector<Role>& roles) {
  json names = json::array();
  for (Role role : roles) names.push_back(RoleName(role));
  return names;
}

std::optional<Date> DateAt(const json& body, const char* key) {
  if (!body.is_object() || !body.contains(key) || !body[key].is_string()) return std::nullopt;
  return Date::Parse(body[key].get<std::string>());
}

const json& Objections(const ProcessRow& process) {
  static const json none = json::object();
  return process.data.contains("objections") && process.data["objections"].is_object()
             ? process.data["objections"]
             : none;
}

// The parts of the post-campaign review not written yet (all of them without a review).
std::vector<std::string> ReviewMissing(const json& review) {
  std::vector<std::string> missing;
  for (const char* part : process::kReviewParts) {
    const bool written =
        review.is_object() && review.contains(part) && review[part].is_string() &&
        review[part].get<std::string>().find_first_not_of(" \t\r\n") != std::string::npos;
    if (!written) missing.push_back(part);
  }
  return missing;
}

json ActionsJson(const std::vector<process::AvailableAction>& actions) {
  json out = json::array();
  for (const process::AvailableAction& action : actions) {
    json item = {{"action", process::ActionName(action.action)},
                 {"to", process::StateName(action.to)},
                 {"allowed", action.allowed},
                 {"needs_text", action.needs_text}};
    if (action.function) item["function"] = RoleName(*action.function);
    if (!action.allowed) item["reason"] = action.reason;
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace

process::ProcessFacts FactsFor(const ProcessRow& row, const Snapshot& snapshot,
                               const std::string& now) {
  const Entity* entity = snapshot.Find("campaigns", row.campaign);
  const json* campaign_body = entity ? &entity->body : nullptr;
  process::ProcessFacts facts;
  facts.state = row.state;
  facts.missing_confirmations = Missing(row.data["confirmations"]);
  facts.missing_signoffs = Missing(row.data["signoffs"]);
  for (const auto& [function, objection] : Objections(row).items()) {
    const std::optional<Role> role = ParseRole(function);
    if (!role || !objection.is_object()) continue;
    facts.objections[*role] = {objection.value("kind", "") == "changes-requested"
                                   ? process::SignOffKind::kRequestChanges
                                   : process::SignOffKind::kRefuse,
                               objection.value("reason", ""), objection["answer"].is_object()};
  }
  const json& check = row.data["check"];
  facts.check_done = check.is_object() && check.value("status", "") == "done";
  if (facts.check_done) facts.verdict = process::ParseVerdict(check.value("verdict", "no-go"));
  facts.today = Date::Parse(now.substr(0, 10));
  if (campaign_body && campaign_body->is_object() && campaign_body->contains("window")) {
    facts.window_start = DateAt((*campaign_body)["window"], "start");
    facts.window_end = DateAt((*campaign_body)["window"], "end");
    facts.announce = DateAt(*campaign_body, "announce");
    if (!facts.announce) facts.announce = facts.window_start;  // as the scenario reader has it
  }
  facts.review_missing = ReviewMissing(row.data["review"]);
  // Only closing asks when the returns mature; it needs the offerings, so the whole workspace
  // is parsed for campaigns in follow-up only.
  if (row.state == ProcessState::kFollowUp) {
    Result<Scenario> scenario = ParseSnapshot(snapshot);
    const Campaign* campaign =
        scenario.ok() ? scenario.value().FindCampaign(row.campaign) : nullptr;
    if (campaign) facts.returns_mature_on = process::ReturnsMatureOn(scenario.value(), *campaign);
  }
  return facts;
}

ApiError RefusalError(const process::Refusal& refusal) {
  using Kind = process::Refusal::Kind;
  if (refusal.kind == Kind::kForbidden) return ApiError::Forbidden(refusal.message, refusal.field);
  if (refusal.kind == Kind::kInvalid)
    return ApiError::Field(refusal.field, refusal.message, refusal.allowed);
  ApiError error = ApiError::Conflict(refusal.message, refusal.field);
  for (const auto& [field, problem] : refusal.missing)
    error.fields.push_back({.field = field, .problem = problem, .allowed = "", .path = ""});
  return error;
}

json ProcessView(const ProcessRow& process, const json* campaign_body,
                 const std::optional<JobRunner::Progress>& progress,
                 const process::ProcessFacts& facts, Role actor) {
  json view = {
      {"campaign", process.campaign},
      {"state", process::StateName(process.state)},
      {"version", process.version},
      {"confirmations", process.data["confirmations"]},
      {"missing_confirmations", Names(facts.missing_confirmations)},
      {"signoffs", process.data["signoffs"]},
      {"missing_signoffs", Names(facts.missing_signoffs)},
      {"objections", Objections(process)},
      {"check", process.data["check"]},
      {"override", process.data["override"]},
      {"approved", process.data["approved"]},
      {"handover_ready", !process.data["handover"].is_null()},
      {"review", process.data["review"]},
      {"review_missing", facts.review_missing},
      {"returns_mature_on",
       facts.returns_mature_on ? json(facts.returns_mature_on->ToString()) : json(nullptr)},
      {"recommend",
       process.data.contains("recommend") ? process.data["recommend"] : json(nullptr)}};
  if (progress && view["check"].is_object()) {
    view["check"]["progress"] = {
        {"done", progress->done}, {"total", progress->total}, {"running", progress->running}};
  }
  if (campaign_body && campaign_body->is_object()) {
    view["name"] = campaign_body->value("name", "");
    if (campaign_body->contains("window")) view["window"] = (*campaign_body)["window"];
  }
  json next = json::array();
  for (ProcessState state : process::NextStates(process.state))
    next.push_back(process::StateName(state));
  view["next"] = next;
  view["actions"] = ActionsJson(process::AvailableActions(facts, actor));
  return view;
}

Reply ProcessReply(const ProcessRow& process, const json* view_body, const WriteContext& context) {
  const process::ProcessFacts facts = FactsFor(process, context.snapshot, context.now);
  Reply reply;
  reply.body = ProcessView(process, view_body, std::nullopt, facts, context.actor.role);
  reply.version = process.version + 1;  // the version after this write
  reply.body["version"] = *reply.version;
  return reply;
}

Outcome<Reply> ProcessService::ListProcesses(const Actor& actor, const std::string& ws) {
  const std::string now = core_.Now();
  return core_.ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    Reply reply;
    reply.body = {{"items", json::array()}};
    for (const Entity* entity : Ordered(snapshot.doc)) {
      if (entity->kind != "campaigns") continue;
      auto process = snapshot.processes.find(entity->key);
      if (process == snapshot.processes.end()) continue;
      const process::ProcessFacts facts = FactsFor(process->second, snapshot, now);
      json view = ProcessView(process->second, &entity->body, std::nullopt, facts, actor.role);
      reply.body["items"].push_back(
          {{"campaign", view["campaign"]},
           {"name", view.value("name", "")},
           {"window", view.value("window", json(nullptr))},
           {"state", view["state"]},
           {"version", view["version"]},
           {"verdict", view["check"].is_object() ? view["check"].value("verdict", json(nullptr))
                                                 : json(nullptr)},
           {"check_status", view["check"].is_object() ? view["check"]["status"] : json(nullptr)},
           {"missing_confirmations", view["missing_confirmations"]},
           {"missing_signoffs", view["missing_signoffs"]}});
    }
    return reply;
  });
}

Outcome<Reply> ProcessService::GetProcess(const Actor& actor, const CampaignRef& ref) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  const std::string now = core_.Now();
  return core_.ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    Outcome<const ProcessRow*> found = FindProcess(snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    const ProcessRow& process = *found.value();
    const Entity* entity = snapshot.Find("campaigns", campaign);
    if (!entity) return ApiError::NotFound("no campaign '" + campaign + "' in " + ws);
    std::optional<JobRunner::Progress> progress;
    const json& check = process.data["check"];
    if (core_.runner && check.is_object() && check.contains("job"))
      progress = core_.runner->Get(check["job"].get<int64_t>());
    Reply reply;
    reply.version = process.version;
    reply.body =
        ProcessView(process, &entity->body, progress, FactsFor(process, snapshot, now), actor.role);
    return reply;
  });
}

Outcome<const ProcessRow*> FindProcess(const Snapshot& snapshot, const std::string& ws,
                                       const std::string& campaign) {
  auto process = snapshot.processes.find(campaign);
  if (process == snapshot.processes.end())
    return ApiError::NotFound("no campaign '" + campaign + "' in " + ws);
  return &process->second;
}

Outcome<ProcessRow*> FindProcess(Snapshot& snapshot, const std::string& ws,
                                 const std::string& campaign) {
  Outcome<const ProcessRow*> found = FindProcess(std::as_const(snapshot), ws, campaign);
  if (!found.ok()) return found.error();
  return const_cast<ProcessRow*>(found.value());  // the snapshot is the caller's to change
}

Outcome<ParsedCampaign> FindCampaign(const Snapshot& snapshot, const std::string& ws,
                                     const std::string& campaign) {
  Result<Scenario> scenario = ParseSnapshot(snapshot);
  if (!scenario.ok()) return ApiError::Internal(scenario.error().ToString());
  ParsedCampaign out{std::move(scenario).value(), 0};
  const Campaign* found = out.scenario.FindCampaign(campaign);
  if (found == nullptr) return ApiError::NotFound("no campaign '" + campaign + "' in " + ws);
  out.index = static_cast<size_t>(found - out.scenario.campaigns.data());
  return out;
}

bool HasOfferings(const Document& document) {
  for (const Entity& entity : document.entities)
    if (entity.kind == "offerings") return true;
  return false;
}

Outcome<CampaignToCheck> FindCampaignToCheck(WriteContext& context, const std::string& ws,
                                             const std::string& campaign) {
  Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
  if (!found.ok()) return found.error();
  Outcome<ParsedCampaign> parsed = FindCampaign(context.snapshot, ws, campaign);
  if (!parsed.ok()) return parsed.error();
  if (!HasOfferings(context.snapshot.doc))
    return ApiError::Conflict("the workspace has no offerings yet");
  return CampaignToCheck{
      found.value(), ScenarioForCampaign(parsed.value().scenario, context.snapshot.doc,
                                         context.snapshot.processes, campaign, context.check_tag)};
}

namespace {

// The function named in the path; 404 for admin or an unknown name.
Outcome<Role> NamedFunction(const std::string& function) {
  const std::optional<Role> role = ParseRole(function);
  if (!role || *role == Role::kAdmin) {
    return ApiError::NotFound("no function '" + function +
                              "'; functions: marketing, operations, finance, service");
  }
  return *role;
}

Outcome<Role> FunctionFor(const Actor& actor, const std::string& function, const char* what) {
  Outcome<Role> role = NamedFunction(function);
  if (!role.ok()) return role;
  if (actor.role != role.value()) {
    return ApiError::Forbidden(std::string(RoleName(actor.role)) + " cannot " + what + " for " +
                               function);
  }
  return role;
}

// Asks the core; the error to return when it refuses.
std::optional<ApiError> Refused(const ProcessRow& process, const WriteContext& context,
                                const process::ActionRequest& request) {
  const process::Decision decision =
      process::Decide(FactsFor(process, context.snapshot, context.now), request);
  if (decision.allowed) return std::nullopt;
  return RefusalError(*decision.refusal);
}

}  // namespace

Outcome<Reply> ProcessService::Transition(const Actor& actor, const CampaignRef& ref,
                                          const Parsed<TransitionRequest>& request,
                                          std::optional<int64_t> if_match) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  if (!process::RoleMayEver(Action::kMove, actor.role))
    return RefusalError(process::RoleRefusal(Action::kMove));
  if (!request.ok()) return request.error();
  const ProcessState to = request.value().to;
  const std::string to_name = process::StateName(to);
  if (to == ProcessState::kApproved)
    return ApiError::Field("to", "approval has its own action", "POST .../approve");
  return core_.Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (if_match && *if_match != process.version) {
      return ApiError::Conflict("the process is at version " + std::to_string(process.version),
                                "If-Match");
    }
    const ProcessState from = process.state;
    if (std::optional<ApiError> refused =
            Refused(process, context, {Action::kMove, actor.role, to, std::nullopt, ""}))
      return *refused;
    if (to == ProcessState::kGroundwork && from == ProcessState::kTransfer)
      process.data["signoffs"] = json::object();
    if (from == ProcessState::kApproved && to == ProcessState::kTransfer) {
      process.data["signoffs"] = json::object();
      process.data["approved"] = nullptr;
      process.data["override"] = nullptr;
      process.data["handover"] = nullptr;
    }
    process.state = to;
    context.target = "state";
    context.audit.push_back({.campaign = campaign,
                             .actor = actor.name,
                             .action = "transition",
                             .target = "state",
                             .detail = {{"from", process::StateName(from)}, {"to", to_name}}});
    return ProcessReply(process, nullptr, context);
  });
}

Outcome<Reply> ProcessService::Confirm(const Actor& actor, const FunctionRef& ref,
                                       const Parsed<ConfirmRequest>& request) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  const std::string& function = ref.function;
  Outcome<Role> role = FunctionFor(actor, function, "confirm");
  if (!role.ok()) return role.error();
  if (!request.ok()) return request.error();
  return core_.Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (std::optional<ApiError> refused = Refused(
            process, context, {Action::kConfirm, actor.role, process.state, role.value(), ""}))
      return *refused;
    Outcome<ParsedCampaign> parsed = FindCampaign(context.snapshot, ws, campaign);
    if (!parsed.ok()) return parsed.error();
    const Scenario& scenario = parsed.value().scenario;
    const Campaign* item = &parsed.value().campaign();
    const std::string basis = BasisHashes(scenario, *item, context.snapshot.doc).at(role.value());
    const Parsed<std::string>& note = request.value().note;
    if (!note.ok()) return note.error();  // not a text (process_requests.h)
    process.data["confirmations"][function] = {
        {"by", actor.name}, {"at", context.now}, {"note", note.value()}, {"basis", basis}};
    context.audit.push_back({.campaign = campaign,
                             .actor = actor.name,
                             .action = "confirm",
                             .target = function,
                             .detail = {{"note", note.value()}}});
    return ProcessReply(process, nullptr, context);
  });
}

Outcome<Reply> ProcessService::Unconfirm(const Actor& actor, const FunctionRef& ref) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  const std::string& function = ref.function;
  Outcome<Role> role = FunctionFor(actor, function, "withdraw a confirmation");
  if (!role.ok()) return role.error();
  return core_.Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (!process.data["confirmations"].contains(function))
      return ApiError::NotFound(function + " has not confirmed");
    process.data["confirmations"].erase(function);
    context.audit.push_back({.campaign = campaign,
                             .actor = actor.name,
                             .action = "withdraw-confirmation",
                             .target = function,
                             .detail = {{"reason", "by " + actor.name}}});
    return ProcessReply(process, nullptr, context);
  });
}

Outcome<Reply> ProcessService::SignOff(const Actor& actor, const FunctionRef& ref,
                                       const Parsed<SignOffRequest>& request) {
  if (!request.ok()) return ReviewAs(actor, ref, process::SignOffKind::kSignOff, request.error());
  return ReviewAs(actor, ref, process::SignOffKind::kSignOff,
                  Judgement{request.value().check, request.value().comment, ""});
}

Outcome<Reply> ProcessService::Review(const Actor& actor, const FunctionRef& ref,
                                      process::SignOffKind kind,
                                      const Parsed<ObjectionRequest>& request) {
  if (!request.ok()) return ReviewAs(actor, ref, kind, request.error());
  return ReviewAs(actor, ref, kind,
                  Judgement{request.value().check, std::string(), request.value().reason});
}

Outcome<Reply> ProcessService::ReviewAs(const Actor& actor, const FunctionRef& ref,
                                        process::SignOffKind kind,
                                        const Parsed<Judgement>& request) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  const std::string& function = ref.function;
  const bool signoff = kind == process::SignOffKind::kSignOff;
  const Action action = signoff                                 ? Action::kSignOff
                        : kind == process::SignOffKind::kRefuse ? Action::kRefuse
                                                                : Action::kRequestChanges;
  Outcome<Role> role = FunctionFor(actor, function,
                                   signoff                     ? "sign off"
                                   : action == Action::kRefuse ? "refuse a sign-off"
                                                               : "request changes");
  if (!role.ok()) return role.error();
  if (!request.ok()) return request.error();
  const std::string& reason = request.value().reason;
  return core_.Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (std::optional<ApiError> refused =
            Refused(process, context, {action, actor.role, process.state, role.value(), reason}))
      return *refused;
    const json& check = process.data["check"];
    if (check.value("key", "") != request.value().check) {
      return ApiError::Conflict(
          "the check you reviewed is not the current one (" + check.value("key", "") + ")",
          "check");
    }
    Outcome<ParsedCampaign> parsed = FindCampaign(context.snapshot, ws, campaign);
    if (!parsed.ok()) return parsed.error();
    const Scenario& scenario = parsed.value().scenario;
    const Campaign* item = &parsed.value().campaign();
    if (!process.data.contains("objections") || !process.data["objections"].is_object())
      process.data["objections"] = json::object();
    json& objections = process.data["objections"];
    if (signoff) {
      const std::string basis = BasisHashes(scenario, *item, context.snapshot.doc).at(role.value());
      if (!request.value().comment.ok()) return request.value().comment.error();  // not a text
      const std::string& comment = request.value().comment.value();
      process.data["signoffs"][function] = {
          {"by", actor.name}, {"at", context.now},     {"comment", comment},
          {"basis", basis},   {"check", check["key"]}, {"verdict", check.value("verdict", "")}};
      json detail = {
          {"check", check["key"]}, {"verdict", check.value("verdict", "")}, {"comment", comment}};
      // A sign-off settles the function's own refusal or request (the audit keeps both).
      if (objections.contains(function)) {
        detail["settles"] = objections[function].value("kind", "");
        objections.erase(function);
      }
      context.audit.push_back({.campaign = campaign,
                               .actor = actor.name,
                               .action = "signoff",
                               .target = function,
                               .detail = detail});
      return ProcessReply(process, nullptr, context);
    }
    const std::string kind_name = process::SignOffKindName(kind);
    process.data["signoffs"].erase(function);
    objections[function] = {{"kind", kind_name},     {"by", actor.name},
                            {"at", context.now},     {"reason", reason},
                            {"check", check["key"]}, {"verdict", check.value("verdict", "")},
                            {"answer", nullptr}};
    context.audit.push_back(
        {.campaign = campaign,
         .actor = actor.name,
         .action = action == Action::kRefuse ? "refuse-signoff" : "request-changes",
         .target = function,
         .detail = {{"check", check["key"]}, {"reason", reason}}});
    // The campaign owner (marketing) is told, with the reason to answer.
    context.alerts[campaign].push_back(
        {action == Action::kRefuse ? "signoff-refused" : "changes-requested",
         std::string(action == Action::kRefuse
                         ? "Campaign " + campaign + ": " + function + " refuses to sign off: "
                         : "Campaign " + campaign + ": " + function +
                               " asks for changes before signing off: ") +
             reason,
         {{"function", function}, {"reason", reason}, {"check", check["key"]}},
         kind_name + ":" + campaign + ":" + function + ":" + context.now});
    return ProcessReply(process, nullptr, context);
  });
}

Outcome<Reply> ProcessService::AnswerObjection(const Actor& actor, const FunctionRef& ref,
                                               const Parsed<AnswerRequest>& request) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  const std::string& function = ref.function;
  if (!process::RoleMayEver(Action::kAnswer, actor.role))
    return RefusalError(process::RoleRefusal(Action::kAnswer));
  Outcome<Role> role = NamedFunction(function);
  if (!role.ok()) return role.error();
  if (!request.ok()) return request.error();
  const std::string& text = request.value().text;
  return core_.Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (std::optional<ApiError> refused = Refused(
            process, context, {Action::kAnswer, actor.role, process.state, role.value(), text}))
      return *refused;
    json& objection = process.data["objections"][function];
    objection["answer"] = {{"by", actor.name}, {"at", context.now}, {"text", text}};
    context.audit.push_back({.campaign = campaign,
                             .actor = actor.name,
                             .action = "answer",
                             .target = function,
                             .detail = {{"kind", objection.value("kind", "")}, {"text", text}}});
    context.alerts[campaign].push_back(
        {"objection-answered",
         "Campaign " + campaign + ": " + actor.name + " answered your " +
             (objection.value("kind", "") == "refused" ? "refusal" : "request for changes") + ": " +
             text,
         {{"function", function}, {"text", text}},
         "objection-answered:" + campaign + ":" + function + ":" + context.now});
    return ProcessReply(process, nullptr, context);
  });
}

Outcome<Reply> ProcessService::WithdrawSignOff(const Actor& actor, const FunctionRef& ref) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  const std::string& function = ref.function;
  Outcome<Role> role = FunctionFor(actor, function, "withdraw a sign-off");
  if (!role.ok()) return role.error();
  return core_.Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (!process.data["signoffs"].contains(function))
      return ApiError::NotFound(function + " has not signed off");
    if (process.state != ProcessState::kTransfer) {
      return ApiError::Conflict("sign-offs are withdrawn in transfer (the campaign is " +
                                    std::string(process::StateName(process.state)) + ")",
                                "state");
    }
    process.data["signoffs"].erase(function);
    context.audit.push_back({.campaign = campaign,
                             .actor = actor.name,
                             .action = "withdraw-signoff",
                             .target = function,
                             .detail = {{"reason", "by " + actor.name}}});
    return ProcessReply(process, nullptr, context);
  });
}

Outcome<Reply> ProcessService::Approve(const Actor& actor, const CampaignRef& ref,
                                       const Parsed<ApproveRequest>& request) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  if (!process::RoleMayEver(Action::kApprove, actor.role) &&
      !process::RoleMayEver(Action::kApproveOverride, actor.role)) {
    return RefusalError(process::RoleRefusal(Action::kApprove));
  }
  if (!request.ok()) return request.error();
  const bool override_asked = request.value().override.has_value();
  const std::string reason = override_asked ? request.value().override->reason : "";
  return core_.Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    const json& check = process.data["check"];
    const bool check_done = check.is_object() && check.value("status", "") == "done";
    if (process.state == ProcessState::kTransfer && check_done &&
        check.value("key", "") != request.value().check) {
      return ApiError::Conflict(
          "the check approved is not the current one (" + check.value("key", "") + ")", "check");
    }
    const std::string verdict = check_done ? check.value("verdict", "no-go") : "";
    // Finance only ever approves an override. The others ask for one by sending a reason; on a
    // go verdict that is a plain approval (there is nothing to override).
    const Action action =
        !process::RoleMayEver(Action::kApprove, actor.role) || (override_asked && verdict != "go")
            ? Action::kApproveOverride
            : Action::kApprove;
    if (std::optional<ApiError> refused = Refused(
            process, context, {action, actor.role, ProcessState::kApproved, std::nullopt, reason}))
      return *refused;
    Outcome<ParsedCampaign> parsed = FindCampaign(context.snapshot, ws, campaign);
    if (!parsed.ok()) return parsed.error();
    const Campaign* item = &parsed.value().campaign();
    // The stored result of the current check (the key names it) gives the hand-over.
    Outcome<std::optional<json>> stored =
        LoadResult(*context.connection, check["key"].get<std::string>());
    if (!stored.ok()) return stored.error();
    if (!stored.value())
      return ApiError::Conflict("the check result is no longer stored; run the check again",
                                "check");
    const std::optional<CheckSummary> summary = SummaryFor(*stored.value(), campaign);
    if (!summary) return ApiError::Internal("the check result has no campaign " + campaign);
    const bool overridden = action == Action::kApproveOverride;
    process.state = ProcessState::kApproved;
    process.data["approved"] = {
        {"by", actor.name}, {"at", context.now}, {"verdict", verdict}, {"check", check["key"]}};
    process.data["override"] = nullptr;
    if (overridden) {
      process.data["override"] = {{"by", actor.name},
                                  {"role", RoleName(actor.role)},
                                  {"at", context.now},
                                  {"reason", reason},
                                  {"verdict", verdict}};
      context.audit.push_back({.campaign = campaign,
                               .actor = actor.name,
                               .action = "override",
                               .target = "verdict",
                               .detail = {{"verdict", verdict},
                                          {"reason", reason},
                                          {"role", RoleName(actor.role)},
                                          {"check", check["key"]}}});
      const std::string key = check["key"].is_string() ? check["key"].get<std::string>() : "";
      context.alerts[campaign].push_back(
          {"verdict-overridden",
           "Campaign " + campaign + " was approved over its " + verdict + " verdict by " +
               actor.name + " (" + RoleName(actor.role) + "): " + reason,
           {{"verdict", verdict}, {"by", actor.name}, {"reason", reason}},
           "verdict-overridden:" + campaign + ":" + key});
    }
    process.data["handover"] = BuildHandover(summary->campaign, *item);
    const std::string approved_key =
        check["key"].is_string() ? check["key"].get<std::string>() : "";
    for (AlertDraft& alert : HandoverAlerts(campaign, approved_key))
      context.alerts[campaign].push_back(std::move(alert));
    context.audit.push_back(
        {.campaign = campaign,
         .actor = actor.name,
         .action = "approve",
         .target = "state",
         .detail = {{"verdict", verdict}, {"check", check["key"]}, {"override", overridden}}});
    return ProcessReply(process, nullptr, context);
  });
}

Outcome<Reply> ProcessService::Handover(const Actor& actor, const CampaignRef& ref) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  return core_.ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    Outcome<const ProcessRow*> found = FindProcess(snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    const ProcessRow& process = *found.value();
    const json& handover = process.data["handover"];
    if (handover.is_null())
      return ApiError::NotFound("campaign " + campaign + " has no hand-over: it is not approved");
    Reply reply;
    reply.version = process.version;
    // Each function reads its part; admin reads all of it.
    json parts = json::object();
    for (const char* part : {"operations", "marketing", "service"}) {
      if (actor.role == Role::kAdmin || RoleName(actor.role) == std::string(part) ||
          (actor.role == Role::kFinance && std::string(part) == "operations")) {
        parts[part] = handover[part];
      }
    }
    reply.body = {{"campaign", campaign},
                  {"approved", process.data["approved"]},
                  {"override", process.data["override"]},
                  {"handover", parts}};
    return reply;
  });
}

Outcome<Reply> ProcessService::PutReview(const Actor& actor, const CampaignRef& ref,
                                         const Parsed<PutReviewRequest>& request) {
  const std::string& ws = ref.ws;
  const std::string& campaign = ref.campaign;
  if (actor.role != Role::kMarketing && actor.role != Role::kOperations &&
      actor.role != Role::kAdmin) {
    return ApiError::Forbidden(
        "only marketing, operations and admin write the post-campaign review");
  }
  if (!request.ok()) return request.error();
  json review = json::object();
  for (const auto& [part, text] : request.value().parts) {
    if (std::optional<ApiError> refused = ReviewPartError(part, text)) return *refused;
    review[part] = text;
  }
  return core_.Write(actor, ws, "process", [&](WriteContext& context) -> Outcome<Reply> {
    Outcome<ProcessRow*> found = FindProcess(context.snapshot, ws, campaign);
    if (!found.ok()) return found.error();
    ProcessRow& process = *found.value();
    if (process.state != ProcessState::kLive && process.state != ProcessState::kFollowUp) {
      return ApiError::Conflict(
          std::string("the post-campaign review is written while the campaign is followed up "
                      "(live or follow-up); it is ") +
              process::StateName(process.state),
          "state");
    }
    review["by"] = actor.name;
    review["at"] = context.now;
    process.data["review"] = review;
    context.target = "review";
    context.audit.push_back({.campaign = campaign,
                             .actor = actor.name,
                             .action = "review",
                             .target = "review",
                             .detail = {{"missing", ReviewMissing(review)}}});
    return ProcessReply(process, nullptr, context);
  });
}

// ---------------------------------------------------------------------------------------------
// Checks

}  // namespace tandem::server
