// Follow-up's orchestration: measure, re-forecast, decide each promise's status, find the
// drifting ones and say why (tandem/followup/follow_up.h; docs/follow-up.md).
#include "tandem/followup/follow_up.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "followup/internal.h"
#include "tandem/common/format.h"
#include "tandem/engine/check.h"

namespace tandem {

const char* PhaseName(CampaignPhase phase) {
  switch (phase) {
    case CampaignPhase::kPlanned:
      return "planned";
    case CampaignPhase::kLive:
      return "live";
    case CampaignPhase::kEnded:
      return "ended";
  }
  return "unknown";
}

int FollowUpExitCode(const FollowUpResult& result) {
  int code = 0;
  auto consider = [&](const PromiseFollowUp& promise) {
    if (promise.status == PromiseStatus::kBroken) code = std::max(code, 2);
    if (promise.status == PromiseStatus::kAtRisk || promise.drifting) code = std::max(code, 1);
  };
  for (const CampaignFollowUp& campaign : result.campaigns) {
    for (const PromiseFollowUp& promise : campaign.promises) consider(promise);
  }
  for (const PromiseFollowUp& promise : result.standing) consider(promise);
  return code;
}

namespace followup {
namespace {

std::string Days(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

// One promise before its status: what it covers and what the actuals say.
struct Measured {
  Coverage coverage;
  PromiseActuals actuals;
  std::vector<FreeReturnsOffering> returns;
};

Measured Measure(const Context& context, int campaign, int index) {
  Measured out;
  out.coverage = CoverageOf(context.scenario, campaign, index);
  out.actuals = MeasurePromise(context, out.coverage);
  if (out.coverage.promise->type == PromiseType::kFreeReturns)
    out.returns = MeasureFreeReturns(context, out.coverage);
  return out;
}

CampaignPhase PhaseOf(const Campaign& campaign, WallSeconds as_of) {
  if (as_of < WallSecondsOf(campaign.window.start)) return CampaignPhase::kPlanned;
  if (as_of >= WallSecondsOf(campaign.window.end + 1)) return CampaignPhase::kEnded;
  return CampaignPhase::kLive;
}

PromiseStatus StatusOfShare(std::optional<double> observed, double share) {
  return !observed || *observed >= share - 1e-12 ? PromiseStatus::kKept : PromiseStatus::kBroken;
}

const char* UnitOf(PromiseType type) {
  return type == PromiseType::kResponse ? "tickets" : "units";
}

// What the inputs of one promise's assessment are.
struct Inputs {
  const Measured* measured = nullptr;
  const PromiseResult* plan = nullptr;      // the plan's check
  const PromiseResult* forecast = nullptr;  // the re-forecast; null when none was run
  bool ended = false;                       // the campaign's window (standing: horizon) is over
  std::string not_in_actuals;  // why the actuals cannot say anything about it (empty: they can)
  PromiseStatus baseline = PromiseStatus::kKept;
  double confidence = 0.9;
  std::string currency;
  const Scenario* scenario = nullptr;
};

void AssessFreeReturns(const Inputs& in, PromiseFollowUp* out) {
  double matured = 0, good = 0, returned = 0;
  std::string worst;
  for (const FreeReturnsOffering& item : in.measured->returns) {
    matured += item.matured;
    returned += item.returned;
    if (item.matured <= 0) continue;
    if (item.contribution >= 0) {
      good += item.matured;
    } else if (worst.empty()) {
      worst = in.scenario->offerings[static_cast<size_t>(item.offering)].id + " loses " +
              FormatMoney(-item.contribution, in.currency) + " per unit sold";
    }
  }
  out->due_units = matured;
  out->kept_units = good;
  out->decided = in.ended;
  if (matured <= 0) {
    out->status = in.plan ? in.plan->status : PromiseStatus::kKept;
    out->because = "No covered unit has been delivered for its return lag yet; the plan's " +
                   std::string(StatusName(out->status)) + " stands.";
    return;
  }
  out->observed_share = good / matured;
  out->status = good >= matured - 1e-9 ? PromiseStatus::kKept : PromiseStatus::kBroken;
  out->because = FormatCount(returned) + " of " + FormatCount(matured) +
                 " units past their return lag came back (" + FormatPercent(returned / matured) +
                 ")" +
                 (worst.empty() ? "; every covered offering still pays after returns."
                                : "; at that rate " + worst + ".");
}

void AssessMeasured(const Inputs& in, PromiseFollowUp* out) {
  const PromiseActuals& actuals = in.measured->actuals;
  const bool weekly = in.measured->coverage.campaign < 0;
  out->due_units = actuals.due;
  out->kept_units = actuals.kept;
  out->pending_units = actuals.undecided;
  if (weekly) {
    out->observed_share = actuals.worst_week_share;
    out->worst_week = actuals.worst_week;
  } else if (actuals.due > 1e-9) {
    out->observed_share = actuals.kept / actuals.due;
  }
  const std::string unit = UnitOf(out->type);
  std::string so_far =
      FormatCount(actuals.kept) + " of " + FormatCount(actuals.due) + " due " + unit + " kept";
  if (out->observed_share)
    so_far +=
        " (" + FormatPercent(*out->observed_share) + (weekly ? " in the worst week" : "") + ")";
  out->decided = in.forecast == nullptr || (in.ended && actuals.undecided <= 1e-9);
  if (out->decided) {
    out->status = StatusOfShare(out->observed_share, out->share);
    out->because = actuals.due > 1e-9 ? so_far + " against " + FormatPercent(out->share) + "."
                                      : "No covered " + unit +
                                            " was due: kept (a promise that covers no unit "
                                            "counts as kept).";
    return;
  }
  out->p_kept = in.forecast->p_kept;
  out->status = in.forecast->status;
  if (actuals.covered <= 1e-9) {
    out->because = "No covered " + unit + " yet.";
  } else if (actuals.due <= 1e-9) {
    out->because = FormatCount(actuals.undecided) + " covered " + unit + ", none due yet.";
  } else {
    out->because = "So far " + so_far + "; " + FormatCount(actuals.undecided) + " not yet due.";
  }
  out->because +=
      " Re-forecast from now: kept in " + FormatPercent(in.forecast->p_kept) + " of scenarios.";
  // A share that even an on-time rest cannot lift back to the promise is broken now.
  const double rest = std::max(0.0, in.forecast->covered_units_p50 - actuals.due);
  const bool out_of_reach =
      weekly ? actuals.closed_week_below
             : actuals.due > 0 && (actuals.kept + rest) / (actuals.due + rest) < out->share - 1e-12;
  if (out_of_reach) {
    out->status = PromiseStatus::kBroken;
    out->because += weekly ? " A week that has ended is already below " +
                                 FormatPercent(out->share) + ": broken."
                           : " Even if every remaining unit is on time it ends below " +
                                 FormatPercent(out->share) + ": broken.";
  } else if (out->status != PromiseStatus::kKept && !in.forecast->explanation.empty()) {
    out->because += " " + in.forecast->explanation;
  }
}

PromiseFollowUp Assess(const Inputs& in, int index) {
  const Promise& promise = *in.measured->coverage.promise;
  PromiseFollowUp out;
  out.index = index;
  out.type = promise.type;
  out.text = in.plan ? in.plan->text : promise.Describe(UnitOf(promise.type), in.currency);
  out.share = promise.type == PromiseType::kClaim ? 1.0 : promise.share;
  out.signed_off = in.baseline;
  if (!in.not_in_actuals.empty() && promise.type != PromiseType::kClaim) {
    out.status = in.plan ? in.plan->status : PromiseStatus::kKept;
    out.decided = true;
    out.because = in.not_in_actuals + "; the plan's " + StatusName(out.status) + " stands.";
  } else if (promise.type == PromiseType::kClaim) {
    out.status = in.plan ? in.plan->status : PromiseStatus::kKept;
    out.decided = true;
    out.because = in.plan ? in.plan->explanation : "";
  } else if (promise.type == PromiseType::kFreeReturns) {
    AssessFreeReturns(in, &out);
  } else {
    AssessMeasured(in, &out);
  }
  out.drifting = static_cast<int>(out.status) > static_cast<int>(in.baseline);
  return out;
}

// "demand is running at 2.5x baseline against a plan of 1.3x"
std::string DemandEvidence(const DemandFollowUp& demand) {
  if (demand.elapsed_days <= 0 || demand.baseline <= 0) return "";
  return "demand is running at " + FormatMultiple(demand.units / demand.baseline) +
         " baseline against a plan of " + FormatMultiple(demand.expected / demand.baseline);
}

std::string BacklogEvidence(const PromiseResult* forecast) {
  if (forecast == nullptr) return "";
  if (!forecast->detail || forecast->detail->peak_backlog < 0.5) {
    // No queue to name (stock, say): the re-forecast's own sentences are the evidence, less
    // the "Kept in ..." one (the message gives p_kept already).
    std::string evidence;
    size_t position = 0;
    const std::string& text = forecast->explanation;
    while (position < text.size()) {
      size_t end = text.find(". ", position);
      end = end == std::string::npos ? text.size() : end + 1;
      std::string sentence = text.substr(position, end - position);
      position = end + 1;
      while (!sentence.empty() && (sentence.back() == '.' || sentence.back() == ' '))
        sentence.pop_back();
      if (sentence.empty() || sentence.rfind("Kept in ", 0) == 0) continue;
      sentence[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(sentence[0])));
      evidence += (evidence.empty() ? "" : "; ") + sentence;
    }
    return evidence;
  }
  const PromiseDetail& detail = *forecast->detail;
  return "the backlog on " + detail.resource + " reaches " + FormatCount(detail.peak_backlog) +
         " " + detail.unit + " (" + Days(detail.peak_days_of_capacity) + " days of capacity) by " +
         detail.peak_date.ToShortString();
}

// The levers that still help while the campaign runs (the recommend levers that apply
// mid-flight): cap the rest, book extra capacity within the expansion options, change the
// wording for new orders.
std::string Levers(const Context& context, const Inputs& in, bool campaign) {
  std::vector<std::string> levers;
  if (campaign) levers.push_back("cap the rest of the campaign (a limited quantity from now on)");
  std::vector<std::string> resources;
  if (in.forecast) resources = in.forecast->binding;
  const Promise& promise = *in.measured->coverage.promise;
  if (promise.type == PromiseType::kResponse) resources = {promise.resource};
  for (const std::string& id : resources) {
    const Resource* resource = context.scenario.FindResource(id);
    if (resource == nullptr || !resource->expansion) continue;
    const Date from = DateOfWallSeconds(context.as_of) +
                      static_cast<int32_t>(std::ceil(resource->expansion->lead_time.days() - 1e-9));
    levers.push_back("book extra capacity on " + id + " (up to " +
                     FormatCount(resource->expansion->extra_per_hour) + " more per open hour at " +
                     FormatMoney(resource->expansion->cost_per_unit, context.scenario.currency) +
                     " a unit, from " + from.ToShortString() + " with its " +
                     resource->expansion->lead_time.ToString() + " lead time)");
  }
  if (promise.IsTimePromise()) {
    levers.push_back("change the wording for new orders (a longer time than " +
                     promise.within.ToWords() + ")");
  } else if (promise.type == PromiseType::kAvailability) {
    levers.push_back("change the wording for new orders (\"while stock lasts\")");
  } else if (promise.type == PromiseType::kFreeReturns) {
    levers.push_back(
        "restrict free returns for new orders to the offerings and prices where they "
        "still pay");
  }
  std::string out;
  for (size_t i = 0; i < levers.size(); ++i)
    out += (i == 0 ? "" : (i + 1 == levers.size() ? "; or " : "; ")) + levers[i];
  return out;
}

std::string DriftMessage(const Context& context, const Inputs& in, const PromiseFollowUp& promise,
                         const std::string& owner, const std::vector<std::string>& evidence,
                         bool campaign) {
  std::string message = owner + " promise " + std::to_string(promise.index + 1) + " \"" +
                        promise.text + "\" is drifting: " + StatusName(promise.signed_off) +
                        " at sign-off, " + StatusName(promise.status) + " now";
  if (promise.p_kept)
    message += " (kept in " + FormatPercent(*promise.p_kept) + " of re-forecasts)";
  message += ".";
  std::string because;
  for (const std::string& part : evidence) {
    if (part.empty()) continue;
    because += (because.empty() ? "" : "; ") + part;
  }
  if (!because.empty()) {
    because[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(because[0])));
    message += " " + because + ".";
  }
  const std::string levers = Levers(context, in, campaign);
  if (!levers.empty()) message += " What still helps: " + levers + ".";
  return message;
}

const CampaignResult* FindCampaign(const CheckResult* result, const std::string& id) {
  if (result == nullptr) return nullptr;
  for (const CampaignResult& campaign : result->campaigns) {
    if (campaign.id == id) return &campaign;
  }
  return nullptr;
}

PromiseStatus SignedOff(const FollowUpOptions& options, const std::string& campaign, int index,
                        const PromiseResult* plan) {
  for (const SignedOffStatus& status : options.signed_off) {
    if (status.campaign == campaign && status.promise == index) return status.status;
  }
  return plan ? plan->status : PromiseStatus::kKept;
}

}  // namespace
}  // namespace followup

