"""The yearly evaluation through its actions, against the real PostgreSQL, Solr, Redis and
DataStore: drafts are seen by staff and reviewers only, the steps follow the states, publishing
writes every draft at once to every output, and each step is in the staff's activity stream."""
from __future__ import annotations

import uuid

import pytest

import ckan.model as model
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from support.plan_names import initiative_name
from support.progress_csv import build, row
from support.staff import clear_evaluation, ctx, entry, member

FY = 2026
pytestmark = [pytest.mark.usefixtures("plan_in_place"),
              pytest.mark.ckan_config("ckanext.minato_plan.review.enabled", "true")]


@pytest.fixture
def editor():
    return member("editor")


@pytest.fixture
def reviewer():
    return member("admin")


def action(name, user, **data):
    return tk.get_action(name)(ctx(user), data)


@pytest.fixture(autouse=True)
def clean_year():
    clear_evaluation(FY)
    yield


def public_outputs(number: int) -> str:
    """What a resident's tools return about initiative ``number``: package_show and search as
    anonymous, the plan's actions, the CSV download and the DataStore table."""
    from ckanext.minato_plan.logic import datastore

    anonymous = {"user": "", "ignore_auth": False}
    parts = [str(tk.get_action("package_show")(dict(anonymous), {"id": initiative_name(number)})),
             str(tk.get_action("package_search")(dict(anonymous), {"q": "*:*", "rows": 100,
                                                                   "fq": "dataset_type:initiative"})),
             str(tk.get_action("minato_plan_progress_list")(dict(anonymous), {"initiative": number})),
             str(tk.get_action("minato_plan_show")(dict(anonymous), {}))]
    for resource_id in datastore.plan_datastore_resources().values():
        parts.append(str(tk.get_action("datastore_search")(
            {"ignore_auth": True}, {"resource_id": resource_id, "limit": 1000})))
    return "\n".join(parts)


def test_draft_is_seen_by_staff_only_until_published(app, editor, reviewer):
    summary = f"下書きの実績 {uuid.uuid4().hex[:8]}"
    before = entry(5, FY)
    result = action("minato_plan_draft_update", editor, fiscal_year=FY, initiative=5,
                    status="completed", rating="A", summary_ja=summary, summary_en="Done")
    assert result == {"state": "draft", "saved": True}
    shown = action("minato_plan_evaluation_show", editor, fiscal_year=FY)
    row5 = next(r for r in shown["initiatives"] if r["initiative_no"] == 5)
    assert row5["draft"]["summary_ja"] == summary and shown["draft_count"] == 1
    assert action("minato_plan_evaluation_show", reviewer, fiscal_year=FY)["draft_count"] == 1
    # nowhere public: the dataset, search, the plan's actions, DataStore, downloads, DCAT
    assert entry(5, FY) == before
    assert summary not in public_outputs(5)
    for url in ("/plan-data/progress.ja.csv", "/plan-data/progress.en.json", "/catalog.ttl",
                f"/dataset/{initiative_name(5)}", f"/dataset/{initiative_name(5)}.ttl",
                "/plan-overview", f"/plan-report/{FY}"):
        response = app.get(url)
        assert response.status_code == 200, url
        assert summary not in response.get_data(as_text=True), url
    # residents and outsiders are refused the evaluation
    with pytest.raises(tk.NotAuthorized):
        action("minato_plan_evaluation_show", None, fiscal_year=FY)
    with pytest.raises(tk.NotAuthorized):
        action("minato_plan_evaluation_show", factories.User(), fiscal_year=FY)
    assert app.get(f"/plan-review/{FY}", follow_redirects=False).status_code in (302, 403)

    # the whole cycle, then it is public everywhere at once
    action("minato_plan_evaluation_submit", editor, fiscal_year=FY)
    action("minato_plan_evaluation_approve", reviewer, fiscal_year=FY)
    assert summary not in public_outputs(5)
    published = action("minato_plan_evaluation_publish", reviewer, fiscal_year=FY)
    assert published["state"] == "published" and published["initiatives"] == [initiative_name(5)]
    assert published["search_index_updated"] is True
    now = entry(5, FY)
    assert (now["status"], now["rating"], now["summary_ja"], now["sample"]) == (
        "completed", "A", summary, False)
    outputs = public_outputs(5)
    assert outputs.count(summary) >= 5, "package_show, search, progress list, plan, DataStore"
    assert summary in app.get("/plan-data/progress.ja.csv").get_data(as_text=True)
    assert summary in app.get(f"/dataset/{initiative_name(5)}").get_data(as_text=True)
    after = action("minato_plan_evaluation_show", editor, fiscal_year=FY)
    assert after["state"] == "published" and after["draft_count"] == 0
    assert [e["step"] for e in after["events"]] == ["save", "submit", "approve", "publish"]


