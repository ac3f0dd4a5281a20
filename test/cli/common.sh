# Sourced by the CLI tests (test/cli/*.sh), which take TANDEM_BINARY SOURCE_DIR: sets `tandem`
# and `source` from them, `fail MESSAGE` (prints and counts into `failures`) and a temporary
# directory `tmp` removed on exit.
# shellcheck shell=bash disable=SC2034
set -u
tandem=$1
source=$2
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
