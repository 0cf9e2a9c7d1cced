"""What a ward staff member does in a real browser (headless Chromium) on a real CKAN: log in as
an editor of minato-city, edit a progress entry in the dataset form, upload a Shift_JIS (cp932)
progress CSV, read the preview, apply it, see the public page and the downloads updated; then
upload a bad CSV, read the row-level errors and see that nothing changed."""
from __future__ import annotations

import urllib.request
import uuid

import pytest
from playwright.sync_api import expect

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from support.progress_csv import build, row

from .conftest import PASSWORD, login, screenshot

FORM_NUMBER = 22
UPLOAD_NUMBERS = (23, 24)


def _editor() -> dict:
    user = factories.User(password=PASSWORD)
    tk.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": "minato-city", "username": user["name"], "role": "editor"})
    return user


def _show(number: int) -> dict:
    return tk.get_action("package_show")(
        {"ignore_auth": True, "use_cache": False}, {"id": f"minato-plan-initiative-{number:02d}"})


def _entry(number: int, fiscal_year: int):
    return next((e for e in _show(number).get("progress") or []
                 if int(e["fiscal_year"]) == fiscal_year), None)


def _download(portal, path: str) -> bytes:
    with urllib.request.urlopen(portal.url + path, timeout=30) as response:
        return response.read()


def _upload(page, data: bytes, name: str) -> None:
    page.goto("/initiative-progress/upload")
    page.set_input_files("#field-upload", files=[
        {"name": name, "mimeType": "text/csv", "buffer": data}])
    with page.expect_navigation():
        page.locator("#upload-preview").click()


@pytest.mark.usefixtures("with_plugins")
def test_editor_edits_uploads_and_sees_the_result(page, browser, portal):
    editor = _editor()
    login(page, editor)

    # 1. Edit one progress entry in the dataset form (one group per fiscal year).
    marker = f"庁内説明会を実施 {uuid.uuid4().hex[:6]}"
    page.goto(f"/initiative/edit/minato-plan-initiative-{FORM_NUMBER:02d}")
    index = next(i for i in range(6)
                 if page.locator(f"#field-progress-{i}-fiscal_year").input_value() == "2022")
    assert page.locator(f"#field-progress-{index}-sample").is_checked()  # sample entry
    page.locator(f"#field-progress-{index}-summary_ja").fill(marker)
    page.locator(f"#field-progress-{index}-rating").select_option("C")
    with page.expect_navigation():
        page.locator("button[name=save].btn-primary").click()
    expect(page.locator(".minato-timeline")).to_contain_text(marker)
    assert _entry(FORM_NUMBER, 2022)["rating"] == "C"
    assert _entry(FORM_NUMBER, 2022)["sample"] is True  # the sample mark is kept
    expect(page.locator("#progress-last-updated")).to_contain_text(editor["fullname"])
    screenshot(page, "staff-form-saved")

    # 2. Upload a Shift_JIS file; read the preview; apply.
    summary = f"髙輪地区で実証（①〜③） {uuid.uuid4().hex[:6]}"
    rating = "B" if _entry(UPLOAD_NUMBERS[0], 2023)["rating"] != "B" else "C"
    data = build([row(UPLOAD_NUMBERS[0], 2023, status="completed", rating=rating,
                      summary_ja=summary, summary_en="Pilot in Takanawa"),
                  row(UPLOAD_NUMBERS[1], 2024, status="under_study", rating="-",
                      summary_ja=summary)], encoding="cp932")
    before_other = _show(25)["metadata_modified"]
    _upload(page, data, "進捗_令和5年度.csv")
    expect(page.locator("#upload-encoding")).to_have_text("Shift_JIS (cp932)")
    changes = page.locator("#upload-changes tbody tr")
    texts = changes.all_inner_texts()
    assert any("完了" in t and "実施状況" in t and "令和5年度" in t for t in texts), texts
    label = {"B": "B 概ね達成", "C": "C 達成が不十分"}[rating]
    assert any(t.endswith(label) and "進捗評価" in t for t in texts), texts
    assert any("（なし）" in t and "令和6年度" in t and "検討中" in t for t in texts), texts
    assert _entry(UPLOAD_NUMBERS[1], 2024) is None  # nothing written before Apply
    screenshot(page, "staff-upload-preview")
    with page.expect_navigation():
        page.locator("#upload-apply").click()
    expect(page.locator("#upload-applied")).to_be_visible()
    screenshot(page, "staff-upload-applied")

    # 3. The public page (not logged in) and the downloads show it.
    context = browser.new_context(base_url=portal.url)
    public = context.new_page()
    public.goto(f"/initiative/minato-plan-initiative-{UPLOAD_NUMBERS[0]:02d}")
    expect(public.locator(".minato-timeline")).to_contain_text(summary.replace("〜", "～"))
    expect(public.locator("#progress-last-updated")).to_contain_text(editor["fullname"])
    public.goto(f"/en/initiative/minato-plan-initiative-{UPLOAD_NUMBERS[0]:02d}")
    expect(public.locator(".minato-timeline")).to_contain_text("Pilot in Takanawa")
    context.close()
    csv_text = _download(portal, "/plan-data/progress.ja.csv").decode("utf-8-sig")
    assert summary.replace("〜", "～") in csv_text
    assert f"131032JK{UPLOAD_NUMBERS[1]:03d}-2024" in csv_text
    assert _show(25)["metadata_modified"] == before_other

    # 4. A bad file: row-level errors, nothing changed.
    state = {n: _show(n)["metadata_modified"] for n in UPLOAD_NUMBERS}
    bad = build([row(UPLOAD_NUMBERS[0], 2023, rating="A+"),
                 row(UPLOAD_NUMBERS[1], 2030, summary_ja="範囲外")], encoding="cp932")
    _upload(page, bad, "bad.csv")
    expect(page.locator("#upload-rejected")).to_be_visible()
    errors = page.locator("#upload-errors tbody tr").all_inner_texts()
    assert any(t.startswith("2\t進捗評価") for t in errors), errors
    assert any(t.startswith("3\t年度") and "2030" in t for t in errors), errors
    assert page.locator("#upload-apply").count() == 0
    with page.expect_download() as download:
        page.locator("#errors-csv").click()
    assert "2030" in download.value.path().read_text(encoding="utf-8-sig")
    screenshot(page, "staff-upload-errors")
    assert {n: _show(n)["metadata_modified"] for n in UPLOAD_NUMBERS} == state
