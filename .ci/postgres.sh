#!/usr/bin/env bash
# Installs (from Debian's apt) and starts a PostgreSQL server for the indexer's PostgreSQL tests, and prints the
# connection URL of an empty test database. Idempotent.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
read -r version cluster _ < <(pg_lsclusters --no-header | head -n 1)
pg_ctlcluster "$version" "$cluster" start >/dev/null 2>&1 || true # "already running" is fine
for _ in $(seq 1 50); do
  su postgres -c "pg_isready -q" && break
  sleep 0.2
done
su postgres -c "psql -q -c \"alter user postgres password 'postgres'\"" >/dev/null
su postgres -c "dropdb --if-exists trimtab_test && createdb trimtab_test"
echo "postgres://postgres:postgres@127.0.0.1:5432/trimtab_test"
