"""The search index and the plan's DataStore tables follow what the database committed, against
the real PostgreSQL, Solr, Redis and DataStore: a savepoint release or a commit that fails
publishes nothing, and what drifted apart is found and fixed (logic/consistency.py)."""
import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.lib.search.common import make_connection
from ckan.plugins import toolkit as tk

from support.plan_names import initiative_name
from ckanext.minato_plan.logic import consistency
from ckanext.minato_plan.logic import datastore as datastore_sync

FAIL_AT_COMMIT = """
CREATE OR REPLACE FUNCTION minato_test_fail_at_commit() RETURNS trigger AS $$
BEGIN
  IF current_setting('minato_test.fail_at_commit', true) = 'on' THEN
    RAISE EXCEPTION 'injected failure at commit';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS minato_test_fail_at_commit ON package;
CREATE CONSTRAINT TRIGGER minato_test_fail_at_commit AFTER UPDATE ON package
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION minato_test_fail_at_commit();
"""


def _site():
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"]}


def _ds_rows(number, table="progress", lang="ja"):
    rid = datastore_sync.plan_datastore_resources()[(table, lang)]
    return tk.get_action("datastore_search")(
        {}, {"resource_id": rid, "filters": {"initiative_no": number}, "sort": "id",
             "limit": 1000})["records"]


def _indexed(number):
    found = tk.get_action("package_search")(
        {"ignore_auth": True}, {"fq": f'name:"{initiative_name(number)}"',
                                "include_private": True})["results"]
    return found[0] if found else None


def _changed_progress(number, text):
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": initiative_name(number)})
    progress = [dict(e) for e in pkg.get("progress") or []] or [
        {"fiscal_year": 2021, "status": "in_progress", "rating": "-"}]
    progress[0].update(summary_ja=text, summary_en=text)
    return pkg, progress


@pytest.fixture
def fail_at_commit():
    """A deferred constraint trigger that makes COMMIT itself fail when the transaction set
    ``minato_test.fail_at_commit``: after every savepoint was released, as a connection killed
    at commit does."""
    model.Session.execute(sa.text(FAIL_AT_COMMIT))
    model.Session.commit()
    yield lambda: model.Session.execute(
        sa.text("SELECT set_config('minato_test.fail_at_commit', 'on', true)"))
    model.Session.rollback()
    model.Session.execute(sa.text(
        "DROP TRIGGER IF EXISTS minato_test_fail_at_commit ON package"))
    model.Session.commit()


@pytest.mark.usefixtures("plan_in_place")
class TestPublishedOnlyWhenCommitted:

    def test_savepoint_release_publishes_nothing(self):
        before = _ds_rows(31)
        _pkg, progress = _changed_progress(31, "セーブポイント")
        nested = model.Session.begin_nested()
        tk.get_action("package_patch")(dict(_site(), defer_commit=True),
                                       {"id": initiative_name(31), "progress": progress})
        nested.commit()  # RELEASE SAVEPOINT: the transaction is still open
        assert _ds_rows(31) == before
        model.Session.rollback()
        assert _ds_rows(31) == before
        model.Session.commit()
        assert _ds_rows(31) == before

    def test_committed_change_reaches_the_datastore(self):
        _pkg, progress = _changed_progress(32, "確定した変更")
        tk.get_action("package_patch")(_site(), {"id": initiative_name(32),
                                                 "progress": progress})
        assert _ds_rows(32)[0]["summary_ja"] == "確定した変更"

    def test_failed_commit_publishes_nothing_and_the_heal_job_restores_the_index(
            self, fail_at_commit):
        pkg, progress = _changed_progress(33, "コミットで失敗")
        before_rows = _ds_rows(33)
        before_progress = pkg.get("progress")
        fail_at_commit()
        with pytest.raises(sa.exc.DBAPIError, match="injected failure at commit"):
            tk.get_action("package_patch")(_site(), {"id": initiative_name(33),
                                                     "progress": progress})
        model.Session.rollback()
        assert _ds_rows(33) == before_rows
        shown = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False},
                                              {"id": initiative_name(33)})
        assert shown.get("progress") == before_progress
        # CKAN indexes before it commits: the index now shows what was never saved
        assert pkg["id"] in consistency.stale_ids()
        assert consistency.heal()["reindexed"] == 1
        assert _indexed(33).get("progress") == before_progress
        assert pkg["id"] not in consistency.stale_ids()


