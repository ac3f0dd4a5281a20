// Continuing a check from a state inside the horizon: follow-up's re-forecast of a live
// campaign. What happened before `start_minute` is history, measured by the caller from the
// actuals; the engine simulates only what follows, from the state given here.
//
// What RunCheck does with CheckOptions::start (docs/engine.md, "Continuing from a state"):
//  * Every throughput resource is closed before the start step (the first step boundary at or
//    after start_minute): nothing is processed before it. The work waiting then is `pending`.
//  * No demand is drawn before the start step. On its day the draw is the part of the day's
//    expected demand after it (by the offering's intraday shape), spread over the steps left.
//  * Stocked offerings hold `stock` at the start; the stock plan (receipts) is the scenario's,
//    fixed before launch, and its receipts before the start step are already in `stock`.
//  * A campaign listed in `lift` draws its lift from that belief instead of the scenario's
//    (the stock plan still reads the scenario's lift: it was ordered against the plan).
//  * Promises are measured on the units the simulation decides (the pending units and the
//    demand from the start on) plus the `settled` units the caller measured: a pending unit
//    whose deadline is at or before start_minute is already late and belongs in `settled`, so
//    the engine leaves it out of its own count.
//  * The runs without each campaign are skipped (incremental economics need the whole
//    horizon): a continued check's economics are zero. Order-level mode is not supported.
//
// Offerings, resources and campaigns are indices into the scenario's vectors. Times are
// minutes since 00:00 of horizon.start. Plain values; thread-compatible. The caller owns the
// StartState and keeps it alive for the duration of RunCheck.
#ifndef TANDEM_ENGINE_START_STATE_H_
#define TANDEM_ENGINE_START_STATE_H_

#include <cstdint>
#include <vector>

namespace tandem {

struct StartState {
  // REQUIRES: 0 <= start_minute < minutes in the horizon.
  int64_t start_minute = 0;

  // Orders placed before the start whose route had not finished by then. They queue at the
  // first stage of their offering's route from their placement on (first come, first served,
  // the whole route ahead of them) and count for the promises covering them as orders placed
  // at `placed_minute`. REQUIRES: placed_minute <= start_minute, units > 0.
  struct PendingOrder {
    int offering = 0;
    double placed_minute = 0;
    double units = 0;
  };
  std::vector<PendingOrder> pending_orders;

  // Work arriving at a throughput resource off the routes: tickets opened and not answered,
  // side loads and returns of orders placed before the start that arrive after it. Measured by
  // the response promises on `resource` whose offerings include `offering` (any, when -1) and
  // whose period contains horizon day `day` (the day of the order, or of the ticket).
  struct PendingWork {
    int resource = 0;  // scenario resource index, a throughput resource
    double arrival_minute = 0;
    double units = 0;
    int offering = -1;
    int day = 0;
  };
  std::vector<PendingWork> pending_work;

  // Per offering (scenario order): units in stock at the start. Empty: the scenario's stock.
  std::vector<double> stock;

  // A campaign's lift from the start on: 1 + lift is log-normal with median exp(log_median)
  // and log-scale deviation sigma (sigma 0: certain).
  struct LiftBelief {
    int campaign = 0;
    double log_median = 0;
    double sigma = 0;
  };
  std::vector<LiftBelief> lift;

  // Units whose outcome the caller measured, for a promise (campaign -1: messaging[promise]),
  // by the horizon day of their placement (standing promises count them in that day's week).
  struct Settled {
    int campaign = -1;
    int promise = 0;
    int day = 0;
    double units = 0;
    double kept = 0;
  };
  std::vector<Settled> settled;
};

}  // namespace tandem

#endif  // TANDEM_ENGINE_START_STATE_H_
