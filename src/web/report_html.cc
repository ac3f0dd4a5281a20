#include "tandem/web/report_html.h"

#include <algorithm>
#include <ctime>

#include "tandem/web/assets.h"

namespace tandem::web {
namespace {

void AppendEscapedHtml(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

// JSON text inside <script type="application/json">: "<" only occurs inside JSON strings,
// where \u003c means the same, so "</script" and "<!--" cannot appear.
void AppendScriptSafeJson(std::string& out, std::string_view json_text) {
  for (char c : json_text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
}

}  // namespace

std::string RenderReportHtml(std::string_view title, std::string_view data_json) {
  const std::string_view page = ReportTemplate();
  std::string out;
  out.reserve(page.size() + ReportScript().size() + ReportStyles().size() + data_json.size() + 256);
  // One pass over the template: inserted text is never scanned for slots.
  size_t position = 0;
  while (position < page.size()) {
    const size_t slot = page.find("@@TANDEM_", position);
    if (slot == std::string_view::npos) break;
    const size_t slot_end = page.find("@@", slot + 9);
    if (slot_end == std::string_view::npos) break;
    out.append(page.substr(position, slot - position));
    const std::string_view name = page.substr(slot + 9, slot_end - slot - 9);
    if (name == "TITLE") {
      AppendEscapedHtml(out, title);
    } else if (name == "CSS") {
      out.append(ReportStyles());
    } else if (name == "DATA") {
      AppendScriptSafeJson(out, data_json);
    } else if (name == "JS") {
      out.append(ReportScript());
    } else {
      out.append(page.substr(slot, slot_end + 2 - slot));  // not ours: keep as written
    }
    position = slot_end + 2;
  }
  out.append(page.substr(std::min(position, page.size())));
  return out;
}

std::string UtcTimestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  const size_t length = std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M UTC", &utc);
  return std::string(text, length);
}

}  // namespace tandem::web
