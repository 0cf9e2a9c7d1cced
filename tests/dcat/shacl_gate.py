"""Validation of RDF against the official DCAT-AP 3.0.1 SHACL shapes, for the SHACL gate.

The shapes are read from ``../shared/dcat-ap-shacl/3.0.1`` (verbatim SEMIC copies, see their
README), never copied into this repository. pyshacl runs as the EU validator's "Zero" profiles
do: no inference, no background ontologies.

- Gated (0 Violations required): ``html-shacl/shapes.ttl``, ``html-shacl/range.ttl`` and
  ``shacl/dcat-ap-SHACL.ttl``. The last one names two property shapes of
  ``dcat:DataServiceShape`` (endpointURL, endpointDescription) that exist only in
  ``shacl/ranges.ttl``, on which pyshacl aborts; those two dangling ``sh:property`` links (links
  to nodes without ``sh:path``) are dropped in memory, nothing else.
- Reported, not gated: ``html-shacl/shapes_recommended.ttl`` (Warnings by design) and
  ``html-shacl/mdr-vocabularies.shape.ttl`` (the EU code lists). The code-list shapes expect the
  EU vocabularies to be loaded; offline, :data:`CODE_LIST_MEMBERSHIP` states the membership of
  the few codes this portal uses. Minato City, the e-Stat area and the plan's own concepts are
  not in EU tables, so those Warnings are expected.
"""
from __future__ import annotations

import collections
import dataclasses
import functools
import pathlib
import re
from typing import Iterable

from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from ckanext.minato_plan.domain import dcat as mapping

SH = Namespace("http://www.w3.org/ns/shacl#")
ROOT = pathlib.Path(__file__).resolve().parents[2]
SHAPES_DIR = ROOT.parent / "shared" / "dcat-ap-shacl" / "3.0.1"

GATED = {
    "3.0.1 html-shacl/shapes.ttl": ("html-shacl/shapes.ttl",),
    "3.0.1 html-shacl/range.ttl": ("html-shacl/range.ttl",),
    "3.0.1 shacl/dcat-ap-SHACL.ttl (2 dangling refs pruned)": ("shacl/dcat-ap-SHACL.ttl",),
}
REPORTED = {
    "3.0.1 html-shacl/shapes_recommended.ttl": ("html-shacl/shapes_recommended.ttl",),
    "3.0.1 html-shacl/mdr-vocabularies.shape.ttl (code lists)": (
        "html-shacl/mdr-vocabularies.shape.ttl",),
}
ALL = {**GATED, **REPORTED}

_EU = mapping.EU_AUTHORITY
# scheme -> the codes of it this portal publishes (facts of the EU and ADMS tables)
CODE_LIST_MEMBERSHIP = {
    f"{_EU}language": [iri for iri in mapping.LANGUAGE_IRIS.values()],
    f"{_EU}frequency": [mapping.FREQUENCY_ANNUAL],
    f"{_EU}file-type": [ft.iri for ft in mapping.FILE_TYPES],
    f"{_EU}planned-availability": [mapping.PLANNED_AVAILABILITY_BASE + code
                                    for code in mapping.PLANNED_AVAILABILITY],
    "http://purl.org/adms/licencetype/1.0": [t for t, _label in mapping.LICENCE_TYPES.values()],
    "http://purl.org/adms/publishertype/1.0": [mapping.PUBLISHER_TYPE_LOCAL_AUTHORITY],
}


@dataclasses.dataclass(frozen=True)
class Result:
    severity: str  # "Violation" | "Warning" | "Info"
    focus: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.focus} {self.path}: {self.message}"


def shapes_available() -> bool:
    return all((SHAPES_DIR / f).is_file() for files in ALL.values() for f in files)


@functools.lru_cache(maxsize=None)
def shapes_graph(name: str) -> Graph:
    g = Graph()
    for f in ALL[name]:
        g.parse(SHAPES_DIR / f, format="turtle")
    if name.startswith("3.0.1 shacl/dcat-ap-SHACL.ttl"):
        dangling = [(s, o) for s, o in g.subject_objects(SH.property)
                    if g.value(o, SH.path) is None]
        assert len(dangling) == 2, f"expected the 2 known dangling references, got {dangling}"
        for s, o in dangling:
            g.remove((s, SH.property, o))
    return g


def _with_code_lists(data: Graph) -> Graph:
    g = Graph()
    for t in data:
        g.add(t)
    for scheme, codes in CODE_LIST_MEMBERSHIP.items():
        g.add((URIRef(scheme), RDF.type, SKOS.ConceptScheme))
        for code in codes:
            g.add((URIRef(code), SKOS.inScheme, URIRef(scheme)))
    return g


def check(data: Graph, name: str) -> list[Result]:
    """Every top-level validation result of ``data`` against the shape set ``name``."""
    if "code lists" in name:
        data = _with_code_lists(data)
    _conforms, report, _text = validate(
        data, shacl_graph=shapes_graph(name), inference="none", abort_on_first=False,
        allow_warnings=True, meta_shacl=False, advanced=False, debug=False)
    node = next(report.subjects(RDF.type, SH.ValidationReport))
    out = []
    for r in report.objects(node, SH.result):
        out.append(Result(str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                          str(report.value(r, SH.focusNode)),
                          str(report.value(r, SH.resultPath)),
                          str(report.value(r, SH.resultMessage) or "")))
    return out


def counts(results: Iterable[Result]) -> collections.Counter:
    return collections.Counter(r.severity for r in results)


# Figures collected during the run, printed at the end of the test session (tests/dcat/conftest.py).
REPORT: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)


# (graph kind, shape set) -> Warning counts by property path
WARNINGS: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)


def record(graph_kind: str, name: str, results: list[Result]) -> None:
    c = counts(results)
    REPORT[(graph_kind, name)].update({"graphs": 1, "Violation": c.get("Violation", 0),
                                       "Warning": c.get("Warning", 0)})
    for r in results:
        if r.severity == "Warning":
            path = (re.split(r"[/#]", r.path)[-1] if r.path.startswith("http")
                    else "(inverse dcat:inSeries)")
            WARNINGS[(graph_kind, name)][path] += 1
