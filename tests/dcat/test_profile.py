"""What the DCAT-AP 3 output says about the plan (the catalog graph served at /catalog.ttl and
each dataset's graph), read back with rdflib."""
import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS as DCT, FOAF, RDF, SKOS, XSD

from .conftest import ORDINARY_DATASETS

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SITE = "http://test.ckan.net"
PLAN = URIRef(f"{SITE}/dataset/minato-plan")
PUBLISHER = URIRef(f"{SITE}/organization/minato-city")
SCHEME = URIRef(f"{SITE}/themes/minato-plan")


def _dataset(name):
    return URIRef(f"{SITE}/dataset/{name}")


def _langs(graph, subject, predicate):
    return {o.language: str(o) for o in graph.objects(subject, predicate)}


@pytest.fixture
def catalog(dcat_outputs):
    return dcat_outputs.catalog


def test_catalog_has_publisher_languages_spatial_licence_and_theme_taxonomy(catalog):
    site = URIRef(SITE)
    assert (site, RDF.type, DCAT.Catalog) in catalog
    assert set(catalog.objects(site, DCT.publisher)) == {PUBLISHER}
    assert _langs(catalog, PUBLISHER, FOAF.name) == {"ja": "港区", "en": "Minato City"}
    assert (PUBLISHER, RDF.type, FOAF.Agent) in catalog
    assert (PUBLISHER, DCT.identifier, Literal("131032")) in catalog
    local_authority = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
    assert (PUBLISHER, DCT.type, local_authority) in catalog
    assert (local_authority, RDF.type, SKOS.Concept) in catalog
    assert set(catalog.objects(site, DCT.language)) == {
        URIRef("http://publications.europa.eu/resource/authority/language/JPN"),
        URIRef("http://publications.europa.eu/resource/authority/language/ENG")}
    homepage = next(catalog.objects(site, FOAF.homepage))
    assert (homepage, RDF.type, FOAF.Document) in catalog
    assert set(catalog.objects(site, DCT.spatial)) == {
        URIRef("http://data.e-stat.go.jp/lod/sac/C13103")}
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert set(catalog.objects(site, DCT.license)) == {licence}
    assert set(catalog.objects(site, DCAT.themeTaxonomy)) == {SCHEME}
    assert set(_langs(catalog, site, DCT.title)) == {"ja", "en"}
    assert set(_langs(catalog, site, DCT.description)) == {"ja", "en"}


def test_concept_scheme_holds_4_guidelines_and_8_measures_in_ja_and_en(catalog):
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in catalog
    concepts = set(catalog.subjects(SKOS.inScheme, SCHEME))
    assert len(concepts) == 12
    notations = {str(catalog.value(c, SKOS.notation)): c for c in concepts}
    assert sorted(notations) == ["1", "1-1", "1-2", "2", "2-1", "3", "3-1", "3-2", "3-3", "4",
                                 "4-1", "4-2"]
    for c in concepts:
        assert (c, RDF.type, SKOS.Concept) in catalog
        assert set(_langs(catalog, c, SKOS.prefLabel)) == {"ja", "en"}
    assert catalog.value(notations["3-3"], SKOS.broader) == notations["3"]
    assert catalog.value(notations["3"], SKOS.broader) is None
    assert set(catalog.objects(SCHEME, SKOS.hasTopConcept)) == {
        notations[n] for n in "1234"}
    assert _langs(catalog, notations["4-1"], SKOS.prefLabel)["ja"] == "ICTリテラシーの向上"


def test_plan_is_a_dataset_series_and_every_initiative_is_in_it(catalog):
    assert (PLAN, RDF.type, DCAT.DatasetSeries) in catalog
    datasets = {d for d in catalog.subjects(RDF.type, DCAT.Dataset) if d != PLAN}
    initiatives = {d for d in datasets
                   if str(d).startswith(f"{SITE}/dataset/minato-plan-initiative-")}
    ordinary = datasets - initiatives
    assert len(initiatives) == 39
    assert len(ordinary) == len(ORDINARY_DATASETS)
    for d in initiatives:
        assert set(catalog.objects(d, DCAT.inSeries)) == {PLAN}
        assert (d, DCT.isPartOf, None) not in catalog
    for d in ordinary:  # a department's dataset is no part of the plan
        assert list(catalog.objects(d, DCAT.inSeries)) == []
    assert set(catalog.objects(URIRef(SITE), DCAT.dataset)) == datasets | {PLAN}


