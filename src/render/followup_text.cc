#include <fmt/format.h>

#include <cmath>

#include "render/text_style.h"
#include "tandem/common/format.h"
#include "tandem/render/followup_output.h"

namespace tandem {
namespace {

std::string When(WallSeconds time) {
  const Date date = DateOfWallSeconds(time);
  const int minute = static_cast<int>((time - WallSecondsOf(date)) / 60);
  return date.ToShortString() + " " + FormatTimeOfDay(minute);
}

std::string Share(const std::optional<double>& share) {
  return share ? FormatPercent(*share) : "-";
}

std::string Signed(double share) {
  return (share >= 0 ? "+" : "") + FormatPercent(share);
}

std::string Lift(double value) {
  return fmt::format("{:.2f}", value);
}

std::string Figure(const std::optional<double>& value, const std::string& unit,
                   const std::string& currency) {
  if (!value) return "-";
  if (unit == "money") return FormatMoney(*value, currency);
  if (unit == "share" || unit == "ratio") return FormatPercent(*value);
  if (unit == "per 100 units") return fmt::format("{:.1f}", *value);
  return FormatCount(*value);
}

void PromiseTable(const std::vector<PromiseFollowUp>& promises, const Painter& paint,
                  std::string* out) {
  *out += paint.Dim(fmt::format("  {:<3}{:<46} {:<8} {:<9}{:>22}   {}\n", "#", "promise", "status",
                                "", "kept so far", "re-forecast"));
  for (const PromiseFollowUp& promise : promises) {
    std::string text = promise.text;
    if (text.size() > 46) text = text.substr(0, 43) + "...";
    std::string so_far = "-";
    if (promise.type != PromiseType::kClaim) {
      so_far = FormatCount(promise.kept_units) + " / " + FormatCount(promise.due_units) + " (" +
               Share(promise.observed_share) + ")";
    }
    *out += fmt::format(
        "  {:<3}{:<46} {} {}{:>22}   {}\n", promise.index + 1, text,
        paint.Status(promise.status, fmt::format("{:<8}", StatusName(promise.status))),
        promise.drifting ? paint.Bold(fmt::format("{:<9}", "DRIFTING")) : std::string(9, ' '),
        so_far, promise.p_kept ? "kept in " + FormatPercent(*promise.p_kept) : "decided");
    if (!promise.because.empty() && !promise.drifting)
      *out += paint.Dim(Wrap(promise.because, 92, 7));
  }
}

void DemandSection(const CampaignFollowUp& campaign, std::string* out) {
  const DemandFollowUp& demand = campaign.demand;
  if (demand.elapsed_days <= 0) return;
  std::string line = fmt::format(
      "{} units over {} days against a plan of {}{}; baseline {}.", FormatCount(demand.units),
      fmt::format("{:.1f}", demand.elapsed_days), FormatCount(demand.expected),
      demand.bias ? " (" + Signed(*demand.bias) + ")" : "", FormatCount(demand.baseline));
  if (demand.mape) {
    line += fmt::format(" Daily error (MAPE) {} over {} whole day{}.", FormatPercent(*demand.mape),
                        demand.completed_days, demand.completed_days == 1 ? "" : "s");
  }
  *out += Wrap(line, 94, 2);
  const LiftFigures& lift = demand.lift;
  line = "Lift: planned " + Lift(lift.planned);
  if (lift.observed) {
    line += ", observed " + Lift(*lift.observed);
    if (lift.ratio) line += fmt::format(" ({:.2f}x the plan)", *lift.ratio);
  }
  if (campaign.phase == CampaignPhase::kLive) {
    line += "; re-estimated for the rest " + Lift(lift.posterior_median) + " (" +
            Lift(lift.posterior_low) + " .. " + Lift(lift.posterior_high) + ")";
  }
  *out += Wrap(line + ".", 94, 2);
  // The latest measured day's backlog on the binding resource beside the plan's band.
  for (auto day = demand.days.rbegin(); day != demand.days.rend(); ++day) {
    if (!day->backlog || !day->backlog->actual) continue;
    const DemandDay::Backlog& backlog = *day->backlog;
    line = "Peak backlog on " + demand.backlog_resource + ", " + day->date.ToShortString() +
           (day->complete ? "" : " so far") + ": " + FormatCount(*backlog.actual) + " " +
           demand.backlog_unit;
    if (backlog.p50) {
      line += "; plan " + FormatCount(*backlog.p50);
      if (backlog.p5 && backlog.p95)
        line += " (" + FormatCount(*backlog.p5) + " .. " + FormatCount(*backlog.p95) + ")";
    }
    *out += Wrap(line + ".", 94, 2);
    break;
  }
}

void MetricsTable(const std::vector<Metric>& metrics, const std::string& currency,
                  const Painter& paint, std::string* out) {
  if (metrics.empty()) return;
  *out += paint.Bold(" Shared metrics") + paint.Dim(" (so far; the plan scaled to the same time)") +
          "\n";
  *out += paint.Dim(
      fmt::format("  {:<26}{:>14}{:>14}   {}\n", "", "actual", "plan p50", "plan p5 .. p95"));
  for (const Metric& metric : metrics) {
    std::string band;
    if (metric.p5 && metric.p95) {
      band = Figure(metric.p5, metric.unit, currency) + " .. " +
             Figure(metric.p95, metric.unit, currency);
    }
    std::string name = metric.name;
    for (char& c : name) c = c == '_' ? ' ' : c;
    *out += fmt::format("  {:<26}{:>14}{:>14}   {}\n", name,
                        Figure(metric.actual, metric.unit, currency),
                        Figure(metric.p50, metric.unit, currency), band);
  }
}

std::string Headline(const FollowUpResult& result) {
  const int code = FollowUpExitCode(result);
  if (code == 2) return "BROKEN";
  if (code == 1) return result.alerts.empty() ? "AT-RISK" : "DRIFTING";
  return "ON TRACK";
}

}  // namespace

std::string FollowUpResultToText(const FollowUpResult& result, bool color) {
  const Painter paint(color);
  std::string out;
  out += paint.Bold(result.name) + ": follow-up as of " + When(result.as_of) + " (" +
         FormatWallSeconds(result.as_of) + ")\n";
  out += "Status: " + paint.Bold(Headline(result)) + "\n";
  if (result.reforecast) {
    out += paint.Dim(fmt::format(
        "What is not decided yet is re-forecast from now on: {} scenarios, seed {}; a promise is "
        "on track when kept in at least {} of them.\n",
        FormatCount(static_cast<double>(result.scenarios)), result.seed,
        FormatPercent(result.confidence)));
  }
  if (!result.alerts.empty()) {
    out += "\n" + paint.Bold("Alerts") + "\n";
    for (const Alert& alert : result.alerts) out += Wrap("! " + alert.message, 94, 2);
  }
  for (const CampaignFollowUp& campaign : result.campaigns) {
    std::string phase = PhaseName(campaign.phase);
    if (campaign.phase == CampaignPhase::kLive) {
      phase += fmt::format(", day {} of {}",
                           static_cast<int>(std::floor(campaign.demand.elapsed_days)) + 1,
                           campaign.window.days());
    }
    out += "\n" + paint.Bold(fmt::format("Campaign {} \"{}\"", campaign.id, campaign.name)) + ": " +
           phase +
           paint.Dim(" (" + campaign.window.start.ToString() + " to " +
                     campaign.window.end.ToString() + ")") +
           "\n";
    if (!campaign.promises.empty()) {
      out += paint.Bold(" Promises") + "\n";
      PromiseTable(campaign.promises, paint, &out);
    }
    if (campaign.demand.elapsed_days > 0) {
      out += paint.Bold(" Demand") + "\n";
      DemandSection(campaign, &out);
    }
    MetricsTable(campaign.metrics, result.currency, paint, &out);
  }
  if (!result.standing.empty()) {
    out += "\n" + paint.Bold("Standing promises (messaging), worst ISO week") + "\n";
    PromiseTable(result.standing, paint, &out);
  }
  return out;
}

std::string CalibrationToText(const Calibration& calibration, const std::string& written_to) {
  std::string out = "\nCalibration";
  out += written_to.empty() ? "\n" : " (written to " + written_to + ")\n";
  if (calibration.changes.empty()) out += "  nothing had enough data to calibrate\n";
  for (const CalibrationChange& change : calibration.changes) {
    out += fmt::format("  {}: {} -> {}\n", change.key, change.before, change.after);
    out += Wrap(change.evidence, 90, 6);
  }
  for (const std::string& reason : calibration.not_calibrated)
    out += Wrap("kept: " + reason, 92, 2);
  if (!calibration.lifts.empty()) {
    out += "Observed against planned lift\n";
    for (const LiftRecord& record : calibration.lifts) {
      out +=
          fmt::format("  {:<20} planned {}, observed {}{}\n", record.campaign,
                      fmt::format("{:.2f}", record.planned), fmt::format("{:.2f}", record.observed),
                      record.ratio ? fmt::format(": {:.2f}x the plan", *record.ratio) : "");
    }
  }
  return out;
}

}  // namespace tandem
