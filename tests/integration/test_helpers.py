"""Template helpers: select choices come from the plan model; ja/en values fall back."""
import pytest

from ckanext.minato_plan import helpers


def test_measure_choices_follow_the_plan():
    choices = helpers.minato_measure_choices()
    assert [c["value"] for c in choices] == ["1-1", "1-2", "2-1", "3-1", "3-2", "3-3", "4-1", "4-2"]
    assert choices[3]["label"]["ja"] == "3-1 デジタル社会に向けたデータ利活用の推進"
    assert choices[3]["label"]["en"].startswith("3-1 ")


def test_fiscal_year_choices_show_reiwa_and_western_years():
    choices = helpers.minato_fiscal_year_choices()
    assert [c["value"] for c in choices] == [2021, 2022, 2023, 2024, 2025, 2026]
    assert choices[0]["label"] == {"ja": "令和3年度（2021）", "en": "FY2021 (令和3年度)"}


def test_status_and_rating_choices_are_the_scales():
    assert [c["value"] for c in helpers.minato_status_choices()] == [
        "not_started", "under_study", "in_progress", "completed", "merged", "suspended"]
    assert [c["label"]["ja"] for c in helpers.minato_rating_choices()] == [
        "A 達成", "B 概ね達成", "C 達成が不十分", "- 評価対象外"]


@pytest.mark.parametrize("value, lang, expected", [
    ({"ja": "港区", "en": "Minato City"}, "en", "Minato City"),
    ({"ja": "港区", "en": "Minato City"}, "ja", "港区"),
    ({"ja": "港区"}, "en", "港区"),
    ({"en": "Minato City"}, "ja", "Minato City"),
    ('{"ja": "港区", "en": "Minato City"}', "en", "Minato City"),
    (None, "en", ""),
])
def test_translated_value_in_language_with_fallback(value, lang, expected):
    assert helpers.minato_translated(value, lang) == expected
