"""Who is reminded to record a fiscal year's progress, and what they read (pure: no CKAN)."""
import datetime

from ckanext.minato_plan.domain import reminders
from ckanext.minato_plan.domain.plan import fiscal_year_of, load_plan

PLAN = load_plan()


def _initiative(number, progress=(), email="", department=None):
    return {"name": f"minato-plan-initiative-{number:02d}", "initiative_no": str(number),
            "title_translated": {"ja": f"取組名{number}", "en": f"Initiative name {number}"},
            "progress": list(progress), "department_email": email,
            "department_translated": department or {}}


def test_the_fiscal_year_turns_on_the_first_of_april():
    assert fiscal_year_of(datetime.date(2026, 3, 31)) == 2025
    assert fiscal_year_of(datetime.date(2026, 4, 1)) == 2026
    assert fiscal_year_of(datetime.date(2027, 1, 15)) == 2026


def test_due_are_the_initiatives_without_a_real_record_of_the_year_by_number():
    initiatives = [
        _initiative(5, [{"fiscal_year": "2026", "status": "in_progress"}]),
        _initiative(12, [{"fiscal_year": 2025, "status": "completed"}]),
        _initiative(3, [{"fiscal_year": 2026, "status": "in_progress", "sample": "true"}]),
    ]
    assert [d.number for d in reminders.due(initiatives, PLAN, 2026)] == [3, 12]
    assert reminders.due(initiatives, PLAN, 2027) == []  # after the plan's period


def test_an_initiative_with_a_draft_of_the_year_is_not_due():
    initiatives = [_initiative(3), _initiative(4), _initiative(12)]
    assert [d.number for d in reminders.due(initiatives, PLAN, 2026, drafted={4})] == [3, 12]


def test_one_message_per_address_and_the_unaddressed_kept_apart():
    items = reminders.due([
        _initiative(1, email="Joho@example.jp"), _initiative(2, email="joho@example.jp"),
        _initiative(3, email="somu@example.jp"), _initiative(4)], PLAN, 2026)
    grouped, unaddressed = reminders.by_address(items)
    assert {a: [d.number for d in ds] for a, ds in grouped.items()} == {
        "Joho@example.jp": [1, 2], "somu@example.jp": [3]}
    assert [d.number for d in unaddressed] == [4]


def test_the_message_names_the_year_the_initiatives_and_their_edit_pages_in_both_languages():
    items = reminders.due([_initiative(32, email="joho@example.jp", department={
        "ja": "情報政策課", "en": "Information Policy Division"})], PLAN, 2026)
    subject, body = reminders.message(items, PLAN, 2026, "https://opendata.example.jp/")
    assert "令和8年度" in subject and "FY2026" in subject and "（1件）" in subject
    assert body.startswith("情報政策課 ご担当者様")
    assert "- 取組32 取組名32\n  https://opendata.example.jp/initiative/edit/minato-plan-initiative-32" in body
    assert "To Information Policy Division:" in body
    assert ("- Initiative 32 Initiative name 32\n"
            "  https://opendata.example.jp/en/initiative/edit/minato-plan-initiative-32") in body
    assert body.index("港区情報化推進計画") < body.index("Informatization")
