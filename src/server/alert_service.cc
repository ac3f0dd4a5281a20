// The alert feeds and the audit log (alert_service.h): appended by writes, read here.
#include "tandem/server/alert_service.h"

#include "server/service_core.h"
#include "tandem/process/alerts.h"

namespace tandem::server {

using store::Connection;
using store::Rows;
using store::Value;

Outcome<bool> AppendAudit(Connection& c, const std::string& ws,
                          const std::vector<AuditDraft>& entries, const std::string& now) {
  for (const AuditDraft& entry : entries) {
    Result<Rows> rows = c.Query(
        "INSERT INTO audit (workspace_id, campaign, actor, action, target, detail, at) VALUES ($1, "
        "$2, $3, $4, $5, $6, $7)",
        {ws, entry.campaign, entry.actor, entry.action, entry.target, entry.detail.dump(), now});
    if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
  }
  return true;
}

Outcome<bool> AppendAlerts(Connection& c, const std::string& ws, const std::string& campaign,
                           const std::vector<AlertDraft>& alerts, const std::string& now) {
  for (const AlertDraft& alert : alerts) {
    // The feeds it goes to: its kind's audience, one "all" row when that is every function.
    const process::AlertKind* kind = process::FindAlertKind(alert.kind);
    if (!kind) return ApiError::Internal("alert kind '" + alert.kind + "' is not in the table");
    std::vector<std::string> audiences;
    if (kind->audience.empty()) {
      const std::string function = alert.data.value("function", "");
      if (function.empty())
        return ApiError::Internal("alert kind '" + alert.kind + "' needs data.function");
      audiences.push_back(function);
    } else if (kind->audience.size() == Functions().size()) {
      audiences.push_back("all");
    } else {
      for (Role role : kind->audience) audiences.push_back(RoleName(role));
    }
    std::optional<int64_t> first_id;  // of the first feed's row, when this write raised it
    for (const std::string& audience : audiences) {
      // One feed: the draft's own dedupe key (as stored before the table); several: per feed.
      const std::string dedupe =
          ws + ":" + alert.dedupe + (audiences.size() > 1 ? ":" + audience : "");
      Result<Rows> rows = c.Query(
          "INSERT INTO alerts (workspace_id, audience, kind, campaign, message, data, dedupe, "
          "created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe) DO NOTHING RETURNING id",
          {ws, audience, alert.kind, campaign, alert.message, alert.data.dump(), dedupe, now});
      if (!rows.ok()) return ApiError::Internal(rows.error().ToString());
      if (!first_id && !rows.value().empty()) first_id = rows.value().rows[0].Int(0);
    }
    if (first_id) {
      // Raised now: one delivery per subscribed webhook, queued in this transaction.
      const json payload = {{"id", *first_id},
                            {"kind", alert.kind},
                            {"campaign", campaign},
                            {"message", alert.message},
                            {"data", alert.data},
                            {"audience", audiences},
                            {"at", now}};
      Outcome<bool> queued = QueueWebhookDeliveries(c, ws, payload, now);
      if (!queued.ok()) return queued.error();
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Audit and alerts

Outcome<Reply> AlertService::Audit(const Actor&, const std::string& ws,
                                   const std::string& campaign) {
  Reply reply;
  reply.body = {{"items", json::array()}};
  bool exists = false;
  Status status = core_.database->Read([&](Connection& c) -> Status {
    Result<Rows> workspace = c.Query("SELECT 1 FROM workspaces WHERE id = $1", {ws});
    if (!workspace.ok()) return workspace.error();
    exists = !workspace.value().empty();
    Result<Rows> rows =
        campaign.empty() ? c.Query(
                               "SELECT id, campaign, actor, action, target, detail, at FROM audit "
                               "WHERE workspace_id = $1 ORDER BY id",
                               {ws})
                         : c.Query(
                               "SELECT id, campaign, actor, action, target, detail, at FROM audit "
                               "WHERE workspace_id = $1 AND campaign = $2 ORDER BY id",
                               {ws, campaign});
    if (!rows.ok()) return rows.error();
    for (const store::Row& row : rows.value().rows) {
      reply.body["items"].push_back({{"id", row.Int(0)},
                                     {"campaign", row.Text(1)},
                                     {"actor", row.Text(2)},
                                     {"action", row.Text(3)},
                                     {"target", row.Text(4)},
                                     {"detail", json::parse(row.Text(5), nullptr, false)},
                                     {"at", row.Text(6)}});
    }
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  if (!exists) return ApiError::NotFound("no workspace '" + ws + "'");
  return reply;
}

Outcome<Reply> AlertService::Alerts(const Actor& actor, const std::string& ws, int64_t after_id) {
  Reply reply;
  reply.body = {{"items", json::array()}};
  const std::string audience = RoleName(actor.role);
  Status status = core_.database->Read([&](Connection& c) -> Status {
    Result<Rows> rows =
        actor.role == Role::kAdmin
            ? c.Query(
                  "SELECT id, audience, kind, campaign, message, data, created_at FROM alerts "
                  "WHERE workspace_id = $1 AND id > $2 ORDER BY id",
                  {ws, after_id})
            : c.Query(
                  "SELECT id, audience, kind, campaign, message, data, created_at FROM alerts "
                  "WHERE workspace_id = $1 AND id > $2 AND audience IN ($3, 'all') ORDER BY id",
                  {ws, after_id, audience});
    if (!rows.ok()) return rows.error();
    for (const store::Row& row : rows.value().rows) {
      reply.body["items"].push_back({{"id", row.Int(0)},
                                     {"audience", row.Text(1)},
                                     {"kind", row.Text(2)},
                                     {"campaign", row.Text(3)},
                                     {"message", row.Text(4)},
                                     {"data", json::parse(row.Text(5), nullptr, false)},
                                     {"at", row.Text(6)}});
    }
    return OkStatus();
  });
  if (!status.ok()) return ApiError::Internal(status.error().ToString());
  return reply;
}

}  // namespace tandem::server
