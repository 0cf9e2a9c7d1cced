"""The input rules at the API door (package_patch, package_update; the action functions and HTTP):
control and invisible format characters, oversized texts, too many entries, NaN and infinity,
loose yes/no values are refused with an error at the field, naming it, in Japanese and English,
and nothing is stored. Ordinary datasets (CKAN's own schema) are left as stock CKAN has them."""
from __future__ import annotations

import json

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from support.plan_names import initiative_name

from support.staff import ctx, headers, member, show

pytestmark = pytest.mark.usefixtures("plan_in_place")

NUMBER = 35
NAME = initiative_name(NUMBER)
ENTRY = {"fiscal_year": 2023, "status": "in_progress", "rating": "B"}


@pytest.fixture
def editor():
    return member("editor")


def _refused(user, data, action="package_patch"):
    before = show(NUMBER)
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action(action)(ctx(user), data)
    after = show(NUMBER)
    assert after["metadata_modified"] == before["metadata_modified"]
    assert after.get("progress") == before.get("progress")
    assert after.get("indicators") == before.get("indicators")
    return err.value.error_dict


def _at(errors, path):
    for step in path:
        errors = errors[step]
    return " ".join(errors)


@pytest.mark.parametrize("fields, path, wanted", [
    ({"progress": [dict(ENTRY, summary_ja="NUL\u0000here")]},
     ("progress", 0, "summary_ja"),
     ["実績の概要（日本語）に使えない文字 U+0000 NUL（制御文字）", "4文字目",
      "Summary of results (Japanese) contains U+0000 NUL (a control character) at character 4"]),
    ({"progress": [dict(ENTRY, summary_en="text\ufeffwith a BOM")]},
     ("progress", 0, "summary_en"), ["実績の概要（英語）", "Summary of results (English)", "U+FEFF"]),
    ({"progress": [dict(ENTRY, summary_en="evil\u202etxt.exe")]},
     ("progress", 0, "summary_en"),
     ["U+202E RIGHT-TO-LEFT OVERRIDE", "文字の表示方向を変える見えない書式文字",
      "an invisible character that changes the direction of text"]),
    ({"progress": [dict(ENTRY, summary_en="a\u2067b")]},
     ("progress", 0, "summary_en"), ["U+2067 RIGHT-TO-LEFT ISOLATE"]),
    ({"progress": [dict(ENTRY, summary_ja="あ" * 1_000_000)]},
     ("progress", 0, "summary_ja"),
     ["実績の概要（日本語）が長すぎます（1,000,000文字、上限4,000文字）",
      "Summary of results (Japanese) is too long (1,000,000 characters, at most 4,000)"]),
    ({"progress": [dict(ENTRY, sample="maybe")]},
     ("progress", 0, "sample"), ["「true」または「false」", "Enter true or false", "'maybe'"]),
    ({"title_translated": {"ja": "取組", "en": "Initiative\u202e"}},
     ("title_translated",), ["タイトル（英語）に使えない文字 U+202E", "Title (English) contains"]),
    ({"title_translated": {"ja": "取組" * 2001, "en": "Initiative"}},
     ("title_translated",), ["タイトル（日本語）が長すぎます", "Title (Japanese) is too long"]),
    ({"notes_translated": {"ja": "説明\u0000", "en": "Description"}},
     ("notes_translated",), ["説明（日本語）に使えない文字 U+0000", "Description (Japanese)"]),
    ({"indicators": [{"name_ja": "実施率\u0007"}]},
     ("indicators", 0, "name_ja"), ["指標名（日本語）", "Indicator name (Japanese)", "U+0007 BEL"]),
    ({"indicators": [{"name_ja": "実施率", "unit": "\u202d%"}]},
     ("indicators", 0, "unit"), ["単位に使えない文字 U+202D", "Unit contains"]),
    ({"indicators": [{"name_ja": "実施率"}],
      "indicator_values": [{"indicator": 1, "fiscal_year": 2026, "target": float("nan")}]},
     ("indicator_values", 0, "target"), ["有限の値", "Enter a finite number"]),
    ({"indicators": [{"name_ja": "実施率"}],
      "indicator_values": [{"indicator": 1, "fiscal_year": 2021, "actual": float("inf")}]},
     ("indicator_values", 0, "actual"), ["Enter a finite number"]),
    ({"indicators": [{"name_ja": "実施率", "baseline": "1e309"}]},
     ("indicators", 0, "baseline"), ["Enter a finite number", "1e309"]),
    ({"indicators": [{"name_ja": "実施率" * 2001}]},
     ("indicators", 0, "name_ja"), ["Indicator name (Japanese) is too long"]),
])
def test_bad_input_is_refused_at_its_field(editor, fields, path, wanted):
    errors = _refused(editor, {"id": NAME, **fields})
    message = _at(errors, path)
    for text in wanted:
        assert text in message, (text, message)


