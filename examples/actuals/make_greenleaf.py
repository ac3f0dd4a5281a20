#!/usr/bin/env python3
"""Example actuals for examples/greenleaf.yaml: what Greenleaf's systems would export on day 2
of the spring-40 campaign (Sun 11 Apr 2027, 12:00), with demand running well above the plan.

    python3 examples/actuals/make_greenleaf.py examples/actuals/greenleaf-day2
    build/tandem follow-up examples/greenleaf.yaml --actuals examples/actuals/greenleaf-day2

Standard library only; deterministic (seed 42). It mirrors the scenario's figures by hand:

* Orders from Sat 3 Apr 00:00 (a week before the window) to the export at Sun 11 Apr 12:00:
  Poisson arrivals per hour at the baseline (mulch 1,500 a day with its weekly pattern, pavers
  220 with theirs, seed boxes 300, flat over the day); during spring-40 (from Sat 10 Apr) mulch
  and pavers arrive at DEMAND_MULTIPLE x baseline (the plan's median for those first days is
  1 + 0.6 x 1.76 = 2.06x: the profile front-loads the lift). Mulch orders are of 1 to 5 bags,
  pavers of 1 or 2 packs, seed boxes of 1.
* pick-pack (180 an hour, Mon-Fri 06-22, Sat 08-18, closed Sunday) starts orders first come,
  first served (pavers count twice); `processed` is the start plus its 1h processing time, and
  `delivered` that plus the transit (24h, pavers 48h), each written only when it is at or before
  the export (later ones have not happened).
* Support tickets: 3% of mulch units open a ticket two days after the order; support answers
  35 an hour, Mon-Sat 08-20, first come first served.
* Spend: spring-40's spend for its first two days (its 120,000 spread evenly over 21 days).
* Stock is not modelled: no order is marked backordered.
"""
import math
import os
import random
import sys
from datetime import datetime, timedelta

DEMAND_MULTIPLE = 3.5
START = datetime(2027, 4, 3)
EXPORT = datetime(2027, 4, 11, 12, 0)
WINDOW_START = datetime(2027, 4, 10)

# id: (per day, weekly Mon..Sun, pick-pack work per unit, transit hours, units per order, in spring-40)
OFFERINGS = {
    "mulch": (1500, [0.9, 0.9, 0.95, 1.0, 1.1, 1.35, 0.8], 1, 24, (1, 5), True),
    "pavers": (220, [1, 1, 1, 1, 1.1, 1.4, 0.5], 2, 48, (1, 2), True),
    "seed-box": (300, [1] * 7, 1, 24, (1, 1), False),
}


def poisson(rng, mean):
    # Knuth for small means, normal approximation above 50 (hourly means here are below 700).
    if mean > 50:
        return max(0, int(round(rng.gauss(mean, math.sqrt(mean)))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def warehouse_open(hour):
    weekday = hour.weekday()
    if weekday < 5:
        return 6 <= hour.hour < 22
    return weekday == 5 and 8 <= hour.hour < 18


def service_open(hour):
    return hour.weekday() < 6 and 8 <= hour.hour < 20


def serve(jobs, capacity, is_open, processing):
    """First come first served at `capacity` work per open hour (fluid within the hour).
    jobs: list of (arrival, work, key); returns {key: start + processing}."""
    done = {}
    jobs = sorted(jobs, key=lambda job: job[0])
    clock = jobs[0][0].replace(minute=0, second=0) if jobs else START
    left = 0.0  # capacity left in the current hour
    hour = None
    for arrival, work, key in jobs:
        if clock < arrival:
            clock = arrival
            hour = None
        while True:
            current = clock.replace(minute=0, second=0, microsecond=0)
            if hour != current:
                hour = current
                elapsed = (clock - current).total_seconds() / 3600
                left = capacity * (1 - elapsed) if is_open(current) else 0.0
            if left >= work - 1e-9:
                left -= work
                clock = clock + timedelta(hours=work / capacity)
                break
            # wait for the next open hour
            clock = current + timedelta(hours=1)
        done[key] = clock + processing
    return done


def stamp(time):
    return time.strftime("%Y-%m-%dT%H:%M") if time is not None and time <= EXPORT else ""


def main(folder):
    rng = random.Random(42)
    os.makedirs(folder, exist_ok=True)
    orders = []  # (id, offering, placed, units)
    hour = START
    count = 0
    while hour < EXPORT:
        for offering, (per_day, weekly, _, _, (low, high), in_campaign) in OFFERINGS.items():
            multiple = DEMAND_MULTIPLE if in_campaign and hour >= WINDOW_START else 1.0
            mean_units = per_day * weekly[hour.weekday()] / (sum(weekly) / 7) / 24 * multiple
            mean_orders = mean_units / ((low + high) / 2)
            for _ in range(poisson(rng, mean_orders)):
                placed = hour + timedelta(seconds=rng.randrange(3600))
                if placed > EXPORT:
                    continue
                count += 1
                orders.append(("G%06d" % count, offering, placed, rng.randint(low, high)))
        hour += timedelta(hours=1)
    orders.sort(key=lambda order: order[2])
    jobs = [(placed, units * OFFERINGS[offering][2], key)
            for key, offering, placed, units in orders]
    processed = serve(jobs, 180, warehouse_open, timedelta(hours=1))
    with open(os.path.join(folder, "orders.csv"), "w") as out:
        out.write("order,offering,placed,units,processed,delivered\n")
        for key, offering, placed, units in orders:
            done = processed[key]
            delivered = done + timedelta(hours=OFFERINGS[offering][3])
            out.write("%s,%s,%s,%d,%s,%s\n" % (key, offering, stamp(placed), units, stamp(done),
                                               stamp(delivered if done <= EXPORT else None)))
    tickets = []
    for key, offering, placed, units in orders:
        if offering != "mulch":
            continue
        for _ in range(units):
            if rng.random() < 0.03 and placed + timedelta(days=2) <= EXPORT:
                tickets.append((placed + timedelta(days=2), 1.0, "T" + key[1:] + "-%d" % len(tickets)))
    answered = serve(tickets, 35, service_open, timedelta(0))
    with open(os.path.join(folder, "tickets.csv"), "w") as out:
        out.write("ticket,resource,opened,answered,offering\n")
        for opened, _, key in sorted(tickets):
            out.write("%s,support,%s,%s,mulch\n" % (key, stamp(opened), stamp(answered[key])))
    with open(os.path.join(folder, "spend.csv"), "w") as out:
        out.write("campaign,date,amount\n")
        for day in ("2027-04-10", "2027-04-11"):
            out.write("spring-40,%s,%.2f\n" % (day, 120000 / 21))
    print("%s: %d orders, %d tickets" % (folder, len(orders), len(tickets)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "examples/actuals/greenleaf-day2")
