// The shared model: one company's resources, offerings, demand and campaigns over a horizon.
//
// These are plain value types mirroring scenario format version 1
// (../shared/spec/scenario-format.md). Units are in the names or stated per field. A Scenario
// is produced by io/scenario_reader (from YAML) and checked by model/validate before the
// engine sees it; the engine REQUIRES a scenario for which Validate() returned no problems.
//
// Thread safety: plain values; a const Scenario may be shared by any number of threads.
#ifndef TANDEM_MODEL_SCENARIO_H_
#define TANDEM_MODEL_SCENARIO_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tandem/common/date.h"
#include "tandem/common/duration.h"

namespace tandem {

// Inclusive range of whole days.
struct DateRange {
  Date start;
  Date end;
  bool Contains(Date date) const { return start <= date && date <= end; }
  int32_t days() const { return end - start + 1; }
};

// ---------------------------------------------------------------------------------------------
// Calendars

// Open from `start` to `end` minutes after midnight, [start, end).
struct OpenInterval {
  MinuteOfDay start = 0;
  MinuteOfDay end = 0;
};

struct Calendar {
  std::string id;
  std::array<std::vector<OpenInterval>, 7> open;  // per weekday, Monday = 0; empty = closed
  std::vector<Date> closed;                       // whole days closed

  // Minutes open on `date` between minute_from and minute_to of that day.
  int32_t OpenMinutes(Date date, MinuteOfDay minute_from, MinuteOfDay minute_to) const;
};

// ---------------------------------------------------------------------------------------------
// Resources

enum class ResourceKind { kThroughput, kSpace, kBudget };

// A planned change from `from` on (inclusive); unset fields keep their value.
struct ResourceChange {
  Date from;
  std::optional<double> capacity;
  std::optional<std::string> calendar;  // "" = open around the clock
  std::optional<Duration> processing_time;
  std::optional<double> cost_per_unit;
};

// Extra throughput capacity that can be booked.
struct Expansion {
  double extra_per_hour = 0;  // at most this much more per open hour
  double cost_per_unit = 0;   // money per unit processed on the extra capacity
  Duration lead_time;         // booking must be made this long before its `from`
};

struct Resource {
  std::string id;
  ResourceKind kind = ResourceKind::kThroughput;
  std::string unit = "units";
  // throughput: units started per open hour; space: volume; budget: money.
  double capacity = 0;
  std::string calendar;                 // throughput only; empty = open around the clock
  Duration processing_time;             // throughput only: wall-clock delay after the start
  double cost_per_unit = 0;             // money per unit processed
  std::vector<ResourceChange> changes;  // sorted by `from`
  std::optional<Expansion> expansion;
  std::optional<DateRange> period;  // budget only; default = horizon
};

// ---------------------------------------------------------------------------------------------
// Capabilities: what operations declares it can do, with the honest words for it.

struct Capability {
  std::string id;
  std::string claim;
  std::optional<Date> from;
  std::optional<Date> until;
  bool Covers(DateRange range) const {
    return (!from || *from <= range.start) && (!until || range.end <= *until);
  }
};

// ---------------------------------------------------------------------------------------------
// Offerings

struct RouteStep {
  std::string resource;
  double per_unit = 1;  // capacity units each offering unit uses at this resource
};

// Side work each sold unit causes, not on the delivery path.
struct Load {
  std::string resource;
  double per_unit = 0;
  Duration lag;
};

struct Supply {
  double per_day = 0;  // most units receivable per day
  Duration lead_time;  // order-to-receipt time
  double safety_days = 0;
};

enum class IntradayShape { kFlat, kOffice, kEvening, kWeights };

struct DailyObservation {
  Date date;
  double units = 0;
};

struct Baseline {
  std::optional<double> per_day;                // average units per day
  std::string history_path;                     // as written in the file (relative to it)
  std::vector<DailyObservation> history;        // loaded by the reader, sorted by date
  std::optional<std::array<double, 7>> weekly;  // Mon..Sun multipliers, as written
  IntradayShape intraday = IntradayShape::kFlat;
  std::array<double, 24> intraday_weights{};  // for kWeights, as written
  double noise_cv = 0;                        // 0 = Poisson only
  bool noise_none = false;                    // `noise: none`: demand is its expectation
};

struct Offering {
  std::string id;
  std::string name;
  double price = 0;      // list price per unit
  double unit_cost = 0;  // cost of goods per unit
  double volume = 0;     // space per unit held
  bool stocked = false;
  double stock = 0;   // on hand at horizon start
  std::string space;  // space resource holding the stock; empty = unlimited
  std::optional<Supply> supply;
  double return_rate = 0;
  Duration return_lag = Duration::Days(10);
  std::string returns;  // throughput resource processing returns; empty = none
  std::vector<RouteStep> route;
  Duration transit;
  std::vector<Load> loads;
  Baseline baseline;
};

// ---------------------------------------------------------------------------------------------
// Promises

enum class PromiseType { kDelivery, kProcessing, kResponse, kAvailability, kFreeReturns, kClaim };

const char* PromiseTypeName(PromiseType type);
const char* ResourceKindName(ResourceKind kind);  // "throughput", "space", "budget"

struct Promise {
  PromiseType type = PromiseType::kDelivery;
  Deadline within;                                 // delivery, processing, response
  std::optional<MinuteOfDay> cutoff;               // only orders placed before this time of day
  double share = 0.95;                             // availability defaults to 0.98
  std::string resource;                            // response
  std::vector<std::string> offerings;              // narrows the promise; empty = all it covers
  double return_rate = 0;                          // free_returns
  std::optional<double> cost;                      // free_returns: processing cost per return
  std::string text;                                // claim
  std::vector<std::string> requires_capabilities;  // claim

