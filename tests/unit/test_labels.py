"""Every way a code or a fiscal year is written for people comes from one module."""
import pytest

from ckanext.minato_plan.domain import labels


@pytest.mark.parametrize("lang, form, expected", [
    ("ja", "short", "令和5年度"), ("ja", "long", "令和5年度（2023年度）"),
    ("ja", "choice", "令和5年度（2023）"), ("en", "short", "FY2023"), ("en", "long", "FY2023"),
    ("en", "choice", "FY2023 (令和5年度)"),
])
def test_fiscal_year_forms(lang, form, expected):
    assert labels.fiscal_year_label(2023, lang, form) == expected


def test_reiwa_years_start_in_2019():
    assert labels.reiwa_label(2019) == "令和1年度"
    assert labels.reiwa_label(2021) == "令和3年度"


def test_an_unknown_form_is_an_error():
    with pytest.raises(ValueError):
        labels.fiscal_year_label(2023, "ja", "medium")


def test_ratings_read_with_their_code():
    assert labels.rating_label("A", "ja") == "A 達成"
    assert labels.rating_label("-", "en") == "- Not rated"
    assert labels.rating_label_dict("B") == {"ja": "B 概ね達成", "en": "B Mostly on plan"}
    assert labels.rating_label("Z", "ja") == "Z"
    assert labels.rating_label_dict("Z") is None


def test_statuses_and_the_overviews_no_record():
    assert labels.status_label("in_progress", "ja") == "実施中"
    assert labels.status_label("in_progress", "en") == "In progress"
    assert labels.status_label(labels.NO_RECORD, "ja") == "記録なし"
    assert labels.status_label(None, "en") == ""
    assert labels.label_dict(labels.STATUSES, "merged") == {"ja": "統合", "en": "Merged"}
    assert labels.label_dict(labels.STATUSES, ["not", "a", "code"]) is None


def test_new_or_continued():
    assert labels.new_or_continued_label("continued", "ja") == "継続"
    assert labels.new_or_continued_label("new", "en") == "New"
