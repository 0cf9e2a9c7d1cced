"""Round trip: ckanext-dcat's RDF parser with our profile reads the served catalog back into
CKAN dicts, and titles (ja/en), identifiers, themes, temporal coverage and series membership
come back as the plan states them."""
import pytest

from ckanext.minato_plan.domain import records
from ckanext.minato_plan.domain.plan import load_plan

from .conftest import ORDINARY_DATASETS, PLAN_DATASETS


def _parse(text, fmt="ttl"):
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=["minato_plan_dcat_ap_3"], dataset_type="initiative")
    parser.parse(text, _format=fmt)
    return {d["name"]: d for d in parser.datasets()}


@pytest.fixture
def parsed(dcat_outputs, with_plugins):
    return _parse(dcat_outputs.catalog_ttl)


def test_every_dataset_comes_back(parsed):
    assert len(parsed) == PLAN_DATASETS + len(ORDINARY_DATASETS)
    assert sorted(n for n, d in parsed.items() if d.get("type") not in ("initiative", "plan")) \
        == ORDINARY_DATASETS
    assert [d["type"] for d in parsed.values()].count("initiative") == 39
    assert parsed["minato-plan"]["type"] == "plan"


def test_initiatives_come_back_equal(parsed):
    for expected in records.initiative_dataset_dicts(load_plan()):
        got = parsed[expected["name"]]
        assert got["title_translated"] == expected["title_translated"], expected["name"]
        assert got["title"] == expected["title"]
        assert got["notes_translated"] == expected["notes_translated"]
        assert (got["initiative_no"], got["guideline_no"], got["measure_code"]) == (
            expected["initiative_no"], expected["guideline_no"], expected["measure_code"])
        assert (got["period_start"], got["period_end"]) == ("2021-04-01", "2027-03-31")
        assert (got["start_fiscal_year"], got["end_fiscal_year"]) == (2021, 2026)
        assert got["in_series"] == ["minato-plan"]


def test_the_plan_comes_back_as_the_series(parsed):
    expected = records.plan_dataset_dict(load_plan())
    got = parsed["minato-plan"]
    assert got["title_translated"] == expected["title_translated"]
    assert (got["period_start"], got["period_end"]) == (expected["period_start"],
                                                        expected["period_end"])
    assert (got["start_fiscal_year"], got["end_fiscal_year"]) == (
        expected["start_fiscal_year"], expected["end_fiscal_year"])
    assert "in_series" not in got
    assert got["license_id"] == "CC-BY-4.0"  # from the distributions' licence


def test_a_dataset_graph_in_json_ld_comes_back_too(dcat_outputs, with_plugins):
    got = _parse(dcat_outputs.dataset_jsonld["minato-plan-initiative-18"], "jsonld")
    initiative = got["minato-plan-initiative-18"]
    assert initiative["title_translated"]["ja"] == "デジタルを活用した観光情報の発信"
    assert initiative["measure_code"] == "2-1"
    assert initiative["in_series"] == ["minato-plan"]
    # the series an initiative points to is described, not parsed as a dataset of its own
    assert list(got) == ["minato-plan-initiative-18"]
