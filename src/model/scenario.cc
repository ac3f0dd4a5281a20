#include "tandem/model/scenario.h"

#include "tandem/common/format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tandem {
namespace {

std::string Percent(double share) {
  char buffer[32];
  const double percent = share * 100.0;
  if (std::fabs(percent - std::round(percent)) < 1e-9) {
    std::snprintf(buffer, sizeof(buffer), "%.0f%%", percent);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.1f%%", percent);
  }
  return buffer;
}

template <typename T>
const T* FindById(const std::vector<T>& items, const std::string& id) {
  for (const T& item : items) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

template <typename T>
int IndexById(const std::vector<T>& items, const std::string& id) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

int32_t Calendar::OpenMinutes(Date date, MinuteOfDay minute_from, MinuteOfDay minute_to) const {
  if (std::find(closed.begin(), closed.end(), date) != closed.end()) return 0;
  int32_t total = 0;
  for (const OpenInterval& interval : open[static_cast<size_t>(date.weekday())]) {
    const MinuteOfDay from = std::max(interval.start, minute_from);
    const MinuteOfDay to = std::min(interval.end, minute_to);
    if (to > from) total += to - from;
  }
  return total;
}

const char* ResourceKindName(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kThroughput:
      return "throughput";
    case ResourceKind::kSpace:
      return "space";
    case ResourceKind::kBudget:
      return "budget";
  }
  return "?";
}

const char* PromiseTypeName(PromiseType type) {
  switch (type) {
    case PromiseType::kDelivery:
      return "delivery";
    case PromiseType::kProcessing:
      return "processing";
    case PromiseType::kResponse:
      return "response";
    case PromiseType::kAvailability:
      return "availability";
    case PromiseType::kFreeReturns:
      return "free_returns";
    case PromiseType::kClaim:
      return "claim";
  }
  return "unknown";
}

std::string Promise::Describe(const std::string& unit, const std::string& currency) const {
  std::string cutoff_words;
  if (cutoff) cutoff_words = " placed before " + FormatTimeOfDay(*cutoff);
  switch (type) {
    case PromiseType::kDelivery:
      return "delivered " + within.ToWords() + " for " + Percent(share) + " of " + unit +
             cutoff_words;
    case PromiseType::kProcessing:
      return "processed " + within.ToWords() + " for " + Percent(share) + " of " + unit +
             cutoff_words;
    case PromiseType::kResponse:
      return resource + " responds " + within.ToWords() + " for " + Percent(share) + " of " + unit +
             cutoff_words;
    case PromiseType::kAvailability:
      return "in stock for " + Percent(share) + " of " + unit;
    case PromiseType::kFreeReturns: {
      std::string out = "free returns (expecting " + Percent(return_rate) + " returned";
      if (cost) out += ", " + FormatMoneyCents(*cost, currency) + " per return";
      return out + ")";
    }
    case PromiseType::kClaim:
      return "\"" + text + "\"";
  }
  return "";
}

const Resource* Scenario::FindResource(const std::string& id) const {
  return FindById(resources, id);
}
const Offering* Scenario::FindOffering(const std::string& id) const {
  return FindById(offerings, id);
}
const Calendar* Scenario::FindCalendar(const std::string& id) const {
  return FindById(calendars, id);
}
const Campaign* Scenario::FindCampaign(const std::string& id) const {
  return FindById(campaigns, id);
}
const Capability* Scenario::FindCapability(const std::string& id) const {
  return FindById(capabilities, id);
}
int Scenario::ResourceIndex(const std::string& id) const {
  return IndexById(resources, id);
}
int Scenario::OfferingIndex(const std::string& id) const {
  return IndexById(offerings, id);
}

}  // namespace tandem
