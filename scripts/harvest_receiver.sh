#!/usr/bin/env bash
# Backing services of a second, stock CKAN 2.12 that harvests this portal (tests/harvest/): its
# own Solr core with CKAN's stock schema and its own PostgreSQL database with CKAN's, the activity
# plugin's and ckanext-harvest's tables. Idempotent; PostgreSQL and Solr must be running
# (scripts/services.sh start). The receiver's ini is written by the caller (tests/harvest/).
#
#   scripts/harvest_receiver.sh solr-core [CORE]   Solr core CORE (default ckan_harvest) with
#                                                  CKAN's stock schema, created if missing
#   scripts/harvest_receiver.sh fresh-db INI       (re)create the database named by INI's
#                                                  sqlalchemy.url, empty but migrated
#
# fresh-db clones the database from a template, ckan_harvest_template, which is built once with
# `ckan db init`, `ckan db upgrade -p activity` and `ckan db upgrade -p harvest` (INI's plugins,
# the template's URL through CKAN_SQLALCHEMY_URL) and rebuilt when the CKAN or ckanext-harvest
# version changes; a clone takes about a second instead of the migrations' half minute.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
SOLR_URL=${SOLR_URL:-http://127.0.0.1:${SOLR_PORT:-8983}/solr}
PG_PORT=${PG_PORT:-5433}
TEMPLATE=ckan_harvest_template
LOCK=$ROOT/.local/harvest-receiver.lock
CKAN=$ROOT/.venv/bin/ckan
PY=$ROOT/.venv/bin/python
say() { echo "harvest_receiver.sh: $*"; }
die() { echo "harvest_receiver.sh: ERROR: $*" >&2; exit 1; }

sql() { bash "$SCRIPT_DIR/postgres.sh" sql "$1"; }

# One core creation, template build or clone at a time (parallel test runs, parallel receivers).
lock() {
  mkdir -p "$(dirname "$LOCK")"
  exec 9>"$LOCK"
  flock 9
}

cmd_solr_core() {
  local core=${1:-ckan_harvest} status body
  [[ $core =~ ^[A-Za-z0-9_]+$ ]] || die "core name must match [A-Za-z0-9_]+, got '$core'"
  lock
  status=$(curl -fsS --max-time 30 "$SOLR_URL/admin/cores?action=STATUS&core=$core&wt=json") \
    || die "Solr does not answer at $SOLR_URL (scripts/services.sh start)"
  if grep -q '"instanceDir"' <<<"$status"; then
    say "Solr core '$core' exists"
    return 0
  fi
  bash "$SCRIPT_DIR/solr.sh" configsets >/dev/null   # .local/solr/home/configsets/stock
  body=$(curl -sS --max-time 120 \
    "$SOLR_URL/admin/cores?action=CREATE&name=$core&instanceDir=$core&configSet=stock&wt=json") \
    || die "CoreAdmin CREATE of '$core' failed (no answer)"
  grep -Eq '"status" *: *0' <<<"$body" || { echo "$body" >&2; die "CoreAdmin CREATE of '$core' failed"; }
  say "created Solr core '$core' (CKAN's stock schema)"
}

ini_value() { # INI KEY -> last value of KEY in INI
  sed -n "s/^[[:space:]]*${2//./\\.}[[:space:]]*=[[:space:]]*//p" "$1" | tail -n 1
}

versions() {
  "$PY" - <<'PY'
from importlib import metadata
print(" ".join(f"{d}={metadata.version(d)}" for d in ("ckan", "ckanext-harvest", "ckanext-dcat")))
PY
}

ensure_template() { # INI
  local ini=$1 url want have log=$ROOT/.local/harvest-template.log
  want="harvest receiver template: $(versions) plugins=activity,harvest"
  have=$(echo "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$TEMPLATE'" \
    | sql postgres)
  [[ $have == "$want" ]] && return 0
  say "building the template database $TEMPLATE ($want; log ${log#"$ROOT"/})"
  printf 'SET client_min_messages TO warning;\nDROP DATABASE IF EXISTS %s WITH (FORCE);\n' "$TEMPLATE" \
    | sql postgres
  bash "$SCRIPT_DIR/postgres.sh" createdb "$TEMPLATE" >/dev/null
  url=$(ini_value "$ini" sqlalchemy.url)
  url=${url%/*}/$TEMPLATE
  {
    CKAN_SQLALCHEMY_URL=$url "$CKAN" -c "$ini" db init
    CKAN_SQLALCHEMY_URL=$url "$CKAN" -c "$ini" db upgrade -p activity
    CKAN_SQLALCHEMY_URL=$url "$CKAN" -c "$ini" db upgrade -p harvest
  } >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "migrating the template database failed"; }
  echo "COMMENT ON DATABASE $TEMPLATE IS '$want'" | sql postgres
}

cmd_fresh_db() {
  local ini=${1:-} url db
  [[ -n $ini && -f $ini ]] || die "usage: $0 fresh-db INI (an existing CKAN ini)"
  url=$(ini_value "$ini" sqlalchemy.url)
  db=${url##*/}
  db=${db%%\?*}
  [[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || die "database name must match [a-z_][a-z0-9_]*, got '$db'"
  [[ $db != "$TEMPLATE" ]] || die "$TEMPLATE is the template itself"
  bash "$SCRIPT_DIR/postgres.sh" status >/dev/null || die "PostgreSQL is not running (scripts/services.sh start)"
  lock
  ensure_template "$ini"
  {
    echo "SET client_min_messages TO warning;"
    echo "DROP DATABASE IF EXISTS $db WITH (FORCE);"
    echo "CREATE DATABASE $db TEMPLATE $TEMPLATE OWNER ckan_default;"
  } | sql postgres
  say "database $db: fresh copy of $TEMPLATE"
}

case ${1:-} in
  solr-core) shift; cmd_solr_core "$@" ;;
  fresh-db) shift; cmd_fresh_db "$@" ;;
  -h|--help|help) sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" ;;
  *) sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
