"""When Solr, Redis or PostgreSQL cannot be reached: web pages and the Action API answer 503 with
a ja/en message naming the service (never its address), forms come back with what was typed,
and nothing is saved. A losing save of the edit forms answers 409. Real services; an outage is
the portal pointed at a closed port (tests/support/outages.py), the shared services keep
running."""
from __future__ import annotations

import io
import uuid

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from support.plan_names import initiative_name

from support import outages
from support.html_forms import form_data, value
from support.progress_csv import build, row
from support.staff import ctx, entry, headers, member, show

pytestmark = pytest.mark.usefixtures("plan_in_place")

UPLOAD = "/initiative-progress/upload"
NUMBER = 7  # the initiative whose edit form these tests post


@pytest.fixture
def editor():
    return member("editor")


def _unavailable_page(response, *words: str) -> str:
    body = response.body
    assert response.status_code == 503, body[:500]
    assert response.headers["Retry-After"] == "60"
    assert 'id="minato-unavailable"' in body
    for word in words:
        assert word in body
    assert outages.leaks(body) == []
    return body


def _unavailable_api(response, service: str, *words: str) -> str:
    assert response.status_code == 503, response.body[:500]
    assert response.headers["Retry-After"] == "60"
    body = response.get_json()
    assert body["success"] is False
    assert body["error"]["__type"] == "Service Unavailable"
    assert body["error"]["service"] == service
    for word in words:
        assert word in body["error"]["message"]
    assert outages.leaks(response.body) == []
    return body["error"]["message"]


# --- search service (Solr) -----------------------------------------------------------------------

def test_pages_answer_503_naming_the_search_service(app):
    with outages.search():
        for url in ("/", "/dataset/", "/plan-overview", f"/initiative/{initiative_name(1)}"):
            body = _unavailable_page(app.get(url), "一時的に検索サービスに接続できません")
            assert "minato-lang-header" in body  # the site's layout, language switcher included
        english = _unavailable_page(app.get("/en/plan-overview"),
                                    "The search service is temporarily unavailable")
        assert "Please try again" in english
    assert app.get("/plan-overview").status_code == 200


def test_api_answers_503_naming_the_search_service_and_saves_nothing(app):
    sysadmin = factories.Sysadmin()
    before = show(NUMBER)
    with outages.search():
        for url in ("/api/3/action/package_search?q=テレワーク",
                    "/api/3/action/package_search?fq=dataset_type:initiative&rows=0",
                    "/api/3/action/minato_plan_show"):
            _unavailable_api(app.get(url), "search", "検索サービス", "search service")
        # CKAN answers a failed index write with a 500 holding Solr's address
        response = app.post("/api/3/action/package_patch", headers=headers(sysadmin), json={
            "id": initiative_name(NUMBER), "notes_translated": {"ja": "変更", "en": "Changed"}})
        _unavailable_api(response, "search", "一時的に検索サービスに接続できません")
    assert show(NUMBER) == before


def test_search_keeps_working_and_other_search_errors_are_unchanged(app):
    found = app.get("/api/3/action/package_search",
                    query_string={"fq": "dataset_type:initiative", "rows": 0})
    assert found.status_code == 200 and found.get_json()["result"]["count"] == 39
    assert app.get("/api/3/action/package_search", query_string={"q": "テレワーク"}) \
        .get_json()["result"]["count"] >= 1
    refused = app.get("/api/3/action/package_search", query_string={"q": "{!lucene}x"})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["__type"] == "Search Error"


def _edit_url(lang: str = "") -> str:
    return f"{lang}/initiative/edit/{initiative_name(NUMBER)}"


@pytest.mark.parametrize("lang", ["", "/en"])
def test_edit_form_keeps_what_was_typed_when_the_search_service_is_down(app, editor, lang):
    before = show(NUMBER)
    form = form_data(app.get(_edit_url(lang), headers=headers(editor)).body)
    typed = f"入力した説明 {uuid.uuid4().hex[:6]}"
    form["notes_translated-ja"] = typed
    form["notes_translated-en"] = "Typed description"
    form["save"] = ""
    with outages.search():
        response = app.post(_edit_url(lang), data=form, headers=headers(editor))
    body = response.body
    assert response.status_code == 503, body[:500]
    assert response.headers["Retry-After"] == "60"
    if lang:
        assert "Nothing was saved. The search service is temporarily unavailable" in body
        assert "What you typed is kept in the form below" in body
    else:
        assert "何も保存していません。一時的に検索サービスに接続できません" in body
        assert "入力した内容は下のフォームに残っています" in body
    assert value(body, "notes_translated-ja") == typed
    assert value(body, "notes_translated-en") == "Typed description"
    assert value(body, "if_unmodified_since") == before["metadata_modified"]
    assert outages.leaks(body) == []
    assert show(NUMBER) == before
    # the form as shown again saves once the service is back
    again = form_data(body)
    again["save"] = ""
    assert app.post(_edit_url(lang), data=again, headers=headers(editor),
                    follow_redirects=False).status_code == 302
    assert show(NUMBER)["notes_translated"]["ja"] == typed


# --- storage service (Redis) ---------------------------------------------------------------------

def _post_file(app, user, data: bytes, lang: str = ""):
    return app.post(f"{lang}{UPLOAD}", data={"upload": (io.BytesIO(data), "progress.csv")},
                    headers=headers(user), follow_redirects=False)


