#!/usr/bin/env bash
# The secret files docker/compose.yaml reads, each a random 40-character value (letters and
# digits), in docker/secrets/ (ignored by git).
#
#   docker/secrets.sh                 create the missing ones, keep the others
#   docker/secrets.sh --rotate NAME   give NAME a new value (docker/README.md, "Rotate secrets")
#   docker/secrets.sh --list          which exist (never their values)
#
# A new value is written into the existing file (same inode), so that running containers, which
# see the file through a bind mount, read the new value at once.
# The folder is private to its owner (0700); the files are world-readable (0644) because the
# containers read them as their own non-root users (CKAN uid 900, PostgreSQL uid 999); nobody
# else on the host can open the folder.
set -euo pipefail

DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/secrets
NAMES=(ckan_secret_key ckan_api_token_secret ckan_db_password datastore_readonly_password
       postgres_password)

die() { echo "secrets.sh: ERROR: $*" >&2; exit 1; }
random_value() { head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | cut -c1-40; }
write() { # NAME: a new value, written in place
  local file=$DIR/$1
  [[ -e $file ]] || (umask 022 && : > "$file")
  random_value > "$file"
  chmod 0644 "$file"
}

mkdir -p "$DIR"
chmod 0700 "$DIR"
case ${1:-} in
  --list)
    for name in "${NAMES[@]}"; do
      if [[ -s $DIR/$name ]]; then echo "$name: present"; else echo "$name: MISSING"; fi
    done
    ;;
  --rotate)
    [[ -n ${2:-} ]] || die "usage: $0 --rotate NAME (one of: ${NAMES[*]})"
    [[ " ${NAMES[*]} " == *" $2 "* ]] || die "unknown secret '$2' (one of: ${NAMES[*]})"
    write "$2"
    echo "secrets.sh: $2 has a new value; docker/README.md says what to restart"
    ;;
  '')
    for name in "${NAMES[@]}"; do
      if [[ -s $DIR/$name ]]; then
        echo "secrets.sh: $name kept"
      else
        write "$name"
        echo "secrets.sh: $name created"
      fi
    done
    ;;
  *) die "usage: $0 [--list | --rotate NAME]" ;;
esac
