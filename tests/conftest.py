"""Test tiers: ``unit/`` (pure domain code, no service, no CKAN app: ``make unit``),
``integration/`` and ``dcat/`` (the real PostgreSQL, Solr and Redis started by
scripts/services.sh, see test.ini; nothing is mocked), ``browser/`` (a real CKAN server and
Debian's Chromium), ``install/`` (the README's install steps in a stock CKAN of its own) and
``harvest/`` (stock CKAN receivers harvesting this portal), ``docker/`` and ``cluster/`` (the
container and ``make cluster`` files; ``make cluster-check`` runs ``cluster/check.py`` against a
running cluster). ``make test`` runs them all."""
from __future__ import annotations

pytest_plugins = ["fixtures.plan"]

