"""Fixtures of the DCAT tests, and the SHACL figures printed at the end of the run."""
from __future__ import annotations

from typing import Any

import pytest
from rdflib import Graph

from support import ordinary

from . import shacl_gate

PLAN_DATASETS = 40  # the plan and its 39 initiatives
# the portal's ordinary datasets that a catalog shows (public ones)
ORDINARY_DATASETS = sorted(d["name"] for d in ordinary.DATASETS if not d.get("private"))

# Resources these tests add to the loaded plan: every kind of format the mapping must handle.
TEST_RESOURCES = {
    "minato-plan": [
        {"name": "dcat-test plan table (CSV)", "url": "http://test.ckan.net/files/plan.csv",
         "format": "CSV", "mimetype": "text/csv"},
        {"name": "dcat-test plan table (JSON)", "url": "http://test.ckan.net/files/plan.json",
         "format": "JSON"},
    ],
    "minato-plan-initiative-01": [
        {"name": "dcat-test lower-case csv", "url": "http://test.ckan.net/files/i01.csv",
         "format": "csv"},
        {"name": "dcat-test xlsx", "url": "http://test.ckan.net/files/i01.xlsx",
         "format": "XLSX"},
    ],
    "minato-plan-initiative-02": [
        {"name": "dcat-test unknown format", "url": "http://test.ckan.net/files/i02.foo",
         "format": "FOO"},
        {"name": "dcat-test format from the media type",
         "url": "http://test.ckan.net/files/i02.json", "format": "",
         "mimetype": "application/json"},
    ],
}
JSONLD_DATASETS = ("minato-plan-initiative-18",)
# Fictional progress with a rating (sample data), to show ratings never become adms:status.
SAMPLE_PROGRESS = {"id": "minato-plan-initiative-05", "progress": [
    {"fiscal_year": "2021", "status": "in_progress", "rating": "A",
     "summary_ja": "サンプルデータ", "summary_en": "Sample data", "sample": True}]}

# A responsible department as staff would enter it (fictional address on example.jp).
DEPARTMENT = {"id": "minato-plan-initiative-27",
              "department_translated": {"ja": "情報政策課", "en": "Information Policy Division"},
              "department_email": "joho@example.jp"}


def site_context() -> dict[str, Any]:
    from ckan.plugins import toolkit as tk

    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"], "ignore_auth": True}


def add_test_resources() -> None:
    from ckan.plugins import toolkit as tk

    for dataset, resources in TEST_RESOURCES.items():
        for resource in resources:
            tk.get_action("resource_create")(site_context(), {"package_id": dataset, **resource})
    tk.get_action("package_patch")(site_context(), dict(SAMPLE_PROGRESS))
    tk.get_action("package_patch")(site_context(), dict(DEPARTMENT))


class Outputs:
    """What the portal serves once: the catalog and each dataset's own graph (Turtle)."""

    def __init__(self, catalog: str, datasets: dict[str, str], jsonld: dict[str, str]):
        self.catalog_ttl = catalog
        self.dataset_ttl = datasets
        self.dataset_jsonld = jsonld
        self.catalog = Graph().parse(data=catalog, format="turtle")
        self.datasets = {name: Graph().parse(data=text, format="turtle")
                         for name, text in datasets.items()}


_OUTPUTS: dict[str, Outputs] = {}


@pytest.fixture
def dcat_outputs(request) -> Outputs:
    """The loaded plan plus :data:`TEST_RESOURCES` and a sample rating, served as
    ``/catalog.ttl`` and ``/dataset/<name>.ttl``. Built once per session: the texts are kept,
    so later tests read them without touching the database (or loading the app again)."""
    if "outputs" not in _OUTPUTS:
        request.getfixturevalue("with_plugins")
        app = request.getfixturevalue("app")
        request.getfixturevalue("loaded_plan")
        add_test_resources()
        ordinary.create()
        from ckan.plugins import toolkit as tk

        names = [d["name"] for d in tk.get_action("package_search")(
            {}, {"q": "*:*", "rows": 1000, "fl": "name"})["results"]]
        catalog = app.get("/catalog.ttl")
        assert catalog.status_code == 200, catalog.data[:500]
        datasets = {}
        for name in sorted(names):
            response = app.get(f"/dataset/{name}.ttl")
            assert response.status_code == 200, (name, response.data[:500])
            datasets[name] = response.get_data(as_text=True)
        jsonld = {name: app.get(f"/dataset/{name}.jsonld").get_data(as_text=True)
                  for name in JSONLD_DATASETS}
        _OUTPUTS["outputs"] = Outputs(catalog.get_data(as_text=True), datasets, jsonld)
    return _OUTPUTS["outputs"]


def pytest_terminal_summary(terminalreporter):
    if not shacl_gate.REPORT:
        return
    tr = terminalreporter
    tr.section("DCAT-AP 3.0.1 SHACL (official shapes, pyshacl, no inference)")
    for (kind, name), c in sorted(shacl_gate.REPORT.items()):
        gated = "gate" if name in shacl_gate.GATED else "report"
        tr.write_line(f"{kind:<16} {name:<58} [{gated}] graphs={c['graphs']:<3} "
                      f"violations={c['Violation']:<3} warnings={c['Warning']}")
        warnings = shacl_gate.WARNINGS.get((kind, name))
        if warnings:
            tr.write_line("    warnings by property: " + ", ".join(
                f"{path} {n}" for path, n in warnings.most_common()))
