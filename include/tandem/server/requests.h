// What every service request shares: the names of what a request is about (a workspace's
// campaign, a function of a campaign) and Parsed<T>, the form in which a service takes a request
// body the HTTP layer has parsed.
//
// A request body is parsed once, at the HTTP edge (routes.cc), into a named struct by its
// service's Parse...Request (process_requests.h, workspace_requests.h, ...). A service method
// takes it as Parsed<T>: either the typed request or the ApiError its parse gave. The service
// runs its own authorisation checks first and only then returns a parse error, so the order of
// refusals a client sees (403 before 400) does not depend on where the body was parsed. Callers
// that build the request in code (the CLI, the tests) pass the struct; it converts.
// Thread safety: plain values.
#ifndef TANDEM_SERVER_REQUESTS_H_
#define TANDEM_SERVER_REQUESTS_H_

#include <string>

#include "tandem/server/api.h"

namespace tandem::server {

// A campaign of a workspace (the path's {ws} and {id}).
struct CampaignRef {
  std::string ws;
  std::string campaign;
};

// One function's part of a campaign (the path's {ws}, {id} and {function}: "marketing",
// "operations", "finance" or "service" as written in the path; the service checks the name).
struct FunctionRef {
  std::string ws;
  std::string campaign;
  std::string function;
};

// A request body as the service takes it: the typed request, or why its parse refused it.
template <typename T>
using Parsed = Outcome<T>;

}  // namespace tandem::server

#endif  // TANDEM_SERVER_REQUESTS_H_