def test_steps_follow_the_states_with_clear_errors(editor, reviewer):
    action("minato_plan_draft_update", editor, fiscal_year=FY, initiative=7,
           status="in_progress", rating="B")
    with pytest.raises(tk.ValidationError) as err:
        action("minato_plan_evaluation_approve", reviewer, fiscal_year=FY)
    assert "下書き" in str(err.value.error_dict) and "draft" in str(err.value.error_dict)
    action("minato_plan_evaluation_submit", editor, fiscal_year=FY, note="ご確認ください")
    # submitted: drafts locked, for the form and the upload alike
    with pytest.raises(tk.ValidationError) as err:
        action("minato_plan_draft_update", editor, fiscal_year=FY, initiative=7,
               status="completed")
    assert "差し戻" in str(err.value.error_dict) and "return it first" in str(err.value.error_dict)
    preview = action("minato_plan_progress_upload_preview", editor,
                     csv=build([row(7, FY, status="completed", rating="A")]))
    assert preview["status"] == "rejected"
    assert preview["problems"][0]["column"] == "fiscal_year" and preview["problems"][0]["row"] == 2
    # a return needs a note, and only a reviewer returns
    with pytest.raises(tk.ValidationError) as err:
        action("minato_plan_evaluation_return", reviewer, fiscal_year=FY, note="  ")
    assert "理由" in str(err.value.error_dict) and "why" in str(err.value.error_dict)
    with pytest.raises(tk.NotAuthorized):
        action("minato_plan_evaluation_return", editor, fiscal_year=FY, note="x")
    with pytest.raises(tk.NotAuthorized):
        action("minato_plan_evaluation_publish", editor, fiscal_year=FY)
    action("minato_plan_evaluation_return", reviewer, fiscal_year=FY, note="指標の実績を追記")
    shown = action("minato_plan_evaluation_show", editor, fiscal_year=FY)
    assert shown["state"] == "returned" and shown["events"][-1]["note"] == "指標の実績を追記"
    action("minato_plan_draft_update", editor, fiscal_year=FY, initiative=7,
           status="completed", rating="A")
    assert action("minato_plan_evaluation_show", editor, fiscal_year=FY)["state"] == "draft"
    action("minato_plan_evaluation_comment", reviewer, fiscal_year=FY, note="了解")
    with pytest.raises(tk.ValidationError):  # not approved yet
        action("minato_plan_evaluation_publish", reviewer, fiscal_year=FY)


def test_bad_draft_is_refused_by_field_and_nothing_is_saved(editor):
    with pytest.raises(tk.ValidationError) as err:
        action("minato_plan_draft_update", editor, fiscal_year=FY, initiative=3,
               status="finished", rating="Z", summary_ja="a\x07b")
    errors = err.value.error_dict
    assert set(errors) == {"status", "rating", "summary_ja"}
    assert "進捗状況" in errors["status"][0] and "Status" in errors["status"][0]
    assert "finished" in errors["status"][0]
    with pytest.raises(tk.ValidationError) as err:
        action("minato_plan_draft_update", editor, fiscal_year=1999, initiative=3,
               status="completed")
    assert "fiscal_year" in err.value.error_dict
    assert action("minato_plan_evaluation_show", editor, fiscal_year=FY)["draft_count"] == 0


def test_staff_cannot_change_published_progress_directly(editor):
    old = entry(9, FY)
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_patch")(ctx(editor), {
            "id": initiative_name(9),
            "progress": [{"fiscal_year": FY, "status": "completed", "rating": "A"}]})
    assert "/plan-review" in str(err.value.error_dict["progress"])
    assert entry(9, FY) == old
    # other fields still save, the progress kept as it is
    tk.get_action("package_patch")(ctx(editor), {"id": initiative_name(9),
                                                 "department_translated": {"ja": "情報政策課", "en": ""}})
    assert entry(9, FY) == old


