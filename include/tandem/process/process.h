// The campaign process as data: its states, the one table of its transitions (from, to, who may,
// guards), the actions each function takes on the way (confirm, sign off, refuse, request
// changes) and the owner's answer, and the one question every front end asks: "may this user do
// this now, and if not, why not". No I/O and no storage: the server fills ProcessFacts from what
// it stores, asks Decide() before acting and AvailableActions() for what the UI offers; the
// docs' table is RenderTransitionTable() (a test compares docs/process.md with it).
//
// A new state or transition: add it to ProcessState / StateName and a row to Transitions()
// (process.cc); a new guard: a Guard value, its check in Decide() and its words in GuardText().
//
// Thread safety: every function is pure; the tables are immutable statics.
#ifndef TANDEM_PROCESS_PROCESS_H_
#define TANDEM_PROCESS_PROCESS_H_

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tandem/common/date.h"
#include "tandem/engine/check_result.h"
#include "tandem/model/scenario.h"

namespace tandem::process {

// The roles of the people using tandem: the four functions and admin.
enum class Role { kMarketing, kOperations, kFinance, kService, kAdmin };
const char* RoleName(Role role);  // "marketing", "operations", "finance", "service", "admin"
std::optional<Role> ParseRole(std::string_view text);
// The four functions that confirm and sign off (every role but admin), in that order.
const std::vector<Role>& Functions();

enum class ProcessState { kDraft, kGroundwork, kTransfer, kApproved, kLive, kFollowUp, kClosed };
// "draft", "groundwork", "transfer", "approved", "live", "follow-up", "closed".
const char* StateName(ProcessState state);
std::optional<ProcessState> ParseState(std::string_view text);
const std::vector<ProcessState>& AllStates();  // in process order
// Approved and after: the campaign is someone's commitment (its load is in others' checks).
bool IsCommitted(ProcessState state);
// Transfer, approved and live: re-checked automatically when their content changes.
bool IsRechecked(ProcessState state);

// The engine's verdict (tandem/engine/check_result.h) is ordered go < at-risk < no-go.
std::optional<Verdict> ParseVerdict(std::string_view text);
inline bool IsWorse(Verdict a, Verdict b) {
  return static_cast<int>(a) > static_cast<int>(b);
}

// What a function gives on the current check in transfer. A refusal or a request for changes
// carries a reason the campaign owner sees and answers; it counts as a missing sign-off.
enum class SignOffKind { kSignOff, kRefuse, kRequestChanges };
const char* SignOffKindName(SignOffKind kind);  // "signed", "refused", "changes-requested"

// Everything a user can ask of the process.
enum class Action {
  kMove,             // a plain transition (POST .../transition)
  kApprove,          // transfer -> approved on a go verdict
  kApproveOverride,  // transfer -> approved over an at-risk or no-go verdict, with a reason
  kConfirm,          // a function confirms its inputs (groundwork)
  kSignOff,          // a function signs off on the current check (transfer)
  kRefuse,           // a function refuses to sign off, with a reason (transfer)
  kRequestChanges,   // a function asks for changes before it signs off, with a reason (transfer)
  kAnswer,           // the campaign owner answers a refusal or a request for changes
  kAdvance,          // the clock moves the campaign (no user takes it): DecideClock()
};
const char* ActionName(Action action);  // "move", "approve", "approve-override", "confirm", ...
                                        // "advance" (the clock)

// Conditions a row of the tables needs; Decide() checks them in the row's order.
enum class Guard {
  kConfirmationsComplete,  // all four functions confirmed
  kCheckDone,              // the current check has finished
  kSignOffsComplete,       // all four functions signed off on the current check
  kVerdictGo,              // the current check's verdict is go
  kVerdictNotGo,           // ... is at-risk or no-go (there is something to override)
  kReasonWritten,          // the request carries a reason of at least kMinReasonChars
  kBeforeAnnounce,         // today is on or before the campaign's announce date
  kWindowStarted,          // today is on or after the campaign's window start
  kWindowEnded,            // today is after the campaign's window end
  kReturnsMatured,         // today is on or after the day its returns mature (ReturnsMatureOn)
  kReviewWritten,          // every part of the post-campaign review is written (kReviewParts)
  kObjectionOpen,          // the function named has an unanswered refusal or request
};
const char* GuardText(Guard guard);  // for the docs' table

// Who may: a set of roles; for a function's own actions, only that function (not even admin
// acts for another function); for the clock's rows, no user (DecideClock takes them).
struct Who {
  std::vector<Role> roles;
  bool own_function = false;  // the actor's role must be the function acted for
  bool clock = false;         // the row is the clock's: it applies when its guards hold
};
std::string WhoText(const Who& who);

// One row: an action that moves the campaign from `from` to `to` (equal for actions that do not
// move it), who may take it and what must hold.
struct Transition {
  ProcessState from;
  ProcessState to;
  Action action;
  Who who;
  std::vector<Guard> guards;
};
// Every transition, in the order the UI offers them (forward moves first).
const std::vector<Transition>& Transitions();
// The actions that keep the state: confirm, sign off, refuse, request changes, answer. Rows
// with from == to, one per state where the action is allowed.
const std::vector<Transition>& FunctionActions();

// The states reachable from `state` by any transition, in table order, without duplicates.
std::vector<ProcessState> NextStates(ProcessState state);

// A refusal or a request for changes, as the process keeps it.
struct Objection {
  SignOffKind kind = SignOffKind::kRefuse;
  std::string reason;
  bool answered = false;
};

// The post-campaign review's parts (each a text, saved with the campaign): what was promised,
// what was kept, the forecast's error, the lessons for the next plan.
inline constexpr std::array<const char*, 4> kReviewParts = {"promised", "kept", "forecast_error",
                                                            "lessons"};

// The day a campaign's returns have matured: the window's last day, plus the longest transit and
// return lag of its offerings (rounded up to whole days), plus one day. An order placed on the
// last day reaches the customer `transit` later and a return of it arrives `return_lag` after
// that (docs/process.md, "Time").
Date ReturnsMatureOn(const Scenario& scenario, const Campaign& campaign);

// What the server knows about a campaign's process when it asks.
struct ProcessFacts {
  ProcessState state = ProcessState::kDraft;
  std::vector<Role> missing_confirmations;  // in Functions() order
  std::vector<Role> missing_signoffs;
  std::map<Role, Objection> objections;  // open ones, by function
  bool check_done = false;
  std::optional<Verdict> verdict;  // of the current check, when done
  std::optional<Date> today;       // the server's date (UTC)
  std::optional<Date> window_start;
  std::optional<Date> window_end;
  std::optional<Date> announce;
  std::optional<Date> returns_mature_on;  // ReturnsMatureOn
  std::vector<std::string> review_missing = {kReviewParts.begin(), kReviewParts.end()};
};

// What the user asks for. `to` for kMove; `function` for a function's actions and the answer;
// `text` the reason or the answer.
struct ActionRequest {
  Action action = Action::kMove;
  Role actor = Role::kMarketing;
  ProcessState to = ProcessState::kDraft;
  std::optional<Role> function;
  std::string text;
};

inline constexpr size_t kMinReasonChars = 10;

// Why not, as the API reports it: 403 (role), 409 (state, check, dates), 400 (a missing text).
struct Refusal {
  enum class Kind { kForbidden, kConflict, kInvalid };
  Kind kind = Kind::kConflict;
  std::string message;
  std::string field;  // the request or process field it names ("to", "override.reason", ...)
  std::string allowed;
  // Per missing function: {"signoffs.finance", "refused"}.
  std::vector<std::pair<std::string, std::string>> missing;
};

struct Decision {
  bool allowed = false;
  std::optional<Refusal> refusal;          // set when not allowed
  ProcessState to = ProcessState::kDraft;  // the state after the action
};

// May `request.actor` do `request` now? Checks who may (403), that a row exists from the state
// (409) and then the row's guards in order. Refusal messages name what is missing and who acts.
Decision Decide(const ProcessFacts& facts, const ActionRequest& request);

// What the clock does now: the first of its rows from the current state whose guards hold
// (allowed, with `to`), else the refusal of the first such row (why it does not move yet), else a
// conflict naming the state (no clock row leaves it). Called repeatedly, it moves a campaign
// approved -> live -> follow-up on its window's first day.
Decision DecideClock(const ProcessFacts& facts);

// The clock's warning of an announcement near without approval (the "announcement-near" alert):
// the days from today to the announce date when the campaign is in groundwork or transfer (in the
// process but not approved; a draft is no proposal yet), today is on or before the announce date
// and at most kAnnouncementWarningDays before it. nullopt otherwise, and when a date is unknown.
// Three days: a function that has not signed off still has working days to do it, or marketing
// to move the announcement.
inline constexpr int kAnnouncementWarningDays = 3;
std::optional<int> DaysToUnapprovedAnnouncement(const ProcessFacts& facts);

// Whether the role may ever take the action (some row lets it): for refusing early, before the
// facts are read.
bool RoleMayEver(Action action, Role role);
// The refusal for a role that may never take the action.
Refusal RoleRefusal(Action action);

// What the UI offers `actor` now: every row from the current state that the role may take, with
// whether it is allowed and, if not, why. A guard that depends on the request's text
// (kReasonWritten) is reported as needs_text instead of refusing. The clock's rows are not offered.
struct AvailableAction {
  Action action;
  ProcessState to;
  std::optional<Role> function;
  bool allowed = false;
  bool needs_text = false;
  std::string reason;  // why not, when not allowed
};
std::vector<AvailableAction> AvailableActions(const ProcessFacts& facts, Role actor);

// The docs' table (Markdown): one line per row of Transitions() and FunctionActions().
std::string RenderTransitionTable();

}  // namespace tandem::process

#endif  // TANDEM_PROCESS_PROCESS_H_
