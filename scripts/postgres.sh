#!/usr/bin/env bash
# Project-local PostgreSQL 15 cluster (Debian's postgresql-15 binaries), independent of any
# system cluster: data in .local/pg/, listening on 127.0.0.1:${PG_PORT:-5433} only.
#
#   scripts/postgres.sh start   initdb on first use, start, wait until ready, create roles/dbs
#   scripts/postgres.sh stop    fast shutdown (no-op when not running)
#   scripts/postgres.sh status  exit 0 if running, 3 if not
#   scripts/postgres.sh reset   stop, then delete the cluster (all data!)
#   scripts/postgres.sh createdb NAME   an extra database owned by ckan_default
#   scripts/postgres.sh sql NAME        run the SQL on standard input as the superuser in NAME
#
# Roles and databases (local development only; passwords are not secrets):
#   ckan_default / ckan_default   owner of ckan_dev (portal) and ckan_test (tests), and of the
#                                 DataStore databases datastore_dev and datastore_test (writer)
#   datastore_default             read-only DataStore user (see scripts/datastore.sh)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
PG_VERSION=15
PG_BIN=${PG_BIN:-/usr/lib/postgresql/$PG_VERSION/bin}
PG_PORT=${PG_PORT:-5433}
STATE=$ROOT/.local/pg
DATA=$STATE/data
SOCK=$STATE/run
LOG=$STATE/postgres.log

say() { echo "postgres.sh: $*"; }
die() { echo "postgres.sh: ERROR: $*" >&2; exit 1; }

[[ -x $PG_BIN/pg_ctl ]] || die "PostgreSQL $PG_VERSION is not installed ($PG_BIN/pg_ctl missing); run scripts/install.sh"

# PostgreSQL refuses to run as root: as root, run it as the Debian 'postgres' user.
as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_admin() { as_pg "$PG_BIN/psql" -h "$SOCK" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

running() { [[ -f $DATA/postmaster.pid ]] && as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

ensure_role() { # name password
  psql_admin -d postgres -c "DO \$\$BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$1') THEN
      CREATE ROLE $1 LOGIN PASSWORD '$2';
    END IF; END\$\$;"
}

ensure_db() { # name owner
  if [[ -z $(psql_admin -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$1'") ]]; then
    psql_admin -d postgres -c "CREATE DATABASE $1 OWNER $2 ENCODING 'UTF8' TEMPLATE template0"
    say "created database $1"
  fi
}

cmd_start() {
  local t0=$SECONDS
  mkdir -p "$STATE"
  if [[ $(id -u) == 0 ]]; then chown postgres:postgres "$STATE"; fi
  if [[ ! -f $DATA/PG_VERSION ]]; then
    say "initialising a new cluster in $DATA"
    as_pg "$PG_BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$STATE/initdb.log" 2>&1 \
      || { cat "$STATE/initdb.log" >&2; die "initdb failed"; }
  fi
  if running; then
    say "already running on 127.0.0.1:$PG_PORT"
  else
    if (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then
      die "port $PG_PORT is taken by another process; set PG_PORT to a free port"
    fi
    as_pg mkdir -p "$SOCK"
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-p $PG_PORT -k $SOCK -c listen_addresses=127.0.0.1 -c synchronous_commit=off" \
      start >/dev/null || { tail -n 30 "$LOG" >&2; die "PostgreSQL did not start (log: $LOG)"; }
    say "started on 127.0.0.1:$PG_PORT in $((SECONDS - t0)) s"
  fi
  ensure_role ckan_default ckan_default
  ensure_role datastore_default datastore_default
  ensure_db ckan_dev ckan_default
  ensure_db ckan_test ckan_default
  ensure_db datastore_dev ckan_default
  ensure_db datastore_test ckan_default
}

cmd_stop() {
  if running; then
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    say "stopped"
  else
    say "not running"
  fi
}

cmd_status() {
  if running; then
    local pid; pid=$(head -1 "$DATA/postmaster.pid")
    local rss; rss=$(ps -o rss= --ppid "$pid" -p "$pid" | awk '{s+=$1} END {printf "%.0f", s/1024}')
    say "running on 127.0.0.1:$PG_PORT (pid $pid, RSS of all backends ${rss} MB)"
  else
    say "not running"; return 3
  fi
}

cmd_reset() { cmd_stop; rm -rf "$STATE"; say "cluster deleted"; }

# createdb NAME: an extra database owned by ckan_default (e.g. a parallel test worker's).
cmd_createdb() {
  [[ $1 =~ ^[a-z_][a-z0-9_]*$ ]] || die "database name must match [a-z_][a-z0-9_]*, got '$1'"
  running || die "not running; start it first"
  ensure_db "$1" ckan_default
}

# sql NAME: the SQL on standard input, run by the superuser in database NAME (e.g. the output of
# `ckan datastore set-permissions`, see scripts/datastore.sh).
cmd_sql() {
  [[ $1 =~ ^[a-z_][a-z0-9_]*$ ]] || die "database name must match [a-z_][a-z0-9_]*, got '$1'"
  running || die "not running; start it first"
  psql_admin -d "$1"
}

[[ $# -gt 0 ]] || set -- status
if [[ $1 == sql ]]; then
  [[ $# == 2 ]] || { echo "usage: $0 sql NAME < file.sql" >&2; exit 2; }
  cmd_sql "$2"; exit
fi
if [[ $1 == createdb ]]; then
  [[ $# == 2 ]] || { echo "usage: $0 createdb NAME" >&2; exit 2; }
  cmd_createdb "$2"; exit
fi
for cmd in "$@"; do
  case $cmd in
    start|stop|status|reset) "cmd_$cmd" ;;
    *) echo "usage: $0 {start|stop|status|reset|createdb NAME|sql NAME}" >&2; exit 2 ;;
  esac
done
