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


def test_fiscal_years_are_named_in_their_era():
    assert labels.era_label(2019) == "令和元年度"
    assert labels.era_label(2021) == "令和3年度"
    assert labels.era_label(2018) == "平成30年度"
    assert labels.era_label(2016) == "平成28年度"  # the year a predecessor plan may start
    assert labels.era_label(1989) == "平成元年度"
    assert labels.fiscal_year_label(2016, "ja", "long") == "平成28年度（2016年度）"
    assert labels.fiscal_year_label(2016, "en", "choice") == "FY2016 (平成28年度)"


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
