"""What a receiving catalog needs from a harvest of this portal, measured on one run (one
harvester in one receiver): each check returns an :class:`Outcome` (passed / total and the
problems, one line per dataset), used both by the assertions of ``test_harvest.py`` and by the
figures table printed at the end of the run.

A harvested dataset is matched to its source dataset by id (the CKAN harvester keeps the remote
id), by name, or by the ``identifier``/``guid`` extras the DCAT RDF harvester stores
(``dct:identifier`` and the dataset IRI).
"""
from __future__ import annotations

import collections
import dataclasses
import json
import re
from typing import Any, Iterator, Optional

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS as DCT, RDF, SKOS


@dataclasses.dataclass(frozen=True)
class GraphFacts:
    """What the portal's DCAT says about a dataset, beyond its CKAN record."""
    uri: str
    theme_labels: frozenset[str]    # skos:prefLabel of its themes and their broader concepts
    series: frozenset[str]          # IRI and dct:identifier of every dcat:inSeries


def graph_facts(turtle: str) -> dict[str, GraphFacts]:
    """By dataset name (``dct:identifier``): the facts of every dataset of the catalog."""
    g = Graph().parse(data=turtle, format="turtle")
    out = {}
    for ref in set(g.subjects(RDF.type, DCAT.Dataset)):
        identifier = g.value(ref, DCT.identifier)
        if identifier is None:
            continue
        labels = set()
        for theme in g.objects(ref, DCAT.theme):
            for concept in [theme, *g.objects(theme, SKOS.broader)]:
                labels |= {str(o) for o in g.objects(concept, SKOS.prefLabel)
                           if isinstance(o, Literal)}
        series = set()
        for s in g.objects(ref, DCAT.inSeries):
            series.add(str(s))
            series |= {str(o) for o in g.objects(s, DCT.identifier)}
        out[str(identifier)] = GraphFacts(str(ref) if isinstance(ref, URIRef) else "",
                                          frozenset(labels), frozenset(series))
    return out


@dataclasses.dataclass
class Outcome:
    passed: int
    total: int
    problems: list[str]
    cause: str = ""     # why it fails and the fix, when known (added by test_harvest.py)

    @property
    def ok(self) -> bool:
        return not self.problems

    def figure(self) -> str:
        return f"{self.passed}/{self.total}"

    def message(self, what: str, limit: int = 12) -> str:
        shown = self.problems[:limit]
        more = len(self.problems) - len(shown)
        return (f"{what}: {self.passed}/{self.total} pass; problems:\n  " + "\n  ".join(shown)
                + (f"\n  … and {more} more" if more > 0 else "")
                + (f"\n{self.cause}" if self.cause else ""))


# -- matching ------------------------------------------------------------------------------------

def _extra(dataset: dict[str, Any], key: str) -> Optional[str]:
    for extra in dataset.get("extras") or []:
        if extra.get("key") == key:
            return extra.get("value")
    return None


def source_of(harvested: dict[str, Any], source) -> Optional[dict[str, Any]]:
    by_id = {d["id"]: d for d in source.datasets}
    by_name = {d["name"]: d for d in source.datasets}
    guid = _extra(harvested, "guid") or ""
    tail = guid.rstrip("/").rsplit("/", 1)[-1] if guid.startswith(source.url) else ""
    for key in (harvested.get("id"), _extra(harvested, "identifier"), tail):
        if key in by_id:
            return by_id[key]
        if key in by_name:
            return by_name[key]
    return None


def pairs(run, source) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    out = []
    for h in run.datasets:
        s = source_of(h, source)
        if s is not None:
            out.append((h, s))
    return out


# Free text: a description that mentions a title or a theme does not keep it as data.
FREE_TEXT = frozenset({"notes", "description"})


def _strings(value: Any) -> Iterator[str]:
    """Every string value of a dataset dict (JSON-encoded strings such as extras opened too),
    except free text (:data:`FREE_TEXT`, at any depth)."""
    if isinstance(value, dict):
        if "key" in value and "value" in value and len(value) <= 3:  # an extra
            if value["key"] not in FREE_TEXT:
                yield from _strings(value["value"])
            return
        for k, v in value.items():
            if k not in FREE_TEXT:
                yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value
        if value[:1] in "[{":
            try:
                yield from _strings(json.loads(value))
            except ValueError:
                pass


# -- checks --------------------------------------------------------------------------------------

