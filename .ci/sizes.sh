#!/usr/bin/env bash
# Lists what exceeds the size limits of DEVELOPERS.md ("Functions <= ~120 lines, files <= ~800
# lines in src/, include/, apps/"): files over MAX_FILE_LINES lines, then functions over
# MAX_FUNCTION_LINES lines (from the first line of the definition to its closing brace, as
# Universal Ctags reports them; lambdas count toward the function that holds them), longest
# first. Usage: .ci/sizes.sh [PATH...] (default: src include apps). Informational: always exits
# 0 unless --check is given, then exits 1 when anything is listed.
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
found=0
echo "files over $max_file lines:"
while read -r lines file; do
  [ "$file" = total ] && continue
  if [ "$lines" -gt "$max_file" ]; then
    printf '  %5d  %s\n' "$lines" "$file"
    found=1
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
if [ -n "$over" ]; then
  echo "$over"
  found=1
fi
if [ "$check" = 1 ] && [ "$found" = 1 ]; then exit 1; fi
exit 0