def test_package_update_refuses_the_same(editor):
    data = show(NUMBER)
    data["progress"] = [dict(ENTRY, summary_ja="概要\u202e")]
    errors = _refused(editor, data, action="package_update")
    assert "U+202E" in _at(errors, ("progress", 0, "summary_ja"))


def test_plain_notes_are_checked_too(editor):
    errors = _refused(editor, {"id": NAME, "notes": "説明\u0000"})
    assert "説明（日本語）に使えない文字 U+0000" in _at(errors, ("notes",))


def test_resources_texts_are_checked(editor):
    errors = _refused(editor, {"id": NAME, "resources": [
        {"url": "http://example.jp/a.csv", "name": "表", "description": "説明\u2066"}]})
    assert "説明に使えない文字 U+2066" in _at(errors, ("resources", 0, "description"))


def test_five_thousand_indicators_are_one_error(editor):
    indicators = [{"name_ja": f"指標{n}"} for n in range(5000)]
    errors = _refused(editor, {"id": NAME, "indicators": indicators})
    assert len(errors["indicators"]) == 51
    assert "At most 50 indicators per initiative; got 5,000." in \
        _at(errors, ("indicators", 50, "name_ja"))


@pytest.mark.parametrize("count", [7, 5000])
def test_progress_entries_are_bounded_by_the_fiscal_years(editor, count):
    progress = [dict(ENTRY, fiscal_year=2021 + n % 6) for n in range(count)]
    errors = _refused(editor, {"id": NAME, "progress": progress})
    assert len(errors["progress"]) == 7
    assert f"At most 6 progress entries (one per fiscal year of the plan); got {count:,}." in \
        _at(errors, ("progress", 6, "fiscal_year"))
    assert "6件まで" in _at(errors, ("progress", 6, "fiscal_year"))


def test_the_limits_still_let_a_full_initiative_through(editor):
    progress = [dict(ENTRY, fiscal_year=fy, summary_ja="あ" * 4000, sample="はい")
                for fy in range(2021, 2027)]
    indicators = [{"name_ja": f"指標{n}"} for n in range(50)]
    values = [{"indicator": n, "fiscal_year": fy, "target": "1,000", "actual": "１２．５"}
              for n in range(1, 51) for fy in range(2021, 2027)]
    before = show(NUMBER)
    try:
        tk.get_action("package_patch")(ctx(editor), {
            "id": NAME, "progress": progress, "indicators": indicators,
            "indicator_values": values})
        stored = show(NUMBER)
        assert len(stored["progress"]) == 6 and len(stored["indicators"]) == 50
        assert len(stored["indicator_values"]) == 300
        assert stored["progress"][0]["sample"] is True
        assert stored["indicator_values"][0]["actual"] == "12.5"
    finally:
        tk.get_action("package_patch")(ctx(editor), {
            "id": NAME, "progress": before.get("progress") or [],
            "indicators": before.get("indicators") or [],
            "indicator_values": before.get("indicator_values") or []})


def test_plan_fields_are_checked(editor):
    admin = member("admin")
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_patch")(ctx(admin), {
            "id": "minato-plan", "first_half": "前期\u0000",
            "previous_projects_total": "NaN",
            "provenance_translated": {"ja": "出典\u202e", "en": "Source"}})
    errors = err.value.error_dict
    assert "前期に使えない文字 U+0000" in errors["first_half"][0]
    assert "First half contains" in errors["first_half"][0]
    assert "Projects of the previous plan must be a whole number" in \
        errors["previous_projects_total"][0]
    assert "出典と訂正（日本語）に使えない文字 U+202E" in errors["provenance_translated"][0]


