#!/usr/bin/env bash
# Lighthouse, the phone audit of the residents' pages (issue targets in bench/bench_lighthouse.py).
#
#   scripts/lighthouse.sh install   npm install lighthouse@12.2.3 into .local/lighthouse (once)
#   scripts/lighthouse.sh check     audit the `make up` portal (http://127.0.0.1:5000): the
#                                   overview, an initiative page and a search, ja and en, with
#                                   Debian's Chromium; exit 1 below the targets
#
# Environment: LIGHTHOUSE_RUNS (runs per page, median; default 3), LIGHTHOUSE_PAGES (default
# overview,initiative,search,ckan-home: stock CKAN's home page is printed beside, not judged), CKAN_PORT (5000),
# CHROME_PATH (/usr/bin/chromium). Lighthouse runs offline against 127.0.0.1.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
VERSION=12.2.3
PREFIX=$ROOT/.local/lighthouse
BIN=$PREFIX/node_modules/.bin/lighthouse

say() { echo "lighthouse.sh: $*"; }
die() { echo "lighthouse.sh: ERROR: $*" >&2; exit 1; }

install() {
  if [[ -x $BIN ]] && [[ $("$BIN" --version 2>/dev/null) == "$VERSION" ]]; then
    return 0
  fi
  command -v npm >/dev/null || die "npm not found (Debian: apt-get install npm)"
  [[ -x ${CHROME_PATH:-/usr/bin/chromium} ]] || die "no Chromium at ${CHROME_PATH:-/usr/bin/chromium} (Debian: apt-get install chromium)"
  mkdir -p "$PREFIX"
  t0=$SECONDS
  npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error "lighthouse@$VERSION" >"$PREFIX/npm.log" 2>&1 \
    || { tail -n 20 "$PREFIX/npm.log" >&2; die "npm install lighthouse@$VERSION failed"; }
  say "lighthouse $VERSION installed in .local/lighthouse ($((SECONDS - t0)) s)"
}

case ${1:-} in
  install) install ;;
  check)
    install
    port=${CKAN_PORT:-5000}
    curl -fsS -o /dev/null "http://127.0.0.1:$port/plan-overview" \
      || die "no portal at http://127.0.0.1:$port (make up)"
    mkdir -p "$ROOT/test-artifacts/lighthouse"
    exec "$ROOT/.venv/bin/python" "$ROOT/bench/bench_lighthouse.py" --base "http://127.0.0.1:$port" \
      --lighthouse "$BIN" --runs "${LIGHTHOUSE_RUNS:-3}" --pages "${LIGHTHOUSE_PAGES:-overview,initiative,search,ckan-home}" \
      --json "$ROOT/test-artifacts/lighthouse/figures.json" --fail-below ;;
  *) echo "usage: scripts/lighthouse.sh install|check" >&2; exit 2 ;;
esac
