"""What minato_plan_show and minato_plan_progress_list return (pure, milliseconds)."""
from ckanext.minato_plan.domain import api as hierarchy
from ckanext.minato_plan.domain import records
from ckanext.minato_plan.domain.plan import load_plan


def _initiatives():
    pkgs = records.initiative_dataset_dicts(load_plan())
    pkgs[26]["progress"] = [
        {"fiscal_year": 2022, "status": "in_progress", "rating": "A"},
        {"fiscal_year": 2023, "status": "completed", "rating": "B", "summary_ja": "完了",
         "summary_en": "Done"},
    ]
    pkgs[30]["progress"] = [{"fiscal_year": 2023, "status": "under_study", "rating": "-",
                             "sample": True}]
    return pkgs


def test_plan_hierarchy_nests_guidelines_measures_initiatives_with_current_status():
    shown = hierarchy.plan_hierarchy(_initiatives(), load_plan())
    assert shown["initiative_count"] == 39
    assert [g["number"] for g in shown["guidelines"]] == [1, 2, 3, 4]
    g2 = shown["guidelines"][1]
    assert g2["title"]["ja"] == "情報発信と協働促進に向けた情報化の推進" and g2["title"]["en"]
    measure = g2["measures"][0]
    assert measure["code"] == "2-1"
    assert [i["number"] for i in measure["initiatives"]] == list(range(17, 28))
    i27 = measure["initiatives"][-1]
    assert i27["id"] == "131032JK027" and i27["name"] == "minato-plan-initiative-27"
    assert i27["current"]["fiscal_year"] == 2023
    assert i27["current"]["status_label"] == {"ja": "完了", "en": "Completed"}
    assert i27["current"]["fiscal_year_label"] == {"ja": "令和5年度", "en": "FY2023"}
    assert i27["new_or_continued_label"] == {"ja": "継続", "en": "Continued"}
    assert measure["initiatives"][0]["current"] is None
    counts = shown["current_status_counts"]
    assert (counts["completed"], counts["under_study"], counts["no_record"]) == (1, 1, 37)


def test_progress_list_filters_by_initiative_year_guideline_and_measure():
    pkgs = _initiatives()
    every = hierarchy.progress_list(pkgs, {}, load_plan())
    assert [r["id"] for r in every] == ["131032JK027-2022", "131032JK027-2023",
                                        "131032JK031-2023"]
    assert every[1]["rating_label"] == {"ja": "概ね達成", "en": "Mostly on plan"}
    assert every[2]["sample"] is True
    for given in ({"initiative": "27"}, {"initiative": "minato-plan-initiative-27"},
                  {"initiative": "131032JK027"}, {"initiative": 27}):
        filters, errors = hierarchy.progress_filters(given, load_plan())
        assert not errors and len(hierarchy.progress_list(pkgs, filters, load_plan())) == 2
    filters, _ = hierarchy.progress_filters({"fiscal_year": "2023"}, load_plan())
    assert len(hierarchy.progress_list(pkgs, filters, load_plan())) == 2
    filters, _ = hierarchy.progress_filters({"guideline": 3, "measure": "3-3"}, load_plan())
    assert [r["initiative_no"] for r in hierarchy.progress_list(pkgs, filters, load_plan())] == [31]
    filters, _ = hierarchy.progress_filters({"measure": "1-1"}, load_plan())
    assert hierarchy.progress_list(pkgs, filters, load_plan()) == []


def test_bad_filters_are_refused_with_japanese_and_english_messages():
    _filters, errors = hierarchy.progress_filters(
        {"fiscal_year": "2030", "guideline": "9", "measure": "5-1", "initiative": "40"},
        load_plan())
    assert set(errors) == {"fiscal_year", "guideline", "measure", "initiative"}
    assert "年度は2021" in errors["fiscal_year"][0]
    assert "Fiscal year must be between 2021 and 2026 (got 2030)" in errors["fiscal_year"][0]
    assert "Initiative number must be between 1 and 39 (got 40)" in errors["initiative"][0]
