"""The progress upload actions against real PostgreSQL, Solr and Redis: preview writes nothing,
apply writes all or nothing (database, search index, activity stream), versions are checked."""
from __future__ import annotations

import uuid

import pytest

import ckan.model as model
from ckan.plugins import toolkit as tk

from ckanext.minato_plan.logic import progress_writes as upload_action
from support.plan_names import initiative_name

from support.progress_csv import build, full_file, row
from support.staff import ctx, member, show  # noqa: F401 (fixture)
from support.staff import entry as _entry

pytestmark = pytest.mark.usefixtures("plan_in_place")


@pytest.fixture
def editor():
    return member("editor")


def preview(user, data: bytes, filename="progress.csv"):
    return tk.get_action("minato_plan_progress_upload_preview")(
        ctx(user), {"csv": data, "filename": filename})


def apply(user, token):
    return tk.get_action("minato_plan_progress_upload_apply")(ctx(user), {"token": token})


def snapshot():
    """Progress and version of all 39 initiatives in the database, and what Solr returns."""
    db = {n: (show(n).get("progress"), show(n)["metadata_modified"]) for n in range(1, 40)}
    solr = tk.get_action("package_search")({}, {
        "fq": "dataset_type:initiative", "rows": 100, "fl": "name,metadata_modified,progress_count"})
    return db, sorted((r["name"], r["metadata_modified"]) for r in solr["results"])


def activity_count(number) -> int:
    from ckanext.activity.model import Activity

    pkg = model.Package.get(initiative_name(number))
    return model.Session.query(Activity).filter(Activity.object_id == pkg.id).count()


def test_preview_lists_changes_and_writes_nothing(editor):
    before = snapshot()
    old = _entry(27, 2023)
    rating = "C" if old and old["rating"] == "A" else "A"
    summary = f"オープンデータを追加公開（髙橋） {uuid.uuid4().hex[:6]}"
    data = build([row(27, 2023, rating=rating, summary_ja=summary),
                  row(32, 2022, status="completed", rating="B")], encoding="cp932")
    result = preview(editor, data)
    assert result["status"] == "ready" and result["encoding"] == "cp932"
    changes = {(c["initiative_no"], c["fiscal_year"], c["field"]): (c["old"], c["new"])
               for c in result["changes"]}
    assert changes[(27, 2023, "rating")] == (old and old["rating"], rating)
    assert changes[(27, 2023, "summary_ja")] == (old and old["summary_ja"], summary)
    assert all(c["row"] in (2, 3) for c in result["changes"])
    assert "entries" not in result
    assert snapshot() == before
    shown = tk.get_action("minato_plan_progress_upload_show")(ctx(editor),
                                                             {"token": result["token"]})
    assert shown["changes"] == result["changes"]


def test_apply_updates_database_index_and_activity_stream(editor):
    activities = activity_count(27)
    data = build([row(27, 2023, rating="A", summary_en=f"More datasets ({uuid.uuid4().hex})"),
                  row(27, 2024, status="under_study", rating="-")], lang="en", encoding="utf-8")
    token = preview(editor, data)["token"]
    result = apply(editor, token)
    assert result["status"] == "applied" and result["initiatives"] == [initiative_name(27)]

    progress = {e["fiscal_year"]: e for e in show(27)["progress"]}
    assert progress[2023]["rating"] == "A"
    assert progress[2023]["summary_en"].startswith("More datasets (")
    assert progress[2024]["status"] == "under_study"
    found = tk.get_action("package_search")({}, {"fq": "rating_2023:A", "rows": 100})
    assert initiative_name(27) in [r["name"] for r in found["results"]]
    found = tk.get_action("package_search")({}, {"fq": "status_2024:under_study", "rows": 100})
    assert initiative_name(27) in [r["name"] for r in found["results"]]

    activity = tk.get_action("package_activity_list")(
        {"ignore_auth": True}, {"id": initiative_name(27)})
    assert activity_count(27) == activities + 1
    assert activity[0]["activity_type"] == "changed package"
    assert activity[0]["user_id"] == editor["id"]
    assert activity[0]["timestamp"]

    again = apply(editor, token)
    assert again["status"] == "already_applied"
    assert again["applied_by"] == editor["name"]
    assert again["initiatives"] == [initiative_name(27)]
    assert activity_count(27) == activities + 1  # nothing applied twice


def test_whole_plan_39_by_6_applies_in_one_go(editor):
    marker = uuid.uuid4().hex[:8]
    data = full_file(encoding="cp932", summary_ja=f"実績 {marker}")
    token = preview(editor, data)["token"]
    assert apply(editor, token)["initiatives"] == [initiative_name(n) for n in range(1, 40)]
    for number in (1, 20, 39):
        progress = show(number)["progress"]
        assert [e["fiscal_year"] for e in progress] == list(range(2021, 2027))
        assert {e["summary_ja"] for e in progress} == {f"実績 {marker}"}
    assert tk.get_action("package_search")({}, {"fq": "progress_count:6"})["count"] == 39
    assert tk.get_action("package_search")({}, {"q": marker})["count"] == 39
    # The same file again changes nothing.
    again = preview(editor, data)
    assert again["changes"] == [] and again["unchanged_rows"] == 234


