"""What the plan becomes in DCAT-AP 3, independent of RDF libraries and of CKAN.

No rdflib and no ckanext-dcat here: IRIs of the code lists we use, the plan's
concept scheme (4 guidelines and 8 measures as SKOS concepts), fiscal-year periods, dataset
identifiers, keywords, and the resource-format table (EU file types and IANA media types).
The RDF profile (``profile.py``) turns these values into triples and reads them back.
"""
from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Optional

from .identifiers import initiative_name_prefix
from .plan import Plan, fiscal_year_end, fiscal_year_start
from .text import Text

# --- code lists --------------------------------------------------------------------------------

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
LANGUAGE_IRIS = {
    "ja": f"{EU_AUTHORITY}language/JPN",
    "en": f"{EU_AUTHORITY}language/ENG",
}
FREQUENCY_ANNUAL = f"{EU_AUTHORITY}frequency/ANNUAL"
FILE_TYPE_BASE = f"{EU_AUTHORITY}file-type/"
IANA_MEDIA_TYPE_BASE = "https://www.iana.org/assignments/media-types/"

PLANNED_AVAILABILITY_BASE = f"{EU_AUTHORITY}planned-availability/"
# The EU "planned availability" codes (how long a distribution is meant to stay available).
PLANNED_AVAILABILITY = {
    "AVAILABLE": Text("利用可能", "available"),
    "EXPERIMENTAL": Text("試験的", "experimental"),
    "STABLE": Text("安定", "stable"),
    "TEMPORARY": Text("一時的", "temporary"),
}

PUBLISHER_TYPE_LOCAL_AUTHORITY = "http://purl.org/adms/publishertype/LocalAuthority"
PUBLISHER_TYPE_LABEL = Text("地方公共団体", "Local Authority")

ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
CC_BY_4_0 = "https://creativecommons.org/licenses/by/4.0/"
CC0_1_0 = "https://creativecommons.org/publicdomain/zero/1.0/"
# Licence document -> its ADMS licence type (and that type's label).
LICENCE_TYPES = {
    CC_BY_4_0: (f"{ADMS_LICENCE_TYPE}Attribution", Text("表示", "Attribution")),
    CC0_1_0: (f"{ADMS_LICENCE_TYPE}PublicDomain", Text("パブリックドメイン", "Public domain")),
}



# Licence document -> the title of the same licence in CKAN's default licence list (CKAN's own
# Japanese translation and the English), which a harvesting CKAN matches, in its language, when
# it does not know the document's IRI.
CKAN_LICENCE_TITLES = {
    CC_BY_4_0: Text("クリエイティブ・コモンズ 表示", "Creative Commons Attribution"),
    CC0_1_0: Text("クリエイティブ・コモンズ CC0", "Creative Commons CCZero"),
}


def licence_type(licence_url: str) -> Optional[tuple[str, Text]]:
    """The ADMS licence type of a licence document, or None when we do not know it."""
    if not licence_url:
        return None
    url = licence_url.strip()
    return LICENCE_TYPES.get(url) or LICENCE_TYPES.get(url.rstrip("/") + "/")


# --- the catalog ------------------------------------------------------------------------------

def catalog_title(plan: Plan) -> Text:
    return Text(f"{plan.short_title.ja} オープンデータ", f"{plan.short_title.en} Open Data")


def catalog_description(plan: Plan) -> Text:
    return Text(f"{plan.title.ja}の情報化指針・施策・取組と年度別の進捗をオープンデータとして公開する"
                f"カタログです。",
                f"Open data catalog of the {plan.title.en}: its guidelines, measures, "
                f"initiatives and their yearly progress.")


# --- the plan's concept scheme -----------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Concept:
    iri: str
    notation: str
    pref_label: Text
    broader: Optional[str]  # IRI of the broader concept, None for a guideline (top concept)


@dataclasses.dataclass(frozen=True)
class ConceptScheme:
    iri: str
    title: Text
    concepts: tuple[Concept, ...]

    def concept(self, iri: str) -> Concept:
        for c in self.concepts:
            if c.iri == iri:
                return c
        raise KeyError(iri)

    @property
    def top_concepts(self) -> tuple[Concept, ...]:
        return tuple(c for c in self.concepts if c.broader is None)


def _base(base: str) -> str:
    return base.rstrip("/")


def scheme_iri(base: str, plan: Plan) -> str:
    return f"{_base(base)}/themes/{plan.id}"


def guideline_iri(base: str, plan: Plan, number: int) -> str:
    return f"{scheme_iri(base, plan)}/guideline-{int(number)}"


