// The request bodies of the job routes (JobService, job_service.h) as named structs, and their
// parse (requests.h).
// Thread safety: plain values and pure functions.
#ifndef TANDEM_SERVER_JOB_REQUESTS_H_
#define TANDEM_SERVER_JOB_REQUESTS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "tandem/server/requests.h"

namespace tandem::server {

// POST .../recommend/adopt {"option": N (from 1, as `tandem recommend --apply N`), "key": the
// counter-proposals' key (GET .../recommend)}.
struct AdoptRequest {
  int64_t option = 0;
  std::string key;
};
// 400 "(body)" when not an object, "option" when missing or not a whole number from 1, "key"
// when missing or not a string.
Outcome<AdoptRequest> ParseAdoptRequest(const nlohmann::json& body);

}  // namespace tandem::server

#endif  // TANDEM_SERVER_JOB_REQUESTS_H_
