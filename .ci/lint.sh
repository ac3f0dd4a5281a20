#!/usr/bin/env bash
# clang-tidy-16 over the project's sources (src/, apps/; the headers they include from include/
# and src/ are checked through them, .clang-tidy's HeaderFilterRegex), with the compile commands
# of a configured build directory. Usage: .ci/lint.sh [BUILD_DIR] [JOBS]. Exit 0 when clean.
# `make lint`, and `make test` after the build; prints the time it took.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
jobs=${2:-2}
if [ ! -f "$build/compile_commands.json" ]; then
  echo "lint: no $build/compile_commands.json (configure the build first: make build)" >&2
  exit 2
fi
# The build's generated sources (web assets, the demo scenario) must exist for the files that
# include them; the release build has them.
# GCC-only warning flags in the compile commands are unknown to clang: not an error here.
start=$(date +%s)
status=0
git ls-files 'src/*.cc' 'apps/*.cc' |
  xargs -P "$jobs" -n 4 clang-tidy-16 -p "$build" --quiet \
    --extra-arg=-Wno-unknown-warning-option 2> >(grep -v ' warnings\? generated\.$' >&2) ||
  status=$?
echo "lint: $(git ls-files 'src/*.cc' 'apps/*.cc' | wc -l) files in $(($(date +%s) - start)) s" >&2
exit $status
