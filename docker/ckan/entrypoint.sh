#!/usr/bin/env bash
# Entrypoint of the CKAN image (docker/ckan/Dockerfile). Every mode first writes the CKAN ini
# ($CKAN_INI) from the project's template config/ckan.ini.in and the environment.
#
#   web       (default) prepare the databases, index and plan unless CKAN_INIT=false (see init),
#             build the webassets (`ckan asset build`), then exec gunicorn (gthread) on
#             config/wsgi.py
#   worker    exec `ckan jobs worker` (CKAN's RQ worker; runs the plugin's heal job); arguments
#             after `worker` go to it (e.g. queue names)
#   init      `ckan db init`, `ckan db upgrade -p activity` and `-p minato_plan`,
#             `ckan datastore set-permissions`
#             (when CKAN_DATASTORE_SET_PERMISSIONS=true), `ckan minato-plan migrate`,
#             `ckan minato-plan load` (idempotent) and
#             `ckan minato-plan repair`, under a lock on the storage volume, and
#             `ckan minato-plan remind --schedule` (the monthly progress reminders on the
#             worker, or none); then exit
#   config    write the ini only, print its path
#   anything else is executed as a command with the ini in place, e.g. `ckan search-index rebuild`
#
# Settings. Each setting NAME that goes into the ini is read from $NAME or from the file named by
# ${NAME}_FILE (Docker secrets), never both. Database passwords go into the pgpass file
# $PGPASSFILE, never into a URL:
#   CKAN_SITE_URL                        required, e.g. https://opendata.example.jp
#   CKAN_SECRET_KEY                      required (sessions, CSRF tokens, and API tokens unless
#                                        CKAN_API_TOKEN_SECRET is set)
#   CKAN_WTF_CSRF_SECRET_KEY             optional, default CKAN_SECRET_KEY
#   CKAN_API_TOKEN_SECRET                optional: API tokens then survive a SECRET_KEY rotation
#   CKAN_SQLALCHEMY_URL (a whole URL)    or the parts CKAN_DB_HOST (db), CKAN_DB_PORT (5432),
#                                        CKAN_DB_USER (ckan_default), CKAN_DB_PASSWORD,
#                                        CKAN_DB_NAME (ckan)
#   CKAN_DATASTORE_WRITE_URL / _READ_URL or the parts CKAN_DATASTORE_DB_NAME (datastore),
#                                        CKAN_DATASTORE_READONLY_USER (datastore_default),
#                                        CKAN_DATASTORE_READONLY_PASSWORD (writer: the CKAN user)
#   CKAN_SOLR_URL (http://solr:8983/solr/ckan), CKAN_REDIS_URL (redis://redis:6379/0)
#   CKAN_SESSION_TYPE (redis | cookie; default redis), CKAN_SITE_ID, CKAN_STORAGE_PATH,
#   CKAN_WEBASSETS_PATH, CKAN_SMTP_SERVER / _STARTTLS / _USER / _PASSWORD / _MAIL_FROM,
#   CKAN_REMINDERS_DAY_OF_MONTH (0)      1-28: the worker e-mails the departments whose progress of
#                                        the fiscal year is missing on that day (needs CKAN_SMTP_*)
#   CKAN_INI_EXTRA_FILE                  an ini file ([app:main] ...) merged last: any other option
#   CKAN_INIT (true), CKAN_LOAD_PLAN (true), CKAN_SAMPLE_PROGRESS (false)
#   CKAN_DATASTORE_SET_PERMISSIONS (false) with POSTGRES_USER (postgres) and POSTGRES_PASSWORD:
#                                        the superuser runs `ckan datastore set-permissions`
#   GUNICORN_WORKERS (2), GUNICORN_THREADS (4), GUNICORN_TIMEOUT (120), CKAN_PORT (5000);
#   GUNICORN_CMD_ARGS is read by gunicorn itself
set -euo pipefail
shopt -s inherit_errexit

CKAN_HOME=${CKAN_HOME:-/srv/app}
CKAN_INI=${CKAN_INI:-/etc/ckan/ckan.ini}
CKAN_INI_TEMPLATE=${CKAN_INI_TEMPLATE:-$CKAN_HOME/config/ckan.ini.in}
PYTHON=${PYTHON:-python3}
CKAN=${CKAN_CLI:-ckan}
PGPASSFILE=${PGPASSFILE:-$(dirname "$CKAN_INI")/pgpass}
export CKAN_INI PGPASSFILE

