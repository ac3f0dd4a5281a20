#!/usr/bin/env bash
# The CLI on the shipped examples: exit codes, JSON validity, determinism across threads, and
# bad-input handling. Usage: examples.sh TANDEM_BINARY SOURCE_DIR
# shellcheck source=common.sh source-path=SCRIPTDIR
. "$(dirname "$0")/common.sh"

# support-launch: the example file says no-go, bound by support.
"$tandem" check "$source/examples/support-launch.yaml" --json > "$tmp/support.json"; code=$?
[ $code -eq 2 ] || fail "support-launch: exit $code, expected 2 (no-go)"
python3 - "$tmp/support.json" <<'PY' || fail "support-launch JSON"
import json, sys
out = json.load(open(sys.argv[1]))
promise = out["campaigns"][0]["promises"][0]
assert out["verdict"] == "no-go", out["verdict"]
assert promise["status"] == "broken", promise["status"]
assert promise["binding"] == ["support"], promise["binding"]
PY

# The same output for 1 and 2 threads.
"$tandem" check "$source/examples/greenleaf.yaml" --json --scenarios 64 --threads 1 > "$tmp/one.json"
"$tandem" check "$source/examples/greenleaf.yaml" --json --scenarios 64 --threads 2 > "$tmp/two.json"
cmp -s "$tmp/one.json" "$tmp/two.json" || fail "greenleaf: output differs between 1 and 2 threads"

# Bad input: exit 3 and a message naming file, line and key.
printf 'tandem: 1\nname: x\nhorizon: {start: 2027-01-01, end: 2027-01-31}\nofferings:\n  - {id: a, price: -1, baseline: {per_day: 1}}\n' > "$tmp/bad.yaml"
"$tandem" check "$tmp/bad.yaml" 2> "$tmp/bad.err" > /dev/null; code=$?
[ $code -eq 3 ] || fail "bad input: exit $code, expected 3"
grep -q "bad.yaml:5:.*offerings\[0\].price: must not be negative" "$tmp/bad.err" || fail "bad input message: $(cat "$tmp/bad.err")"

# A missing file is bad input too.
"$tandem" check "$tmp/none.yaml" > /dev/null 2>&1; code=$?
[ $code -eq 3 ] || fail "missing file: exit $code, expected 3"
# Unknown options are bad input.
"$tandem" check "$source/examples/greenleaf.yaml" --no-such-flag > /dev/null 2>&1; code=$?
[ $code -eq 3 ] || fail "unknown flag: exit $code, expected 3"
# --campaign with an unknown id.
"$tandem" check "$source/examples/greenleaf.yaml" --campaign nope > /dev/null 2> "$tmp/campaign.err"; code=$?
[ $code -eq 3 ] || fail "unknown campaign: exit $code, expected 3"
# The engine names the option (campaign) apart from its scenario-worded text; the CLI prints its
# flag before it. The campaigns are the example's, in file order.
expected="--campaign: no campaign 'nope' in the scenario; campaigns: spring-40, seed-club"
[ "$(cat "$tmp/campaign.err")" = "$expected" ] || fail "unknown campaign message: $(cat "$tmp/campaign.err")"
"$tandem" recommend "$source/examples/greenleaf.yaml" --campaign nope > /dev/null 2> "$tmp/campaign.err"
[ "$(cat "$tmp/campaign.err")" = "$expected" ] || fail "recommend: unknown campaign message: $(cat "$tmp/campaign.err")"

# recommend --apply writes a scenario whose check gives the option's verdict.
cat > "$tmp/relax.yaml" <<'YAML'
tandem: 1
name: relax
horizon: {start: 2027-03-01, end: 2027-03-31}
simulation: {scenarios: 8, seed: 1}
resources:
  - {id: desk, kind: throughput, capacity: 7.5}
offerings:
  - {id: form, price: 10, unit_cost: 2, stocked: false, route: [desk], baseline: {per_day: 1, noise: none}}
campaigns:
  - id: c
    window: {start: 2027-03-08, end: 2027-03-09}
    lift: 239
    promises:
      - {type: processing, within: 4h, share: 0.95}
YAML
"$tandem" recommend "$tmp/relax.yaml" --json > "$tmp/options.json"; code=$?
[ $code -eq 0 ] || fail "recommend: exit $code"
verdict=$(python3 -c "import json,sys; print(json.load(open('$tmp/options.json'))['campaigns'][0]['options'][0]['verdict'])")
"$tandem" recommend "$tmp/relax.yaml" --apply 1 -o "$tmp/applied.yaml" 2> /dev/null; code=$?
[ $code -eq 0 ] || fail "recommend --apply: exit $code"
"$tandem" check "$tmp/applied.yaml" --json > "$tmp/applied.json"
applied=$(python3 -c "import json; print(json.load(open('$tmp/applied.json'))['campaigns'][0]['verdict'])")
[ "$verdict" = "$applied" ] || fail "recommend --apply 1: option says $verdict, check of the applied file says $applied"
# ... and changes only the lines of the keys a lever sets (cli.md), the rest as written.
changed=$(diff "$tmp/relax.yaml" "$tmp/applied.yaml" | grep -c '^<')
others=$(diff "$tmp/relax.yaml" "$tmp/applied.yaml" | grep '^<' | grep -cvE '(window|announce|lift|within|share|cutoff|cap|bookings):')
[ "$changed" -ge 1 ] && [ "$others" = 0 ] || fail "recommend --apply 1: $changed lines changed, $others of them not a lever's key"
"$tandem" recommend "$tmp/relax.yaml" --apply 9 -o "$tmp/none.yaml" > /dev/null 2>&1; code=$?
[ $code -eq 3 ] || fail "recommend --apply 9: exit $code, expected 3"
[ -e "$tmp/none.yaml" ] && fail "recommend --apply 9 wrote a file"
"$tandem" opportunities "$source/examples/greenleaf.yaml" --json --scenarios 32 > "$tmp/opportunities.json"; code=$?
[ $code -eq 0 ] || fail "opportunities: exit $code"

[ $failures -eq 0 ] && echo "cli examples: ok"
exit $failures
