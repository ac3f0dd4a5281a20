#!/usr/bin/env python3
"""Peers side by side (make bench-peers): tandem's order-level mode against the SimPy model, and
tandem's fluid mode against the NumPy model, on the same scenario (warehouse.yaml), in one run.

Each command is run RUNS times (alternating, so that a slow patch of a shared machine hits all of
them); the table gives median wall times (whole processes, interpreter start-up included for the
Python peers, and the peers' own compute time, start-up and imports excluded), the ratios, and the
results: the campaign's delivery promise (median achieved share, p5, p95, p_kept) and the median
incremental contribution.

Then the fluid hot loop on the same scenario against the machine's memory-bandwidth bound (the
issue's second target): BUILD/bench/tandem_machine_bound's STREAM-like triad on one core, and
BUILD/bench/tandem_hot_loop's bytes per (step x resource) over its time (bench/hot_loop.cc).

Usage: compare.py BUILD_DIR OUT_MD [--runs N] [--simpy-runs N] [--orders-scenarios N]
       [--fluid-scenarios N] [--docs docs/performance.md]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import doc_table  # noqa: E402  (bench/doc_table.py)

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"  # Debian's, where python3-simpy3 and python3-numpy are installed


def timed(command):
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1, 2):
        sys.exit(f"{' '.join(command)}: exit {result.returncode}\n{result.stderr}")
    return seconds, json.loads(result.stdout)


def tandem_summary(output):
    campaign = output["campaigns"][0]
    promise = campaign["promises"][0]
    return {"achieved": promise["achieved"], "p_kept": promise["p_kept"],
            "incremental_contribution_p50": campaign["economics"]["incremental_contribution"]["p50"]}


def bound_and_loop(build, scenario, runs):
    """The triad bound (best of `runs`) and the hot loop's rate (median of `runs`), both on one core,
    alternated like the timings above."""
    bounds, loops = [], []
    for _ in range(runs):
        bounds.append(json.loads(subprocess.run([os.path.join(build, "bench", "tandem_machine_bound"), "1"],
                                                capture_output=True, text=True, check=True).stdout))
        loop_command = [os.path.join(build, "bench", "tandem_hot_loop"), scenario, "32"]
        loops.append(json.loads(subprocess.run(loop_command, capture_output=True, text=True,
                                               check=True).stdout))
    bound = max(bounds, key=lambda b: b["triad_gb_s_1"])
    loop = sorted(loops, key=lambda l: l["gb_s"])[len(loops) // 2]
    return bound, loop


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("out")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--simpy-runs", type=int, default=3)
    parser.add_argument("--orders-scenarios", type=int, default=100)
    parser.add_argument("--fluid-scenarios", type=int, default=1000)
    parser.add_argument("--docs")
    args = parser.parse_args()
    tandem = os.path.join(args.build, "tandem")
    scenario = os.path.join(HERE, "warehouse.yaml")
    n_orders, n_fluid = str(args.orders_scenarios), str(args.fluid_scenarios)
    commands = {
        "orders": [tandem, "check", scenario, "--json", "--mode", "orders", "--scenarios", n_orders],
        "simpy": [PYTHON, os.path.join(HERE, "simpy_orders.py"), "--scenarios", n_orders],
        "fluid": [tandem, "check", scenario, "--json", "--scenarios", n_fluid],
        "numpy": [PYTHON, os.path.join(HERE, "numpy_fluid.py"), "--scenarios", n_fluid],
        # The peers use one core: tandem on one thread too, for the strictest ratio.
        "orders1": [tandem, "check", scenario, "--json", "--mode", "orders", "--scenarios", n_orders,
                    "--threads", "1"],
        "fluid1": [tandem, "check", scenario, "--json", "--scenarios", n_fluid, "--threads", "1"],
    }
    walls = {name: [] for name in commands}
    inner = {"simpy": [], "numpy": []}
    results = {}
    for run in range(max(args.runs, args.simpy_runs)):
        for name, command in commands.items():
            if name == "simpy" and run >= args.simpy_runs:
                continue
            if name != "simpy" and run >= args.runs:
                continue
            seconds, output = timed(command)
            walls[name].append(seconds)
            if name in inner:
                inner[name].append(output["seconds"])
                results[name] = output
            else:
                results[name] = tandem_summary(output)
                if name.endswith("1") and results[name] != results[name[:-1]]:
                    sys.exit(f"{name}: results differ from {name[:-1]}'s (thread count changed them)")
            print(f"run {run + 1}: {name} {seconds:.3f} s", file=sys.stderr)
    median = {name: statistics.median(values) for name, values in walls.items()}
    inner_median = {name: statistics.median(values) for name, values in inner.items()}

    cpu = "?"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    lines = []
    w = lines.append
    w(f"Scenario: `bench/peers/warehouse.yaml` (8 weeks at 1-hour steps, one offering made to order, "
      f"pick-pack at 28 orders per open hour in shifts, a two-week campaign at +50%, delivery within 48h "
      f"for 60% of the campaign's orders), with and without the campaign. {os.cpu_count()} cores ({cpu}), "
      f"shared with other work: medians of {args.runs} runs ({args.simpy_runs} for SimPy), "
      f"run alternately in one `make bench-peers` on {time.strftime('%Y-%m-%d')}.")
    w("")
    w(f"| comparison | scenarios | tandem, {os.cpu_count()} threads (s) | tandem, 1 thread (s) | "
      "peer, whole process (s) | peer, compute only (s) | ratio: whole processes, all threads | "
      "ratio: peer's compute against tandem on 1 thread |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for mode, peer, label, count in (("orders", "simpy", "order-level mode vs SimPy 3", n_orders),
                                     ("fluid", "numpy", "fluid mode vs NumPy", n_fluid)):
        one = mode + "1"
        w(f"| {label} | {count} | {median[mode]:.3f} | {median[one]:.3f} | {median[peer]:.3f} | "
          f"{inner_median[peer]:.3f} | {median[peer] / median[mode]:.1f}x | "
          f"{inner_median[peer] / median[one]:.1f}x |")
    w("")
    w("| model | achieved p5 | achieved p50 | achieved p95 | p_kept | incremental contribution p50 |")
    w("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, label in (("orders", "tandem, order-level"), ("simpy", "SimPy 3"),
                        ("fluid", "tandem, fluid"), ("numpy", "NumPy fluid")):
        r = results[name]
        a = r["achieved"]
        w(f"| {label} | {a['p5']:.4f} | {a['p50']:.4f} | {a['p95']:.4f} | {r['p_kept']:.3f} | "
          f"{r['incremental_contribution_p50']:.0f} |")
    w("")
    gap_orders = 100 * abs(results["orders"]["achieved"]["p50"] - results["simpy"]["achieved"]["p50"])
    gap_fluid = 100 * abs(results["fluid"]["achieved"]["p50"] - results["numpy"]["achieved"]["p50"])
    w(f"Median achieved share: order-level mode and SimPy differ by {gap_orders:.1f} points, fluid mode and "
      f"NumPy by {gap_fluid:.1f} points (different random streams: sampling noise, not model differences).")
    bound, loop = bound_and_loop(args.build, scenario, min(args.runs, 3))
    w("")
    w(f"The fluid hot loop on this scenario against the machine, one core (`bench/hot_loop.cc` on "
      f"`warehouse.yaml`, 32 batches of 8 scenarios, its {loop['target']} kernel; `bench/machine_bound.cc`: "
      f"a STREAM-like triad on 128 MiB arrays): median of {min(args.runs, 3)} runs, the bound the best.")
    w("")
    w("| | per (step x resource), 8 lanes | rate | machine bound, one core | fraction |")
    w("| --- | ---: | ---: | ---: | ---: |")
    w(f"| time | {loop['ns_per_step_resource']:.0f} ns | | | |")
    w(f"| memory traffic | {loop['bytes_per_step_resource']:.0f} bytes | {loop['gb_s']:.2f} GB/s | "
      f"{bound['triad_gb_s_1']:.1f} GB/s (triad) | {100 * loop['gb_s'] / bound['triad_gb_s_1']:.1f}% |")
    table = "\n".join(lines) + "\n"
    doc_table.publish(table, args.out, args.docs, "peers")


if __name__ == "__main__":
    main()
