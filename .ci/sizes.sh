#!/usr/bin/env bash
# Lists what exceeds the size limits of DEVELOPERS.md ("Functions <= ~120 lines, files <= ~800
# lines in src/, include/, apps/"): files over MAX_FILE_LINES lines, then functions over
# MAX_FUNCTION_LINES lines (from the first line of the definition to its closing brace, as
# Universal Ctags reports them; lambdas count toward the function that holds them), longest
# first. Usage: .ci/sizes.sh [--check] [PATH...] (default: src include apps). Without --check it
# only lists (exit 0). With --check (`make sizes`, run by `make test`) it exits 1 when anything
# listed is not an allowed exception of .ci/sizes-allowed.txt (file and function, with the
# reason), or when an allowed exception no longer exceeds a limit (a stale entry).
# Needs universal-ctags (apt-get install universal-ctags).
set -euo pipefail
cd "$(dirname "$0")/.."
max_file=${MAX_FILE_LINES:-800}
max_function=${MAX_FUNCTION_LINES:-120}
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(src include apps)
if ! ctags --version 2>/dev/null | grep -q 'Universal Ctags'; then
  echo "sizes: needs universal-ctags (apt-get install universal-ctags)" >&2
  exit 2
fi
files=$(git ls-files --cached --others --exclude-standard -- "${paths[@]}" |
  while read -r f; do [ -f "$f" ] && echo "$f"; done | grep -E '\.(cc|h|cpp|hpp)$' || true)
[ -n "$files" ] || exit 0
# The allowed exceptions, as "file function" ("file -" for a whole file), comments dropped.
allowed=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' .ci/sizes-allowed.txt | grep -v '^$' || true)
is_allowed() { grep -qxF "$1" <<<"$allowed"; }
violations=0
seen=""
report() {  # report KEY LINE: prints LINE, marked when allowed; counts what is not
  if is_allowed "$1"; then
    echo "$2  (allowed: .ci/sizes-allowed.txt)"
    seen+="$1"$'\n'
  else
    echo "$2"
    violations=$((violations + 1))
  fi
}
echo "files over $max_file lines:"
while read -r lines file; do
  [ "$file" = total ] && continue
  if [ "$lines" -gt "$max_file" ]; then
    report "$file -" "$(printf '  %5d  %s' "$lines" "$file")"
  fi
done < <(echo "$files" | xargs wc -l | sort -rn)
echo "functions over $max_function lines:"
# One tag per function definition: name, file, line:N, end:M (--fields=+ne).
over=$(echo "$files" | xargs ctags --fields=+ne --kinds-c++=f --language-force=c++ -o - 2>/dev/null |
  awk -F'\t' -v max="$max_function" '{
    line = 0; end = 0; scope = "";
    for (i = 4; i <= NF; i++) {
      if ($i ~ /^line:/) line = substr($i, 6);
      if ($i ~ /^end:/) end = substr($i, 5);
      if ($i ~ /^(class|struct|namespace):/) { scope = $i; sub(/^[a-z]+:/, "", scope); sub(/^tandem::/, "", scope); gsub(/__anon[0-9a-f]+::/, "", scope); gsub(/::__anon[0-9a-f]+$/, "", scope); gsub(/^__anon[0-9a-f]+$/, "", scope); }
    }
    if ($1 ~ /^__anon/) next;
    if (end > 0 && end - line + 1 > max)
      printf "  %5d  %s:%d  %s%s\n", end - line + 1, $2, line, (scope == "" ? "" : scope "::"), $1;
  }' | sort -rn)
while read -r lines where function; do
  [ -n "$lines" ] || continue
  report "${where%%:*} $function" "$(printf '  %5d  %s  %s' "$lines" "$where" "$function")"
done <<<"$over"
[ "$check" = 1 ] || exit 0
status=0
if [ "$violations" -gt 0 ]; then
  echo "sizes: $violations over the limits; split them (DEVELOPERS.md), or, for data rather than" \
    "logic, add an entry with its reason to .ci/sizes-allowed.txt" >&2
  status=1
fi
# Only when the whole tree was measured: an entry that no longer exceeds a limit is stale.
if [ "$#" -eq 0 ]; then
  while read -r entry; do
    [ -n "$entry" ] || continue
    if ! grep -qxF "$entry" <<<"$seen"; then
      echo "sizes: .ci/sizes-allowed.txt lists '$entry', which is within the limits now; remove it" >&2
      status=1
    fi
  done <<<"$allowed"
fi
exit $status
