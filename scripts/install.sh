#!/usr/bin/env bash
# Installs what the portal and its tests need, idempotently:
#   - Debian packages: postgresql-15, redis-server, a JDK 17 and Maven (for Solr), nginx-light
#     (make cluster), chromium (browser tests), Pango and a Japanese font (the committee report's
#     PDF, made by WeasyPrint) and poppler-utils (the tests read that PDF), when missing (needs
#     root and apt);
#   - the Python virtualenv .venv/ (Python 3.11) with CKAN 2.12.0 and its pinned requirements,
#     ckanext-scheming 3.1.0, ckanext-dcat 2.4.4, the test tools, and this extension (editable).
# A second run with nothing to do takes a few seconds.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
VENV=$ROOT/.venv
say() { echo "install.sh: $*"; }
die() { echo "install.sh: ERROR: $*" >&2; exit 1; }

DEB_PACKAGES=(postgresql-15 redis-server openjdk-17-jdk-headless maven nginx-light chromium
              libpango-1.0-0 libpangoft2-1.0-0 fonts-ipafont-gothic poppler-utils)
missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  [[ $(id -u) == 0 ]] || die "missing Debian packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})"
  say "installing Debian packages: ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian may start a system Redis/PostgreSQL; ours run on their own ports, so no conflict.

PY=${PYTHON311:-$(command -v python3.11 || true)}
[[ -n $PY ]] || die "python3.11 not found"
if [[ ! -x $VENV/bin/python ]]; then
  say "creating $VENV"
  "$PY" -m venv "$VENV"
fi
stamp=$VENV/.installed
want=$(cat "$ROOT/requirements.txt" "$ROOT/dev-requirements.txt" "$ROOT/pyproject.toml" "$ROOT/setup.py" | sha256sum | cut -c1-16)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  say "installing Python requirements"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/dev-requirements.txt"
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps -e "$ROOT"
  echo "$want" > "$stamp"
else
  say "Python requirements up to date"
fi

# Translations: the .po files are the source, the .mo files are built here (never committed).
babel_out=$("$VENV/bin/pybabel" compile -D ckanext-minato_plan -d "$ROOT/ckanext/minato_plan/i18n" 2>&1) \
  || { echo "$babel_out" >&2; die "compiling the translations failed"; }

# Browser-test tools from npm (axe-core, pinned in package-lock.json); no browser is downloaded.
command -v npm >/dev/null || die "npm not found (install Node.js and npm)"
lock_want=$(sha256sum "$ROOT/package-lock.json" | cut -c1-16)
if [[ ! -f $ROOT/node_modules/.installed || $(cat "$ROOT/node_modules/.installed") != "$lock_want" ]]; then
  say "installing npm packages (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$lock_want" > "$ROOT/node_modules/.installed"
fi
