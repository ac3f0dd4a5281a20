#!/usr/bin/env bash
# The check benchmark: times `tandem check` on the generated reference scenario (one year at
# 1-hour steps, 1,000 scenarios, 20 throughput resources, 50 offerings, 3 campaigns), reports
# the median of several runs and the peak memory, then how time grows with scenarios, horizon
# and offerings. Usage: bench/run.sh BUILD_DIR [RUNS]. Results: bench/out/check.md.
set -euo pipefail
build=${1:-build}
runs=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
mkdir -p "$out"
tandem=$build/tandem
[ -x "$tandem" ] || { echo "no $tandem: run make build first"; exit 1; }
python3 "$here/make_reference.py" > "$out/reference.yaml"

# median of N wall-clock runs, in seconds, via hyperfine's JSON export
median() {
  local file=$1; shift
  hyperfine --runs "$runs" --warmup 1 -N --export-json "$out/h.json" -i "$*" > /dev/null 2>&1
  python3 -c "import json; r=json.load(open('$out/h.json'))['results'][0]; print(f\"{r['median']:.3f}\")"
}
# (tandem exits 1 or 2 for at-risk or no-go verdicts: a result, not a failure)
peak_kb() { { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null || true; } | tail -1; }

{
echo "# check benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo
echo "Reference: one year at 1h steps, 1,000 scenarios, 20 throughput resources, 50 offerings, 3 campaigns."
echo
t=$(median ref "$tandem check $out/reference.yaml --json")
m=$(peak_kb "$tandem" check "$out/reference.yaml" --json)
echo "| run | median wall time (s) | peak memory (MiB) |"
echo "| --- | ---: | ---: |"
echo "| reference, $(nproc) threads | $t | $((m / 1024)) |"
t1=$(median ref1 "$tandem check $out/reference.yaml --json --threads 1")
echo "| reference, 1 thread | $t1 | |"
echo
echo "## Scaling (median of $runs runs, all cores)"
echo
echo "| scenarios | seconds | | horizon (days) | seconds | | offerings | seconds |"
echo "| ---: | ---: | --- | ---: | ---: | --- | ---: | ---: |"
rows=()
for n in 125 250 500 1000 2000; do rows+=("$n|$(median s "$tandem check $out/reference.yaml --json --scenarios $n")"); done
i=0
for days in 91 182 365; do
  python3 "$here/make_reference.py" --days $days > "$out/days.yaml"
  d[$i]="$days|$(median d "$tandem check $out/days.yaml --json")"; i=$((i+1))
done
i=0
for offerings in 12 25 50; do
  python3 "$here/make_reference.py" --offerings $offerings > "$out/offerings.yaml"
  o[$i]="$offerings|$(median o "$tandem check $out/offerings.yaml --json")"; i=$((i+1))
done
for i in 0 1 2 3 4; do
  echo "| ${rows[$i]} | | ${d[$i]:-|} | | ${o[$i]:-|} |"
done
} | tee "$out/check.md"