@pytest.fixture
def heal_queue():
    """Which heal jobs are waiting (a Redis key marks each kind until its job starts)."""
    connection = consistency._redis()
    kinds = ("now", "sweep")
    connection.delete(*(consistency._pending_key(kind) for kind in kinds))
    return lambda: {kind for kind in kinds if connection.exists(consistency._pending_key(kind))}


@pytest.mark.usefixtures("plan_in_place")
class TestHealJobs:

    def test_a_commit_that_succeeded_leaves_its_check_to_the_sweep(self, heal_queue):
        _pkg, progress = _changed_progress(34, "成功した変更")
        saved = tk.get_action("package_patch")(_site(), {"id": initiative_name(34),
                                                         "progress": progress})
        assert saved["id"] in consistency.stale_ids()
        assert heal_queue() == {"sweep"}

    def test_a_failed_datastore_write_queues_a_heal_job_now(self, heal_queue, monkeypatch):
        monkeypatch.setattr(datastore_sync, "write_initiatives", lambda writes: False)
        _pkg, progress = _changed_progress(35, "DataStoreへの書き込みに失敗")
        tk.get_action("package_patch")(_site(), {"id": initiative_name(35),
                                                 "progress": progress})
        assert heal_queue() == {"now", "sweep"}
        monkeypatch.undo()
        summaries = lambda: [row["summary_ja"] for row in _ds_rows(35)]  # noqa: E731
        assert "DataStoreへの書き込みに失敗" not in summaries()
        assert consistency.heal()["tables"] >= 1
        assert "DataStoreへの書き込みに失敗" in summaries()


@pytest.mark.usefixtures("plan_in_place")
class TestRepair:

    def test_check_counts_and_repair_fixes_index_and_tables(self):
        consistency.repair()
        assert consistency.repair(fix=False).counts() == {
            "checked": consistency.repair(fix=False).checked, "reindexed": 0, "removed": 0,
            "tables": 0, "failed": 0}
        # the database changes behind the index's back; a table loses an initiative's rows;
        # the index keeps a document whose dataset is gone
        model.Session.execute(sa.text(
            "UPDATE package SET metadata_modified = now() AT TIME ZONE 'utc' WHERE name = :n"),
            {"n": initiative_name(34)})
        model.Session.commit()
        from ckanext.datastore.backend.postgres import get_write_engine, identifier
        rid = datastore_sync.plan_datastore_resources()[("structure", "en")]
        with get_write_engine().begin() as conn:
            conn.execute(sa.text(f"DELETE FROM {identifier(rid)} WHERE initiative_no = 34"))
        ghost = dict(tk.get_action("package_show")({"ignore_auth": True},
                                                   {"id": initiative_name(35)}))
        ghost_id = "00000000-0000-4000-8000-00000000ghost".replace("ghost", "0000")
        solr = make_connection()
        solr.add([{"id": ghost_id, "site_id": tk.config["ckan.site_id"],
                   "name": "ghost-dataset", "entity_type": "package",
                   "dataset_type": ghost["type"], "metadata_modified": "2020-01-01T00:00:00Z",
                   "index_id": ghost_id, "state": "active", "capacity": "public"}],
                 commit=True)

        check = consistency.repair(fix=False)
        assert check.reindexed == [model.Package.get(initiative_name(34)).id]
        assert check.removed == [ghost_id]
        assert check.tables == ["structure.en"]
        fixed = consistency.repair()
        assert fixed.counts()["failed"] == 0
        assert consistency.repair(fix=False).counts()["reindexed"] == 0
        assert consistency.repair(fix=False).counts()["tables"] == 0
        assert solr.search(f'id:"{ghost_id}"').hits == 0
        assert len(_ds_rows(34, "structure", "en")) == 1
