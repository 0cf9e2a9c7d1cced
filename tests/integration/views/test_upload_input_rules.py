"""The input rules at the upload's door (pages and API, real Redis): other encodings named as one
error, cells judged by the same rule as the API and forms, the problem list capped in what
Redis keeps, the preview shows and the API returns."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from ckanext.minato_plan.logic import upload_store

from support.progress_csv import build, row
from support.staff import ctx, headers, member, show

from ckan.plugins import toolkit as tk

pytestmark = pytest.mark.usefixtures("plan_in_place")

UPLOAD = "/initiative-progress/upload"


@pytest.fixture
def editor():
    return member("editor")


def _preview_page(app, user, data: bytes, lang=""):
    response = app.post(UPLOAD, data={"upload": (io.BytesIO(data), "progress.csv")},
                        headers=headers(user), follow_redirects=False)
    assert response.status_code == 302, response.body[:300]
    token = re.search(r"/initiative-progress/upload/([^/?#]+)$",
                      response.headers["Location"]).group(1)
    return token, app.get(f"{lang}{UPLOAD}/{token}", headers=headers(user)).body


@pytest.mark.parametrize("encoding, name", [
    ("iso2022_jp", "ISO-2022-JP"), ("euc_jp", "EUC-JP"), ("utf-16-le", "UTF-16")])
def test_another_encoding_is_one_error_naming_it(app, editor, encoding, name):
    data = build([row(12, 2023, summary_ja="説明会を開催した")], encoding=encoding)
    token, page = _preview_page(app, editor, data)
    assert f"ファイルの文字コードが {name} です。UTF-8 か Shift_JIS（cp932）で保存してください" in page
    assert "不明な列見出し" not in page and "Unknown column header" not in page
    english = app.get(f"/en{UPLOAD}/{token}", headers=headers(editor)).body
    assert f"The file is encoded in {name}. Save it as UTF-8 or Shift_JIS (cp932)" in english
    assert "1 error(s)" in english


@pytest.mark.parametrize("value, code", [
    ("概要\u202eです", "U+202E"), ("BOM\ufeffinside", "U+FEFF"), ("bell\x07", "U+0007")])
def test_a_bad_character_in_a_cell_is_named_with_row_and_column(app, editor, value, code):
    before = show(12).get("progress")
    result = tk.get_action("minato_plan_progress_upload_preview")(
        ctx(editor), {"csv": build([row(12, 2023, summary_en=value)])})
    assert result["status"] == "rejected"
    [problem] = result["problems"]
    assert (problem["row"], problem["column"]) == (2, "summary_en")
    assert code in problem["ja"] and code in problem["en"]
    assert show(12).get("progress") == before


def test_the_problem_list_is_capped_where_it_is_kept_shown_and_returned(app, editor):
    bad = [row(1 + n % 39, 2021 + n // 39 % 6, status="??", rating="?", summary_en="x" * 50)
           for n in range(1_800)]  # 1,800 rows, two problems each
    data = build(bad)
    token, page = _preview_page(app, editor, data, lang="/en")
    stored = upload_store.load(token)
    assert stored["problem_count"] == 3_600 and len(stored["problems"]) == 101
    assert len(json.dumps(stored, ensure_ascii=False)) < 60_000
    assert "3600 error(s)" in page
    assert "… and 3,500 more problem(s) (only the first 100 are listed)" in page
    assert page.count("<tr><td>") == 101
    assert len(page) < 200_000
    result = tk.get_action("minato_plan_progress_upload_show")(ctx(editor), {"token": token})
    assert result["problem_count"] == 3_600 and len(result["problems"]) == 101
    assert result["problems"][-1]["ja"].startswith("ほかに3,500件のエラーがあります")
    errors = app.get(f"{UPLOAD}/{token}/errors.csv", headers=headers(editor))
    lines = list(csv.reader(io.StringIO(errors.get_data().decode("utf-8-sig"))))
    assert len(lines) == 102 and "ほかに3,500件" in lines[-1][2]