say() { echo "entrypoint: $*" >&2; }
die() { echo "entrypoint: ERROR: $*" >&2; exit 1; }

is_true() {
  case ${1,,} in
    1|true|yes|on) return 0 ;;
    0|false|no|off|'') return 1 ;;
    *) die "expected true or false, got '$1'" ;;
  esac
}

# secret NAME [DEFAULT]: $NAME, or the content of the file ${NAME}_FILE names (trailing newlines
# dropped), or DEFAULT.
secret() {
  local name=$1 file_var="${1}_FILE" default=${2-} value file
  value=${!name-}
  file=${!file_var-}
  if [[ -n $value && -n $file ]]; then
    die "set $name or $file_var, not both"
  fi
  if [[ -n $file ]]; then
    [[ -f $file && -r $file ]] || die "$file_var=$file: no readable file there"
    value=$(<"$file")
    value=${value%$'\r'}
  fi
  [[ -n $value ]] || value=$default
  [[ $value != *$'\n'* ]] || die "$name holds a line break"
  printf '%s' "$value"
}

# required NAME: like secret, but empty is an error.
required() {
  local value
  value=$(secret "$1")
  [[ -n $value ]] || die "$1 is not set (set $1, or ${1}_FILE to a file holding it)"
  printf '%s' "$value"
}

