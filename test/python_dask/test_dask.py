"""The check over Dask distributed (docs/scale-out.md) against the CLI.

`python3 -m tandem.dask check FILE --json` must print exactly the bytes `tandem check FILE --json`
prints, whatever the number of workers and blocks: the expected output is the CLI's own, an
independent front end over the same library. One LocalCluster of two worker processes serves the
module (starting one costs seconds); the command line is run twice on its own clusters (--local 1
and --local 2).

Run by ctest (python/dask) with PYTHONPATH=build/python, TANDEM_BINARY and TANDEM_SOURCE_DIR;
by hand: PYTHONPATH=build/python TANDEM_BINARY=build/tandem /usr/bin/python3 -m pytest \
    test/python_dask
"""

import logging
import os
import pathlib
import subprocess
import sys

import pytest
from distributed import Client, LocalCluster

import tandem
import tandem.dask

SOURCE = pathlib.Path(os.environ.get("TANDEM_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
BINARY = os.environ.get("TANDEM_BINARY", str(SOURCE / "build" / "tandem"))
SHARED = pathlib.Path("/work/shared/examples")
EXAMPLES = sorted(SOURCE.glob("examples/*.yaml")) + sorted(SHARED.glob("*.yaml"))
SUPPORT = SOURCE / "examples" / "support-launch.yaml"


def cli(*args):
    """(stdout, exit code) of `tandem ARGS`."""
    run = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True)
    assert run.returncode in (0, 1, 2), (run.returncode, run.stderr)
    return run.stdout, run.returncode


def dask_cli(*args):
    """The run of `python3 -m tandem.dask ARGS`."""
    return subprocess.run(
        [sys.executable, "-m", "tandem.dask", *map(str, args)], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    with Client(cluster) as client:
        yield client
    cluster.close()


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """A generated catalogue with several connected components and campaigns."""
    path = tmp_path_factory.mktemp("catalogue") / "catalogue.yaml"
    text = subprocess.run(
        [sys.executable, SOURCE / "bench" / "make_catalogue.py", "--offerings", "400",
         "--resources", "40", "--campaigns", "3", "--scenarios", "100"],
        capture_output=True, text=True, check=True,
    ).stdout
    path.write_text(text)
    return path


def test_blocks_cover_the_scenarios_in_whole_chunks():
    for scenarios in (1, 15, 16, 17, 100, 1000):
        for parts in (1, 2, 3, 7, 200):
            blocks = tandem.dask.blocks_of(scenarios, parts)
            assert blocks[0][0] == 0
            for (first, count), (after, _) in zip(blocks, blocks[1:]):
                assert first % 16 == 0 and count % 16 == 0 and first + count == after
            assert sum(count for _, count in blocks) == scenarios
            assert len(blocks) == min(parts, (scenarios + 15) // 16)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: str(path))
def test_examples_equal_cli(client, path):
    expected, code = cli("check", path, "--json")
    for blocks in (1, 3):
        assert tandem.dask.check(client, path, blocks=blocks) == (expected, code), blocks


def test_catalogue_equals_cli(client, catalogue):
    expected, code = cli("check", catalogue, "--json")
    assert '"verdict": "at-risk"' in expected or '"verdict": "no-go"' in expected
    for blocks in (2, 5):
        assert tandem.dask.check(client, catalogue, blocks=blocks) == (expected, code), blocks


def test_catalogue_splits_along_components(client, catalogue):
    # 400 offerings over 40 resources: 10 sites that share nothing. The tasks are groups of
    # components (one per worker thread) times blocks of scenarios, and the merge of their
    # per-component blobs is the CLI's JSON, byte for byte, and with the series too.
    scenario = tandem.read_scenario(catalogue)
    assert tandem.check_components(scenario) == 10
    assert tandem.check_components(SUPPORT) == 1  # one component: blocks of scenarios only
    plan = tandem.dask.plan_blocks(scenario, 2, 3)
    assert sorted({tuple(group) for _, _, group in plan}) == [(0, 1, 2, 3, 4), (5, 6, 7, 8, 9)]
    assert len(plan) == 6
    for args, options in ((["--json"], {}), (["--json", "--series", "--seed", "4"], {"series": True, "seed": 4})):
        expected = cli("check", catalogue, *args)
        for blocks in (1, 3):
            text = tandem.dask.check(client, catalogue, blocks=blocks, **options)
            assert text == expected, (args, blocks)


def test_options_equal_cli(client):
    # The series, one campaign, order-level mode and the text report come through the merge too.
    for args, options in (
        (["--json", "--series", "--seed", "3", "--scenarios", "100"], {"series": True, "seed": 3}),
        (["--json", "--campaign", "launch", "--scenarios", "100"], {"campaign": "launch"}),
        (["--json", "--mode", "orders", "--scenarios", "20"], {"mode": "orders", "scenarios": 20}),
        (["--scenarios", "100"], {"json": False}),
    ):
        options.setdefault("scenarios", 100)
        expected = cli("check", SUPPORT, *args)
        assert tandem.dask.check(client, SUPPORT, blocks=3, **options) == expected, args


@pytest.mark.parametrize("workers", [1, 2])
def test_command_line_equals_cli(workers, catalogue):
    for path in (SUPPORT, catalogue):
        expected, code = cli("check", path, "--json")
        run = dask_cli("check", path, "--local", workers, "--json")
        assert (run.stdout, run.returncode) == (expected, code), run.stderr


def test_bad_input_exits_3_with_the_cli_message(tmp_path):
    missing = tmp_path / "missing.yaml"
    for args in ([missing], [SUPPORT, "--campaign", "nope"], [SUPPORT, "--seed", "2", "--mode", "orders", "--campaign", "x"]):
        expected = subprocess.run([BINARY, "check", *map(str, args)], capture_output=True, text=True)
        assert expected.returncode == 3
        run = dask_cli("check", *args, "--local", 1)
        assert (run.returncode, run.stderr) == (3, expected.stderr)
    # Out of range: exit code 3 too (the CLI's wording of a flag's range is CLI11's).
    assert dask_cli("check", SUPPORT, "--scenarios", 0).returncode == 3
    assert dask_cli("check", SUPPORT, "--local", 0).returncode == 3


def test_a_scenario_read_once_serves_every_call(tmp_path):
    scenario = tandem.read_scenario(SUPPORT)
    options = {"scenarios": 40, "seed": 5}
    assert tandem.check_scenarios(scenario, **options) == 40
    blocks = [tandem.check_block(scenario, 0, 32, **options), tandem.check_block(SUPPORT, 32, 8, **options)]
    assert tandem.merge_check_blocks(scenario, blocks, **options) == cli(
        "check", SUPPORT, "--json", "--scenarios", 40, "--seed", 5
    )
    with pytest.raises(tandem.Error, match="cannot open the scenario file"):
        tandem.read_scenario(tmp_path / "missing.yaml")


def test_merge_refuses_blocks_that_do_not_make_the_check():
    options = {"scenarios": 48, "seed": 5}
    blocks = [tandem.check_block(SUPPORT, first, 16, **options) for first in (0, 16, 32)]
    assert tandem.merge_check_blocks(SUPPORT, blocks[::-1], **options) == tandem.merge_check_blocks(
        SUPPORT, blocks, **options
    )
    other_seed = tandem.check_block(SUPPORT, 32, 16, scenarios=48, seed=6)
    for wrong in (blocks[:2], blocks + blocks[:1], blocks[:2] + [other_seed],
                  blocks[:2] + [blocks[2][:-1]], blocks[:2] + [b"not a block"]):
        with pytest.raises(tandem.Error, match="a block of the check does not fit it"):
            tandem.merge_check_blocks(SUPPORT, wrong, **options)
    for first, count in ((8, 16), (0, 20), (32, 32), (-16, 16)):
        with pytest.raises(tandem.Error, match="not a block of the check"):
            tandem.check_block(SUPPORT, first, count, **options)
