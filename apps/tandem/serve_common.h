// Helpers shared by `tandem serve` and `tandem demo`.
#ifndef TANDEM_APPS_TANDEM_SERVE_COMMON_H_
#define TANDEM_APPS_TANDEM_SERVE_COMMON_H_

#include <string>

#include "tandem/server/http_server.h"
#include "tandem/server/service.h"

namespace tandem::cli {

// The first of web/app beside the binary (a CMake build's UI), web/dist (relative to the working
// directory) and web/ beside the binary that has an index.html; empty when none has.
std::string DefaultWebRoot();
// One request log line on standard error with a UTC time stamp.
void LogLine(const std::string& line);
// Serves until SIGINT or SIGTERM; prints the URL after `banner`. Returns the exit code.
int ServeUntilSignal(server::Service& service, const server::HttpOptions& options,
                     const std::string& banner);
// The actor of local CLI commands (they run with the database's own access): admin.
server::Actor CliActor();

}  // namespace tandem::cli

#endif  // TANDEM_APPS_TANDEM_SERVE_COMMON_H_