def measure_iri(base: str, plan: Plan, code: str) -> str:
    return f"{scheme_iri(base, plan)}/measure-{code}"


def concept_scheme(plan: Plan, base: str) -> ConceptScheme:
    """The plan's structure as one SKOS concept scheme: guidelines (notation "1" …) with their
    measures (notation "1-1" …) as narrower concepts."""
    concepts = []
    for g in plan.guidelines:
        g_iri = guideline_iri(base, plan, g.number)
        concepts.append(Concept(g_iri, str(g.number), g.title, None))
        for code in g.measure_codes:
            m = plan.measure(code)
            concepts.append(Concept(measure_iri(base, plan, code), code, m.title, g_iri))
    title = Text(f"{plan.title.ja}の体系（情報化指針・施策）",
                 f"Guidelines and measures of the {plan.title.en}")
    return ConceptScheme(scheme_iri(base, plan), title, tuple(concepts))


def concept_notation(iri: str, base: str, plan: Plan) -> Optional[tuple[str, str]]:
    """``("measure", "1-1")`` or ``("guideline", "1")`` for an IRI of the plan's scheme; None
    for any other IRI."""
    prefix = scheme_iri(base, plan) + "/"
    if not iri.startswith(prefix):
        return None
    rest = iri[len(prefix):]
    m = re.fullmatch(r"measure-([0-9]+-[0-9]+)", rest)
    if m:
        return "measure", m.group(1)
    m = re.fullmatch(r"guideline-([0-9]+)", rest)
    if m:
        return "guideline", m.group(1)
    return None


# --- time --------------------------------------------------------------------------------------

def fiscal_period(start_fiscal_year: int, end_fiscal_year: int) -> tuple[datetime.date, datetime.date]:
    """A run of fiscal years as dates: fiscal years run 1 April to 31 March (地方自治法第208条)."""
    if int(start_fiscal_year) > int(end_fiscal_year):
        raise ValueError(f"fiscal years {start_fiscal_year}..{end_fiscal_year} run backwards")
    return fiscal_year_start(int(start_fiscal_year)), fiscal_year_end(int(end_fiscal_year))


def plan_period(plan: Plan) -> tuple[datetime.date, datetime.date]:
    return fiscal_period(plan.start_fiscal_year, plan.end_fiscal_year)


