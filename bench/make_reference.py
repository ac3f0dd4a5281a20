#!/usr/bin/env python3
"""Writes the reference scenario for `make bench` (deterministic; standard library only).

A retailer with three distribution centres over one year at 1-hour steps, 1,000 scenarios:
20 throughput resources (3 DCs x pick/pack/dock, 2 returns desks, 2 support teams and 7
service/production resources), 3 space resources, a budget, 50 offerings (30 stocked, 20
made to order or services) and 3 campaigns with every promise type.

With --dcs N (default 3), N distribution centres (3 throughput resources and a space each), for
the scaling table's resources column (bench/scaling.sh).

Usage: make_reference.py [--days N] [--offerings N] [--scenarios N] [--step 1h] [--dcs N] > reference.yaml
"""
import argparse
import datetime
import random

from scenario_text import ScenarioText


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--offerings", type=int, default=50)
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--step", default="1h")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dcs", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(20270101)

    text = ScenarioText(datetime.date(2027, 1, 1), args.days)
    w, day = text.w, text.day
    text.header("Reference scenario for the check benchmark (bench/make_reference.py).",
                "Reference retailer, one year", args.step, args.scenarios, args.seed, today=True)
    w("calendars:")
    w("  warehouse: {open: {mon-fri: \"06:00-22:00\", sat: \"08:00-18:00\"}, closed: [2027-12-25, 2027-01-01]}")
    w("  office: {open: {mon-sat: \"08:00-20:00\"}}")
    w("  workshop: {open: {mon-fri: \"08:00-17:00\"}}")
    # Offerings first, so that capacities can be sized to the load they cause.
    dcs = (["north", "south", "west"] + [f"dc{k}" for k in range(4, args.dcs + 1)])[: args.dcs]
    open_hours = {"warehouse": 16 * 5 + 10, "office": 12 * 6, "workshop": 9 * 5, None: 24 * 7}
    calendar_of = {}
    load = {}  # resource -> work units per week at baseline

    def add_load(resource, units_per_day):
        load[resource] = load.get(resource, 0.0) + units_per_day * 7

    offerings = []
    offering_lines = []
    stocked = round(args.offerings * 0.6)
    for i in range(args.offerings):
        oid = f"item{i:02d}"
        offerings.append(oid)
        dc = dcs[i % len(dcs)]
        per_day = rng.choice([40, 60, 90, 120, 180, 240])
        price = rng.choice([9.99, 14.5, 24, 39, 59, 89, 149])
        cost = round(price * rng.uniform(0.35, 0.6), 2)
        weekly = "[0.9, 0.95, 1.0, 1.0, 1.1, 1.4, 0.65]" if i % 2 else "[1, 1, 1, 1, 1, 1, 1]"
        intraday = rng.choice(["flat", "office", "evening"])
        noise = "{cv: 0.2}" if i % 4 == 0 else "poisson"
        lines = [f"  - id: {oid}", f"    price: {price}", f"    unit_cost: {cost}"]
        if i < stocked:
            extra = ["gift-wrap"] if i % 7 == 0 else (["engraving"] if i % 11 == 0 else [])
            route = [f"{dc}-pick", *extra, f"{dc}-pack", f"{dc}-dock"]
            lines.append(f"    volume: {rng.choice([0.01, 0.02, 0.05, 0.08])}")
            lines.append(f"    stock: {per_day * rng.randint(10, 25)}")
            lines.append(f"    space: {dc}-space")
            lines.append(f"    supply: {{per_day: {int(per_day * 1.6)}, lead_time: {rng.choice([7, 10, 14])}d, safety_days: {rng.choice([2, 3, 4])}}}")
            if i % 3 != 2:
                rate = rng.choice([0.02, 0.05, 0.08])
                desk = "returns-east" if dc != "west" else "returns-west"
                lines.append(f"    return_rate: {rate}")
                lines.append(f"    returns: {desk}")
                add_load(desk, per_day * rate)
            lines.append(f"    route: [{', '.join(route)}]")
            lines.append(f"    transit: {rng.choice(['24h', '36h', '48h'])}")
            for resource in route:
                add_load(resource, per_day)
            if i % 5 == 0:
                lines.append("    loads: [{resource: support-tier1, per_unit: 0.04, lag: 2d}]")
                add_load("support-tier1", per_day * 0.04)
        else:
            lines.append("    stocked: false")
            kind = i % 4
            if kind == 0:
                lines.append("    route: [provisioning]")
                lines.append("    loads: [{resource: support-tier1, per_unit: 0.15, lag: 1d}, {resource: support-tier2, per_unit: 0.02, lag: 3d}]")
                add_load("provisioning", per_day)
                add_load("support-tier1", per_day * 0.15)
                add_load("support-tier2", per_day * 0.02)
            elif kind == 1:
                per_day = max(8, per_day // 20)
                lines.append("    route: [install-crew]")
                add_load("install-crew", per_day)
            elif kind == 2:
                lines.append("    route: [print-shop, qa-check, courier-handover]")
                lines.append("    transit: 24h")
                for resource in ["print-shop", "qa-check", "courier-handover"]:
                    add_load(resource, per_day)
            else:
                per_day = per_day // 2
                lines.append("    route: [engraving, courier-handover]")
                lines.append("    transit: 48h")
                for resource in ["engraving", "courier-handover"]:
                    add_load(resource, per_day)
        lines.append(f"    baseline: {{per_day: {per_day}, weekly: {weekly}, intraday: {intraday}, noise: {noise}}}")
        offering_lines.extend(lines)

    def capacity(resource, calendar, utilisation):
        """Units per open hour so that baseline work fills `utilisation` of the week."""
        hours = open_hours[calendar]
        return max(1, round(load.get(resource, 1.0) / hours / utilisation))

    w("resources:")
    for n, dc in enumerate(dcs):
        util = [0.8, 0.7, 0.75][n % 3]
        w(f"  - {{id: {dc}-pick, kind: throughput, unit: lines, capacity: {capacity(dc + '-pick', 'warehouse', util)}, calendar: warehouse, processing_time: 30m, cost_per_unit: 1.1,")
        w(f"     changes: [{{from: 2027-09-01, capacity: {capacity(dc + '-pick', 'warehouse', util - 0.15)}}}], expansion: {{extra: {capacity(dc + '-pick', 'warehouse', 1.0)}, cost_per_unit: 2.2, lead_time: 14d}}}}")
        w(f"  - {{id: {dc}-pack, kind: throughput, unit: parcels, capacity: {capacity(dc + '-pack', 'warehouse', 0.65)}, calendar: warehouse, processing_time: 15m, cost_per_unit: 0.9}}")
        w(f"  - {{id: {dc}-dock, kind: throughput, unit: parcels, capacity: {capacity(dc + '-dock', 'warehouse', 0.5)}, calendar: warehouse, processing_time: 2h, cost_per_unit: 0.3}}")
        w(f"  - {{id: {dc}-space, kind: space, unit: m3, capacity: 9000}}")
    w(f"  - {{id: returns-east, kind: throughput, unit: returns, capacity: {capacity('returns-east', 'warehouse', 0.6)}, calendar: warehouse, cost_per_unit: 4.5}}")
    w(f"  - {{id: returns-west, kind: throughput, unit: returns, capacity: {capacity('returns-west', 'warehouse', 0.6)}, calendar: warehouse, cost_per_unit: 4.5}}")
    w(f"  - {{id: support-tier1, kind: throughput, unit: tickets, capacity: {capacity('support-tier1', 'office', 0.7)}, calendar: office, cost_per_unit: 3.0}}")
    w(f"  - {{id: support-tier2, kind: throughput, unit: tickets, capacity: {capacity('support-tier2', 'office', 0.6)}, calendar: office, cost_per_unit: 9.0}}")
    w(f"  - {{id: provisioning, kind: throughput, unit: accounts, capacity: {capacity('provisioning', None, 0.5)}, processing_time: 10m, cost_per_unit: 0.2}}")
    w(f"  - {{id: install-crew, kind: throughput, unit: jobs, capacity: {capacity('install-crew', 'workshop', 0.8)}, calendar: workshop, processing_time: 3h, cost_per_unit: 35}}")
    w(f"  - {{id: print-shop, kind: throughput, unit: prints, capacity: {capacity('print-shop', 'workshop', 0.75)}, calendar: workshop, processing_time: 4h, cost_per_unit: 1.5}}")
    w(f"  - {{id: engraving, kind: throughput, unit: items, capacity: {capacity('engraving', 'workshop', 0.75)}, calendar: workshop, processing_time: 1h, cost_per_unit: 2.0}}")
    w(f"  - {{id: gift-wrap, kind: throughput, unit: items, capacity: {capacity('gift-wrap', 'warehouse', 0.6)}, calendar: warehouse, cost_per_unit: 0.8}}")
    w(f"  - {{id: qa-check, kind: throughput, unit: items, capacity: {capacity('qa-check', 'warehouse', 0.6)}, calendar: warehouse, processing_time: 20m, cost_per_unit: 0.5}}")
    w(f"  - {{id: courier-handover, kind: throughput, unit: parcels, capacity: {capacity('courier-handover', 'warehouse', 0.55)}, calendar: warehouse, processing_time: 1h, cost_per_unit: 0.2}}")
    w(f"  - {{id: marketing, kind: budget, capacity: 900000}}")
    w("capabilities:")
    w("  - {id: next-day-north, claim: \"next-day delivery in the north\"}")
    w("  - {id: live-chat, claim: \"live chat 8am to 8pm\", from: 2027-03-01}")
    w("offerings:")
    text.lines.extend(offering_lines)

    def ids(items):
        return "[" + ", ".join(items) + "]"

    w("messaging:")
    w(f"  - {{type: delivery, within: 4d, share: 0.95, offerings: {ids(offerings[:stocked:3])}}}")
    w("  - {type: response, resource: support-tier1, within: 1d, share: 0.9}")
    w("campaigns:")
    spring = offerings[: min(10, stocked)]
    w("  - id: spring-sale")
    w(f"    window: {{start: {day(95)}, end: {day(115)}}}")
    w(f"    announce: {day(88)}")
    w(f"    offerings: {ids(spring)}")
    w("    discount: 0.25")
    w("    spend: 150000")
    w("    lift: {expected: 0.7, low: 0.3, high: 1.4}")
    w("    profile: [3, 2, 1.5, 1, 1]")
    w("    bookings:")
    w(f"      - {{resource: north-pick, extra: 20, from: {day(93)}, until: {day(120)}}}")
    w("    promises:")
    w("      - {type: delivery, within: 48h, share: 0.95}")
    w("      - {type: availability, share: 0.97}")
    w("      - {type: response, resource: support-tier1, within: 8h, share: 0.8}")
    w("      - {type: free_returns, return_rate: 0.12, cost: 6}")
    services = offerings[stocked:]
    w("  - id: summer-launch")
    w(f"    window: {{start: {day(170)}, end: {day(183)}}}")
    w(f"    offerings: {ids(services)}")
    w("    spend: 80000")
    w("    lift: {expected: 1.5, low: 0.8, high: 2.5}")
    w("    promises:")
    w("      - {type: processing, within: 24h, share: 0.9}")
    w("      - {type: claim, text: \"live chat 8am to 8pm\", requires: [live-chat]}")
    w("    readiness:")
    w(f"      start: {day(120)}")
    w("      tasks:")
    w("        - {id: build, duration: 5w}")
    w("        - {id: test, duration: 2w, after: [build]}")
    friday = offerings[: min(20, stocked)] + offerings[stocked: stocked + 5]
    w("  - id: black-friday")
    w(f"    window: {{start: {day(329)}, end: {day(335)}}}")
    w(f"    offerings: {ids(friday)}")
    w("    discount: 0.3")
    w("    spend: 250000")
    w("    lift: {expected: 2.0, low: 1.0, high: 3.5}")
    w("    cap: 60000")
    w("    promises:")
    w("      - {type: delivery, within: next_day, cutoff: \"14:00\", share: 0.9}")
    w("      - {type: availability}")
    w("      - {type: processing, within: same_day, cutoff: \"12:00\", share: 0.9}")
    text.print()


if __name__ == "__main__":
    main()
