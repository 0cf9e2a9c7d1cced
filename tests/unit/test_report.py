"""The committee's annual progress report (pure, no CKAN)."""
import pytest

from ckanext.minato_plan.domain import labels, report
from support.plan_names import by_number


def _with_progress(initiatives):
    by_number(initiatives, 1)["progress"] = [
        {"fiscal_year": 2023, "status": "in_progress", "rating": "B"},
        {"fiscal_year": 2024, "status": "completed", "rating": "A",
         "summary_ja": "全手続をオンライン化した", "summary_en": "Every procedure is online",
         "challenges_ja": "高齢者の利用", "next_steps_en": "Support at the counters",
         "evidence_urls": "https://a.example/report.pdf"},
    ]
    by_number(initiatives, 2)["progress"] = [
        {"fiscal_year": 2023, "status": "in_progress", "rating": "B"},
        {"fiscal_year": 2024, "status": "in_progress", "rating": "B"},
    ]
    # package_search may hand repeating fields over as JSON text
    by_number(initiatives, 30)["progress"] = (
        '[{"fiscal_year": "2024", "status": "under_study", "rating": "C", "sample": "true"}]')
    by_number(initiatives, 1)["indicators"] = [
        {"name_ja": "オンライン申請件数", "name_en": "Online applications", "unit": "件",
         "baseline": "100", "baseline_fiscal_year": "2020"}]
    by_number(initiatives, 1)["indicator_values"] = [
        {"indicator": 1, "fiscal_year": 2024, "target": "300", "actual": "320"},
        {"indicator": 1, "fiscal_year": 2023, "target": "250", "actual": "240"}]
    by_number(initiatives, 1)["metadata_modified"] = "2025-05-20T01:02:03.456789"
    by_number(initiatives, 2)["metadata_modified"] = "2025-04-30T09:00:00"
    return initiatives


def test_every_initiative_is_in_its_guideline_and_measure(plan, initiatives):
    data = report.build_report(plan, reversed(initiatives), 2024)
    assert data.count == 39 and data.recorded == 0
    assert [g.guideline.number for g in data.guidelines] == [1, 2, 3, 4]
    assert [len(g.initiatives) for g in data.guidelines] == [16, 11, 8, 4]
    assert [i.number for i in data.guidelines[0].measures[0].initiatives][:3] == [1, 2, 3]
    assert data.status_counts[labels.NO_RECORD] == 39
    assert data.rating_counts == {"A": 0, "B": 0, "C": 0, "-": 0, labels.NOT_RATED: 39}
    assert data.data_as_of is None


def test_counts_and_values_are_of_the_report_year(plan, initiatives):
    data = report.build_report(plan, _with_progress(initiatives), 2024)
    assert data.recorded == 3 and data.has_sample
    assert data.status_counts["completed"] == 1 and data.status_counts["in_progress"] == 1
    assert data.status_counts["under_study"] == 1 and data.status_counts[labels.NO_RECORD] == 36
    assert data.rating_counts["A"] == 1 and data.rating_counts["B"] == 1
    assert data.rating_counts["C"] == 1 and data.rating_counts[labels.NOT_RATED] == 36
    first = data.guidelines[0]
    assert first.status_counts["completed"] == 1 and first.rating_counts["B"] == 1
    assert dict(data.by_guideline)[3]["under_study"] == 1
    item = first.measures[0].initiatives[0]
    assert (item.status, item.rating, item.previous_status, item.previous_rating) == (
        "completed", "A", "in_progress", "B")
    assert item.summary == {"ja": "全手続をオンライン化した", "en": "Every procedure is online"}
    assert item.narrative["challenges"] == {"ja": "高齢者の利用", "en": ""}
    assert item.narrative["next_steps"]["en"] == "Support at the counters"
    assert item.narrative["evidence"] == ["https://a.example/report.pdf"]
    (line,) = item.indicators
    assert line.name["en"] == "Online applications" and line.unit == "件"
    assert (line.baseline, line.baseline_fiscal_year) == ("100", "2020")
    assert (line.target, line.actual, line.previous_actual) == ("300", "320", "240")
    assert str(line.achievement.percent) == "110.0" and line.achievement.judgement == "A"
    assert data.data_as_of == "2025-05-20"


def test_changes_list_status_or_rating_changes_and_first_records(plan, initiatives):
    data = report.build_report(plan, _with_progress(initiatives), 2024)
    assert [i.number for i in data.changes] == [1, 30]
    first, thirtieth = data.changes
    assert first.change == report.Change(status=True, rating=True, first_record=False)
    assert thirtieth.change.first_record and thirtieth.previous_status == labels.NO_RECORD
    unchanged = by_number(initiatives, 2)
    assert report.report_initiative(plan, unchanged, 2024).change is None


def test_the_plans_first_year_compares_with_nothing(plan, initiatives):
    data = report.build_report(plan, _with_progress(initiatives), plan.start_fiscal_year)
    assert data.previous_fiscal_year is None and data.changes == []
    assert data.recorded == 0


def test_a_year_outside_the_plan_has_no_report(plan, initiatives):
    with pytest.raises(ValueError):
        report.build_report(plan, initiatives, plan.end_fiscal_year + 1)
    with pytest.raises(ValueError):
        report.build_report(plan, initiatives, plan.start_fiscal_year - 1)


def test_reportable_years_stop_at_the_current_one(plan):
    assert report.report_fiscal_years(plan, 2023) == (2021, 2022, 2023)
    assert report.report_fiscal_years(plan, 2030) == plan.fiscal_years
    assert report.report_fiscal_years(plan, 2020) == ()


def test_the_default_year_is_the_newest_with_records(plan, initiatives):
    assert report.default_fiscal_year(plan, initiatives, 2025) == 2025
    assert report.default_fiscal_year(plan, initiatives, 2030) == plan.end_fiscal_year
    assert report.default_fiscal_year(plan, initiatives, 2020) is None
    assert report.default_fiscal_year(plan, _with_progress(initiatives), 2025) == 2024


def test_unknown_ratings_count_as_not_rated():
    assert report.count_ratings(["A", None, "Z", "-"]) == {
        "A": 1, "B": 0, "C": 0, "-": 1, labels.NOT_RATED: 2}


def test_an_initiative_without_a_rating_is_named_so_in_both_languages(plan, initiatives):
    item = report.report_initiative(plan, by_number(initiatives, 3), 2024)
    assert item.rating == item.previous_rating == labels.NOT_RATED
    assert labels.rating_label(item.rating, "ja") == "評価なし"
    assert labels.rating_label(item.rating, "en") == "No rating"
