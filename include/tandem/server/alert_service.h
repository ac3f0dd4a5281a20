// The two feeds every write leaves behind: each function's alerts and the append-only audit log.
// Writes append to them in their own transaction (service_core.h: AppendAlerts, AppendAudit);
// this service reads them.
//
// Ownership: holds a reference to the ServiceCore that `Service` owns; Service outlives it.
// Thread safety: every method may be called concurrently from any thread.
#ifndef TANDEM_SERVER_ALERT_SERVICE_H_
#define TANDEM_SERVER_ALERT_SERVICE_H_

#include <cstdint>
#include <string>

#include "tandem/server/api.h"

namespace tandem::server {

class ServiceCore;

class AlertService {
 public:
  explicit AlertService(ServiceCore& core) : core_(core) {}
  AlertService(const AlertService&) = delete;
  AlertService& operator=(const AlertService&) = delete;

  // The audit log of the workspace, or of one campaign ("" for all), oldest first.
  Outcome<Reply> Audit(const Actor& actor, const std::string& ws, const std::string& campaign);
  // The alerts addressed to the actor's function (admin: all) with ids above `after_id`.
  Outcome<Reply> Alerts(const Actor& actor, const std::string& ws, int64_t after_id);

 private:
  ServiceCore& core_;
};

}  // namespace tandem::server

#endif  // TANDEM_SERVER_ALERT_SERVICE_H_
