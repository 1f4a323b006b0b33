#!/usr/bin/env bash
# What the test suite needs from the machine beyond npm packages, checked before `npm test` runs
# Vitest: Chromium (the browser tests drive Debian's through playwright-core, which never
# downloads a browser), a PostgreSQL server (every query also runs on it), zsh and fish (the
# shell-hook tests drive real bash, zsh and fish) and Prometheus (a real one scrapes /metrics;
# promtool checks the generated rules). As root with apt-get, installs Debian's `chromium`,
# `postgresql`, `zsh`, `fish` and `prometheus` when missing; otherwise stops at once and names
# the one command to run. scripts/postgres-up.sh then starts the cluster.
set -euo pipefail

say() { echo "test setup: $*" >&2; }

if [ -n "${PITWALL_CHROMIUM:-}" ] && [ ! -x "$PITWALL_CHROMIUM" ]; then
  say "PITWALL_CHROMIUM=$PITWALL_CHROMIUM is not an executable: point it at a Chromium binary, or unset it to use Debian's /usr/bin/chromium"
  exit 1
fi

missing=()
[ -n "${PITWALL_CHROMIUM:-}" ] || [ -x /usr/bin/chromium ] || missing+=(chromium)
if [ -z "${PITWALL_TEST_DATABASE_URL:-}" ] && ! command -v pg_lsclusters >/dev/null 2>&1; then
  missing+=(postgresql)
fi
command -v zsh >/dev/null 2>&1 || missing+=(zsh)
command -v fish >/dev/null 2>&1 || missing+=(fish)
# A real Prometheus scrapes /metrics and promtool checks the generated rules.
{ command -v prometheus && command -v promtool; } >/dev/null 2>&1 || missing+=(prometheus)
# The chart tests (test/deploy) unpack helm from the kubectl layer's zip.
command -v unzip >/dev/null 2>&1 || missing+=(unzip)

[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  vars=()
  for p in "${missing[@]}"; do
    case $p in
      chromium) vars+=("PITWALL_CHROMIUM=/path/to/chromium") ;;
      postgresql) vars+=("PITWALL_TEST_DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/DB") ;;
      zsh | fish | prometheus | unzip) ;; # found on PATH once installed
    esac
  done
  say "the tests need ${missing[*]}, not found here and no apt-get to install them with."
  say "Install them with your system's package manager, then run:"
  echo "  ${vars[*]} npm test" >&2
  exit 1
fi

if [ "$(id -u)" != 0 ]; then
  say "the tests need Debian's ${missing[*]}, not installed here. Run:"
  echo "  sudo sh -c 'apt-get update && apt-get install -y ${missing[*]}'" >&2
  exit 1
fi

say "installing Debian's ${missing[*]} (apt-get, once)..."
log=$(mktemp)
started=$SECONDS
if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  say "apt-get could not install ${missing[*]} (above). Once this works, run npm test again:"
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
if [ -z "${PITWALL_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  say "apt-get installed chromium but /usr/bin/chromium is absent: set PITWALL_CHROMIUM to its binary"
  exit 1
fi
say "installed ${missing[*]} in $((SECONDS - started)) s"
