#!/usr/bin/env bash
# Peers side by side (`make bench-peers`): tandem's order-level mode against a SimPy 3 model and its
# fluid mode against a NumPy model, on the same scenario (warehouse.yaml), and the fluid hot loop
# against the machine's memory-bandwidth bound (bench/hot_loop.cc, bench/machine_bound.cc). The Python peers run on
# Debian's /usr/bin/python3 with python3-simpy3 and python3-numpy (Makefile DEBS).
# Usage: bench/peers/run.sh BUILD_DIR [RUNS]. Results: bench/out/peers.md, and the table in
# docs/performance.md (## Peers) regenerated.
set -euo pipefail
build=${1:-build}
runs=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
for binary in tandem bench/tandem_machine_bound bench/tandem_hot_loop; do
  [ -x "$build/$binary" ] || { echo "no $build/$binary: run make build first"; exit 1; }
done
/usr/bin/python3 -c 'import simpy, numpy' || { echo "needs python3-simpy3 and python3-numpy (make deps)"; exit 1; }
python3 "$here/compare.py" "$build" "$root/bench/out/peers.md" --runs "$runs" --simpy-runs 3 \
  --docs "$root/docs/performance.md"
