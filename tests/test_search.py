"""What an API user finds through package_search once the plan is loaded (real Solr)."""
import pytest

from ckan.plugins import toolkit as tk


def _search(**params):
    return tk.get_action("package_search")({}, params)


def _facet(result, field):
    return {item["name"]: item["count"] for item in result["search_facets"][field]["items"]}


@pytest.mark.usefixtures("loaded_plan")
class TestPlanSearch:

    def test_all_initiatives_are_found(self):
        assert _search(fq="dataset_type:initiative", rows=0)["count"] == 39
        assert _search(fq="dataset_type:plan", rows=0)["count"] == 1

    def test_guideline_facet_counts(self):
        result = _search(fq="dataset_type:initiative", rows=0,
                         **{"facet.field": ["guideline_no", "new_or_continued",
                                            "measure_code"]})
        assert _facet(result, "guideline_no") == {"1": 16, "2": 11, "3": 8, "4": 4}
        assert _facet(result, "new_or_continued") == {"new": 21, "continued": 18}
        assert _facet(result, "measure_code") == {
            "1-1": 5, "1-2": 11, "2-1": 11, "3-1": 2, "3-2": 1, "3-3": 5, "4-1": 2, "4-2": 2}

    def test_filter_by_guideline(self):
        result = _search(fq="guideline_no:2", rows=100)
        assert sorted(r["initiative_no"] for r in result["results"]) == list(range(17, 28))

    def test_filter_by_measure_and_type(self):
        result = _search(fq='measure_code:"3-3" AND new_or_continued:new', rows=100)
        assert sorted(r["initiative_no"] for r in result["results"]) == [32, 34]

    def test_group_facet_matches_guidelines(self):
        result = _search(fq="dataset_type:initiative", rows=0, **{"facet.field": ["groups"]})
        assert _facet(result, "groups") == {"guideline-1": 16, "guideline-2": 11,
                                            "guideline-3": 8, "guideline-4": 4}

    def test_english_title_is_searchable(self):
        result = _search(q="telework", rows=10)
        assert [r["name"] for r in result["results"]] == ["minato-plan-initiative-32"]

    def test_results_carry_the_contract_fields(self):
        result = _search(fq="initiative_no:27", rows=1)["results"][0]
        assert result["title_translated"] == {"ja": "オープンデータ活用の推進",
                                              "en": "Promotion of open data use"}
        assert (result["guideline_no"], result["measure_code"], result["plan_page"]) == (
            2, "2-1", 76)