def coverage(run, source) -> Outcome:
    """Every public dataset of the source harvested exactly once, nothing else (no private
    dataset), and no gather or import error in any harvest job."""
    problems = []
    matched = collections.Counter()
    for h in run.datasets:
        s = source_of(h, source)
        if s is None:
            problems.append(f"{h['name']}: no source dataset (guid {_extra(h, 'guid')})")
        else:
            matched[s["name"]] += 1
    for name in source.public_names:
        if matched[name] == 0:
            problems.append(f"{name}: public on the source, not harvested")
        elif matched[name] > 1:
            problems.append(f"{name}: harvested {matched[name]} times")
    for name in source.private_names:
        if any(h["name"] == name or _extra(h, "identifier") == name for h in run.datasets):
            problems.append(f"{name}: PRIVATE on the source, harvested")
    for n, job in enumerate(run.jobs, 1):
        stats = job.get("stats") or {}
        if stats.get("errored"):
            problems.append(f"job {n}: {stats['errored']} objects errored: "
                            f"{job.get('object_error_summary')}")
        if job.get("gather_error_summary"):
            problems.append(f"job {n}: gather errors {job['gather_error_summary']}")
        if job.get("status") != "Finished":
            problems.append(f"job {n}: status {job.get('status')}")
    found = sum(1 for name in source.public_names if matched[name] == 1)
    return Outcome(found, len(source.public_names), problems)


def names(run, source) -> Outcome:
    """The receiver's name is the source's name (= its dct:identifier): stable and readable."""
    ps = pairs(run, source)
    problems = [f"{s['name']} ({s['title']}) -> {h['name']!r}" for h, s in ps
                if h["name"] != s["name"]]
    return Outcome(len(ps) - len(problems), len(ps), problems)


def letterless_names(run, source) -> list[str]:
    """Names without a single letter (``38``, ``__-23``): what munging a Japanese title gives."""
    return [d["name"] for d in run.datasets if not re.search(r"[a-z]", d["name"])]


def stable_names(run, source) -> Outcome:
    """A second harvest of the unchanged source keeps every name (and creates nothing)."""
    before = sorted(d["name"] for d in run.datasets)
    after = run.names_after_reharvest or []
    problems = [f"gone after the re-harvest: {n}" for n in sorted(set(before) - set(after))]
    problems += [f"new after the re-harvest: {n}" for n in sorted(set(after) - set(before))]
    return Outcome(len(set(before) & set(after)), len(before), problems)


def licences(run, source) -> Outcome:
    """license_id non-empty, in the receiver's licence register, and open (isopen true)."""
    ps = pairs(run, source)
    problems = []
    for h, s in ps:
        lid = h.get("license_id") or ""
        if not lid or lid not in run.licence_ids or not h.get("isopen"):
            problems.append(
                f"{s['name']}: source {s.get('license_id')!r} ({s.get('license_url')}) -> "
                f"license_id {lid!r}, license_title {h.get('license_title')!r}, "
                f"isopen {h.get('isopen')}, known to the receiver: {lid in run.licence_ids}")
    return Outcome(len(ps) - len(problems), len(ps), problems)


def _formats(dataset: dict[str, Any]) -> list[str]:
    return sorted((r.get("format") or "") for r in dataset.get("resources") or [])


def formats(run, source) -> Outcome:
    """Every resource's format is the label the source has (CSV, GeoJSON, PDF …: a name CKAN's
    resource views and format facet know), never an EU file-type or IANA IRI."""
    ps = pairs(run, source)
    problems = []
    total = passed = 0
    for h, s in ps:
        got = collections.Counter(f.upper() for f in _formats(h))
        want = collections.Counter(f.upper() for f in _formats(s))
        total += sum(want.values())
        passed += sum((got & want).values())
        if got != want:
            problems.append(f"{s['name']}: source {sorted(want.elements())} -> "
                            f"{sorted(set(_formats(h)))}")
    return Outcome(passed, total, problems)


def _titles(s: dict[str, Any]) -> dict[str, str]:
    translated = s.get("title_translated")
    if isinstance(translated, str):
        try:
            translated = json.loads(translated)
        except ValueError:
            translated = None
    return {k: v for k, v in (translated or {}).items() if v}


def titles(run, source) -> Outcome:
    """The title is the source's title in the receiver's default language (the source's only
    title when it has no translation)."""
    lang = run.receiver.locale
    ps = pairs(run, source)
    problems = []
    for h, s in ps:
        want = _titles(s).get(lang) or s["title"]
        if h.get("title") != want:
            problems.append(f"{s['name']}: want {want!r} ({lang}), got {h.get('title')!r}")
    return Outcome(len(ps) - len(problems), len(ps), problems)


def languages(run, source) -> Outcome:
    """A dataset published in Japanese and English keeps both titles as values of the
    receiver's record (a translated field, an extra: anything a receiver's template can show;
    a description that quotes a title does not count)."""
    ps = [(h, s) for h, s in pairs(run, source) if {"ja", "en"} <= set(_titles(s))]
    problems = []
    for h, s in ps:
        values = set(_strings(h))
        lost = [lang for lang, title in sorted(_titles(s).items()) if title not in values]
        if lost:
            problems.append(f"{s['name']}: {'/'.join(lost)} title lost "
                            f"({', '.join(repr(_titles(s)[x]) for x in lost)})")
    return Outcome(len(ps) - len(problems), len(ps), problems)


