"""The yearly evaluation's pages through the real app: who may open them, the draft form's
errors at their fields with the input kept, and the steps' buttons each user sees."""
from __future__ import annotations

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from support.plan_names import initiative_name
from support.staff import clear_evaluation, ctx, entry, member

FY = 2025
pytestmark = [pytest.mark.usefixtures("plan_in_place"),
              pytest.mark.ckan_config("ckanext.minato_plan.review.enabled", "true")]


@pytest.fixture(autouse=True)
def clean_year():
    clear_evaluation(FY)


def as_user(user):
    token = factories.APIToken(user=user["name"])
    return {"Authorization": token["token"]}


def test_page_is_for_staff_and_reviewers_only(app):
    assert app.get(f"/plan-review/{FY}", follow_redirects=False).status_code == 302
    outsider = factories.User()
    response = app.get(f"/plan-review/{FY}", headers=as_user(outsider))
    assert response.status_code == 403
    editor = member("editor")
    page = app.get(f"/plan-review/{FY}", headers=as_user(editor))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "年度評価" in body and "下書き" in body and 'id="initiative-39"' in body
    assert 'id="review-submit"' not in body  # nothing to submit yet
    english = app.get(f"/en/plan-review/{FY}", headers=as_user(editor)).get_data(as_text=True)
    assert "Yearly evaluation" in english
    assert app.get("/plan-review/1999", headers=as_user(editor)).status_code == 404
    assert app.get("/plan-review", headers=as_user(editor), follow_redirects=False
                   ).status_code == 302


def test_draft_form_keeps_input_and_names_the_field(app):
    editor = member("editor")
    url = f"/plan-review/{FY}/initiative/12"
    form = app.get(url, headers=as_user(editor))
    assert form.status_code == 200 and 'id="field-status"' in form.get_data(as_text=True)
    response = app.post(url, headers=as_user(editor), data={
        "status": "", "rating": "A", "summary_ja": "入力した実績\x07", "summary_en": "kept"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="error-status"' in body and 'id="error-summary_ja"' in body
    assert "kept" in body and "入力した実績" in body
    assert tk.get_action("minato_plan_evaluation_show")(
        ctx(editor), {"fiscal_year": FY})["draft_count"] == 0
    ok = app.post(url, headers=as_user(editor), data={
        "status": "completed", "rating": "A", "summary_ja": "完了しました", "summary_en": ""},
        follow_redirects=False)
    assert ok.status_code == 302
    page = app.get(f"/plan-review/{FY}", headers=as_user(editor)).get_data(as_text=True)
    assert "完了しました" in page and 'id="review-submit"' in page


def test_steps_shown_to_each_user(app):
    editor, reviewer = member("editor"), member("admin")
    tk.get_action("minato_plan_draft_update")(ctx(editor), {
        "fiscal_year": FY, "initiative": 13, "status": "completed", "rating": "A"})
    response = app.post(f"/plan-review/{FY}/submit", headers=as_user(editor), data={"note": ""},
                        follow_redirects=False)
    assert response.status_code == 302
    reviewer_page = app.get(f"/plan-review/{FY}", headers=as_user(reviewer)).get_data(
        as_text=True)
    assert 'id="review-return"' in reviewer_page and 'id="review-approve"' in reviewer_page
    editor_page = app.get(f"/plan-review/{FY}", headers=as_user(editor)).get_data(as_text=True)
    assert 'id="review-return"' not in editor_page and 'id="review-submit"' not in editor_page
    refused = app.post(f"/plan-review/{FY}/return", headers=as_user(reviewer),
                       data={"note": ""})
    assert refused.status_code == 409 and 'id="review-error"' in refused.get_data(as_text=True)
    assert app.post(f"/plan-review/{FY}/approve", headers=as_user(editor),
                    data={}).status_code == 403
    before = entry(13, FY)
    app.post(f"/plan-review/{FY}/approve", headers=as_user(reviewer), data={})
    assert entry(13, FY) == before
    app.post(f"/plan-review/{FY}/publish", headers=as_user(reviewer), data={})
    assert entry(13, FY)["status"] == "completed"
    activity = app.get(f"/dataset/activity/minato-plan", headers=as_user(editor))
    assert "公開" in activity.get_data(as_text=True)


def test_initiative_form_links_to_the_evaluation_and_keeps_progress(app):
    editor = member("editor")
    name = initiative_name(14)
    tk.get_action("package_patch")(ctx(factories.Sysadmin()), {"id": name, "progress": [
        {"fiscal_year": 2021, "status": "in_progress", "rating": "B"}]})
    before = tk.get_action("package_show")({}, {"id": name})["progress"]
    form = app.get(f"/initiative/edit/{name}", headers=as_user(editor)).get_data(as_text=True)
    assert 'id="progress-by-review"' in form and "/plan-review" in form
    assert 'name="progress-0-fiscal_year"' in form and 'type="hidden"' in form
    sysadmin_form = app.get(f"/initiative/edit/{name}",
                            headers=as_user(factories.Sysadmin())).get_data(as_text=True)
    assert 'id="progress-by-review"' not in sysadmin_form
    assert tk.get_action("package_show")({}, {"id": name})["progress"] == before
