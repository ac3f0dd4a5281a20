#include "tandem/io/scenario_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

#include "io/out_node.h"

namespace tandem {

std::string YamlNumber(double value) {
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

std::string YamlQuote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\x%02x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

namespace {

using Node = OutNode;

Node Number(double value) {
  return Node::Plain(YamlNumber(value));
}
Node Integer(int64_t value) {
  return Node::Plain(std::to_string(value));
}

Node IdList(const std::vector<std::string>& ids) {
  Node list = Node::FlowList();
  for (const std::string& id : ids) list.Push(Node::Plain(id));
  return list;
}

Node Range(const DateRange& range) {
  Node map = Node::FlowMap();
  map.Add("start", Node::Plain(range.start.ToString()));
  map.Add("end", Node::Plain(range.end.ToString()));
  return map;
}

Node Hours(const OpenInterval& interval) {
  return Node::Quoted(FormatTimeOfDay(interval.start) + "-" + FormatTimeOfDay(interval.end));
}

// The scenario as the tree both renderings share (out_node.h): every field once.
class Writer {
 public:
  Node Run(const Scenario& scenario);

 private:
  static void WriteHeader(const Scenario& scenario, Node* root);
  static Node WriteCalendar(const Calendar& calendar);
  static Node WriteResource(const Resource& resource);
  static Node WriteChange(const ResourceChange& change);
  static Node WriteCapability(const Capability& capability);
  static Node WriteOffering(const Offering& offering);
  static Node WriteRoute(const std::vector<RouteStep>& route);
  static Node WriteBaseline(const Baseline& baseline);
  static Node WriteCampaign(const Campaign& campaign);
  static Node WriteReadiness(const Readiness& readiness);
  static Node WritePromise(const Promise& promise);
};

Node Writer::WritePromise(const Promise& promise) {
  Node map = Node::FlowMap();
  map.Add("type", Node::Plain(PromiseTypeName(promise.type)));
  if (promise.IsTimePromise()) {
    if (promise.type == PromiseType::kResponse) map.Add("resource", Node::Plain(promise.resource));
    map.Add("within", Node::Plain(promise.within.ToString()));
    if (promise.cutoff) map.Add("cutoff", Node::Quoted(FormatTimeOfDay(*promise.cutoff)));
    map.Add("share", Number(promise.share));
  } else if (promise.type == PromiseType::kAvailability) {
    map.Add("share", Number(promise.share));
  } else if (promise.type == PromiseType::kFreeReturns) {
    map.Add("return_rate", Number(promise.return_rate));
    if (promise.cost) map.Add("cost", Number(*promise.cost));
  } else if (promise.type == PromiseType::kClaim) {
    map.Add("text", Node::Quoted(promise.text));
    map.Add("requires", IdList(promise.requires_capabilities));
  }
  if (!promise.offerings.empty()) map.Add("offerings", IdList(promise.offerings));
  return map;
}

Node Writer::Run(const Scenario& scenario) {
  Node root = Node::BlockMap();
  WriteHeader(scenario, &root);
  if (!scenario.calendars.empty()) {
    Node calendars = Node::BlockMap();
    for (const Calendar& calendar : scenario.calendars)
      calendars.Add(calendar.id, WriteCalendar(calendar));
    root.Add("calendars", std::move(calendars));
  }
  if (!scenario.resources.empty()) {
    Node resources = Node::BlockList();
    for (const Resource& resource : scenario.resources) resources.Push(WriteResource(resource));
    root.Add("resources", std::move(resources));
  }
  if (!scenario.capabilities.empty()) {
    Node capabilities = Node::BlockList();
    for (const Capability& capability : scenario.capabilities)
      capabilities.Push(WriteCapability(capability));
    root.Add("capabilities", std::move(capabilities));
  }
  Node offerings = Node::BlockList();
  for (const Offering& offering : scenario.offerings) offerings.Push(WriteOffering(offering));
  root.Add("offerings", std::move(offerings));
  if (!scenario.messaging.empty()) {
    Node messaging = Node::BlockList();
    for (const Promise& promise : scenario.messaging) messaging.Push(WritePromise(promise));
    root.Add("messaging", std::move(messaging));
  }
  if (!scenario.campaigns.empty()) {
    Node campaigns = Node::BlockList();
    for (const Campaign& campaign : scenario.campaigns) campaigns.Push(WriteCampaign(campaign));
    root.Add("campaigns", std::move(campaigns));
  }
  return root;
}

// tandem, name, currency, horizon, today, simulation.
void Writer::WriteHeader(const Scenario& scenario, Node* root) {
  root->Add("tandem", Node::Plain("1"));
  root->Add("name", Node::Quoted(scenario.name));
  root->Add("currency", Node::Quoted(scenario.currency));
  root->Add("horizon", Range(scenario.horizon));
  root->Add("today", Node::Plain(scenario.today.ToString()));
  const SimulationSettings& simulation = scenario.simulation;
  Node settings = Node::FlowMap();
  settings.Add("step", Node::Plain(simulation.step.ToString()));
  settings.Add("scenarios", Integer(simulation.scenarios));
  settings.Add("seed", Node::Plain(std::to_string(simulation.seed)));
  settings.Add("confidence", Number(simulation.confidence));
  root->Add("simulation", std::move(settings));
}

Node Writer::WriteCalendar(const Calendar& calendar) {
  static constexpr std::array<const char*, 7> kDays = {"mon", "tue", "wed", "thu",
                                                       "fri", "sat", "sun"};
  Node open = Node::FlowMap();
  for (size_t day = 0; day < 7; ++day) {
    const std::vector<OpenInterval>& intervals = calendar.open[day];
    if (intervals.empty()) continue;
    if (intervals.size() == 1) {
      open.Add(kDays[day], Hours(intervals.front()));
    } else {
      Node list = Node::FlowList();
      for (const OpenInterval& interval : intervals) list.Push(Hours(interval));
      open.Add(kDays[day], std::move(list));
    }
  }
  Node map = Node::BlockMap();
  map.Add("open", std::move(open));
  if (!calendar.closed.empty()) {
    Node closed = Node::FlowList();
    for (const Date& date : calendar.closed) closed.Push(Node::Plain(date.ToString()));
    map.Add("closed", std::move(closed));
  }
  return map;
}

Node Writer::WriteChange(const ResourceChange& change) {
  Node map = Node::FlowMap();
  map.Add("from", Node::Plain(change.from.ToString()));
  if (change.capacity) map.Add("capacity", Number(*change.capacity));
  if (change.calendar && !change.calendar->empty())
    map.Add("calendar", Node::Plain(*change.calendar));
  if (change.processing_time)
    map.Add("processing_time", Node::Plain(change.processing_time->ToString()));
  if (change.cost_per_unit) map.Add("cost_per_unit", Number(*change.cost_per_unit));
  return map;
}

Node Writer::WriteResource(const Resource& resource) {
  const char* kind = resource.kind == ResourceKind::kThroughput ? "throughput"
                     : resource.kind == ResourceKind::kSpace    ? "space"
                                                                : "budget";
  Node map = Node::BlockMap();
  map.Add("id", Node::Plain(resource.id));
  map.Add("kind", Node::Plain(kind));
  map.Add("unit", Node::Quoted(resource.unit));
  map.Add("capacity", Number(resource.capacity));
  if (resource.kind == ResourceKind::kThroughput) {
    if (!resource.calendar.empty()) map.Add("calendar", Node::Plain(resource.calendar));
    if (resource.processing_time.minutes != 0)
      map.Add("processing_time", Node::Plain(resource.processing_time.ToString()));
    if (resource.cost_per_unit != 0) map.Add("cost_per_unit", Number(resource.cost_per_unit));
    if (!resource.changes.empty()) {
      Node changes = Node::BlockList();
      for (const ResourceChange& change : resource.changes) changes.Push(WriteChange(change));
      map.Add("changes", std::move(changes));
    }
    if (resource.expansion) {
      const Expansion& expansion = *resource.expansion;
      Node value = Node::FlowMap();
      value.Add("extra", Number(expansion.extra_per_hour));
      value.Add("cost_per_unit", Number(expansion.cost_per_unit));
      value.Add("lead_time", Node::Plain(expansion.lead_time.ToString()));
      map.Add("expansion", std::move(value));
    }
  }
  if (resource.period) map.Add("period", Range(*resource.period));
  return map;
}

Node Writer::WriteCapability(const Capability& capability) {
  Node map = Node::FlowMap();
  map.Add("id", Node::Plain(capability.id));
  map.Add("claim", Node::Quoted(capability.claim));
  if (capability.from) map.Add("from", Node::Plain(capability.from->ToString()));
  if (capability.until) map.Add("until", Node::Plain(capability.until->ToString()));
  return map;
}

Node Writer::WriteRoute(const std::vector<RouteStep>& route) {
  Node list = Node::FlowList();
  for (const RouteStep& step : route) {
    if (step.per_unit == 1) {
      list.Push(Node::Plain(step.resource));
      continue;
    }
    Node map = Node::FlowMap();
    map.Add("resource", Node::Plain(step.resource));
    map.Add("per_unit", Number(step.per_unit));
    list.Push(std::move(map));
  }
  return list;
}

Node Writer::WriteOffering(const Offering& offering) {
  Node map = Node::BlockMap();
  map.Add("id", Node::Plain(offering.id));
  if (!offering.name.empty()) map.Add("name", Node::Quoted(offering.name));
  map.Add("price", Number(offering.price));
  if (offering.unit_cost != 0) map.Add("unit_cost", Number(offering.unit_cost));
  if (offering.volume != 0) map.Add("volume", Number(offering.volume));
  map.Add("stocked", Node::Plain(offering.stocked ? "true" : "false"));
  if (offering.stocked) map.Add("stock", Number(offering.stock));
  if (!offering.space.empty()) map.Add("space", Node::Plain(offering.space));
  if (offering.supply) {
    Node supply = Node::FlowMap();
    supply.Add("per_day", Number(offering.supply->per_day));
    supply.Add("lead_time", Node::Plain(offering.supply->lead_time.ToString()));
    supply.Add("safety_days", Number(offering.supply->safety_days));
    map.Add("supply", std::move(supply));
  }
  if (offering.return_rate != 0) map.Add("return_rate", Number(offering.return_rate));
  map.Add("return_lag", Node::Plain(offering.return_lag.ToString()));
  if (!offering.returns.empty()) map.Add("returns", Node::Plain(offering.returns));
  if (!offering.route.empty()) map.Add("route", WriteRoute(offering.route));
  if (offering.transit.minutes != 0) map.Add("transit", Node::Plain(offering.transit.ToString()));
  if (!offering.loads.empty()) {
    Node loads = Node::BlockList();
    for (const Load& load : offering.loads) {
      Node item = Node::FlowMap();
      item.Add("resource", Node::Plain(load.resource));
      item.Add("per_unit", Number(load.per_unit));
      item.Add("lag", Node::Plain(load.lag.ToString()));
      loads.Push(std::move(item));
    }
    map.Add("loads", std::move(loads));
  }
  map.Add("baseline", WriteBaseline(offering.baseline));
  return map;
}

Node Writer::WriteBaseline(const Baseline& baseline) {
  Node map = Node::BlockMap();
  if (baseline.per_day) map.Add("per_day", Number(*baseline.per_day));
  if (!baseline.history_path.empty()) map.Add("history", Node::Quoted(baseline.history_path));
  if (baseline.weekly) {
    Node weekly = Node::FlowList();
    for (double multiplier : *baseline.weekly) weekly.Push(Number(multiplier));
    map.Add("weekly", std::move(weekly));
  }
  switch (baseline.intraday) {
    case IntradayShape::kFlat:
      break;
    case IntradayShape::kOffice:
      map.Add("intraday", Node::Plain("office"));
      break;
    case IntradayShape::kEvening:
      map.Add("intraday", Node::Plain("evening"));
      break;
    case IntradayShape::kWeights: {
      Node weights = Node::FlowList();
      for (size_t i = 0; i < 24; ++i) weights.Push(Number(baseline.intraday_weights[i]));
      map.Add("intraday", std::move(weights));
      break;
    }
  }
  if (baseline.noise_none) {
    map.Add("noise", Node::Plain("none"));
  } else if (baseline.noise_cv > 0) {
    Node noise = Node::FlowMap();
    noise.Add("cv", Number(baseline.noise_cv));
    map.Add("noise", std::move(noise));
  }
  return map;
}

Node Writer::WriteReadiness(const Readiness& readiness) {
  Node tasks = Node::BlockList();
  for (const ReadinessTask& task : readiness.tasks) {
    Node item = Node::FlowMap();
    item.Add("id", Node::Plain(task.id));
    item.Add("duration", Node::Plain(task.duration.ToString()));
    if (!task.after.empty()) item.Add("after", IdList(task.after));
    tasks.Push(std::move(item));
  }
  Node map = Node::BlockMap();
  map.Add("start", Node::Plain(readiness.start.ToString()));
  map.Add("tasks", std::move(tasks));
  return map;
}

Node Writer::WriteCampaign(const Campaign& campaign) {
  Node map = Node::BlockMap();
  map.Add("id", Node::Plain(campaign.id));
  if (!campaign.name.empty()) map.Add("name", Node::Quoted(campaign.name));
  map.Add("window", Range(campaign.window));
  map.Add("announce", Node::Plain(campaign.announce.ToString()));
  map.Add("offerings", IdList(campaign.offerings));
  if (campaign.discount != 0) map.Add("discount", Number(campaign.discount));
  if (campaign.spend != 0) map.Add("spend", Number(campaign.spend));
  if (campaign.lift.certain) {
    map.Add("lift", Number(campaign.lift.expected));
  } else {
    Node lift = Node::FlowMap();
    lift.Add("expected", Number(campaign.lift.expected));
    lift.Add("low", Number(campaign.lift.low));
    lift.Add("high", Number(campaign.lift.high));
    map.Add("lift", std::move(lift));
  }
  if (!campaign.profile.empty()) {
    Node profile = Node::FlowList();
    for (double weight : campaign.profile) profile.Push(Number(weight));
    map.Add("profile", std::move(profile));
  }
  if (!campaign.cap.by_offering.empty()) {
    Node cap = Node::FlowMap();
    for (const auto& [offering, units] : campaign.cap.by_offering) cap.Add(offering, Number(units));
    map.Add("cap", std::move(cap));
  } else if (campaign.cap.total) {
    map.Add("cap", Number(*campaign.cap.total));
  }
  if (!campaign.bookings.empty()) {
    Node bookings = Node::BlockList();
    for (const Booking& booking : campaign.bookings) {
      Node item = Node::FlowMap();
      item.Add("resource", Node::Plain(booking.resource));
      item.Add("extra", Number(booking.extra_per_hour));
      item.Add("from", Node::Plain(booking.from.ToString()));
      item.Add("until", Node::Plain(booking.until.ToString()));
      bookings.Push(std::move(item));
    }
    map.Add("bookings", std::move(bookings));
  }
  if (!campaign.promises.empty()) {
    Node promises = Node::BlockList();
    for (const Promise& promise : campaign.promises) promises.Push(WritePromise(promise));
    map.Add("promises", std::move(promises));
  }
  if (campaign.readiness) map.Add("readiness", WriteReadiness(*campaign.readiness));
  return map;
}

}  // namespace

std::string WriteScenarioYaml(const Scenario& scenario) {
  return RenderYaml(Writer().Run(scenario));
}

nlohmann::ordered_json WriteScenarioJson(const Scenario& scenario) {
  return RenderJson(Writer().Run(scenario));
}

Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::filesystem::path target(path);
  const std::filesystem::path folder =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string temporary = (folder / ("." + target.filename().string() + ".XXXXXX")).string();
  const int descriptor = mkstemp(temporary.data());
  if (descriptor < 0)
    return Error::Io(path + ": cannot create a file in " + folder.string() + ": " +
                     std::strerror(errno));
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t count = ::write(descriptor, text.data() + written, text.size() - written);
    if (count < 0) {
      if (errno == EINTR) continue;
      const std::string reason = std::strerror(errno);
      ::close(descriptor);
      std::filesystem::remove(temporary);
      return Error::Io(path + ": cannot write: " + reason);
    }
    written += static_cast<size_t>(count);
  }
  if (::fsync(descriptor) != 0 || ::close(descriptor) != 0) {
    const std::string reason = std::strerror(errno);
    std::filesystem::remove(temporary);
    return Error::Io(path + ": cannot write: " + reason);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::filesystem::remove(temporary);
    return Error::Io(path + ": cannot replace the file: " + reason);
  }
  return OkStatus();
}

}  // namespace tandem
