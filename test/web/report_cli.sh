#!/bin/sh
# `tandem report` from the command line: exit codes, whole-or-nothing output, a file that
# names nothing on the network, and embedded data equal to `tandem check --json --series`.
# Usage: report_cli.sh TANDEM SOURCE_DIR NODE
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$2
node=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
check() { if eval "$2"; then ok "$1"; else fail "$1"; fi; }

scenario=$src/examples/support-launch.yaml

# A report written from another directory; exit 0 although the scenario is no-go.
(cd "$work" && umask 022 && "$bin" report "$scenario" -o out.html --scenarios 40 --seed 3 >stdout.txt 2>stderr.txt)
code=$?
check "writes a report and exits 0 for a no-go scenario (exit $code)" '[ $code -eq 0 ] && [ -s "$work/out.html" ]'
check "says what it wrote" 'grep -q "wrote out.html: .*verdict no-go" "$work/stdout.txt"'
check "the file is an HTML document" 'head -c 15 "$work/out.html" | grep -qi "<!doctype html>"'
check "every template slot is filled" '[ -s "$work/out.html" ] && ! grep -q "@@TANDEM_" "$work/out.html"'
check "it loads nothing: no src= or href= to anywhere, no @import, no url()" \
  '[ -s "$work/out.html" ] && ! grep -Eqi "<(script|link|img|iframe)[^>]*(src|href)=|@import|url\\(" "$work/out.html"'
check "the file has the mode of a plain new file (0644 under umask 022)" \
  '[ "$(stat -c %a "$work/out.html")" = 644 ]'

# The embedded data is the check's result with the same options, and its context.
"$bin" check "$scenario" --json --series --scenarios 40 --seed 3 >"$work/check.json"
"$node" --input-type=module -e '
  import { readFileSync } from "node:fs";
  import assert from "node:assert/strict";
  const [html, check] = [readFileSync(process.argv[1], "utf8"), JSON.parse(readFileSync(process.argv[2], "utf8"))];
  const match = /<script type="application\/json" id="tandem-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, "no data element");
  const data = JSON.parse(match[1]);
  assert.deepStrictEqual(data.check, check);
  assert.equal(data.report, 1);
  assert.equal(data.source, "support-launch.yaml");
  assert.match(data.generated, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
  assert.deepStrictEqual(data.context.campaigns.map((c) => [c.id, c.window]), [["launch", { start: "2027-04-01", end: "2027-04-14" }]]);
  assert.deepStrictEqual(data.context.horizon, { start: "2027-03-01", end: "2027-04-30" });
  // The check key order of the contract is kept.
  assert.deepStrictEqual(Object.keys(data.check).slice(0, 3), ["tandem", "name", "verdict"]);
' "$work/out.html" "$work/check.json" >"$work/node.txt" 2>&1
code=$?
check "the embedded data equals tandem check --json --series" '[ $code -eq 0 ]'
[ $code -eq 0 ] || cat "$work/node.txt"

# Text that could end a <script> early is escaped in the data and in the title.
"$bin" report "$src/test/web/fixtures/edge-cases.yaml" -o "$work/edge.html" --scenarios 20 >/dev/null 2>&1
code=$?
check "the edge-case fixture reports (exit $code)" '[ $code -eq 0 ]'
check "a </script> in a name cannot end the data element" \
  '[ "$(grep -o "</script>" "$work/edge.html" | wc -l)" -eq 2 ]'
check "the title is escaped" 'grep -q "<title>Edge &lt;b&gt;cases&lt;/b&gt; &lt;/script&gt;" "$work/edge.html"'

# -o - writes the page to standard output.
"$bin" report "$scenario" -o - --scenarios 20 >"$work/stdout.html" 2>/dev/null
code=$?
check "-o - writes the page to standard output (exit $code)" \
  '[ $code -eq 0 ] && head -c 15 "$work/stdout.html" | grep -qi "<!doctype html>"'

# Bad input: exit 3 with the file named; an existing output is left as it was.
printf 'previous\n' >"$work/keep.html"
printf 'tandem: 1\nname: broken\nhorizon: {start: 2027-01-01, end: 2026-01-01}\nbogus: 1\n' >"$work/bad.yaml"
"$bin" report "$work/bad.yaml" -o "$work/keep.html" >/dev/null 2>"$work/bad.txt"
code=$?
check "bad input exits 3 (exit $code)" '[ $code -eq 3 ]'
check "the message names the file" 'grep -q "bad.yaml" "$work/bad.txt"'
check "an existing output is untouched" '[ "$(cat "$work/keep.html")" = previous ]'

"$bin" report "$work/missing.yaml" -o "$work/x.html" >/dev/null 2>&1
code=$?
check "a missing scenario exits 3 (exit $code)" '[ $code -eq 3 ] && [ ! -e "$work/x.html" ]'

"$bin" report "$scenario" --campaign nope -o "$work/x.html" >/dev/null 2>&1
code=$?
check "an unknown campaign exits 3 (exit $code)" '[ $code -eq 3 ] && [ ! -e "$work/x.html" ]'

"$bin" report "$scenario" >/dev/null 2>&1
code=$?
check "-o is required (exit $code)" '[ $code -eq 3 ]'

"$bin" report "$scenario" -o "$work/no/such/dir/r.html" --scenarios 20 >/dev/null 2>"$work/io.txt"
code=$?
check "an output that cannot be written exits 3 and names it (exit $code)" \
  '[ $code -eq 3 ] && grep -q "no/such/dir" "$work/io.txt"'
check "nothing is left behind in the output's folder" '[ -z "$(ls "$work" | grep -v -E "^(out.html|stdout.txt|stderr.txt|check.json|node.txt|edge.html|stdout.html|keep.html|bad.yaml|bad.txt|io.txt)$")" ]'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
