#!/usr/bin/env bash
# TANDEM_CPU_COUNTER (the CLI turns on the library's CPU counter, tandem/common/cpu_counter.h):
# set, the table goes to stderr when the command is done and stdout and the exit code are those of
# a run without it; unset or "0", stderr stays empty; nothing counted (--help), no table.
# Usage: cpu_counter.sh TANDEM_BINARY SOURCE_DIR
# shellcheck source=common.sh source-path=SCRIPTDIR
. "$(dirname "$0")/common.sh"
scenario="$source/examples/support-launch.yaml"
header="cpu counter (CPU seconds; calls, or units: scenarios / measurements)"

for run in off zero on; do
  case $run in
    off) env -u TANDEM_CPU_COUNTER "$tandem" check "$scenario" --json --scenarios 40 \
           > "$tmp/$run.out" 2> "$tmp/$run.err"; code=$? ;;
    *) TANDEM_CPU_COUNTER=$([ $run = on ] && echo 1 || echo 0) "$tandem" check "$scenario" --json \
         --scenarios 40 > "$tmp/$run.out" 2> "$tmp/$run.err"; code=$? ;;
  esac
  [ $code -eq 2 ] || fail "$run: exit $code, expected 2 (no-go)"
done
cmp -s "$tmp/off.out" "$tmp/on.out" || fail "stdout differs with TANDEM_CPU_COUNTER=1"
cmp -s "$tmp/off.out" "$tmp/zero.out" || fail "stdout differs with TANDEM_CPU_COUNTER=0"
[ -s "$tmp/off.err" ] && fail "unset: stderr not empty: $(cat "$tmp/off.err")"
[ -s "$tmp/zero.err" ] && fail "TANDEM_CPU_COUNTER=0: stderr not empty: $(cat "$tmp/zero.err")"
[ "$(head -n 1 "$tmp/on.err")" = "$header" ] || fail "no table header: $(head -n 3 "$tmp/on.err")"
grep -Eq '^part +other +VerifyEach +Verify +VerifyVariants +Measure +Holds +Feasibility$' \
  "$tmp/on.err" || fail "no call names line"
# The check ran outside any search call: its run with every campaign is under "other", 40 units.
grep -Eq '^run with +[0-9]+\.[0-9]{2} +40( +0\.00 +0){6}$' "$tmp/on.err" ||
  fail "run with: $(grep '^run with' "$tmp/on.err")"
[ "$(wc -l < "$tmp/on.err")" -eq 15 ] || fail "table: $(wc -l < "$tmp/on.err") lines, expected 15"

# Nothing counted, nothing printed.
TANDEM_CPU_COUNTER=1 "$tandem" --help > /dev/null 2> "$tmp/help.err"
[ -s "$tmp/help.err" ] && fail "--help: stderr not empty: $(cat "$tmp/help.err")"

[ $failures -eq 0 ] || exit 1
echo "cpu counter: ok"
