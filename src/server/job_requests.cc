// The parse of the job routes' bodies (tandem/server/job_requests.h). The messages are the API's:
// they were the service's own before the bodies were typed.
#include "tandem/server/job_requests.h"

namespace tandem::server {

using json = nlohmann::json;

Outcome<AdoptRequest> ParseAdoptRequest(const json& body) {
  if (!body.is_object()) return ApiError::Field("(body)", "must be an object", "{option, key}");
  if (!body.contains("option") || !body["option"].is_number_integer() ||
      body["option"].get<int64_t>() < 1) {
    return ApiError::Field("option", "missing or not a whole number from 1",
                           "the option's number, counted from 1 as in tandem recommend --apply N");
  }
  if (!body.contains("key") || !body["key"].is_string()) {
    return ApiError::Field("key", "missing",
                           "the key of the counter-proposals read (GET .../recommend)");
  }
  return AdoptRequest{.option = body["option"].get<int64_t>(),
                      .key = body["key"].get<std::string>()};
}

}  // namespace tandem::server
