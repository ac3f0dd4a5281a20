// Lane vectors: the values of kLanes Monte Carlo scenarios side by side, as one SIMD value
// (GCC/clang vector extension; lowered to SSE2, or AVX when enabled). Private to the engine.
#ifndef TANDEM_SRC_ENGINE_LANES_H_
#define TANDEM_SRC_ENGINE_LANES_H_

#include <cstring>

namespace tandem::engine {

inline constexpr int kLanes = 8;

using LaneVec = double __attribute__((vector_size(kLanes * sizeof(double))));

inline LaneVec LoadLanes(const double* source) {
  LaneVec value;
  std::memcpy(&value, source, sizeof(value));
  return value;
}
inline void StoreLanes(double* target, LaneVec value) {
  std::memcpy(target, &value, sizeof(value));
}
inline void AddLanes(double* target, LaneVec value) {
  StoreLanes(target, LoadLanes(target) + value);
}
inline void ZeroLanes(double* target) {
  std::memset(target, 0, sizeof(LaneVec));
}
inline LaneVec Splat(double value) {
  return LaneVec{} + value;
}
inline LaneVec MinLanes(LaneVec a, LaneVec b) {
  return a < b ? a : b;
}
inline LaneVec MaxLanes(LaneVec a, LaneVec b) {
  return a > b ? a : b;
}
// True when any lane of `value` is above `threshold`.
inline bool AnyAbove(LaneVec value, double threshold) {
  const auto above = value > threshold;
  long any = 0;
  for (int lane = 0; lane < kLanes; ++lane) any |= above[lane];
  return any != 0;
}

}  // namespace tandem::engine

#endif  // TANDEM_SRC_ENGINE_LANES_H_
