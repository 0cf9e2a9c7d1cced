"""The parts of the DCAT graph that depend only on the site address, the plan and the
configuration, built once per site: IRIs of the portal's nodes, the concept scheme, the
publisher, contact point and area, the series as initiatives see it, and the typing of the
code-list values (file types, media types, licences, availability)."""
from __future__ import annotations

import functools
import re
from typing import Iterable, Optional

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ckanext.dcat.profiles import DCAT, DCT, FOAF, VCARD
from ckanext.dcat.profiles.base import CleanedURIRef

from .. import config
from ..domain import dcat as mapping
from ..domain import records
from ..domain.plan import Plan
from ..logic import plans
from ..domain.text import text_dict


def dataset_iri(base: str, name: str) -> str:
    """The IRI of one of our datasets, ``<site>/dataset/<name>``: by name, which the plan model
    keeps stable (CKAN's default uses the id, which a reload changes). ckanext-dcat serves it as
    RDF (``/dataset/<name>.ttl``, or by content negotiation)."""
    return f"{base.rstrip('/')}/dataset/{name}"


def landing_page(base: str, dataset_type: str, name: str) -> str:
    """The dataset's page for people: ``<site>/initiative/<name>``, ``<site>/plan/<name>``."""
    return f"{base.rstrip('/')}/{dataset_type}/{name}"


def distribution_iri(base: str, resource_id: str) -> str:
    """The IRI of a resource as a distribution: ``<site>/distribution/<id>``, which redirects
    (303) to the resource's page. One namespace for all distributions keeps the RDF short (a
    prefix) and cheap to write."""
    return f"{base.rstrip('/')}/distribution/{resource_id}"


def publisher_iri(base: str, organization: str) -> str:
    return f"{base.rstrip('/')}/organization/{organization}"


def literals(texts: dict[str, str]) -> Iterable[Literal]:
    return (Literal(text, lang=lang) for lang, text in texts.items())


def absolute(url: str, base: str) -> str:
    if url and url.startswith("/"):
        return base.rstrip("/") + url
    return url


_NEEDS_CLEANING = re.compile(r"[ !\"$'()*,;<>\[\]{|}\\^`]")
CKAN_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?")


def iri(value: str) -> URIRef:
    """``CleanedURIRef`` (ckanext-dcat's quoting), without its cost for the usual clean IRI."""
    value = value.strip()
    return CleanedURIRef(value) if _NEEDS_CLEANING.search(value) else URIRef(value)


