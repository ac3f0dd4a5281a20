#!/usr/bin/env python3
"""Scaling of `tandem check` (docs/performance.md, ## Scaling): wall time and peak memory as the
scenarios, the horizon, the step, the resources and the offerings grow, one at a time from the
reference scenario (bench/make_reference.py: a year at 1-hour steps, 20 throughput resources, 50
offerings, 3 campaigns); then the fluid hot loop's rate against the machine's bounds
(tandem_machine_bound, tandem_hot_loop).

Each configuration runs RUNS times (`/usr/bin/time -f '%e %M'`): the median wall time and the
largest peak resident memory. Rows other than the scenarios column use BASE scenarios (default 250)
to keep the run short; time is close to linear in scenarios (first column).

Usage: scaling.py BUILD_DIR OUT_MD [--runs N] [--base-scenarios N] [--docs docs/performance.md]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import doc_table  # bench/doc_table.py

HERE = os.path.dirname(os.path.abspath(__file__))


def generate(path, **flags):
    command = [sys.executable, os.path.join(HERE, "make_reference.py")]
    for key, value in flags.items():
        command += ["--" + key, str(value)]
    with open(path, "w") as out:
        subprocess.run(command, stdout=out, check=True)


def measure(tandem, path, runs):
    walls, peaks = [], []
    for _ in range(runs):
        result = subprocess.run(["/usr/bin/time", "-f", "%e %M", tandem, "check", path, "--json"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall, peak = result.stderr.strip().splitlines()[-1].split()
        walls.append(float(wall))
        peaks.append(int(peak))
    return statistics.median(walls), max(peaks) / 1024.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("out")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--base-scenarios", type=int, default=250)
    parser.add_argument("--docs")
    args = parser.parse_args()
    tandem = os.path.join(args.build, "tandem")
    base = args.base_scenarios
    # (dimension, value shown, generator flags, throughput resources, offerings, scenarios, days, step)
    configurations = []
    for n in (125, 250, 500, 1000, 2000):
        configurations.append(("scenarios", n, {"scenarios": n}))
    for days in (91, 182, 365, 730):
        configurations.append(("horizon (days)", days, {"days": days, "scenarios": base}))
    for step in ("2h", "1h", "30m", "15m"):
        configurations.append(("step", step, {"step": step, "scenarios": base}))
    for dcs in (1, 3, 6, 12):
        configurations.append(("throughput resources", 11 + 3 * dcs, {"dcs": dcs, "scenarios": base}))
    for offerings in (12, 25, 50, 100, 200):
        configurations.append(("offerings", offerings, {"offerings": offerings, "scenarios": base}))

    lines = []
    w = lines.append
    cpu = "?"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    w(f"Fluid mode, all {os.cpu_count()} cores ({cpu}, shared with other work), median wall time of "
      f"{args.runs} runs and the largest peak resident memory (`/usr/bin/time -f '%e %M'`), "
      f"{time.strftime('%Y-%m-%d')}. One dimension varies at a time from the reference (365 days, 1h, "
      f"20 throughput resources, 50 offerings); rows other than the scenarios' run {base} scenarios.")
    w("")
    w("| grows | value | scenarios | wall time (s) | peak memory (MiB) |")
    w("| --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "scenario.yaml")
        for dimension, value, flags in configurations:
            generate(path, **flags)
            wall, peak = measure(tandem, path, args.runs)
            w(f"| {dimension} | {value} | {flags.get('scenarios', 1000)} | {wall:.2f} | {peak:.0f} |")
            print(lines[-1], file=sys.stderr)
        generate(path, scenarios=64)
        bound = json.loads(subprocess.run([os.path.join(args.build, "bench", "tandem_machine_bound"), "1"],
                                          capture_output=True, text=True, check=True).stdout)
        loop = json.loads(subprocess.run([os.path.join(args.build, "bench", "tandem_hot_loop"), path, "8"],
                                         capture_output=True, text=True, check=True).stdout)
    w("")
    w("The hot loop against the machine (one thread; `bench/machine_bound.cc`, `bench/hot_loop.cc`):")
    w("")
    w("| | per (step x resource), 8 lanes | rate | machine bound, one core | fraction |")
    w("| --- | ---: | ---: | ---: | ---: |")
    w(f"| time | {loop['ns_per_step_resource']:.0f} ns | | | |")
    w(f"| arithmetic | {loop['flops_per_step_resource']:.0f} flops | {loop['gflops']:.2f} GFLOP/s | "
      f"{bound['lane_gflops_1']:.2f} GFLOP/s (lane-vector a x + b) | "
      f"{100 * loop['gflops'] / bound['lane_gflops_1']:.1f}% |")
    w(f"| memory traffic | {loop['bytes_per_step_resource']:.0f} bytes | {loop['gb_s']:.2f} GB/s | "
      f"{bound['triad_gb_s_1']:.1f} GB/s (triad) | {100 * loop['gb_s'] / bound['triad_gb_s_1']:.1f}% |")
    table = "\n".join(lines) + "\n"
    doc_table.publish(table, args.out, args.docs, "scaling")


if __name__ == "__main__":
    main()
