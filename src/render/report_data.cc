#include "tandem/render/report_data.h"

#include <exception>
#include <nlohmann/json.hpp>

#include "tandem/render/check_output.h"

#ifndef TANDEM_VERSION
#define TANDEM_VERSION "unknown"
#endif

namespace tandem {
namespace {

// ordered_json keeps the check contract's key order, so the embedded data reads as
// `tandem check --json` prints it.
using json = nlohmann::ordered_json;

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
        {{"id", resource.id}, {"kind", ResourceKindName(resource.kind)}, {"unit", resource.unit}});
  }
  return {{"horizon", RangeJson(scenario.horizon)},
          {"today", scenario.today.ToString()},
          {"step_hours", scenario.simulation.step.hours()},
          {"campaigns", std::move(campaigns)},
          {"offerings", std::move(offerings)},
          {"resources", std::move(resources)}};
}

}  // namespace

namespace {

std::string ReportData(const Scenario& scenario, json check, const ReportMeta& meta) {
  json data = {{"report", 1}, {"version", TANDEM_VERSION}, {"source", meta.source}};
  if (!meta.generated.empty()) data["generated"] = meta.generated;
  data["check"] = std::move(check);
  data["context"] = ContextJson(scenario);
  if (meta.review) {
    json review = {{"campaign", meta.review->campaign}};
    for (const auto& [part, text] : meta.review->parts) review[part] = text;
    review["by"] = meta.review->by;
    review["at"] = meta.review->at;
    data["review"] = std::move(review);
  }
  // Compact, and invalid UTF-8 (which the scenario reader should never let through) replaced
  // rather than thrown.
  return data.dump(-1, ' ', false, json::error_handler_t::replace);
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
  return ReportData(scenario, std::move(check), meta);
}

Result<std::string> ReportDataJson(const Scenario& scenario, std::string_view check_json,
                                   const ReportMeta& meta) {
  json check = json::parse(check_json, nullptr, false);
  if (check.is_discarded() || !check.is_object())
    return Error::InvalidInput("the check result is not a JSON object");
  return ReportData(scenario, std::move(check), meta);
}

}  // namespace tandem
