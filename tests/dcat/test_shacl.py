"""The SHACL gate: the portal's DCAT-AP 3 output against the official DCAT-AP 3.0.1 shapes
(``../shared/dcat-ap-shacl``, see ``shacl_gate.py``), for the whole catalog graph (catalog,
series, every initiative, distributions) and for each dataset's own graph.

0 Violations on the gated shape sets, with no allow-list; the recommended and code-list shapes
are counted and reported at the end of the run (their Warnings do not fail)."""
import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from . import shacl_gate
from .conftest import ORDINARY_DATASETS, PLAN_DATASETS

def test_the_official_shapes_are_there():
    assert shacl_gate.shapes_available(), (
        f"DCAT-AP 3.0.1 shapes missing under {shacl_gate.SHAPES_DIR} (../shared/dcat-ap-shacl)")


def _explain(results):
    return "\n".join(str(r) for r in results if r.severity == "Violation")


CHECKED = [name for name in shacl_gate.ALL if "recommended" not in name]
RECOMMENDED = "3.0.1 html-shacl/shapes_recommended.ttl"


@pytest.mark.parametrize("shapes", CHECKED)
def test_catalog_graph_has_no_violations(dcat_outputs, shapes):
    graph = dcat_outputs.catalog
    results = shacl_gate.check(graph, shapes)
    shacl_gate.record("catalog graph", shapes, results)
    assert [r for r in results if r.severity == "Violation"] == [], _explain(results)


@pytest.mark.parametrize("shapes", CHECKED)
def test_every_dataset_graph_has_no_violations(dcat_outputs, shapes):
    ordinary = [name for name in dcat_outputs.datasets if name in ORDINARY_DATASETS]
    assert len(dcat_outputs.datasets) == PLAN_DATASETS + len(ORDINARY_DATASETS)
    assert ordinary == ORDINARY_DATASETS
    violations = []
    for name, graph in dcat_outputs.datasets.items():
        results = shacl_gate.check(graph, shapes)
        shacl_gate.record("dataset graphs", shapes, results)
        violations += [(name, r) for r in results if r.severity == "Violation"]
    assert violations == [], "\n".join(f"{name}: {r}" for name, r in violations)


def test_datasets_have_every_recommended_property(dcat_outputs):
    """The recommended shapes only warn (their Warnings are counted in the report); what they
    say about the datasets themselves must be nothing: every initiative and the plan carry
    every recommended Dataset property (contact point, distribution, keyword, publisher,
    spatial, temporal, theme)."""
    datasets = {str(d) for d in dcat_outputs.catalog.subjects(
        RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset"))}
    results = shacl_gate.check(dcat_outputs.catalog, RECOMMENDED)
    shacl_gate.record("catalog graph", RECOMMENDED, results)
    # the plan's datasets (a department's own metadata is as complete as it is)
    plan_iris = {d for d in datasets if "/dataset/minato-plan" in d}
    assert len(plan_iris) == PLAN_DATASETS
    missing = [r for r in results if r.focus in plan_iris]
    for name, graph in dcat_outputs.datasets.items():
        if name in ORDINARY_DATASETS:  # a department's own metadata: as complete as it is
            continue
        own = shacl_gate.check(graph, RECOMMENDED)
        shacl_gate.record("dataset graphs", RECOMMENDED, own)
        missing += [r for r in own if r.focus.endswith(f"/dataset/{name}")]
    assert missing == [], "\n".join(str(r) for r in missing)


def test_the_gate_catches_what_stock_ckanext_dcat_gets_wrong(dcat_outputs):
    """The gate is not blind: our catalog graph with the stock mistakes put back (a literal
    format, a catalog without publisher, an untyped licence type, a literal language) fails."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, RDF

    from ckanext.minato_plan.domain import dcat as mapping

    broken = Graph()
    for t in dcat_outputs.catalog:
        broken.add(t)
    catalog = next(broken.subjects(RDF.type, URIRef("http://www.w3.org/ns/dcat#Catalog")))
    broken.remove((catalog, DCTERMS.publisher, None))
    broken.remove((catalog, DCTERMS.language, None))
    broken.add((catalog, DCTERMS.language, Literal("ja")))
    distribution = next(broken.subjects(DCTERMS["format"], None))
    broken.remove((distribution, DCTERMS["format"], None))
    broken.add((distribution, DCTERMS["format"], Literal("CSV")))
    attribution = URIRef(mapping.LICENCE_TYPES[mapping.CC_BY_4_0][0])
    broken.remove((attribution, RDF.type, None))

    shapes = [r.message for r in shacl_gate.check(broken, "3.0.1 html-shacl/shapes.ttl")
              if r.severity == "Violation"]
    ranges = [r.message for r in shacl_gate.check(broken, "3.0.1 html-shacl/range.ttl")
              if r.severity == "Violation"]
    assert any("dct:publisher" in m for m in shapes)
    assert any("Node Kind" in m for m in shapes)  # literal language and format
    assert any("skos:Concept" in m for m in ranges)  # the untyped licence type
