#include "tandem/web/report_html.h"

#include <algorithm>
#include <ctime>
#include <exception>
#include <nlohmann/json.hpp>

#include "tandem/io/check_output.h"
#include "tandem/web/assets.h"

#ifndef TANDEM_VERSION
#define TANDEM_VERSION "unknown"
#endif

namespace tandem::web {
namespace {

// ordered_json keeps the check contract's key order, so the embedded data reads as
// `tandem check --json` prints it.
using json = nlohmann::ordered_json;

const char* KindName(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kThroughput:
      return "throughput";
    case ResourceKind::kSpace:
      return "space";
    case ResourceKind::kBudget:
      return "budget";
  }
  return "unknown";
}

json RangeJson(const DateRange& range) {
  return {{"start", range.start.ToString()}, {"end", range.end.ToString()}};
}

json ContextJson(const Scenario& scenario) {
  json campaigns = json::array();
  for (const Campaign& campaign : scenario.campaigns) {
    json bookings = json::array();
    for (const Booking& booking : campaign.bookings) {
      bookings.push_back({{"resource", booking.resource},
                          {"extra_per_hour", booking.extra_per_hour},
                          {"from", booking.from.ToString()},
                          {"until", booking.until.ToString()}});
    }
    campaigns.push_back({{"id", campaign.id},
                         {"name", campaign.name},
                         {"window", RangeJson(campaign.window)},
                         {"announce", campaign.announce.ToString()},
                         {"offerings", campaign.offerings},
                         {"discount", campaign.discount},
                         {"spend", campaign.spend},
                         {"bookings", std::move(bookings)}});
  }
  json offerings = json::array();
  for (const Offering& offering : scenario.offerings) {
    offerings.push_back(
        {{"id", offering.id}, {"name", offering.name.empty() ? offering.id : offering.name}});
  }
  json resources = json::array();
  for (const Resource& resource : scenario.resources) {
    resources.push_back(
        {{"id", resource.id}, {"kind", KindName(resource.kind)}, {"unit", resource.unit}});
  }
  return {{"horizon", RangeJson(scenario.horizon)},
          {"today", scenario.today.ToString()},
          {"step_hours", scenario.simulation.step.hours()},
          {"campaigns", std::move(campaigns)},
          {"offerings", std::move(offerings)},
          {"resources", std::move(resources)}};
}

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

Result<std::string> ReportDataJson(const Scenario& scenario, const CheckResult& result,
                                   const ReportMeta& meta) {
  json check;
  try {
    check = json::parse(CheckResultToJson(result));
  } catch (const std::exception& error) {
    return Error::Internal(std::string("the check result's JSON does not parse: ") + error.what());
  }
  json data = {{"report", 1}, {"version", TANDEM_VERSION}, {"source", meta.source}};
  if (!meta.generated.empty()) data["generated"] = meta.generated;
  data["check"] = std::move(check);
  data["context"] = ContextJson(scenario);
  // Compact, and invalid UTF-8 (which the scenario reader should never let through) replaced
  // rather than thrown.
  return data.dump(-1, ' ', false, json::error_handler_t::replace);
}

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
