// The process core, tested from its table: every row is allowed when its guards hold, refused
// (with the guard's own field) when exactly one guard fails, refused for every role that may not
// take it, and refused from every state it does not leave. The expected edges and roles are
// written out by hand below from docs/server.md ("The process", "Roles") and issue 13 (refuse and
// request changes, an override by another function, live from the window's start) and issue 12
// item 7 (the clock: follow-up when the window opens, closed once the window has ended, the returns
// have matured and the review is written), so a table that drifts from the spec fails here;
// docs/process.md must carry the table as rendered.
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

bool HasGuard(const Transition& row, Guard wanted) {
  return std::find(row.guards.begin(), row.guards.end(), wanted) != row.guards.end();
}

// Who asks for a row in these tests: its first role; the clock's rows are asked by no role
// (admin stands in, to be refused).
Role AskerOf(const Transition& row) {
  return row.who.clock ? R::kAdmin : row.who.roles.front();
}

// Facts under which every guard holds: all confirmed and signed off, a go check done, the review
// written, today between the window's start and the announce date is impossible (announce comes
// before the start), so the date guards are satisfied separately per row (FactsFor).
// The window runs 2027-03-15..2027-03-31; its returns mature on 2027-04-11.
ProcessFacts Holding(const Transition& row) {
  ProcessFacts facts;
  facts.state = row.from;
  facts.check_done = true;
  bool not_go = false;
  for (Guard guard : row.guards) not_go = not_go || guard == Guard::kVerdictNotGo;
  facts.verdict = not_go ? Verdict::kNoGo : Verdict::kGo;
  facts.window_start = Date::FromCivil(2027, 3, 15);
  facts.window_end = Date::FromCivil(2027, 3, 31);
  facts.announce = Date::FromCivil(2027, 3, 10);
  facts.returns_mature_on = Date::FromCivil(2027, 4, 11);
  facts.review_missing.clear();
  facts.today = HasGuard(row, Guard::kReturnsMatured)  ? Date::FromCivil(2027, 4, 11)
                : HasGuard(row, Guard::kWindowStarted) ? Date::FromCivil(2027, 3, 15)
                                                       : Date::FromCivil(2027, 3, 1);
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
    case Guard::kWindowEnded:
      facts.today = Date::FromCivil(2027, 3, 31);  // the window's last day
      break;
    case Guard::kReturnsMatured:
      facts.today = Date::FromCivil(2027, 4, 10);  // the day before they mature
      break;
    case Guard::kReviewWritten:
      facts.review_missing = {"lessons"};
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
    case Guard::kWindowEnded:
      return {K::kConflict, "window"};
    case Guard::kReturnsMatured:
      return {K::kConflict, "returns"};
    case Guard::kReviewWritten:
      return {K::kConflict, "review"};
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

// What the row's asker gets: Decide for a user's row, DecideClock for the clock's.
Decision Ask(const Transition& row, const ProcessFacts& facts, const ActionRequest& request) {
  return row.who.clock ? DecideClock(facts) : Decide(facts, request);
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
      {S::kFollowUp, S::kClosed, Action::kMove},
      {S::kApproved, S::kLive, Action::kAdvance},
      {S::kLive, S::kFollowUp, Action::kAdvance},
      {S::kFollowUp, S::kClosed, Action::kAdvance}};
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
  // that function only, not even admin. The clock's: no user.
  for (const Transition& row : AllRows()) {
    std::set<Role> expected;
    EXPECT_EQ(row.who.clock, row.action == Action::kAdvance);
    switch (row.action) {
      case Action::kMove:
      case Action::kApprove:
      case Action::kAnswer:
        expected = {R::kMarketing, R::kAdmin};
        break;
      case Action::kApproveOverride:
        expected = {R::kFinance, R::kAdmin};
        break;
      case Action::kAdvance:
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
    const Role actor = AskerOf(row);
    const Decision allowed = Ask(row, Holding(row), RequestFor(row, actor));
    EXPECT_TRUE(allowed.allowed) << ActionName(row.action) << " from " << StateName(row.from)
                                 << ": " << (allowed.refusal ? allowed.refusal->message : "");
    EXPECT_EQ(allowed.to, row.to);
    for (Guard guard : row.guards) {
      ProcessFacts facts = Holding(row);
      ActionRequest request = RequestFor(row, actor);
      Break(guard, facts, request);
      const Decision refused = Ask(row, facts, request);
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
      ActionRequest request = RequestFor(row, AskerOf(row));
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
      const Decision decision = Ask(row, facts, RequestFor(row, AskerOf(row)));
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

// Issue 12 item 7: the clock moves a campaign into follow-up on its window's first day and closes
// it once the window has ended, its returns have matured and the review is written; until then
// it says why not, in the words the owner's close button shows.
TEST(ProcessTable, TheClockEntersFollowUpWhenTheWindowOpensAndClosesWithTheReasonsWhyNot) {
  ProcessFacts facts;
  facts.state = S::kApproved;
  facts.window_start = Date::FromCivil(2027, 3, 15);
  facts.window_end = Date::FromCivil(2027, 3, 31);
  facts.returns_mature_on = Date::FromCivil(2027, 4, 11);
  facts.today = Date::FromCivil(2027, 3, 14);
  Decision decision = DecideClock(facts);
  ASSERT_FALSE(decision.allowed);
  EXPECT_EQ(decision.refusal->message,
            "the campaign's window starts on 2027-03-15: it goes live on that day, not before "
            "(today is 2027-03-14)");
  // The first day: approved -> live, then live -> follow-up (two moves of the same tick).
  facts.today = Date::FromCivil(2027, 3, 15);
  decision = DecideClock(facts);
  ASSERT_TRUE(decision.allowed);
  EXPECT_EQ(decision.to, S::kLive);
  facts.state = S::kLive;
  decision = DecideClock(facts);
  ASSERT_TRUE(decision.allowed);
  EXPECT_EQ(decision.to, S::kFollowUp);
  // In follow-up, during the window: not closed, the window is not over.
  facts.state = S::kFollowUp;
  decision = DecideClock(facts);
  ASSERT_FALSE(decision.allowed);
  EXPECT_EQ(decision.refusal->message,
            "the campaign's window ends on 2027-03-31: it closes after that (today is 2027-03-15)");
  // After the window, before the returns mature.
  facts.today = Date::FromCivil(2027, 4, 1);
  decision = DecideClock(facts);
  ASSERT_FALSE(decision.allowed);
  EXPECT_EQ(decision.refusal->field, "returns");
  EXPECT_NE(decision.refusal->message.find("its returns mature on 2027-04-11"), std::string::npos)
      << decision.refusal->message;
  // Matured, the review not written: the parts missing are named.
  facts.today = Date::FromCivil(2027, 4, 11);
  decision = DecideClock(facts);
  ASSERT_FALSE(decision.allowed);
  EXPECT_EQ(decision.refusal->message,
            "the post-campaign review is not written: promised, kept, forecast_error, lessons "
            "missing (PUT .../review)");
  // The owner's close button gives the same reason.
  bool close_offered = false;
  for (const AvailableAction& action : AvailableActions(facts, R::kMarketing)) {
    EXPECT_NE(action.action, Action::kAdvance);  // the clock's rows are nobody's buttons
    if (action.to != S::kClosed) continue;
    close_offered = true;
    EXPECT_FALSE(action.allowed);
    EXPECT_FALSE(action.needs_text);
    EXPECT_EQ(action.reason, decision.refusal->message);
  }
  EXPECT_TRUE(close_offered);
  facts.review_missing.clear();
  decision = DecideClock(facts);
  ASSERT_TRUE(decision.allowed);
  EXPECT_EQ(decision.to, S::kClosed);
  // Closed: the clock has nothing more to do; no user may advance.
  facts.state = S::kClosed;
  EXPECT_FALSE(DecideClock(facts).allowed);
  EXPECT_EQ(Decide(facts, {Action::kAdvance, R::kAdmin, S::kClosed, {}, ""}).refusal->kind,
            Refusal::Kind::kForbidden);
}

// The window's last day + 1 + the longest (transit + return lag) of the campaign's offerings,
// in whole days rounded up. By hand: kites 36 h + 10 d = 11.5 d -> 12; mugs 0 + 14 d = 14 (the
// longest); tents (not the campaign's) 30 d ignored. 2027-03-31 + 1 + 14 = 2027-04-15.
TEST(ProcessTable, ReturnsMatureAfterTheLongestTransitAndReturnLagOfTheCampaignsOfferings) {
  Scenario scenario;
  Offering kites;
  kites.id = "kites";
  kites.transit = Duration::Hours(36);
  Offering mugs;
  mugs.id = "mugs";
  mugs.return_lag = Duration::Days(14);
  Offering tents;
  tents.id = "tents";
  tents.return_lag = Duration::Days(30);
  scenario.offerings = {kites, mugs, tents};
  Campaign campaign;
  campaign.id = "spring";
  campaign.window = {Date::FromCivil(2027, 3, 15), Date::FromCivil(2027, 3, 31)};
  campaign.offerings = {"kites", "mugs"};
  EXPECT_EQ(ReturnsMatureOn(scenario, campaign), Date::FromCivil(2027, 4, 15));
  campaign.offerings = {"kites"};  // 11.5 days round up to 12: 2027-03-31 + 13
  EXPECT_EQ(ReturnsMatureOn(scenario, campaign), Date::FromCivil(2027, 4, 13));
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

// The clock's announcement warning: announce 2027-03-15, kAnnouncementWarningDays = 3, so the
// days from 03-12 (15 - 12 = 3) to 03-15 (0) warn, 03-11 (4) and 03-16 (after) do not; only in
// groundwork and transfer.
TEST(ProcessTable, AnAnnouncementWarnsThreeDaysAheadUntilApproved) {
  ProcessFacts facts;
  facts.state = S::kTransfer;
  facts.announce = Date::FromCivil(2027, 3, 15);
  const std::vector<std::pair<int, std::optional<int>>> days = {
      {11, std::nullopt}, {12, 3}, {13, 2}, {14, 1}, {15, 0}, {16, std::nullopt}};
  for (const auto& [day, expected] : days) {
    facts.today = Date::FromCivil(2027, 3, day);
    EXPECT_EQ(DaysToUnapprovedAnnouncement(facts), expected) << day;
  }
  facts.today = Date::FromCivil(2027, 3, 13);
  for (S state : AllStates()) {
    facts.state = state;
    const bool warns = state == S::kGroundwork || state == S::kTransfer;
    EXPECT_EQ(DaysToUnapprovedAnnouncement(facts).has_value(), warns) << StateName(state);
  }
  facts.state = S::kGroundwork;
  facts.announce.reset();
  EXPECT_EQ(DaysToUnapprovedAnnouncement(facts), std::nullopt);
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
