#!/usr/bin/env bash
# Scaling (`make bench-scaling`; docs/performance.md, ## Scaling): time and peak memory of
# `tandem check` as scenarios, horizon, step, resources and offerings grow, and the fluid hot loop
# against the machine's memory bandwidth and arithmetic throughput.
# Usage: bench/scaling.sh BUILD_DIR [RUNS]. Results: bench/out/scaling.md, and the table in
# docs/performance.md regenerated.
set -euo pipefail
build=${1:-build}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
for binary in tandem bench/tandem_machine_bound bench/tandem_hot_loop; do
  [ -x "$build/$binary" ] || { echo "no $build/$binary: run make build first"; exit 1; }
done
python3 "$here/scaling.py" "$build" "$root/bench/out/scaling.md" --runs "$runs" --docs "$root/docs/performance.md"
