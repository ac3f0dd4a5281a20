#!/usr/bin/env bash
# Issue 10, items 1, 8 and 9 for the CLI: input that is not a regular file, larger than the
# input limit, nested deeper than 64 levels, or with an empty name or a zero deadline is refused
# with exit 3 and a message naming the file and the limit; API tokens are listed without
# secrets and revoked from the CLI. Every case fails without its fix (it ran forever, took
# gigabytes, or was accepted).
#   test/security/cli_limits.sh TANDEM_BINARY SOURCE_DIR
set -uo pipefail
tandem=$1
root=$2
dir=$(mktemp -d /tmp/tandem-cli-limits.XXXXXX)
trap 'rm -rf "$dir"' EXIT
failures=0
passed=0

# expect NAME CODE PATTERN -- command...: the command exits with CODE within 30 s (CODE
# "verdict": 0, 1 or 2, a check that ran) and its standard error matches PATTERN (extended regex).
expect() {
  local name=$1 code=$2 pattern=$3
  shift 4
  local out
  out=$(timeout 30 "$@" 2>&1 >/dev/null)
  local got=$?
  local code_ok=0
  if [ "$code" = verdict ]; then [ "$got" -le 2 ] && code_ok=1; else [ "$got" -eq "$code" ] && code_ok=1; fi
  if [ "$code_ok" -ne 1 ] || ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL: $name: exit $got (expected $code); stderr:"
    echo "$out" | head -5
    failures=$((failures + 1))
  else
    echo "ok: $name"
    passed=$((passed + 1))
  fi
}

toy="$root/examples/greenleaf.yaml"
[ -f "$toy" ] || { echo "no $toy"; exit 2; }
cp "$toy" "$dir/ok.yaml"
for file in "$root"/examples/*.csv; do [ -f "$file" ] && cp "$file" "$dir/"; done
cp -r "$root/examples/"* "$dir/" 2>/dev/null

# Item 9: devices, pipes, directories and oversized files.
expect "device" 3 "is a device; tandem reads regular files only" -- "$tandem" check /dev/urandom
mkfifo "$dir/pipe.yaml"
expect "fifo" 3 "is a pipe" -- "$tandem" check "$dir/pipe.yaml"
expect "directory" 3 "is a directory" -- "$tandem" check "$dir"
{ cat "$toy"; head -c $((17 << 20)) /dev/zero | tr '\0' '#' | fold -w 100 | sed 's/^/# /'; } >"$dir/big.yaml"
expect "over 16 MiB" 3 "big.yaml: the scenario file is larger than the input limit of 16 MiB" -- \
  "$tandem" check "$dir/big.yaml"
expect "raised with --max-input" verdict "" -- "$tandem" check "$dir/big.yaml" --max-input 32MiB --scenarios 20 --json
TANDEM_MAX_INPUT_BYTES=1000 expect "lowered by the environment" 3 "input limit of 1000 bytes" -- \
  "$tandem" check "$dir/ok.yaml"
expect "import of a device" 3 "is a device" -- "$tandem" import /dev/zero --workspace w --db "sqlite:$dir/t.db"
# A history file over the limit is named as such.
mkdir -p "$dir/history"
head -c $((17 << 20)) /dev/zero | tr '\0' '1' | fold -w 20 | sed 's/^/2027-01-01,/' >"$dir/history/big.csv"
cat >"$dir/bighistory.yaml" <<YAML
tandem: 1
name: big history
horizon: {start: 2027-03-01, end: 2027-03-31}
offerings:
  - {id: a, price: 1, stocked: false, baseline: {history: history/big.csv}}
YAML
expect "history over 16 MiB" 3 "big.csv: the history file is larger than the input limit of 16 MiB" -- \
  "$tandem" check "$dir/bighistory.yaml"

# Item 1: nesting, block style (no brackets) and flow style, with the file and line. (Between 64
# and yaml-cpp's own guard the reader's limit speaks; past it, yaml-cpp's, in the same words.)
{ echo "tandem: 1"; echo "name:"; printf '  '; for _ in $(seq 100); do printf -- '- '; done; echo x; } >"$dir/deep100.yaml"
expect "block nesting of 100" 3 "deep100.yaml:3:.*nested more than 64 deep" -- "$tandem" check "$dir/deep100.yaml"
{ echo "tandem: 1"; echo "name:"; printf '  '; for _ in $(seq 3000); do printf -- '- '; done; echo x; } >"$dir/deep.yaml"
expect "block nesting" 3 "deep.yaml:3:.*nested more than 64 deep" -- "$tandem" check "$dir/deep.yaml"
python3 -c "print('tandem: 1\nname: ' + '['*70 + ']'*70)" >"$dir/flow.yaml"
expect "flow nesting" 3 "flow.yaml:2:.*nested more than 64 deep" -- "$tandem" check "$dir/flow.yaml"
expect "import refuses nesting" 3 "nested more than 64 deep" -- \
  "$tandem" import "$dir/deep.yaml" --workspace w --db "sqlite:$dir/t.db"

# Item 8: empty names and zero deadlines.
sed '0,/^name: .*/s//name: ""/' "$toy" >"$dir/noname.yaml"
expect "empty name" 3 "noname.yaml:[0-9]+:[0-9]+: name: is empty" -- "$tandem" check "$dir/noname.yaml"
sed '0,/within: [0-9]*[hd]/s//within: 0h/' "$toy" >"$dir/zero.yaml"
expect "zero deadline" 3 "within: a bound of zero" -- "$tandem" check "$dir/zero.yaml"

# Item 8: tokens listed without secrets, revoked, expiring.
db="sqlite:$dir/users.db"
"$tandem" user add bot --role operations --token --days 7 --db "$db" >"$dir/add.txt" 2>&1
secret=$(tail -1 "$dir/add.txt" | awk '{print $NF}')
"$tandem" user token bot --db "$db" >/dev/null 2>&1
"$tandem" user tokens bot --db "$db" >"$dir/tokens.txt" 2>&1
if grep -q "2 API tokens of bot" "$dir/tokens.txt" && ! grep -qF "${secret:4:12}" "$dir/tokens.txt" &&
   grep -qE "expires 20[0-9-]+T" "$dir/tokens.txt"; then
  echo "ok: tokens listed without secrets"; passed=$((passed + 1))
else
  echo "FAIL: tokens listing:"; cat "$dir/tokens.txt"; failures=$((failures + 1))
fi
first=$(grep -m1 -oE "id [0-9]+" "$dir/tokens.txt" | awk '{print $2}')
expect "revoke needs a choice" 3 "give --token ID" -- "$tandem" user revoke bot --db "$db"
if "$tandem" user revoke bot --token "$first" --db "$db" | grep -q "revoked 1 API token" &&
   "$tandem" user tokens bot --db "$db" | grep -q "1 API token of bot"; then
  echo "ok: revoke one token"; passed=$((passed + 1))
else
  echo "FAIL: revoke one token"; failures=$((failures + 1))
fi
expect "revoke an unknown token" 3 "has no token" -- "$tandem" user revoke bot --token 999 --db "$db"
if [ "$(stat -c %a "$dir/users.db")" = 600 ]; then
  echo "ok: database file 0600"; passed=$((passed + 1))
else
  echo "FAIL: database file is $(stat -c %a "$dir/users.db")"; failures=$((failures + 1))
fi

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