def test_upload_writes_drafts_not_public_progress(editor):
    old = entry(11, FY)
    summary = f"一括の下書き {uuid.uuid4().hex[:8]}"
    preview = action("minato_plan_progress_upload_preview", editor,
                     csv=build([row(11, FY, status="completed", rating="A", summary_ja=summary)]))
    assert preview["status"] == "ready", preview["problems"]
    result = action("minato_plan_progress_upload_apply", editor, token=preview["token"])
    assert result["drafts"] is True and result["initiatives"] == [initiative_name(11)]
    assert entry(11, FY) == old
    shown = action("minato_plan_evaluation_show", editor, fiscal_year=FY)
    assert next(r for r in shown["initiatives"]
                if r["initiative_no"] == 11)["draft"]["summary_ja"] == summary
    # the same file again changes nothing: it is compared with the drafts
    again = action("minato_plan_progress_upload_preview", editor,
                   csv=build([row(11, FY, status="completed", rating="A", summary_ja=summary)]))
    assert again["changes"] == [] and again["unchanged_rows"] == 1


def test_a_draft_of_the_year_counts_as_recorded_for_the_reminders(editor):
    from ckanext.minato_plan.logic import reminders

    def due_numbers():
        return {d.number for d in reminders.due(FY)[0].due}

    number = next(n for n in range(39, 0, -1) if entry(n, FY) is None)
    assert number in due_numbers()
    action("minato_plan_draft_update", editor, fiscal_year=FY, initiative=number,
           status="in_progress")
    assert number not in due_numbers()


def test_steps_are_in_the_activity_stream_of_staff_only(editor, reviewer):
    from ckanext.activity.model import Activity

    action("minato_plan_draft_update", editor, fiscal_year=FY, initiative=2,
           status="in_progress")
    action("minato_plan_evaluation_submit", editor, fiscal_year=FY)
    plan_id = model.Package.get("minato-plan").id
    steps = [a.data["step"] for a in model.Session.query(Activity)
             .filter(Activity.object_id == plan_id,
                     Activity.activity_type == "evaluated package")
             .order_by(Activity.timestamp)]
    assert steps[-2:] == ["save", "submit"]
    seen = action("package_activity_list", editor, id="minato-plan")
    assert [a["data"]["step"] for a in seen
            if a["activity_type"] == "evaluated package"][:2] == ["submit", "save"]
    anonymous = tk.get_action("package_activity_list")({"user": ""}, {"id": "minato-plan"})
    assert not [a for a in anonymous if a["activity_type"] == "evaluated package"]


@pytest.mark.ckan_config("ckanext.minato_plan.review.reviewers", "group:review-committee")
def test_reviewers_can_be_a_group(editor):
    committee_member = factories.User()
    group = model.Group.get("review-committee") or None
    if group is None:
        factories.Group(name="review-committee",
                        users=[{"name": committee_member["name"], "capacity": "member"}])
    else:
        tk.get_action("group_member_create")({"ignore_auth": True}, {
            "id": "review-committee", "username": committee_member["name"], "role": "member"})
    admin = member("admin")
    action("minato_plan_draft_update", editor, fiscal_year=FY, initiative=4, status="completed")
    action("minato_plan_evaluation_submit", editor, fiscal_year=FY)
    with pytest.raises(tk.NotAuthorized):  # organization admins are not the reviewers now
        action("minato_plan_evaluation_approve", admin, fiscal_year=FY)
    assert action("minato_plan_evaluation_approve", committee_member,
                  fiscal_year=FY)["state"] == "approved"


def test_review_off_staff_save_progress_directly(editor, monkeypatch):
    # (the module's marker turns the review on; this test turns it off again)
    monkeypatch.setitem(tk.config, "ckanext.minato_plan.review.enabled", False)
    with pytest.raises(tk.ValidationError) as err:
        action("minato_plan_draft_update", editor, fiscal_year=FY, initiative=6,
               status="completed")
    assert "public when saved" in str(err.value.error_dict)
    tk.get_action("package_patch")(ctx(editor), {
        "id": initiative_name(6), "progress": [{"fiscal_year": FY, "status": "completed",
                                                "rating": "A"}]})
    assert entry(6, FY)["status"] == "completed"
