"""CSRF protection of every cookie-authenticated write of the portal (CKAN's own forms, the plan's
forms, the Action API), whatever requests came before, and the SameSite attribute of the login
cookies. Real CKAN, PostgreSQL, Solr and Redis; users log in through CKAN's login form.

CKAN 2.12 exempts a view from CSRF checks for the rest of the process once an anonymous or
API-token request reaches it: each test makes such a request to the view first."""
from __future__ import annotations

import re
import uuid

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from support.plan_names import ORGANIZATION_NAME, initiative_name

from support.html_forms import form_data
from support.progress_csv import build, row
from support.staff import ctx, show

pytestmark = [pytest.mark.ckan_config("WTF_CSRF_ENABLED", True),
              pytest.mark.usefixtures("plan_in_place")]

PASSWORD = "Correct-Horse-Battery-9"
NUMBER = 33


def _token(body: str) -> str:
    match = re.search(r'name="_csrf_token" (?:value|content)="([^"]+)"', body)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def _admin() -> dict:
    user = factories.User(password=PASSWORD)
    tk.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": ORGANIZATION_NAME, "username": user["name"],
                                "role": "admin"})
    return user


def _log_in(app, user) -> None:
    """Log in as a browser does: the login page, then its form with the token."""
    page = app.get("/user/login")
    response = app.post("/user/login", data={
        "login": user["name"], "password": PASSWORD, "remember": "63072000",
        "_csrf_token": _token(page.body)}, follow_redirects=False)
    assert response.status_code == 302, response.body
    assert app.get("/dashboard/datasets", follow_redirects=False).status_code == 200


def _anonymous_visit(app, url: str, method: str = "get") -> None:
    """A request without cookies (CKAN exempts the view it reaches from CSRF checks)."""
    getattr(app.test_client(use_cookies=False), method)(url)


def _site() -> dict:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"],
            "ignore_auth": True}


def _api_token_headers(user) -> dict:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _refused(response) -> None:
    assert response.status_code == 400, (response.status_code, response.body[:300])
    assert "CSRF" in response.body and "トークン" in response.body


def _refused_api(response) -> None:
    assert response.status_code == 403, (response.status_code, response.body[:300])
    body = response.get_json()
    assert body["success"] is False and body["error"]["__type"] == "Authorization Error"
    assert "CSRF" in body["error"]["message"] and "トークン" in body["error"]["message"]


@pytest.fixture
def admin(app):
    user = _admin()
    _log_in(app, user)
    return user


# --- login and cookies --------------------------------------------------------------------------

def test_login_form_works_and_its_cookies_are_same_site(app):
    user = _admin()
    page = app.get("/user/login")
    response = app.post("/user/login", data={
        "login": user["name"], "password": PASSWORD, "remember": "63072000",
        "_csrf_token": _token(page.body)}, follow_redirects=False)
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    assert "SameSite=Lax" in cookies[tk.config["REMEMBER_COOKIE_NAME"]]
    assert "SameSite=Lax" in cookies[tk.config["SESSION_COOKIE_NAME"]]
    assert user["name"] in app.get("/dashboard/datasets").body


def test_login_post_without_token_is_refused_cookie_or_not(app):
    user = _admin()
    _anonymous_visit(app, "/user/login")
    bare = app.test_client(use_cookies=False)
    form = {"login": user["name"], "password": PASSWORD}
    _refused(bare.post("/user/login", data=form, follow_redirects=False))
    app.get("/user/login")  # the visitor's session cookie
    _refused(app.post("/user/login", data=form, follow_redirects=False))
    assert app.get("/dashboard/datasets", follow_redirects=False).status_code == 302  # not in


# --- CKAN's forms -------------------------------------------------------------------------------

def test_initiative_delete_needs_the_token(app, admin):
    name = initiative_name(NUMBER)
    url = f"/initiative/delete/{name}"
    _anonymous_visit(app, url)
    _anonymous_visit(app, url, "post")
    _refused(app.post(url, data={"delete": ""}, follow_redirects=False))
    assert show(NUMBER)["state"] == "active"
    token = _token(app.get(url).body)
    try:
        assert app.post(url, data={"_csrf_token": token},
                        follow_redirects=False).status_code == 302
        assert tk.get_action("package_show")({"ignore_auth": True}, {"id": name})["state"] \
            == "deleted"
    finally:
        tk.get_action("package_patch")(_site(), {"id": name, "state": "active"})
    assert show(NUMBER)["state"] == "active"


def test_initiative_resource_new_needs_the_token(app, admin):
    name = initiative_name(NUMBER)
    url = f"/initiative/{name}/resource/new"
    _anonymous_visit(app, url)
    before = [r["id"] for r in show(NUMBER)["resources"]]
    page = app.get(url).body
    form = form_data(page, "resource-edit")
    form.update(name=f"new-{uuid.uuid4().hex[:6]}", url="http://example.com/x.csv",
                save="go-metadata")
    forged = {k: v for k, v in form.items() if k != "_csrf_token"}
    _refused(app.post(url, data=forged, follow_redirects=False))
    assert [r["id"] for r in show(NUMBER)["resources"]] == before
    assert form["_csrf_token"] == _token(page)
    assert app.post(url, data=form, follow_redirects=False).status_code == 302
    added = [r for r in show(NUMBER)["resources"] if r["id"] not in before]
    assert [r["name"] for r in added] == [form["name"]]
    tk.get_action("resource_delete")(_site(), {"id": added[0]["id"]})


