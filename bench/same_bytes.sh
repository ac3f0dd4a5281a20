#!/usr/bin/env bash
# Same bytes: compares two tandem binaries' stdout and exit code over the set every engine and
# advice change of issue 14 is checked on (docs/performance.md). Exits 1 on any difference.
#
#   bench/same_bytes.sh BEFORE AFTER [EXTRA.yaml ...]
#
# The set: `check` with --json, --json --series --threads 1, --json --threads 2 and
# --json --mode orders --scenarios 20 --series; `recommend` and `opportunities` with
# --json --threads 2 (not on the catalogue: it has no campaign worth advising). Files:
# examples/*.yaml, ../shared/examples/*.yaml (when present), test/web/fixtures/edge-cases.yaml,
# the reference at 40 scenarios and 120 days, a 200-offering catalogue, and EXTRA files (e.g.
# the reference at 200 scenarios: python3 bench/make_reference.py --scenarios 200 --days 180).
# FILES="a.yaml b.yaml" replaces the default files. Takes minutes (advice on the reference).
set -uo pipefail
if [ $# -lt 2 ]; then
  echo "usage: bench/same_bytes.sh BEFORE AFTER [EXTRA.yaml ...]" >&2
  exit 2
fi
before=$(realpath "$1")
after=$(realpath "$2")
shift 2
cd "$(dirname "$0")/.." || exit 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "${FILES:-}" ]; then
  python3 bench/make_reference.py --scenarios 40 --days 120 > "$work/ref40.yaml"
  python3 bench/make_catalogue.py --offerings 200 --resources 12 --days 60 --step 1h > "$work/cat200.yaml"
  FILES="examples/*.yaml test/web/fixtures/edge-cases.yaml $work/ref40.yaml $work/cat200.yaml"
  [ -d ../shared/examples ] && FILES="$FILES ../shared/examples/*.yaml"
fi
runs=0
differ=0
for file in $FILES "$@"; do
  for options in "check --json" "check --json --series --threads 1" "check --json --threads 2" \
    "check --json --mode orders --scenarios 20 --series" "recommend --json --threads 2" \
    "opportunities --json --threads 2"; do
    case "$file:$options" in *cat200*:recommend* | *cat200*:opportunities*) continue ;; esac
    read -r -a words <<< "$options"
    a=$("$before" "${words[0]}" "$file" "${words[@]:1}" 2>/dev/null; echo "exit $?")
    b=$("$after" "${words[0]}" "$file" "${words[@]:1}" 2>/dev/null; echo "exit $?")
    runs=$((runs + 1))
    if [ "$a" != "$b" ]; then
      echo "differs: $file: $options"
      differ=$((differ + 1))
    fi
  done
done
echo "same_bytes: $runs runs, $differ differ"
[ "$differ" -eq 0 ]
