#!/usr/bin/env python3
"""Fidelity: fluid mode against order-level mode (and closed forms where there are some).

Runs `tandem check --json` in both modes on every shipped example and every scenario test that
checks (test/scenarios/**/*.test, not the input errors), with the options its expectations set
(`option scenarios N`, `option seed S`, `option campaign ID`), and tabulates, per time or
availability promise, the median achieved share and p_kept of each mode. Scenario tests with a
header line `# closed-form: <path> <value> <label>` add the closed form (M/M/1, Erlang C).

Writes the table to OUT (Markdown) and, with --docs FILE, replaces the part of FILE between
`<!-- fidelity:begin -->` and `<!-- fidelity:end -->` with it.

Usage: fidelity.py BUILD_DIR SOURCE_DIR OUT [--docs docs/performance.md]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import doc_table  # bench/doc_table.py

TOLERANCE = 0.02  # two percentage points


def scenario_tests(source):
    root = os.path.join(source, "test", "scenarios")
    for folder, _, files in sorted(os.walk(root)):
        if os.sep + "errors" in folder or folder.endswith("errors"):
            continue
        for name in sorted(files):
            if name.endswith(".test"):
                yield os.path.join(folder, name)


def split_test(path):
    """The scenario text, the CLI options and the closed forms of a .test file."""
    text = open(path).read()
    scenario, _, expectations = text.partition("\n----\n")
    options = []
    for line in expectations.splitlines():
        words = line.split()
        if len(words) >= 3 and words[0] == "option" and words[1] in ("scenarios", "seed", "campaign"):
            options += ["--" + words[1], words[2]]
    closed = {}
    for line in scenario.splitlines():
        match = re.match(r"#\s*closed-form:\s*(\S+)\s+(\S+)\s+(.*)", line)
        if match:
            closed[match.group(1)] = (float(match.group(2)), match.group(3).strip())
    differ = any(line.strip() == "modes differ" for line in expectations.splitlines())
    return scenario + "\n", options, closed, differ


def run_check(tandem, path, mode, options):
    started = time.monotonic()
    result = subprocess.run([tandem, "check", path, "--json", "--mode", mode] + options,
                            capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if result.returncode not in (0, 1, 2):
        raise RuntimeError(f"{path} ({mode}): exit {result.returncode}: {result.stderr}")
    return json.loads(result.stdout), elapsed


def promises(output):
    """(path, promise) for every promise with a measured share (time and availability)."""
    found = []
    for c, campaign in enumerate(output.get("campaigns", [])):
        for p, promise in enumerate(campaign.get("promises", [])):
            found.append((f"campaigns[{c}].promises[{p}]", campaign["id"], promise))
    for p, promise in enumerate(output.get("messaging", [])):
        found.append((f"messaging[{p}]", "messaging", promise))
    measured = ("delivery", "processing", "response", "availability")
    return [item for item in found if item[2].get("type") in measured and item[2].get("achieved")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("source")
    parser.add_argument("out")
    parser.add_argument("--docs")
    args = parser.parse_args()
    tandem = os.path.join(args.build, "tandem")

    cases = []  # (label, yaml path, options, closed forms, modes differ)
    with tempfile.TemporaryDirectory() as scratch:
        for name in sorted(os.listdir(os.path.join(args.source, "examples"))):
            if name.endswith(".yaml"):
                cases.append((f"examples/{name}", os.path.join(args.source, "examples", name), [], {}, False))
        for path in scenario_tests(args.source):
            scenario, options, closed, differ = split_test(path)
            label = os.path.relpath(path, os.path.join(args.source, "test", "scenarios"))
            yaml_path = os.path.join(scratch, label.replace(os.sep, "_") + ".yaml")
            with open(yaml_path, "w") as out:
                out.write(scenario)
            cases.append((label, yaml_path, options, closed, differ))

        rows = []
        seconds = {"fluid": 0.0, "orders": 0.0}
        for label, path, options, closed, differ in cases:
            fluid, fluid_seconds = run_check(tandem, path, "fluid", options)
            orders, orders_seconds = run_check(tandem, path, "orders", options)
            seconds["fluid"] += fluid_seconds
            seconds["orders"] += orders_seconds
            for (where, owner, a), (_, _, b) in zip(promises(fluid), promises(orders)):
                rows.append({
                    "case": label, "where": where, "owner": owner, "type": a["type"],
                    "text": a.get("text", ""), "share": a.get("target"),
                    "fluid": a["achieved"]["p50"], "orders": b["achieved"]["p50"],
                    "fluid_kept": a.get("p_kept"), "orders_kept": b.get("p_kept"),
                    "closed": closed.get(where), "differ": differ,
                })
            print(f"{label}: fluid {fluid_seconds:.2f} s, orders {orders_seconds:.2f} s", file=sys.stderr)

    lines = []
    w = lines.append
    w("| scenario | promise | fluid p50 | orders p50 | difference (points) | closed form | "
      "p_kept fluid | p_kept orders |")
    w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    over = 0
    for row in rows:
        difference = 100 * (row["orders"] - row["fluid"])
        flag = ""
        if abs(difference) > 100 * TOLERANCE:
            over += 1
            flag = " **(a)**" if row["differ"] else " **(b)**"
        closed = ""
        if row["closed"]:
            closed = f"{row['closed'][0]:.4f} ({row['closed'][1]})"
        kept = lambda value: "" if value is None else f"{value:.3f}"
        w(f"| {row['case']} | {row['owner']}: {row['text']} | {row['fluid']:.4f} | {row['orders']:.4f} | "
          f"{difference:+.1f}{flag} | {closed} | {kept(row['fluid_kept'])} | {kept(row['orders_kept'])} |")
    w("")
    w(f"{len(rows)} promises in {len(cases)} scenarios; {over} differ by more than two points. "
      f"Total time of the runs above: fluid {seconds['fluid']:.1f} s, order-level {seconds['orders']:.1f} s "
      f"(one run each, `tandem check --json`).")
    table = "\n".join(lines) + "\n"
    doc_table.publish(table, args.out, args.docs, "fidelity")


if __name__ == "__main__":
    main()