def test_initiative_theme_is_its_measure(catalog):
    d = _dataset("minato-plan-initiative-30")
    themes = set(catalog.objects(d, DCAT.theme))
    assert themes == {URIRef(f"{SITE}/themes/minato-plan/measure-3-2")}
    assert catalog.value(next(iter(themes)), SKOS.notation) == Literal("3-2")
    d27 = _dataset("minato-plan-initiative-27")  # the garbled row: measure 2-1
    assert set(catalog.objects(d27, DCAT.theme)) == {
        URIRef(f"{SITE}/themes/minato-plan/measure-2-1")}


def test_initiative_metadata(catalog):
    d = _dataset("minato-plan-initiative-32")
    assert _langs(catalog, d, DCT.title)["ja"]
    assert "telework" in _langs(catalog, d, DCT.title)["en"].lower()
    assert set(_langs(catalog, d, DCT.description)) == {"ja", "en"}
    assert list(catalog.objects(d, DCT.identifier)) == [Literal("minato-plan-initiative-32")]
    period = catalog.value(d, DCT.temporal)
    assert (period, RDF.type, DCT.PeriodOfTime) in catalog
    assert catalog.value(period, DCAT.startDate) == Literal("2021-04-01", datatype=XSD.date)
    assert catalog.value(period, DCAT.endDate) == Literal("2027-03-31", datatype=XSD.date)
    assert set(catalog.objects(d, DCT.spatial)) == {
        URIRef("http://data.e-stat.go.jp/lod/sac/C13103")}
    assert set(catalog.objects(d, DCT.publisher)) == {PUBLISHER}
    keywords = {(o.language, str(o)) for o in catalog.objects(d, DCAT.keyword)}
    assert ("ja", "施策3-3") in keywords and ("en", "measure 3-3") in keywords
    contact = catalog.value(d, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in catalog
    assert _langs(catalog, contact, VCARD.fn) == {"ja": "港区", "en": "Minato City"}
    assert catalog.value(d, DCT.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/ANNUAL")
    assert catalog.value(d, DCAT.landingPage) == URIRef(
        f"{SITE}/initiative/minato-plan-initiative-32")


def test_an_initiative_with_a_department_names_it_as_its_contact_point(catalog):
    d = _dataset("minato-plan-initiative-27")
    contacts = list(catalog.objects(d, DCAT.contactPoint))
    assert contacts == [URIRef(f"{d}#contact")]
    assert (contacts[0], RDF.type, VCARD.Kind) in catalog
    assert _langs(catalog, contacts[0], VCARD.fn) == {
        "ja": "情報政策課", "en": "Information Policy Division"}
    assert catalog.value(contacts[0], VCARD.hasEmail) == URIRef("mailto:joho@example.jp")
    # the other initiatives keep the ward's contact point
    assert _langs(catalog, catalog.value(_dataset("minato-plan-initiative-26"),
                                         DCAT.contactPoint), VCARD.fn)["ja"] == "港区"


def test_initiative_28_without_page_still_has_title_and_description(catalog):
    d = _dataset("minato-plan-initiative-28")
    assert "plan page unknown" in _langs(catalog, d, DCT.description)["en"]


def test_ratings_stay_in_the_data_not_in_adms_status(dcat_outputs, catalog):
    assert (None, ADMS.status, None) not in catalog
    graph = dcat_outputs.datasets["minato-plan-initiative-05"]
    assert (None, ADMS.status, None) not in graph
    assert not any(str(o) in ("A", "達成") for o in graph.objects())


def _distribution(graph, name):
    for d in graph.subjects(RDF.type, DCAT.Distribution):
        if any(str(t).startswith(name) for t in graph.objects(d, DCT.title)):
            return d
    raise AssertionError(f"no distribution {name!r}")


FT = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"


@pytest.mark.parametrize("dataset, name, file_type, media_type", [
    ("minato-plan", "dcat-test plan table (CSV)", "CSV", "text/csv"),
    ("minato-plan", "dcat-test plan table (JSON)", "JSON", "application/json"),
    ("minato-plan-initiative-01", "dcat-test lower-case csv", "CSV", "text/csv"),
    ("minato-plan-initiative-01", "dcat-test xlsx", "XLSX",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("minato-plan-initiative-02", "dcat-test format from the media type", "JSON",
     "application/json"),
])
def test_distribution_formats_are_eu_file_types_and_iana_media_types(
        dcat_outputs, dataset, name, file_type, media_type):
    graph = dcat_outputs.datasets[dataset]
    d = _distribution(graph, name)
    assert set(graph.objects(d, DCT["format"])) == {URIRef(FT + file_type)}
    assert set(graph.objects(d, DCAT.mediaType)) == {URIRef(IANA + media_type)}
    assert (URIRef(FT + file_type), RDF.type, DCT.MediaTypeOrExtent) in graph


def test_distribution_licence_access_and_download(dcat_outputs):
    graph = dcat_outputs.datasets["minato-plan"]
    d = _distribution(graph, "dcat-test plan table (CSV)")
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert set(graph.objects(d, DCT.license)) == {licence}
    attribution = URIRef("http://purl.org/adms/licencetype/Attribution")
    assert set(graph.objects(licence, DCT.type)) == {attribution}  # not "UnknownIPR"
    assert (attribution, RDF.type, SKOS.Concept) in graph
    assert set(graph.objects(d, DCAT.accessURL)) == {URIRef("http://test.ckan.net/files/plan.csv")}
    assert set(graph.objects(d, DCAT.downloadURL)) == {
        URIRef("http://test.ckan.net/files/plan.csv")}
    stable = URIRef("http://publications.europa.eu/resource/authority/planned-availability/STABLE")
    assert set(graph.objects(d, DCATAP.availability)) == {stable}


def test_unknown_format_gives_no_format_rather_than_a_literal(dcat_outputs):
    graph = dcat_outputs.datasets["minato-plan-initiative-02"]
    d = _distribution(graph, "dcat-test unknown format")
    assert list(graph.objects(d, DCT["format"])) == []
    assert list(graph.objects(d, DCAT.mediaType)) == []
    assert list(graph.objects(d, DCAT.accessURL)) == [URIRef("http://test.ckan.net/files/i02.foo")]
    assert list(graph.objects(d, DCAT.downloadURL)) == []


def test_each_dataset_graph_describes_what_it_points_to(dcat_outputs):
    """A dataset's own graph types its series, measure, publisher type and licence type, so
    that it validates without the catalog."""
    graph = dcat_outputs.datasets["minato-plan-initiative-01"]
    d = _dataset("minato-plan-initiative-01")
    assert (PLAN, RDF.type, DCAT.DatasetSeries) in graph
    assert set(_langs(graph, PLAN, DCT.title)) == {"ja", "en"}
    measure = URIRef(f"{SITE}/themes/minato-plan/measure-1-1")
    assert set(graph.objects(d, DCAT.theme)) == {measure}
    assert (measure, RDF.type, SKOS.Concept) in graph
    assert (URIRef(f"{SITE}/themes/minato-plan/guideline-1"), RDF.type, SKOS.Concept) in graph
    assert len(set(graph.objects(d, DCT.publisher))) == 1
    # the plan's own graph: a series (and a dataset), with the guidelines as themes
    plan_graph = dcat_outputs.datasets["minato-plan"]
    assert (PLAN, RDF.type, DCAT.DatasetSeries) in plan_graph
    assert len(set(plan_graph.objects(PLAN, DCAT.theme))) == 4
