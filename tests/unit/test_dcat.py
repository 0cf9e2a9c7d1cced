"""The DCAT mapping of the plan (pure: no CKAN, no RDF): concept scheme, fiscal-year periods,
identifiers, keywords, resource formats and licence types."""
import datetime

import pytest

from ckanext.minato_plan.domain import dcat as mapping
from ckanext.minato_plan.domain.plan import load_plan

BASE = "https://opendata.example.jp/"


@pytest.fixture(scope="module")
def scheme():
    return mapping.concept_scheme(load_plan(), BASE)


def test_scheme_has_the_4_guidelines_and_8_measures(scheme):
    assert scheme.iri == "https://opendata.example.jp/themes/minato-plan"
    assert [c.notation for c in scheme.top_concepts] == ["1", "2", "3", "4"]
    measures = [c for c in scheme.concepts if c.broader]
    assert [c.notation for c in measures] == ["1-1", "1-2", "2-1", "3-1", "3-2", "3-3", "4-1",
                                              "4-2"]


def test_measures_are_narrower_than_their_guideline_and_labelled_in_ja_and_en(scheme):
    m = scheme.concept(mapping.measure_iri(BASE, load_plan(), "3-2"))
    assert m.broader == mapping.guideline_iri(BASE, load_plan(), 3)
    assert "5G" in m.pref_label.ja and "5G" in m.pref_label.en
    g = scheme.concept(m.broader)
    assert g.pref_label.ja == "効率的な区政運営のための情報化の推進"
    assert all(c.pref_label.ja and c.pref_label.en for c in scheme.concepts)
    assert scheme.title.ja.startswith("港区情報化推進計画") and scheme.title.en


def test_concept_iris_read_back_to_notations():
    plan = load_plan()
    assert mapping.concept_notation(mapping.measure_iri(BASE, plan, "1-2"), BASE, plan) == (
        "measure", "1-2")
    assert mapping.concept_notation(mapping.guideline_iri(BASE, plan, 4), BASE, plan) == (
        "guideline", "4")
    assert mapping.concept_notation("https://other.example/themes/minato-plan/measure-1-2",
                                    BASE, plan) is None


def test_fiscal_years_run_from_1_april_to_31_march():
    assert mapping.fiscal_period(2021, 2021) == (datetime.date(2021, 4, 1),
                                                 datetime.date(2022, 3, 31))
    assert mapping.plan_period(load_plan()) == (datetime.date(2021, 4, 1),
                                                datetime.date(2027, 3, 31))
    with pytest.raises(ValueError, match="backwards"):
        mapping.fiscal_period(2024, 2023)


def test_period_reads_back_to_fiscal_years_and_refuses_other_dates():
    assert mapping.fiscal_years_of_period(datetime.date(2021, 4, 1),
                                          datetime.date(2027, 3, 31)) == (2021, 2026)
    with pytest.raises(ValueError, match="1 April"):
        mapping.fiscal_years_of_period(datetime.date(2021, 1, 1), datetime.date(2027, 3, 31))
    with pytest.raises(ValueError, match="31 March"):
        mapping.fiscal_years_of_period(datetime.date(2021, 4, 1), datetime.date(2026, 12, 31))
    assert mapping.parse_date("2021-04-01T00:00:00") == datetime.date(2021, 4, 1)


def test_identifiers_are_the_stable_dataset_names():
    assert mapping.dataset_identifier("minato-plan-initiative-07") == "minato-plan-initiative-07"
    assert mapping.initiative_number("minato-plan-initiative-07", "minato-plan") == 7
    assert mapping.initiative_number("minato-plan", "minato-plan") is None
    with pytest.raises(ValueError):
        mapping.dataset_identifier("")


def test_keywords_come_in_japanese_and_english():
    words = mapping.initiative_keywords(load_plan(), 1, "1-2")
    assert words == {"ja": ["港区", "港区情報化推進計画", "情報化指針1", "施策1-2"],
                     "en": ["Minato City", "Minato City Informatization Promotion Plan",
                            "guideline 1", "measure 1-2"]}
    plan_words = mapping.plan_keywords(load_plan())
    assert "港区" in plan_words["ja"] and "Minato City" in plan_words["en"]


@pytest.mark.parametrize("fmt, mimetype, code, media_type", [
    ("CSV", None, "CSV", "text/csv"),
    ("csv", "", "CSV", "text/csv"),
    (".json", None, "JSON", "application/json"),
    ("CSV (Shift_JIS)", None, "CSV", "text/csv"),
    ("text/csv", None, "CSV", "text/csv"),
    ("http://publications.europa.eu/resource/authority/file-type/XLSX", None, "XLSX",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("https://www.iana.org/assignments/media-types/application/ld+json", None, "JSON_LD",
     "application/ld+json"),
    ("", "application/json; charset=utf-8", "JSON", "application/json"),
    ("Turtle", None, "RDF_TURTLE", "text/turtle"),
    ("SHP", None, "SHP", None),
])
def test_formats_map_to_eu_file_types_and_iana_media_types(fmt, mimetype, code, media_type):
    ft = mapping.file_type(fmt, mimetype)
    assert ft.code == code
    assert ft.iri == f"http://publications.europa.eu/resource/authority/file-type/{code}"
    assert ft.media_type == media_type
    if media_type:
        assert ft.media_type_iri == f"https://www.iana.org/assignments/media-types/{media_type}"


def test_unknown_formats_map_to_nothing():
    assert mapping.file_type("FOO") is None
    assert mapping.file_type("", None) is None
    assert mapping.file_type("http://publications.europa.eu/resource/authority/file-type/NOPE") is None


def test_licence_types():
    assert mapping.licence_type("https://creativecommons.org/licenses/by/4.0/")[0] == (
        "http://purl.org/adms/licencetype/Attribution")
    assert mapping.licence_type("https://creativecommons.org/licenses/by/4.0")[0].endswith(
        "Attribution")
    assert mapping.licence_type("http://www.opendefinition.org/licenses/cc-by") is None
