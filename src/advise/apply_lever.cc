// ApplyLever: a scenario with one counter-proposal's change made to one campaign (what
// `tandem recommend --apply` writes, and what the recommender checks).
#include <algorithm>

#include "tandem/advise/recommend.h"

namespace tandem {

Scenario ApplyLever(const Scenario& scenario, int campaign_index, const LeverChange& change) {
  Scenario out = scenario;
  Campaign& campaign = out.campaigns[static_cast<size_t>(campaign_index)];
  auto promise = [&]() -> Promise& {
    return campaign.promises[static_cast<size_t>(*change.promise)];
  };
  if (change.lever == "cap") {
    campaign.cap = Cap{};
    if (!change.by_offering.empty()) {
      campaign.cap.by_offering = change.by_offering;
    } else if (change.units) {
      campaign.cap.total = *change.units;
    }
  } else if (change.lever == "relax") {
    if (change.within) promise().within = *change.within;
    if (change.share) promise().share = *change.share;
    if (change.cutoff) promise().cutoff = *change.cutoff;
  } else if (change.lever == "reschedule" && change.window) {
    const int32_t shift = change.window->start - campaign.window.start;
    campaign.window = *change.window;
    campaign.announce = std::min(campaign.announce + shift, campaign.window.end);
    if (change.lift && campaign.lift.expected != 0) {
      const double scale = *change.lift / campaign.lift.expected;
      campaign.lift.expected = *change.lift;
      campaign.lift.low *= scale;
      campaign.lift.high *= scale;
    }
    // Bookings move with the window; those that would now break their lead time or leave the
    // horizon are dropped.
    std::vector<Booking> bookings;
    for (Booking booking : campaign.bookings) {
      booking.from = booking.from + shift;
      booking.until = booking.until + shift;
      const Resource* resource = out.FindResource(booking.resource);
      const int64_t lead_days =
          resource && resource->expansion
              ? (resource->expansion->lead_time.minutes + kMinutesPerDay - 1) / kMinutesPerDay
              : 0;
      if (booking.from < out.today + static_cast<int32_t>(lead_days) ||
          !out.horizon.Contains(booking.from) || !out.horizon.Contains(booking.until)) {
        continue;
      }
      bookings.push_back(booking);
    }
    campaign.bookings = bookings;
  } else if (change.lever == "expand") {
    campaign.bookings.push_back({change.resource, *change.extra, *change.from, *change.until});
  } else if (change.lever == "restrict") {
    promise().offerings = change.offerings;
  } else if (change.lever == "reword") {
    promise().text = change.text;
    promise().requires_capabilities = change.requires_capabilities;
  }
  return out;
}

}  // namespace tandem
