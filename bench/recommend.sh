#!/usr/bin/env bash
# The recommend benchmark: `tandem recommend` on the check benchmark's reference scenario
# (bench/make_reference.py). Reports the median wall time of RUNS runs, the peak memory and
# how many simulations each run needs (searches included), then the same for
# `tandem opportunities`. Usage: bench/recommend.sh BUILD_DIR [RUNS]. Results:
# bench/out/recommend.md.
set -euo pipefail
build=${1:-build}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
mkdir -p "$out"
tandem=$build/tandem
[ -x "$tandem" ] || { echo "no $tandem: run make build first"; exit 1; }
[ -f "$out/reference.yaml" ] || python3 "$here/make_reference.py" > "$out/reference.yaml"

median() {
  hyperfine --runs "$runs" --warmup 0 -N --export-json "$out/h.json" -i "$*" > /dev/null 2>&1
  python3 -c "import json; r=json.load(open('$out/h.json'))['results'][0]; print(f\"{r['median']:.2f}\")"
}
peak_mib() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1 | awk '{print int($1 / 1024)}'; }
field() { python3 -c "import json,sys; print(json.load(open('$1'))['$2'])"; }

{
echo "# recommend benchmark ($(date -u +%Y-%m-%d), $(nproc) cores)"
echo
echo "Reference scenario of the check benchmark (one year at 1h steps, 1,000 scenarios, 20"
echo "throughput resources, 50 offerings, 3 campaigns). Median of $runs runs, all cores."
echo
echo "| command | median wall time (s) | peak memory (MiB) | simulations run | options / findings |"
echo "| --- | ---: | ---: | ---: | ---: |"
"$tandem" recommend "$out/reference.yaml" --json > "$out/recommend.json" || true
options=$(python3 -c "import json; r=json.load(open('$out/recommend.json')); print(sum(len(c['options']) for c in r['campaigns']))")
echo "| recommend | $(median "$tandem recommend $out/reference.yaml --json") | $(peak_mib "$tandem" recommend "$out/reference.yaml" --json) | $(field "$out/recommend.json" checks_run) | $options options |"
"$tandem" opportunities "$out/reference.yaml" --json > "$out/opportunities.json" || true
findings=$(python3 -c "import json; r=json.load(open('$out/opportunities.json')); print(len(r.get('opportunities', [])) + len(r.get('requirements', [])))")
echo "| opportunities | $(median "$tandem opportunities $out/reference.yaml --json") | $(peak_mib "$tandem" opportunities "$out/reference.yaml" --json) | $(field "$out/opportunities.json" checks_run) | $findings findings |"
} | tee "$out/recommend.md"
