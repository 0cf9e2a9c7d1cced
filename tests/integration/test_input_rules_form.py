"""The input rules at the web form's door (``/initiative/edit/<name>``): the same refusals as the
API, shown at the field in Japanese and English, nothing saved, what was typed kept."""
from __future__ import annotations

import pytest

from support.plan_names import initiative_name

from support.html_forms import form_data, value
from support.staff import headers, member, show

pytestmark = pytest.mark.usefixtures("plan_in_place")

NUMBER = 34
URL = f"/initiative/edit/{initiative_name(NUMBER)}"
ENTRY = {"progress-0-fiscal_year": "2024", "progress-0-status": "in_progress",
         "progress-0-rating": "B"}


@pytest.fixture
def editor():
    return member("editor")


@pytest.mark.parametrize("typed, wanted", [
    ({**ENTRY, "progress-0-summary_ja": "NUL\x00here"},
     ["実績の概要（日本語）に使えない文字 U+0000 NUL（制御文字）が含まれています（4文字目）",
      "Summary of results (Japanese) contains U+0000 NUL (a control character) at character 4"]),
    ({**ENTRY, "progress-0-summary_en": "file\u202etxt.exe"},
     ["実績の概要（英語）に使えない文字 U+202E RIGHT-TO-LEFT OVERRIDE",
      "Summary of results (English) contains U+202E RIGHT-TO-LEFT OVERRIDE"]),
    ({**ENTRY, "progress-0-summary_ja": "あ" * 4001},
     ["実績の概要（日本語）が長すぎます（4,001文字、上限4,000文字）",
      "Summary of results (Japanese) is too long (4,001 characters, at most 4,000)"]),
    ({**ENTRY, "progress-0-sample": "maybe"}, ["「true」または「false」", "Enter true or false"]),
    ({"title_translated-en": "Telework\u2067"},
     ["タイトル（英語）に使えない文字 U+2067", "Title (English) contains U+2067"]),
    ({"indicators-0-name_ja": "実施率", "indicator_values-0-indicator": "1",
      "indicator_values-0-fiscal_year": "2026", "indicator_values-0-target": "NaN"},
     ["数値は有限の値で入力してください", "Enter a finite number"]),
    ({"indicators-0-name_ja": "実施率\ufeff"},
     ["指標名（日本語）に使えない文字 U+FEFF", "Indicator name (Japanese) contains U+FEFF"]),
])
def test_the_form_refuses_at_the_field_and_saves_nothing(app, editor, typed, wanted):
    before = show(NUMBER)
    form = form_data(app.get(URL, headers=headers(editor)).body)
    form.update(typed)
    form["save"] = ""
    response = app.post(URL, data=form, headers=headers(editor), follow_redirects=False)
    assert response.status_code == 200, response.status_code
    for text in wanted:
        assert text in response.body, text
    assert show(NUMBER)["metadata_modified"] == before["metadata_modified"]
    assert show(NUMBER).get("progress") == before.get("progress")


def test_what_was_typed_stays_in_the_form(app, editor):
    form = form_data(app.get(URL, headers=headers(editor)).body)
    form.update({**ENTRY, "progress-0-summary_ja": "途中まで書いた概要\u202e",
                 "progress-0-summary_en": "Kept as typed"})
    form["save"] = ""
    body = app.post(URL, data=form, headers=headers(editor)).body
    assert value(body, "progress-0-summary_en") == "Kept as typed"
    assert value(body, "progress-0-summary_ja").startswith("途中まで書いた概要")
