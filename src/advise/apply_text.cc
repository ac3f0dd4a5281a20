// --apply written as edits to the scenario's own text (issue 13 item 7): the keys a lever sets,
// nothing else.
#include <string>
#include <vector>

#include "tandem/advise/recommend.h"
#include "tandem/io/scenario_writer.h"
#include "tandem/io/yaml_edit.h"

namespace tandem {
namespace {

using Path = std::vector<std::variant<std::string, int>>;

std::string FlowList(const std::vector<std::string>& items, bool quoted) {
  std::string text = "[";
  for (size_t i = 0; i < items.size(); ++i)
    text += (i > 0 ? ", " : "") + (quoted ? YamlQuote(items[i]) : items[i]);
  return text + "]";
}

std::string FlowBooking(const Booking& booking) {
  return "{resource: " + booking.resource + ", extra: " + YamlNumber(booking.extra_per_hour) +
         ", from: " + booking.from.ToString() + ", until: " + booking.until.ToString() + "}";
}

std::string FlowLift(const Lift& lift) {
  if (lift.certain) return YamlNumber(lift.expected);
  return "{expected: " + YamlNumber(lift.expected) + ", low: " + YamlNumber(lift.low) +
         ", high: " + YamlNumber(lift.high) + "}";
}

// The edits for one lever's change, against the campaign before (`before`) and after (`after`).
std::vector<YamlEdit> EditsFor(const LeverChange& change, int campaign, const Campaign& before,
                               const Campaign& after) {
  const Path at = {std::string("campaigns"), campaign};
  auto set = [](Path path, const std::string& key, const std::string& value) {
    return YamlEdit{YamlEdit::Op::kSet, std::move(path), key, value};
  };
  std::vector<YamlEdit> edits;
  Path promise = at;
  if (change.promise) {
    promise.push_back(std::string("promises"));
    promise.push_back(*change.promise);
  }
  if (change.lever == "cap") {
    std::string value;
    if (!change.by_offering.empty()) {
      value = "{";
      for (size_t i = 0; i < change.by_offering.size(); ++i) {
        value += (i > 0 ? ", " : "") + change.by_offering[i].first + ": " +
                 YamlNumber(change.by_offering[i].second);
      }
      value += "}";
    } else {
      value = YamlNumber(change.units.value_or(0));
    }
    edits.push_back(set(at, "cap", value));
  } else if (change.lever == "relax") {
    if (change.within) edits.push_back(set(promise, "within", change.within->ToString()));
    if (change.share) edits.push_back(set(promise, "share", YamlNumber(*change.share)));
    if (change.cutoff)
      edits.push_back(set(promise, "cutoff", YamlQuote(FormatTimeOfDay(*change.cutoff))));
  } else if (change.lever == "reschedule") {
    edits.push_back(set(at, "window",
                        "{start: " + after.window.start.ToString() +
                            ", end: " + after.window.end.ToString() + "}"));
    if (after.announce != before.announce)
      edits.push_back(set(at, "announce", after.announce.ToString()));
    if (after.lift.expected != before.lift.expected)
      edits.push_back(set(at, "lift", FlowLift(after.lift)));
    bool bookings_moved = after.bookings.size() != before.bookings.size();
    for (size_t i = 0; !bookings_moved && i < after.bookings.size(); ++i)
      bookings_moved = after.bookings[i].from != before.bookings[i].from;
    if (bookings_moved) {
      std::vector<std::string> items;
      for (const Booking& booking : after.bookings) items.push_back(FlowBooking(booking));
      edits.push_back(set(at, "bookings", FlowList(items, false)));
    }
  } else if (change.lever == "expand") {
    edits.push_back({YamlEdit::Op::kAppend, at, "bookings",
                     FlowBooking({change.resource, *change.extra, *change.from, *change.until})});
  } else if (change.lever == "restrict") {
    edits.push_back(set(promise, "offerings", FlowList(change.offerings, false)));
  } else if (change.lever == "reword") {
    edits.push_back(set(promise, "text", YamlQuote(change.text)));
    edits.push_back(set(promise, "requires", FlowList(change.requires_capabilities, false)));
  }
  return edits;
}

}  // namespace

Result<std::string> ApplyOptionToText(const std::string& text, const Scenario& scenario,
                                      int campaign, const RecommendOption& option,
                                      const FileLoader& load_file) {
  std::vector<YamlEdit> edits;
  Scenario before = scenario;
  for (const LeverChange& change : option.changes) {
    const Scenario after = ApplyLever(before, campaign, change);
    const size_t k = static_cast<size_t>(campaign);
    for (YamlEdit& edit : EditsFor(change, campaign, before.campaigns[k], after.campaigns[k]))
      edits.push_back(std::move(edit));
    before = after;
  }
  Result<std::string> edited = EditYaml(text, edits);
  if (!edited.ok()) return edited.error();
  // The edited text must read back to the option's scenario: the writer's canonical form of both
  // is compared, so a key these edits missed is caught rather than written.
  Result<Scenario> reread = ParseScenario(edited.value(), "edited scenario", load_file);
  if (!reread.ok())
    return Error::InvalidInput("the edited file does not read back: " + reread.error().ToString());
  if (WriteScenarioYaml(reread.value()) != WriteScenarioYaml(option.applied))
    return Error::InvalidInput("the edited file differs from the option's scenario");
  return edited;
}

}  // namespace tandem
