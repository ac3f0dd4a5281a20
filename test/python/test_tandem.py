"""The Python module (docs/python.md) against the CLI on the shipped examples.

The CLI's JSON is the module's contract: each call must give exactly what `tandem ... --json`
prints, parsed, for the same scenario, seed and scenario count. The expected figures are the
CLI's own output, an independent front end over the same library; the tests would fail if the
module read the scenario differently, passed an option wrongly, or rendered on its own.

Run by ctest (python/module) with PYTHONPATH=build/python, TANDEM_BINARY and TANDEM_SOURCE_DIR;
by hand: PYTHONPATH=build/python TANDEM_BINARY=build/tandem /usr/bin/python3 -m pytest test/python
"""

import gc
import json
import os
import pathlib
import subprocess
import sys
import threading

import numpy
import pytest
import yaml

import tandem

SOURCE = pathlib.Path(os.environ.get("TANDEM_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
BINARY = os.environ.get("TANDEM_BINARY", str(SOURCE / "build" / "tandem"))
GREENLEAF = SOURCE / "examples" / "greenleaf.yaml"
ACTUALS = SOURCE / "examples" / "actuals" / "greenleaf-day2"
# Few scenarios keep the suite short; the comparison is exact whatever the count.
SCENARIOS = 120
SEED = 7


def cli(*args, codes=(0, 1, 2)):
    """The CLI's stdout parsed as JSON; its exit code must be one of `codes`."""
    run = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True)
    assert run.returncode in codes, (run.returncode, run.stderr)
    return json.loads(run.stdout)


def cli_error(*args):
    """The CLI's message for bad input (exit code 3)."""
    run = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True)
    assert run.returncode == 3, (run.returncode, run.stdout)
    return run.stderr.rstrip("\n")


@pytest.fixture(scope="module")
def check_with_series():
    return tandem.check(GREENLEAF, scenarios=SCENARIOS, seed=SEED, series=True)


def test_check_equals_cli():
    expected = cli("check", GREENLEAF, "--json", "--scenarios", SCENARIOS, "--seed", SEED)
    assert tandem.check(str(GREENLEAF), scenarios=SCENARIOS, seed=SEED, threads=2) == expected


def test_check_campaign_and_orders_mode_equal_cli():
    # Order-level mode simulates every order: a handful of scenarios is enough to compare.
    expected = cli("check", GREENLEAF, "--json", "--scenarios", 4, "--seed", SEED,
                   "--campaign", "spring-40", "--mode", "orders")
    got = tandem.check(GREENLEAF, scenarios=4, seed=SEED, campaign="spring-40", mode="orders")
    assert got == expected
    assert [c["id"] for c in got["campaigns"]] == ["spring-40"]


def test_dict_input_equals_file_input():
    # The example's YAML read by PyYAML: dates become datetime.date (the module writes them back
    # by isoformat()), quoted times stay strings. The same scenario must give the same check.
    scenario = yaml.safe_load(GREENLEAF.read_text())
    assert isinstance(scenario["horizon"]["start"], __import__("datetime").date)
    from_dict = tandem.check(scenario, scenarios=SCENARIOS, seed=SEED)
    from_file = tandem.check(GREENLEAF, scenarios=SCENARIOS, seed=SEED)
    assert from_dict == from_file


def test_bad_scenario_raises_with_file_and_line(tmp_path):
    # An unknown key inserted as line 4 of the file (lines 1-2 comments, 3 `tandem: 1`): the
    # reader names the file, line 4, column 1 and the key, exactly as the CLI prints it.
    bad = tmp_path / "bad.yaml"
    lines = GREENLEAF.read_text().splitlines()
    assert lines[2].startswith("tandem: 1") and lines[3].startswith("name:")
    lines.insert(3, "colour: green")
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(tandem.Error) as raised:
        tandem.check(bad, scenarios=SCENARIOS, seed=SEED)
    message = str(raised.value)
    assert message == cli_error("check", bad, "--json", "--scenarios", SCENARIOS)
    assert message.startswith(f"{bad}:4:1: colour: ")
    assert isinstance(raised.value, ValueError)
    assert raised.value.kind == "invalid_input" and raised.value.option is None
    first = raised.value.diagnostics[0]
    assert (first["file"], first["line"], first["column"], first["key"]) == (str(bad), 4, 1, "colour")


