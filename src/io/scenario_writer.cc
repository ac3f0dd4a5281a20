#include "tandem/io/scenario_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

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

std::string Number(double value) {
  return YamlNumber(value);
}
std::string Quote(const std::string& text) {
  return YamlQuote(text);
}

std::string IdList(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i > 0 ? ", " : "") + ids[i];
  return out + "]";
}

std::string Range(const DateRange& range) {
  return "{start: " + range.start.ToString() + ", end: " + range.end.ToString() + "}";
}

std::string Hours(const OpenInterval& interval) {
  return "\"" + FormatTimeOfDay(interval.start) + "-" + FormatTimeOfDay(interval.end) + "\"";
}

class Writer {
 public:
  std::string Run(const Scenario& scenario);

 private:
  void Line(int indent, const std::string& text) {
    out_ += std::string(static_cast<size_t>(indent), ' ') + text + "\n";
  }
  void WriteHeader(const Scenario& scenario);
  void WriteCalendar(const Calendar& calendar);
  void WriteResource(const Resource& resource);
  void WriteOffering(const Offering& offering);
  void WriteBaseline(const Baseline& baseline);
  void WriteCampaign(const Campaign& campaign);
  void WritePromise(int indent, const Promise& promise);

  std::string out_;
};

void Writer::WritePromise(int indent, const Promise& promise) {
  std::string text = "- {type: " + std::string(PromiseTypeName(promise.type));
  if (promise.IsTimePromise()) {
    if (promise.type == PromiseType::kResponse) text += ", resource: " + promise.resource;
    text += ", within: " + promise.within.ToString();
    if (promise.cutoff) text += ", cutoff: \"" + FormatTimeOfDay(*promise.cutoff) + "\"";
    text += ", share: " + Number(promise.share);
  } else if (promise.type == PromiseType::kAvailability) {
    text += ", share: " + Number(promise.share);
  } else if (promise.type == PromiseType::kFreeReturns) {
    text += ", return_rate: " + Number(promise.return_rate);
    if (promise.cost) text += ", cost: " + Number(*promise.cost);
  } else if (promise.type == PromiseType::kClaim) {
    text +=
        ", text: " + Quote(promise.text) + ", requires: " + IdList(promise.requires_capabilities);
  }
  if (!promise.offerings.empty()) text += ", offerings: " + IdList(promise.offerings);
  Line(indent, text + "}");
}

std::string Writer::Run(const Scenario& scenario) {
  WriteHeader(scenario);
  if (!scenario.calendars.empty()) {
    Line(0, "calendars:");
    for (const Calendar& calendar : scenario.calendars) WriteCalendar(calendar);
  }
  if (!scenario.resources.empty()) {
    Line(0, "resources:");
    for (const Resource& resource : scenario.resources) WriteResource(resource);
  }
  if (!scenario.capabilities.empty()) {
    Line(0, "capabilities:");
    for (const Capability& capability : scenario.capabilities) {
      std::string text = "- {id: " + capability.id + ", claim: " + Quote(capability.claim);
      if (capability.from) text += ", from: " + capability.from->ToString();
      if (capability.until) text += ", until: " + capability.until->ToString();
      Line(2, text + "}");
    }
  }

  Line(0, "offerings:");
  for (const Offering& offering : scenario.offerings) WriteOffering(offering);

  if (!scenario.messaging.empty()) {
    Line(0, "messaging:");
    for (const Promise& promise : scenario.messaging) WritePromise(2, promise);
  }

  if (!scenario.campaigns.empty()) {
    Line(0, "campaigns:");
    for (const Campaign& campaign : scenario.campaigns) WriteCampaign(campaign);
  }
  return out_;
}

// tandem, name, currency, horizon, today, simulation.
void Writer::WriteHeader(const Scenario& scenario) {
  Line(0, "tandem: 1");
  Line(0, "name: " + Quote(scenario.name));
  Line(0, "currency: " + Quote(scenario.currency));
  Line(0, "horizon: " + Range(scenario.horizon));
  Line(0, "today: " + scenario.today.ToString());
  const SimulationSettings& simulation = scenario.simulation;
  Line(0, "simulation: {step: " + simulation.step.ToString() + ", scenarios: " +
              std::to_string(simulation.scenarios) + ", seed: " + std::to_string(simulation.seed) +
              ", confidence: " + Number(simulation.confidence) + "}");
}

