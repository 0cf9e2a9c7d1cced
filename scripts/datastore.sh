#!/usr/bin/env bash
# Prepares CKAN's DataStore for a CKAN config file: its database (named by
# ckan.datastore.write_url, owned by the writer ckan_default) and the permissions of the
# read-only user datastore_default (`ckan datastore set-permissions`, run by the PostgreSQL
# superuser). Idempotent; the permissions step is skipped when it has already been done.
#
#   scripts/datastore.sh INI     e.g. scripts/datastore.sh .local/ckan.ini
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
say() { echo "datastore.sh: $*"; }
die() { echo "datastore.sh: ERROR: $*" >&2; exit 1; }

[[ $# == 1 ]] || { echo "usage: $0 INI" >&2; exit 2; }
INI=$1
[[ -f $INI ]] || die "no such file: $INI"
url=$(sed -n 's/^[[:space:]]*ckan\.datastore\.write_url[[:space:]]*=[[:space:]]*//p' "$INI" | tail -n 1)
if [[ -z $url ]]; then
  # An ini written before the DataStore was configured (e.g. an old .local/ckan.ini): nothing to
  # prepare; the portal then runs without the DataStore (see README, Downloads).
  say "$INI sets no ckan.datastore.write_url: DataStore not configured, nothing to do"
  exit 0
fi
db=${url##*/}
db=${db%%\?*}

bash "$SCRIPT_DIR/postgres.sh" createdb "$db"
done_already=$(echo "SELECT 1 FROM pg_proc WHERE proname = 'update_table_stats'" \
  | bash "$SCRIPT_DIR/postgres.sh" sql "$db")
if [[ $done_already != 1 ]]; then
  # CKAN may log to standard output (test.ini does): keep only the SQL.
  "$ROOT/.venv/bin/ckan" -c "$INI" datastore set-permissions 2>/dev/null \
    | grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ ' \
    | bash "$SCRIPT_DIR/postgres.sh" sql "$db" >/dev/null \
    || die "setting the DataStore permissions of $db failed"
  say "permissions set on $db (read-only user datastore_default)"
fi
