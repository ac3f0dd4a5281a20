#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster: initdb in a temporary folder, start on a
# free loopback port, export TANDEM_TEST_PG_URL, run the command, stop and delete the cluster.
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "with_postgres.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi
dir=$(mktemp -d /tmp/tandem-pg.XXXXXX)
runas=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  runas=(runuser -u postgres --)
fi
cleanup() {
  "${runas[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${runas[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
started=""
for attempt in 1 2 3 4 5 6 7 8; do
  port=$((20000 + RANDOM % 30000))
  if "${runas[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
       -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null 2>&1; then
    started=1
    break
  fi
done
if [ -z "$started" ]; then
  cat "$dir/server.log" >&2
  exit 1
fi
export TANDEM_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
"$@"
