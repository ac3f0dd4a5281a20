#include "tandem/model/validate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "tandem/common/format.h"

namespace tandem {
namespace {

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out.empty() ? "(none)" : out;
}

class Validator {
 public:
  explicit Validator(const Scenario& scenario) : scenario_(scenario) {
    // Hashed lookups (first declaration wins, as in Scenario::Find*): the checks below stay
    // linear in the size of the file however many ids it declares.
    for (const Resource& resource : scenario.resources) resources_.emplace(resource.id, &resource);
    for (const Offering& offering : scenario.offerings) offerings_.emplace(offering.id, &offering);
    for (const Calendar& calendar : scenario.calendars) calendars_.emplace(calendar.id, &calendar);
  }

  std::vector<Diagnostic> Run();

 private:
  void Problem(std::string key, std::string problem, std::string allowed = "") {
    Diagnostic diagnostic;
    diagnostic.key = std::move(key);
    diagnostic.problem = std::move(problem);
    diagnostic.allowed = std::move(allowed);
    diagnostics_.push_back(std::move(diagnostic));
  }

  static std::string At(const std::string& key, size_t index) {
    return key + "[" + std::to_string(index) + "]";
  }

  std::string ResourceIds(ResourceKind kind) const {
    std::string out;
    size_t count = 0;
    for (const Resource& resource : scenario_.resources) {
      if (resource.kind != kind) continue;
      if (++count > 20) {
        out += ", ...";
        break;
      }
      if (!out.empty()) out += ", ";
      out += resource.id;
    }
    return out.empty() ? "(none declared)" : out;
  }

  const Resource* FindResource(const std::string& id) const {
    auto found = resources_.find(id);
    return found == resources_.end() ? nullptr : found->second;
  }
  const Offering* FindOffering(const std::string& id) const {
    auto found = offerings_.find(id);
    return found == offerings_.end() ? nullptr : found->second;
  }
  const Calendar* FindCalendar(const std::string& id) const {
    auto found = calendars_.find(id);
    return found == calendars_.end() ? nullptr : found->second;
  }

  // Up to 20 ids, for "one of: ..." hints.
  static std::string SomeIds(const std::vector<std::string>& ids) {
    if (ids.size() <= 20) return JoinIds(ids);
    return JoinIds(std::vector<std::string>(ids.begin(), ids.begin() + 20)) + ", ...";
  }

  // A reference to a resource of `kind`; reports unknown ids and wrong kinds.
  bool ResourceOfKind(const std::string& id, ResourceKind kind, const std::string& key) {
    const Resource* resource = FindResource(id);
    const std::string kind_name = ResourceKindName(kind);
    if (resource == nullptr) {
      Problem(key, "no resource '" + id + "'", kind_name + " resources: " + ResourceIds(kind));
      return false;
    }
    if (resource->kind != kind) {
      Problem(key,
              "'" + id + "' is a " + ResourceKindName(resource->kind) + " resource; a " +
                  kind_name + " resource is needed here",
              kind_name + " resources: " + ResourceIds(kind));
      return false;
    }
    return true;
  }

  // Weights must add up to a positive, finite total.
  void WeightSum(double sum, const std::string& key, const char* what) {
    if (!(sum > 0)) {
      Problem(key, std::string("all ") + what + " are 0", "at least one above 0");
    } else if (!std::isfinite(sum)) {
      Problem(key, std::string("the ") + what + " add up to more than a number can hold",
              "weights of ordinary size, e.g. 0.5 to 10");
    }
  }

  bool InHorizon(Date date, const std::string& key) {
    if (!scenario_.horizon.Contains(date)) {
      Problem(key, date.ToString() + " is outside the horizon",
              "a date from " + scenario_.horizon.start.ToString() + " to " +
                  scenario_.horizon.end.ToString());
      return false;
    }
    return true;
  }

  std::string CalendarIds() const {
    std::vector<std::string> ids;
    for (const Calendar& calendar : scenario_.calendars) ids.push_back(calendar.id);
    return SomeIds(ids);
  }

