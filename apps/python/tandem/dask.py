"""The check spread over Dask distributed (docs/scale-out.md).

    /usr/bin/python3 -m tandem.dask check FILE [--scheduler ADDRESS | --local N] [--json]
                                    [--scenarios N] [--seed S] [--campaign ID]
                                    [--mode fluid|orders] [--series] [--blocks K]

prints what `tandem check FILE` prints (with --json the same JSON, byte for byte) and exits as it
does: 0 go, 1 at-risk, 2 no-go, 3 bad input, 4 internal error. The Monte Carlo scenarios are cut
into blocks aligned to the engine's chunks of 16 (by default one per worker thread of the
cluster); each worker simulates its blocks (tandem.check_block), and this process merges them
and summarises (tandem.merge_check_blocks): percentiles, p_kept and explanations come from the
per-scenario figures of every block, so the result does not depend on the blocks or workers.
When the catalogue has several components of the resource graph (offerings and resources that
share no resource), the blocks are groups of components (one group per worker thread) times
blocks of scenarios (--blocks K, default 1): a worker then compiles one component at a time.

--local N starts a LocalCluster of N worker processes of one thread each; --scheduler ADDRESS
uses a running cluster, whose workers must import this tandem package and read FILE at the same
absolute path (and its history files). Without either: --local 1.

As a library: tandem.dask.check(client, path, json=True, blocks=None, **check_options) returns
(text, exit code); run_blocks(client, path, plan, ...) runs a plan of plan_blocks(...) or of
blocks_of(scenarios, n).
"""

import argparse
import logging
import os
import sys

import tandem

CHUNK = 16  # the engine's chunk of scenarios (tandem/engine/check_blocks.h)


def blocks_of(scenarios, parts):
    """[(first, count)]: `parts` (at most one per chunk) contiguous blocks of the scenarios, in
    whole chunks but for the last, their sizes differing by at most one chunk."""
    chunks = (scenarios + CHUNK - 1) // CHUNK
    parts = max(1, min(parts, chunks))
    out = []
    first_chunk = 0
    for part in range(parts):
        end_chunk = first_chunk + chunks // parts + (1 if part < chunks % parts else 0)
        first = first_chunk * CHUNK
        out.append((first, min(scenarios, end_chunk * CHUNK) - first))
        first_chunk = end_chunk
    return out


def groups_of(components, parts):
    """[[component]]: `parts` (at most one per component) groups of consecutive components,
    their sizes differing by at most one."""
    parts = max(1, min(parts, components))
    out = []
    first = 0
    for part in range(parts):
        end = first + components // parts + (1 if part < components % parts else 0)
        out.append(list(range(first, end)))
        first = end
    return out


def _run_block(path, first, count, components, options):
    """A worker's task: the blobs of scenarios [first, first + count), on one thread: of the
    whole scenario (components None), or of each of `components` (the scenario read once, and
    compiled one component at a time)."""
    if components is None:
        return [tandem.check_block(path, first, count, threads=1, **options)]
    return tandem.check_component_blocks(path, first, count, components, threads=1, **options)


def check(client, path, *, json=True, blocks=None, **options):
    """The check of `path` over `client`'s workers: (text, exit code). `options`: check()'s
    scenarios, seed, campaign, mode, series. `blocks`: how many (default: the cluster's worker
    threads). Raises tandem.Error on bad input."""
    path = os.path.abspath(os.fspath(path))
    scenario = tandem.read_scenario(path)  # read once here: to plan, then to merge
    plan = plan_blocks(scenario, _threads(client), blocks, **options)
    return run_blocks(client, path, plan, json=json, scenario=scenario, **options)


def plan_blocks(scenario, threads, blocks=None, **options):
    """The tasks [(first, count, components)]: along the components of the resource graph when
    the check splits into several (tandem.check_components), `threads` groups of them, each over
    `blocks` blocks of scenarios (default 1); else `blocks` (default `threads`) blocks of
    scenarios of the whole scenario (components None)."""
    scenarios = tandem.check_scenarios(scenario, **options)
    components = tandem.check_components(scenario, **options)
    if components < 2:
        return [(first, count, None) for first, count in blocks_of(scenarios, blocks or threads)]
    return [
        (first, count, group)
        for group in groups_of(components, threads)
        for first, count in blocks_of(scenarios, blocks or 1)
    ]