def fiscal_years_of_period(start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """The inverse of :func:`fiscal_period`; refuses dates that are not fiscal-year bounds."""
    if (start.month, start.day) != (4, 1):
        raise ValueError(f"{start.isoformat()} is not the first day of a fiscal year (1 April)")
    if (end.month, end.day) != (3, 31):
        raise ValueError(f"{end.isoformat()} is not the last day of a fiscal year (31 March)")
    first, last = start.year, end.year - 1
    if first > last:
        raise ValueError(f"{start.isoformat()}..{end.isoformat()} runs backwards")
    return first, last


def parse_date(value: str) -> datetime.date:
    """``2021-04-01`` or ``2021-04-01T00:00:00`` -> a date."""
    return datetime.date.fromisoformat(str(value).strip()[:10])


# --- identifiers -------------------------------------------------------------------------------

def dataset_identifier(name: str) -> str:
    """The ``dct:identifier`` of a dataset: its CKAN name, which the plan model keeps stable
    across plan revisions (``minato-plan``, ``minato-plan-initiative-01`` …). A plain literal,
    never a URL."""
    if not name:
        raise ValueError("a dataset without a name has no identifier")
    return name


def initiative_number(identifier: str, plan_id: str) -> Optional[int]:
    """``minato-plan-initiative-07`` -> 7 (plan ``minato-plan``); None for any other
    identifier."""
    m = re.fullmatch(re.escape(initiative_name_prefix(plan_id)) + r"([0-9]{2,})",
                     identifier or "")
    return int(m.group(1)) if m else None


# --- keywords ----------------------------------------------------------------------------------

def plan_keywords(plan: Plan) -> dict[str, list[str]]:
    return {
        "ja": [plan.municipality_name.ja, plan.short_title.ja, "情報化", "計画"],
        "en": [plan.municipality_name.en, plan.short_title.en, "informatization", "plan"],
    }


def initiative_keywords(plan: Plan, guideline_no: Optional[int],
                        measure_code: Optional[str]) -> dict[str, list[str]]:
    """The ward, the plan, the guideline and the measure, in Japanese and in English."""
    ja = [plan.municipality_name.ja, plan.short_title.ja]
    en = [plan.municipality_name.en, plan.short_title.en]
    if guideline_no:
        ja.append(f"情報化指針{guideline_no}")
        en.append(f"guideline {guideline_no}")
    if measure_code:
        ja.append(f"施策{measure_code}")
        en.append(f"measure {measure_code}")
    return {"ja": ja, "en": en}


# --- resource formats --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class FileType:
    code: str                 # EU file-type authority code, e.g. "CSV"
    media_type: Optional[str]  # IANA media type, e.g. "text/csv"; None when IANA has none
    aliases: tuple[str, ...] = ()

    @property
    def iri(self) -> str:
        return FILE_TYPE_BASE + self.code

    @property
    def media_type_iri(self) -> Optional[str]:
        return IANA_MEDIA_TYPE_BASE + self.media_type if self.media_type else None


# EU "file-type" authority codes with their IANA media types. Aliases are the spellings CKAN
# users type into the format field (CKAN's own format list uses the same names).
FILE_TYPES: tuple[FileType, ...] = (
    FileType("CSV", "text/csv", ("csv", "text/csv")),
    FileType("TSV", "text/tab-separated-values", ("tsv", "tab", "text/tab-separated-values")),
    FileType("JSON", "application/json", ("json", "application/json")),
    FileType("JSON_LD", "application/ld+json", ("json-ld", "jsonld", "json_ld",
                                                "application/ld+json")),
    FileType("GEOJSON", "application/geo+json", ("geojson", "application/geo+json",
                                                 "application/vnd.geo+json")),
    FileType("XML", "application/xml", ("xml", "application/xml", "text/xml")),
    FileType("RDF_XML", "application/rdf+xml", ("rdf", "rdf/xml", "rdf+xml", "rdf_xml",
                                                "application/rdf+xml")),
    FileType("RDF_TURTLE", "text/turtle", ("ttl", "turtle", "rdf_turtle", "text/turtle")),
    FileType("RDF_N_TRIPLES", "application/n-triples", ("nt", "n-triples", "ntriples",
                                                        "application/n-triples")),
    FileType("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
    FileType("XLS", "application/vnd.ms-excel", ("xls", "application/vnd.ms-excel")),
    FileType("ODS", "application/vnd.oasis.opendocument.spreadsheet",
             ("ods", "application/vnd.oasis.opendocument.spreadsheet")),
    FileType("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             ("docx",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document")),
    FileType("DOC", "application/msword", ("doc", "application/msword")),
    FileType("ODT", "application/vnd.oasis.opendocument.text",
             ("odt", "application/vnd.oasis.opendocument.text")),
    FileType("PDF", "application/pdf", ("pdf", "application/pdf")),
    FileType("HTML", "text/html", ("html", "htm", "text/html")),
    FileType("TXT", "text/plain", ("txt", "text", "text/plain")),
    FileType("ZIP", "application/zip", ("zip", "application/zip")),
    FileType("KML", "application/vnd.google-earth.kml+xml",
             ("kml", "application/vnd.google-earth.kml+xml")),
    FileType("KMZ", "application/vnd.google-earth.kmz", ("kmz", "application/vnd.google-earth.kmz")),
    FileType("SHP", None, ("shp", "shapefile", "esri shapefile")),
    FileType("PNG", "image/png", ("png", "image/png")),
    FileType("JPEG", "image/jpeg", ("jpeg", "jpg", "image/jpeg")),
)

_BY_ALIAS = {alias: ft for ft in FILE_TYPES for alias in (ft.code.lower(),) + ft.aliases}
_BY_CODE = {ft.code: ft for ft in FILE_TYPES}


def _lookup(value: str) -> Optional[FileType]:
    v = value.strip()
    if not v:
        return None
    if v.startswith(FILE_TYPE_BASE):
        return _BY_CODE.get(v[len(FILE_TYPE_BASE):])
    if v.startswith(("http://", "https://")) and "/assignments/media-types/" in v:
        v = v.split("/assignments/media-types/", 1)[1]
    v = v.lower().lstrip(".")
    v = v.split(";", 1)[0].strip()  # "text/csv; charset=utf-8"
    found = _BY_ALIAS.get(v)
    if found is None:
        # "CSV (UTF-8)", "csv/zip" …: the first word decides
        first = re.split(r"[\s(/,;_]+", v, maxsplit=1)[0]
        found = _BY_ALIAS.get(first)
    return found


def file_type(format_: Optional[str], mimetype: Optional[str] = None) -> Optional[FileType]:
    """The EU file type of a resource from its CKAN ``format`` (a name such as ``CSV``, an EU
    file-type IRI or a media type) or, failing that, its ``mimetype``; None when unknown."""
    for value in (format_, mimetype):
        if value:
            found = _lookup(str(value))
            if found:
                return found
    return None