def test_upload_form_answers_503_with_the_form_when_the_storage_service_is_down(app, editor):
    csv_file = build([row(NUMBER, 2025, summary_ja="保存されないはず")])
    with outages.storage():
        response = _post_file(app, editor, csv_file)
        english = _post_file(app, editor, csv_file, "/en")
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert "何も保存していません。一時的に保存サービスに接続できません" in response.body
    assert 'id="upload-error"' in response.body and 'name="upload"' in response.body
    assert english.status_code == 503
    assert "Nothing was saved. The storage service is temporarily unavailable" in english.body
    for page in (response.body, english.body):
        assert outages.leaks(page) == []
    assert entry(NUMBER, 2025) is None


def test_upload_form_answers_503_with_the_form_when_the_search_service_is_down(app, editor):
    with outages.search():
        response = _post_file(app, editor, build([row(NUMBER, 2025, summary_ja="検索なし")]))
    assert response.status_code == 503 and 'name="upload"' in response.body
    assert "何も保存していません。一時的に検索サービスに接続できません" in response.body
    assert outages.leaks(response.body) == []
    assert entry(NUMBER, 2025) is None


def test_preview_and_apply_pages_answer_503_when_the_storage_service_is_down(app, editor):
    token = tk.get_action("minato_plan_progress_upload_preview")(
        ctx(editor), {"csv": build([row(NUMBER, 2026, summary_ja="後で適用")])})["token"]
    with outages.storage():
        _unavailable_page(app.get(f"{UPLOAD}/{token}", headers=headers(editor)),
                          "一時的に保存サービスに接続できません")
        _unavailable_page(app.get(f"/en{UPLOAD}/{token}", headers=headers(editor)),
                          "The storage service is temporarily unavailable")
        _unavailable_page(app.post(f"{UPLOAD}/{token}/apply", headers=headers(editor)),
                          "何も保存していません")
    assert entry(NUMBER, 2026) is None
    applied = app.post(f"{UPLOAD}/{token}/apply", headers=headers(editor),
                       follow_redirects=False)
    assert applied.status_code == 302
    assert entry(NUMBER, 2026)["summary_ja"] == "後で適用"


def test_upload_api_answers_503_when_the_storage_service_is_down(app, editor):
    token = tk.get_action("minato_plan_progress_upload_preview")(
        ctx(editor), {"csv": build([row(NUMBER, 2024, summary_ja="APIで適用")])})["token"]
    csv_text = build([row(NUMBER, 2024)]).decode("utf-8-sig")
    with outages.storage():
        calls = [("minato_plan_progress_upload_preview", {"csv": csv_text}),
                 ("minato_plan_progress_upload_show", {"token": token}),
                 ("minato_plan_progress_upload_apply", {"token": token})]
        for action, body in calls:
            response = app.post(f"/api/3/action/{action}", json=body, headers=headers(editor))
            _unavailable_api(response, "storage", "一時的に保存サービスに接続できません",
                             "The storage service is temporarily unavailable")
    shown = app.post("/api/3/action/minato_plan_progress_upload_show", json={"token": token},
                     headers=headers(editor))
    assert shown.status_code == 200 and shown.get_json()["result"]["status"] == "ready"


# --- database (PostgreSQL) -----------------------------------------------------------------------

def test_pages_and_api_answer_503_when_the_database_is_down(app):
    with outages.database():
        body = _unavailable_page(app.get("/"), "一時的にデータベースに接続できません")
        english = _unavailable_page(app.get("/en/dataset/"),
                                    "The database is temporarily unavailable")
        api = app.get("/api/3/action/package_show", query_string={"id": initiative_name(1)})
        _unavailable_api(api, "database", "データベース", "database")
    assert '<html lang="ja">' in body and '<html lang="en">' in english
    assert app.get("/api/3/action/package_show",
                   query_string={"id": initiative_name(1)}).status_code == 200


def test_datastore_api_answers_503_when_its_database_is_down(app):
    plan = tk.get_action("package_show")({}, {"id": "minato-plan"})
    resource = next(r for r in plan["resources"] if r.get("datastore_active"))
    with outages.datastore_database():
        response = app.get("/api/3/action/datastore_search",
                           query_string={"resource_id": resource["id"], "limit": 1})
        _unavailable_api(response, "database", "一時的にデータベースに接続できません")
    assert app.get("/api/3/action/datastore_search", query_string={
        "resource_id": resource["id"], "limit": 1}).status_code == 200


# --- a losing save -------------------------------------------------------------------------------

def test_losing_save_of_the_plan_form_answers_409_with_what_was_typed(app):
    first, second = member("editor"), member("editor")
    url = "/plan/edit/minato-plan"
    original = tk.get_action("package_show")({}, {"id": "minato-plan"})
    form_a = form_data(app.get(url, headers=headers(first)).body)
    form_b = form_data(app.get(url, headers=headers(second)).body)
    form_a["notes_translated-en"] = f"Saved by A {uuid.uuid4().hex[:6]}"
    form_b["notes_translated-en"] = "Typed by B"
    form_a["save"] = form_b["save"] = ""
    try:
        assert app.post(url, data=form_a, headers=headers(first),
                        follow_redirects=False).status_code == 302
        response = app.post(url, data=form_b, headers=headers(second))
        assert response.status_code == 409
        assert 'id="minato-version-conflict"' in response.body
        assert "この計画は" in response.body and "上書きを防ぐため保存していません" in response.body
        assert "This plan was changed" in response.body and first["name"] in response.body
        assert value(response.body, "notes_translated-en") == "Typed by B"
        saved = tk.get_action("package_show")({}, {"id": "minato-plan"})
        assert saved["notes_translated"]["en"] == form_a["notes_translated-en"]
    finally:
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        tk.get_action("package_patch")({"user": site["name"], "ignore_auth": True}, {
            "id": "minato-plan", "notes_translated": original["notes_translated"]})
