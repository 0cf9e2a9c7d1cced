"""The portal's RDF profile: DCAT-AP 3 (ckanext-dcat's ``euro_dcat_ap_3``) plus what the official
DCAT-AP 3.0.1 SHACL shapes require and what the plan means.

Registered as ``minato_plan_dcat_ap_3`` under the ``ckan.rdf.profiles`` entry point. It replaces
``euro_dcat_ap_3`` rather than following it, because every ckanext-dcat profile asks scheming for
the schema of the type ``dataset`` when it serializes, and this portal has no such type
(``scheming.dataset_fallback = false``): the stock profile raises ``Unknown dataset schema:
dataset`` on every dataset and on the catalog.

What it adds to the stock output:

- catalog: ``dct:publisher`` (港区 / Minato City, a local authority, code 131032), ``dct:language``
  as EU language IRIs, a typed ``foaf:homepage``, ``dct:spatial``, ``dct:license`` and
  ``dcat:themeTaxonomy`` pointing at the plan's concept scheme, whose 4 guidelines and 8
  measures are ``skos:Concept`` with ja/en labels, notations and ``skos:broader``;
- the plan dataset is a ``dcat:DatasetSeries`` (also typed ``dcat:Dataset``, as DCAT 3 entails,
  so that the catalog's ``dcat:dataset`` range holds without inference); every initiative is
  ``dcat:inSeries`` of it and has its measure as ``dcat:theme``;
- ja/en titles, descriptions and keywords; a plain-literal ``dct:identifier``; ``dct:temporal``
  with ``dcat:startDate``/``dcat:endDate`` on fiscal-year bounds; area, publisher, contact point
  and annual accrual periodicity;
- distributions: EU file-type and IANA media-type IRIs, the dataset's licence typed with its
  ADMS licence type (stock types every licence "UnknownIPR"), access and download URLs, planned
  availability; their IRIs are ``<site>/distribution/<id>``.

Every node a dataset's graph points to (concepts, series, publisher, licence, area) is described
in that graph too, so each dataset's own graph validates on its own. Progress ratings are not
mapped to ``adms:status`` (DCAT-AP 3 has it only on distributions): they stay in the data.

The stock code still writes what it writes right (titles and descriptions per language,
identifier, keywords, temporal coverage, the DCAT-AP 2/3 fields, and any resource with fields
only it maps, such as checksums); we write the rest directly, from triples built once per site
(``_Static``). The stock per-value helpers (URL quoting, date re-parsing) made it slower than
the extra content costs; see ``bench/bench_dcat.py``.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Optional

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles import DCAT, DCATAP, DCT, FOAF, VCARD
from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile
from ckanext.dcat.utils import catalog_uri, resource_uri

from .. import config
from ..domain import dcat as mapping
from ..domain.identifiers import PLAN_DATASET_TYPES
from ..domain.plan import Plan
from ..domain.text import text_dict
from .static import (
    CKAN_TIMESTAMP, Static, absolute, dataset_iri, distribution_iri, iri, landing_page, literals,
)
from .static import static as static_parts
from ..logic import official, plans

log = logging.getLogger(__name__)

PROFILE_NAME = "minato_plan_dcat_ap_3"



# What the stock code must not write for a resource: we write these ourselves (IRIs where it
# writes literals, our licence typing instead of "UnknownIPR", dates without re-parsing).
_RESOURCE_KEYS_OURS = ("url", "access_url", "download_url", "format", "mimetype", "license",
                       "status", "created", "metadata_modified", "issued", "modified")
# Likewise for a dataset.
_DATASET_KEYS_OURS = ("url", "contact", "language", "frequency", "theme", "spatial_coverage",
                      "spatial_uri", "issued", "modified", "metadata_created",
                      "metadata_modified", "in_series")
# What we write for every dataset, plan or not (landing page and dates).
_DATASET_KEYS_WRITTEN = ("url", "issued", "modified", "metadata_created", "metadata_modified")
# Resource fields only the stock code maps: a resource with any of them goes through it (our
# fields are added after); a resource without them (the usual case) is written by us alone,
# which is several times cheaper than the stock per-resource code.
_RESOURCE_KEYS_STOCK = ("hash", "hash_algorithm", "language", "documentation", "conforms_to",
                        "rights", "availability", "compress_format", "package_format",
                        "temporal_resolution", "spatial_resolution_in_meters",
                        "applicable_legislation", "access_services")

# Predicates, looked up once (a Namespace attribute builds a new URIRef at every access).
_A = RDF.type
_DISTRIBUTION = DCAT.distribution
_DISTRIBUTION_CLASS = DCAT.Distribution
_TITLE, _DESCRIPTION = DCT.title, DCT.description
_ACCESS_URL, _DOWNLOAD_URL = DCAT.accessURL, DCAT.downloadURL
_FORMAT, _MEDIA_TYPE, _LICENSE = DCT["format"], DCAT.mediaType, DCT.license
_AVAILABILITY, _BYTE_SIZE = DCATAP.availability, DCAT.byteSize
_ISSUED, _MODIFIED = DCT.issued, DCT.modified


def _stock_resource(r: dict[str, Any]) -> bool:
    return any(r.get(key) for key in _RESOURCE_KEYS_STOCK)


class MinatoPlanDCATAP3Profile(EuropeanDCATAP3Profile):
    """DCAT-AP 3 for 港区情報化推進計画; see the module docstring."""

    def __init__(self, graph, dataset_type="dataset", compatibility_mode=False):
        # ckanext-dcat's serializers always construct profiles for the type "dataset"; this
        # portal has no such scheming type and serializing does not need a schema, so fall back
        # to the initiative schema instead of failing with "Unknown dataset schema: dataset".
        if dataset_type == "dataset" and not _has_scheming_type("dataset"):
            dataset_type = "initiative" if _has_scheming_type("initiative") else dataset_type
        super().__init__(graph, dataset_type=dataset_type, compatibility_mode=compatibility_mode)

    # -- CKAN -> RDF ------------------------------------------------------------------------

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        base = catalog_uri()
        static = static_parts(base, plans.of_dataset(dataset_dict))
        ours = official.is_official(dataset_dict)
        # The stock DCAT-AP 3 code writes what it writes right (titles and descriptions per
        # language, identifier, keywords, temporal coverage, the DCAT-AP 2/3 fields and the
        # resources with fields only it maps); the rest we write below, as IRIs. The plan's
        # values (publisher 港区, period, area, languages, themes, series) go to the plan's own
        # datasets only; every other dataset keeps its own organization as publisher.
        super().graph_from_dataset(self._for_stock(dataset_dict, static, ours), dataset_ref)
        # dct:source names a dataset this one is derived from: a free-text "source" extra is
        # no IRI, so it stays in CKAN and out of DCAT
        for source in list(self.g.objects(dataset_ref, DCT.source)):
            if isinstance(source, Literal):
                self.g.remove((dataset_ref, DCT.source, source))
        self._add_common(dataset_dict, dataset_ref, base, static, ours)
        if ours:
            self._add_plan_values(dataset_dict, dataset_ref, static)
        else:
            self._add_organization(dataset_dict, dataset_ref, base)

    def _for_stock(self, dataset_dict: dict[str, Any], static: Static,
                   ours: bool) -> dict[str, Any]:
        d = dict(dataset_dict)
        plan = static.plan
        kind = d.get("type") if ours else "dataset"
        name = d.get("name") or ""
        d["identifier"] = mapping.dataset_identifier(name) if name else d.get("identifier")
        if ours:
            titles = text_dict(d.get("title_translated"), d.get("title") or name)
            notes = text_dict(d.get("notes_translated"), d.get("notes") or "")
        else:
            lang = _site_language()
            titles = {lang: str(d.get("title") or name)}
            notes = {lang: str(d["notes"])} if d.get("notes") else {}
        # dct:description is mandatory: a dataset without one is described by its title
        d["title_translated"] = titles
        d["notes_translated"] = notes or dict(titles)
        if ours:
            d["temporal_coverage"] = [self._temporal(d, plan)]
        if kind == "initiative":
            keywords = mapping.initiative_keywords(plan, d.get("guideline_no"),
                                                   d.get("measure_code"))
        elif kind == "plan":
            keywords = mapping.plan_keywords(plan)
        else:
            keywords = {"ja": [], "en": []}
        tags = [t["name"] for t in d.get("tags") or [] if t.get("name")]
        keywords["ja"] = keywords["ja"] + [t for t in tags if t not in keywords["ja"]]
        d["tags_translated"] = {lang: words for lang, words in keywords.items() if words}
        # a non-empty publisher stops the stock fallback to the organization: ours is below
        d["publisher"] = [{}]
        for key in (_DATASET_KEYS_OURS if ours else _DATASET_KEYS_WRITTEN):
            d.pop(key, None)
        resources = []
        for r in d.get("resources") or []:
            if _stock_resource(r):
                r = dict(r)
                for key in _RESOURCE_KEYS_OURS:
                    r.pop(key, None)
                resources.append(r)
        d["resources"] = resources
        return d

    @staticmethod
    def _temporal(d: dict[str, Any], plan: Plan) -> dict[str, str]:
        start, end = mapping.plan_period(plan)
        if d.get("type") == "plan":
            try:
                start = mapping.parse_date(d.get("period_start") or start.isoformat())
                end = mapping.parse_date(d.get("period_end") or end.isoformat())
            except ValueError:
                start, end = mapping.plan_period(plan)
        return {"start": start.isoformat(), "end": end.isoformat()}

    def _once(self):
        """``once(key, triples)``: adds the triples the first time ``key`` is seen in this
        graph (the catalog graph holds every dataset, and shares these nodes)."""
        g = self.g
        done = getattr(g, "_minato_plan_static", None)
        if done is None:
            done = set()
            g._minato_plan_static = done

        def once(key: str, triples: list[tuple]) -> None:
            if key not in done:
                done.add(key)
                for t in triples:
                    g.add(t)

        return once

    def _add_plan_values(self, d: dict[str, Any], ref, static: Static) -> None:
        """What the plan states for its datasets: languages, periodicity, area, the ward as
        publisher and contact, themes and the series."""
        g = self.g
        add = g.add
        kind = d.get("type")
        once = self._once()
        once(f"common:{static.plan.id}", static.common_triples)
        for language in static.languages:
            add((ref, DCT.language, language))
        add((ref, DCT.accrualPeriodicity, static.frequency))
        add((ref, DCT.spatial, static.area))
        add((ref, DCT.publisher, static.publisher))
        contact, contact_triples = (static.department_contact(ref, d) if kind == "initiative"
                                    else (static.contact, []))
        for triple in contact_triples:
            add(triple)
        add((ref, DCAT.contactPoint, contact))

        themes: list[URIRef] = []
        if kind == "initiative":
            measure = static.measure_refs.get(str(d.get("measure_code") or ""))
            themes = [measure] if measure is not None else []
            add((ref, DCAT.inSeries, static.series))
            once(f"series:{static.plan.id}", static.series_triples)
        elif kind == "plan":
            themes = static.guideline_refs
            # also a dcat:Dataset (stock typing, entailed by DCAT 3), so that the catalog's
            # dcat:dataset range holds for validators without DCAT 3 inference
            add((ref, RDF.type, DCAT.DatasetSeries))
        for theme in themes:
            add((ref, DCAT.theme, theme))
            once(str(theme), static.concepts[str(theme)])

    def _add_organization(self, d: dict[str, Any], ref, base: str) -> None:
        """An ordinary dataset's publisher: its own organization; its contact points typed as
        vcard:Kind (the class DCAT-AP 3's shapes ask for, without inference)."""
        add = self.g.add
        org = d.get("organization") or {}
        if isinstance(org, dict) and org.get("name"):
            agent = iri(f"{base.rstrip('/')}/organization/{org['name']}")
            add((ref, DCT.publisher, agent))
            add((agent, RDF.type, FOAF.Agent))
            add((agent, FOAF.name, Literal(org.get("title") or org["name"],
                                           lang=_site_language())))
        for contact in list(self.g.objects(ref, DCAT.contactPoint)):
            add((contact, RDF.type, VCARD.Kind))

    def _add_common(self, d: dict[str, Any], ref, base: str, static: Static,
                    ours: bool) -> None:
        """Landing page, dates and distributions, for every dataset."""
        g = self.g
        add = g.add
        kind = d.get("type")
        once = self._once()
        if not getattr(g, "_minato_plan_prefixes", False):
            g._minato_plan_prefixes = True
            for prefix, namespace in static.prefixes:
                g.bind(prefix, namespace)
        page = d.get("url") or ""
        if not page.startswith(("http://", "https://", "/")):
            page = (landing_page(base, kind if ours else "dataset", d["name"])
                    if d.get("name") else "")
        if page:
            page_ref = iri(absolute(page, base))
            add((ref, DCAT.landingPage, page_ref))
            add((page_ref, RDF.type, FOAF.Document))
        self._add_dates(ref, d.get("issued") or d.get("metadata_created"),
                        d.get("modified") or d.get("metadata_modified"))

        licence_url = d.get("license_url") or ""
        licence_url = licence_url if licence_url.startswith(("http://", "https://")) else ""
        for r in d.get("resources") or []:
            self._add_distribution(ref, r, licence_url, base, static, once)

    def _add_dates(self, ref, issued: Optional[str], modified: Optional[str]) -> None:
        for predicate, value in ((_ISSUED, issued), (_MODIFIED, modified)):
            if not value:
                continue
            if CKAN_TIMESTAMP.fullmatch(value):
                # what the stock code writes for a CKAN timestamp, without re-parsing it
                self.g.add((ref, predicate, Literal(value, datatype=XSD.dateTime)))
            else:
                self._add_date_triple(ref, predicate, value)

    def _add_distribution(self, dataset_ref, r: dict[str, Any], licence_url: str, base: str,
                          static: Static, once) -> None:
        add = self.g.add
        distribution = iri(resource_uri(r))
        if not _stock_resource(r):
            # what the stock code writes for a plain resource
            add((dataset_ref, _DISTRIBUTION, distribution))
            add((distribution, _A, _DISTRIBUTION_CLASS))
            for key, predicate in (("name", _TITLE), ("description", _DESCRIPTION)):
                value = r.get(key + "_translated") or r.get(key)
                if isinstance(value, dict):
                    for lit in literals(text_dict(value)):
                        add((distribution, predicate, lit))
                elif value:
                    add((distribution, predicate, Literal(value)))
            size = str(r.get("size") or "")
            if re.fullmatch(r"[0-9]+", size):
                add((distribution, _BYTE_SIZE, Literal(int(size), datatype=XSD.nonNegativeInteger)))
        url = absolute((r.get("url") or "").strip(), base)
        ft = mapping.file_type(r.get("format"), r.get("mimetype"))
        access = r.get("access_url") or url or (
            f"{base.rstrip('/')}/dataset/{r.get('package_id')}/resource/{r.get('id')}")
        add((distribution, _ACCESS_URL, iri(access)))
        download = r.get("download_url") or (url if ft else "")
        if download:
            add((distribution, _DOWNLOAD_URL, iri(download)))
        if ft is not None:
            # literal formats and media types violate DCAT-AP 3: IRIs or nothing
            fmt, media, typing = static.file_types[ft.code]
            add((distribution, _FORMAT, fmt))
            if media is not None:
                add((distribution, _MEDIA_TYPE, media))
            once("ft:" + ft.code, typing)
        licence = r.get("license") or licence_url
        if licence and licence.startswith(("http://", "https://")):
            licence_ref, licence_triples = static.licence(licence)
            add((distribution, _LICENSE, licence_ref))
            once("licence:" + licence, licence_triples)
        if static.availability is not None and not r.get("availability"):
            add((distribution, _AVAILABILITY, static.availability))
            once("availability", static.availability_triples)
        self._add_dates(distribution, r.get("issued") or r.get("created"),
                        r.get("modified") or r.get("metadata_modified"))

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        base = catalog_uri()
        static = static_parts(base)
        cd = dict(catalog_dict or {})
        # the stock code writes untagged title/description and a literal language: ours follow
        cd.update({"title": "", "description": "", "language": ""})
        super().graph_from_catalog(cd, catalog_ref)

        g = self.g
        add = g.add
        cfg = tk.config
        plan = static.plan
        # the plan's own title and description only describe a portal that holds only the plan
        plan_only = _plan_only_portal()
        title, description = mapping.catalog_title(plan), mapping.catalog_description(plan)
        site_lang = _site_language()
        titles = {"ja": config.dcat("catalog_title_ja"), "en": config.dcat("catalog_title_en")}
        titles[site_lang] = titles.get(site_lang) or cfg.get("ckan.site_title") or ""
        descriptions = {"ja": config.dcat("catalog_description_ja"),
                        "en": config.dcat("catalog_description_en")}
        descriptions[site_lang] = (descriptions.get(site_lang)
                                   or cfg.get("ckan.site_description") or "")
        if plan_only:
            for lang in ("ja", "en"):
                titles[lang] = titles.get(lang) or title.get(lang)
                descriptions[lang] = descriptions.get(lang) or description.get(lang)
        for lit in literals(text_dict(titles)):
            add((catalog_ref, DCT.title, lit))
        for lit in literals(text_dict(descriptions)):
            add((catalog_ref, DCT.description, lit))
        for homepage in list(g.objects(catalog_ref, FOAF.homepage)):
            add((homepage, RDF.type, FOAF.Document))

        add((catalog_ref, DCT.publisher, static.publisher))
        for t in static.publisher_triples + static.area_triples:
            add(t)
        for language in static.languages:
            add((catalog_ref, DCT.language, language))
            add((language, RDF.type, DCT.LinguisticSystem))
        add((catalog_ref, DCT.spatial, static.area))
        licence_ref, licence_triples = static.licence(
            config.dcat("catalog_license") or plan.license.url)
        add((catalog_ref, DCT.license, licence_ref))
        for t in licence_triples:
            add(t)

        add((catalog_ref, DCAT.themeTaxonomy, static.scheme_ref))
        for t in static.full_scheme:
            add(t)

    # -- RDF -> CKAN ------------------------------------------------------------------------

    def parse_dataset(self, dataset_dict, dataset_ref):
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        g = self.g
        is_series = (dataset_ref, RDF.type, DCAT.DatasetSeries) in g
        identifier = self._object_value(dataset_ref, DCT.identifier)
        plan = _plan_of_identifier(identifier, is_series)
        in_plan = (mapping.initiative_number(identifier or "", plan.id) is not None
                   or any(True for _s in g.objects(dataset_ref, DCAT.inSeries)))
        dataset_dict["type"] = "plan" if is_series else ("initiative" if in_plan else "dataset")

        if identifier:
            dataset_dict["name"] = identifier
        titles = self._language_map(dataset_ref, DCT.title)
        if titles:
            dataset_dict["title_translated"] = titles
            dataset_dict["title"] = titles.get("ja") or next(iter(titles.values()))
        notes = self._language_map(dataset_ref, DCT.description)
        if notes:
            dataset_dict["notes_translated"] = notes
            dataset_dict["notes"] = notes.get("ja") or next(iter(notes.values()))

        for theme in g.objects(dataset_ref, DCAT.theme):
            found = self._plan_concept(theme, plan)
            if found and found[0] == "measure":
                dataset_dict["measure_code"] = found[1]
                dataset_dict["guideline_no"] = plan.measure(found[1]).guideline_no
        number = mapping.initiative_number(identifier or "", plan.id)
        if number is not None and not is_series:
            dataset_dict["initiative_no"] = number

        for period in g.objects(dataset_ref, DCT.temporal):
            start = self._object_value(period, DCAT.startDate)
            end = self._object_value(period, DCAT.endDate)
            if start and end:
                dataset_dict["period_start"] = mapping.parse_date(start).isoformat()
                dataset_dict["period_end"] = mapping.parse_date(end).isoformat()
                try:
                    first, last = mapping.fiscal_years_of_period(
                        mapping.parse_date(start), mapping.parse_date(end))
                    dataset_dict["start_fiscal_year"] = first
                    dataset_dict["end_fiscal_year"] = last
                except ValueError:
                    pass
                break

        series = []
        for series_ref in g.objects(dataset_ref, DCAT.inSeries):
            series_id = self._object_value(series_ref, DCT.identifier)
            series.append(series_id or str(series_ref).rstrip("/").rsplit("/", 1)[-1])
        if series:
            dataset_dict["in_series"] = series
        return dataset_dict

    def _language_map(self, subject, predicate) -> dict[str, str]:
        out = {}
        for o in self.g.objects(subject, predicate):
            if isinstance(o, Literal) and str(o).strip():
                out[o.language or self._default_lang] = str(o)
        return out

    def _plan_concept(self, theme, plan: Plan) -> Optional[tuple[str, str]]:
        """("measure", "1-1") for a concept of the plan's scheme, by its notation and broader
        concept when the graph describes it, else by its IRI."""
        notation = self._object_value(theme, SKOS.notation)
        if notation:
            if (theme, SKOS.broader, None) in self.g:
                return "measure", notation
            return "guideline", notation
        return mapping.concept_notation(str(theme), catalog_uri(), plan)


def _plan_of_identifier(identifier: Any, is_series: bool) -> Plan:
    """The plan of a harvested dataset: the plan it is (a series named by a plan's id) or whose
    initiative it is (``<plan id>-initiative-NN``); else the portal's first plan."""
    for plan in plans.portal():
        if (is_series and identifier == plan.id) or \
                mapping.initiative_number(identifier or "", plan.id) is not None:
            return plan
    return plans.portal().first


def _plan_only_portal() -> bool:
    """Whether the portal holds no dataset but the plan's."""
    result = tk.get_action("package_search")(
        {"ignore_auth": True}, {"fq": "-dataset_type:(plan OR initiative)", "rows": 0})
    return result["count"] == 0


def _site_language() -> str:
    return (tk.config.get("ckan.locale_default") or "en").split("_")[0]


def _has_scheming_type(dataset_type: str) -> bool:
    try:
        from ckanext.scheming.helpers import scheming_get_dataset_schema
    except ImportError:
        return False
    return scheming_get_dataset_schema(dataset_type) is not None


PROFILES_OPTION = "ckanext.dcat.rdf.profiles"


def configure(ckan_config: Any) -> None:
    """Make our profile the default: ckanext-dcat's own default, ``euro_dcat_ap_3``, cannot
    serialize this portal's datasets (see the module docstring). A site that names other
    profiles keeps them."""
    if (ckan_config.get(PROFILES_OPTION) or "").strip() in ("", "euro_dcat_ap_3"):
        ckan_config[PROFILES_OPTION] = PROFILE_NAME


def resource_uri_of(resource_dict: dict[str, Any], default_uri: Optional[str]) -> Optional[str]:
    """IDCATURIGenerator: ``<site>/distribution/<id>`` for every resource (an explicit ``uri``
    on the resource wins, as in ckanext-dcat)."""
    explicit = resource_dict.get("uri")
    if explicit and explicit != "None":
        return default_uri
    if resource_dict.get("id"):
        return distribution_iri(catalog_uri(), resource_dict["id"])
    return default_uri


def dataset_uri(dataset_dict: dict[str, Any], default_uri: Optional[str]) -> Optional[str]:
    """IDCATURIGenerator: ``<site>/dataset/<name>`` for our two dataset types."""
    if dataset_dict.get("type") in PLAN_DATASET_TYPES and dataset_dict.get("name"):
        return dataset_iri(catalog_uri(), dataset_dict["name"])
    return default_uri
