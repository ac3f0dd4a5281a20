#!/usr/bin/python3
"""The peer benchmark's scenario (warehouse.yaml) as a fluid model in NumPy, the way a data
scientist would write it: every array is scenarios x steps, vectorised across scenarios; only the
queue recursion loops over time steps.

The model is tandem's fluid mode (docs/engine.md): daily Poisson counts (baseline and campaign
increment drawn separately) spread evenly over the day's 24 hourly steps; pick-pack a fluid FIFO
queue, starts_t = min(backlog + arrivals_t, capacity_t) with 28 per open hour; the start time of a
step's first and last arrivals from the cumulative curves (Newell), linear in between; delivered =
start + 1h processing + 24h transit; the share of campaign-window orders delivered within 48h.

Prints JSON like simpy_orders.py. Usage: numpy_fluid.py [--scenarios N] [--seed S]
"""
import argparse
import json
import time

import numpy as np

DAYS, TAIL_DAYS = 56, 14
WEEKLY = np.array([1, 1, 1, 1, 1.1, 1.3, 0.6])
PER_DAY = 240.0
FIRST, LAST = 21, 34  # campaign days (inclusive)
LIFT = 0.5
CAPACITY = 28.0
PROCESSING_H, TRANSIT_H, WITHIN_H = 1.0, 24.0, 48.0
SHARE = 0.6
PRICE, UNIT_COST, PICK_COST = 9.0, 4.0, 2.5


def capacity_per_step():
    steps = np.arange((DAYS + TAIL_DAYS) * 24)
    weekday, hour = (steps // 24) % 7, steps % 24
    open_ = ((weekday < 5) & (hour >= 6) & (hour < 22)) | ((weekday == 5) & (hour >= 8) & (hour < 16))
    return np.where(open_, CAPACITY, 0.0)


def first_start(cum_starts, capacity, targets):
    """Time at which cumulative starts (scenarios x steps+1) reach each target (scenarios x n),
    while the resource is open: the first step whose end reaches the target, then linear within it
    at the capacity rate (the unit is in the backlog, which drains at the capacity rate)."""
    scenarios, points = cum_starts.shape
    target = targets + 1e-9  # strictly: a unit at a closing boundary waits for the next opening
    # One monotone array for all scenarios (each shifted by its own offset): one searchsorted call.
    offset = (np.arange(scenarios) * (cum_starts[:, -1].max() + 1.0))[:, None]
    flat = (cum_starts[:, 1:] + offset).ravel()
    index = np.searchsorted(flat, (target + offset).ravel()).reshape(target.shape)
    step = index - np.arange(scenarios)[:, None] * (points - 1)
    never = step >= points - 1
    step = np.minimum(step, points - 2)
    begin = np.take_along_axis(cum_starts, step, axis=1)
    rate = capacity[step]
    fraction = np.where(rate > 0, (target - begin) / np.where(rate > 0, rate, 1.0), 0.0)
    return np.where(never, np.inf, step + np.clip(fraction, 0.0, 1.0))


def run(counts, capacity):
    """counts: scenarios x days. Returns the share kept per scenario and the units."""
    scenarios = counts.shape[0]
    steps = capacity.size
    arrivals = np.zeros((scenarios, steps))
    arrivals[:, : DAYS * 24] = np.repeat(counts / 24.0, 24, axis=1)
    # The fluid FIFO queue: the one loop over time, vectorised across scenarios.
    starts = np.empty_like(arrivals)
    backlog = np.zeros(scenarios)
    for t in range(steps):
        waiting = backlog + arrivals[:, t]
        starts[:, t] = np.minimum(waiting, capacity[t])
        backlog = waiting - starts[:, t]
    cum_arrivals = np.concatenate([np.zeros((scenarios, 1)), np.cumsum(arrivals, axis=1)], axis=1)
    cum_starts = np.concatenate([np.zeros((scenarios, 1)), np.cumsum(starts, axis=1)], axis=1)
    # Start times of each window step's first and last arrival.
    window = np.arange(FIRST * 24, (LAST + 1) * 24)
    step_time = window.astype(float)[None, :]
    start_first = np.maximum(first_start(cum_starts, capacity, cum_arrivals[:, window]), step_time)
    start_last = np.maximum(first_start(cum_starts, capacity, cum_arrivals[:, window + 1]), step_time + 1)
    # Arrival at step + u (u in [0, 1]) starts at start_first + u (start_last - start_first); kept
    # while start - arrival <= slack: a linear condition in u.
    slack = WITHIN_H - PROCESSING_H - TRANSIT_H
    wait0 = start_first - step_time
    slope = (start_last - start_first) - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = (slack - wait0) / slope
    kept = np.where(slope > 0, np.clip(crossing, 0, 1),
                    np.where(slope < 0, 1 - np.clip(crossing, 0, 1), (wait0 <= slack).astype(float)))
    weights = arrivals[:, window]
    covered = weights.sum(axis=1)
    share = np.where(covered > 0, (kept * weights).sum(axis=1) / np.maximum(covered, 1e-12), 1.0)
    return share, counts.sum(axis=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    day_mean = PER_DAY * WEEKLY[np.arange(DAYS) % 7]
    lift = np.zeros(DAYS)
    lift[FIRST : LAST + 1] = LIFT
    rng_base = np.random.default_rng([args.seed, 0])
    rng_extra = np.random.default_rng([args.seed, 1])
    base = rng_base.poisson(day_mean, size=(args.scenarios, DAYS)).astype(float)
    extra = rng_extra.poisson(day_mean * lift, size=(args.scenarios, DAYS)).astype(float)
    capacity = capacity_per_step()
    share, units_with = run(base + extra, capacity)
    _, units_without = run(base, capacity)
    increment = (PRICE - UNIT_COST - PICK_COST) * (units_with - units_without)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "model": "numpy", "scenarios": args.scenarios, "seconds": seconds,
        "achieved": {q: float(np.percentile(share, p)) for q, p in (("p5", 5), ("p50", 50), ("p95", 95))},
        "p_kept": float(np.mean(share >= SHARE)),
        "incremental_contribution_p50": float(np.median(increment)),
    }))


if __name__ == "__main__":
    main()