# --- over HTTP: the body as a client sends it -------------------------------------------------

def _post(app, user, body: str):
    return app.post("/api/3/action/package_patch", data=body.encode("utf-8"),
                    headers={**headers(user), "Content-Type": "application/json"})


@pytest.mark.parametrize("body, path, wanted", [
    ('{"id": "%s", "progress": [{"fiscal_year": 2023, "status": "in_progress", '
     '"summary_ja": "NUL\\u0000here"}]}' % NAME, ("progress", 0, "summary_ja"), "U+0000 NUL"),
    ('{"id": "%s", "progress": [{"fiscal_year": 2023, "status": "in_progress", '
     '"summary_ja": "lone \\ud800"}]}' % NAME, ("progress", 0, "summary_ja"), "U+D800"),
    ('{"id": "%s", "indicators": [{"name_ja": "x"}], "indicator_values": [{"indicator": 1, '
     '"fiscal_year": 2026, "target": NaN}]}' % NAME,
     ("indicator_values", 0, "target"), "Enter a finite number"),
    ('{"id": "%s", "indicators": [{"name_ja": "x"}], "indicator_values": [{"indicator": 1, '
     '"fiscal_year": 2024, "actual": 1e309}]}' % NAME,
     ("indicator_values", 0, "actual"), "Enter a finite number"),
    ('{"id": "%s", "indicators": [{"name_ja": "x", "baseline": -Infinity}]}' % NAME,
     ("indicators", 0, "baseline"), "Enter a finite number"),
    ('{"id": "%s", "progress": [{"fiscal_year": 2023, "status": "in_progress", '
     '"sample": "maybe"}]}' % NAME, ("progress", 0, "sample"), "Enter true or false"),
    ('{"id": "%s", "progress": [{"fiscal_year": NaN, "status": "in_progress"}]}' % NAME,
     ("progress", 0, "fiscal_year"), "Fiscal year must be a whole number"),
    ('{"id": "%s", "progress": [{"fiscal_year": 2023, "status": "in_progress", '
     '"sample": Infinity}]}' % NAME, ("progress", 0, "sample"), "Enter true or false"),
    ('{"id": "%s", "progress": [{"fiscal_year": 2023, "status": "in_progress", '
     '"sample": "maybe", "unknown": NaN}]}' % NAME, ("progress", 0, "sample"),
     "Enter true or false"),
])
def test_http_api_answers_409_with_the_field(app, editor, body, path, wanted):
    before = show(NUMBER)
    response = _post(app, editor, body)
    assert response.status_code == 409, response.body
    result = json.loads(response.body)
    assert result["success"] is False
    assert result["error"]["__type"] == "Validation Error"
    assert wanted in _at(result["error"], path)
    assert show(NUMBER)["metadata_modified"] == before["metadata_modified"]


def test_http_api_refuses_a_million_character_summary(app, editor):
    body = json.dumps({"id": NAME, "progress": [dict(ENTRY, summary_ja="x" * 1_000_000)]})
    response = _post(app, editor, body)
    assert response.status_code == 409
    assert "1,000,000 characters" in _at(json.loads(response.body)["error"],
                                         ("progress", 0, "summary_ja"))


# --- ordinary datasets ------------------------------------------------------------------------

def test_ordinary_datasets_keep_ckans_own_rules(app):
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    notes = "長い説明。" * 40_000  # 200,000 characters
    dataset = tk.get_action("package_create")({"user": user["name"]}, {
        "name": "nagai-setsumei", "title": "右から左\u202e表示", "owner_org": org["id"],
        "notes": notes, "extras": [{"key": "メモ", "value": "x" * 10_000}]})
    shown = tk.get_action("package_show")({}, {"id": dataset["id"]})
    assert shown["type"] == "dataset"
    assert shown["notes"] == notes and shown["title"] == "右から左\u202e表示"
    body = json.dumps({"id": dataset["id"], "notes": notes + "追記"})
    response = app.post("/api/3/action/package_patch", data=body.encode("utf-8"),
                        headers={**headers(user), "Content-Type": "application/json"})
    assert response.status_code == 200, response.body[:500]
    assert tk.get_action("package_show")({}, {"id": dataset["id"]})["notes"] == notes + "追記"
