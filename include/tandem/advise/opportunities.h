// Opportunities: the channel from operations back to marketing (cli.md, "tandem opportunities").
//
// For each standing or campaign time promise and each capability change (a resource change of
// capacity, calendar or processing time, or a capability declared from a date), whether a
// strictly stronger level of the promise holds from the change on: the advertised and the
// strongest level, the date and the change. And for each campaign, the extra capacity per
// resource it needs to keep its promises (the expand search, whether or not the resource can
// be expanded). Thread safety: as Recommend.
#ifndef TANDEM_ADVISE_OPPORTUNITIES_H_
#define TANDEM_ADVISE_OPPORTUNITIES_H_

#include <optional>
#include <string>
#include <vector>

#include "tandem/advise/recommend.h"

namespace tandem {

struct Opportunity {
  std::string source;  // "messaging[0]" or "campaigns[spring-40].promises[1]"
  PromiseType type = PromiseType::kDelivery;
  std::string advertised;  // the promise as written, in words
  Promise strongest;       // the strongest level that holds from `from`
  std::string strongest_text;
  double p_kept = 0;
  Date from;
  std::string because;  // "sorting: processing_time 60h -> 10h from 2027-06-14"
};

// A promise a requirement's resource held back, before and with the extra capacity.
struct RequirementPromise {
  std::string text;            // "delivered within 48h for 95% of orders"
  double achieved_before = 0;  // median share achieved with the capacity planned
  double achieved_with = 0;    // median share achieved with the extra capacity
  double target = 0;           // the share the promise needs
  bool kept = false;           // kept with the extra capacity
};

struct Requirement {
  std::string campaign;
  std::string resource;
  double extra = 0;  // per open hour
  Date from;
  Date until;
  bool bookable = false;  // within the resource's expansion and lead time
  bool sufficient =
      true;  // false: even a hundred times the capacity leaves the resource holding promises back
  bool keeps_promises =
      true;  // with `extra`, the promises it held back hold; false: they still fail elsewhere
  std::vector<RequirementPromise> promises;  // those the resource held back (when sufficient)
};

struct Opportunities {
  std::vector<Opportunity> opportunities;
  std::vector<Requirement> requirements;
  int checks_run = 0;
};

Result<Opportunities> FindOpportunities(const Scenario& scenario, const RecommendOptions& options);

}  // namespace tandem

#endif  // TANDEM_ADVISE_OPPORTUNITIES_H_
