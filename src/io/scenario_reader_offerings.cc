// The offerings of a scenario, their baselines, and promises (an offering's or a campaign's).
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/history_csv.h"
#include "io/scenario_reader_sections.h"

namespace tandem {

void ScenarioReader::ReadOffering(const DocNode& node, const std::string& key, Offering* out) {
  if (!ExpectMap(
          node, key,
          {"id", "name", "price", "unit_cost", "volume", "stocked", "stock", "space", "supply",
           "return_rate", "return_lag", "returns", "route", "transit", "loads", "baseline"})) {
    return;
  }
  if (node["id"]) {
    Id(node["id"], Child(key, "id"), &out->id);
  } else {
    Problem(node, Child(key, "id"), "missing", "every offering needs an id");
  }
  if (node["name"]) Text(node["name"], Child(key, "name"), &out->name);
  if (node["price"]) {
    NonNegative(node["price"], Child(key, "price"), &out->price);
  } else {
    Problem(node, Child(key, "price"), "missing", "the list price per unit");
  }
  if (node["unit_cost"]) NonNegative(node["unit_cost"], Child(key, "unit_cost"), &out->unit_cost);
  if (node["volume"]) NonNegative(node["volume"], Child(key, "volume"), &out->volume);
  if (node["stock"]) NonNegative(node["stock"], Child(key, "stock"), &out->stock);
  if (node["space"]) Id(node["space"], Child(key, "space"), &out->space);
  if (node["supply"]) {
    const std::string supply_key = Child(key, "supply");
    if (ExpectMap(node["supply"], supply_key, {"per_day", "lead_time", "safety_days"})) {
      Supply supply;
      if (node["supply"]["per_day"]) {
        NonNegative(node["supply"]["per_day"], Child(supply_key, "per_day"), &supply.per_day);
      } else {
        Problem(node["supply"], Child(supply_key, "per_day"), "missing",
                "the most units receivable per day");
      }
      if (node["supply"]["lead_time"]) {
        ParseDuration(node["supply"]["lead_time"], Child(supply_key, "lead_time"),
                      &supply.lead_time);
      }
      if (node["supply"]["safety_days"]) {
        NonNegative(node["supply"]["safety_days"], Child(supply_key, "safety_days"),
                    &supply.safety_days);
      }
      out->supply = supply;
    }
  }
  out->stocked = node["stock"] || node["supply"];
  if (node["stocked"]) {
    bool stocked = false;
    if (Bool(node["stocked"], Child(key, "stocked"), &stocked)) {
      if (!stocked && (node["stock"] || node["supply"])) {
        Problem(node["stocked"], Child(key, "stocked"),
                "an unstocked offering cannot have stock or supply",
                "remove stock and supply, or set stocked: true");
      }
      out->stocked = stocked;
    }
  }
  if (node["return_rate"]) Share(node["return_rate"], Child(key, "return_rate"), &out->return_rate);
  if (node["return_lag"])
    ParseDuration(node["return_lag"], Child(key, "return_lag"), &out->return_lag);
  if (node["returns"]) Id(node["returns"], Child(key, "returns"), &out->returns);
  if (node["route"]) {
    ReadList(node["route"], Child(key, "route"), &out->route,
             [&](const DocNode& item, const std::string& item_key, RouteStep* step) {
               Remember(item_key, item);
               if (item.IsScalar()) {
                 Id(item, item_key, &step->resource);
                 return;
               }
               if (!ExpectMap(item, item_key, {"resource", "per_unit"})) return;
               if (item["resource"]) {
                 Id(item["resource"], Child(item_key, "resource"), &step->resource);
               } else {
                 Problem(item, Child(item_key, "resource"), "missing", "a throughput resource id");
               }
               if (item["per_unit"]) {
                 double per_unit = 0;
                 if (Number(item["per_unit"], Child(item_key, "per_unit"), &per_unit)) {
                   if (per_unit <= 0) {
                     Problem(item["per_unit"], Child(item_key, "per_unit"), "must be above 0",
                             "capacity units each offering unit uses, e.g. 2");
                   } else {
                     step->per_unit = per_unit;
                   }
                 }
               }
             });
  }
  if (node["transit"]) ParseDuration(node["transit"], Child(key, "transit"), &out->transit);
  if (node["loads"]) {
    ReadList(node["loads"], Child(key, "loads"), &out->loads,
             [&](const DocNode& item, const std::string& item_key, Load* load) {
               if (!ExpectMap(item, item_key, {"resource", "per_unit", "lag"})) return;
               if (item["resource"]) {
                 Id(item["resource"], Child(item_key, "resource"), &load->resource);
               } else {
                 Problem(item, Child(item_key, "resource"), "missing", "a throughput resource id");
               }
               if (item["per_unit"]) {
                 NonNegative(item["per_unit"], Child(item_key, "per_unit"), &load->per_unit);
               } else {
                 Problem(item, Child(item_key, "per_unit"), "missing",
                         "units of side work per unit sold, e.g. 0.1");
               }
               if (item["lag"]) ParseDuration(item["lag"], Child(item_key, "lag"), &load->lag);
             });
  }
  if (node["baseline"]) {
    ReadBaseline(node["baseline"], Child(key, "baseline"), &out->baseline);
  } else {
    Problem(node, Child(key, "baseline"), "missing",
            "baseline: {per_day: N} or {history: file.csv}");
  }
}

void ScenarioReader::ReadBaseline(const DocNode& node, const std::string& key, Baseline* out) {
  if (!ExpectMap(node, key, {"per_day", "history", "weekly", "intraday", "noise"})) return;
  if (node["per_day"]) {
    double per_day = 0;
    if (NonNegative(node["per_day"], Child(key, "per_day"), &per_day)) out->per_day = per_day;
  }
  if (node["history"]) {
    const std::string history_key = Child(key, "history");
    if (Text(node["history"], history_key, &out->history_path)) {
      Result<std::string> text = load_file_(out->history_path);
      if (!text.ok()) {
        Problem(node["history"], history_key,
                "cannot read '" + out->history_path + "': " + text.error().ToString(),
                "a CSV file of date,units, relative to the scenario file");
      } else {
        std::vector<HistoryProblem> problems;
        out->history = ParseHistoryCsv(text.value(), &problems);
        for (const HistoryProblem& problem : problems) {
          Diagnostic diagnostic;
          diagnostic.file = HistoryDisplayName(out->history_path);
          diagnostic.line = problem.line;
          diagnostic.key = history_key;
          diagnostic.problem = problem.problem;
          diagnostic.allowed = problem.allowed;
          AddDiagnostic(std::move(diagnostic));
        }
      }
    }
  }
  if (node["per_day"] && node["history"]) {
    Problem(node["history"], key, "both per_day and history are given",
            "either per_day or history, not both");
  } else if (!node["per_day"] && !node["history"]) {
    Problem(node, key, "no demand given", "per_day: units per average day, or history: a CSV file");
  }
  if (node["weekly"]) {
    const std::string weekly_key = Child(key, "weekly");
    Remember(weekly_key, node["weekly"]);
    if (!node["weekly"].IsSequence() || node["weekly"].size() != 7) {
      Problem(node["weekly"], weekly_key,
              "expected a list of 7 multipliers, found " + Shape(node["weekly"]),
              "[mon, tue, wed, thu, fri, sat, sun], numbers of 0 or more, not all 0");
    } else {
      std::array<double, 7> weekly{};
      bool ok = true;
      for (size_t i = 0; i < 7; ++i)
        ok = NonNegative(node["weekly"][i], Index(weekly_key, i), &weekly[i]) && ok;
      if (ok) out->weekly = weekly;
    }
  }
  if (node["intraday"]) {
    const std::string intraday_key = Child(key, "intraday");
    const DocNode intraday = node["intraday"];
    Remember(intraday_key, intraday);
    if (intraday.IsScalar()) {
      const std::string& shape = intraday.Scalar();
      if (shape == "flat") {
        out->intraday = IntradayShape::kFlat;
      } else if (shape == "office") {
        out->intraday = IntradayShape::kOffice;
      } else if (shape == "evening") {
        out->intraday = IntradayShape::kEvening;
      } else {
        Problem(intraday, intraday_key, "'" + shape + "' is not an intraday profile",
                "flat, office, evening, or a list of 24 weights");
      }
    } else if (intraday.IsSequence() && intraday.size() == 24) {
      out->intraday = IntradayShape::kWeights;
      for (size_t i = 0; i < 24; ++i) {
        NonNegative(intraday[i], Index(intraday_key, i), &out->intraday_weights[i]);
      }
    } else {
      Problem(intraday, intraday_key, "expected an intraday profile, found " + Shape(intraday),
              "flat, office, evening, or a list of 24 weights");
    }
  }
  if (node["noise"]) {
    const std::string noise_key = Child(key, "noise");
    const DocNode noise = node["noise"];
    Remember(noise_key, noise);
    if (noise.IsScalar() && noise.Scalar() == "poisson") {
      out->noise_cv = 0;
    } else if (noise.IsScalar() && noise.Scalar() == "none") {
      out->noise_none = true;
    } else if (noise.IsMap()) {
      if (ExpectMap(noise, noise_key, {"cv"})) {
        if (noise["cv"]) {
          NonNegative(noise["cv"], Child(noise_key, "cv"), &out->noise_cv);
        } else {
          Problem(noise, Child(noise_key, "cv"), "missing", "{cv: 0.3}");
        }
      }
    } else {
      Problem(noise, noise_key, "not a noise model",
              "poisson, none, or {cv: c} with c of 0 or more");
    }
  }
}

std::string ScenarioReader::HistoryDisplayName(const std::string& relative) const {
  const std::filesystem::path folder = std::filesystem::path(file()).parent_path();
  return folder.empty() ? relative : (folder / relative).lexically_normal().string();
}

void ScenarioReader::ReadPromise(const DocNode& node, const std::string& key, Promise* out) {
  Remember(key, node);
  if (!node.IsMap()) {
    Problem(node, key, std::string("expected a promise (a map), found ") + NodeKind(node),
            "a map such as {type: delivery, within: 24h, share: 0.95}");
    return;
  }
  std::string type;
  if (!node["type"]) {
    Problem(node, Child(key, "type"), "missing",
            "delivery, processing, response, availability, free_returns or claim");
    return;
  }
  if (!Scalar(node["type"], Child(key, "type"), &type, "a promise type",
              "delivery, processing, response, availability, free_returns or claim")) {
    return;
  }
  if (type == "delivery" || type == "processing") {
    out->type = type == "delivery" ? PromiseType::kDelivery : PromiseType::kProcessing;
    ExpectMap(node, key, {"type", "within", "cutoff", "share", "offerings"},
              "a " + type + " promise");
  } else if (type == "response") {
    out->type = PromiseType::kResponse;
    ExpectMap(node, key, {"type", "resource", "within", "cutoff", "share", "offerings"},
              "a response promise");
  } else if (type == "availability") {
    out->type = PromiseType::kAvailability;
    out->share = 0.98;
    ExpectMap(node, key, {"type", "share", "offerings"}, "an availability promise");
  } else if (type == "free_returns") {
    out->type = PromiseType::kFreeReturns;
    ExpectMap(node, key, {"type", "return_rate", "cost", "offerings"}, "a free_returns promise");
  } else if (type == "claim") {
    out->type = PromiseType::kClaim;
    ExpectMap(node, key, {"type", "text", "requires", "offerings"}, "a claim promise");
  } else {
    Problem(node["type"], Child(key, "type"), "'" + type + "' is not a promise type",
            "delivery, processing, response, availability, free_returns or claim");
    return;
  }
  if (out->IsTimePromise()) {
    if (node["within"]) {
      std::string text;
      if (Scalar(node["within"], Child(key, "within"), &text, "a deadline",
                 "a duration such as 15m, 24h, 2d, or same_day, next_day")) {
        const std::optional<Deadline> deadline = Deadline::Parse(text);
        if (!deadline) {
          Problem(node["within"], Child(key, "within"), "'" + text + "' is not a deadline",
                  "a duration such as 15m, 24h, 2d, or same_day, next_day");
        } else {
          out->within = *deadline;
        }
      }
    } else {
      Problem(node, Child(key, "within"), "missing",
              "a duration such as 24h, or same_day, next_day");
    }
    MinuteOfDay cutoff = 0;
    if (node["cutoff"] && ParseTime(node["cutoff"], Child(key, "cutoff"), &cutoff))
      out->cutoff = cutoff;
  }
  if (node["share"]) Share(node["share"], Child(key, "share"), &out->share);
  if (node["resource"]) {
    Id(node["resource"], Child(key, "resource"), &out->resource);
  } else if (out->type == PromiseType::kResponse) {
    Problem(node, Child(key, "resource"), "missing", "the throughput resource that responds");
  }
  if (node["offerings"]) IdList(node["offerings"], Child(key, "offerings"), &out->offerings);
  if (out->type == PromiseType::kFreeReturns) {
    if (node["return_rate"]) {
      Share(node["return_rate"], Child(key, "return_rate"), &out->return_rate);
    } else {
      Problem(node, Child(key, "return_rate"), "missing",
              "the share of units expected back under free returns, e.g. 0.2");
    }
    double cost = 0;
    if (node["cost"] && NonNegative(node["cost"], Child(key, "cost"), &cost)) out->cost = cost;
  }
  if (out->type == PromiseType::kClaim) {
    if (node["text"]) {
      Text(node["text"], Child(key, "text"), &out->text);
    } else {
      Problem(node, Child(key, "text"), "missing", "the claim as the copy words it");
    }
    if (node["requires"]) {
      IdList(node["requires"], Child(key, "requires"), &out->requires_capabilities);
    } else {
      Problem(node, Child(key, "requires"), "missing", "the capability ids the claim needs");
    }
  }
}

}  // namespace tandem