def test_bad_dict_raises_naming_the_key():
    scenario = yaml.safe_load(GREENLEAF.read_text())
    scenario["resources"][0]["capacity"] = "lots"
    with pytest.raises(tandem.Error) as raised:
        tandem.check(scenario, scenarios=SCENARIOS)
    # No line: it would point into the JSON made of the dict, which the caller never sees.
    assert str(raised.value).startswith("<dict>: resources[0].capacity: ")
    assert raised.value.diagnostics[0]["line"] == 0


def test_dict_history_files_are_read_from_folder(tmp_path, monkeypatch):
    # test/scenarios/errors/history_bad_rows.test as a dict: its history file, named relative to
    # `folder`, is read, and its problems keep the CSV's name and line (lines 4, 6, 8, 10, 11 of
    # history/bad_rows.csv, as that test's expectations say).
    scenario = {"tandem": 1, "name": "t", "horizon": {"start": "2027-03-01", "end": "2027-03-31"},
                "offerings": [{"id": "a", "price": 1, "stocked": False,
                               "baseline": {"history": "history/bad_rows.csv"}}]}
    with pytest.raises(tandem.Error) as raised:
        tandem.check(scenario, folder=str(SOURCE / "test" / "scenarios" / "errors"))
    places = [(d["file"], d["line"]) for d in raised.value.diagnostics]
    assert places == [("history/bad_rows.csv", line) for line in (4, 6, 8, 10, 11)]
    assert str(raised.value).startswith("history/bad_rows.csv:4: offerings[0].baseline.history: "
                                        "'lots' is not a count of units")
    # Without `folder`, the working directory: no such file there.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(tandem.Error) as raised:
        tandem.check(scenario)
    assert str(raised.value).startswith(
        "<dict>: offerings[0].baseline.history: cannot read 'history/bad_rows.csv'")


def test_bad_options_raise_like_the_cli():
    with pytest.raises(tandem.Error) as raised:
        tandem.check(GREENLEAF, scenarios=0)
    # The CLI refuses 0 in its argument parser (its own words); the library's message, with the
    # keyword argument in front, is the module's.
    assert str(raised.value).startswith("scenarios: simulating 0 scenarios is out of range")
    assert raised.value.option == "scenarios"
    with pytest.raises(tandem.Error) as raised:
        tandem.check(GREENLEAF, scenarios=SCENARIOS, campaign="winter")
    expected = cli_error("check", GREENLEAF, "--scenarios", SCENARIOS, "--campaign", "winter")
    assert "--campaign: " + str(raised.value)[len("campaign: "):] == expected
    with pytest.raises(tandem.Error) as raised:
        tandem.follow_up(GREENLEAF, actuals=ACTUALS, as_of="yesterday")
    expected = cli_error("follow-up", GREENLEAF, "--actuals", ACTUALS, "--as-of", "yesterday")
    assert "--as-of: " + str(raised.value)[len("as_of: "):] == expected
    with pytest.raises(tandem.Error):
        tandem.check(GREENLEAF, mode="exact")
    with pytest.raises(tandem.Error) as raised:
        tandem.check(SOURCE / "examples" / "no-such.yaml")
    assert raised.value.kind == "io"
    with pytest.raises(TypeError):
        tandem.check(42)


def test_series_dict_equals_cli_with_series(check_with_series):
    result, _ = check_with_series
    expected = cli("check", GREENLEAF, "--json", "--series", "--scenarios", SCENARIOS, "--seed",
                   SEED)
    assert result == expected


def close_to_json(array, values, decimals):
    """The arrays hold the engine's figures; the JSON rounds them to `decimals` places, so each
    must lie within half a unit of the last place of its JSON value."""
    assert array.shape == (len(values),)
    assert numpy.all(numpy.abs(array - numpy.array(values)) <= 0.5 * 10.0**-decimals + 1e-9)