  void CheckSimulation();
  void CheckCalendars();
  void CheckResources();
  void CheckCapabilities();
  void CheckOfferings();
  void CheckPromise(const Promise& promise, const std::string& key,
                    const std::vector<std::string>& scope, const Campaign* campaign);
  void CheckCampaigns();
  void CheckBookingTotals();
  void CheckReadiness(const Readiness& readiness, const std::string& key);

  const Scenario& scenario_;
  std::unordered_map<std::string, const Resource*> resources_;
  std::unordered_map<std::string, const Offering*> offerings_;
  std::unordered_map<std::string, const Calendar*> calendars_;
  std::vector<Diagnostic> diagnostics_;
};

void Validator::CheckSimulation() {
  const SimulationSettings& simulation = scenario_.simulation;
  const int64_t step = simulation.step.minutes;
  const char* steps =
      "5m to 1d and dividing 24h, e.g. 5m, 10m, 15m, 30m, 1h, 2h, 3h, 4h, 6h, 8h, 12h, 1d";
  if (step < 5) {
    Problem("simulation.step", "a step of " + simulation.step.ToString() + " is shorter than 5m",
            steps);
  } else if (step > kMinutesPerDay) {
    Problem("simulation.step", "a step of " + simulation.step.ToString() + " is longer than a day",
            steps);
  } else if (kMinutesPerDay % step != 0) {
    Problem("simulation.step", "a step of " + simulation.step.ToString() + " does not divide a day",
            steps);
  }
  if (scenario_.horizon.end < scenario_.horizon.start) {
    Problem("horizon.end", "the horizon ends before it starts", "end on or after start");
    return;
  }
  if (scenario_.horizon.days() > kMaxHorizonDays) {
    Problem("horizon", "a horizon of " + std::to_string(scenario_.horizon.days()) + " days",
            "at most " + std::to_string(kMaxHorizonDays) + " days");
  } else if (step > 0 &&
             scenario_.horizon.days() * (kMinutesPerDay / std::max<int64_t>(step, 1)) > kMaxSteps) {
    Problem("simulation.step", "the horizon has too many steps at this step size",
            "at most " + std::to_string(kMaxSteps) + " steps; use a longer step");
  }
}

void Validator::CheckCalendars() {
  for (size_t i = 0; i < scenario_.calendars.size(); ++i) {
    const Calendar& calendar = scenario_.calendars[i];
    const std::string key = "calendars." + calendar.id;
    std::set<Date> seen;
    for (size_t j = 0; j < calendar.closed.size(); ++j) {
      if (!seen.insert(calendar.closed[j]).second) {
        Problem(At(key + ".closed", j), calendar.closed[j].ToString() + " is listed twice",
                "each closed day once");
      }
    }
  }
}

void Validator::CheckResources() {
  std::set<std::string> ids;
  for (size_t i = 0; i < scenario_.resources.size(); ++i) {
    const Resource& resource = scenario_.resources[i];
    const std::string key = At("resources", i);
    if (!ids.insert(resource.id).second) {
      Problem(key + ".id", "duplicate resource id '" + resource.id + "'", "ids are unique");
    }
    if (!resource.calendar.empty() && FindCalendar(resource.calendar) == nullptr) {
      Problem(key + ".calendar", "no calendar '" + resource.calendar + "'",
              "a calendar declared under calendars: " + CalendarIds());
    }
    Date previous = Date::FromDays(INT32_MIN);
    for (size_t j = 0; j < resource.changes.size(); ++j) {
      const ResourceChange& change = resource.changes[j];
      const std::string change_key = At(key + ".changes", j);
      if (change.from <= previous) {
        Problem(change_key + ".from", "changes must be in date order, one per date",
                "dates after " + previous.ToString());
      }
      previous = change.from;
      if (change.calendar && !change.calendar->empty() &&
          FindCalendar(*change.calendar) == nullptr) {
        Problem(change_key + ".calendar", "no calendar '" + *change.calendar + "'",
                "a calendar declared under calendars: " + CalendarIds());
      }
    }
    if (resource.period && resource.period->end < resource.period->start) {
      Problem(key + ".period.end", "the period ends before it starts", "end on or after start");
    }
  }
}

void Validator::CheckCapabilities() {
  std::set<std::string> ids;
  for (size_t i = 0; i < scenario_.capabilities.size(); ++i) {
    const Capability& capability = scenario_.capabilities[i];
    const std::string key = At("capabilities", i);
    if (!ids.insert(capability.id).second) {
      Problem(key + ".id", "duplicate capability id '" + capability.id + "'", "ids are unique");
    }
    if (capability.from && capability.until && *capability.until < *capability.from) {
      Problem(key + ".until", "until is before from", "until on or after from");
    }
  }
}

void Validator::CheckOfferings() {
  std::set<std::string> ids;
  if (scenario_.offerings.empty()) {
    Problem("offerings", "no offerings", "at least one offering with a baseline");
  }
  for (size_t i = 0; i < scenario_.offerings.size(); ++i) {
    const Offering& offering = scenario_.offerings[i];
    const std::string key = At("offerings", i);
    if (!ids.insert(offering.id).second) {
      Problem(key + ".id", "duplicate offering id '" + offering.id + "'", "ids are unique");
    }
    if (!offering.space.empty()) {
      ResourceOfKind(offering.space, ResourceKind::kSpace, key + ".space");
      if (!offering.stocked) {
        Problem(key + ".space", "an unstocked offering holds no stock in a space",
                "remove space, or give stock or supply");
      }
    }
    if (offering.supply && offering.supply->safety_days > kMaxHorizonDays) {
      Problem(key + ".supply.safety_days",
              FormatSignificant(offering.supply->safety_days, 10) + " days of safety stock",
              "at most " + std::to_string(kMaxHorizonDays) + " days");
    }
    if (!offering.returns.empty()) {
      ResourceOfKind(offering.returns, ResourceKind::kThroughput, key + ".returns");
    }
    std::set<std::string> on_route;
    for (size_t j = 0; j < offering.route.size(); ++j) {
      const std::string step_key = At(key + ".route", j);
      ResourceOfKind(offering.route[j].resource, ResourceKind::kThroughput, step_key);
      if (!on_route.insert(offering.route[j].resource).second) {
        Problem(step_key, "'" + offering.route[j].resource + "' appears twice on the route",
                "each resource once per route; use per_unit for more work");
      }
    }
    for (size_t j = 0; j < offering.loads.size(); ++j) {
      ResourceOfKind(offering.loads[j].resource, ResourceKind::kThroughput,
                     At(key + ".loads", j) + ".resource");
    }
    const Baseline& baseline = offering.baseline;
    if (baseline.weekly) {
      double sum = 0;
      for (double weight : *baseline.weekly) sum += weight;
      WeightSum(sum, key + ".baseline.weekly", "multipliers");
    }
    if (baseline.intraday == IntradayShape::kWeights) {
      double sum = 0;
      for (double weight : baseline.intraday_weights) sum += weight;
      WeightSum(sum, key + ".baseline.intraday", "weights");
    }
    if (baseline.noise_cv > 10) {
      Problem(key + ".baseline.noise.cv", "a coefficient of variation above 10",
              "a cv from 0 to 10 (0.3 is already very variable day to day)");
    }
    if (!baseline.history_path.empty() && baseline.history.size() < 14) {
      Problem(key + ".baseline.history", "too little history to forecast from",
              "at least 14 days of date,units rows");
    }
  }
}

void Validator::CheckPromise(const Promise& promise, const std::string& key,
                             const std::vector<std::string>& scope, const Campaign* campaign) {
  const std::unordered_set<std::string> in_scope(scope.begin(), scope.end());
  std::vector<std::string> covered;
  for (size_t i = 0; i < promise.offerings.size(); ++i) {
    const std::string& id = promise.offerings[i];
    if (in_scope.count(id) == 0) {
      Problem(
          At(key + ".offerings", i),
          "'" + id + "' is not " + (campaign ? "one of the campaign's offerings" : "an offering"),
          "one of: " + SomeIds(scope));
    } else {
      covered.push_back(id);
    }
  }
  if (promise.offerings.empty()) covered = scope;

  if (promise.IsTimePromise()) {
    if (promise.within.kind != Deadline::Kind::kWithin && promise.within.within.minutes != 0) {
      Problem(key + ".within", "internal: calendar deadline with a duration");
    }
    if (promise.within.kind == Deadline::Kind::kWithin && promise.within.within.minutes <= 0) {
      Problem(key + ".within", "a bound of zero: nothing is ever that fast",
              "a duration above zero, e.g. 24h or 2d");
    }
    if (promise.within.kind == Deadline::Kind::kWithin &&
        promise.within.within > Duration::Days(365)) {
      Problem(key + ".within", "a bound of more than a year", "a duration up to 365d");
    }
  }
  if (promise.type == PromiseType::kResponse) {
    if (!ResourceOfKind(promise.resource, ResourceKind::kThroughput, key + ".resource")) return;
    bool fed = false;
    for (const std::string& id : covered) {
      const Offering* offering = FindOffering(id);
      if (offering == nullptr) continue;
      for (const Load& load : offering->loads) fed = fed || load.resource == promise.resource;
      fed = fed || (offering->returns == promise.resource && offering->return_rate > 0);
    }
    if (!fed) {
      Problem(key + ".resource",
              "'" + promise.resource +
                  "' receives no loads or returns from the offerings this "
                  "promise covers, so there is nothing to respond to",
              "a resource named in the covered offerings' loads or returns");
    }
  }
  if (promise.type == PromiseType::kClaim && promise.requires_capabilities.empty()) {
    Problem(key + ".requires", "a claim that requires nothing is kept whatever operations can do",
            "the ids of the capabilities the claim depends on, e.g. [history-personalisation]");
  }
  if (promise.type == PromiseType::kAvailability) {
    bool any_stocked = false;
    for (const std::string& id : covered) {
      const Offering* offering = FindOffering(id);
      any_stocked = any_stocked || (offering != nullptr && offering->stocked);
    }
    if (!any_stocked) {
      Problem(key,
              "an availability promise on offerings that hold no stock (" + SomeIds(covered) + ")",
              "cover stocked offerings (with stock or supply)");
    }
  }
}

void Validator::CheckReadiness(const Readiness& readiness, const std::string& key) {
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < readiness.tasks.size(); ++i) {
    if (!index.emplace(readiness.tasks[i].id, i).second) {
      Problem(At(key + ".tasks", i) + ".id", "duplicate task id '" + readiness.tasks[i].id + "'",
              "task ids are unique within a campaign");
    }
  }
  bool references_ok = true;
  for (size_t i = 0; i < readiness.tasks.size(); ++i) {
    const ReadinessTask& task = readiness.tasks[i];
    for (size_t j = 0; j < task.after.size(); ++j) {
      if (index.find(task.after[j]) == index.end()) {
        std::vector<std::string> ids;
        for (const ReadinessTask& other : readiness.tasks) ids.push_back(other.id);
        Problem(At(At(key + ".tasks", i) + ".after", j), "no task '" + task.after[j] + "'",
                "one of the campaign's tasks: " + SomeIds(ids));
        references_ok = false;
      }
    }
  }
  if (!references_ok) return;
  // Depth-first search for a cycle, iterative (a long chain of tasks must not exhaust the
  // stack); the cycle is named in order, e.g. "a -> b -> a" (a waits for b, b for a).
  std::vector<int> state(readiness.tasks.size(), 0);  // 0 new, 1 on the path, 2 done
  std::vector<size_t> path;                           // tasks on the current path
  std::vector<size_t> next_edge;                      // per path entry: next `after` to follow
  for (size_t root = 0; root < readiness.tasks.size(); ++root) {
    if (state[root] != 0) continue;
    state[root] = 1;
    path.assign(1, root);
    next_edge.assign(1, 0);
    while (!path.empty()) {
      const size_t node = path.back();
      const std::vector<std::string>& after = readiness.tasks[node].after;
      if (next_edge.back() == after.size()) {
        state[node] = 2;
        path.pop_back();
        next_edge.pop_back();
        continue;
      }
      const size_t next = index[after[next_edge.back()++]];
      if (state[next] == 1) {
        std::string cycle;
        for (auto it = std::find(path.begin(), path.end(), next); it != path.end(); ++it) {
          cycle += readiness.tasks[*it].id + " -> ";
        }
        cycle += readiness.tasks[next].id;
        Problem(At(key + ".tasks", node) + ".after", "the tasks form a cycle: " + cycle,
                "tasks that wait for each other in one direction only");
        return;
      }
      if (state[next] == 0) {
        state[next] = 1;
        path.push_back(next);
        next_edge.push_back(0);
      }
    }
  }
}

