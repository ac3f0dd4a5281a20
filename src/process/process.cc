#include "tandem/process/process.h"

#include <algorithm>

namespace tandem::process {
namespace {

using S = ProcessState;
using A = Action;
using G = Guard;
using R = Role;

const Who kOwner{{R::kMarketing, R::kAdmin}, false};
const Who kOverrider{{R::kFinance, R::kAdmin}, false};
const Who kOwnFunction{{R::kMarketing, R::kOperations, R::kFinance, R::kService}, true};
const Who kClock{{}, false, true};

bool Has(const std::vector<Role>& roles, Role role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

// ["operations","finance"], as the API has always written the missing functions.
std::string NameList(const std::vector<Role>& roles) {
  std::string out = "[";
  for (size_t i = 0; i < roles.size(); ++i)
    out += std::string(i ? "," : "") + "\"" + RoleName(roles[i]) + "\"";
  return out + "]";
}

Refusal Conflict(std::string message, std::string field = "") {
  return {Refusal::Kind::kConflict, std::move(message), std::move(field), "", {}};
}

Refusal Invalid(std::string field, std::string problem, std::string allowed) {
  return {Refusal::Kind::kInvalid, std::move(problem), std::move(field), std::move(allowed), {}};
}

std::string TextField(Action action) {
  switch (action) {
    case A::kApproveOverride:
      return "override.reason";
    case A::kAnswer:
      return "text";
    default:
      return "reason";
  }
}

std::string TextProblem(Action action) {
  switch (action) {
    case A::kApproveOverride:
      return "an override needs a reason";
    case A::kRefuse:
      return "a refusal needs a reason the campaign owner can answer";
    case A::kRequestChanges:
      return "a request for changes needs a reason the campaign owner can answer";
    case A::kAnswer:
      return "an answer needs a text";
    default:
      return "a text is needed";
  }
}

// The words for a role that acts for a function other than its own.
const char* Verb(Action action) {
  switch (action) {
    case A::kConfirm:
      return "confirm";
    case A::kSignOff:
      return "sign off";
    case A::kRefuse:
      return "refuse a sign-off";
    case A::kRequestChanges:
      return "request changes";
    default:
      return "act";
  }
}

// The refusal when no row of the action leaves the current state.
Refusal WrongState(const ProcessFacts& facts, const ActionRequest& request) {
  const std::string state = StateName(facts.state);
  switch (request.action) {
    case A::kMove:
      return Conflict("a campaign in " + state + " cannot move to " + StateName(request.to), "to");
    case A::kApprove:
    case A::kApproveOverride:
      return Conflict("only a campaign in transfer is approved (it is " + state + ")", "state");
    case A::kConfirm:
      return Conflict("confirmations are given in groundwork (the campaign is " + state + ")",
                      "state");
    case A::kSignOff:
      return Conflict("sign-offs are given in transfer (the campaign is " + state + ")", "state");
    case A::kRefuse:
    case A::kRequestChanges:
      return Conflict(
          "refusals and requests for changes are given in transfer (the campaign is " + state + ")",
          "state");
    case A::kAnswer:
      return Conflict("answers are given in transfer (the campaign is " + state + ")", "state");
    case A::kAdvance:
      return Conflict("the clock does not move a campaign in " + state, "state");
  }
  return Conflict("not possible in " + state);
}

// Checks one guard; nullopt when it holds. `skip_text`: AvailableActions asks before the user
// has written anything.
std::optional<Refusal> Check(Guard guard, const ProcessFacts& facts, const ActionRequest& request,
                             bool skip_text) {
  switch (guard) {
    case G::kConfirmationsComplete: {
      if (facts.missing_confirmations.empty()) return std::nullopt;
      Refusal refusal = Conflict("groundwork is not complete: confirmations missing from " +
                                 NameList(facts.missing_confirmations));
      for (Role role : facts.missing_confirmations)
        refusal.missing.push_back({"confirmations." + std::string(RoleName(role)), "missing"});
      return refusal;
    }
    case G::kCheckDone:
      if (facts.check_done) return std::nullopt;
      return Conflict(request.action == A::kApprove || request.action == A::kApproveOverride
                          ? "the check has not finished"
                          : "the check has not finished; sign off on its result",
                      "check");
    case G::kSignOffsComplete: {
      if (facts.missing_signoffs.empty()) return std::nullopt;
      Refusal refusal = Conflict("sign-offs missing from " + NameList(facts.missing_signoffs));
      for (Role role : facts.missing_signoffs) {
        auto objection = facts.objections.find(role);
        refusal.missing.push_back({"signoffs." + std::string(RoleName(role)),
                                   objection == facts.objections.end()
                                       ? "missing"
                                       : SignOffKindName(objection->second.kind)});
      }
      return refusal;
    }
    case G::kVerdictGo: {
      const Verdict verdict = facts.verdict.value_or(Verdict::kNoGo);
      if (verdict == Verdict::kGo) return std::nullopt;
      return Conflict(std::string("the verdict is ") + VerdictName(verdict) +
                          "; approving needs an override with a reason, by finance or an admin "
                          "(not the campaign's owner)",
                      "override.reason");
    }
    case G::kVerdictNotGo:
      if (facts.verdict.value_or(Verdict::kNoGo) != Verdict::kGo) return std::nullopt;
      return Conflict("the verdict is go: there is nothing to override; marketing approves it",
                      "override");
    case G::kReasonWritten:
      if (skip_text || request.text.size() >= kMinReasonChars) return std::nullopt;
      return Invalid(TextField(request.action), TextProblem(request.action),
                     "at least " + std::to_string(kMinReasonChars) + " characters");
    case G::kBeforeAnnounce:
      if (!facts.today || !facts.announce || *facts.today <= *facts.announce) return std::nullopt;
      return Conflict("the campaign was announced on " + facts.announce->ToString() +
                          "; approval must come before the announcement",
                      "announce");
    case G::kWindowStarted:
      if (!facts.today || !facts.window_start || *facts.today >= *facts.window_start)
        return std::nullopt;
      return Conflict("the campaign's window starts on " + facts.window_start->ToString() +
                          ": it goes live on that day, not before (today is " +
                          facts.today->ToString() + ")",
                      "window");
    case G::kWindowEnded:
      if (facts.today && facts.window_end && *facts.today > *facts.window_end) return std::nullopt;
      if (!facts.today || !facts.window_end)
        return Conflict("the window's end is not known", "window");
      return Conflict("the campaign's window ends on " + facts.window_end->ToString() +
                          ": it closes after that (today is " + facts.today->ToString() + ")",
                      "window");
    case G::kReturnsMatured:
      if (facts.today && facts.returns_mature_on && *facts.today >= *facts.returns_mature_on)
        return std::nullopt;
      if (!facts.today || !facts.returns_mature_on)
        return Conflict("the day its returns mature is not known", "returns");
      return Conflict("its returns mature on " + facts.returns_mature_on->ToString() +
                          " (the window's end plus the longest transit and return lag of its "
                          "offerings): it closes on or after that day (today is " +
                          facts.today->ToString() + ")",
                      "returns");
    case G::kReviewWritten: {
      if (facts.review_missing.empty()) return std::nullopt;
      std::string parts;
      for (size_t i = 0; i < facts.review_missing.size(); ++i)
        parts += (i ? ", " : "") + facts.review_missing[i];
      return Conflict(
          "the post-campaign review is not written: " + parts + " missing (PUT .../review)",
          "review");
    }
    case G::kObjectionOpen: {
      const Role function = request.function.value_or(R::kAdmin);
      auto objection = facts.objections.find(function);
      if (objection != facts.objections.end() && !objection->second.answered) return std::nullopt;
      return Conflict(
          std::string(RoleName(function)) + " has no unanswered refusal or request for changes",
          "function");
    }
  }
  return std::nullopt;
}

bool RowApplies(const Transition& row, const ProcessFacts& facts, const ActionRequest& request) {
  if (row.action != request.action || row.from != facts.state) return false;
  return request.action != A::kMove || row.to == request.to;
}

// The first guard of `row` that fails, or nullopt when all hold.
std::optional<Refusal> FirstFailing(const Transition& row, const ProcessFacts& facts,
                                    const ActionRequest& request, bool skip_text) {
  for (Guard guard : row.guards) {
    if (std::optional<Refusal> refusal = Check(guard, facts, request, skip_text)) return refusal;
  }
  return std::nullopt;
}

bool MayTake(const Who& who, const ActionRequest& request) {
  if (who.clock || !Has(who.roles, request.actor)) return false;
  return !who.own_function || (request.function && *request.function == request.actor);
}

const std::vector<Transition>& RowsFor(Action action) {
  switch (action) {
    case A::kMove:
    case A::kApprove:
    case A::kApproveOverride:
    case A::kAdvance:
      return Transitions();
    default:
      return FunctionActions();
  }
}

Decision DecideImpl(const ProcessFacts& facts, const ActionRequest& request, bool skip_text) {
  Decision decision;
  if (!RoleMayEver(request.action, request.actor)) {
    decision.refusal = RoleRefusal(request.action);
    return decision;
  }
  const std::vector<Transition>& rows = RowsFor(request.action);
  const auto row = std::find_if(rows.begin(), rows.end(), [&](const Transition& candidate) {
    return RowApplies(candidate, facts, request);
  });
  if (row == rows.end()) {
    decision.refusal = WrongState(facts, request);
    return decision;
  }
  if (!MayTake(row->who, request)) {
    const std::string function = request.function ? RoleName(*request.function) : "another";
    decision.refusal = {Refusal::Kind::kForbidden,
                        std::string(RoleName(request.actor)) + " cannot " + Verb(request.action) +
                            " for " + function,
                        "",
                        "",
                        {}};
    return decision;
  }
  if (std::optional<Refusal> refusal = FirstFailing(*row, facts, request, skip_text)) {
    decision.refusal = std::move(refusal);
    return decision;
  }
  decision.allowed = true;
  decision.to = row->to;
  return decision;
}

std::string RefusalText(const Refusal& refusal) {
  if (refusal.kind != Refusal::Kind::kInvalid) return refusal.message;
  return refusal.field + ": " + refusal.message;
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case R::kMarketing:
      return "marketing";
    case R::kOperations:
      return "operations";
    case R::kFinance:
      return "finance";
    case R::kService:
      return "service";
    case R::kAdmin:
      return "admin";
  }
  return "admin";
}

std::optional<Role> ParseRole(std::string_view text) {
  for (Role role : {R::kMarketing, R::kOperations, R::kFinance, R::kService, R::kAdmin}) {
    if (text == RoleName(role)) return role;
  }
  return std::nullopt;
}

const std::vector<Role>& Functions() {
  static const std::vector<Role> functions = {R::kMarketing, R::kOperations, R::kFinance,
                                              R::kService};
  return functions;
}

const char* StateName(ProcessState state) {
  switch (state) {
    case S::kDraft:
      return "draft";
    case S::kGroundwork:
      return "groundwork";
    case S::kTransfer:
      return "transfer";
    case S::kApproved:
      return "approved";
    case S::kLive:
      return "live";
    case S::kFollowUp:
      return "follow-up";
    case S::kClosed:
      return "closed";
  }
  return "draft";
}

std::optional<ProcessState> ParseState(std::string_view text) {
  for (ProcessState state : AllStates()) {
    if (text == StateName(state)) return state;
  }
  return std::nullopt;
}

const std::vector<ProcessState>& AllStates() {
  static const std::vector<ProcessState> states = {
      S::kDraft, S::kGroundwork, S::kTransfer, S::kApproved, S::kLive, S::kFollowUp, S::kClosed};
  return states;
}

bool IsCommitted(ProcessState state) {
  return state == S::kApproved || state == S::kLive || state == S::kFollowUp || state == S::kClosed;
}

bool IsRechecked(ProcessState state) {
  return state == S::kTransfer || state == S::kApproved || state == S::kLive;
}

std::optional<Verdict> ParseVerdict(std::string_view text) {
  for (Verdict verdict : {Verdict::kGo, Verdict::kAtRisk, Verdict::kNoGo}) {
    if (text == VerdictName(verdict)) return verdict;
  }
  return std::nullopt;
}

const char* SignOffKindName(SignOffKind kind) {
  switch (kind) {
    case SignOffKind::kSignOff:
      return "signed";
    case SignOffKind::kRefuse:
      return "refused";
    case SignOffKind::kRequestChanges:
      return "changes-requested";
  }
  return "signed";
}

const char* ActionName(Action action) {
  switch (action) {
    case A::kMove:
      return "move";
    case A::kApprove:
      return "approve";
    case A::kApproveOverride:
      return "approve-override";
    case A::kConfirm:
      return "confirm";
    case A::kSignOff:
      return "signoff";
    case A::kRefuse:
      return "refuse";
    case A::kRequestChanges:
      return "request-changes";
    case A::kAnswer:
      return "answer";
    case A::kAdvance:
      return "advance";
  }
  return "move";
}

const char* GuardText(Guard guard) {
  switch (guard) {
    case G::kConfirmationsComplete:
      return "all four functions confirmed";
    case G::kCheckDone:
      return "the current check has finished";
    case G::kSignOffsComplete:
      return "all four functions signed off on the current check";
    case G::kVerdictGo:
      return "the verdict is go";
    case G::kVerdictNotGo:
      return "the verdict is at-risk or no-go";
    case G::kReasonWritten:
      return "a written reason (at least 10 characters)";
    case G::kBeforeAnnounce:
      return "today is on or before the announce date";
    case G::kWindowStarted:
      return "today is on or after the window's start";
    case G::kWindowEnded:
      return "the window has ended";
    case G::kReturnsMatured:
      return "its returns have matured";
    case G::kReviewWritten:
      return "the post-campaign review is written";
    case G::kObjectionOpen:
      return "the function's refusal or request is unanswered";
  }
  return "";
}

std::string WhoText(const Who& who) {
  if (who.clock) return "the clock";
  if (who.own_function) return "the function itself";
  std::string out;
  for (size_t i = 0; i < who.roles.size(); ++i)
    out += std::string(i ? ", " : "") + RoleName(who.roles[i]);
  return out;
}

// The process (docs/process.md is rendered from these two tables).
const std::vector<Transition>& Transitions() {
  static const std::vector<Transition> rows = {
      {S::kDraft, S::kGroundwork, A::kMove, kOwner, {}},
      {S::kGroundwork, S::kTransfer, A::kMove, kOwner, {G::kConfirmationsComplete}},
      {S::kGroundwork, S::kDraft, A::kMove, kOwner, {}},
      {S::kTransfer,
       S::kApproved,
       A::kApprove,
       kOwner,
       {G::kCheckDone, G::kSignOffsComplete, G::kVerdictGo, G::kBeforeAnnounce}},
      {S::kTransfer,
       S::kApproved,
       A::kApproveOverride,
       kOverrider,
       {G::kCheckDone, G::kSignOffsComplete, G::kVerdictNotGo, G::kReasonWritten,
        G::kBeforeAnnounce}},
      {S::kTransfer, S::kGroundwork, A::kMove, kOwner, {}},
      {S::kApproved, S::kLive, A::kMove, kOwner, {G::kWindowStarted}},
      {S::kApproved, S::kTransfer, A::kMove, kOwner, {}},
      {S::kLive, S::kFollowUp, A::kMove, kOwner, {G::kWindowStarted}},
      {S::kFollowUp,
       S::kClosed,
       A::kMove,
       kOwner,
       {G::kWindowEnded, G::kReturnsMatured, G::kReviewWritten}},
      // The clock (DecideClock): a campaign enters follow-up when its window opens and closes
      // when the window has ended and its returns have matured, with the review written.
      {S::kApproved, S::kLive, A::kAdvance, kClock, {G::kWindowStarted}},
      {S::kLive, S::kFollowUp, A::kAdvance, kClock, {G::kWindowStarted}},
      {S::kFollowUp,
       S::kClosed,
       A::kAdvance,
       kClock,
       {G::kWindowEnded, G::kReturnsMatured, G::kReviewWritten}},
  };
  return rows;
}

const std::vector<Transition>& FunctionActions() {
  static const std::vector<Transition> rows = {
      {S::kGroundwork, S::kGroundwork, A::kConfirm, kOwnFunction, {}},
      {S::kTransfer, S::kTransfer, A::kConfirm, kOwnFunction, {}},
      {S::kTransfer, S::kTransfer, A::kSignOff, kOwnFunction, {G::kCheckDone}},
      {S::kTransfer, S::kTransfer, A::kRefuse, kOwnFunction, {G::kCheckDone, G::kReasonWritten}},
      {S::kTransfer,
       S::kTransfer,
       A::kRequestChanges,
       kOwnFunction,
       {G::kCheckDone, G::kReasonWritten}},
      {S::kTransfer, S::kTransfer, A::kAnswer, kOwner, {G::kObjectionOpen, G::kReasonWritten}},
  };
  return rows;
}

Date ReturnsMatureOn(const Scenario& scenario, const Campaign& campaign) {
  int64_t longest_minutes = 0;
  for (const std::string& id : campaign.offerings) {
    if (const Offering* offering = scenario.FindOffering(id))
      longest_minutes =
          std::max(longest_minutes, offering->transit.minutes + offering->return_lag.minutes);
  }
  const int64_t day = 24 * 60;
  const auto days = static_cast<int32_t>((longest_minutes + day - 1) / day);
  return campaign.window.end + 1 + days;
}

std::vector<ProcessState> NextStates(ProcessState state) {
  std::vector<ProcessState> next;
  for (const Transition& row : Transitions()) {
    if (row.from == state && std::find(next.begin(), next.end(), row.to) == next.end())
      next.push_back(row.to);
  }
  return next;
}

bool RoleMayEver(Action action, Role role) {
  for (const Transition& row : RowsFor(action)) {
    if (row.action == action && Has(row.who.roles, role)) return true;
  }
  return false;
}

Refusal RoleRefusal(Action action) {
  Refusal refusal{Refusal::Kind::kForbidden, "", "", "", {}};
  switch (action) {
    case A::kMove:
      refusal.message =
          "only marketing (the campaign owner) and admin move a campaign through the process";
      break;
    case A::kApprove:
      refusal.message =
          "only marketing (the campaign owner) and admin approve; finance and admin approve an "
          "override";
      break;
    case A::kApproveOverride:
      refusal.message =
          "an override needs an approver from another function than the campaign's owner: "
          "finance or admin";
      refusal.field = "override";
      break;
    case A::kAnswer:
      refusal.message = "only marketing (the campaign owner) and admin answer a refusal";
      break;
    case A::kAdvance:
      refusal.message = "only the clock advances a campaign (on its window's dates)";
      break;
    default:
      refusal.message = "only the function itself does that";
      break;
  }
  return refusal;
}

Decision Decide(const ProcessFacts& facts, const ActionRequest& request) {
  return DecideImpl(facts, request, false);
}

Decision DecideClock(const ProcessFacts& facts) {
  const ActionRequest request{A::kAdvance, R::kAdmin, facts.state, std::nullopt, ""};
  std::optional<Refusal> first_refusal;
  for (const Transition& row : Transitions()) {
    if (!row.who.clock || row.from != facts.state) continue;
    std::optional<Refusal> refusal = FirstFailing(row, facts, request, false);
    if (!refusal) return {true, std::nullopt, row.to};
    if (!first_refusal) first_refusal = std::move(refusal);
  }
  Decision decision;
  decision.refusal = first_refusal ? std::move(first_refusal) : WrongState(facts, request);
  return decision;
}

std::optional<int> DaysToUnapprovedAnnouncement(const ProcessFacts& facts) {
  if (facts.state != S::kGroundwork && facts.state != S::kTransfer) return std::nullopt;
  if (!facts.today || !facts.announce) return std::nullopt;
  const int days = *facts.announce - *facts.today;
  if (days < 0 || days > kAnnouncementWarningDays) return std::nullopt;
  return days;
}

std::vector<AvailableAction> AvailableActions(const ProcessFacts& facts, Role actor) {
  std::vector<AvailableAction> out;
  const auto offer = [&](const Transition& row, std::optional<Role> function) {
    ActionRequest request{row.action, actor, row.to, function, ""};
    if (!MayTake(row.who, request)) return;
    const Decision decision = DecideImpl(facts, request, true);
    const bool needs_text =
        std::find(row.guards.begin(), row.guards.end(), G::kReasonWritten) != row.guards.end();
    out.push_back({row.action, row.to, function, decision.allowed, needs_text,
                   decision.refusal ? RefusalText(*decision.refusal) : ""});
  };
  for (const Transition& row : Transitions()) {
    if (row.from == facts.state) offer(row, std::nullopt);
  }
  for (const Transition& row : FunctionActions()) {
    if (row.from != facts.state) continue;
    if (row.action == A::kAnswer) {
      for (const auto& [function, objection] : facts.objections) {
        if (!objection.answered) offer(row, function);
      }
    } else if (actor != R::kAdmin) {
      offer(row, actor);
    }
  }
  return out;
}

std::string RenderTransitionTable() {
  std::string out =
      "| from | to | action | who may | guards (checked in this order) |\n"
      "| --- | --- | --- | --- | --- |\n";
  const auto line = [&](const Transition& row) {
    std::string guards;
    for (size_t i = 0; i < row.guards.size(); ++i)
      guards += std::string(i ? "; " : "") + GuardText(row.guards[i]);
    out += std::string("| ") + StateName(row.from) + " | " +
           (row.from == row.to ? "(stays)" : StateName(row.to)) + " | " + ActionName(row.action) +
           " | " + WhoText(row.who) + " | " + (guards.empty() ? "-" : guards) + " |\n";
  };
  for (const Transition& row : Transitions()) line(row);
  for (const Transition& row : FunctionActions()) line(row);
  return out;
}

}  // namespace tandem::process
