// The self-contained HTML report of one scenario's check (`tandem report`): the embedded
// template, script and stylesheet (assets.h) with the check's data (ReportDataJson,
// tandem/render/report_data.h) inlined as JSON. The file opens from file:// with no network.
// Pure functions; thread-safe.
#ifndef TANDEM_WEB_REPORT_HTML_H_
#define TANDEM_WEB_REPORT_HTML_H_

#include <string>
#include <string_view>

namespace tandem::web {

// The whole HTML document: `title` (plain text, escaped here) and `data_json` (any JSON
// text; "<" is escaped so that it cannot end the <script> element it sits in).
std::string RenderReportHtml(std::string_view title, std::string_view data_json);

// "now" in UTC as "YYYY-MM-DD HH:MM UTC", for tandem::ReportMeta::generated.
std::string UtcTimestamp();

}  // namespace tandem::web

#endif  // TANDEM_WEB_REPORT_HTML_H_
