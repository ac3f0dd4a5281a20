// The clock's part of the process (docs/process.md, "Time"): a campaign enters follow-up when its
// window opens and closes when the window has ended, its returns have matured and its review is
// written. The rules are the process core's clock rows (DecideClock); this file finds the
// campaigns they apply to and moves them, one write per workspace that has a move due.
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
  reply.body = {{"moves", json::array()}};
  for (const std::string& ws : workspaces) {
    Outcome<std::vector<json>> moves = AdvanceWorkspaceByClock(core_, ws);
    // A workspace deleted meanwhile has nothing to move; other errors stop this tick.
    if (!moves.ok() && moves.error().status == 404) continue;
    if (!moves.ok()) return moves.error();
    for (json& move : moves.value()) {
      move["workspace"] = ws;
      reply.body["moves"].push_back(std::move(move));
    }
  }
  return reply;
}

}  // namespace tandem::server
