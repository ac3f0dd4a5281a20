#!/usr/bin/env python3
"""The check's cost model on generated catalogues (docs/performance.md, "Scale-out over Dask").

Runs `tandem check --json --threads 1` on catalogues of bench/make_catalogue.py (offerings,
resources, horizon and scenarios varied one at a time) and fits, by least squares on CPU time
(user + system), the model

    CPU = a * (offerings + resources)  +  b * scenarios * steps * (offerings + resources)

where the first term is reading, compiling and summarising the scenario (once per process) and
the second the simulation; steps counts the horizon and the tail (10 days for these catalogues:
a 3-day deadline plus the engine's 7) at 1-day steps. Prints each point, the fit and its errors.

Usage: python3 bench/dask_cost_model.py build/tandem [OUT_DIR]
"""
import os
import subprocess
import sys

TAIL_DAYS = 10
# (offerings, resources, days, scenarios)
POINTS = [
    (100000, 2000, 28, 16),
    (100000, 2000, 28, 48),
    (50000, 1000, 28, 48),
    (25000, 500, 28, 48),
    (100000, 2000, 14, 48),
]


def run(binary, out_dir, offerings, resources, days, scenarios):
    path = os.path.join(out_dir, f"catalogue_{offerings}_{resources}_{days}.yaml")
    if not os.path.exists(path):
        here = os.path.dirname(os.path.abspath(__file__))
        with open(path, "w") as out:
            subprocess.run([sys.executable, os.path.join(here, "make_catalogue.py"), "--offerings",
                            str(offerings), "--resources", str(resources), "--days", str(days)],
                           stdout=out, check=True)
    timed = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", binary, "check", path, "--json",
                            "--threads", "1", "--scenarios", str(scenarios)],
                           capture_output=True, text=True)
    user, system, rss = timed.stderr.split()[-3:]
    return float(user) + float(system), int(rss) / 1024


def fit(rows):
    """Least squares for CPU = a * x1 + b * x2 (two unknowns, normal equations)."""
    s11 = sum(x1 * x1 for x1, _, _ in rows)
    s12 = sum(x1 * x2 for x1, x2, _ in rows)
    s22 = sum(x2 * x2 for _, x2, _ in rows)
    t1 = sum(x1 * y for x1, _, y in rows)
    t2 = sum(x2 * y for _, x2, y in rows)
    det = s11 * s22 - s12 * s12
    return (t1 * s22 - t2 * s12) / det, (s11 * t2 - s12 * t1) / det


def main():
    binary = sys.argv[1]
    out_dir = sys.argv[2] if len(sys.argv) > 2 else "/tmp/tandem_cost_model"
    os.makedirs(out_dir, exist_ok=True)
    print(f"load average before: {os.getloadavg()}", flush=True)
    rows = []
    measured = []
    for offerings, resources, days, scenarios in POINTS:
        cpu, rss = run(binary, out_dir, offerings, resources, days, scenarios)
        size = offerings + resources
        work = scenarios * (days + TAIL_DAYS) * size
        rows.append((size, work, cpu))
        measured.append((offerings, resources, days, scenarios, cpu, rss))
        print(f"measured {offerings} {resources} {days} {scenarios}: {cpu:.1f} s, {rss:.0f} MB",
              flush=True)
    a, b = fit(rows)
    print(f"fit: a = {a * 1e6:.1f} us per (offering or resource), "
          f"b = {b * 1e9:.1f} ns per scenario x step x (offering or resource)")
    print("| offerings | resources | days (+ 10 tail) | scenarios | CPU (s) | model (s) | error | peak RSS |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (offerings, resources, days, scenarios, cpu, rss), (x1, x2, _) in zip(measured, rows):
        model = a * x1 + b * x2
        print(f"| {offerings:,} | {resources:,} | {days} | {scenarios} | {cpu:.1f} | {model:.1f} | "
              f"{(model - cpu) / cpu * 100:+.0f}% | {rss:.0f} MB |")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