void Validator::CheckCampaigns() {
  std::set<std::string> ids;
  std::vector<std::string> all_offerings;
  for (const Offering& offering : scenario_.offerings) all_offerings.push_back(offering.id);
  for (size_t i = 0; i < scenario_.messaging.size(); ++i) {
    CheckPromise(scenario_.messaging[i], At("messaging", i), all_offerings, nullptr);
  }
  for (size_t i = 0; i < scenario_.campaigns.size(); ++i) {
    const Campaign& campaign = scenario_.campaigns[i];
    const std::string key = At("campaigns", i);
    if (!ids.insert(campaign.id).second) {
      Problem(key + ".id", "duplicate campaign id '" + campaign.id + "'", "ids are unique");
    }
    if (campaign.window.end < campaign.window.start) {
      Problem(key + ".window.end", "the window ends before it starts", "end on or after start");
    } else {
      InHorizon(campaign.window.start, key + ".window.start");
      InHorizon(campaign.window.end, key + ".window.end");
    }
    if (!(campaign.window.end < campaign.window.start) && campaign.window.end < campaign.announce) {
      Problem(key + ".announce",
              "announced on " + campaign.announce.ToString() + ", after the window ends (" +
                  campaign.window.end.ToString() + ")",
              "a date on or before " + campaign.window.end.ToString());
    }
    if (campaign.offerings.empty()) {
      Problem(key + ".offerings", "the campaign covers no offering", "one or more offering ids");
    }
    std::vector<std::string> scope;
    std::unordered_set<std::string> in_scope;
    for (size_t j = 0; j < campaign.offerings.size(); ++j) {
      const std::string& id = campaign.offerings[j];
      if (FindOffering(id) == nullptr) {
        Problem(At(key + ".offerings", j), "no offering '" + id + "'",
                "one of: " + SomeIds(all_offerings));
      } else if (!in_scope.insert(id).second) {
        Problem(At(key + ".offerings", j), "'" + id + "' is listed twice", "each offering once");
      } else {
        scope.push_back(id);
      }
    }
    const Lift& lift = campaign.lift;
    if (lift.certain) {
      if (lift.expected < -1)
        Problem(key + ".lift", "a lift below -1 (less than no demand)", "-1 or more");
    } else if (!(lift.low <= lift.expected && lift.expected <= lift.high)) {
      Problem(key + ".lift",
              "expected (" + FormatSignificant(lift.expected, 10) + ") must lie between low (" +
                  FormatSignificant(lift.low, 10) + ") and high (" +
                  FormatSignificant(lift.high, 10) + ")",
              "low <= expected <= high");
    } else if (lift.low <= -1) {
      Problem(key + ".lift.low", "1 + low must be above 0 for the log-normal", "low above -1");
    }
    if (!campaign.profile.empty()) {
      double sum = 0;
      for (double weight : campaign.profile) sum += weight;
      WeightSum(sum, key + ".profile", "weights");
    }
    for (const auto& [offering, units] : campaign.cap.by_offering) {
      if (in_scope.count(offering) == 0) {
        Problem(key + ".cap." + offering,
                "'" + offering + "' is not one of the campaign's offerings",
                "a cap per offering of the campaign: " + SomeIds(scope));
      }
      (void)units;
    }
    for (size_t j = 0; j < campaign.bookings.size(); ++j) {
      const Booking& booking = campaign.bookings[j];
      const std::string booking_key = At(key + ".bookings", j);
      if (!ResourceOfKind(booking.resource, ResourceKind::kThroughput, booking_key + ".resource"))
        continue;
      const Resource* resource = FindResource(booking.resource);
      if (!resource->expansion) {
        Problem(booking_key + ".resource", "'" + booking.resource + "' has no expansion option",
                "book only resources with an expansion: {extra, cost_per_unit, lead_time}");
        continue;
      }
      if (booking.extra_per_hour > resource->expansion->extra_per_hour + 1e-9) {
        Problem(booking_key + ".extra",
                FormatSignificant(booking.extra_per_hour, 10) +
                    " extra per hour is more than the expansion of '" + booking.resource +
                    "' allows",
                "at most " + FormatSignificant(resource->expansion->extra_per_hour, 10) +
                    " per open hour");
      }
      if (booking.until < booking.from) {
        Problem(booking_key + ".until", "until is before from", "until on or after from");
      } else {
        InHorizon(booking.from, booking_key + ".from");
        InHorizon(booking.until, booking_key + ".until");
      }
      const int64_t lead_days =
          (resource->expansion->lead_time.minutes + kMinutesPerDay - 1) / kMinutesPerDay;
      const Date earliest = scenario_.today + static_cast<int32_t>(lead_days);
      if (booking.from < earliest) {
        Problem(booking_key + ".from",
                "booked too late: the lead time of " + resource->expansion->lead_time.ToString() +
                    " from today (" + scenario_.today.ToString() + ") allows " +
                    earliest.ToString() + " at the earliest",
                "from on or after " + earliest.ToString());
      }
    }
    for (size_t j = 0; j < campaign.promises.size(); ++j) {
      CheckPromise(campaign.promises[j], At(key + ".promises", j), scope, &campaign);
    }
    if (campaign.readiness) CheckReadiness(*campaign.readiness, key + ".readiness");
  }
  CheckBookingTotals();
}

