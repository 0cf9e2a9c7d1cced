"""The staff upload pages, the download → edit → upload round trip, the permission matrix over
every write path, and CSRF protection of the staff forms (real CKAN, PostgreSQL, Solr, Redis)."""
from __future__ import annotations

import csv
import io
import re
import uuid

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from support.plan_names import initiative_name

from support.html_forms import form_data
from support.progress_csv import build, row
from support.staff import (ctx, entry, headers, member, # noqa: F401 (fixture)
                            show, user_for)

pytestmark = pytest.mark.usefixtures("plan_in_place")

UPLOAD = "/initiative-progress/upload"


@pytest.fixture
def editor():
    return member("editor")


def post_file(app, user, data: bytes, filename="progress.csv", **kw):
    return app.post(UPLOAD, data={"upload": (io.BytesIO(data), filename)},
                    headers=headers(user), follow_redirects=False, **kw)


def token_of(response) -> str:
    assert response.status_code == 302, response.body
    match = re.search(r"/initiative-progress/upload/([^/?#]+)$", response.headers["Location"])
    return match.group(1)


# --- pages --------------------------------------------------------------------------------------

def test_upload_page_for_staff_and_login_for_anonymous(app, editor):
    page = app.get(UPLOAD, headers=headers(editor))
    assert page.status_code == 200
    assert 'type="file" name="upload"' in page.body and "進捗CSVのアップロード" in page.body
    assert "Upload progress CSV" in app.get("/en" + UPLOAD, headers=headers(editor)).body
    anonymous = app.get(UPLOAD, follow_redirects=False)
    assert anonymous.status_code == 302 and "/user/login" in anonymous.headers["Location"]
    assert app.get(UPLOAD, headers=headers(member("member"))).status_code == 403


def test_cp932_upload_preview_apply_then_pages_and_downloads_are_current(app, editor):
    marker = f"説明会を開催（髙橋） {uuid.uuid4().hex[:6]}"
    before = show(14)
    response = post_file(app, editor, build([row(14, 2024, status="completed", rating="A",
                                                 summary_ja=marker)], encoding="cp932"))
    token = token_of(response)
    preview = app.get(f"{UPLOAD}/{token}", headers=headers(editor)).body
    assert "Shift_JIS (cp932)" in preview and marker in preview
    assert 'id="upload-changes"' in preview and 'id="upload-apply"' in preview
    assert show(14) == before  # a preview changes nothing
    english = app.get(f"/en{UPLOAD}/{token}", headers=headers(editor)).body
    assert "FY2024" in english and "Fiscal year" in english and marker in english
    assert "Informatization of schools" in english

    applied = app.post(f"{UPLOAD}/{token}/apply", headers=headers(editor),
                       follow_redirects=False)
    assert applied.status_code == 302
    done = app.get(f"{UPLOAD}/{token}", headers=headers(editor)).body
    assert 'id="upload-applied"' in done and 'id="upload-apply"' not in done

    assert entry(14, 2024)["summary_ja"] == marker
    page = app.get(f"/initiative/{initiative_name(14)}").body
    assert marker in page and 'id="progress-last-updated"' in page and editor["name"] in page
    download = app.get("/plan-data/progress.ja.csv").body
    assert marker in download
    found = tk.get_action("package_search")({}, {"fq": "rating_2024:A", "rows": 100})
    assert initiative_name(14) in [r["name"] for r in found["results"]]