void Writer::WriteCalendar(const Calendar& calendar) {
  static constexpr std::array<const char*, 7> kDays = {"mon", "tue", "wed", "thu",
                                                       "fri", "sat", "sun"};
  Line(2, calendar.id + ":");
  std::string open;
  for (size_t day = 0; day < 7; ++day) {
    const std::vector<OpenInterval>& intervals = calendar.open[day];
    if (intervals.empty()) continue;
    open += std::string(open.empty() ? "" : ", ") + kDays[day] + ": ";
    if (intervals.size() == 1) {
      open += Hours(intervals.front());
    } else {
      open += "[";
      for (size_t i = 0; i < intervals.size(); ++i)
        open += (i > 0 ? ", " : "") + Hours(intervals[i]);
      open += "]";
    }
  }
  Line(4, "open: {" + open + "}");
  if (!calendar.closed.empty()) {
    std::string closed;
    for (size_t i = 0; i < calendar.closed.size(); ++i)
      closed += (i > 0 ? ", " : "") + calendar.closed[i].ToString();
    Line(4, "closed: [" + closed + "]");
  }
}

void Writer::WriteResource(const Resource& resource) {
  const char* kind = resource.kind == ResourceKind::kThroughput ? "throughput"
                     : resource.kind == ResourceKind::kSpace    ? "space"
                                                                : "budget";
  Line(2, "- id: " + resource.id);
  Line(4, std::string("kind: ") + kind);
  Line(4, "unit: " + Quote(resource.unit));
  Line(4, "capacity: " + Number(resource.capacity));
  if (resource.kind == ResourceKind::kThroughput) {
    if (!resource.calendar.empty()) Line(4, "calendar: " + resource.calendar);
    if (resource.processing_time.minutes != 0)
      Line(4, "processing_time: " + resource.processing_time.ToString());
    if (resource.cost_per_unit != 0) Line(4, "cost_per_unit: " + Number(resource.cost_per_unit));
    if (!resource.changes.empty()) {
      Line(4, "changes:");
      for (const ResourceChange& change : resource.changes) {
        std::string text = "- {from: " + change.from.ToString();
        if (change.capacity) text += ", capacity: " + Number(*change.capacity);
        if (change.calendar && !change.calendar->empty()) text += ", calendar: " + *change.calendar;
        if (change.processing_time)
          text += ", processing_time: " + change.processing_time->ToString();
        if (change.cost_per_unit) text += ", cost_per_unit: " + Number(*change.cost_per_unit);
        Line(6, text + "}");
      }
    }
    if (resource.expansion) {
      const Expansion& expansion = *resource.expansion;
      Line(4, "expansion: {extra: " + Number(expansion.extra_per_hour) +
                  ", cost_per_unit: " + Number(expansion.cost_per_unit) +
                  ", lead_time: " + expansion.lead_time.ToString() + "}");
    }
  }
  if (resource.period) Line(4, "period: " + Range(*resource.period));
}

void Writer::WriteOffering(const Offering& offering) {
  Line(2, "- id: " + offering.id);
  if (!offering.name.empty()) Line(4, "name: " + Quote(offering.name));
  Line(4, "price: " + Number(offering.price));
  if (offering.unit_cost != 0) Line(4, "unit_cost: " + Number(offering.unit_cost));
  if (offering.volume != 0) Line(4, "volume: " + Number(offering.volume));
  if (offering.stocked) {
    Line(4, "stocked: true");
    Line(4, "stock: " + Number(offering.stock));
  } else {
    Line(4, "stocked: false");
  }
  if (!offering.space.empty()) Line(4, "space: " + offering.space);
  if (offering.supply) {
    Line(4, "supply: {per_day: " + Number(offering.supply->per_day) +
                ", lead_time: " + offering.supply->lead_time.ToString() +
                ", safety_days: " + Number(offering.supply->safety_days) + "}");
  }
  if (offering.return_rate != 0) Line(4, "return_rate: " + Number(offering.return_rate));
  Line(4, "return_lag: " + offering.return_lag.ToString());
  if (!offering.returns.empty()) Line(4, "returns: " + offering.returns);
  if (!offering.route.empty()) {
    std::string route = "[";
    for (size_t i = 0; i < offering.route.size(); ++i) {
      const RouteStep& step = offering.route[i];
      route += i > 0 ? ", " : "";
      route += step.per_unit == 1
                   ? step.resource
                   : "{resource: " + step.resource + ", per_unit: " + Number(step.per_unit) + "}";
    }
    Line(4, "route: " + route + "]");
  }
  if (offering.transit.minutes != 0) Line(4, "transit: " + offering.transit.ToString());
  if (!offering.loads.empty()) {
    Line(4, "loads:");
    for (const Load& load : offering.loads) {
      Line(6, "- {resource: " + load.resource + ", per_unit: " + Number(load.per_unit) +
                  ", lag: " + load.lag.ToString() + "}");
    }
  }
  WriteBaseline(offering.baseline);
}

