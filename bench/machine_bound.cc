// The machine's bounds for the fluid hot loop (docs/performance.md, ## Scaling): memory bandwidth
// (a STREAM-like triad, a[i] = b[i] + s c[i], on arrays far larger than the caches) and the
// arithmetic throughput of the engine's lane vectors (src/engine/lanes.h: eight doubles, built
// with the same flags as the engine, so lowered to the same instructions): independent chains of
// a x + b, enough of them to hide the latency. Prints one JSON object.
//
// Usage: tandem_machine_bound [THREADS]   (default: all cores)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "engine/lanes.h"

namespace {

using tandem::engine::kLanes;
using tandem::engine::LaneVec;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Best of `repeats` triads over n doubles per thread; bytes counted as STREAM does (3 x 8 per
// element: two reads, one write; the write-allocate read is not counted).
double TriadGbPerSecond(int threads, size_t n, int repeats) {
  std::vector<std::vector<double>> a(static_cast<size_t>(threads)), b(a.size()), c(a.size());
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      const size_t i = static_cast<size_t>(t);
      a[i].assign(n, 1.0);  // first touch in the thread that uses them
      b[i].assign(n, 2.0);
      c[i].assign(n, 0.5);
    });
  }
  for (std::thread& thread : pool) thread.join();
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    pool.clear();
    const Clock::time_point start = Clock::now();
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        const size_t i = static_cast<size_t>(t);
        double* x = a[i].data();
        const double* y = b[i].data();
        const double* z = c[i].data();
        const double s = 3.0 + r;
        for (size_t k = 0; k < n; ++k) x[k] = y[k] + s * z[k];
      });
    }
    for (std::thread& thread : pool) thread.join();
    best = std::min(best, Seconds(start));
  }
  double check = 0;
  for (const std::vector<double>& x : a) check += x[n / 2];
  if (check == 42) std::puts("");  // keeps the stores alive
  return 24.0 * static_cast<double>(n) * threads / best / 1e9;
}

// Lane-vector a x + b (one multiply and one add per lane) on `Chains` independent chains per
// thread (enough to hide the latency, few enough to stay in registers).
template <int Chains>
double LaneGflops(int threads, long iterations) {
  std::vector<double> sink(static_cast<size_t>(threads), 0.0);
  std::vector<std::thread> pool;
  const Clock::time_point start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      LaneVec x[Chains];
      for (int j = 0; j < Chains; ++j) x[j] = LaneVec{} + (1.0 + 0.001 * j + t);
      const LaneVec a = LaneVec{} + 0.999999;
      const LaneVec b = LaneVec{} + 1e-7;
      for (long i = 0; i < iterations; ++i) {
        for (int j = 0; j < Chains; ++j) x[j] = x[j] * a + b;
      }
      double total = 0;
      for (int j = 0; j < Chains; ++j) {
        for (int lane = 0; lane < kLanes; ++lane) total += x[j][lane];
      }
      sink[static_cast<size_t>(t)] = total;
    });
  }
  for (std::thread& thread : pool) thread.join();
  const double seconds = Seconds(start);
  double check = 0;
  for (double value : sink) check += value;
  if (check == 42) std::puts("");
  return 2.0 * kLanes * Chains * static_cast<double>(iterations) * threads / seconds / 1e9;
}

// The best of a few chain counts.
double BestLaneGflops(int threads) {
  return std::max({LaneGflops<2>(threads, 200'000'000), LaneGflops<3>(threads, 130'000'000),
                   LaneGflops<4>(threads, 100'000'000)});
}

}  // namespace

int main(int argc, char** argv) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = argc > 1 ? std::max(1, std::atoi(argv[1])) : cores;
  const size_t n = size_t{1} << 24;  // 128 MiB per array per thread
  const double triad_one = TriadGbPerSecond(1, n, 5);
  const double triad_all = TriadGbPerSecond(threads, n, 5);
  const double flops_one = BestLaneGflops(1);
  const double flops_all = BestLaneGflops(threads);
  std::printf(
      "{\"threads\": %d, \"triad_gb_s_1\": %.2f, \"triad_gb_s\": %.2f, \"lane_gflops_1\": %.2f, "
      "\"lane_gflops\": %.2f}\n",
      threads, triad_one, triad_all, flops_one, flops_all);
  return 0;
}
