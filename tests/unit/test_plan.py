"""The plan's facts, as residents and API users read them (pure: no CKAN)."""
import datetime

import pytest

from ckanext.minato_plan.domain import labels
from ckanext.minato_plan.domain import plan as plan_model


@pytest.fixture(scope="module")
def plan():
    return plan_model.load_plan()


def test_structure_counts(plan):
    assert len(plan.guidelines) == 4
    assert len(plan.measures) == 8
    assert len(plan.initiatives) == 39


def test_new_and_continued_counts(plan):
    continued = {i.number for i in plan.initiatives if i.new_or_continued == "continued"}
    assert continued == {1, 3, 6, 14, 15, 16, 17, 18, 25, 27, 29, 31, 33, 35, 36, 37, 38, 39}
    assert len(plan.initiatives) - len(continued) == 21


@pytest.mark.parametrize("code, guideline, numbers", [
    ("1-1", 1, range(1, 6)),
    ("1-2", 1, range(6, 17)),
    ("2-1", 2, range(17, 28)),
    ("3-1", 3, range(28, 30)),
    ("3-2", 3, range(30, 31)),
    ("3-3", 3, range(31, 36)),
    ("4-1", 4, range(36, 38)),
    ("4-2", 4, range(38, 40)),
])
def test_measure_membership(plan, code, guideline, numbers):
    measure = plan.measure(code)
    assert measure.guideline_no == guideline
    assert measure.initiative_numbers == tuple(numbers)
    for n in numbers:
        assert plan.initiative(n).measure_code == code
        assert plan.initiative(n).guideline_no == guideline


def test_initiatives_per_guideline(plan):
    per = {g.number: sum(1 for i in plan.initiatives if i.guideline_no == g.number)
           for g in plan.guidelines}
    assert per == {1: 16, 2: 11, 3: 8, 4: 4}


def test_ambiguous_rows_follow_the_decisions(plan):
    assert plan.initiative(27).measure_code == "2-1"
    assert plan.initiative(29).measure_code == "3-1"
    assert plan.initiative(28).plan_page is None
    assert plan.initiative(8).plan_page == plan.initiative(9).plan_page == 56
    assert plan.initiative(18).title.ja == "デジタルを活用した観光情報の発信"
    assert any(c.initiative_no == 18 and "活用活用" in c.printed for c in plan.corrections)


def test_pages_as_printed(plan):
    pages = {i.number: i.plan_page for i in plan.initiatives}
    assert pages[1] == 48 and pages[39] == 92 and pages[27] == 76 and pages[30] == 79
    assert [n for n, p in pages.items() if p is None] == [28]
    printed = [p for p in pages.values() if p is not None]
    assert printed == sorted(printed), "pages rise with the initiative numbers"


def test_every_title_is_bilingual(plan):
    for item in plan.guidelines + plan.measures + plan.initiatives:
        assert item.title.ja and item.title.en
        assert item.title.ja != item.title.en


def test_period_halves_and_review(plan):
    assert (plan.start_fiscal_year, plan.end_fiscal_year) == (2021, 2026)
    assert plan.start_date == datetime.date(2021, 4, 1)
    assert plan.end_date == datetime.date(2027, 3, 31)
    assert [(h.name.ja, h.start_fiscal_year, h.end_fiscal_year) for h in plan.halves] == [
        ("前期", 2021, 2023), ("後期", 2024, 2026)]
    assert plan.review_fiscal_year == 2023


def test_previous_plan_projects(plan):
    assert plan.previous_projects == {"total": 27, "completed": 3, "continued": 18, "merged": 6}


def test_reiwa_labels():
    assert labels.era_label(2021) == "令和3年度"
    assert labels.era_label(2026) == "令和8年度"
    assert labels.fiscal_year_label(2023, "en") == "FY2023"
    assert plan_model.fiscal_year_end(2021) == datetime.date(2022, 3, 31)


def test_initiative_names_are_stable_identifiers(plan):
    assert plan.initiative(1).name == "minato-plan-initiative-01"
    assert plan.initiative(39).name == "minato-plan-initiative-39"


def test_notes_state_place_in_plan_without_invention(plan):
    notes = plan_model.initiative_notes(plan, plan.initiative(28))
    assert "取組28" in notes.ja and "施策3-1" in notes.ja and "不明" in notes.ja
    assert "measure 3-1" in notes.en and "unknown" in notes.en


def test_inconsistent_data_is_rejected():
    from ckanext.minato_plan.domain import plan_file

    raw = plan_file.read(plan_file.embedded_text())
    raw["guidelines"][0]["measures"][0]["initiatives"][0]["number"] = 2
    with pytest.raises(plan_file.PlanFileError, match="without gaps"):
        plan_model.parse_plan(raw)
    raw = plan_file.read(plan_file.embedded_text())
    del raw["guidelines"][1]["measures"][0]["title"]["en"]
    with pytest.raises(plan_file.PlanFileError, match="title.en"):
        plan_model.parse_plan(raw)

@pytest.mark.parametrize("day, status", [
    (datetime.date(2021, 3, 31), "upcoming"),
    (datetime.date(2021, 4, 1), "current"),
    (datetime.date(2026, 12, 2), "current"),
    (datetime.date(2027, 3, 31), "current"),
    (datetime.date(2027, 4, 1), "ended"),
])
def test_the_plans_status_follows_its_period(plan, day, status):
    assert plan.status(day) == status
    assert status in plan_model.PLAN_STATUSES


def test_the_day_is_the_day_in_japan():
    # 15:00 UTC on 31 March is already 1 April in Japan: the new fiscal year has begun
    late = datetime.datetime(2027, 3, 31, 15, 0, tzinfo=datetime.timezone.utc)
    assert plan_model.today_in_japan(late) == datetime.date(2027, 4, 1)
    assert plan_model.load_plan().status(plan_model.today_in_japan(late)) == "ended"