@pytest.mark.parametrize("suffix", ["ja.csv", "ja.cp932.csv", "en.csv"])
def test_downloaded_progress_table_uploads_as_it_is(app, editor, suffix):
    # some progress with characters Shift_JIS cannot hold, and a text Excel would run
    tk.get_action("package_patch")(ctx(editor), {"id": initiative_name(3), "progress": [
        {"fiscal_year": 2022, "status": "in_progress", "rating": "-",
         "summary_ja": "4月〜6月に試行—𠮷野町", "summary_en": "-3% cost"}]})
    data = app.get(f"/plan-data/progress.{suffix}").get_data()
    result = tk.get_action("minato_plan_progress_upload_preview")(
        ctx(editor), {"csv": data, "filename": f"progress.{suffix}"})
    assert result["status"] == "ready", result["problems"]
    assert result["changes"] == [] and result["unchanged_rows"] >= 1
    # one edit in the downloaded file becomes exactly one change
    text = data.decode("cp932" if "cp932" in suffix else "utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    target = next(r for r in rows[1:] if r[1] == "131032JK003-2022")
    target[9] = "B"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    edited = out.getvalue().encode("cp932" if "cp932" in suffix else "utf-8-sig")
    result = tk.get_action("minato_plan_progress_upload_preview")(ctx(editor), {"csv": edited})
    assert [(c["initiative_no"], c["field"], c["old"], c["new"]) for c in result["changes"]] == [
        (3, "rating", "-", "B")]


def test_bad_file_shows_row_errors_in_both_languages_and_changes_nothing(app, editor):
    before = show(15)
    data = build([row(15, 2023), row(15, 2027), row(16, 2023, rating="S"), row(15, 2023)])
    token = token_of(post_file(app, editor, data))
    page = app.get(f"{UPLOAD}/{token}", headers=headers(editor)).body
    assert 'id="upload-rejected"' in page and 'id="upload-apply"' not in page
    assert "年度は2021（令和3年度）から2026（令和8年度）の範囲で入力してください" in page
    assert "Fiscal year must be between 2021 and 2026 (got 2027)" in page
    assert "<td>3</td><td>年度</td>" in page and "<td>4</td><td>進捗評価</td>" in page
    assert "Duplicate row" in page and "2行目と同じ取組・年度" in page
    english = app.get(f"/en{UPLOAD}/{token}", headers=headers(editor)).body
    assert "Rating must be one of" in english and "Errors (row numbers" in english

    errors = app.get(f"{UPLOAD}/{token}/errors.csv", headers=headers(editor))
    assert errors.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(errors.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["行", "列", "エラー", "row", "column", "error"]
    assert ["3", "年度"] == rows[1][:2] and "2027" in rows[1][5]
    assert len(rows) == 4

    refused = app.post(f"{UPLOAD}/{token}/apply", headers=headers(editor))
    assert refused.status_code == 409 and "cannot be applied" in refused.body
    assert show(15) == before


@pytest.mark.parametrize("data, en", [
    (b"\xff\xfe\x00\x00garbage", "UTF-16"),
    (b"x" * 1_000_001, "too large"),
    (build([row(1, 2021)], columns=["lg_code", "id"]), "Missing columns"),
])
def test_file_level_errors(app, editor, data, en):
    token = token_of(post_file(app, editor, data))
    assert en in app.get(f"/en{UPLOAD}/{token}", headers=headers(editor)).body


def test_conflict_after_preview_is_shown_and_nothing_is_applied(app, editor):
    token = token_of(post_file(app, editor, build([row(17, 2023, summary_en=uuid.uuid4().hex),
                                                    row(18, 2023, summary_en="x")])))
    note = uuid.uuid4().hex
    tk.get_action("package_patch")(ctx(member("admin")), {
        "id": initiative_name(18), "notes_translated": {"ja": note, "en": note}})
    kept = show(17).get("progress")
    response = app.post(f"{UPLOAD}/{token}/apply", headers=headers(editor))
    assert response.status_code == 409 and 'id="apply-error"' in response.body
    assert "changed by another editor after the preview" in response.body
    assert show(17).get("progress") == kept


def test_other_users_cannot_see_a_preview(app, editor):
    token = token_of(post_file(app, editor, build([row(19, 2023)])))
    other = member("editor")
    assert app.get(f"{UPLOAD}/{token}", headers=headers(other)).status_code == 403
    assert app.get(f"{UPLOAD}/{token}/errors.csv", headers=headers(other)).status_code == 403
    assert app.get(f"{UPLOAD}/unknown-token", headers=headers(editor)).status_code == 404


# --- permission matrix --------------------------------------------------------------------------

ROLES = ["anonymous", "outsider", "member", "editor", "admin", "sysadmin"]
ALLOWED = {"editor", "admin", "sysadmin"}
PATHS = ["form", "upload_preview_page", "upload_apply_page", "api_package_update",
         "api_package_patch", "api_package_revise", "api_upload_preview", "api_upload_apply"]
NUMBER = 33


def _new_progress(marker):
    return [{"fiscal_year": 2023, "status": "in_progress", "rating": "B", "summary_en": marker}]


def _write(app, path, user, marker):
    """Try the write path as ``user``; returns the HTTP status, or "login" for a redirect to
    the login page."""
    response = _send(app, path, user, marker)
    if response.status_code == 302 and "/user/login" in response.headers["Location"]:
        return "login"
    return response.status_code


def _send(app, path, user, marker):
    hdrs = headers(user)
    name = initiative_name(NUMBER)
    if path == "form":
        editor_form = form_data(app.get(f"/initiative/edit/{name}",
                                        headers=headers(member("editor"))).body)
        years = [k for k, v in editor_form.items()
                 if re.fullmatch(r"progress-\d+-fiscal_year", k) and v == "2023"]
        index = years[0].split("-")[1] if years else str(sum(
            1 for k in editor_form if re.fullmatch(r"progress-\d+-fiscal_year", k)))
        editor_form.update({f"progress-{index}-fiscal_year": "2023",
                            f"progress-{index}-status": "in_progress",
                            f"progress-{index}-rating": "B",
                            f"progress-{index}-summary_en": marker, "save": ""})
        return app.post(f"/initiative/edit/{name}", data=editor_form, headers=hdrs,
                        follow_redirects=False)
    if path == "upload_preview_page":
        return post_file(app, user, build([row(NUMBER, 2023, summary_en=marker)]))
    if path in ("upload_apply_page", "api_upload_apply"):
        # the user's own preview when they may make one, otherwise an editor's
        owner = user if user and _may_preview(user) else member("editor")
        token = tk.get_action("minato_plan_progress_upload_preview")(
            ctx(owner), {"csv": build([row(NUMBER, 2023, summary_en=marker)])})["token"]
        if path == "upload_apply_page":
            return app.post(f"{UPLOAD}/{token}/apply", headers=hdrs,
                            follow_redirects=False)
        return app.post("/api/action/minato_plan_progress_upload_apply",
                        json={"token": token}, headers=hdrs)
    if path == "api_upload_preview":
        return app.post("/api/action/minato_plan_progress_upload_preview",
                        data={"upload": (io.BytesIO(build([row(NUMBER, 2023,
                                                               summary_en=marker)])),
                                         "p.csv")}, headers=hdrs)
    if path == "api_package_update":
        body = dict(show(NUMBER), progress=_new_progress(marker))
        return app.post("/api/action/package_update", json=body, headers=hdrs)
    if path == "api_package_patch":
        return app.post("/api/action/package_patch", json={
            "id": name, "progress": _new_progress(marker)}, headers=hdrs)
    if path == "api_package_revise":
        return app.post("/api/action/package_revise", json={
            "match": {"name": name}, "update": {"progress": _new_progress(marker)}},
            headers=hdrs)
    raise AssertionError(path)


def _may_preview(user) -> bool:
    try:
        tk.check_access("minato_plan_progress_upload_preview", ctx(user), {})
        return True
    except tk.NotAuthorized:
        return False


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(app, role, path):
    user = user_for(role)
    marker = f"{role}-{path}-{uuid.uuid4().hex[:8]}"
    before = show(NUMBER)
    status = _write(app, path, user, marker)
    after = show(NUMBER)
    if path in ("upload_preview_page", "api_upload_preview"):
        # a preview never writes: allowed users get the preview, the others are refused
        assert after == before
        assert (status in (200, 302)) == (role in ALLOWED), status
        return
    if role in ALLOWED:
        assert status == (302 if path in ("form", "upload_apply_page") else 200), (role, path,
                                                                                   status)
        assert entry(NUMBER, 2023)["summary_en"] == marker
    else:
        assert status in ("login", 401, 403), (role, path, status)
        assert after.get("progress") == before.get("progress")
        assert after["metadata_modified"] == before["metadata_modified"]


# --- CSRF ---------------------------------------------------------------------------------------

def _csrf_token(body: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", True)
def test_csrf_protects_upload_apply_and_edit_form_even_after_anonymous_visits(app, editor):
    # CKAN 2.12 exempts a view from CSRF for good after an anonymous or API-token request;
    # the staff forms must stay protected all the same.
    app.get(UPLOAD)
    app.get(f"/initiative/edit/{initiative_name(34)}")
    app.get(UPLOAD, headers=headers(editor))
    app.set_session_user(editor["id"])  # logged in with the session cookie, as in a browser

    page = app.get(UPLOAD).body
    data = build([row(34, 2023, summary_en=uuid.uuid4().hex)])
    forged = app.post(UPLOAD, data={"upload": (io.BytesIO(data), "p.csv")},
                      follow_redirects=False)
    assert forged.status_code == 400
    good = app.post(UPLOAD, data={"upload": (io.BytesIO(data), "p.csv"),
                                  "_csrf_token": _csrf_token(page)}, follow_redirects=False)
    token = token_of(good)

    before = show(34)
    preview = app.get(f"{UPLOAD}/{token}").body
    assert app.post(f"{UPLOAD}/{token}/apply", follow_redirects=False).status_code == 400
    assert show(34) == before
    assert app.post(f"{UPLOAD}/{token}/apply", data={"_csrf_token": _csrf_token(preview)},
                    follow_redirects=False).status_code == 302
    assert show(34) != before

    edit = app.get(f"/initiative/edit/{initiative_name(34)}").body
    form = form_data(edit)
    form.pop("_csrf_token")
    form.update({"save": "", "notes_translated-en": "Forged"})
    assert app.post(f"/initiative/edit/{initiative_name(34)}", data=form,
                    follow_redirects=False).status_code == 400
    assert show(34)["notes_translated"].get("en") != "Forged"
    form["_csrf_token"] = _csrf_token(edit)
    form["notes_translated-en"] = "Edited with the token"
    assert app.post(f"/initiative/edit/{initiative_name(34)}", data=form,
                    follow_redirects=False).status_code == 302
    assert show(34)["notes_translated"]["en"] == "Edited with the token"


def test_api_preview_accepts_an_uploaded_file(app):
    sysadmin = factories.Sysadmin()
    response = app.post("/api/action/minato_plan_progress_upload_preview",
                        data={"upload": (io.BytesIO(build([row(35, 2023)])), "p.csv")},
                        headers=headers(sysadmin))
    assert response.status_code == 200 and response.get_json()["result"]["status"] == "ready"