class Static:
    """Triples that depend only on the site address, the plan and the configuration, built
    once: the concept scheme, the series as initiatives see it, the publisher, the contact
    point, the area, and the typing of the code-list values we use."""

    def __init__(self, base: str, plan: Plan, organization: str, contact_url: str,
                 contact_email: str, availability: str):
        self.plan = plan
        self.organization = organization
        self._concepts(base)
        self._agents(base, contact_url, contact_email)
        self._series(base)
        self._file_types()
        self._prefixes(base)
        self._availability(availability)
        self.languages = [URIRef(iri) for iri in mapping.LANGUAGE_IRIS.values()]
        self.frequency = URIRef(mapping.FREQUENCY_ANNUAL)
        self.common_triples = (self.publisher_triples + self.contact_triples + self.area_triples
                               + [(ref, RDF.type, DCT.LinguisticSystem) for ref in self.languages]
                               + [(self.frequency, RDF.type, DCT.Frequency)])

    def _concepts(self, base: str) -> None:
        """The plan's concept scheme: each concept with its broader concept and its scheme."""
        plan = self.plan
        self.scheme = scheme = mapping.concept_scheme(plan, base)
        self.scheme_ref = scheme_ref = URIRef(scheme.iri)
        by_iri = {c.iri: c for c in scheme.concepts}

        def describe(c: mapping.Concept) -> list[tuple]:
            ref = URIRef(c.iri)
            t = [(ref, RDF.type, SKOS.Concept), (ref, SKOS.inScheme, scheme_ref),
                 (ref, SKOS.notation, Literal(c.notation))]
            t += [(ref, SKOS.prefLabel, lit) for lit in literals(c.pref_label.as_dict())]
            if c.broader:
                t.append((ref, SKOS.broader, URIRef(c.broader)))
                t += describe(by_iri[c.broader])
            else:
                t.append((ref, SKOS.topConceptOf, scheme_ref))
            return t

        scheme_head = [(scheme_ref, RDF.type, SKOS.ConceptScheme)]
        scheme_head += [(scheme_ref, DCT.title, lit) for lit in literals(scheme.title.as_dict())]
        # a concept with its broader concept and its scheme
        self.concepts = {c.iri: describe(c) + scheme_head for c in scheme.concepts}
        self.measure_refs = {c.notation: URIRef(c.iri) for c in scheme.concepts if c.broader}
        self.guideline_refs = [URIRef(c.iri) for c in scheme.top_concepts]
        self.full_scheme = list(scheme_head)
        for c in scheme.concepts:
            self.full_scheme += describe(c)
            if c.broader is None:
                self.full_scheme.append((scheme_ref, SKOS.hasTopConcept, URIRef(c.iri)))

    def _agents(self, base: str, contact_url: str, contact_email: str) -> None:
        """The publisher, the contact point and the area."""
        plan = self.plan
        self.publisher = publisher = URIRef(publisher_iri(base, self.organization))
        ptype = URIRef(mapping.PUBLISHER_TYPE_LOCAL_AUTHORITY)
        self.publisher_triples = [
            (publisher, RDF.type, FOAF.Agent), (publisher, DCT.type, ptype),
            (publisher, DCT.identifier, Literal(plan.municipality_code)),
            (ptype, RDF.type, SKOS.Concept)]
        self.publisher_triples += [(publisher, FOAF.name, lit)
                                   for lit in literals(plan.municipality_name.as_dict())]
        self.publisher_triples += [(ptype, SKOS.prefLabel, lit)
                                   for lit in literals(mapping.PUBLISHER_TYPE_LABEL.as_dict())]

        self.contact = contact = URIRef(publisher_iri(base, self.organization) + "#contact")
        self.contact_triples = [(contact, RDF.type, VCARD.Kind)]
        self.contact_triples += [(contact, VCARD.fn, lit)
                                 for lit in literals(plan.municipality_name.as_dict())]
        if contact_url:
            self.contact_triples.append((contact, VCARD.hasURL, iri(contact_url)))
        if contact_email:
            address = contact_email.strip()
            address = address if address.startswith("mailto:") else "mailto:" + address
            self.contact_triples.append((contact, VCARD.hasEmail, iri(address)))

        self.area = area = URIRef(plan.area.iri)
        self.area_triples = [(area, RDF.type, DCT.Location)]
        self.area_triples += [(area, SKOS.prefLabel, lit)
                              for lit in literals(plan.area.label.as_dict())]

    def _series(self, base: str) -> None:
        """The plan as a dataset series: what an initiative's graph says about its series."""
        plan, publisher, contact = self.plan, self.publisher, self.contact
        plan_record = records.plan_dataset_dict(plan)
        self.series = series = URIRef(dataset_iri(base, plan.id))
        self.series_triples = [
            (series, RDF.type, DCAT.DatasetSeries),
            (series, DCT.identifier, Literal(mapping.dataset_identifier(plan.id))),
            (series, DCT.publisher, publisher), (series, DCAT.contactPoint, contact)]
        self.series_triples += [(series, DCT.title, lit)
                                for lit in literals(text_dict(plan_record["title_translated"]))]
        self.series_triples += [(series, DCT.description, lit)
                                for lit in literals(text_dict(plan_record["notes_translated"]))]

    def _file_types(self) -> None:
        self.file_types = {}  # code -> (format ref, media type ref or None, typing triples)
        for ft in mapping.FILE_TYPES:
            fmt = URIRef(ft.iri)
            media = URIRef(ft.media_type_iri) if ft.media_type_iri else None
            typing = [(fmt, RDF.type, DCT.MediaTypeOrExtent)]
            if media is not None:
                # the label is what ckanext-dcat's parser (a harvesting catalog) takes as the
                # resource's media type and format
                typing += [(media, RDF.type, DCT.MediaType),
                           (media, RDFS.label, Literal(ft.media_type))]
            self.file_types[ft.code] = (fmt, media, typing)

    def _prefixes(self, base: str) -> None:
        plan, scheme = self.plan, self.scheme
        # Prefixes for the namespaces of our IRIs: shorter Turtle, and rdflib's serializers
        # look each unbound IRI up again at every use (a prefix makes it one dictionary hit).
        self.prefixes = [
            ("dataset", base.rstrip("/") + "/dataset/"),
            ("distribution", base.rstrip("/") + "/distribution/"),
            ("theme", scheme.iri + "/"),
            ("sac", plan.area.iri.rsplit("/", 1)[0] + "/"),
            ("language", mapping.EU_AUTHORITY + "language/"),
            ("filetype", mapping.FILE_TYPE_BASE),
            ("frequency", mapping.EU_AUTHORITY + "frequency/"),
            ("availability", mapping.PLANNED_AVAILABILITY_BASE),
            ("licencetype", mapping.ADMS_LICENCE_TYPE),
            ("publishertype", mapping.PUBLISHER_TYPE_LOCAL_AUTHORITY.rsplit("/", 1)[0] + "/"),
            ("iana", mapping.IANA_MEDIA_TYPE_BASE),
        ]

    def _availability(self, availability: str) -> None:
        self.availability = None
        self.availability_triples: list[tuple] = []
        if availability in mapping.PLANNED_AVAILABILITY:
            self.availability = ref = URIRef(mapping.PLANNED_AVAILABILITY_BASE + availability)
            self.availability_triples = [(ref, RDF.type, SKOS.Concept)]
            self.availability_triples += [
                (ref, SKOS.prefLabel, lit)
                for lit in literals(mapping.PLANNED_AVAILABILITY[availability].as_dict())]

    @staticmethod
    @functools.lru_cache(maxsize=16)
    def licence(url: str) -> tuple[URIRef, list[tuple]]:
        ref = iri(url)
        triples = [(ref, RDF.type, DCT.LicenseDocument)]
        known = mapping.licence_type(url)
        title = mapping.CKAN_LICENCE_TITLES.get(url)
        if title:
            # the title CKAN's default licence list gives it, so that a harvesting CKAN with
            # that list recognises the licence
            triples += [(ref, DCT.title, lit) for lit in literals(title.as_dict())]
        if known:
            type_ref = URIRef(known[0])
            triples += [(ref, DCT.type, type_ref), (type_ref, RDF.type, SKOS.Concept)]
            triples += [(type_ref, SKOS.prefLabel, lit) for lit in literals(known[1].as_dict())]
        return ref, triples

    def department_contact(self, ref: URIRef, dataset: dict) -> tuple[URIRef, list[tuple]]:
        """An initiative's contact point: its responsible department (所管課) and e-mail as
        staff entered them (``<dataset>#contact``, named by the municipality when only the
        e-mail is given); the plan's contact point when neither is entered."""
        names = {lang: name for lang, name in
                 text_dict(dataset.get("department_translated")).items() if name}
        email = str(dataset.get("department_email") or "").strip()
        if not names and not email:
            return self.contact, []
        contact = URIRef(f"{ref}#contact")
        triples: list[tuple] = [(contact, RDF.type, VCARD.Kind)]
        triples += [(contact, VCARD.fn, lit)
                    for lit in literals(names or self.plan.municipality_name.as_dict())]
        if email:
            triples.append((contact, VCARD.hasEmail, iri("mailto:" + email)))
        return contact, triples


@functools.lru_cache(maxsize=32)
def static_for(base: str, plan_id: str, organization: str, contact_url: str, contact_email: str,
               availability: str) -> Static:
    return Static(base, plans.get(plan_id) or plans.portal().first, organization, contact_url,
                  contact_email, availability)


def static(base: str, plan: Optional[Plan] = None) -> Static:
    """The static triples of ``plan`` (the portal's first plan when None)."""
    plan = plan or plans.portal().first
    return static_for(base, plan.id, plans.organization(plan), config.dcat("contact_url"),
                      config.dcat("contact_email"),
                      config.dcat("distribution_availability").upper())
