#!/usr/bin/python3
"""The peer benchmark's scenario (warehouse.yaml) as an analyst would write it in SimPy 3.

One offering made to order; pick-pack is 28 servers (capacity 28 orders per open hour), working in
shifts (Mon-Fri 06:00-22:00, Sat 08:00-16:00). Orders arrive as a Poisson process: each day's count
is Poisson with the day's mean (240 x the weekday weight, plus 50% during the campaign, drawn as a
separate count so that "without the campaign" sees the same baseline orders), at uniform times of
the day. Each order queues FIFO for a server; work only happens while the shift is open (a job in
hand at closing resumes at the next opening); each order needs an exponential amount of work of
mean one server-hour. The order moves on when its work starts, plus 1h processing, plus 24h transit.

Promise: delivered within 48h, for orders placed in the campaign window; kept when the share is at
least 0.6. Economics: contribution = (price - unit cost) x units - 2.5 per order picked; incremental
contribution = with - without the campaign.

Prints JSON: per-scenario shares and the summary (p5/p50/p95 of the share, p_kept, p50 of the
incremental contribution), and the wall time. Usage: simpy_orders.py [--scenarios N] [--seed S]
"""
import argparse
import json
import time

import numpy as np
import simpy

DAYS = 56                      # 2027-03-01 (a Monday) to 2027-04-25
TAIL_DAYS = 14                 # no new orders; late orders finish
WEEKLY = [1, 1, 1, 1, 1.1, 1.3, 0.6]
PER_DAY = 240.0
CAMPAIGN_DAYS = range(21, 35)  # 2027-03-22 .. 2027-04-04
LIFT = 0.5
SERVERS = 28
PROCESSING_H = 1.0
TRANSIT_H = 24.0
WITHIN_H = 48.0
SHARE = 0.6
PRICE, UNIT_COST, PICK_COST = 9.0, 4.0, 2.5


def shift(t):
    """(opens, closes) of the shift open at time t or next after t (hours since the start)."""
    day = int(t // 24)
    while True:
        weekday = day % 7
        hours = (6, 22) if weekday < 5 else (8, 16) if weekday == 5 else None
        if hours:
            opens, closes = day * 24 + hours[0], day * 24 + hours[1]
            if t < closes:
                return max(opens, t), closes
        day += 1


def order(env, servers, placed, work, record):
    with servers.request() as turn:
        yield turn
        opens, closes = shift(env.now)
        if opens > env.now:
            yield env.timeout(opens - env.now)
        record(placed, env.now + PROCESSING_H + TRANSIT_H)
        remaining = work
        while remaining > 1e-12:
            opens, closes = shift(env.now)
            if opens > env.now:
                yield env.timeout(opens - env.now)
            chunk = min(remaining, closes - env.now)
            yield env.timeout(chunk)
            remaining -= chunk


def customers(env, servers, days, record):
    for day, (times, works) in enumerate(days):
        for t, work in zip(times, works):
            yield env.timeout(day * 24 + t - env.now)
            env.process(order(env, servers, day * 24 + t, work, record))


def draw(seed, scenario):
    """Per day: the baseline orders and the campaign's extra orders (times in hours, work)."""
    base_rng = np.random.default_rng([seed, scenario, 0])
    extra_rng = np.random.default_rng([seed, scenario, 1])
    base, extra = [], []
    for day in range(DAYS):
        mean = PER_DAY * WEEKLY[day % 7]
        n = base_rng.poisson(mean)
        base.append((base_rng.uniform(0, 24, n), base_rng.exponential(1.0, n)))
        m = extra_rng.poisson(mean * LIFT) if day in CAMPAIGN_DAYS else 0
        extra.append((extra_rng.uniform(0, 24, m), extra_rng.exponential(1.0, m)))
    return base, extra


def simulate(days):
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=SERVERS)
    covered = kept = 0
    first, last = CAMPAIGN_DAYS[0] * 24, (CAMPAIGN_DAYS[-1] + 1) * 24

    def record(placed, delivered):
        nonlocal covered, kept
        if first <= placed < last:
            covered += 1
            kept += delivered <= placed + WITHIN_H + 1e-9

    env.process(customers(env, servers, days, record))
    env.run(until=(DAYS + TAIL_DAYS) * 24)
    units = sum(len(times) for times, _ in days)
    return (kept / covered if covered else 1.0), (PRICE - UNIT_COST - PICK_COST) * units


def merge(base, extra, with_campaign):
    days = []
    for (bt, bw), (et, ew) in zip(base, extra):
        if with_campaign and len(et):
            times, works = np.concatenate([bt, et]), np.concatenate([bw, ew])
        else:
            times, works = bt, bw
        order = np.argsort(times, kind="stable")
        days.append((times[order].tolist(), works[order].tolist()))
    return days


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    shares, increments = [], []
    for scenario in range(args.scenarios):
        base, extra = draw(args.seed, scenario)
        share, with_contribution = simulate(merge(base, extra, True))
        _, without_contribution = simulate(merge(base, extra, False))
        shares.append(share)
        increments.append(with_contribution - without_contribution)
    seconds = time.perf_counter() - started
    shares_array = np.array(shares)
    print(json.dumps({
        "model": "simpy", "scenarios": args.scenarios, "seconds": seconds,
        "achieved": {q: float(np.percentile(shares_array, p)) for q, p in (("p5", 5), ("p50", 50), ("p95", 95))},
        "p_kept": float(np.mean(shares_array >= SHARE)),
        "incremental_contribution_p50": float(np.median(increments)),
    }))


if __name__ == "__main__":
    main()