// Bookings by all campaigns together must fit within each resource's expansion on every day.
// Reported once per resource, at the booking that starts on the first day over the limit.
void Validator::CheckBookingTotals() {
  struct Event {
    double change = 0;                                // booked extra per hour from this day on
    std::vector<std::pair<size_t, size_t>> starting;  // (campaign, booking) starting this day
  };
  std::map<std::string, std::map<int32_t, Event>> by_resource;
  for (size_t i = 0; i < scenario_.campaigns.size(); ++i) {
    const Campaign& campaign = scenario_.campaigns[i];
    for (size_t j = 0; j < campaign.bookings.size(); ++j) {
      const Booking& booking = campaign.bookings[j];
      const Resource* resource = FindResource(booking.resource);
      // Bookings over the limit on their own are reported by themselves.
      if (resource == nullptr || !resource->expansion || booking.until < booking.from ||
          booking.extra_per_hour > resource->expansion->extra_per_hour + 1e-9) {
        continue;
      }
      std::map<int32_t, Event>& events = by_resource[booking.resource];
      Event& start = events[booking.from.days_since_epoch()];
      start.change += booking.extra_per_hour;
      start.starting.emplace_back(i, j);
      events[booking.until.days_since_epoch() + 1].change -= booking.extra_per_hour;
    }
  }
  for (const auto& [id, events] : by_resource) {
    const Resource* resource = FindResource(id);
    const double limit = resource->expansion->extra_per_hour;
    double booked = 0;
    for (const auto& [day, event] : events) {
      booked += event.change;
      if (booked <= limit + 1e-9 || event.starting.empty()) continue;
      // Which campaigns' bookings are in force that day.
      std::vector<std::string> campaigns;
      for (const Campaign& campaign : scenario_.campaigns) {
        for (const Booking& booking : campaign.bookings) {
          if (booking.resource == id && booking.extra_per_hour <= limit + 1e-9 &&
              booking.from.days_since_epoch() <= day && day <= booking.until.days_since_epoch() &&
              std::find(campaigns.begin(), campaigns.end(), campaign.id) == campaigns.end()) {
            campaigns.push_back(campaign.id);
          }
        }
      }
      const auto [campaign, booking] = event.starting.back();
      Problem(At(At("campaigns", campaign) + ".bookings", booking) + ".extra",
              "bookings on '" + id + "' (campaigns " + SomeIds(campaigns) + ") add up to " +
                  FormatSignificant(booked, 10) + " extra per hour on " +
                  Date::FromDays(day).ToString(),
              "at most the expansion's extra (" + FormatSignificant(limit, 10) +
                  ") across all campaigns at any time");
      break;
    }
  }
}

std::vector<Diagnostic> Validator::Run() {
  CheckSimulation();
  CheckCalendars();
  CheckResources();
  CheckCapabilities();
  CheckOfferings();
  CheckCampaigns();
  return std::move(diagnostics_);
}

}  // namespace

std::vector<Diagnostic> ValidateScenario(const Scenario& scenario) {
  return Validator(scenario).Run();
}

}  // namespace tandem
