#!/usr/bin/env bash
# The CKAN user and database, the DataStore database (owned by the CKAN user, who writes it) and
# its read-only user, with the passwords of the Docker secrets (*_FILE). Idempotent: a role that
# exists gets its password set again, a database that exists is kept.
#
# - First start: the postgres image runs it from /docker-entrypoint-initdb.d on an empty data
#   directory (docker/compose.yaml mounts it there).
# - Password rotation (docker/README.md): run it again in the running container after the secret
#   files changed:  docker compose exec db bash /docker-entrypoint-initdb.d/10-ckan-databases.sh
#   It also sets the superuser's password from POSTGRES_PASSWORD_FILE.
# The read-only user's rights on the DataStore are set by the init job (`ckan datastore
# set-permissions`, run with the superuser; docker/ckan/entrypoint.sh).
set -euo pipefail

die() { echo "init-ckan-databases.sh: ERROR: $*" >&2; exit 1; }

secret() { # NAME: $NAME or the content of the file ${NAME}_FILE names
  local name=$1 file_var="${1}_FILE" value
  value=${!name-}
  if [[ -n ${!file_var-} ]]; then
    [[ -r ${!file_var} ]] || die "$file_var=${!file_var}: no readable file there"
    value=$(<"${!file_var}")
    value=${value%$'\r'}
  fi
  [[ -n $value ]] || die "$name is not set (set $name or $file_var)"
  printf '%s' "$value"
}

ckan_user=${CKAN_DB_USER:-ckan_default}
readonly_user=${CKAN_DATASTORE_READONLY_USER:-datastore_default}
ckan_db=${CKAN_DB_NAME:-ckan}
datastore_db=${CKAN_DATASTORE_DB_NAME:-datastore}
ckan_password=$(secret CKAN_DB_PASSWORD)
readonly_password=$(secret CKAN_DATASTORE_READONLY_PASSWORD)
superuser_password=
if [[ -n ${POSTGRES_PASSWORD:-} || -n ${POSTGRES_PASSWORD_FILE:-} ]]; then
  superuser_password=$(secret POSTGRES_PASSWORD)
fi

# psql variables (:'name') quote every name and password; \gexec runs the statements built.
psql -v ON_ERROR_STOP=1 -q --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v superuser="${POSTGRES_USER:-postgres}" -v superuser_password="$superuser_password" \
  -v ckan_user="$ckan_user" -v ckan_password="$ckan_password" \
  -v readonly_user="$readonly_user" -v readonly_password="$readonly_password" \
  -v ckan_db="$ckan_db" -v datastore_db="$datastore_db" <<'SQL'
SELECT format(CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = r.name)
                   THEN 'ALTER ROLE %I WITH LOGIN PASSWORD %L'
                   ELSE 'CREATE ROLE %I WITH LOGIN PASSWORD %L' END, r.name, r.password)
  FROM (VALUES (:'ckan_user', :'ckan_password'),
               (:'readonly_user', :'readonly_password'),
               (:'superuser', :'superuser_password')) AS r(name, password)
 WHERE r.password <> ''
\gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', d.name, :'ckan_user')
  FROM (VALUES (:'ckan_db'), (:'datastore_db')) AS d(name)
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = d.name)
\gexec
SQL
echo "init-ckan-databases.sh: databases $ckan_db and $datastore_db (owner $ckan_user), read-only user $readonly_user; passwords set from the secrets"
