"""Faults injected into a running portal (real CKAN, PostgreSQL, Solr, Redis, DataStore, and
CKAN's job worker): whatever breaks, the database, the search index and the DataStore end up
agreeing without anyone running a command, nothing half of an upload is ever visible, and
nothing a user was told was saved is lost.

Every test applies the whole plan's progress (39 initiatives x 6 fiscal years, 234 rows) with
its own marker text, then checks where the marker is: in all 39 initiatives or in none."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.plugins import toolkit as tk

from ckanext.minato_plan.logic import consistency
from ckanext.minato_plan.logic import datastore as datastore_sync
from support import progress_csv, staff

pytestmark = pytest.mark.usefixtures("live")
INITIATIVES = 39
SETTLE_SECONDS = 90


@pytest.fixture
def editor():
    user = staff.member("editor")
    return user, staff.headers(user)


def _marker() -> str:
    return "実績" + uuid.uuid4().hex[:8]


def _preview(portal, headers, marker: str) -> str:
    text = progress_csv.full_file(summary_ja=marker).decode("utf-8-sig")
    response = portal.post("minato_plan_progress_upload_preview", {"csv": text}, headers)
    assert response.status_code == 200, response.text[:500]
    result = response.json()["result"]
    assert result["status"] == "ready" and len(result["changes"]) > 0
    return result["token"]


def _fresh() -> None:
    model.Session.remove()


def in_database(marker: str) -> int:
    _fresh()
    found = 0
    for (package_id,) in model.Session.query(model.Package.id).filter(
            model.Package.type == "initiative", model.Package.state == "active"):
        pkg = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False},
                                            {"id": package_id})
        found += any(e.get("summary_ja") == marker for e in pkg.get("progress") or [])
    return found


def in_index(marker: str) -> int:
    results = tk.get_action("package_search")(
        {"ignore_auth": True}, {"fq": "dataset_type:initiative", "rows": 100})["results"]
    return sum(any(e.get("summary_ja") == marker for e in r.get("progress") or [])
               for r in results)


def in_datastore(marker: str) -> int:
    from ckanext.datastore.backend.postgres import get_write_engine, identifier

    _fresh()
    rid = datastore_sync.plan_datastore_resources()[("progress", "ja")]
    with get_write_engine().connect() as conn:
        return conn.execute(sa.text(
            f"SELECT count(DISTINCT initiative_no) FROM {identifier(rid)} "
            "WHERE summary_ja = :m"), {"m": marker}).scalar()


def where(marker: str) -> tuple[int, int, int]:
    return in_database(marker), in_index(marker), in_datastore(marker)


def settled(timeout: float = SETTLE_SECONDS) -> float:
    """Seconds until the index and the DataStore agree with the database again, by the job
    worker alone (nobody runs a repair)."""
    started = time.monotonic()
    while True:
        _fresh()
        report = consistency.repair(fix=False)
        counts = report.counts()
        if not (counts["reindexed"] or counts["removed"] or counts["tables"]):
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            example = (report.reindexed or report.removed or [None])[0]
            versions = example and (consistency._database_versions([example]),
                                    consistency._indexed_versions([example]))
            raise AssertionError(f"still apart after {timeout} s: {counts}; e.g. {versions}")
        time.sleep(1)


def _apply_in_background(portal, headers, token: str) -> dict:
    outcome: dict = {}

    def run():
        try:
            outcome["response"] = portal.post("minato_plan_progress_upload_apply",
                                              {"token": token}, headers)
        except Exception as err:  # the server was killed
            outcome["error"] = err

    thread = threading.Thread(target=run)
    thread.start()
    outcome["thread"] = thread
    return outcome


def _all_or_nothing(marker: str) -> int:
    db, index, ds = where(marker)
    assert db in (0, INITIATIVES)
    assert (db, index, ds) == (db, db, db), f"database {db}, index {index}, DataStore {ds}"
    return db


def test_connection_killed_at_commit_publishes_nothing(live, editor, slow_commit, committing_backend):
    user, headers = editor
    marker = _marker()
    token = _preview(live, headers, marker)
    slow_commit(5)
    outcome = _apply_in_background(live, headers, token)
    pid = committing_backend()
    model.Session.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    model.Session.commit()
    outcome["thread"].join(60)
    response = outcome["response"]
    assert response.status_code in (500, 503)
    assert "127.0.0.1" not in response.text
    assert where(marker) == (0, 0, 0)
    settled()
    assert where(marker) == (0, 0, 0)
    # the same token applies once the database is back
    model.Session.execute(sa.text("DELETE FROM minato_test_fault"))
    model.Session.commit()
    again = live.post("minato_plan_progress_upload_apply", {"token": token}, headers)
    assert again.status_code == 200, again.text[:500]
    assert again.json()["result"]["status"] == "applied"
    assert where(marker) == (INITIATIVES,) * 3


def test_ckan_killed_at_commit_heals_and_a_retry_says_already_applied(live, editor,
                                                                       slow_commit, committing_backend):
    user, headers = editor
    marker = _marker()
    token = _preview(live, headers, marker)
    slow_commit(3)
    outcome = _apply_in_background(live, headers, token)
    committing_backend()
    live.kill_web()
    outcome["thread"].join(60)
    assert "response" not in outcome  # the user was told nothing
    time.sleep(4)  # the orphaned COMMIT finishes (or not) on its own
    settled()
    saved = _all_or_nothing(marker)
    live.start()
    model.Session.execute(sa.text("DELETE FROM minato_test_fault"))
    model.Session.commit()
    again = live.post("minato_plan_progress_upload_apply", {"token": token}, headers)
    assert again.status_code == 200, again.text[:500]
    result = again.json()["result"]
    if saved:
        assert result["status"] == "already_applied"
        assert result["applied_by"] == user["name"]
    else:
        assert result["status"] == "applied"
    assert where(marker) == (INITIATIVES,) * 3
    settled()


def test_solr_stalled_after_commit_the_change_stands_and_the_index_catches_up(
        live, editor, slow_commit, solr_stalled, committing_backend):
    stall, resume = solr_stalled
    user, headers = editor
    marker = _marker()
    token = _preview(live, headers, marker)
    slow_commit(2)
    outcome = _apply_in_background(live, headers, token)
    committing_backend()
    stall()  # Solr freezes while the commit is under way: the index update after it waits
    outcome["thread"].join(90)
    response = outcome["response"]
    assert response.status_code == 200, response.text[:500]
    result = response.json()["result"]
    assert result["status"] == "applied"
    assert result["search_index_updated"] is False
    resume()
    assert in_database(marker) == INITIATIVES  # told saved: saved
    seconds = settled()
    assert where(marker) == (INITIATIVES,) * 3, seconds
    served = live.post("package_search", {"fq": "dataset_type:initiative", "rows": 100},
                       {}).json()["result"]["results"]
    assert sum(any(e.get("summary_ja") == marker for e in r.get("progress") or [])
               for r in served) == INITIATIVES


def test_solr_stopped_a_change_is_refused_whole_and_clearly(live, editor, service_control):
    stop, start = service_control
    user, headers = editor
    marker = _marker()
    token = _preview(live, headers, marker)
    stop("solr")
    response = live.post("minato_plan_progress_upload_apply", {"token": token}, headers)
    assert response.status_code in (409, 500, 503)
    assert "8983" not in response.text and "solr/" not in response.text.lower()
    pkg_id = staff.show(12)["id"]
    patched = live.post("package_patch", {"id": pkg_id, "notes": marker}, headers)
    assert patched.status_code != 200
    start("solr")
    settled()
    assert where(marker) == (0, 0, 0)
    again = live.post("minato_plan_progress_upload_apply", {"token": token}, headers)
    assert again.status_code == 200, again.text[:500]
    assert where(marker) == (INITIATIVES,) * 3


def test_redis_stopped_a_saved_change_is_everywhere(live, editor, service_control):
    stop, start = service_control
    user, headers = editor
    pkg = staff.show(13)
    progress = [dict(e) for e in pkg.get("progress") or []] or [
        {"fiscal_year": 2021, "status": "in_progress", "rating": "-"}]
    marker = _marker()
    progress[0]["summary_ja"] = marker
    stop("redis")
    try:
        patched = live.post("package_patch", {"id": pkg["id"], "progress": progress}, headers)
        upload = live.post("minato_plan_progress_upload_preview", {"csv": "x"}, headers)
    finally:
        start("redis")
    assert upload.status_code in (500, 503)
    assert "6380" not in upload.text
    if patched.status_code == 200:
        assert where(marker) == (1, 1, 1)
    else:
        assert where(marker) == (0, 0, 0)
    settled()


def test_postgres_restarted_between_preview_and_apply(live, editor, service_control):
    stop, start = service_control
    user, headers = editor
    marker = _marker()
    token = _preview(live, headers, marker)
    stop("postgres")
    start("postgres")
    _fresh()
    model.meta.engine.dispose()
    response = live.post("minato_plan_progress_upload_apply", {"token": token}, headers)
    if response.status_code != 200:  # a connection the pool still held: refused, not half-done
        assert response.status_code in (500, 503)
        assert where(marker) == (0, 0, 0)
        response = live.post("minato_plan_progress_upload_apply", {"token": token}, headers)
    assert response.status_code == 200, response.text[:500]
    assert where(marker) == (INITIATIVES,) * 3
    settled()


def test_double_submission_applies_once(live, editor):
    user, headers = editor
    marker = _marker()
    token = _preview(live, headers, marker)
    first = _apply_in_background(live, headers, token)
    second = _apply_in_background(live, headers, token)
    first["thread"].join(120)
    second["thread"].join(120)
    statuses = sorted(o["response"].json()["result"]["status"] for o in (first, second))
    assert statuses == ["already_applied", "applied"]
    activity = tk.get_action("package_activity_list")(
        {"ignore_auth": True}, {"id": staff.show(1)["id"], "limit": 5})
    assert sum(a["user_id"] == user["id"] for a in activity) == 1
    assert where(marker) == (INITIATIVES,) * 3
