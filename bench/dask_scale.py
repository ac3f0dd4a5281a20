#!/usr/bin/env python3
"""The check of a large catalogue over Dask: `tandem check --json` against `python3 -m
tandem.dask`'s check on LocalClusters of 1, 2, ... worker processes (docs/performance.md,
"Scale-out over Dask"). For each: wall time, CPU (user + system) of the merging process and of
each worker, peak RSS of each, and whether the JSON is the CLI's byte for byte. The load average
is recorded before and after: the machine is shared.

Usage (from the source tree, after `make python`):
    python3 bench/make_catalogue.py > /tmp/catalogue.yaml
    PYTHONPATH=build/python /usr/bin/python3 bench/dask_scale.py build/tandem /tmp/catalogue.yaml \
        --scenarios 128 --workers 1 2
"""
import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import time


def cpu_seconds(usage):
    return usage.ru_utime + usage.ru_stime


def worker_usage():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu": cpu_seconds(usage), "rss_mb": usage.ru_maxrss / 1024}


def one_run(args):
    """In a fresh process (peak RSS is a high-water mark): one cluster, one check."""
    from distributed import Client, LocalCluster

    import tandem.dask

    cluster = LocalCluster(n_workers=args.one, processes=True, threads_per_worker=1,
                           dashboard_address=None, memory_limit=0, silence_logs=logging.ERROR)
    client = Client(cluster)
    before = cpu_seconds(resource.getrusage(resource.RUSAGE_SELF))
    start = time.monotonic()
    text, code = tandem.dask.check(client, args.file, scenarios=args.scenarios)
    wall = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    workers = list(client.run(worker_usage).values())
    client.close()
    cluster.close()
    with open(args.out, "w") as out:
        out.write(text)
    print(json.dumps({"workers": args.one, "wall": wall, "code": code,
                      "driver_cpu": cpu_seconds(usage) - before,
                      "driver_rss_mb": usage.ru_maxrss / 1024, "worker": workers}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("file")
    parser.add_argument("--scenarios", type=int, default=128)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_run(args)
        return
    print(f"load average before: {os.getloadavg()}", flush=True)
    start = time.monotonic()
    cli = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", args.binary, "check", args.file,
                          "--json", "--threads", "1", "--scenarios", str(args.scenarios)],
                         capture_output=True, text=True)
    wall = time.monotonic() - start
    user, system, rss = cli.stderr.split()[-3:]
    print("| run | wall (s) | CPU, user + system (s) | peak RSS per worker | peak RSS, merging "
          "process | JSON |\n| --- | --- | --- | --- | --- | --- |")
    print(f"| CLI `tandem check --json --threads 1` | {wall:.1f} | {float(user) + float(system):.1f}"
          f" | — | {int(rss) / 1024:.0f} MB | reference |", flush=True)
    for workers in args.workers:
        out = f"/tmp/dask_scale_{os.getpid()}_{workers}.json"
        run = subprocess.run([sys.executable, __file__, args.binary, args.file, "--scenarios",
                              str(args.scenarios), "--one", str(workers), "--out", out],
                             capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stderr)
            sys.exit(1)
        figures = json.loads(run.stdout.splitlines()[-1])
        with open(out) as produced:
            same = produced.read() == cli.stdout
        os.unlink(out)
        cpus = " + ".join(f"{w['cpu']:.1f}" for w in figures["worker"])
        rss = ", ".join(f"{w['rss_mb']:.0f} MB" for w in figures["worker"])
        print(f"| `tandem.dask`, LocalCluster of {workers} | {figures['wall']:.1f} | "
              f"{figures['driver_cpu']:.1f} (merge) + {cpus} (workers) | {rss} | "
              f"{figures['driver_rss_mb']:.0f} MB (merge) | "
              f"{'same bytes' if same and figures['code'] == cli.returncode else 'DIFFERENT'} |",
              flush=True)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
