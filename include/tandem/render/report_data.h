// The data of the HTML report (`tandem report`, tandem/web/report_html.h): one scenario's check
// and what the check result does not carry (campaign windows, offering names), as one JSON
// object the report's script draws from. Pure functions; thread-safe.
#ifndef TANDEM_RENDER_REPORT_DATA_H_
#define TANDEM_RENDER_REPORT_DATA_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tandem/common/result.h"
#include "tandem/engine/check_result.h"
#include "tandem/model/scenario.h"

namespace tandem {

// The post-campaign review saved with a campaign (the server's reports carry it).
struct ReportReview {
  std::string campaign;                                    // the campaign's id
  std::vector<std::pair<std::string, std::string>> parts;  // {"promised", text}, ... in order
  std::string by;                                          // who saved it last
  std::string at;                                          // when
};

struct ReportMeta {
  std::string source;                  // the scenario file's name as the reader should see it
  std::string generated;               // when, e.g. "2027-02-01 09:30 UTC"; empty to leave it out
  std::optional<ReportReview> review;  // none: the data has no "review" key
};

// The report's data, one JSON object:
//   {"report": 1, "version": "0.1.0", "source": ..., "generated": ...,
//    "check": <CheckResultToJson(result), best with CheckOptions::collect_series>,
//    "context": {"horizon", "today", "step_hours", "campaigns": [{id, name, window,
//                announce, offerings, discount, spend, bookings}], "offerings": [{id, name}],
//                "resources": [{id, kind, unit}]}}
// Compact; invalid UTF-8 is replaced. Errors: kInternal if the check's JSON does not parse (a
// bug).
//   and, with meta.review: "review": {"campaign", "promised", "kept", "forecast_error",
//   "lessons" (the parts written), "by", "at"}.
Result<std::string> ReportDataJson(const Scenario& scenario, const CheckResult& result,
                                   const ReportMeta& meta);
// The same from a check result already rendered as JSON (`check_json`, as the server stores
// it). Errors: kInvalidInput when it does not parse.
Result<std::string> ReportDataJson(const Scenario& scenario, std::string_view check_json,
                                   const ReportMeta& meta);

}  // namespace tandem

#endif  // TANDEM_RENDER_REPORT_DATA_H_
