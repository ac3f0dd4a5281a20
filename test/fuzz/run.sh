#!/usr/bin/env bash
# Runs each parser fuzzer for SECONDS/3 seconds and fails on any crash, leak or timeout.
#
# Usage: test/fuzz/run.sh BUILD_DIR SECONDS
#   BUILD_DIR  a build configured with -DTANDEM_BUILD_FUZZ=ON (CXX=clang++), e.g. build-fuzz
#   SECONDS    total fuzzing time, split evenly between the four fuzzers (default 60)
#
# Seeds (copied into a temporary corpus, so the repository is never written to):
#   scenario_reader_fuzzer: examples/*.yaml, the scenario part (before the '----' line) of
#     every test/scenarios/**/*.test, and test/fuzz/regressions/scenario/*
#   history_csv_fuzzer: test/scenarios/**/*.csv and test/fuzz/regressions/history/*
#   actuals_csv_fuzzer: the CSV sections of test/scenarios/followup/*.test, examples/actuals/**/
#     *.csv (their first 64 KiB) and test/fuzz/regressions/actuals/*; the first byte of an input
#     picks the file kind ('0' orders, '1' tickets, '2' spend)
#   json_body_fuzzer: test/fuzz/regressions/json/* (entries, settings, a body one level too deep)
# A failing input is kept as BUILD_DIR/fuzz-artifacts/<fuzzer>-crash-... (or leak-, timeout-,
# oom-); reproduce it with `BUILD_DIR/test/fuzz/<fuzzer> FILE`, fix it, and add it to
# test/fuzz/regressions/.
set -uo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [SECONDS]" >&2
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=${2:-60}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
per_fuzzer=$((seconds / 4))
[ "$per_fuzzer" -ge 1 ] || per_fuzzer=1

find_fuzzer() {
  for candidate in "$build/test/fuzz/$1" "$build/$1"; do
    if [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "$0: $1 not found in $build (configure with -DTANDEM_BUILD_FUZZ=ON and build it)" >&2
  return 1
}
scenario_fuzzer=$(find_fuzzer scenario_reader_fuzzer) || exit 2
history_fuzzer=$(find_fuzzer history_csv_fuzzer) || exit 2
actuals_fuzzer=$(find_fuzzer actuals_csv_fuzzer) || exit 2
json_fuzzer=$(find_fuzzer json_body_fuzzer) || exit 2

work=$(mktemp -d "${TMPDIR:-/tmp}/tandem-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts" "$work/scenario/corpus" "$work/scenario/seeds" "$work/history/corpus" \
  "$work/history/seeds" "$work/actuals/corpus" "$work/actuals/seeds" "$work/json/corpus" \
  "$work/json/seeds"

# --- seed corpora --------------------------------------------------------------------------
for file in "$source_dir"/examples/*.yaml; do
  [ -f "$file" ] && cp "$file" "$work/scenario/seeds/example-$(basename "$file")"
done
count=0
while IFS= read -r -d '' file; do
  count=$((count + 1))
  # The scenario is everything before the first line that is exactly '----'.
  awk '$0 == "----" { exit } { print }' "$file" > "$work/scenario/seeds/test-$count-$(basename "$file" .test).yaml"
done < <(find "$source_dir/test/scenarios" -type f \( -name '*.test' -o -name '*.test_slow' \) -print0 | sort -z)
while IFS= read -r -d '' file; do
  count=$((count + 1))
  cp "$file" "$work/history/seeds/csv-$count-$(basename "$file")"
done < <(find "$source_dir/test/scenarios" -type f -name '*.csv' -print0 | sort -z)
# Actuals: each "---- NAME.csv" section of the follow-up tests, and the shipped example actuals.
while IFS= read -r -d '' file; do
  count=$((count + 1))
  awk -v out="$work/actuals/seeds/test-$count" '
    /^---- / { name = $2; next }
    /^----$/ { name = ""; next }
    name != "" { kind = (name == "orders.csv") ? "0" : (name == "tickets.csv") ? "1" : "2";
                 file = out "-" name; if (!(file in started)) { printf "%s", kind > file; started[file] = 1 }
                 print > file }' "$file"
done < <(find "$source_dir/test/scenarios/followup" -type f -name '*.test' -print0 2>/dev/null | sort -z)
while IFS= read -r -d '' file; do
  count=$((count + 1))
  case "$(basename "$file")" in
    orders.csv) kind=0 ;; tickets.csv) kind=1 ;; *) kind=2 ;;
  esac
  { printf '%s' "$kind"; head -c 65536 "$file"; } > "$work/actuals/seeds/example-$count.csv"
done < <(find "$source_dir/examples/actuals" -type f -name '*.csv' -print0 2>/dev/null | sort -z)
for kind in scenario history actuals json; do
  if [ -d "$here/regressions/$kind" ]; then
    find "$here/regressions/$kind" -maxdepth 1 -type f ! -name 'README*' -exec cp {} "$work/$kind/seeds/" \;
  fi
done
echo "seeds: $(ls "$work/scenario/seeds" | wc -l) scenarios, $(ls "$work/history/seeds" | wc -l) history files, $(ls "$work/actuals/seeds" | wc -l) actuals files"

# --- fuzzing -------------------------------------------------------------------------------
status=0
run_fuzzer() {  # name binary kind max_len [extra flags...]
  local name=$1 binary=$2 kind=$3 max_len=$4
  shift 4
  local log="$work/$name.log"
  echo "== $name: ${per_fuzzer}s"
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$binary" -max_total_time="$per_fuzzer" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="$artifacts/$name-" "$@" \
    "$work/$kind/corpus" "$work/$kind/seeds" > "$log" 2>&1
  local code=$?
  local runs rate
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ $code -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
    echo "FAIL: $name exited with $code; the end of its log:"
    tail -n 60 "$log"
    echo "(failing inputs, if any: $(ls "$artifacts" | grep "^$name-" | tr '\n' ' '))"
    status=1
  else
    echo "ok: $name: ${runs:-?} executions in ${per_fuzzer}s, ${rate:-?} per second, corpus $(ls "$work/$kind/corpus" | wc -l) new inputs"
  fi
}
run_fuzzer scenario_reader_fuzzer "$scenario_fuzzer" scenario 16384 -dict="$here/scenario.dict"
run_fuzzer history_csv_fuzzer "$history_fuzzer" history 4096
run_fuzzer actuals_csv_fuzzer "$actuals_fuzzer" actuals 8192
run_fuzzer json_body_fuzzer "$json_fuzzer" json 16384 -dict="$here/scenario.dict"
exit $status
