#!/usr/bin/env bash
# Makes a local PostgreSQL ready for the test suite and prints its URL on stdout.
# Uses PITWALL_TEST_DATABASE_URL when it is set; otherwise starts Debian's cluster
# (installed by the `postgresql` package) and creates the role and database.
set -euo pipefail
if [ -n "${PITWALL_TEST_DATABASE_URL:-}" ]; then echo "$PITWALL_TEST_DATABASE_URL"; exit 0; fi
if ! command -v pg_lsclusters >/dev/null; then
  echo "PostgreSQL is not installed: run 'apt-get install -y postgresql' or set PITWALL_TEST_DATABASE_URL" >&2
  exit 1
fi
cluster=$(pg_lsclusters --no-header | head -1)
if [ -z "$cluster" ]; then
  ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_createcluster "$ver" main >&2
  cluster=$(pg_lsclusters --no-header | head -1)
fi
read -r ver name port status _ <<<"$cluster"
if [ "$status" != "online" ]; then pg_ctlcluster "$ver" "$name" start >&2; fi
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sudo -u postgres sh -c "$*"; fi; }
for _ in $(seq 1 50); do as_pg "psql -p $port -tAc 'select 1'" >/dev/null 2>&1 && break; sleep 0.2; done
as_pg "psql -p $port -tAc \"select 1 from pg_roles where rolname='pitwall'\"" | grep -q 1 ||
  as_pg "psql -p $port -qc \"create role pitwall login password 'pitwall' createdb\"" >&2
as_pg "psql -p $port -tAc \"select 1 from pg_database where datname='pitwall_test'\"" | grep -q 1 ||
  as_pg "psql -p $port -qc 'create database pitwall_test owner pitwall'" >&2
echo "postgres://pitwall:pitwall@127.0.0.1:$port/pitwall_test"
