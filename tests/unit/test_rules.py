"""Field rules and their bilingual messages (pure: no CKAN)."""
import pytest

from ckanext.minato_plan.domain import rules
from ckanext.minato_plan.domain.plan import load_plan

PLAN = load_plan()


@pytest.mark.parametrize("value, expected", [(2021, 2021), ("2026", 2026), ("２０２３", 2023)])
def test_fiscal_year_accepts_plan_years(value, expected):
    assert rules.fiscal_year(value, PLAN) == expected


@pytest.mark.parametrize("value", [2020, 2027, "R3", "", "2021.5", True])
def test_fiscal_year_rejects_others_in_both_languages(value):
    with pytest.raises(rules.FieldError) as err:
        rules.fiscal_year(value, PLAN)
    assert "年度" in err.value.ja and "Fiscal year" in err.value.en
    assert str(err.value) == f"{err.value.ja} / {err.value.en}"


def test_fiscal_year_message_names_the_range():
    with pytest.raises(rules.FieldError) as err:
        rules.fiscal_year(2030, PLAN)
    assert "2021" in err.value.en and "2026" in err.value.en and "2030" in err.value.en
    assert "令和3年度" in err.value.ja and "令和8年度" in err.value.ja


@pytest.mark.parametrize("value, code", [("in_progress", "in_progress"), ("実施中", "in_progress"),
                                         ("Completed", "completed"), (" 中止 ", "suspended")])
def test_status_accepts_codes_and_labels(value, code):
    assert rules.status(value) == code


def test_status_rejects_unknown_with_choices_listed():
    with pytest.raises(rules.FieldError) as err:
        rules.status("done")
    assert "in_progress" in err.value.en and "実施中" in err.value.ja and "'done'" in err.value.en


@pytest.mark.parametrize("value, code", [("A", "A"), ("概ね達成", "B"), ("-", "-"),
                                         ("behind plan", "C")])
def test_rating_scale(value, code):
    assert rules.rating(value) == code


def test_rating_rejects_d():
    with pytest.raises(rules.FieldError, match="Rating must be one of"):
        rules.rating("D")


def test_initiative_guideline_measure_ranges():
    assert rules.initiative_no("39", PLAN) == 39
    with pytest.raises(rules.FieldError, match="between 1 and 39"):
        rules.initiative_no(40, PLAN)
    assert rules.guideline_no(4, PLAN) == 4
    with pytest.raises(rules.FieldError, match="between 1 and 4"):
        rules.guideline_no(5, PLAN)
    assert rules.measure_code("3－3", PLAN) == "3-3"
    with pytest.raises(rules.FieldError, match="Measure code must be one of"):
        rules.measure_code("3-4", PLAN)


def test_plan_page_optional_and_positive():
    assert rules.plan_page("") is None
    assert rules.plan_page(None) is None
    assert rules.plan_page("48") == 48
    with pytest.raises(rules.FieldError, match="positive"):
        rules.plan_page(0)


def test_measure_must_belong_to_guideline():
    rules.measure_in_guideline("2-1", 2, PLAN)
    with pytest.raises(rules.FieldError) as err:
        rules.measure_in_guideline("2-1", 3, PLAN)
    assert "施策2-1は情報化指針3に属していません" in err.value.ja
    assert "Measure 2-1 does not belong to guideline 3" in err.value.en


def test_duplicate_fiscal_years_point_at_the_repeat():
    problems = rules.duplicate_fiscal_years([2021, 2022, 2021, 2023, 2022])
    assert [index for index, _err in problems] == [2, 4]
    assert "entry 1" in problems[0][1].en


@pytest.mark.parametrize("value", ["¹", "٣", "2٠21", "²⁰²¹"])
def test_non_ascii_digits_are_a_clear_error_not_a_crash(value):
    with pytest.raises(rules.FieldError, match="whole number"):
        rules.fiscal_year(value, PLAN)