def test_api_token_create_needs_the_token(app, admin):
    url = f"/user/{admin['name']}/api-tokens"
    _anonymous_visit(app, url)
    _anonymous_visit(app, url, "post")

    def tokens():
        return [t["name"] for t in tk.get_action("api_token_list")(
            {"ignore_auth": True}, {"user": admin["name"]})]

    _refused(app.post(url, data={"name": "forged"}, follow_redirects=False))
    assert "forged" not in tokens()
    response = app.post(url, data={"name": "mine", "_csrf_token": _token(app.get(url).body)},
                        follow_redirects=False)
    assert response.status_code == 200 and "mine" in tokens()


def test_organization_member_new_needs_the_token(app, admin):
    outsider = factories.User()
    url = f"/organization/member_new/{ORGANIZATION_NAME}"
    _anonymous_visit(app, url)
    _anonymous_visit(app, url, "post")

    def role():
        members = tk.get_action("member_list")(
            {"ignore_auth": True}, {"id": ORGANIZATION_NAME, "object_type": "user"})
        return {m[0]: m[2] for m in members}.get(outsider["id"])

    form = {"username": outsider["name"], "role": "editor"}
    _refused(app.post(url, data=form, follow_redirects=False))
    assert role() is None
    form["_csrf_token"] = _token(app.get(url).body)
    assert app.post(url, data=form, follow_redirects=False).status_code == 302
    assert role() == "Editor"
    tk.get_action("organization_member_delete")(
        _site(), {"id": ORGANIZATION_NAME, "username": outsider["name"]})


def test_ordinary_dataset_edit_needs_the_token(app, admin):
    org = tk.get_action("organization_show")({"ignore_auth": True}, {"id": ORGANIZATION_NAME})
    dataset = factories.Dataset(owner_org=org["id"], title="元の題名")
    url = f"/dataset/edit/{dataset['name']}"
    _anonymous_visit(app, url)
    form = form_data(app.get(url).body)
    form.update(title="偽の題名", save="")
    forged = {k: v for k, v in form.items() if k != "_csrf_token"}
    _refused(app.post(url, data=forged, follow_redirects=False))
    assert tk.get_action("package_show")({}, {"id": dataset["id"]})["title"] == "元の題名"
    form["title"] = "新しい題名"
    assert app.post(url, data=form, follow_redirects=False).status_code == 302
    assert tk.get_action("package_show")({}, {"id": dataset["id"]})["title"] == "新しい題名"


def test_the_remember_cookie_alone_is_checked_too(app, admin):
    url = f"/user/{admin['name']}/api-tokens"
    _anonymous_visit(app, url)
    domain = tk.config["SESSION_COOKIE_DOMAIN"]
    app.client.delete_cookie(tk.config["SESSION_COOKIE_NAME"], domain=domain)
    assert app.client.get_cookie(tk.config["REMEMBER_COOKIE_NAME"], domain=domain)
    _refused(app.post(url, data={"name": "forged-remember"}, follow_redirects=False))
    assert "forged-remember" not in [t["name"] for t in tk.get_action("api_token_list")(
        {"ignore_auth": True}, {"user": admin["name"]})]


# --- Action API ---------------------------------------------------------------------------------

def test_api_with_the_cookie_needs_the_header(app, admin):
    name = initiative_name(NUMBER)
    url = "/api/3/action/package_patch"
    _anonymous_visit(app, url, "post")
    # an API-token call reaches the view first, too
    assert app.test_client(use_cookies=False).post(
        url, json={"id": name}, headers=_api_token_headers(admin)).status_code == 200
    before = show(NUMBER)["notes_translated"]
    _refused_api(app.post(url, json={"id": name, "notes_translated": {
        "ja": "偽", "en": "Forged"}}))
    assert show(NUMBER)["notes_translated"] == before
    token = _token(app.get("/dataset/").body)
    response = app.post(url, json={"id": name, "notes_translated": dict(before, en="Patched")},
                        headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.body
    assert show(NUMBER)["notes_translated"]["en"] == "Patched"
    app.post(url, json={"id": name, "notes_translated": before}, headers={"X-CSRFToken": token})


def test_progress_upload_apply_api_with_the_cookie_needs_the_header(app, admin):
    url = "/api/3/action/minato_plan_progress_upload_apply"
    _anonymous_visit(app, url, "post")
    marker = uuid.uuid4().hex
    preview = tk.get_action("minato_plan_progress_upload_preview")(
        ctx(admin), {"csv": build([row(NUMBER, 2023, summary_en=marker)])})
    assert preview["status"] == "ready"
    _refused_api(app.post(url, json={"token": preview["token"]}))
    assert marker not in str(show(NUMBER).get("progress"))
    response = app.post(url, json={"token": preview["token"]},
                        headers={"X-CSRFToken": _token(app.get("/dataset/").body)})
    assert response.status_code == 200 and response.get_json()["result"]["status"] == "applied"
    assert marker in str(show(NUMBER)["progress"])


def test_api_token_calls_work_with_or_without_cookies(app, admin):
    name = initiative_name(NUMBER)
    url = "/api/3/action/package_patch"
    headers = _api_token_headers(admin)
    bare = app.test_client(use_cookies=False)
    assert bare.post(url, json={"id": name}, headers=headers).status_code == 200
    # the logged-in browser's cookies travel too: the API token identifies the caller
    assert app.post(url, json={"id": name}, headers=headers).status_code == 200


def test_anonymous_cookieless_api_posts_work(app):
    bare = app.test_client(use_cookies=False)
    response = bare.post("/api/3/action/package_search",
                         json={"fq": "dataset_type:initiative", "rows": 0})
    assert response.status_code == 200 and response.get_json()["result"]["count"] == 39
    response = bare.post("/api/3/action/minato_plan_progress_list", json={"initiative": NUMBER})
    assert response.status_code == 200 and response.get_json()["success"] is True
