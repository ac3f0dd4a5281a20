#!/usr/bin/env bash
# The follow-up benchmark: a year of actuals on the reference scenario (bench/make_reference.py;
# orders generated at plan by tandem_make_actuals, about 1.05 million orders and 48,000 tickets),
# the import rate of those files, and `tandem follow-up` on them as of a day of the spring sale
# (the rest of the year re-forecast) and as of the year's last day.
# Usage: bench/followup.sh BUILD_DIR [RUNS]. Results: bench/out/followup.md.
set -euo pipefail
build=${1:-build}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
mkdir -p "$out"
tandem=$build/tandem
[ -x "$tandem" ] || { echo "no $tandem: run make build first"; exit 1; }
python3 "$here/make_reference.py" > "$out/reference.yaml"
"$build/bench/tandem_make_actuals" "$out/reference.yaml" "$out/actuals-year" > /dev/null

median() {
  hyperfine --runs "$runs" --warmup 0 -N --export-json "$out/h.json" -i "$*" > /dev/null 2>&1
  python3 -c "import json; r=json.load(open('$out/h.json'))['results'][0]; print(f\"{r['median']:.1f}\")"
}
# wall seconds, CPU seconds (user + system) and peak memory of one run (tandem exits 1 or 2 for
# at-risk or broken promises: a result, not a failure)
usage() { { /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null || true; } | tail -1; }

{
echo "# follow-up benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo
read -r orders tickets <<< "$(awk -F, 'FNR > 1 { n[FILENAME]++ } END { print n[ARGV[1]], n[ARGV[2]] }' \
  "$out/actuals-year/orders.csv" "$out/actuals-year/tickets.csv")"
echo "Actuals: $orders orders ($(du -m "$out/actuals-year/orders.csv" | cut -f1) MB), $tickets tickets, a year of the reference scenario."
echo
echo "## Import (ReadActualsFolder, median of 5)"
echo
echo '```'
"$build/bench/tandem_actuals_import" "$out/reference.yaml" "$out/actuals-year" 5
usage "$build/bench/tandem_actuals_import" "$out/reference.yaml" "$out/actuals-year" 1 |
  awk '{ printf "one run: %s s wall, %.2f s CPU, %d MiB peak\n", $1, $2 + $3, $4 / 1024 }'
echo '```'
echo
echo "## tandem follow-up (median of $runs runs, all cores)"
echo
echo "| as of | wall (s) | one run: wall, CPU (s) | peak memory (MiB) |"
echo "| --- | ---: | ---: | ---: |"
for as_of in 2027-04-08T12:00 2027-12-31T12:00; do
  t=$(median "$tandem follow-up $out/reference.yaml --actuals $out/actuals-year --as-of $as_of --json")
  read -r wall user sys peak <<< "$(usage "$tandem" follow-up "$out/reference.yaml" --actuals \
    "$out/actuals-year" --as-of "$as_of" --json)"
  echo "| $as_of | $t | $wall, $(python3 -c "print(f'{$user + $sys:.1f}')") | $((peak / 1024)) |"
done
t=$(median "$tandem check $out/reference.yaml --json")
echo
echo "For comparison, \`tandem check\` of the same scenario: $t s (a follow-up runs the plan's check and the re-forecast)."
} | tee "$out/followup.md"
