#!/usr/bin/env bash
# Brings the database, the DataStore and the search index of a CKAN config up to date, as
# `make up` and `make cluster` need it before CKAN serves: migrations (CKAN, activity), the
# DataStore database and its read-only user (scripts/datastore.sh), the plan
# (`ckan minato-plan load`), a full reindex and `ckan minato-plan repair`. Idempotent.
#
#   scripts/ckan_init.sh INI LOG_DIR    logs go to LOG_DIR/{db.log,load.out,load.log}
#
# Environment: SAMPLE_PROGRESS=1 also loads the fictional sample progress (labelled as such).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
CKAN=$ROOT/.venv/bin/ckan

say() { echo "ckan_init.sh: $*"; }
die() { echo "ckan_init.sh: ERROR: $*" >&2; exit 1; }

[[ $# == 2 ]] || { echo "usage: $0 INI LOG_DIR" >&2; exit 2; }
INI=$1
LOGS=$2
[[ -f $INI ]] || die "no such file: $INI"
mkdir -p "$LOGS"

say "migrating the database"
"$CKAN" -c "$INI" db init >"$LOGS/db.log" 2>&1 || { tail -n 30 "$LOGS/db.log" >&2; die "ckan db init failed"; }
"$CKAN" -c "$INI" db upgrade -p activity >>"$LOGS/db.log" 2>&1 || { tail -n 30 "$LOGS/db.log" >&2; die "activity migration failed"; }
"$CKAN" -c "$INI" db upgrade -p minato_plan >>"$LOGS/db.log" 2>&1 || { tail -n 30 "$LOGS/db.log" >&2; die "minato_plan migration failed"; }
bash "$SCRIPT_DIR/datastore.sh" "$INI" >>"$LOGS/db.log" 2>&1 || { tail -n 30 "$LOGS/db.log" >&2; die "DataStore setup failed"; }
# Initiatives stored in an earlier form of the schema, rewritten through CKAN's actions.
"$CKAN" -c "$INI" minato-plan migrate >>"$LOGS/db.log" 2>&1 || { tail -n 30 "$LOGS/db.log" >&2; die "minato-plan migrate failed"; }
say "loading the plan"
opts=()
[[ ${SAMPLE_PROGRESS:-0} == 1 ]] && opts+=(--sample-progress)
if ! "$CKAN" -c "$INI" minato-plan load "${opts[@]}" >"$LOGS/load.out" 2>"$LOGS/load.log"; then
  tail -n 20 "$LOGS/load.out" "$LOGS/load.log" >&2; die "loading the plan failed"
fi
tail -n 2 "$LOGS/load.out"
# Reindex everything (40 datasets, seconds): documents indexed before a Solr schema change
# would otherwise keep the old analysis.
"$CKAN" -c "$INI" search-index rebuild >>"$LOGS/load.log" 2>&1 \
  || { tail -n 30 "$LOGS/load.log" >&2; die "search index rebuild failed"; }
# Whatever an interrupted write left apart (index, DataStore) is compared and fixed.
"$CKAN" -c "$INI" minato-plan repair >>"$LOGS/load.log" 2>&1 \
  || { tail -n 30 "$LOGS/load.log" >&2; die "repair failed"; }
# Every webasset bundle built before CKAN serves: otherwise a bundle is built on its first
# request, and two first requests at once (threads or web nodes sharing the storage) race to
# create its folder (FileExistsError: a 500).
"$CKAN" -c "$INI" asset build >>"$LOGS/load.log" 2>&1 \
  || { tail -n 30 "$LOGS/load.log" >&2; die "asset build failed"; }