def test_failure_in_the_middle_leaves_all_39_unchanged_in_db_solr_and_activity(editor):
    """apply_changes is the atomic core: a version conflict at the 20th initiative (after 19
    patches ran inside the transaction) rolls everything back."""
    before = snapshot()
    activities = [activity_count(n) for n in (1, 19, 20, 39)]
    progress = {initiative_name(n): [{"fiscal_year": 2025, "status": "completed", "rating": "A",
                                      "summary_ja": "", "summary_en": "", "sample": False}]
                for n in range(1, 40)}
    versions = {name: show(n)["metadata_modified"]
                for n, name in ((n, initiative_name(n)) for n in range(1, 40))}
    versions[initiative_name(20)] = "2001-01-01T00:00:00"  # someone else's newer change
    with pytest.raises(tk.ValidationError) as err:
        upload_action.apply_changes(ctx(editor), progress, versions)
    assert initiative_name(20) in str(err.value.error_dict) or "20" in str(err.value.error_dict)
    assert snapshot() == before
    assert [activity_count(n) for n in (1, 19, 20, 39)] == activities


def test_invalid_value_in_the_middle_leaves_all_unchanged(editor):
    before = snapshot()
    progress = {initiative_name(n): [{"fiscal_year": 2025, "status": "completed", "rating": "A"}]
                for n in range(1, 40)}
    progress[initiative_name(20)] = [{"fiscal_year": 2030, "status": "completed", "rating": "A"}]
    versions = {initiative_name(n): show(n)["metadata_modified"] for n in range(1, 40)}
    with pytest.raises(tk.ValidationError) as err:
        upload_action.apply_changes(ctx(editor), progress, versions)
    assert "2030" in str(err.value.error_dict)
    assert snapshot() == before


def test_change_by_another_editor_after_the_preview_is_not_overwritten(editor):
    marker = uuid.uuid4().hex
    five = show(5).get("progress")
    token = preview(editor, build([row(5, 2023, summary_en=marker),
                                   row(6, 2023, summary_en=marker)]))["token"]
    other = member("editor")
    tk.get_action("package_patch")(ctx(other), {"id": initiative_name(6), "progress": [
        {"fiscal_year": 2023, "status": "completed", "rating": "C"}]})
    kept = show(6)
    with pytest.raises(tk.ValidationError) as err:
        apply(editor, token)
    message = str(err.value.error_dict["upload"][0])
    assert "Nothing was applied" in message and "何も適用していません" in message
    assert "6 " in message
    assert show(6)["progress"] == kept["progress"]
    assert show(5).get("progress") == five


def test_unchanged_row_that_changed_since_the_preview_is_a_conflict_too(editor):
    """A row the preview showed as 'no change' must not silently revert someone's edit."""
    marker = uuid.uuid4().hex
    first = preview(editor, build([row(7, 2023, rating="A", summary_en=marker)]))
    apply(editor, first["token"])
    token = preview(editor, build([row(7, 2023, rating="A", summary_en=marker),
                                   row(8, 2023, summary_en=marker)]))["token"]
    tk.get_action("package_patch")(ctx(member("admin")), {"id": initiative_name(7), "progress": [
        {"fiscal_year": 2023, "status": "in_progress", "rating": "C"}]})
    with pytest.raises(tk.ValidationError):
        apply(editor, token)
    assert show(7)["progress"][0]["rating"] == "C"


def test_rejected_file_cannot_be_applied_and_errors_are_kept(editor):
    before = snapshot()
    result = preview(editor, build([row(1, 2027), row(2, 2023, rating="S"), row(1, 2027)]))
    assert result["status"] == "rejected" and result["changes"] == []
    assert {(p["row"], p["column"]) for p in result["problems"]} >= {
        (2, "fiscal_year"), (3, "rating")}
    with pytest.raises(tk.ValidationError):
        apply(editor, result["token"])
    assert snapshot() == before


def test_only_the_uploader_sees_and_applies_a_preview(editor):
    before = show(9).get("progress")
    token = preview(editor, build([row(9, 2023, summary_en=uuid.uuid4().hex)]))["token"]
    other = member("editor")
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("minato_plan_progress_upload_show")(ctx(other), {"token": token})
    with pytest.raises(tk.NotAuthorized):
        apply(other, token)
    assert show(9).get("progress") == before


def test_unknown_or_expired_token(editor):
    with pytest.raises(tk.ObjectNotFound):
        apply(editor, "no-such-token")


def test_sample_flag_round_trips(editor):
    first = preview(editor, build([row(10, 2022, sample="true")]))
    if first["changes"]:
        apply(editor, first["token"])
    assert _entry(10, 2022)["sample"] is True
    result = preview(editor, build([row(10, 2022, sample="false")]))
    assert [(c["field"], c["old"], c["new"]) for c in result["changes"]] == [
        ("sample", True, False)]
