// The process core, tested from its table: every row is allowed when its guards hold, refused
// (with the guard's own field) when exactly one guard fails, refused for every role that may not
// take it, and refused from every state it does not leave. The expected edges and roles are
// written out by hand below from docs/server.md ("The process", "Roles") and issue 13 (refuse and
// request changes, an override by another function, live from the window's start), so a table
// that drifts from the spec fails here; docs/process.md must carry the table as rendered.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "tandem/process/alerts.h"
#include "tandem/process/process.h"

namespace tandem::process {
namespace {

using S = ProcessState;
using R = Role;

const std::vector<Role> kAllRoles = {R::kMarketing, R::kOperations, R::kFinance, R::kService,
                                     R::kAdmin};

// Facts under which every guard holds: all confirmed and signed off, a go check done, today
// between the window's start and the announce date is impossible (announce comes before the
// start), so the date guards are satisfied separately per row (FactsFor).
ProcessFacts Holding(const Transition& row) {
  ProcessFacts facts;
  facts.state = row.from;
  facts.check_done = true;
  bool not_go = false;
  for (Guard guard : row.guards) not_go = not_go || guard == Guard::kVerdictNotGo;
  facts.verdict = not_go ? Verdict::kNoGo : Verdict::kGo;
  facts.window_start = Date::FromCivil(2027, 3, 15);
  facts.announce = Date::FromCivil(2027, 3, 10);
  bool window = false;
  for (Guard guard : row.guards) window = window || guard == Guard::kWindowStarted;
  facts.today = window ? Date::FromCivil(2027, 3, 15) : Date::FromCivil(2027, 3, 1);
  if (row.action == Action::kAnswer) facts.objections[R::kFinance] = {SignOffKind::kRefuse, "x"};
  return facts;
}

ActionRequest RequestFor(const Transition& row, Role actor) {
  ActionRequest request;
  request.action = row.action;
  request.actor = actor;
  request.to = row.to;
  if (row.who.own_function) request.function = actor;
  if (row.action == Action::kAnswer) request.function = R::kFinance;
  request.text = "a reason of more than ten characters";
  return request;
}

// The guard broken alone; its expected refusal (kind, field) is written per guard by hand.
void Break(Guard guard, ProcessFacts& facts, ActionRequest& request) {
  switch (guard) {
    case Guard::kConfirmationsComplete:
      facts.missing_confirmations = {R::kFinance};
      break;
    case Guard::kCheckDone:
      facts.check_done = false;
      facts.verdict.reset();
      break;
    case Guard::kSignOffsComplete:
      facts.missing_signoffs = {R::kOperations, R::kService};
      break;
    case Guard::kVerdictGo:
      facts.verdict = Verdict::kAtRisk;
      break;
    case Guard::kVerdictNotGo:
      facts.verdict = Verdict::kGo;
      break;
    case Guard::kReasonWritten:
      request.text = "too short";  // 9 characters
      break;
    case Guard::kBeforeAnnounce:
      facts.today = Date::FromCivil(2027, 3, 11);  // the day after the announcement
      break;
    case Guard::kWindowStarted:
      facts.today = Date::FromCivil(2027, 3, 14);  // the day before the window
      break;
    case Guard::kReviewWritten:
      request.text.clear();
      break;
    case Guard::kObjectionOpen:
      facts.objections[R::kFinance].answered = true;
      break;
  }
}

std::pair<Refusal::Kind, std::string> ExpectedRefusal(Guard guard, Action action) {
  using K = Refusal::Kind;
  switch (guard) {
    case Guard::kConfirmationsComplete:
      return {K::kConflict, ""};
    case Guard::kCheckDone:
      return {K::kConflict, "check"};
    case Guard::kSignOffsComplete:
      return {K::kConflict, ""};
    case Guard::kVerdictGo:
      return {K::kConflict, "override.reason"};
    case Guard::kVerdictNotGo:
      return {K::kConflict, "override"};
    case Guard::kReasonWritten:
      return {K::kInvalid, action == Action::kApproveOverride ? "override.reason"
                           : action == Action::kAnswer        ? "text"
                                                              : "reason"};
    case Guard::kBeforeAnnounce:
      return {K::kConflict, "announce"};
    case Guard::kWindowStarted:
      return {K::kConflict, "window"};
    case Guard::kReviewWritten:
      return {K::kInvalid, "review"};
    case Guard::kObjectionOpen:
      return {K::kConflict, "function"};
  }
  return {K::kConflict, ""};
}

std::vector<Transition> AllRows() {
  std::vector<Transition> rows = Transitions();
  rows.insert(rows.end(), FunctionActions().begin(), FunctionActions().end());
  return rows;
}

TEST(ProcessTable, TheEdgesAreTheDocumentedOnes) {
  // docs/server.md: draft -> groundwork -> transfer -> approved -> live -> follow-up -> closed,
  // back from groundwork to draft, from transfer to groundwork, from approved to transfer.
  const std::set<std::tuple<S, S, Action>> expected = {
      {S::kDraft, S::kGroundwork, Action::kMove},
      {S::kGroundwork, S::kTransfer, Action::kMove},
      {S::kGroundwork, S::kDraft, Action::kMove},
      {S::kTransfer, S::kApproved, Action::kApprove},
      {S::kTransfer, S::kApproved, Action::kApproveOverride},
      {S::kTransfer, S::kGroundwork, Action::kMove},
      {S::kApproved, S::kLive, Action::kMove},
      {S::kApproved, S::kTransfer, Action::kMove},
      {S::kLive, S::kFollowUp, Action::kMove},
      {S::kFollowUp, S::kClosed, Action::kMove}};
  std::set<std::tuple<S, S, Action>> actual;
  for (const Transition& row : Transitions()) actual.insert({row.from, row.to, row.action});
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(Transitions().size(), expected.size());  // no row twice
  // The order the API has always listed as `next`.
  EXPECT_EQ(NextStates(S::kGroundwork), (std::vector<S>{S::kTransfer, S::kDraft}));
  EXPECT_EQ(NextStates(S::kTransfer), (std::vector<S>{S::kApproved, S::kGroundwork}));
  EXPECT_EQ(NextStates(S::kApproved), (std::vector<S>{S::kLive, S::kTransfer}));
  EXPECT_TRUE(NextStates(S::kClosed).empty());
}

TEST(ProcessTable, WhoMayIsTheDocumentedRoles) {
  // Moving and a plain approval: the campaign's owner (marketing) and admin. An override: another
  // function than the owner, finance or admin. Answers: the owner. A function's own actions:
  // that function only, not even admin.
  for (const Transition& row : AllRows()) {
    std::set<Role> expected;
    switch (row.action) {
      case Action::kMove:
      case Action::kApprove:
      case Action::kAnswer:
        expected = {R::kMarketing, R::kAdmin};
        break;
      case Action::kApproveOverride:
        expected = {R::kFinance, R::kAdmin};
        break;
      default:
        expected = {R::kMarketing, R::kOperations, R::kFinance, R::kService};
        EXPECT_TRUE(row.who.own_function);
    }
    EXPECT_EQ(std::set<Role>(row.who.roles.begin(), row.who.roles.end()), expected)
        << ActionName(row.action) << " from " << StateName(row.from);
  }
}

TEST(ProcessTable, EveryRowIsAllowedWhenItsGuardsHoldAndRefusedByEachGuardAlone) {
  for (const Transition& row : AllRows()) {
    const Role actor = row.who.roles.front();
    const Decision allowed = Decide(Holding(row), RequestFor(row, actor));
    EXPECT_TRUE(allowed.allowed) << ActionName(row.action) << " from " << StateName(row.from)
                                 << ": " << (allowed.refusal ? allowed.refusal->message : "");
    EXPECT_EQ(allowed.to, row.to);
    for (Guard guard : row.guards) {
      ProcessFacts facts = Holding(row);
      ActionRequest request = RequestFor(row, actor);
      Break(guard, facts, request);
      const Decision refused = Decide(facts, request);
      ASSERT_FALSE(refused.allowed) << GuardText(guard);
      const auto [kind, field] = ExpectedRefusal(guard, row.action);
      EXPECT_EQ(refused.refusal->kind, kind) << GuardText(guard);
      EXPECT_EQ(refused.refusal->field, field) << GuardText(guard);
      EXPECT_FALSE(refused.refusal->message.empty());
    }
  }
}

TEST(ProcessTable, EveryRoleOutsideARowIsForbidden) {
  for (const Transition& row : AllRows()) {
    for (Role actor : kAllRoles) {
      ActionRequest request = RequestFor(row, row.who.roles.front());
      request.actor = actor;
      const bool may =
          std::find(row.who.roles.begin(), row.who.roles.end(), actor) != row.who.roles.end() &&
          (!row.who.own_function || request.function == actor);
      const Decision decision = Decide(Holding(row), request);
      if (may) {
        EXPECT_TRUE(decision.allowed) << RoleName(actor) << " " << ActionName(row.action);
      } else {
        ASSERT_FALSE(decision.allowed) << RoleName(actor) << " " << ActionName(row.action);
        EXPECT_EQ(decision.refusal->kind, Refusal::Kind::kForbidden)
            << RoleName(actor) << " " << ActionName(row.action);
      }
    }
  }
}

TEST(ProcessTable, NoRowFromAStateIsAConflictNamingTheState) {
  for (const Transition& row : AllRows()) {
    for (S state : AllStates()) {
      bool leaves = false;
      for (const Transition& other : AllRows()) {
        leaves = leaves || (other.from == state && other.action == row.action &&
                            (row.action != Action::kMove || other.to == row.to));
      }
      if (leaves) continue;
      ProcessFacts facts = Holding(row);
      facts.state = state;
      const Decision decision = Decide(facts, RequestFor(row, row.who.roles.front()));
      ASSERT_FALSE(decision.allowed);
      EXPECT_EQ(decision.refusal->kind, Refusal::Kind::kConflict);
      EXPECT_NE(decision.refusal->message.find(StateName(state)), std::string::npos)
          << decision.refusal->message;
    }
  }
}

TEST(ProcessTable, RefusalsSayWhatIsMissingAndWhoActs) {
  // Hand-written cases for the words a user reads.
  ProcessFacts facts;
  facts.state = S::kGroundwork;
  facts.missing_confirmations = {R::kOperations, R::kFinance};
  Decision decision = Decide(facts, {Action::kMove, R::kMarketing, S::kTransfer, {}, ""});
  EXPECT_EQ(decision.refusal->message,
            "groundwork is not complete: confirmations missing from [\"operations\",\"finance\"]");
  ASSERT_EQ(decision.refusal->missing.size(), 2u);
  EXPECT_EQ(decision.refusal->missing[0].first, "confirmations.operations");

  // The owner cannot override its own campaign's no-go.
  facts = {};
  facts.state = S::kTransfer;
  facts.check_done = true;
  facts.verdict = Verdict::kNoGo;
  decision = Decide(
      facts,
      {Action::kApproveOverride, R::kMarketing, S::kApproved, {}, "we accept the risk this time"});
  EXPECT_EQ(decision.refusal->kind, Refusal::Kind::kForbidden);
  EXPECT_EQ(decision.refusal->field, "override");
  // ... nor approve it plainly; finance can, with a reason.
  decision = Decide(facts, {Action::kApprove, R::kMarketing, S::kApproved, {}, ""});
  EXPECT_EQ(decision.refusal->field, "override.reason");
  EXPECT_NE(decision.refusal->message.find("no-go"), std::string::npos);
  EXPECT_TRUE(
      Decide(
          facts,
          {Action::kApproveOverride, R::kFinance, S::kApproved, {}, "we accept the risk this time"})
          .allowed);

  // A refusal counts as a missing sign-off, named as refused.
  facts.verdict = Verdict::kGo;
  facts.missing_signoffs = {R::kFinance};
  facts.objections[R::kFinance] = {SignOffKind::kRefuse, "the budget is not there", false};
  decision = Decide(facts, {Action::kApprove, R::kMarketing, S::kApproved, {}, ""});
  ASSERT_EQ(decision.refusal->missing.size(), 1u);
  EXPECT_EQ(decision.refusal->missing[0].second, "refused");

  // Live on the window's start, not the day before.
  facts = {};
  facts.state = S::kApproved;
  facts.window_start = Date::FromCivil(2027, 3, 15);
  facts.today = Date::FromCivil(2027, 3, 14);
  decision = Decide(facts, {Action::kMove, R::kMarketing, S::kLive, {}, ""});
  EXPECT_EQ(decision.refusal->message,
            "the campaign's window starts on 2027-03-15: it goes live on that day, not before "
            "(today is 2027-03-14)");
  facts.today = Date::FromCivil(2027, 3, 15);
  EXPECT_TRUE(Decide(facts, {Action::kMove, R::kMarketing, S::kLive, {}, ""}).allowed);

  // Approval on the announce date still counts as before the announcement; the day after not.
  facts = {};
  facts.state = S::kTransfer;
  facts.check_done = true;
  facts.verdict = Verdict::kGo;
  facts.announce = Date::FromCivil(2027, 3, 10);
  facts.today = Date::FromCivil(2027, 3, 10);
  EXPECT_TRUE(Decide(facts, {Action::kApprove, R::kMarketing, S::kApproved, {}, ""}).allowed);
  facts.today = Date::FromCivil(2027, 3, 11);
  EXPECT_EQ(Decide(facts, {Action::kApprove, R::kMarketing, S::kApproved, {}, ""}).refusal->field,
            "announce");
}

TEST(ProcessTable, AvailableActionsOfferWhatTheRoleMayWithTheReasonsWhyNot) {
  ProcessFacts facts;
  facts.state = S::kTransfer;
  facts.check_done = true;
  facts.verdict = Verdict::kNoGo;
  facts.missing_signoffs = {R::kService};
  facts.objections[R::kService] = {SignOffKind::kRequestChanges, "cap the sale at 5,000", false};
  // Marketing: approve (refused: a sign-off is missing), back to groundwork, its own confirm,
  // sign-off, refuse and request, and the answer to service.
  std::vector<AvailableAction> marketing = AvailableActions(facts, R::kMarketing);
  std::set<std::string> names;
  for (const AvailableAction& action : marketing) {
    names.insert(std::string(ActionName(action.action)) + ">" + StateName(action.to));
    if (action.action == Action::kApprove) {
      EXPECT_FALSE(action.allowed);
      EXPECT_EQ(action.reason, "sign-offs missing from [\"service\"]");
    }
    if (action.action == Action::kAnswer) {
      EXPECT_TRUE(action.allowed);
      EXPECT_TRUE(action.needs_text);
      EXPECT_EQ(action.function, R::kService);
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{"approve>approved", "move>groundwork", "confirm>transfer",
                                          "signoff>transfer", "refuse>transfer",
                                          "request-changes>transfer", "answer>transfer"}));
  // Finance sees the override, not the plain approval, and no answer.
  bool override_offered = false;
  for (const AvailableAction& action : AvailableActions(facts, R::kFinance)) {
    EXPECT_NE(action.action, Action::kApprove);
    EXPECT_NE(action.action, Action::kAnswer);
    override_offered = override_offered || action.action == Action::kApproveOverride;
  }
  EXPECT_TRUE(override_offered);
  // Admin acts for no function.
  for (const AvailableAction& action : AvailableActions(facts, R::kAdmin))
    EXPECT_FALSE(action.function && action.action != Action::kAnswer);
}

TEST(ProcessTable, VerdictsAreOrderedGoAtRiskNoGo) {
  EXPECT_TRUE(IsWorse(Verdict::kNoGo, Verdict::kAtRisk));
  EXPECT_TRUE(IsWorse(Verdict::kAtRisk, Verdict::kGo));
  EXPECT_FALSE(IsWorse(Verdict::kGo, Verdict::kGo));
  EXPECT_EQ(ParseVerdict("at-risk"), Verdict::kAtRisk);
  EXPECT_FALSE(ParseVerdict("maybe"));
  for (S state : AllStates()) EXPECT_EQ(ParseState(StateName(state)), state);
}

TEST(ProcessTable, DocsCarryTheTableAsRendered) {
  std::ifstream in(std::string(TANDEM_SOURCE_DIR) + "/docs/process.md");
  ASSERT_TRUE(in) << "docs/process.md";
  std::stringstream text;
  text << in.rdbuf();
  const std::string docs = text.str();
  const std::string begin = "<!-- transition table: begin -->\n";
  const std::string end = "<!-- transition table: end -->";
  const size_t from = docs.find(begin);
  const size_t until = docs.find(end);
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(until, std::string::npos);
  EXPECT_EQ(docs.substr(from + begin.size(), until - from - begin.size()), RenderTransitionTable())
      << "docs/process.md is out of date: paste the table tandem_process_tests prints\n"
      << RenderTransitionTable();
}

// The alert kinds: one row each, an audience each, and docs/server.md carries the table.
TEST(AlertTable, EveryKindHasAnAudienceAndTheDocsCarryTheTable) {
  std::set<std::string> names;
  for (const AlertKind& kind : AlertKinds()) {
    EXPECT_TRUE(names.insert(kind.name).second) << kind.name;
    for (Role role : kind.audience) EXPECT_NE(role, Role::kAdmin) << "admin reads every feed";
    EXPECT_EQ(FindAlertKind(kind.name), &kind);
  }
  EXPECT_EQ(FindAlertKind("no-such-kind"), nullptr);
  std::ifstream in(std::string(TANDEM_SOURCE_DIR) + "/docs/server.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string docs = text.str();
  const std::string begin = "<!-- alert table: begin -->\n";
  const size_t from = docs.find(begin);
  const size_t until = docs.find("<!-- alert table: end -->");
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(until, std::string::npos);
  EXPECT_EQ(docs.substr(from + begin.size(), until - from - begin.size()), RenderAlertTable())
      << "docs/server.md is out of date: paste\n"
      << RenderAlertTable();
}

}  // namespace
}  // namespace tandem::process