# CKAN reads every CKAN_* environment variable as an ini default, and its ini parser stops at a
# lone '%'. Such values belong in a *_FILE (the entrypoint doubles the '%' in the ini).
check_environment() {
  local name rest
  while IFS= read -r name; do
    rest=${!name//%%/}
    rest=${rest//%(/}
    if [[ $rest == *%* ]]; then
      die "$name contains '%', which CKAN's ini loader refuses in CKAN_* variables; put the value in a file and set ${name}_FILE instead"
    fi
  done < <(compgen -e | grep '^CKAN_' || true)
}

# ini_line KEY VALUE: one "key = value" line of the overrides file, '%' doubled for the parser.
ini_line() { printf '%s = %s\n' "$1" "${2//%/%%}"; }

# The database URLs carry no password: libpq reads it from the pgpass file ($PGPASSFILE), so no
# password needs URL quoting (CKAN's migrations put sqlalchemy.url into a ConfigParser, which
# refuses the '%' of a quoted character).
postgres_url() { # user host port db
  local part
  for part in "$1" "$4"; do
    [[ $part =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "database and user names are letters, digits and _ only, got '$part'"
  done
  printf 'postgresql://%s@%s:%s/%s' "$1" "$2" "$3" "$4"
}

pgpass_line() { # user password: any host, port and database
  local password=${2//\\/\\\\}
  password=${password//:/\\:}
  printf '*:*:*:%s:%s\n' "$1" "$password"
}

write_config() {
  check_environment
  [[ -f $CKAN_INI_TEMPLATE ]] || die "no ini template at $CKAN_INI_TEMPLATE"

  local site_url secret_key csrf_key token_secret db_url db_password ds_write ds_read ro_password
  local redis_url solr_url site_id session_type reminders_day smtp_server smtp_starttls smtp_user smtp_password smtp_from
  site_url=$(required CKAN_SITE_URL)
  [[ $site_url =~ ^https?://[^/]+(/.*)?$ ]] || die "CKAN_SITE_URL must start with http:// or https://, got '$site_url'"
  site_url=${site_url%/}
  secret_key=$(required CKAN_SECRET_KEY)
  csrf_key=$(secret CKAN_WTF_CSRF_SECRET_KEY "$secret_key")
  token_secret=$(secret CKAN_API_TOKEN_SECRET)

  local db_host=${CKAN_DB_HOST:-db} db_port=${CKAN_DB_PORT:-5432}
  local db_user=${CKAN_DB_USER:-ckan_default} db_name=${CKAN_DB_NAME:-ckan}
  local ds_name=${CKAN_DATASTORE_DB_NAME:-datastore} ro_user=${CKAN_DATASTORE_READONLY_USER:-datastore_default}
  db_url=$(secret CKAN_SQLALCHEMY_URL)
  ds_write=$(secret CKAN_DATASTORE_WRITE_URL)
  ds_read=$(secret CKAN_DATASTORE_READ_URL)
  if [[ -z $db_url || -z $ds_write ]]; then
    db_password=$(required CKAN_DB_PASSWORD)
    [[ -n $db_url ]] || db_url=$(postgres_url "$db_user" "$db_host" "$db_port" "$db_name")
    [[ -n $ds_write ]] || ds_write=$(postgres_url "$db_user" "$db_host" "$db_port" "$ds_name")
  fi
  if [[ -z $ds_read ]]; then
    ro_password=$(required CKAN_DATASTORE_READONLY_PASSWORD)
    ds_read=$(postgres_url "$ro_user" "$db_host" "$db_port" "$ds_name")
  fi
  local url
  for url in "$db_url" "$ds_write" "$ds_read"; do
    [[ $url != *%* ]] || die "a database URL holds '%', which CKAN's migrations refuse; give the password as CKAN_DB_PASSWORD / CKAN_DATASTORE_READONLY_PASSWORD instead of a URL"
  done
  redis_url=$(secret CKAN_REDIS_URL redis://redis:6379/0)
  solr_url=$(secret CKAN_SOLR_URL http://solr:8983/solr/ckan)
  site_id=$(secret CKAN_SITE_ID)
  smtp_server=$(secret CKAN_SMTP_SERVER)
  if [[ -n $smtp_server ]]; then
    smtp_starttls=$(secret CKAN_SMTP_STARTTLS true)
    smtp_user=$(secret CKAN_SMTP_USER)
    smtp_password=$(secret CKAN_SMTP_PASSWORD)
    smtp_from=$(required CKAN_SMTP_MAIL_FROM)
  fi

  reminders_day=$(secret CKAN_REMINDERS_DAY_OF_MONTH 0)
  [[ $reminders_day =~ ^([0-9]|1[0-9]|2[0-8])$ ]] \
    || die "CKAN_REMINDERS_DAY_OF_MONTH must be 0-28, got '$reminders_day'"
  if [[ $reminders_day != 0 && -z $smtp_server ]]; then
    die "CKAN_REMINDERS_DAY_OF_MONTH=$reminders_day needs CKAN_SMTP_SERVER (the reminders are e-mails)"
  fi

  session_type=$(secret CKAN_SESSION_TYPE redis)
  [[ $session_type == redis || $session_type == cookie ]] \
    || die "CKAN_SESSION_TYPE must be redis or cookie, got '$session_type'"
  local storage=${CKAN_STORAGE_PATH:-/var/lib/ckan/storage}
  local webassets=${CKAN_WEBASSETS_PATH:-$CKAN_HOME/webassets}
  if [[ -n ${CKAN_INI_EXTRA_FILE:-} && ! -r $CKAN_INI_EXTRA_FILE ]]; then
    die "CKAN_INI_EXTRA_FILE=$CKAN_INI_EXTRA_FILE: no readable file there"
  fi

  mkdir -p "$(dirname "$CKAN_INI")" "$(dirname "$PGPASSFILE")" "$storage" "$webassets"
  local overrides="$CKAN_INI.overrides.$$" tmp="$CKAN_INI.tmp.$$" pgpass="$PGPASSFILE.tmp.$$"
  TEMP_FILES=("$overrides" "$tmp" "$pgpass")
  (umask 077 && : > "$overrides" && : > "$tmp" && : > "$pgpass")
  {
    if [[ -n ${db_password:-} ]]; then pgpass_line "$db_user" "$db_password"; fi
    if [[ -n ${ro_password:-} ]]; then pgpass_line "$ro_user" "$ro_password"; fi
  } >> "$pgpass"
  mv -f "$pgpass" "$PGPASSFILE"
  {
    echo '[app:main]'
    ini_line SECRET_KEY "$secret_key"
    ini_line WTF_CSRF_SECRET_KEY "$csrf_key"
    if [[ -n $token_secret ]]; then
      ini_line api_token.jwt.encode.secret "string:$token_secret"
      ini_line api_token.jwt.decode.secret "string:$token_secret"
    fi
    ini_line sqlalchemy.url "$db_url"
    ini_line ckan.datastore.write_url "$ds_write"
    ini_line ckan.datastore.read_url "$ds_read"
    ini_line solr_url "$solr_url"
    ini_line ckan.redis.url "$redis_url"
    ini_line ckan.site_url "$site_url"
    if [[ -n $site_id ]]; then ini_line ckan.site_id "$site_id"; fi
    ini_line ckan.storage_path "$storage"
    ini_line ckan.webassets.path "$webassets"
    # Several web nodes: sessions either in Redis (shared by every node) or in a cookie signed
    # with SECRET_KEY (the same on every node).
    ini_line SESSION_TYPE "$session_type"
    if [[ $site_url == https://* ]]; then
      ini_line SESSION_COOKIE_SECURE true
      ini_line REMEMBER_COOKIE_SECURE true
    fi
    ini_line ckanext.minato_plan.reminders.day_of_month "$reminders_day"
    if [[ -n $smtp_server ]]; then
      ini_line smtp.server "$smtp_server"
      ini_line smtp.starttls "$smtp_starttls"
      ini_line smtp.user "$smtp_user"
      ini_line smtp.password "$smtp_password"
      ini_line smtp.mail_from "$smtp_from"
    fi
  } >> "$overrides"

  # The template's paths point into the checkout (@ROOT@); the secrets come from the overrides.
  sed -e "s|@ROOT@|$CKAN_HOME|g" "$CKAN_INI_TEMPLATE" >> "$tmp"
  "$PYTHON" - "$tmp" "$overrides" ${CKAN_INI_EXTRA_FILE:+"$CKAN_INI_EXTRA_FILE"} <<'PY' || die "merging the settings into the ini failed"
import sys
from ckan.lib import config_tool  # CKAN's own `ckan config-tool -f`, without loading plugins

target, *merge_files = sys.argv[1:]
for merge_file in merge_files:
    config_tool.config_edit_using_merge_file(target, merge_file)
PY
  rm -f "$overrides"
  local left
  left=$(grep -Ev '^[[:space:]]*[#;]' "$tmp" | grep -Eo '@[A-Z_]+@' | sort -u | tr '\n' ' ' || true)
  [[ -z $left ]] || die "placeholders of $CKAN_INI_TEMPLATE that the entrypoint does not fill: $left"
  mv -f "$tmp" "$CKAN_INI"
  TEMP_FILES=()
}

# The secrets now live in the ini (mode 0600); the processes started from here do not need them
# in their environment (CKAN would also copy every CKAN_* variable into its config).
forget_secrets() {
  unset CKAN_SECRET_KEY CKAN_WTF_CSRF_SECRET_KEY CKAN_API_TOKEN_SECRET CKAN_DB_PASSWORD \
    CKAN_DATASTORE_READONLY_PASSWORD CKAN_SMTP_PASSWORD CKAN_SQLALCHEMY_URL \
    CKAN_DATASTORE_WRITE_URL CKAN_DATASTORE_READ_URL CKAN_REDIS_URL POSTGRES_PASSWORD
}

wait_for_db() {
  command -v pg_isready >/dev/null || return 0
  local host=${CKAN_DB_HOST:-db} port=${CKAN_DB_PORT:-5432} deadline=$((SECONDS + ${CKAN_WAIT_SECONDS:-120}))
  until pg_isready -q -h "$host" -p "$port"; do
    ((SECONDS < deadline)) || die "PostgreSQL at $host:$port did not answer within ${CKAN_WAIT_SECONDS:-120} s"
    sleep 2
  done
}

# The DataStore's read-only user gets its rights from SQL that CKAN writes and the PostgreSQL
# superuser runs. That SQL is idempotent (CREATE OR REPLACE, IF NOT EXISTS, GRANT/REVOKE), so it
# runs at every init: a database restored into a new server gets its database-level grants back.
datastore_permissions() {
  local url db host=${CKAN_DB_HOST:-db} port=${CKAN_DB_PORT:-5432} user=${POSTGRES_USER:-postgres}
  [[ -n $SUPERUSER_PASSWORD ]] || die "POSTGRES_PASSWORD is not set (set POSTGRES_PASSWORD, or POSTGRES_PASSWORD_FILE to a file holding it)"
  url=$(sed -n 's/^[[:space:]]*ckan\.datastore\.write_url[[:space:]]*=[[:space:]]*//p' "$CKAN_INI" | tail -n 1)
  db=${url##*/}
  db=${db%%\?*}
  # The superuser's password goes to psql only: CKAN itself connects with the pgpass file.
  "$CKAN" datastore set-permissions 2>/dev/null \
    | grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ ' \
    | PGPASSWORD=$SUPERUSER_PASSWORD psql -h "$host" -p "$port" -U "$user" -d "$db" -q -v ON_ERROR_STOP=1 >/dev/null \
    || die "setting the DataStore permissions of '$db' as $user failed"
  say "DataStore permissions set on '$db' (read-only user ${CKAN_DATASTORE_READONLY_USER:-datastore_default})"
}

init() {
  local storage=${CKAN_STORAGE_PATH:-/var/lib/ckan/storage}
  wait_for_db
  # One node at a time: web replicas sharing the storage volume migrate and load in turn.
  exec 9>"$storage/.init.lock"
  flock -w "${CKAN_INIT_LOCK_SECONDS:-900}" 9 || die "another node holds $storage/.init.lock"
  say "migrating the database"
  "$CKAN" db init
  "$CKAN" db upgrade -p activity
  "$CKAN" db upgrade -p minato_plan
  if is_true "${CKAN_DATASTORE_SET_PERMISSIONS:-false}"; then
    datastore_permissions
  fi
  # initiatives stored in an earlier form of the schema, rewritten through CKAN's actions
  "$CKAN" minato-plan migrate
  if is_true "${CKAN_LOAD_PLAN:-true}"; then
    say "loading the plan (idempotent: a second run changes nothing)"
    local opts=()
    if is_true "${CKAN_SAMPLE_PROGRESS:-false}"; then opts+=(--sample-progress); fi
    "$CKAN" minato-plan load "${opts[@]}"
  fi
  # Whatever differs between the database and the index or the DataStore is fixed (an empty
  # Solr volume is reindexed here).
  "$CKAN" minato-plan repair
  "$CKAN" minato-plan remind --schedule
  flock -u 9
  exec 9>&-
}

TEMP_FILES=()
trap 'rm -f "${TEMP_FILES[@]}"' EXIT
mode=${1:-web}
[[ $# == 0 ]] || shift
write_config
SUPERUSER_PASSWORD=
if is_true "${CKAN_DATASTORE_SET_PERMISSIONS:-false}"; then SUPERUSER_PASSWORD=$(secret POSTGRES_PASSWORD); fi
forget_secrets
printf '%s\n' "$mode" > "$(dirname "$CKAN_INI")/mode"
case $mode in
  config)
    echo "$CKAN_INI"
    ;;
  init)
    init
    say "init done"
    ;;
  web)
    if is_true "${CKAN_INIT:-true}"; then init; fi
    # every webasset bundle built before serving: built on first requests instead, two at once
    # race to create its folder (FileExistsError, a 500)
    "$CKAN" asset build
    say "starting gunicorn on port ${CKAN_PORT:-5000}"
    exec gunicorn \
      --bind "0.0.0.0:${CKAN_PORT:-5000}" \
      --worker-class gthread \
      --workers "${GUNICORN_WORKERS:-2}" \
      --threads "${GUNICORN_THREADS:-4}" \
      --timeout "${GUNICORN_TIMEOUT:-120}" \
      --graceful-timeout 30 \
      --keep-alive 5 \
      --max-requests 1000 \
      --max-requests-jitter 100 \
      --worker-tmp-dir /dev/shm \
      --forwarded-allow-ips "${GUNICORN_FORWARDED_ALLOW_IPS:-*}" \
      --access-logfile - \
      --error-logfile - \
      --chdir "$CKAN_HOME/config" \
      "$@" \
      wsgi:application
    ;;
  worker)
    wait_for_db
    exec "$CKAN" jobs worker "$@"
    ;;
  *)
    exec "$mode" "$@"
    ;;
esac
