#!/bin/sh
# Builds the web front end into OUT (a folder under the CMake build directory) and writes the
# C++ source that embeds it:
#   OUT/app/                 the web UI (vite.config.js)
#   OUT/report/              report.js + report.css (vite.report.config.js)
#   OUT/tandem_web_assets.cc both, plus src/report/template.html, as byte arrays
# Usage: scripts/build.sh OUT   (NODE and NPM may name the programs)
set -eu
OUT=${1:?usage: build.sh OUT}
cd "$(dirname "$0")/.."
NODE=${NODE:-node}
NPM=${NPM:-npm} sh scripts/install-deps.sh
"$NODE" node_modules/vite/bin/vite.js build --logLevel warn --outDir "$OUT/app" --emptyOutDir
"$NODE" node_modules/vite/bin/vite.js build --config vite.report.config.js --logLevel warn \
  --outDir "$OUT/report" --emptyOutDir
"$NODE" scripts/embed.mjs --report "$OUT/report" --template src/report/template.html \
  --app "$OUT/app" --out "$OUT/tandem_web_assets.cc"