def theme_labels(run, source) -> Outcome:
    """A dataset with dcat:theme keeps a label of its theme (the measure, or its guideline) in
    some field other than free text (a tag, a group's title, an extra): an IRI alone means
    nothing to a visitor."""
    ps = [(h, s) for h, s in pairs(run, source)
          if s["name"] in source.graph_facts and source.graph_facts[s["name"]].theme_labels]
    problems = []
    for h, s in ps:
        facts = source.graph_facts[s["name"]]
        values = list(_strings(h))
        if not any(label in v for label in facts.theme_labels for v in values):
            themes = _extra(h, "theme") or [g.get("name") for g in h.get("groups") or []]
            problems.append(f"{s['name']}: no label of {sorted(facts.theme_labels)[:2]}…; "
                            f"has theme/groups {themes}")
    return Outcome(len(ps) - len(problems), len(ps), problems)


def series(run, source) -> Outcome:
    """An initiative keeps its membership of the plan's dataset series: some field names the
    series (its IRI, its identifier, or the receiver's copy of the plan)."""
    facts = source.graph_facts
    ps = [(h, s) for h, s in pairs(run, source) if s["name"] in facts and facts[s["name"]].series]
    by_source = {s["name"]: h for h, s in pairs(run, source)}
    problems = []
    for h, s in ps:
        refs = set(facts[s["name"]].series)
        for ref in list(refs):
            copy = by_source.get(ref.rstrip("/").rsplit("/", 1)[-1])
            if copy is not None:
                refs |= {copy["id"]} | ({copy["name"]} if len(copy["name"]) >= 4 else set())
        own = {h["name"], h["id"], _extra(h, "guid"), _extra(h, "uri"),
               _extra(h, "identifier")}
        values = set(_strings(h)) - own
        if not refs & values:
            problems.append(f"{s['name']}: no reference to {sorted(facts[s['name']].series)}")
    return Outcome(len(ps) - len(problems), len(ps), problems)


def _pages(found: dict[str, int], run) -> Outcome:
    problems = [f"{path}: HTTP {status}" for path, status in found.items() if status != 200]
    if problems and run.server_errors:
        problems.append("receiver's server log: " + " | ".join(run.server_errors[:3]))
    return Outcome(sum(1 for s in found.values() if s == 200), len(found), problems)


def list_pages(run, source) -> Outcome:
    """The receiver's dataset list (/dataset/?organization=<the run's organization>, every page)
    answers 200."""
    return _pages(run.list_pages, run)


def dataset_pages(run, source) -> Outcome:
    """Every harvested dataset's page (/dataset/<name>, redirects followed) answers 200."""
    return _pages(run.dataset_pages, run)


CHECKS = {
    "coverage": coverage,
    "names": names,
    "stable_names": stable_names,
    "licences": licences,
    "formats": formats,
    "titles": titles,
    "languages": languages,
    "theme_labels": theme_labels,
    "series": series,
    "list_pages": list_pages,
    "dataset_pages": dataset_pages,
}

FIGURE_LABELS = {
    "coverage": "datasets harvested / public on the source",
    "errors": "harvest errors (gather + import)",
    "names": "names = source name (dct:identifier)",
    "letterless": "names without a letter (38, __-23 …)",
    "name_examples": "example names",
    "stable_names": "names kept on re-harvest",
    "reharvest": "2nd run-test of a source works",
    "licences": "licence known to receiver and open",
    "formats": "resource formats as labels (CSV …)",
    "format_examples": "formats seen",
    "titles": "title in receiver's default language",
    "languages": "ja and en titles both kept",
    "theme_labels": "theme label kept",
    "series": "series membership kept",
    "list_pages": "dataset list pages 200",
    "dataset_pages": "dataset pages 200",
    "harvest_seconds": "harvest time (s)",
}


def figures(run, source) -> dict[str, str]:
    if run.failure:
        return {"coverage": "FAILED"}
    out = {key: check(run, source).figure() for key, check in CHECKS.items()
           if key != "stable_names"}
    out["stable_names"] = (stable_names(run, source).figure()
                           if run.names_after_reharvest is not None else "-")
    errors = 0
    for job in run.jobs:
        errors += (job.get("stats") or {}).get("errored", 0) + len(
            job.get("gather_error_summary") or [])
    out["errors"] = str(errors)
    out["reharvest"] = ("-" if run.names_after_reharvest is None
                        else "no (KeyError)" if run.reharvest_error else "yes")
    out["letterless"] = str(len(letterless_names(run, source)))
    out["name_examples"] = ",".join(sorted(d["name"] for d in run.datasets)[:2])[:13]
    seen = collections.Counter(f for d in run.datasets for f in _formats(d))
    out["format_examples"] = ",".join(
        (f.rsplit("/", 1)[-1] + "(IRI)" if f.startswith("http") else f)
        for f, _n in seen.most_common(2))[:13]
    out["harvest_seconds"] = f"{run.seconds.get('harvest', 0):.0f}"
    return out


def problems(run, source) -> dict[str, list[str]]:
    """Every check's problems (for test-artifacts/harvest/figures.json)."""
    if run.failure:
        return {"pipeline": [run.failure]}
    out = {key: check(run, source).problems for key, check in CHECKS.items()
           if key != "stable_names" or run.names_after_reharvest is not None}
    out["letterless_names"] = letterless_names(run, source)
    return out