def test_series_arrays_match_the_json(check_with_series):
    result, series = check_with_series
    # Resource calendars: one value per day of the horizon and tail (days from `first`).
    assert [r["id"] for r in series["resources"]] == [r["id"] for r in result["resources"]]
    # Calendars are for throughput resources: greenleaf's pick-pack, returns-desk and support (not
    # the yard, a space, nor marketing, a budget).
    assert [r["id"] for r in series["resources"]] == ["pick-pack", "returns-desk", "support"]
    for arrays, calendar in zip(series["resources"], result["resources"]):
        assert arrays["first"] == calendar["first"]
        for key in ("capacity", "arrivals", "backlog"):
            assert arrays[key].dtype == numpy.float64
            close_to_json(arrays[key], calendar[key], 1)
    # Lead-time distributions, per promise (None for promises without one).
    compared = 0
    for arrays, campaign in zip(series["campaigns"], result["campaigns"]):
        assert arrays["id"] == campaign["id"]
        assert len(arrays["lead_times"]) == len(campaign["promises"])
        for share, promise in zip(arrays["lead_times"], campaign["promises"]):
            if "lead_times" not in promise:
                assert share is None
                continue
            close_to_json(share, promise["lead_times"]["share"], 5)
            compared += 1
        # Daily throughput series, strided views over the days.
        checks = [c for c in campaign["checks"] if c["type"] == "throughput" and "days" in c]
        assert [t["resource"] for t in arrays["throughput"]] == [c["resource"] for c in checks]
        for daily, check in zip(arrays["throughput"], checks):
            days = check["days"]
            assert daily["first"] == days[0]["date"]
            close_to_json(daily["capacity"], [d["capacity"] for d in days], 1)
            close_to_json(daily["arrivals_without"], [d["arrivals_without"] for d in days], 1)
            close_to_json(daily["backlog_without"], [d["backlog_without"] for d in days], 1)
            for spread in ("arrivals", "backlog"):
                for p in ("p5", "p50", "p95"):
                    close_to_json(daily[spread][p], [d[spread][p] for d in days], 1)
            compared += 1
    for share, promise in zip(series["messaging"], result["messaging"]):
        if share is not None:
            close_to_json(share, promise["lead_times"]["share"], 5)
    assert compared > 0


def test_series_arrays_are_views_that_keep_the_result_alive():
    _, series = tandem.check(GREENLEAF, scenarios=16, seed=SEED, series=True)
    capacity = series["resources"][0]["capacity"]
    arrivals = series["campaigns"][0]["throughput"][0]["arrivals"]["p50"]
    # No copy: the arrays do not own their data (a capsule holding the result does), and a day's
    # figure is one Day struct further on (a stride larger than a double).
    assert not capacity.flags.owndata and not arrivals.flags.owndata
    assert capacity.strides == (8,) and arrivals.strides[0] > 8
    assert not capacity.flags.writeable
    expected = capacity.copy()
    del series
    gc.collect()
    filler = [numpy.ones(capacity.size) * 1e9 for _ in range(64)]  # reuse freed memory, if any
    assert numpy.array_equal(capacity, expected)
    del filler


def test_check_releases_the_gil():
    # With a switch interval of an hour, this thread gets the GIL back from the worker only when
    # the worker releases it: inside the engine run (done still False) if the module releases it,
    # else only once the worker has finished (done True).
    state = {"done": False}

    def work():
        tandem.check(GREENLEAF, scenarios=SCENARIOS, seed=SEED, threads=1)
        state["done"] = True

    interval = sys.getswitchinterval()
    sys.setswitchinterval(3600)
    try:
        worker = threading.Thread(target=work)
        worker.start()
        done_when_resumed = state["done"]
        worker.join()
    finally:
        sys.setswitchinterval(interval)
    assert done_when_resumed is False
    assert state["done"] is True


def test_recommend_equals_cli():
    expected = cli("recommend", GREENLEAF, "--json", "--scenarios", 40, "--seed", SEED,
                   "--campaign", "spring-40")
    got = tandem.recommend(GREENLEAF, scenarios=40, seed=SEED, campaign="spring-40")
    assert got == expected
    assert got["campaigns"][0]["id"] == "spring-40"


def test_follow_up_equals_cli():
    expected = cli("follow-up", GREENLEAF, "--actuals", ACTUALS, "--as-of", "2027-04-11T12:00",
                   "--json", "--scenarios", 64, "--seed", SEED)
    got = tandem.follow_up(GREENLEAF, actuals=ACTUALS, as_of="2027-04-11T12:00", scenarios=64,
                           seed=SEED)
    assert got == expected
    assert got["as_of"] == "2027-04-11T12:00"
    import datetime
    as_datetime = tandem.follow_up(GREENLEAF, actuals=str(ACTUALS),
                                   as_of=datetime.datetime(2027, 4, 11, 12, 0), scenarios=64,
                                   seed=SEED)
    assert as_datetime == expected
