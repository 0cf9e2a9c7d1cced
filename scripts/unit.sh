#!/usr/bin/env bash
# Runs the pure tier (tests/unit): no PostgreSQL, Solr or Redis, no CKAN app. CKAN's pytest
# plugins are switched off, so nothing reads an ini file. Extra arguments go to pytest.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
[[ -x .venv/bin/python ]] || bash scripts/install.sh
exec .venv/bin/python -m pytest -p no:ckan -p no:ckan_fixtures tests/unit "$@"
