"""The Python module's costs against the CLI (docs/python.md, "Cost"): the import time, and one
check of a scenario through tandem.check against `tandem check --json`, in CPU seconds (user +
system, every thread). The two alternate and each figure is the minimum over the rounds: the
machine is shared, and the minimum is the run least disturbed.

Usage: PYTHONPATH=build/python /usr/bin/python3 bench/python_module.py build/tandem \
           examples/greenleaf.yaml [ROUNDS] [THREADS]
"""

import json
import os
import resource
import subprocess
import sys
import time


def cpu_self():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_seconds():
    """Wall time of `import tandem` in a fresh interpreter, as -X importtime reports it."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", "import tandem"],
                         capture_output=True, text=True, check=True, env=os.environ)
    line = [l for l in run.stderr.splitlines() if l.rstrip().endswith("| tandem")][-1]
    return int(line.split("|")[1]) / 1e6  # cumulative microseconds


def main():
    binary, scenario = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    imports = [import_seconds() for _ in range(rounds)]
    import tandem  # noqa: E402  (after the fresh-interpreter measurements)

    module_cpu, module_wall, cli_cpu, cli_wall = [], [], [], []
    for _ in range(rounds):
        start_cpu, start_wall = cpu_self(), time.perf_counter()
        result = tandem.check(scenario, threads=threads)
        module_cpu.append(cpu_self() - start_cpu)
        module_wall.append(time.perf_counter() - start_wall)
        start_cpu, start_wall = cpu_children(), time.perf_counter()
        run = subprocess.run([binary, "check", scenario, "--json", "--threads", str(threads)],
                             capture_output=True, text=True)
        cli_cpu.append(cpu_children() - start_cpu)
        cli_wall.append(time.perf_counter() - start_wall)
        assert run.returncode in (0, 1, 2), run.stderr
        assert json.loads(run.stdout) == result, "the module and the CLI disagree"
    print(f"scenario: {scenario}, {result['scenarios']} scenarios, threads {threads}, "
          f"min of {rounds} rounds")
    print(f"import tandem:  {min(imports) * 1000:.1f} ms wall")
    print(f"tandem.check:   {min(module_cpu):.3f} s CPU, {min(module_wall):.3f} s wall")
    print(f"tandem check:   {min(cli_cpu):.3f} s CPU, {min(cli_wall):.3f} s wall (process)")


if __name__ == "__main__":
    main()
