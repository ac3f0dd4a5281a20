// The self-contained HTML report of one scenario's check (`tandem report`): the embedded
// template, script and stylesheet (assets.h) with the check's data inlined as JSON. The file
// opens from file:// with no network. Pure functions; thread-safe.
#ifndef TANDEM_WEB_REPORT_HTML_H_
#define TANDEM_WEB_REPORT_HTML_H_

#include <string>
#include <string_view>

#include "tandem/common/result.h"
#include "tandem/engine/check_result.h"
#include "tandem/model/scenario.h"

namespace tandem::web {

struct ReportMeta {
  std::string source;     // the scenario file's name as the reader should see it
  std::string generated;  // when, e.g. "2027-02-01 09:30 UTC"; empty to leave it out
};

// The report's data, one JSON object:
//   {"report": 1, "version": "0.1.0", "source": ..., "generated": ...,
//    "check": <CheckResultToJson(result), best with CheckOptions::collect_series>,
//    "context": {"horizon", "today", "step_hours", "campaigns": [{id, name, window,
//                announce, offerings, discount, spend, bookings}], "offerings": [{id, name}],
//                "resources": [{id, kind, unit}]}}
// `context` carries what the check result does not (campaign windows, offering names).
// Errors: kInternal if the check's JSON does not parse (a bug).
Result<std::string> ReportDataJson(const Scenario& scenario, const CheckResult& result,
                                   const ReportMeta& meta);

// The whole HTML document: `title` (plain text, escaped here) and `data_json` (any JSON
// text; "<" is escaped so that it cannot end the <script> element it sits in).
std::string RenderReportHtml(std::string_view title, std::string_view data_json);

// "now" in UTC as "YYYY-MM-DD HH:MM UTC", for ReportMeta::generated.
std::string UtcTimestamp();

}  // namespace tandem::web

#endif  // TANDEM_WEB_REPORT_HTML_H_
