// The alert kinds as data: each kind, who receives it in their feed, and the event that raises
// it. One table read by the server (which feed an alert goes to, GET /api/alert-kinds), the web
// UI (through that route) and the docs (RenderAlertTable(); a test compares docs/server.md).
//
// A new kind: a row here, the rule that raises it (src/server/process_rules.cc or the writer
// of the event), and the docs' table pasted from the test's output. No I/O; pure functions over
// an immutable static.
#ifndef TANDEM_PROCESS_ALERTS_H_
#define TANDEM_PROCESS_ALERTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "tandem/process/process.h"

namespace tandem::process {

struct AlertKind {
  const char* name;            // "promise-drifting"
  std::vector<Role> audience;  // whose feed it is in (admin reads every feed); empty: the
                               // one function the event concerns (AlertDraft::addressee)
  const char* raised_by;       // the one event that raises it
  const char* meaning;         // what the reader should do with it
};

// Every kind, in the order the docs list them.
const std::vector<AlertKind>& AlertKinds();
// The row of `name`; nullptr for an unknown kind.
const AlertKind* FindAlertKind(std::string_view name);
// The table as Markdown (docs/server.md carries it).
std::string RenderAlertTable();

}  // namespace tandem::process

#endif  // TANDEM_PROCESS_ALERTS_H_
