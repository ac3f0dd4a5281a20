#!/usr/bin/env bash
# `tandem follow-up` on the shipped example actuals (examples/actuals/greenleaf-day2, generated
# by examples/actuals/make_greenleaf.py): exit codes, the drift alert, determinism across
# threads, calibration written whole, and bad actuals. Usage: followup.sh TANDEM_BINARY SOURCE_DIR
# shellcheck source=common.sh source-path=SCRIPTDIR
. "$(dirname "$0")/common.sh"
scenario="$source/examples/greenleaf.yaml"
actuals="$source/examples/actuals/greenleaf-day2"

# Day 2 of spring-40 with demand well above plan: availability, at-risk at plan, drifts to broken
# (the example's delivery promise was already broken at plan, so the exit code is 2).
"$tandem" follow-up "$scenario" --actuals "$actuals" --as-of 2027-04-11T12:00 --json \
  --scenarios 200 > "$tmp/day2.json"; code=$?
[ $code -eq 2 ] || fail "greenleaf-day2: exit $code, expected 2"
python3 - "$tmp/day2.json" <<'PY' || fail "greenleaf-day2 JSON"
import json, sys
out = json.load(open(sys.argv[1]))
assert out["as_of"] == "2027-04-11T12:00", out["as_of"]
spring = [c for c in out["campaigns"] if c["id"] == "spring-40"][0]
assert spring["phase"] == "live", spring["phase"]
availability = spring["promises"][1]
assert availability["type"] == "availability"
assert availability["signed_off"] == "at-risk" and availability["status"] == "broken", availability
assert availability["drifting"] is True
assert [a["kind"] for a in out["alerts"]] == ["promise-drifting"], out["alerts"]
assert out["alerts"][0]["campaign"] == "spring-40" and out["alerts"][0]["promise"] == 1
assert "baseline against a plan of" in out["alerts"][0]["message"]
demand = spring["demand"]
assert demand["units"] > demand["expected"] and demand["bias"] > 0.3, demand
assert demand["lift"]["observed"] > demand["lift"]["planned"], demand["lift"]
for key in ("units", "revenue", "incremental_contribution", "spend", "roi", "cac_with_fulfilment",
            "return_rate", "tickets_per_100_units", "promise_kept_rate"):
    assert key in spring["metrics"], key
seed = [c for c in out["campaigns"] if c["id"] == "seed-club"][0]
assert seed["phase"] == "ended"
assert "after this window" in seed["promises"][1]["because"], seed["promises"][1]["because"]
PY

# The human report names the drifting promise first.
"$tandem" follow-up "$scenario" --actuals "$actuals" --as-of 2027-04-11T12:00 --scenarios 200 \
  > "$tmp/day2.txt"
grep -q "^Status: BROKEN" "$tmp/day2.txt" || fail "report: no status line"
grep -q "drifting: at-risk at sign-off" "$tmp/day2.txt" || fail "report: no drift alert"

# The same output for 1 and 2 threads.
"$tandem" follow-up "$scenario" --actuals "$actuals" --json --scenarios 64 --threads 1 > "$tmp/one.json"
"$tandem" follow-up "$scenario" --actuals "$actuals" --json --scenarios 64 --threads 2 > "$tmp/two.json"
cmp -s "$tmp/one.json" "$tmp/two.json" || fail "follow-up output differs between 1 and 2 threads"

# Before the window nothing drifts on the example's data: the campaign is planned.
"$tandem" follow-up "$scenario" --actuals "$actuals" --as-of 2027-04-08T12:00 --json \
  --scenarios 64 > "$tmp/before.json"
python3 - "$tmp/before.json" <<'PY' || fail "before the window"
import json, sys
out = json.load(open(sys.argv[1]))
spring = [c for c in out["campaigns"] if c["id"] == "spring-40"][0]
assert spring["phase"] == "planned", spring["phase"]
assert spring["demand"]["elapsed_days"] == 0
PY

# Calibration: written whole, reads back, and the lift ratio is printed.
"$tandem" follow-up "$scenario" --actuals "$actuals" --scenarios 64 --calibrate \
  -o "$tmp/calibrated.yaml" > "$tmp/calibrate.txt"
[ -s "$tmp/calibrated.yaml" ] || fail "calibrate: no file written"
grep -q "Observed against planned lift" "$tmp/calibrate.txt" || fail "calibrate: no lift ratio"
"$tandem" check "$tmp/calibrated.yaml" --scenarios 8 > /dev/null 2>&1; code=$?
[ $code -le 2 ] || fail "calibrated scenario: check exit $code"
# -o without --calibrate (and the reverse) is bad input.
"$tandem" follow-up "$scenario" --actuals "$actuals" -o "$tmp/x.yaml" > /dev/null 2>&1; code=$?
[ $code -eq 3 ] || fail "-o without --calibrate: exit $code, expected 3"

# Bad actuals: exit 3, the file and line named, nothing written.
mkdir -p "$tmp/bad"
head -3 "$actuals/orders.csv" > "$tmp/bad/orders.csv"
echo "X1,mulch,2027-04-10T10:00,2,2027-04-10T09:00," >> "$tmp/bad/orders.csv"
"$tandem" follow-up "$scenario" --actuals "$tmp/bad" 2> "$tmp/bad.err" > /dev/null; code=$?
[ $code -eq 3 ] || fail "bad actuals: exit $code, expected 3"
grep -q "orders.csv:4: processed: 2027-04-10T09:00 is before placed" "$tmp/bad.err" ||
  fail "bad actuals message: $(cat "$tmp/bad.err")"
# Not a folder, an as-of before the horizon, an unknown campaign: exit 3.
"$tandem" follow-up "$scenario" --actuals "$tmp/none" > /dev/null 2>&1; code=$?
[ $code -eq 3 ] || fail "missing folder: exit $code, expected 3"
"$tandem" follow-up "$scenario" --actuals "$actuals" --as-of 2026-01-01T00:00 > /dev/null 2>&1; code=$?
[ $code -eq 3 ] || fail "as-of before the horizon: exit $code, expected 3"
"$tandem" follow-up "$scenario" --actuals "$actuals" --as-of 2027-04-31T00:00 > /dev/null 2>&1; code=$?
[ $code -eq 3 ] || fail "as-of that is no time: exit $code, expected 3"
"$tandem" follow-up "$scenario" --actuals "$actuals" --campaign nope > /dev/null 2> "$tmp/campaign.err"; code=$?
[ $code -eq 3 ] || fail "unknown campaign: exit $code, expected 3"
# The follow-up names the option (campaign); the CLI prints its flag before the text.
[ "$(cat "$tmp/campaign.err")" = "--campaign: no campaign 'nope' in the scenario" ] ||
  fail "unknown campaign message: $(cat "$tmp/campaign.err")"

if [ $failures -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "ok"