def test_indicator_values_name_an_existing_indicator_once_per_year_with_a_value():
    entries = [{"indicator": 1, "fiscal_year": 2023, "target": "5"},
               {"indicator": 3, "fiscal_year": 2023, "target": "5"},          # no indicator 3
               {"indicator": 1, "fiscal_year": 2023, "actual": "4"},          # 1 / 2023 twice
               {"indicator": 2, "fiscal_year": 2024, "target": "", "actual": None}]  # no value
    problems = [(i, field, str(err)) for i, field, err in
                rules.indicator_value_problems(entries, indicator_count=2)]
    assert [(i, field) for i, field, _ in problems] == [
        (1, "indicator"), (2, "fiscal_year"), (3, "target")]
    assert "指標3はありません" in problems[0][2] and "no indicator 3" in problems[0][2]
    assert "1件目" in problems[1][2] and "already entry 1" in problems[1][2]
    assert "Give a target, an actual value or both" in problems[2][2]
    assert rules.indicator_value_problems(entries[:1], indicator_count=1) == []


@pytest.mark.parametrize("value, expected", [
    ("joho@example.jp", "joho@example.jp"), (" mailto:joho@example.jp ", "joho@example.jp"),
    ("", None), (None, None)])
def test_department_email_is_an_address_or_nothing(value, expected):
    assert rules.email(value) == expected


@pytest.mark.parametrize("value", ["joho", "joho@example", "a b@example.jp", "a@@example.jp",
                                   "情報政策課 <joho@example.jp>", "x" * 250 + "@example.jp"])
def test_department_email_refuses_what_is_no_address_in_both_languages(value):
    with pytest.raises(rules.FieldError) as err:
        rules.email(value)
    assert "メールアドレスの形式ではありません" in str(err.value)
    assert "Not an e-mail address" in str(err.value)


@pytest.mark.parametrize("value, expected", [
    ("", ""), (None, ""), ("https://www.city.minato.tokyo.jp/a.html", "https://www.city.minato.tokyo.jp/a.html"),
    ("http://a.example/x?y=1#z\r\n\u3000https://b.example/ http://a.example/x?y=1#z",
     "http://a.example/x?y=1#z\nhttps://b.example/"),
    (["https://a.example/1", " ", "https://a.example/2"], "https://a.example/1\nhttps://a.example/2")])
def test_evidence_links_are_web_addresses_one_per_line_without_repeats(value, expected):
    assert rules.evidence_urls(value) == expected


@pytest.mark.parametrize("value", ["ftp://a.example/x", "a.example/x", "https://", "mailto:a@b.jp",
                                   "javascript:alert(1)", "https://a.example/<script>",
                                   "https://a.example/" + "x" * 2000, {"url": "https://a.example"}])
def test_evidence_links_refuse_what_is_no_web_address_in_both_languages(value):
    with pytest.raises(rules.FieldError) as err:
        rules.evidence_urls(value)
    assert "根拠資料のURL" in err.value.ja and "vidence link" in err.value.en


def test_evidence_links_are_limited_in_number():
    links = " ".join(f"https://a.example/{n}" for n in range(rules.EVIDENCE_MAX_LINKS + 1))
    with pytest.raises(rules.FieldError) as err:
        rules.evidence_urls(links)
    assert f"上限{rules.EVIDENCE_MAX_LINKS}件" in err.value.ja
    assert f"at most {rules.EVIDENCE_MAX_LINKS}" in err.value.en


def test_indicator_kind_and_direction_take_codes_or_labels_and_name_the_choices():
    assert rules.indicator_kind("成果指標") == "outcome" and rules.indicator_kind("Output") == "output"
    assert rules.indicator_direction("lower") == "lower"
    assert rules.indicator_direction("高いほど良い") == "higher"
    with pytest.raises(rules.FieldError) as err:
        rules.indicator_kind("impact")
    assert "活動指標" in err.value.ja and "output (Output)" in err.value.en


@pytest.mark.parametrize("value, expected", [
    ("2025-03-31", "2025-03-31"), ("2025/3/1", "2025-03-01"), ("２０２５－０３－３１", "2025-03-31")])
def test_as_of_dates_are_stored_as_iso_dates(value, expected):
    assert rules.as_of_date(value) == expected


@pytest.mark.parametrize("value", ["2025-02-30", "令和7年3月31日", "31/03/2025", "2025-3"])
def test_an_as_of_date_that_is_no_date_is_refused_in_both_languages(value):
    with pytest.raises(rules.FieldError) as err:
        rules.as_of_date(value)
    assert "年-月-日" in err.value.ja and "year-month-day" in err.value.en
