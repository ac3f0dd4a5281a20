// PUT /api/workspaces/{ws}/actuals/{file}: an actuals file checked whole, then upserted by id
// (docs/follow-up.md, "The server"). Storage: actuals_store.cc; the follow-up: follow_up.cc.
#include <algorithm>

#include "server/actuals_store.h"
#include "server/crypto.h"

namespace tandem::server {
namespace {

using json = nlohmann::json;
using store::Connection;
using store::Rows;

// The upload's reply body.
struct UploadSummary {
  std::string file;  // "orders.csv"
  int64_t rows = 0;
  int64_t changed = 0;  // added or changed; 0 when the same rows were sent again
  std::optional<int64_t> job;
  json ToJson() const {
    return {{"file", file},
            {"rows", rows},
            {"changed", changed},
            {"job", job ? json(*job) : json(nullptr)}};
  }
};

std::string RoleList(const std::vector<Role>& roles) {
  std::string out;
  for (size_t i = 0; i < roles.size(); ++i)
    out += std::string(i == 0 ? "" : i + 1 == roles.size() ? " and " : ", ") + RoleName(roles[i]);
  return out;
}

}  // namespace

std::vector<Role> ActualsUploaders(const std::string& file) {
  if (file == "orders") return {Role::kOperations, Role::kMarketing, Role::kAdmin};
  if (file == "tickets") return {Role::kService, Role::kOperations, Role::kAdmin};
  if (file == "spend") return {Role::kMarketing, Role::kFinance, Role::kAdmin};
  return {};
}

Outcome<Reply> WorkspaceService::PutActuals(const Actor& actor, const std::string& ws,
                                            const ActualsUpload& upload) {
  const std::optional<ActualsFile> file = ActualsFileFromName(upload.file);
  if (!file) return ApiError::NotFound("no actuals file '" + upload.file + "'");
  const std::vector<Role> uploaders = ActualsUploaders(upload.file);
  if (std::find(uploaders.begin(), uploaders.end(), actor.role) == uploaders.end())
    return ApiError::Forbidden("only " + RoleList(uploaders) + " upload " + upload.file);
  // A campaign whose window opened since the last tick enters follow-up first, so that the
  // follow-up this upload queues covers it.
  Outcome<std::vector<json>> advanced = AdvanceWorkspaceByClock(core_, ws);
  if (!advanced.ok()) return advanced.error();
  // Checked against the workspace's scenario before any write: a bad file is refused whole.
  std::optional<Scenario> scenario;
  std::optional<ApiError> failure;
  Status read = core_.database->Read([&](Connection& c) -> Status {
    Outcome<Snapshot> snapshot = LoadSnapshot(c, ws);
    if (!snapshot.ok()) {
      failure = snapshot.error();
      return OkStatus();
    }
    Result<Scenario> parsed = ParseSnapshot(snapshot.value());
    if (!parsed.ok()) return parsed.error();
    scenario = std::move(parsed.value());
    return OkStatus();
  });
  if (failure) return *failure;
  if (!read.ok()) return ApiError::Internal(read.error().ToString());
  const std::string display = ActualsFileName(*file);
  Result<std::vector<ActualsRow>> rows = SplitActualsCsv(*file, upload.text, display, *scenario);
  if (!rows.ok()) {
    if (rows.error().code == ErrorCode::kInternal)
      return ApiError::Internal(rows.error().ToString());
    return ActualsError(rows.error(), display + " is refused whole: nothing was stored");
  }
  UploadSummary summary;
  summary.file = display;
  summary.rows = static_cast<int64_t>(rows.value().size());
  bool submit = false;
  Outcome<bool> written =
      ApiTransaction(*core_.database, [&](Connection& c, const AbortWith& abort) -> Status {
        submit = false;
        const std::string now = core_.Now();
        Result<Rows> locked =
            c.Query("UPDATE workspaces SET revision = revision WHERE id = $1", {ws});
        if (!locked.ok()) return locked.error();
        if (locked.value().affected != 1)
          return abort(ApiError::NotFound("no workspace '" + ws + "'"));
        Outcome<int64_t> changed = UpsertActuals(c, ws, *file, rows.value(), now);
        if (!changed.ok()) return Error::Internal(changed.error().message);
        summary.changed = changed.value();
        Outcome<bool> audited = AppendAudit(c, ws,
                                            {{"",
                                              actor.name,
                                              "upload",
                                              "actuals/" + upload.file,
                                              {{"rows", summary.rows},
                                               {"changed", summary.changed},
                                               {"sha256", Sha256Hex(upload.text)}}}},
                                            now);
        if (!audited.ok()) return Error::Internal(audited.error().message);
        Result<int64_t> live = store::QueryInt(
            c,
            "SELECT COUNT(*) FROM processes WHERE workspace_id = $1 AND state IN ('live', "
            "'follow-up')",
            {ws});
        if (!live.ok()) return live.error();
        summary.job.reset();
        if (live.value() == 0) return OkStatus();
        // The follow-up of the live campaigns at the latest actuals, computed when the job runs.
        Outcome<QueuedFollowUp> queued =
            QueueFollowUpJob(c, ws, "", "latest:" + ws, "", "upload", actor.name, now);
        if (!queued.ok()) return Error::Internal(queued.error().message);
        summary.job = queued.value().job;
        submit = queued.value().created;
        return OkStatus();
      });
  if (!written.ok()) return written.error();
  core_.metrics.actuals_rows += summary.rows;
  if (submit) core_.submit_job(*summary.job, "followup");
  Reply reply;
  reply.body = summary.ToJson();
  return reply;
}

}  // namespace tandem::server