namespace followup {
namespace {

// The scenario for the re-forecast: a campaign's cap less what it has sold by as-of (the
// engine simulates sales from as-of on only).
Scenario WithCapsLeft(const Context& context) {
  Scenario rest = context.scenario;
  for (Campaign& campaign : rest.campaigns) {
    if (campaign.cap.empty()) continue;
    const WallSeconds from = WallSecondsOf(campaign.window.start);
    const WallSeconds to = WallSecondsOf(campaign.window.end + 1);
    std::vector<double> sold(rest.offerings.size(), 0.0);
    for (const OrderRecord& order : context.actuals.orders) {
      if (order.placed >= from && order.placed < to && order.placed <= context.as_of)
        sold[static_cast<size_t>(order.offering)] += order.units;
    }
    double total = 0;
    for (const std::string& id : campaign.offerings)
      total += sold[static_cast<size_t>(rest.OfferingIndex(id))];
    if (campaign.cap.total) campaign.cap.total = std::max(0.0, *campaign.cap.total - total);
    for (auto& [id, units] : campaign.cap.by_offering)
      units = std::max(0.0, units - sold[static_cast<size_t>(rest.OfferingIndex(id))]);
  }
  return rest;
}

struct Run {
  const Scenario& scenario;
  const FollowUpOptions& options;
  const CheckResult& plan;
  const Context& context;
  const CheckResult* forecast;
};

CampaignFollowUp FollowCampaign(const Run& run, size_t k, const DemandFigures& demand,
                                const std::vector<Measured>& measured, FollowUpResult* result) {
  const Campaign& campaign = run.scenario.campaigns[k];
  CampaignFollowUp out;
  out.id = campaign.id;
  out.name = campaign.name.empty() ? campaign.id : campaign.name;
  out.window = campaign.window;
  out.phase = PhaseOf(campaign, run.context.as_of);
  out.demand = demand.figures;
  const CampaignResult* planned = FindCampaign(&run.plan, campaign.id);
  AddBacklog(run.context, static_cast<int>(k), planned, &out.demand);
  const CampaignResult* forecast = FindCampaign(run.forecast, campaign.id);
  for (size_t i = 0; i < campaign.promises.size(); ++i) {
    Inputs in;
    in.measured = &measured[i];
    in.plan = planned && i < planned->promises.size() ? &planned->promises[i] : nullptr;
    in.forecast = forecast && i < forecast->promises.size() ? &forecast->promises[i] : nullptr;
    in.ended = out.phase == CampaignPhase::kEnded;
    if (!run.context.orders_from) {
      in.not_in_actuals = "No order in the actuals";
    } else if (WallSecondsOf(campaign.window.end + 1) <= *run.context.orders_from) {
      in.not_in_actuals = "The actuals begin on " +
                          DateOfWallSeconds(*run.context.orders_from).ToShortString() +
                          ", after this window";
    }
    in.baseline = SignedOff(run.options, campaign.id, static_cast<int>(i), in.plan);
    in.confidence = run.scenario.simulation.confidence;
    in.currency = run.scenario.currency;
    in.scenario = &run.scenario;
    PromiseFollowUp promise = Assess(in, static_cast<int>(i));
    if (promise.drifting) {
      const std::string message =
          DriftMessage(run.context, in, promise, "Campaign " + campaign.id,
                       {DemandEvidence(out.demand), BacklogEvidence(in.forecast)}, true);
      promise.because = message;
      result->alerts.push_back({"promise-drifting", campaign.id, static_cast<int>(i), message});
    }
    out.promises.push_back(std::move(promise));
  }
  static const std::vector<PromiseResult> kNone;
  out.metrics = CampaignMetrics(run.context, static_cast<int>(k), demand, planned, out.promises,
                                planned ? planned->promises : kNone);
  return out;
}

PromiseFollowUp FollowStanding(const Run& run, size_t i, const Measured& measured,
                               const std::vector<CampaignFollowUp>& campaigns,
                               FollowUpResult* result) {
  Inputs in;
  in.measured = &measured;
  in.plan = i < run.plan.messaging.size() ? &run.plan.messaging[i] : nullptr;
  in.forecast =
      run.forecast && i < run.forecast->messaging.size() ? &run.forecast->messaging[i] : nullptr;
  in.ended = run.context.as_of >= run.context.horizon_end;
  in.baseline = SignedOff(run.options, "", static_cast<int>(i), in.plan);
  in.confidence = run.scenario.simulation.confidence;
  in.currency = run.scenario.currency;
  in.scenario = &run.scenario;
  PromiseFollowUp promise = Assess(in, static_cast<int>(i));
  if (promise.drifting) {
    std::vector<std::string> evidence;
    for (const CampaignFollowUp& campaign : campaigns) {
      if (campaign.phase != CampaignPhase::kLive) continue;
      const std::string demand = DemandEvidence(campaign.demand);
      if (!demand.empty()) evidence.push_back("during " + campaign.id + " " + demand);
    }
    evidence.push_back(BacklogEvidence(in.forecast));
    const std::string message = DriftMessage(run.context, in, promise, "Standing", evidence, false);
    promise.because = message;
    result->alerts.push_back({"promise-drifting", "", static_cast<int>(i), message});
  }
  return promise;
}

}  // namespace
}  // namespace followup

