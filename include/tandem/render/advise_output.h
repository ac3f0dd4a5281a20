// Renderings of recommendations and opportunities: the JSON contract (cli.md) and readable
// reports. Pure functions; thread-safe.
#ifndef TANDEM_RENDER_ADVISE_OUTPUT_H_
#define TANDEM_RENDER_ADVISE_OUTPUT_H_

#include <string>

#include "tandem/advise/opportunities.h"
#include "tandem/advise/recommend.h"

namespace tandem {

std::string RecommendationsToJson(const Recommendations& recommendations,
                                  const std::string& currency);
std::string RecommendationsToText(const Recommendations& recommendations,
                                  const std::string& currency, bool color);
std::string OpportunitiesToJson(const Opportunities& opportunities);
std::string OpportunitiesToText(const Opportunities& opportunities, bool color);

}  // namespace tandem

#endif  // TANDEM_RENDER_ADVISE_OUTPUT_H_
