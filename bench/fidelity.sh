#!/usr/bin/env bash
# Fidelity (docs/performance.md, ## Fidelity): fluid against order-level mode on every shipped
# example and scenario test, and against closed forms (M/M/1, Erlang C) on test/scenarios/fidelity.
# Usage: bench/fidelity.sh BUILD_DIR. Results: bench/out/fidelity.md, and the table in
# docs/performance.md regenerated. Takes a few minutes (Greenleaf's 1,000 scenarios in order mode).
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
[ -x "$build/tandem" ] || { echo "no $build/tandem: run make build first"; exit 1; }
python3 "$here/fidelity.py" "$build" "$root" "$root/bench/out/fidelity.md" --docs "$root/docs/performance.md"
