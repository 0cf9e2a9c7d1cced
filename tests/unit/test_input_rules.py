"""The input rules shared by the API, the forms and the upload (domain/rules.py, domain/text.py):
free text without control or invisible format characters and of bounded length, finite
numbers, strict yes/no values, bounded lists."""
import json

import pytest

from ckanext.minato_plan.domain import rules, text
from ckanext.minato_plan.domain.plan import load_plan

PLAN = load_plan()


@pytest.mark.parametrize("value, code, kind_ja, kind_en, position", [
    ("NUL\x00here", "U+0000 NUL", "制御文字", "a control character", 4),
    ("bell\x07", "U+0007 BEL", "制御文字", "a control character", 5),
    ("del\x7f", "U+007F DEL", "制御文字", "a control character", 4),
    ("c1\x85", "U+0085 C1", "制御文字", "a control character", 3),
    ("本文\ufeffの途中", "U+FEFF", "BOM", "BYTE ORDER MARK", 3),
    ("abc\u202edcba", "U+202E RIGHT-TO-LEFT OVERRIDE", "表示方向", "direction", 4),
    ("\u202aembedded", "U+202A LEFT-TO-RIGHT EMBEDDING", "表示方向", "direction", 1),
    ("x\u2066isolate\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE", "表示方向", "direction", 2),
    ("end\u2069", "U+2069 POP DIRECTIONAL ISOLATE", "表示方向", "direction", 4),
    ("lone\ud800", "U+D800", "文字ではない", "not a character", 5),
    ("\uffff", "U+FFFF", "文字ではない", "not a character", 1),
])
def test_refused_characters_are_named_with_the_field_and_position(value, code, kind_ja,
                                                                   kind_en, position):
    with pytest.raises(rules.FieldError) as err:
        rules.free_text(value, 4000, "実績の概要（日本語）", "Summary (Japanese)")
    assert err.value.ja.startswith("実績の概要（日本語）に使えない文字 ")
    assert err.value.en.startswith("Summary (Japanese) contains ")
    assert code in err.value.ja and code in err.value.en
    assert kind_ja in err.value.ja and kind_en in err.value.en
    assert f"（{position}文字目）" in err.value.ja and f"at character {position}," in err.value.en


@pytest.mark.parametrize("value", [
    "行1\n行2\r\n\tタブ", "日本語と English、①②、髙橋、𠮷野家", "عربي שלום (RTL letters)",
    "zero\u200bwidth space and \u200e marks", "", "x" * 4000])
def test_ordinary_text_passes_unchanged(value):
    assert rules.free_text(value, 4000) == value


def test_length_is_bounded_in_characters_not_bytes():
    assert rules.free_text("あ" * 10, 10) == "あ" * 10
    with pytest.raises(rules.FieldError) as err:
        rules.free_text("あ" * 1_000_000, 4000, "実績の概要（英語）", "Summary (English)")
    assert err.value.ja == "実績の概要（英語）が長すぎます（1,000,000文字、上限4,000文字）。"
    assert err.value.en == "Summary (English) is too long (1,000,000 characters, at most 4,000)."


@pytest.mark.parametrize("value", [{"ja": "x"}, ["x"]])
def test_structures_are_not_text(value):
    with pytest.raises(rules.FieldError) as err:
        rules.free_text(value, 4000, "単位", "Unit")
    assert "単位は文字列" in err.value.ja and "Unit must be text" in err.value.en


def test_scalars_are_taken_as_their_text():
    assert rules.free_text(12, 4000) == "12"


def test_refused_character_finds_the_first_one():
    assert text.refused_character("ok\u202e\x00") == (3, "\u202e")
    assert text.refused_character("fine") is None


@pytest.mark.parametrize("value, expected", [
    ("12.5", "12.5"), ("１００", "100"), ("1,234", "1234"), ("-3", "-3"), ("＋７", "+7"),
    (".5", ".5"), ("1e5", "1e5"), (42, "42"), (12.5, "12.5"), ("  7 ", "7")])
def test_finite_numbers_are_accepted_as_text(value, expected):
    assert rules.number(value) == expected


@pytest.mark.parametrize("value", [
    "NaN", "nan", "inf", "-Infinity", "1e309", "-1e400", float("nan"), float("inf"),
    json.loads("NaN"), json.loads("1e309"), "1" * 400])
def test_nan_and_infinity_are_refused(value):
    with pytest.raises(rules.FieldError) as err:
        rules.number(value)
    assert "有限の値" in err.value.ja and "Enter a finite number" in err.value.en


@pytest.mark.parametrize("value", ["多い", "1_000", "0x10", "12.5%", "١٢", True, [1], "1 2"])
def test_other_values_are_not_numbers(value):
    with pytest.raises(rules.FieldError) as err:
        rules.number(value)
    assert "数値で入力" in err.value.ja and "Enter a number" in err.value.en


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), ("true", True), ("FALSE", False), ("はい", True),
    ("いいえ", False), ("1", True), (0, False), ("on", True), ("off", False), ("", False),
    ("yes", True), ("no", False)])
def test_booleans_accept_the_truthiness_words(value, expected):
    assert rules.boolean(value) is expected


@pytest.mark.parametrize("value", ["maybe", "t", "y", "2", 2, 1.0, "true!"])
def test_booleans_refuse_anything_else(value):
    with pytest.raises(rules.FieldError) as err:
        rules.boolean(value)
    assert "「true」または「false」" in err.value.ja and "Enter true or false" in err.value.en


def test_every_accepted_word_is_a_truthiness_word_of_text():
    for word in text.TRUE_WORDS:
        assert rules.boolean(word) is True and text.is_true(word)
    for word in text.FALSE_WORDS:
        assert rules.boolean(word) is False and not text.is_true(word)


def test_progress_entries_are_bounded_by_the_plans_fiscal_years():
    assert rules.progress_entries_limit(PLAN) == 6
    rules.progress_count(6, PLAN)
    with pytest.raises(rules.FieldError) as err:
        rules.progress_count(5000, PLAN)
    assert "6件まで" in err.value.ja and "5,000件" in err.value.ja
    assert err.value.en == ("At most 6 progress entries (one per fiscal year of the plan); "
                            "got 5,000.")


def test_indicators_are_bounded():
    rules.indicator_count(50, 50)
    with pytest.raises(rules.FieldError) as err:
        rules.indicator_count(5000, 50)
    assert "指標は1つの取組に50件まで" in err.value.ja
    assert err.value.en == "At most 50 indicators per initiative; got 5,000."


@pytest.mark.parametrize("value", ["NaN", "1e309", "-1", "3.5", True])
def test_counts_are_whole_numbers(value):
    with pytest.raises(rules.FieldError) as err:
        rules.whole_number(value, "前計画の情報化事業数", "Projects of the previous plan")
    assert "前計画の情報化事業数は整数" in err.value.ja
    assert "Projects of the previous plan must be a whole number" in err.value.en
