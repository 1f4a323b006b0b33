#!/usr/bin/env bash
# Updates package-lock.json (and package.json, when packages are named) in a clean copy of the
# manifest, with no node_modules beside it, so npm locks every platform's optional binaries
# (DuckDB, Rollup/Rolldown, esbuild, Lightning CSS ...) and not only this machine's. Versions
# already locked stay as they are. Then `npm install` (or `npm ci`) installs from the new lock.
#   bash scripts/lock.sh                     # re-lock package.json as it is
#   bash scripts/lock.sh [-D] NAME@RANGE...  # add or change dependencies (-D: development)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp package.json package-lock.json "$tmp"/
(cd "$tmp" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund "$@")
cp "$tmp/package.json" "$tmp/package-lock.json" .
echo "package-lock.json updated; run npm install to install from it" >&2
