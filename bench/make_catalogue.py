#!/usr/bin/env python3
"""Writes a large catalogue for the scale-out showcase (docs/scale-out.md, docs/performance.md;
deterministic; standard library only).

A retailer of --offerings item-locations over --resources throughput resources, in independent
sites: each site has four resources (pick sNp, pack sNk, dock sNd, support sNs) and its share of the offerings,
routed pick -> pack -> dock with a support load a day later. Sites share no resource, so the
resource graph has one connected component per site. --campaigns campaigns, each on part of one
site's offerings (a delivery promise and a support response promise). Offerings are made to order
(not stocked; no transit): the per-offering stock arrays are left out so that the model fits in memory.

The horizon is --days days at --step steps (default 28 days at 1d: per-lane per-offering
per-step arrays of 100,000 offerings stay within a few hundred MB per worker).

Usage: make_catalogue.py [--offerings N] [--resources N] [--campaigns N] [--days N] [--step 1d]
                         [--scenarios N] [--seed N] > catalogue.yaml
"""
import argparse
import datetime
import random

from scenario_text import ScenarioText


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--offerings", type=int, default=100000)
    parser.add_argument("--resources", type=int, default=2000)
    parser.add_argument("--campaigns", type=int, default=4)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--step", default="1d")
    parser.add_argument("--scenarios", type=int, default=256)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sites = max(1, args.resources // 4)
    rng = random.Random(20271206)
    text = ScenarioText(datetime.date(2027, 3, 1), args.days)
    w, day = text.w, text.day
    text.header("A large catalogue for the scale-out showcase (bench/make_catalogue.py).",
                f"Catalogue of {args.offerings} offerings over {sites * 4} resources", args.step,
                args.scenarios, args.seed)
    offerings = [[] for _ in range(sites)]
    load = [0.0] * sites
    lines = []
    for i in range(args.offerings):
        site = i % sites
        oid = f"o{i:06d}"
        offerings[site].append(oid)
        per_day = rng.choice([2, 3, 5, 8, 13])
        load[site] += per_day
        price = rng.choice([9.5, 14, 24, 39, 59])
        lines.append(  # short keys: 100,000 offerings stay under the 16 MiB input limit
            f"  - {{id: {oid}, price: {price}, unit_cost: {round(price * 0.5, 2)},"
            f" route: [s{site}p, s{site}k, s{site}d],"
            f" loads: [{{resource: s{site}s, per_unit: 0.05, lag: 1d}}],"
            f" baseline: {{per_day: {per_day}}}}}"
        )
    w("resources:")
    for site in range(sites):
        base = max(load[site], 1.0)
        tight = 1.05 if site % 7 == 0 else 1.4  # every seventh site runs close to its capacity
        for name, factor in (("p", tight), ("k", 1.5), ("d", 1.6)):  # pick, pack, dock
            w(f"  - {{id: s{site}{name}, kind: throughput, capacity: {round(base * factor / 24, 2)}, cost_per_unit: 1.5}}")
        w(f"  - {{id: s{site}s, kind: throughput, capacity: {round(base * 0.05 * 1.3 / 24, 3)}, cost_per_unit: 5}}")
    w("offerings:")
    text.lines.extend(lines)
    if args.campaigns > 0:
        w("campaigns:")
    for k in range(args.campaigns):
        site = (k * 7) % sites  # tight sites first
        scope = offerings[site][: max(1, len(offerings[site]) // 2)]
        first = 7 + (k * 3) % max(1, args.days - 14)
        w(f"  - id: c{k}")
        w(f"    window: {{start: {day(first)}, end: {day(first + 6)}}}")
        w(f"    offerings: [{', '.join(scope)}]")
        w(f"    lift: {rng.choice([0.3, 0.5, 0.8])}")
        w(f"    spend: {rng.choice([5000, 10000, 20000])}")
        w("    promises:")
        w("      - {type: delivery, within: 3d, share: 0.9}")
        w(f"      - {{type: response, resource: s{site}s, within: 2d, share: 0.8}}")
    text.print()


if __name__ == "__main__":
    main()
