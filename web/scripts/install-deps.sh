#!/bin/sh
# Installs web/node_modules exactly as package-lock.json says (npm ci), only when it is missing
# or older than the lock file. Several build directories share web/node_modules: the install
# is serialised with a lock on package-lock.json (which npm ci never writes).
set -eu
cd "$(dirname "$0")/.."
NPM=${NPM:-npm}
current() {
  [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]
}
current && exit 0
exec flock package-lock.json sh -c '
  if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then exit 0; fi
  echo "web: npm ci (package-lock.json changed or node_modules missing)"
  "$0" ci --no-audit --no-fund --loglevel=error
' "$NPM"
