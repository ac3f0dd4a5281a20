// The campaigns of a scenario.
#include <set>
#include <string>
#include <vector>

#include "io/scenario_reader_sections.h"

namespace tandem {

void ScenarioReader::ReadCampaign(const DocNode& node, const std::string& key, Campaign* out,
                                  bool* offerings_given) {
  if (!ExpectMap(node, key,
                 {"id", "name", "window", "announce", "offerings", "discount", "spend", "lift",
                  "profile", "cap", "bookings", "promises", "readiness"})) {
    return;
  }
  if (node["id"]) {
    Id(node["id"], Child(key, "id"), &out->id);
  } else {
    Problem(node, Child(key, "id"), "missing", "every campaign needs an id");
  }
  if (node["name"]) Text(node["name"], Child(key, "name"), &out->name);
  bool window_ok = false;
  if (node["window"]) {
    window_ok = DateRangeMap(node["window"], Child(key, "window"), &out->window);
  } else {
    Problem(node, Child(key, "window"), "missing", "window: {start: YYYY-MM-DD, end: YYYY-MM-DD}");
  }
  out->announce = out->window.start;
  if (node["announce"]) ParseDate(node["announce"], Child(key, "announce"), &out->announce);
  (void)window_ok;
  *offerings_given = static_cast<bool>(node["offerings"]);
  if (node["offerings"]) IdList(node["offerings"], Child(key, "offerings"), &out->offerings);
  if (node["discount"]) ReadDiscount(node["discount"], Child(key, "discount"), out);
  if (node["spend"]) NonNegative(node["spend"], Child(key, "spend"), &out->spend);
  if (node["lift"]) ReadLift(node["lift"], Child(key, "lift"), out);
  if (node["profile"]) ReadProfile(node["profile"], Child(key, "profile"), out);
  if (node["cap"]) ReadCap(node["cap"], Child(key, "cap"), out);
  if (node["bookings"]) {
    ReadList(node["bookings"], Child(key, "bookings"), &out->bookings,
             [&](const DocNode& item, const std::string& item_key, Booking* booking) {
               ReadBooking(item, item_key, booking);
             });
  }
  if (node["promises"]) {
    ReadList(node["promises"], Child(key, "promises"), &out->promises,
             [&](const DocNode& item, const std::string& item_key, Promise* promise) {
               ReadPromise(item, item_key, promise);
             });
  }
  if (node["readiness"]) ReadReadiness(node["readiness"], Child(key, "readiness"), out);
}

void ScenarioReader::ReadDiscount(const DocNode& node, const std::string& key, Campaign* out) {
  double discount = 0;
  if (Number(node, key, &discount)) {
    if (discount < 0 || discount >= 1) {
      Problem(node, key, discount < 0 ? "a negative discount" : "a discount of 100% or more",
              "a share off list price from 0 up to but not including 1, e.g. 0.4 for 40% off");
    } else {
      out->discount = discount;
    }
  }
}

void ScenarioReader::ReadLift(const DocNode& lift, const std::string& lift_key, Campaign* out) {
  Remember(lift_key, lift);
  if (lift.IsScalar()) {
    if (Number(lift, lift_key, &out->lift.expected)) {
      out->lift.low = out->lift.high = out->lift.expected;
      out->lift.certain = true;
    }
  } else if (!lift.IsMap()) {
    Problem(lift, lift_key, std::string("expected a number or a map, found ") + NodeKind(lift),
            "a number such as 0.6, or {expected: 0.6, low: 0.3, high: 1.2}");
  } else if (ExpectMap(lift, lift_key, {"expected", "low", "high"})) {
    bool ok = true;
    for (const char* part : {"expected", "low", "high"}) {
      if (!lift[part]) {
        Problem(lift, Child(lift_key, part), "missing", "{expected: 0.6, low: 0.3, high: 1.2}");
        ok = false;
      }
    }
    if (ok) {
      Number(lift["expected"], Child(lift_key, "expected"), &out->lift.expected);
      Number(lift["low"], Child(lift_key, "low"), &out->lift.low);
      Number(lift["high"], Child(lift_key, "high"), &out->lift.high);
      out->lift.certain = false;
    }
  }
}

void ScenarioReader::ReadProfile(const DocNode& node, const std::string& profile_key,
                                 Campaign* out) {
  Remember(profile_key, node);
  if (!node.IsSequence() || node.size() == 0) {
    Problem(node, profile_key, "expected a list of weights, found " + Shape(node),
            "a non-empty list of weights of 0 or more, e.g. [3, 2, 1.5, 1, 1]");
  } else {
    for (size_t i = 0; i < node.size(); ++i) {
      double weight = 0;
      if (NonNegative(node[i], Index(profile_key, i), &weight)) out->profile.push_back(weight);
    }
  }
}

void ScenarioReader::ReadCap(const DocNode& cap, const std::string& cap_key, Campaign* out) {
  Remember(cap_key, cap);
  if (cap.IsScalar()) {
    double total = 0;
    if (NonNegative(cap, cap_key, &total)) out->cap.total = total;
  } else if (cap.IsMap()) {
    std::set<std::string> seen;
    for (const auto& [offering_node, value] : cap.Entries()) {
      std::string offering;
      const std::string item_key =
          cap_key + "." + (offering_node.IsScalar() ? offering_node.Scalar() : "?");
      if (!Id(offering_node, item_key, &offering)) continue;
      if (!seen.insert(offering).second) {
        Problem(offering_node, item_key,
                "duplicate key: '" + offering + "' is given twice in this map",
                "one cap per offering");
        continue;
      }
      double units = 0;
      if (NonNegative(value, item_key, &units)) out->cap.by_offering.emplace_back(offering, units);
    }
  } else {
    Problem(cap, cap_key, std::string("expected a number or a map, found ") + NodeKind(cap),
            "a number of units, or a map {offering: units}");
  }
}

void ScenarioReader::ReadBooking(const DocNode& item, const std::string& item_key,
                                 Booking* booking) {
  if (!ExpectMap(item, item_key, {"resource", "extra", "from", "until"})) return;
  for (const char* part : {"resource", "extra", "from", "until"}) {
    if (!item[part]) {
      Problem(item, Child(item_key, part), "missing",
              "{resource: id, extra: units per open hour, from: date, until: date}");
    }
  }
  if (item["resource"]) Id(item["resource"], Child(item_key, "resource"), &booking->resource);
  if (item["extra"]) NonNegative(item["extra"], Child(item_key, "extra"), &booking->extra_per_hour);
  if (item["from"]) ParseDate(item["from"], Child(item_key, "from"), &booking->from);
  if (item["until"]) ParseDate(item["until"], Child(item_key, "until"), &booking->until);
}

void ScenarioReader::ReadReadiness(const DocNode& readiness, const std::string& readiness_key,
                                   Campaign* out) {
  if (ExpectMap(readiness, readiness_key, {"start", "tasks"})) {
    Readiness value;
    if (readiness["start"]) {
      ParseDate(readiness["start"], Child(readiness_key, "start"), &value.start);
    } else {
      Problem(readiness, Child(readiness_key, "start"), "missing", "the date the work starts");
    }
    if (readiness["tasks"]) {
      ReadList(readiness["tasks"], Child(readiness_key, "tasks"), &value.tasks,
               [&](const DocNode& item, const std::string& item_key, ReadinessTask* task) {
                 if (!ExpectMap(item, item_key, {"id", "duration", "after"})) return;
                 if (item["id"]) {
                   Id(item["id"], Child(item_key, "id"), &task->id);
                 } else {
                   Problem(item, Child(item_key, "id"), "missing", "every task needs an id");
                 }
                 if (item["duration"]) {
                   ParseDuration(item["duration"], Child(item_key, "duration"), &task->duration);
                 } else {
                   Problem(item, Child(item_key, "duration"), "missing", "e.g. 8w, 10d");
                 }
                 if (item["after"]) IdList(item["after"], Child(item_key, "after"), &task->after);
               });
    }
    out->readiness = value;
  }
}

}  // namespace tandem
