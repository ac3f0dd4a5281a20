// The operations sections of a scenario: simulation, calendars, resources, capabilities.
#include <array>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "io/scenario_reader_sections.h"
#include "tandem/model/validate.h"

namespace tandem {
namespace {

// Day keys: mon..sun, ranges like mon-fri (wrapping allowed: fri-mon), and daily.
std::optional<std::vector<int>> ParseDayKey(const std::string& text) {
  static const std::vector<std::string> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  auto day_index = [&](const std::string& name) -> int {
    for (size_t i = 0; i < kDays.size(); ++i) {
      if (kDays[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  if (text == "daily") return std::vector<int>{0, 1, 2, 3, 4, 5, 6};
  const size_t dash = text.find('-');
  if (dash == std::string::npos) {
    const int day = day_index(text);
    if (day < 0) return std::nullopt;
    return std::vector<int>{day};
  }
  const int first = day_index(text.substr(0, dash));
  const int last = day_index(text.substr(dash + 1));
  if (first < 0 || last < 0) return std::nullopt;
  std::vector<int> days;
  for (int day = first;; day = (day + 1) % 7) {
    days.push_back(day);
    if (day == last) break;
  }
  return days;
}

}  // namespace

void ScenarioReader::ReadSimulation(const DocNode& node, SimulationSettings* out) {
  const std::string key = "simulation";
  if (!ExpectMap(node, key, {"step", "scenarios", "seed", "confidence"})) return;
  if (node["step"]) ParseDuration(node["step"], Child(key, "step"), &out->step);
  if (node["scenarios"]) {
    Integer(node["scenarios"], Child(key, "scenarios"), 1, kMaxScenarios, &out->scenarios);
  }
  if (node["seed"]) {
    int64_t seed = 0;
    if (Integer(node["seed"], Child(key, "seed"), 0, INT64_MAX, &seed)) {
      out->seed = static_cast<uint64_t>(seed);
    }
  }
  if (node["confidence"]) {
    double confidence = 0;
    if (Share(node["confidence"], Child(key, "confidence"), &confidence)) {
      if (confidence <= 0) {
        Problem(node["confidence"], Child(key, "confidence"), "must be above 0",
                "a share in (0, 1], e.g. 0.9");
      } else {
        out->confidence = confidence;
      }
    }
  }
}

void ScenarioReader::ReadCalendars(const DocNode& node, std::vector<Calendar>* out) {
  const std::string key = "calendars";
  Remember(key, node);
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    Problem(node, key, std::string("expected a map of calendar ids, found ") + NodeKind(node),
            "calendars: {warehouse: {open: {...}}}");
    return;
  }
  std::set<std::string> seen;
  for (const auto& [id_node, body] : node.Entries()) {
    Calendar calendar;
    const std::string id_key = key + "." + (id_node.IsScalar() ? id_node.Scalar() : "?");
    if (!Id(id_node, id_key, &calendar.id)) continue;
    if (!seen.insert(calendar.id).second) {
      Problem(id_node, id_key, "duplicate calendar id '" + calendar.id + "'",
              "each calendar id once");
      continue;
    }
    if (!ExpectMap(body, id_key, {"open", "closed"}, "a calendar")) continue;
    if (body["open"]) {
      ReadOpen(body["open"], Child(id_key, "open"), &calendar);
    } else {
      Problem(body, Child(id_key, "open"), "missing", "open: {mon-fri: \"09:00-17:00\"}");
    }
    if (body["closed"]) ReadClosedDays(body["closed"], Child(id_key, "closed"), &calendar);
    out->push_back(std::move(calendar));
  }
}

void ScenarioReader::ReadClosedDays(const DocNode& node, const std::string& key, Calendar* out) {
  Remember(key, node);
  if (!node.IsSequence()) {
    Problem(node, key, std::string("expected a list of dates, found ") + NodeKind(node),
            "a list of whole days closed, e.g. [2027-05-31, 2027-12-25]");
    return;
  }
  for (size_t i = 0; i < node.size(); ++i) {
    Date date;
    if (ParseDate(node[i], Index(key, i), &date)) out->closed.push_back(date);
  }
}

void ScenarioReader::ReadOpen(const DocNode& node, const std::string& key, Calendar* out) {
  static const char* const kDayNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  Remember(key, node);
  if (!node.IsMap()) {
    Problem(node, key, std::string("expected a map of days to hours, found ") + NodeKind(node),
            "e.g. {mon-fri: \"06:00-22:00\", sat: \"08:00-16:00\"}");
    return;
  }
  struct Given {
    MinuteOfDay end;
    std::string text;     // the range as written
    std::string day_key;  // the key that gave it
  };
  std::array<std::map<MinuteOfDay, Given>, 7> by_day;  // start -> range, per weekday
  std::set<std::string> seen;
  for (const auto& [day_node, hours] : node.Entries()) {
    const std::string day_key = day_node.IsScalar() ? day_node.Scalar() : "?";
    const std::string child = key + "." + day_key;
    Remember(child, hours);
    const std::optional<std::vector<int>> days = ParseDayKey(day_key);
    if (!days) {
      Problem(day_node, child, "'" + day_key + "' is not a day key",
              "mon, tue, wed, thu, fri, sat, sun, a range like mon-fri, or daily");
      continue;
    }
    if (!seen.insert(day_key).second) {
      Problem(day_node, child, "duplicate key: '" + day_key + "' is given twice in this map",
              "each day key once; give split hours as a list [\"06:00-12:00\", \"13:00-22:00\"]");
      continue;
    }
    // Hours: "06:00-22:00" or a list of such ranges (a split shift).
    std::vector<DocNode> ranges;
    if (hours.IsSequence()) {
      for (size_t i = 0; i < hours.size(); ++i) ranges.push_back(hours[i]);
    } else {
      ranges.push_back(hours);
    }
    const std::string hours_allowed =
        "\"HH:MM-HH:MM\" with start before end, e.g. \"06:00-22:00\" or \"00:00-24:00\", "
        "or a list of such ranges";
    for (const DocNode& range_node : ranges) {
      std::string text;
      if (!Scalar(range_node, child, &text, "a range of hours", hours_allowed)) continue;
      const size_t dash = text.find('-');
      std::optional<MinuteOfDay> start;
      std::optional<MinuteOfDay> end;
      if (dash != std::string::npos) {
        start = ParseTimeOfDay(text.substr(0, dash), false);
        end = ParseTimeOfDay(text.substr(dash + 1), true);
      }
      if (!start || !end) {
        Problem(range_node, child, "'" + text + "' is not a range of hours", hours_allowed);
        continue;
      }
      if (*end <= *start) {
        Problem(range_node, child,
                "'" + text + "' ends before it starts (ranges cannot cross midnight)",
                "\"HH:MM-HH:MM\" with start before end; split a night shift over two days");
        continue;
      }
      for (int day : *days) {
        std::map<MinuteOfDay, Given>& given = by_day[static_cast<size_t>(day)];
        // The range starting at or before `start`, and the one after it, are the only candidates.
        const Given* clash = nullptr;
        auto next = given.upper_bound(*start);
        if (next != given.end() && next->first < *end) clash = &next->second;
        if (clash == nullptr && next != given.begin()) {
          auto before = std::prev(next);
          if (*start < before->second.end) clash = &before->second;
        }
        if (clash != nullptr) {
          Problem(range_node, child,
                  "hours '" + text + "' on " + kDayNames[day] + " overlap '" + clash->text +
                      "' given by " + clash->day_key,
                  "ranges that do not overlap on any day");
          break;  // once per range
        }
        given.emplace(*start, Given{*end, text, day_key});
      }
    }
  }
  for (size_t day = 0; day < 7; ++day) {
    out->open[day].clear();
    for (const auto& [start, given] : by_day[day]) out->open[day].push_back({start, given.end});
  }
}

void ScenarioReader::ReadResource(const DocNode& node, const std::string& key, Resource* out) {
  if (!ExpectMap(node, key,
                 {"id", "kind", "unit", "capacity", "calendar", "processing_time", "cost_per_unit",
                  "changes", "expansion", "period"})) {
    return;
  }
  if (node["id"]) {
    Id(node["id"], Child(key, "id"), &out->id);
  } else {
    Problem(node, Child(key, "id"), "missing", "every resource needs an id");
  }
  ReadResourceKind(node, key, out);
  if (node["unit"]) Text(node["unit"], Child(key, "unit"), &out->unit);
  if (out->kind == ResourceKind::kBudget && !node["unit"]) out->unit = "money";
  if (node["capacity"]) {
    NonNegative(node["capacity"], Child(key, "capacity"), &out->capacity);
  } else {
    Problem(node, Child(key, "capacity"), "missing",
            "throughput: units per open hour; space: volume; budget: money");
  }
  const bool throughput = out->kind == ResourceKind::kThroughput;
  auto only_throughput = [&](const char* name) {
    if (node[name] && !throughput) {
      Problem(node[name], Child(key, name), "only throughput resources have this key",
              "remove it, or make the resource kind: throughput");
      return false;
    }
    return static_cast<bool>(node[name]);
  };
  if (only_throughput("calendar")) Id(node["calendar"], Child(key, "calendar"), &out->calendar);
  if (only_throughput("processing_time")) {
    ParseDuration(node["processing_time"], Child(key, "processing_time"), &out->processing_time);
  }
  if (only_throughput("cost_per_unit")) {
    NonNegative(node["cost_per_unit"], Child(key, "cost_per_unit"), &out->cost_per_unit);
  }
  if (only_throughput("changes")) {
    ReadList(node["changes"], Child(key, "changes"), &out->changes,
             [&](const DocNode& item, const std::string& item_key, ResourceChange* change) {
               ReadResourceChange(item, item_key, change);
             });
  }
  if (only_throughput("expansion")) ReadExpansion(node["expansion"], Child(key, "expansion"), out);
  if (node["period"]) {
    if (out->kind != ResourceKind::kBudget) {
      Problem(node["period"], Child(key, "period"), "only budget resources have a period",
              "remove it, or make the resource kind: budget");
    } else {
      DateRange period;
      if (DateRangeMap(node["period"], Child(key, "period"), &period)) out->period = period;
    }
  }
}

void ScenarioReader::ReadResourceKind(const DocNode& node, const std::string& key, Resource* out) {
  if (node["kind"]) {
    std::string kind;
    if (Scalar(node["kind"], Child(key, "kind"), &kind, "a resource kind",
               "throughput, space or budget")) {
      if (kind == "throughput") {
        out->kind = ResourceKind::kThroughput;
      } else if (kind == "space") {
        out->kind = ResourceKind::kSpace;
      } else if (kind == "budget") {
        out->kind = ResourceKind::kBudget;
      } else {
        Problem(node["kind"], Child(key, "kind"), "'" + kind + "' is not a resource kind",
                "throughput, space or budget");
      }
    }
  } else {
    Problem(node, Child(key, "kind"), "missing", "throughput, space or budget");
  }
}

void ScenarioReader::ReadResourceChange(const DocNode& item, const std::string& item_key,
                                        ResourceChange* change) {
  if (!ExpectMap(item, item_key,
                 {"from", "capacity", "calendar", "processing_time", "cost_per_unit"})) {
    return;
  }
  if (item["from"]) {
    ParseDate(item["from"], Child(item_key, "from"), &change->from);
  } else {
    Problem(item, Child(item_key, "from"), "missing", "the date the change applies from");
  }
  double value = 0;
  if (item["capacity"] && NonNegative(item["capacity"], Child(item_key, "capacity"), &value)) {
    change->capacity = value;
  }
  if (item["cost_per_unit"] &&
      NonNegative(item["cost_per_unit"], Child(item_key, "cost_per_unit"), &value)) {
    change->cost_per_unit = value;
  }
  Duration duration;
  if (item["processing_time"] &&
      ParseDuration(item["processing_time"], Child(item_key, "processing_time"), &duration)) {
    change->processing_time = duration;
  }
  std::string calendar;
  if (item["calendar"] && Id(item["calendar"], Child(item_key, "calendar"), &calendar)) {
    change->calendar = calendar;
  }
  if (!item["capacity"] && !item["cost_per_unit"] && !item["processing_time"] &&
      !item["calendar"]) {
    Problem(item, item_key, "a change must change something",
            "one or more of capacity, calendar, processing_time, cost_per_unit");
  }
}

void ScenarioReader::ReadExpansion(const DocNode& expansion, const std::string& expansion_key,
                                   Resource* out) {
  if (ExpectMap(expansion, expansion_key, {"extra", "cost_per_unit", "lead_time"})) {
    Expansion value;
    if (expansion["extra"]) {
      NonNegative(expansion["extra"], Child(expansion_key, "extra"), &value.extra_per_hour);
    } else {
      Problem(expansion, Child(expansion_key, "extra"), "missing",
              "the most extra capacity per open hour that can be booked");
    }
    if (expansion["cost_per_unit"]) {
      NonNegative(expansion["cost_per_unit"], Child(expansion_key, "cost_per_unit"),
                  &value.cost_per_unit);
    }
    if (expansion["lead_time"]) {
      ParseDuration(expansion["lead_time"], Child(expansion_key, "lead_time"), &value.lead_time);
    }
    out->expansion = value;
  }
}

void ScenarioReader::ReadCapability(const DocNode& node, const std::string& key, Capability* out) {
  if (!ExpectMap(node, key, {"id", "claim", "from", "until"})) return;
  if (node["id"]) {
    Id(node["id"], Child(key, "id"), &out->id);
  } else {
    Problem(node, Child(key, "id"), "missing", "every capability needs an id");
  }
  if (node["claim"]) {
    Text(node["claim"], Child(key, "claim"), &out->claim);
  } else {
    Problem(node, Child(key, "claim"), "missing", "the honest words for what operations can do");
  }
  Date date;
  if (node["from"] && ParseDate(node["from"], Child(key, "from"), &date)) out->from = date;
  if (node["until"] && ParseDate(node["until"], Child(key, "until"), &date)) out->until = date;
}

}  // namespace tandem
