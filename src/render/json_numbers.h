// Numbers in the JSON renderings: rounded so that output is stable and free of float noise,
// never "-0", null for what is not finite. Private to the render module.
#ifndef TANDEM_SRC_RENDER_JSON_NUMBERS_H_
#define TANDEM_SRC_RENDER_JSON_NUMBERS_H_

#include <cmath>
#include <nlohmann/json.hpp>

namespace tandem {

inline double Round(double value, int decimals) {
  if (!std::isfinite(value)) return value;
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(value * scale) / scale;
  return rounded == 0 ? 0.0 : rounded;  // no "-0"
}

inline nlohmann::ordered_json Number(double value, int decimals) {
  if (!std::isfinite(value)) return nullptr;
  return Round(value, decimals);
}

}  // namespace tandem

#endif  // TANDEM_SRC_RENDER_JSON_NUMBERS_H_
