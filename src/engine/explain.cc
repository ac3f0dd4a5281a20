#include "engine/explain.h"

#include "tandem/common/format.h"

#include <cmath>
#include <cstdio>

namespace tandem::engine {

namespace {

std::string Days(double days) {
  char buffer[32];
  if (days < 0.05) return "under 0.1";
  if (days < 1.95) {
    std::snprintf(buffer, sizeof(buffer), "%.1f", days);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.0f", days);
  }
  return buffer;
}

std::string Verb(PromiseType type) {
  switch (type) {
    case PromiseType::kDelivery:
      return "are delivered";
    case PromiseType::kProcessing:
      return "are processed";
    case PromiseType::kResponse:
      return "get a response";
    default:
      break;
  }
  return "";
}

std::string Covered(const PromiseSpec& spec, const std::string& unit) {
  std::string out = unit;
  if (spec.promise.cutoff) out += " placed before " + FormatTimeOfDay(*spec.promise.cutoff);
  return out;
}

}  // namespace

std::string ExplainPromise(const ExplainInput& input) {
  const PromiseResult& result = *input.result;
  const PromiseSpec& spec = *input.spec;
  const std::string kept_in = "Kept in " + FormatPercent(result.p_kept) + " of scenarios (needs " +
                              FormatPercent(input.confidence) + ").";
  const std::string& unit = input.unit;
  if (spec.promise.type == PromiseType::kAvailability) {
    std::string out = kept_in + " In a typical scenario " + FormatPercent(result.achieved.p50) +
                      " of " + unit + " are served from stock at once (needs " +
                      FormatPercent(spec.promise.share) + ")";
    if (result.status != PromiseStatus::kKept && !input.stock_offering.empty()) {
      out += "; " + input.stock_offering +
             " runs short first: more safety stock (supply.safety_days) or supply would hold it";
    }
    return out + ".";
  }
  if (result.covered_units_p50 <= 0) {
    return "No covered " + unit + " in a typical scenario, so nothing can be late. " + kept_in;
  }
  std::string typical = "In a typical scenario " + FormatPercent(result.achieved.p50) + " of " +
                        Covered(spec, unit) + " " + Verb(spec.promise.type) + " " +
                        spec.promise.within.ToWords();
  if (spec.weekly) typical += " in the worst week";
  typical += ".";
  std::string unreachable;
  if (!result.unreachable.empty()) {
    std::string names;
    for (size_t i = 0; i < result.unreachable.size(); ++i) {
      names += (i > 0 ? (i + 1 == result.unreachable.size() ? " and " : ", ") : "") +
               result.unreachable[i];
    }
    unreachable = " No capacity keeps it for " + names + ": processing" +
                  (spec.promise.type == PromiseType::kDelivery ? " and transit" : "") +
                  (spec.promise.type == PromiseType::kDelivery ? " alone take " : " alone takes ") +
                  result.unreachable_lead + ", and the promise is " +
                  spec.promise.within.ToWords() + ".";
  }
  if (result.status == PromiseStatus::kKept || !result.detail) {
    std::string out = kept_in + " " + typical + unreachable;
    if (result.status != PromiseStatus::kKept && !result.binding.empty()) {
      out += " Late " + unit + " wait mostly at " + result.binding.front() + ".";
    }
    return out;
  }
  const PromiseDetail& detail = *result.detail;
  std::string story;
  if (input.story_is_stock) {
    story = input.stock_offering + " runs out of stock from " + detail.falls_behind_at +
            "; backorders peak at " + FormatCount(detail.peak_backlog) + " units on " +
            detail.peak_at;
    if (detail.peak_days_of_capacity > 0)
      story += ", about " + Days(detail.peak_days_of_capacity) + " days of supply";
    story += ".";
  } else if (detail.peak_days_of_capacity < 1 && detail.closed_share >= 0.2) {
    story = detail.resource + " is closed " + FormatPercent(detail.closed_share) +
            " of the hours in this period, and " + unit +
            " arriving after hours wait for it to open; its backlog peaks at only " +
            FormatCount(detail.peak_backlog) + " " + detail.unit + " on " + detail.peak_at + " (" +
            Days(detail.peak_days_of_capacity) +
            " days of capacity): longer opening hours, not more capacity per hour, would help.";
  } else if (detail.falls_behind && detail.behind_at_start) {
    story = detail.resource + " is already behind when the period opens (" +
            detail.falls_behind_at + "); by " + detail.peak_at + " the backlog is " +
            FormatCount(detail.peak_backlog) + " " + detail.unit + ", about " +
            Days(detail.peak_days_of_capacity) + " days of capacity.";
  } else if (detail.falls_behind) {
    story = detail.resource + " falls behind from " + detail.falls_behind_at + "; by " +
            detail.peak_at + " the backlog is " + FormatCount(detail.peak_backlog) + " " +
            detail.unit + ", about " + Days(detail.peak_days_of_capacity) + " days of capacity.";
  } else {
    story = "Late " + unit + " wait mostly at " + detail.resource + ", whose backlog peaks at " +
            FormatCount(detail.peak_backlog) + " " + detail.unit + " on " + detail.peak_at +
            " (about " + Days(detail.peak_days_of_capacity) + " days of capacity).";
  }
  return story + " In the median scenario " + FormatPercent(detail.share_missing) + " of " +
         Covered(spec, unit) + " miss " + spec.promise.within.ToString() +
         (spec.weekly ? " in the worst week" : "") + "." + unreachable + " " + kept_in;
}

std::string ExplainClaim(const PromiseResult& result, const Scenario& scenario,
                         const Campaign& campaign) {
  if (result.missing_capabilities.empty()) {
    return "Operations declares every capability the claim needs for the whole window.";
  }
  std::string out = "Operations has not declared ";
  for (size_t i = 0; i < result.missing_capabilities.size(); ++i) {
    const std::string& id = result.missing_capabilities[i];
    out += (i > 0 ? (i + 1 == result.missing_capabilities.size() ? " and " : ", ") : "") +
           std::string("'") + id + "'";
    const Capability* capability = scenario.FindCapability(id);
    if (capability != nullptr) {
      out += " (declared only";
      if (capability->from) out += " from " + capability->from->ToString();
      if (capability->until) out += " until " + capability->until->ToString();
      out += ")";
    }
  }
  out += " for the whole window " + campaign.window.start.ToString() + " to " +
         campaign.window.end.ToString() + ".";
  if (!result.declared_wording.empty()) {
    out += " What operations does declare: ";
    for (size_t i = 0; i < result.declared_wording.size(); ++i) {
      out += (i > 0 ? "; " : "") + std::string("\"") + result.declared_wording[i] + "\"";
    }
    out += ".";
  }
  return out;
}

std::string ExplainFreeReturns(const PromiseResult& result, const std::string& currency) {
  auto money = [&](double value) { return FormatMoneyCents(value, currency); };
  std::string out;
  double baseline = 0;
  double window = 0;
  double baseline_cost = 0;
  std::string raised;  // offerings whose rate the promise raises
  double rate = 0;
  double base_rate = 0;
  for (const PromiseResult::OfferingReturn& item : result.free_returns) {
    const bool loses = item.contribution_after_returns < 0;
    out +=
        std::string(out.empty() ? "" : " ") + item.offering + (loses ? " loses " : " keeps ") +
        money(std::fabs(item.contribution_after_returns)) + " per unit sold after returns at " +
        FormatPercent(item.return_rate) + " returned (" + money(item.contribution_before_returns) +
        " before returns; a return refunds the unit's margin and costs " + money(item.return_cost) +
        " to process)" + (loses ? ": free returns lose money on it." : ".");
    if (item.return_rate > item.base_return_rate + 1e-12 && item.baseline_units > 0.5) {
      raised += (raised.empty() ? "" : ", ") + item.offering;
      baseline += item.baseline_units;
      window += item.window_units;
      rate = item.return_rate;
      base_rate = item.base_return_rate;
      // Each extra return costs the unit's margin and its processing: (before - after) / rate.
      if (item.return_rate > 0) {
        baseline_cost += item.baseline_units * (item.return_rate - item.base_return_rate) *
                         (item.contribution_before_returns - item.contribution_after_returns) /
                         item.return_rate;
      }
    }
  }
  if (!raised.empty()) {
    out += " The return rate applies to every sale of " + raised +
           " in the window, not only to the campaign's extra ones: about " + FormatCount(baseline) +
           " of the " + FormatCount(window) + " units sold would sell anyway, and free returns " +
           "raise their rate from " + FormatPercent(base_rate) + " to " + FormatPercent(rate) +
           " at a cost of about " + FormatMoney(baseline_cost, currency) + ".";
  }
  return out;
}

}  // namespace tandem::engine