  bool IsTimePromise() const {
    return type == PromiseType::kDelivery || type == PromiseType::kProcessing ||
           type == PromiseType::kResponse;
  }
  // Measured on the simulated runs (time and availability promises); a claim and a free-returns
  // policy are decided without them.
  bool IsMeasuredOnRuns() const {
    return type != PromiseType::kClaim && type != PromiseType::kFreeReturns;
  }
  // "delivered within 24h for 95% of orders" etc. `unit` names what is counted; money (a free
  // return's cost) is written in `currency` ("$8.00 per return", "8.00 EUR per return").
  std::string Describe(const std::string& unit, const std::string& currency) const;
};

// ---------------------------------------------------------------------------------------------
// Campaigns

struct Lift {
  double expected = 0;
  double low = 0;
  double high = 0;
  bool certain = true;  // written as a number
};

struct Booking {
  std::string resource;
  double extra_per_hour = 0;
  Date from;
  Date until;  // inclusive
};

struct ReadinessTask {
  std::string id;
  Duration duration;
  std::vector<std::string> after;
};

struct Readiness {
  Date start;
  std::vector<ReadinessTask> tasks;
};

struct Cap {
  std::optional<double> total;                              // over all the campaign's offerings
  std::vector<std::pair<std::string, double>> by_offering;  // per offering, file order
  bool empty() const { return !total && by_offering.empty(); }
};

struct Campaign {
  std::string id;
  std::string name;
  DateRange window;
  Date announce;
  std::vector<std::string> offerings;  // resolved: all offerings when the file gives none
  double discount = 0;
  double spend = 0;
  Lift lift;
  std::vector<double> profile;  // weights over the window, as written; empty = flat
  Cap cap;
  std::vector<Booking> bookings;
  std::vector<Promise> promises;
  std::optional<Readiness> readiness;
};

// ---------------------------------------------------------------------------------------------

struct SimulationSettings {
  Duration step = Duration::Hours(1);
  int64_t scenarios = 1000;
  uint64_t seed = 42;
  double confidence = 0.9;
};

struct Scenario {
  int version = 1;
  std::string name;
  std::string currency = "USD";
  DateRange horizon;
  Date today;
  SimulationSettings simulation;
  std::vector<Calendar> calendars;
  std::vector<Resource> resources;
  std::vector<Capability> capabilities;
  std::vector<Offering> offerings;
  std::vector<Promise> messaging;
  std::vector<Campaign> campaigns;

  // Lookups by id; nullptr when absent. Linear: models have tens of entries.
  const Resource* FindResource(const std::string& id) const;
  const Offering* FindOffering(const std::string& id) const;
  const Calendar* FindCalendar(const std::string& id) const;
  const Campaign* FindCampaign(const std::string& id) const;
  const Capability* FindCapability(const std::string& id) const;
  int ResourceIndex(const std::string& id) const;  // -1 when absent
  int OfferingIndex(const std::string& id) const;  // -1 when absent
};

}  // namespace tandem

#endif  // TANDEM_MODEL_SCENARIO_H_