void Writer::WriteBaseline(const Baseline& baseline) {
  Line(4, "baseline:");
  if (baseline.per_day) Line(6, "per_day: " + Number(*baseline.per_day));
  if (!baseline.history_path.empty()) Line(6, "history: " + Quote(baseline.history_path));
  if (baseline.weekly) {
    std::string weekly = "[";
    for (size_t i = 0; i < 7; ++i) weekly += (i > 0 ? ", " : "") + Number((*baseline.weekly)[i]);
    Line(6, "weekly: " + weekly + "]");
  }
  switch (baseline.intraday) {
    case IntradayShape::kFlat:
      break;
    case IntradayShape::kOffice:
      Line(6, "intraday: office");
      break;
    case IntradayShape::kEvening:
      Line(6, "intraday: evening");
      break;
    case IntradayShape::kWeights: {
      std::string weights = "[";
      for (size_t i = 0; i < 24; ++i)
        weights += (i > 0 ? ", " : "") + Number(baseline.intraday_weights[i]);
      Line(6, "intraday: " + weights + "]");
      break;
    }
  }
  if (baseline.noise_none) {
    Line(6, "noise: none");
  } else if (baseline.noise_cv > 0) {
    Line(6, "noise: {cv: " + Number(baseline.noise_cv) + "}");
  }
}

void Writer::WriteCampaign(const Campaign& campaign) {
  Line(2, "- id: " + campaign.id);
  if (!campaign.name.empty()) Line(4, "name: " + Quote(campaign.name));
  Line(4, "window: " + Range(campaign.window));
  Line(4, "announce: " + campaign.announce.ToString());
  Line(4, "offerings: " + IdList(campaign.offerings));
  if (campaign.discount != 0) Line(4, "discount: " + Number(campaign.discount));
  if (campaign.spend != 0) Line(4, "spend: " + Number(campaign.spend));
  if (campaign.lift.certain) {
    Line(4, "lift: " + Number(campaign.lift.expected));
  } else {
    Line(4, "lift: {expected: " + Number(campaign.lift.expected) + ", low: " +
                Number(campaign.lift.low) + ", high: " + Number(campaign.lift.high) + "}");
  }
  if (!campaign.profile.empty()) {
    std::string profile = "[";
    for (size_t i = 0; i < campaign.profile.size(); ++i)
      profile += (i > 0 ? ", " : "") + Number(campaign.profile[i]);
    Line(4, "profile: " + profile + "]");
  }
  if (!campaign.cap.by_offering.empty()) {
    std::string cap = "{";
    for (size_t i = 0; i < campaign.cap.by_offering.size(); ++i) {
      cap += (i > 0 ? ", " : "") + campaign.cap.by_offering[i].first + ": " +
             Number(campaign.cap.by_offering[i].second);
    }
    Line(4, "cap: " + cap + "}");
  } else if (campaign.cap.total) {
    Line(4, "cap: " + Number(*campaign.cap.total));
  }
  if (!campaign.bookings.empty()) {
    Line(4, "bookings:");
    for (const Booking& booking : campaign.bookings) {
      Line(6, "- {resource: " + booking.resource + ", extra: " + Number(booking.extra_per_hour) +
                  ", from: " + booking.from.ToString() + ", until: " + booking.until.ToString() +
                  "}");
    }
  }
  if (!campaign.promises.empty()) {
    Line(4, "promises:");
    for (const Promise& promise : campaign.promises) WritePromise(6, promise);
  }
  if (campaign.readiness) {
    Line(4, "readiness:");
    Line(6, "start: " + campaign.readiness->start.ToString());
    Line(6, "tasks:");
    for (const ReadinessTask& task : campaign.readiness->tasks) {
      std::string text = "- {id: " + task.id + ", duration: " + task.duration.ToString();
      if (!task.after.empty()) text += ", after: " + IdList(task.after);
      Line(8, text + "}");
    }
  }
}

}  // namespace

std::string WriteScenarioYaml(const Scenario& scenario) {
  return Writer().Run(scenario);
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
