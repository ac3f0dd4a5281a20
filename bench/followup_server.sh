#!/usr/bin/env bash
# Upload rate of orders through PUT .../actuals/orders and the follow-up GET on the reference
# scenario (examples/greenleaf.yaml) with the example actuals (examples/actuals/greenleaf-day2),
# on SQLite. Usage: bench/followup_server.sh BUILD_DIR   (prints the figures; docs/performance.md)
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/tandem-followup-bench.XXXXXX)
db="sqlite:$dir/tandem.db"
port=$((20000 + RANDOM % 30000))
token=$("$build/tandem" user --db "$db" add bench --role admin --token | grep -o 'tdt_[A-Za-z0-9_]*' | head -1)
"$build/tandem" serve --db "$db" --port "$port" --rate-limit 0 >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
api="http://127.0.0.1:$port/api/workspaces/greenleaf"
auth=(-H "Authorization: Bearer $token")
curl -sf "${auth[@]}" -X POST --data-binary @"$root/examples/greenleaf.yaml" "$api/import" >/dev/null
orders="$root/examples/actuals/greenleaf-day2/orders.csv"
rows=$(($(wc -l <"$orders") - 1))
for pass in first again; do
  start=$(date +%s.%N)
  curl -sf "${auth[@]}" -X PUT --data-binary @"$orders" "$api/actuals/orders" >"$dir/put.json"
  end=$(date +%s.%N)
  echo "PUT orders ($pass): $rows rows in $(echo "$end - $start" | bc) s: $(echo "$rows / ($end - $start)" | bc) orders/s; $(cat "$dir/put.json")"
done
for file in tickets spend; do
  curl -sf "${auth[@]}" -X PUT --data-binary @"$root/examples/actuals/greenleaf-day2/$file.csv" "$api/actuals/$file" >/dev/null
done
start=$(date +%s.%N)
status=$(curl -s -o "$dir/get.json" -w '%{http_code}' "${auth[@]}" "$api/campaigns/spring-40/follow-up")
while [ "$status" = 202 ]; do
  sleep 0.1
  status=$(curl -s -o "$dir/get.json" -w '%{http_code}' "${auth[@]}" "$api/campaigns/spring-40/follow-up")
done
end=$(date +%s.%N)
echo "GET follow-up (computed, job polled every 0.1 s): HTTP $status in $(echo "$end - $start" | bc) s"
start=$(date +%s.%N)
status=$(curl -s -o "$dir/get.json" -w '%{http_code}' "${auth[@]}" "$api/campaigns/spring-40/follow-up")
end=$(date +%s.%N)
echo "GET follow-up (cached): HTTP $status in $(echo "$end - $start" | bc) s"
