"""Shared fixtures. Integration tests run against the real PostgreSQL, Solr and Redis started
by scripts/services.sh (see test.ini); nothing is mocked."""
from __future__ import annotations

import pytest

PLUGINS = "activity dcat scheming_datasets minato_plan"

_loaded_signature: dict[str, object] = {}


@pytest.fixture(scope="session")
def reset_db(migrate_db_for):
    """CKAN's database reset, plus the activity plugin's tables (as CKAN's own activity tests
    do), for ``clean_db``, ``non_clean_db`` and ``loaded_plan`` alike."""
    from ckan.tests import factories, helpers

    def reset():
        factories.fake.unique.clear()
        helpers.reset_db()
        migrate_db_for("activity")

    return reset


def _signature():
    from ckan.plugins import toolkit as tk

    result = tk.get_action("package_search")(
        {"ignore_auth": True},
        {"q": "*:*", "rows": 1, "sort": "metadata_modified desc",
         "include_private": True})
    latest = result["results"][0]["metadata_modified"] if result["results"] else None
    return result["count"], latest


@pytest.fixture
def loaded_plan(with_plugins, reset_db, reset_index):
    """The whole plan loaded by the real loader. Loading takes seconds, so the database and
    index are reused while nothing has changed them since the last load (any dataset write
    changes the newest ``metadata_modified``); otherwise they are reset and loaded again."""
    from ckanext.minato_plan import loader
    from ckanext.minato_plan.plan import load_plan

    if _loaded_signature.get("value") and _signature() == _loaded_signature["value"]:
        return load_plan()
    reset_db()
    reset_index()
    loader.load(echo=lambda _line: None)
    _loaded_signature["value"] = _signature()
    return load_plan()
