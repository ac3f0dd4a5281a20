#!/usr/bin/env bash
# The recommend benchmark: `tandem recommend` on the check benchmark's reference scenario
# (bench/make_reference.py). Reports the median wall time of RUNS runs, the peak memory and
# how many simulations each run needs (searches included), then the same for
# `tandem opportunities`. Usage: bench/recommend.sh BUILD_DIR [RUNS]. Results:
# bench/out/recommend.md.
set -euo pipefail
build=${1:-build}
runs=${2:-1}
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
mkdir -p "$out"
tandem=$build/tandem
[ -x "$tandem" ] || { echo "no $tandem: run make build first"; exit 1; }
[ -f "$out/reference.yaml" ] || python3 "$here/make_reference.py" > "$out/reference.yaml"

# Runs a command RUNS times; prints "median_seconds peak_mib" and keeps the last run's stdout in $out/last.json.
# (tandem exits 1 or 2 for at-risk or no-go verdicts: a result, not a failure)
measure() {
  : > "$out/times.txt"
  for _ in $(seq "$runs"); do
    { /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > "$out/last.json" || true; }
    cat "$out/time.txt" >> "$out/times.txt"
  done
  python3 -c "
import statistics
rows = [line.split() for line in open('$out/times.txt') if line.strip() and line.split()[0][0].isdigit()]
print(f'{statistics.median(float(r[0]) for r in rows):.1f} {max(int(r[1]) for r in rows) // 1024}')"
}
field() { python3 -c "import json,sys; print(json.load(open('$1'))['$2'])"; }

{
echo "# recommend benchmark ($(date -u +%Y-%m-%d), $(nproc) cores)"
echo
echo "Reference scenario of the check benchmark (one year at 1h steps, 1,000 scenarios, 20"
echo "throughput resources, 50 offerings, 3 campaigns). Median of $runs runs, all cores."
echo
echo "| command | median wall time (s) | peak memory (MiB) | simulations run | options / findings |"
echo "| --- | ---: | ---: | ---: | ---: |"
read -r seconds mib < <(measure "$tandem" recommend "$out/reference.yaml" --json)
cp "$out/last.json" "$out/recommend.json"
options=$(python3 -c "import json; r=json.load(open('$out/recommend.json')); print(sum(len(c['options']) for c in r['campaigns']))")
echo "| recommend | $seconds | $mib | $(field "$out/recommend.json" checks_run) | $options options |"
read -r seconds mib < <(measure "$tandem" opportunities "$out/reference.yaml" --json)
cp "$out/last.json" "$out/opportunities.json"
findings=$(python3 -c "import json; r=json.load(open('$out/opportunities.json')); print(len(r.get('opportunities', [])) + len(r.get('requirements', [])))")
echo "| opportunities | $seconds | $mib | $(field "$out/opportunities.json" checks_run) | $findings findings |"
} | tee "$out/recommend.md"