def run_blocks(client, path, plan, *, json=True, scenario=None, **options):
    """Simulates the tasks `plan` ([(first, count, components)] covering the scenarios and, with
    components, every component: plan_blocks; or [(first, count)] of the whole scenario) on the
    workers and merges them here: (text, exit code). `path`: absolute, as the workers read it;
    `scenario`: the tandem.Scenario read from it here, if already read (else the merge reads
    it)."""
    plan = [task if len(task) == 3 else (task[0], task[1], None) for task in plan]
    futures = client.map(
        _run_block,
        [path] * len(plan),
        [first for first, _, _ in plan],
        [count for _, count, _ in plan],
        [components for _, _, components in plan],
        options=options,
        pure=False,
    )
    blobs = [blob for task_blobs in client.gather(futures) for blob in task_blobs]
    return tandem.merge_check_blocks(scenario or path, blobs, json=json, **options)


def _threads(client):
    return max(1, sum(client.nthreads().values()))


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # bad usage is bad input, as the CLI's exit code 3
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(3)


def _parse(argv):
    parser = _Parser(prog="python3 -m tandem.dask", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    command = commands.add_parser("check", help="check a scenario's promises over Dask")
    command.add_argument("file", help="scenario file (YAML or JSON)")
    where = command.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler")
    where.add_argument("--local", metavar="N", type=int, help="a LocalCluster of N processes")
    command.add_argument("--json", action="store_true", help="print the JSON contract")
    command.add_argument("--scenarios", type=int, help="Monte Carlo scenarios (1..1,000,000)")
    command.add_argument("--seed", type=int, help="random seed")
    command.add_argument("--campaign", help="report only this campaign")
    command.add_argument("--mode", choices=["fluid", "orders"], default="fluid")
    command.add_argument("--series", action="store_true", help="with --json: the series too")
    command.add_argument("--blocks", type=int,
                         help="blocks of scenarios (default: one a worker; 1 along components)")
    args = parser.parse_args(argv)
    if args.local is not None and not 1 <= args.local <= 256:
        parser.error("--local: 1 to 256 worker processes")
    if args.blocks is not None and args.blocks < 1:
        parser.error("--blocks: at least 1")
    return args


def _error_text(error):
    """The CLI's message: an option named by its flag (--scenarios: ...)."""
    text = str(error)
    option = getattr(error, "option", None)
    if option and text.startswith(option + ": "):
        text = "--" + option.replace("_", "-") + ": " + text[len(option) + 2 :]
    return text


def _cluster(args):
    """(client, cluster): a client of the scheduler, or of a new LocalCluster (then also it)."""
    from distributed import Client, LocalCluster

    if args.scheduler:
        return Client(args.scheduler), None
    cluster = LocalCluster(
        n_workers=args.local or 1,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        memory_limit=0,  # no pausing or restarts: a big catalogue's worker holds its model
        silence_logs=logging.ERROR,
    )
    return Client(cluster), cluster


def main(argv=None):
    args = _parse(argv)
    options = {"scenarios": args.scenarios, "seed": args.seed, "campaign": args.campaign}
    options.update(mode=args.mode, series=args.series)
    try:
        # Bad input is reported before a cluster starts, with the CLI's words (the relative path).
        scenario = tandem.read_scenario(args.file)  # once: to plan, then to merge
        tandem.check_scenarios(scenario, **options)
        client, cluster = _cluster(args)
        try:
            plan = plan_blocks(scenario, _threads(client), args.blocks, **options)
            path = os.path.abspath(args.file)
            text, code = run_blocks(client, path, plan, json=args.json, scenario=scenario,
                                    **options)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    except tandem.Error as error:
        sys.stderr.write(_error_text(error) + "\n")
        return 3
    except tandem.InternalError as error:
        sys.stderr.write(str(error) + "\n")
        return 4
    sys.stdout.write(text)
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    import tandem.dask as _library  # tasks pickled by reference to tandem.dask, not __main__

    sys.exit(_library.main())
