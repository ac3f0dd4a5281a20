#!/usr/bin/env bash
# Load figures for `tandem serve` (a benchmark, not a test): wrk on loopback with 32
# keep-alive connections against /healthz, an authenticated GET of a campaign, read endpoints and
# the check endpoint (answered from the content cache), and the end-to-end time of uncached
# checks (each after a change to the campaign).
#   test/server/load.sh [BUILD_DIR] [SECONDS]     e.g. test/server/load.sh build 60
#   LOAD_QUICK=1 test/server/load.sh build 60     only /healthz and the authenticated GET
# "errors" counts wrk's socket errors (connect, read, write, timeout) and non-2xx answers.
# Prints a Markdown table. Uses a throwaway SQLite database (or TANDEM_LOAD_DB=postgresql://...).
set -euo pipefail
build=${1:-build}
seconds=${2:-10}
tandem="$build/tandem"
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/tandem-load.XXXXXX)
db=${TANDEM_LOAD_DB:-sqlite:$dir/load.db}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

token=$("$tandem" user add load-bot --role admin --token --db "$db" | tail -1 | awk '{print $NF}')
"$tandem" import "$root/examples/greenleaf.yaml" --workspace greenleaf --db "$db" >/dev/null
"$tandem" serve --db "$db" --port "$port" --quiet --rate-limit 0 --threads 64 >"$dir/serve.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
auth="Authorization: Bearer $token"
load_before=$(cut -d' ' -f1 /proc/loadavg)
campaign="$base/api/workspaces/greenleaf/campaigns/spring-40"

wait_done() {  # polls the campaign's check until it is done
  for _ in $(seq 6000); do
    status=$(curl -sf -H "$auth" "$campaign/check" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    [ "$status" = done ] && return 0
    [ "$status" = failed ] && { echo "check failed" >&2; return 1; }
    sleep 0.02
  done
  return 1
}

# Uncached: change the spend (a new content hash), request the check, wait for the result.
times=()
runs=8
[ -n "${LOAD_QUICK:-}" ] && runs=0
for i in $(seq 1 $runs); do
  body=$(curl -sf -H "$auth" "$base/api/workspaces/greenleaf/campaigns/spring-40")
  version=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["version"])' "$body")
  new=$(python3 -c 'import json,sys; b=json.loads(sys.argv[1])["body"]; b["spend"]=120000+int(sys.argv[2]); print(json.dumps(b))' "$body" "$i")
  curl -sf -X PUT -H "$auth" -H "Content-Type: application/json" -H "If-Match: \"$version\"" -d "$new" \
    "$base/api/workspaces/greenleaf/campaigns/spring-40" >/dev/null
  start=$(date +%s.%N)
  curl -sf -X POST -H "$auth" -H "Content-Type: application/json" -d "{}" "$campaign/check" >/dev/null
  wait_done
  end=$(date +%s.%N)
  times+=("$(python3 -c "print(round(($end-$start)*1000))")")
done
sorted=$(printf '%s\n' "${times[@]+"${times[@]}"}" | sort -n)
uncached_p50=$(echo "$sorted" | sed -n 4p)
uncached_max=$(echo "$sorted" | tail -1)

cat >"$dir/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
run_wrk() {  # url [script] -> "requests/s p50 p99"
  local out
  if [ -n "${2:-}" ]; then
    out=$(wrk -t2 -c32 -d"${seconds}s" --latency -s "$2" "$1")
  else
    out=$(wrk -t2 -c32 -d"${seconds}s" --latency -H "$auth" "$1")
  fi
  local rps p50 p99 non2xx socket
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  socket=$(echo "$out" | awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}')
  local total=$(( ${non2xx:-0} + ${socket:-0} ))
  if [ "$total" -gt 0 ]; then  # which kind: "Socket errors: connect 0, read 0, write 0, timeout 2"
    total="$total($(echo "$out" | awk '/Socket errors/ {gsub(",", ""); printf "connect:%s,read:%s,write:%s,timeout:%s", $4, $6, $8, $10}'),non-2xx:${non2xx:-0})"
  fi
  echo "$rps $p50 $p99 $total"
}
read -r health_rps health_p50 health_p99 health_bad <<<"$(run_wrk "$base/healthz")"
read -r get_rps get_p50 get_p99 get_bad <<<"$(run_wrk "$campaign")"
if [ -n "${LOAD_QUICK:-}" ]; then
  echo "| endpoint | requests/s | p50 | p99 | errors |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  echo "| GET /healthz | $health_rps | $health_p50 | $health_p99 | $health_bad |"
  echo "| GET .../campaigns/spring-40 (bearer token) | $get_rps | $get_p50 | $get_p99 | $get_bad |"
  echo
  echo "wrk -t2 -c32 -d${seconds}s on 127.0.0.1; database $(echo "$db" | sed 's/:.*@/:***@/' | cut -d: -f1); $(nproc) cores; load average before: $load_before."
  exit 0
fi
read -r read_rps read_p50 read_p99 read_bad <<<"$(run_wrk "$base/api/workspaces/greenleaf/resources/pick-pack")"
read -r list_rps list_p50 list_p99 list_bad <<<"$(run_wrk "$base/api/workspaces/greenleaf/processes")"
read -r status_rps status_p50 status_p99 status_bad <<<"$(run_wrk "$campaign/check")"
read -r result_rps result_p50 result_p99 result_bad <<<"$(run_wrk "$campaign/check?result=1")"
read -r post_rps post_p50 post_p99 post_bad <<<"$(run_wrk "$campaign/check" "$dir/post.lua")"

echo "| endpoint | requests/s | p50 | p99 | errors |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| GET /healthz | $health_rps | $health_p50 | $health_p99 | $health_bad |"
echo "| GET .../campaigns/spring-40 (bearer token) | $get_rps | $get_p50 | $get_p99 | $get_bad |"
echo "| GET .../resources/pick-pack (read) | $read_rps | $read_p50 | $read_p99 | $read_bad |"
echo "| GET .../processes (read, all campaigns) | $list_rps | $list_p50 | $list_p99 | $list_bad |"
echo "| GET .../campaigns/spring-40/check (status) | $status_rps | $status_p50 | $status_p99 | $status_bad |"
echo "| GET .../check?result=1 (cached result, ~100 KB) | $result_rps | $result_p50 | $result_p99 | $result_bad |"
echo "| POST .../check, content unchanged (cached) | $post_rps | $post_p50 | $post_p99 | $post_bad |"
echo
echo "Uncached check (change, POST, poll until done; Greenleaf, 1,000 scenarios, 8 runs): p50 ${uncached_p50} ms, max ${uncached_max} ms."
echo "wrk -t2 -c32 -d${seconds}s on 127.0.0.1; database $(echo "$db" | sed 's/:.*@/:***@/' | cut -d: -f1); $(nproc) cores; load average before: $load_before."
