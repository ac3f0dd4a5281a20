// libFuzzer target: a JSON request body as `tandem serve` handles it. ParseJsonBody (the depth
// guard, then nlohmann's parser), then the body as each kind of workspace entry and as the
// settings, assembled into the workspace's scenario document and read (AssembleScenario ->
// ParseDocument: the JSON values through ReadScenarioJson, the scenario reader), with the
// diagnostics mapped to fields (DiagnosticsToFields); and the body as an import (ParseScenario,
// which also gives the document as JSON from its one parse, then SplitScenario, as
// WorkspaceService::Import does).
//
// Whatever the input, nothing may crash, hang, leak or overflow the stack (ASan, UBSan): a body
// nested past kMaxNestingDepth must be refused by the guard with 400 before anything recursive
// sees it, and every other body must end in a scenario or an error naming a field.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/scenario_doc.h"
#include "tandem/io/input_limits.h"
#include "tandem/io/scenario_reader.h"

namespace {

using tandem::server::Document;
using tandem::server::json;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "json_body_fuzzer: %s\n%s\n", what, detail.substr(0, 2000).c_str());
  std::abort();
}

void AsWorkspace(const Document& document, const std::string& kind, const std::string& key) {
  const tandem::Result<tandem::Scenario> parsed =
      tandem::server::ParseDocument(document, tandem::server::AssembleScenario(document));
  if (parsed.ok()) return;
  if (parsed.error().code == tandem::ErrorCode::kInternal) {
    Fail("the assembled document failed with an internal error", parsed.error().ToString());
  }
  (void)tandem::server::DiagnosticsToFields(parsed.error().diagnostics, document, kind, key);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const tandem::server::Outcome<json> body = tandem::server::ParseJsonBody(text);
  const bool too_deep = tandem::FindJsonTooDeep(text) != std::string_view::npos;
  if (too_deep && (body.ok() || body.error().status != 400)) {
    Fail("a body nested past the limit was not refused with 400", std::string(text));
  }
  if (body.ok() && body.value().is_object()) {
    Document base;
    base.settings = {{"name", "fuzz"},
                     {"horizon", {{"start", "2027-01-01"}, {"end", "2027-02-01"}}}};
    for (const std::string& kind : tandem::server::EntityKinds()) {
      Document document = base;
      json entry = body.value();
      if (tandem::server::KindHasIdField(kind)) entry["id"] = "x";
      document.entities.push_back({kind, "x", 0, 1, entry});
      AsWorkspace(document, kind, "x");
    }
    Document settings;
    settings.settings = body.value();
    AsWorkspace(settings, "settings", "");
  }
  // The import route: the text is a scenario (YAML or JSON) when it is not a bundle.
  const tandem::FileLoader loader = [](const std::string& path) -> tandem::Result<std::string> {
    return tandem::Error::Io("fuzzing reads no files: " + path);
  };
  tandem::server::ordered_json as_json;
  if (tandem::ParseScenario(text, "import", loader, &as_json).ok()) {
    if (!as_json.is_object())
      Fail("a scenario that parsed did not convert to JSON", as_json.dump());
    (void)tandem::server::SplitScenario(as_json);
  }
  return 0;
}