Result<FollowUpResult> RunFollowUp(const Scenario& scenario, const Actuals& actuals,
                                   const FollowUpOptions& options) {
  using namespace followup;
  if (options.campaign && scenario.FindCampaign(*options.campaign) == nullptr)
    return Error::InvalidOption("campaign",
                                "no campaign '" + *options.campaign + "' in the scenario");
  const WallSeconds horizon_start = WallSecondsOf(scenario.horizon.start);
  const WallSeconds horizon_end = WallSecondsOf(scenario.horizon.end + 1);
  std::optional<WallSeconds> as_of = options.as_of ? options.as_of : actuals.Latest();
  if (!as_of) {
    return Error::InvalidOption("as_of", "no time in the actuals: give the as-of time");
  }
  if (*as_of < horizon_start) {
    return Error::InvalidInput("as-of " + FormatWallSeconds(*as_of) +
                               " is before the scenario's horizon (" +
                               scenario.horizon.start.ToString() + ")");
  }
  try {
    CheckOptions check;
    check.scenarios = options.scenarios;
    check.seed = options.seed;
    check.threads = options.threads;
    check.progress = options.progress;
    CheckResult own_plan;
    if (options.plan == nullptr) {
      CheckOptions with_series = check;  // the daily backlog band of the binding resource
      with_series.collect_series = true;
      Result<CheckResult> planned = RunCheck(scenario, with_series);
      if (!planned.ok()) return planned.error();
      own_plan = std::move(planned).value();
    }
    const CheckResult& plan = options.plan ? *options.plan : own_plan;
    const PlanDemand plan_demand = ExpectedPlanDemand(scenario);
    Context context{scenario, actuals, plan_demand, *as_of, horizon_start, horizon_end, {}};
    for (const OrderRecord& order : actuals.orders) {
      if (order.placed <= *as_of && (!context.orders_from || order.placed < *context.orders_from))
        context.orders_from = order.placed;
    }
    if (context.orders_from)
      context.orders_from = WallSecondsOf(DateOfWallSeconds(*context.orders_from));

    std::vector<std::vector<Measured>> measured(scenario.campaigns.size());
    std::vector<DemandFigures> demand;
    std::vector<PromiseKey> keys;
    for (size_t k = 0; k < scenario.campaigns.size(); ++k) {
      demand.push_back(CampaignDemand(context, static_cast<int>(k)));
      for (size_t i = 0; i < scenario.campaigns[k].promises.size(); ++i)
        measured[k].push_back(Measure(context, static_cast<int>(k), static_cast<int>(i)));
    }
    std::vector<Measured> standing;
    for (size_t i = 0; i < scenario.messaging.size(); ++i)
      standing.push_back(Measure(context, -1, static_cast<int>(i)));
    for (size_t k = 0; k < measured.size(); ++k) {
      for (size_t i = 0; i < measured[k].size(); ++i)
        keys.push_back({static_cast<int>(k), static_cast<int>(i), &measured[k][i].actuals});
    }
    for (size_t i = 0; i < standing.size(); ++i)
      keys.push_back({-1, static_cast<int>(i), &standing[i].actuals});

    FollowUpResult result;
    result.name = scenario.name;
    result.currency = scenario.currency;
    result.as_of = *as_of;
    result.scenarios = plan.scenarios;
    result.seed = plan.seed;
    result.confidence = scenario.simulation.confidence;
    CheckResult forecast;
    if (*as_of < horizon_end) {
      const StartState state = BuildStartState(context, keys, demand);
      CheckOptions continued = check;
      continued.start = &state;
      const Scenario rest = WithCapsLeft(context);
      Result<CheckResult> simulated = RunCheck(rest, continued);
      if (!simulated.ok()) return simulated.error();
      forecast = std::move(simulated).value();
      result.reforecast = true;
    }
    const Run run{scenario, options, plan, context, result.reforecast ? &forecast : nullptr};
    std::vector<CampaignFollowUp> campaigns;
    for (size_t k = 0; k < scenario.campaigns.size(); ++k)
      campaigns.push_back(FollowCampaign(run, k, demand[k], measured[k], &result));
    for (size_t i = 0; i < standing.size(); ++i)
      result.standing.push_back(FollowStanding(run, i, standing[i], campaigns, &result));
    for (CampaignFollowUp& campaign : campaigns) {
      if (!options.campaign || campaign.id == *options.campaign)
        result.campaigns.push_back(std::move(campaign));
    }
    if (options.campaign) {
      std::erase_if(result.alerts, [&](const Alert& alert) {
        return !alert.campaign.empty() && alert.campaign != *options.campaign;
      });
    }
    return result;
  } catch (const std::bad_alloc&) {
    return Error::Internal("out of memory during the follow-up");
  } catch (const std::exception& error) {
    return Error::Internal(std::string("internal error during the follow-up: ") + error.what());
  }
}

}  // namespace tandem
