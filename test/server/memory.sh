#!/usr/bin/env bash
# Peak memory of `tandem serve` per request size (a benchmark, not a test): for each size, the
# server's peak resident set (VmHWM, reset before each request through /proc/PID/clear_refs)
# while it answers one request, and its resident set afterwards.
#   test/server/memory.sh [BUILD_DIR] [SIZES_MB...]     e.g. test/server/memory.sh build 1 4 8
# Requests: a history CSV upload (PUT .../files/h.csv, text), a JSON entry (PUT
# .../capabilities/big with a claim of that size; the JSON limit is raised for the measurement),
# and an import bundle ({scenario, files}) carrying a history file of that size.
# Prints a Markdown table. Throwaway SQLite database (or TANDEM_LOAD_DB=postgresql://...).
set -euo pipefail
build=${1:-build}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 4 8)
tandem="$build/tandem"
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/tandem-memory.XXXXXX)
db=${TANDEM_LOAD_DB:-sqlite:$dir/memory.db}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

token=$("$tandem" user add memory-bot --role admin --token --db "$db" | tail -1 | awk '{print $NF}')
# A workspace of its own per size: every write loads the whole workspace, so earlier large
# entries would weigh on later measurements.
for size in "${sizes[@]}"; do
  "$tandem" import "$root/examples/greenleaf.yaml" --workspace "g$size" --db "$db" >/dev/null
done
"$tandem" serve --db "$db" --port "$port" --quiet --rate-limit 0 --max-body 64MiB \
  --max-json-body 64MiB >"$dir/serve.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
auth="Authorization: Bearer $token"
mib() { awk -v kb="$1" 'BEGIN { printf "%.0f", kb / 1024 }'; }
status_kb() { awk -v key="$1:" '$1 == key {print $2}' "/proc/$server/status"; }

measure() {  # label curl-args... -> "| label | size | peak | after | status |"
  local label=$1 size=$2
  shift 2
  echo 5 >"/proc/$server/clear_refs"  # resets VmHWM to the current RSS
  local before code peak after
  before=$(status_kb VmRSS)
  code=$(curl -s -o "$dir/reply" -w '%{http_code}' -H "$auth" "$@")
  peak=$(status_kb VmHWM)
  after=$(status_kb VmRSS)
  echo "| $label | $size MB | $(mib "$before") | $(mib "$peak") | $(mib "$after") | $code |"
}

echo "| request | body | RSS before (MiB) | peak RSS (MiB) | RSS after (MiB) | status |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for size in "${sizes[@]}"; do
  lines=$((size * 1024 * 1024 / 17))
  python3 - "$lines" >"$dir/h.csv" <<'PY'
import datetime, sys
start = datetime.date(1900, 1, 1)
print("date,units")
for i in range(int(sys.argv[1])):
    print(f"{start + datetime.timedelta(days=i)},{i % 97}")
PY
  python3 -c "import json,sys; print(json.dumps({'claim': 'x' * (int(sys.argv[1]) << 20)}))" "$size" >"$dir/entry.json"
  python3 -c "import json,sys; print(json.dumps({'scenario': open(sys.argv[1]).read(), 'files': {'unused.csv': open(sys.argv[2]).read()}}))" \
    "$root/examples/greenleaf.yaml" "$dir/h.csv" >"$dir/bundle.json"
  measure "PUT .../files/h.csv (CSV)" "$size" -X PUT -H "Content-Type: text/csv" \
    --data-binary @"$dir/h.csv" "$base/api/workspaces/g$size/files/h.csv"
  measure "PUT .../capabilities/big (JSON)" "$size" -X PUT -H "Content-Type: application/json" \
    --data-binary @"$dir/entry.json" "$base/api/workspaces/g$size/capabilities/big"
  measure "POST .../import (bundle)" "$size" -X POST -H "Content-Type: application/json" \
    --data-binary @"$dir/bundle.json" "$base/api/workspaces/g$size/import"
done
echo
echo "One request at a time; VmHWM of the server process reset before each. $(nproc) cores; database $(echo "$db" | cut -d: -f1)."
