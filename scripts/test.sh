#!/usr/bin/env bash
# Runs the whole test suite against real services: installs what is missing, starts PostgreSQL,
# Redis and Solr (left running afterwards for fast reruns; `make down` stops them), prepares the
# test database, then runs pytest with CKAN's own plugin (`--ckan-ini=test.ini`, see pyproject).
# Extra arguments go to pytest, e.g. `scripts/test.sh tests/test_plan.py -k pages`.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
cd "$ROOT"
t0=$SECONDS

bash scripts/install.sh
bash scripts/services.sh start
mkdir -p .local
.venv/bin/ckan -c test.ini db init >.local/test-db.log 2>&1 \
  || { tail -n 30 .local/test-db.log >&2; echo "test.sh: ERROR: ckan db init failed" >&2; exit 1; }
.venv/bin/ckan -c test.ini db upgrade -p activity >>.local/test-db.log 2>&1 \
  || { tail -n 30 .local/test-db.log >&2; echo "test.sh: ERROR: activity migration failed" >&2; exit 1; }

set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [[ $rc == 5 ]]; then
  echo "test.sh: ERROR: pytest collected no tests (exit 5); that is a failure, not a pass" >&2
  exit 1
fi
echo "test.sh: pytest exit $rc; whole run took $((SECONDS - t0)) s"
exit $rc
