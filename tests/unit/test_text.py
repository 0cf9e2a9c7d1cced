"""Reading stored values: one rule for JSON fields, ja/en texts and flags."""
import pytest

from ckanext.minato_plan.domain import text


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), (None, False), ("true", True), (" TRUE ", True), ("on", True),
    ("1", True), ("yes", True), ("はい", True), ("false", False), ("no", False), ("", False),
    ("maybe", False), (1, True), (0, False),
])
def test_a_flag_means_the_same_wherever_it_is_read(value, expected):
    assert text.is_true(value) is expected


def test_json_fields_arrive_as_values_or_as_strings():
    assert text.load_json('[{"fiscal_year": 2023}]') == [{"fiscal_year": 2023}]
    assert text.load_json([1]) == [1]
    assert text.load_json("{not json") is None


def test_a_bilingual_text_is_read_from_every_form_it_is_stored_in():
    assert text.text_dict({"ja": " 取組 ", "en": ""}) == {"ja": "取組"}
    assert text.text_dict('{"ja": "取組", "en": "Initiative"}') == {"ja": "取組", "en": "Initiative"}
    assert text.text_dict(text.Text("取組", "Initiative")) == {"ja": "取組", "en": "Initiative"}
    assert text.text_dict("ただの文字列") == {"ja": "ただの文字列"}
    assert text.text_dict({}, fallback_ja="既定") == {"ja": "既定"}


def test_a_dataset_title_falls_back_to_the_plain_japanese_field():
    pkg = {"title": "オープンデータ", "title_translated": '{"en": "Open data"}'}
    assert text.translated(pkg, "title") == {"ja": "オープンデータ", "en": "Open data"}
    assert text.translated({}, "title") == {"ja": "", "en": ""}


@pytest.mark.parametrize("lang, expected", [("ja", "取組"), ("en", "Initiative")])
def test_pick_gives_the_language_asked_for(lang, expected):
    assert text.pick({"ja": "取組", "en": "Initiative"}, lang) == expected


def test_pick_shows_the_other_language_rather_than_nothing():
    assert text.pick({"ja": "取組"}, "en") == "取組"
    assert text.pick('{"en": "Initiative"}', "ja") == "Initiative"
    assert text.pick("plain", "en") == "plain"
    assert text.pick(None, "ja") == ""


@pytest.mark.parametrize("value, expected", [
    (3, 3), ("3", 3), (" 12 ", 12), ("", None), (None, None), ("x", None), (True, None)])
def test_optional_int(value, expected):
    assert text.optional_int(value) == expected


def test_control_characters_are_recognised_but_line_breaks_and_tabs_are_text():
    assert text.CONTROL_CHARACTERS.search("NUL\x00here")
    assert text.CONTROL_CHARACTERS.search("bell\x07")
    assert not text.CONTROL_CHARACTERS.search("行1\n行2\r\n\tタブ")
    assert text.clean_text(" a\r\nb\rc ") == "a\nb\nc"
