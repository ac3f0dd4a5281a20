// The clock's part of the process (docs/process.md, "Time"): a campaign enters follow-up when its
// window opens and closes when the window has ended, its returns have matured and its review is
// written. The rules are the process core's clock rows (DecideClock); this file finds the
// campaigns they apply to and moves them, one write per workspace that has a move due. The clock
// also warns of an announcement near without approval (the "announcement-near" alert).
#include "server/service_core.h"
#include "tandem/server/process_service.h"

namespace tandem::server {

using store::Connection;
using store::Rows;

namespace {

using process::ProcessState;

// A campaign cannot pass through more states than the process has: a bound on one tick's moves.
const size_t kMaxMovesPerTick = process::AllStates().size();

// Applies the clock's moves to every process of the snapshot; the moves made.
std::vector<json> MoveAll(Snapshot& snapshot, const std::string& now,
                          std::vector<AuditDraft>* audit) {
  std::vector<json> moves;
  for (auto& [campaign, process] : snapshot.processes) {
    for (size_t step = 0; step < kMaxMovesPerTick; ++step) {
      const process::Decision decision = process::DecideClock(FactsFor(process, snapshot, now));
      if (!decision.allowed) break;
      const ProcessState from = process.state;
      process.state = decision.to;
      moves.push_back({{"campaign", campaign},
                       {"from", process::StateName(from)},
                       {"to", process::StateName(decision.to)}});
      if (audit) {
        audit->push_back({.campaign = campaign,
                          .actor = "clock",
                          .action = "transition",
                          .target = "state",
                          .detail = {{"from", process::StateName(from)},
                                     {"to", process::StateName(decision.to)},
                                     {"by", "clock"}}});
      }
    }
  }
  return moves;
}

}  // namespace

Outcome<std::vector<json>> AdvanceWorkspaceByClock(ServiceCore& core, const std::string& ws) {
  // Read first: most ticks move nothing, and a write would bump the workspace's revision.
  bool due = false;
  Outcome<Reply> read = core.ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    Snapshot copy = snapshot;
    due = !MoveAll(copy, core.Now(), nullptr).empty();
    return Reply{};
  });
  if (!read.ok()) return read.error();
  if (!due) return std::vector<json>{};
  std::vector<json> moves;
  const Actor clock{.user_id = 0, .name = "clock", .role = Role::kAdmin};
  Outcome<Reply> written = core.Write(clock, ws, "clock", [&](WriteContext& context) {
    // Decided again inside the write: a user may have moved a campaign since the read.
    moves = MoveAll(context.snapshot, context.now, &context.audit);
    context.target = "state";
    return Outcome<Reply>(Reply{});
  });
  if (!written.ok()) return written.error();
  return moves;
}

namespace {

// The clock's "announcement-near" alerts in workspace `ws` (process::DaysToUnapprovedAnnouncement):
// raised once per campaign and announce date; returns the campaigns alerted now.
Outcome<std::vector<std::string>> RaiseAnnouncementAlerts(ServiceCore& core,
                                                          const std::string& ws) {
  std::map<std::string, AlertDraft> drafts;  // by campaign
  Outcome<Reply> read = core.ReadWorkspace(ws, [&](const Snapshot& snapshot) -> Outcome<Reply> {
    const std::string now = core.Now();
    for (const auto& [campaign, process] : snapshot.processes) {
      const process::ProcessFacts facts = FactsFor(process, snapshot, now);
      if (const std::optional<int> days = process::DaysToUnapprovedAnnouncement(facts))
        drafts.emplace(campaign, AnnouncementAlert(campaign, facts, *days));
    }
    return Reply{};
  });
  if (!read.ok()) return read.error();
  std::vector<std::string> raised;
  if (drafts.empty()) return raised;
  // Most ticks find the alert already raised: look before opening a write transaction. The
  // stored dedupe key is the workspace's, then the draft's (one feed: "all").
  Status looked = core.database->Read([&](Connection& c) -> Status {
    for (auto it = drafts.begin(); it != drafts.end();) {
      Result<Rows> rows =
          c.Query("SELECT 1 FROM alerts WHERE dedupe = $1", {ws + ":" + it->second.dedupe});
      if (!rows.ok()) return rows.error();
      it = rows.value().empty() ? std::next(it) : drafts.erase(it);
    }
    return OkStatus();
  });
  if (!looked.ok()) return ApiError::Internal(looked.error().ToString());
  if (drafts.empty()) return raised;
  Status written = core.database->Transaction([&](Connection& c) -> Status {
    raised.clear();
    for (const auto& [campaign, draft] : drafts) {
      // ON CONFLICT (dedupe) DO NOTHING: a tick of another server raising it first wins.
      Outcome<bool> alerted = AppendAlerts(c, ws, campaign, {draft}, core.Now());
      if (!alerted.ok()) return Error::Internal(alerted.error().message);
      raised.push_back(campaign);
    }
    return OkStatus();
  });
  if (!written.ok()) return ApiError::Internal(written.error().ToString());
  return raised;
}

}  // namespace

Outcome<Reply> ProcessService::AdvanceByClock() {
  std::vector<std::string> workspaces;
  Status status = core_.database->Read([&](Connection& c) -> Status {
    Result<Rows> rows = c.Query("SELECT id FROM workspaces ORDER BY id", {});
    if (!rows.ok()) return rows.error();
    workspaces.clear();
    for (const store::Row& row : rows.value().rows) workspaces.push_back(row.Text(0));
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  Reply reply;
  reply.body = {{"moves", json::array()}, {"announcements", json::array()}};
  for (const std::string& ws : workspaces) {
    Outcome<std::vector<json>> moves = AdvanceWorkspaceByClock(core_, ws);
    // A workspace deleted meanwhile has nothing to move; other errors stop this tick.
    if (!moves.ok() && moves.error().status == 404) continue;
    if (!moves.ok()) return moves.error();
    for (json& move : moves.value()) {
      move["workspace"] = ws;
      reply.body["moves"].push_back(std::move(move));
    }
    Outcome<std::vector<std::string>> announced = RaiseAnnouncementAlerts(core_, ws);
    if (!announced.ok() && announced.error().status == 404) continue;
    if (!announced.ok()) return announced.error();
    for (const std::string& campaign : announced.value())
      reply.body["announcements"].push_back({{"workspace", ws}, {"campaign", campaign}});
  }
  return reply;
}

}  // namespace tandem::server
