"""The search index and the plan's DataStore tables follow the database, and catch up by
themselves when a write was interrupted.

CKAN writes a dataset to PostgreSQL, Solr and (for the plan's initiatives) the DataStore in
separate steps; a crash, a stalled Solr or a killed connection between them leaves them apart.
Three things keep them together:

- **At commit.** Session listeners note every dataset a transaction creates, updates or deletes.
  Just before the *outermost* transaction commits (never on a savepoint release) the ids go into
  a Redis hash of datasets to verify, each with the PostgreSQL transaction id that changed it;
  a heal job is scheduled
  ``heal.sweep_delay`` seconds ahead (it runs even if this process dies), and the initiatives'
  DataStore rows are read from the transaction; once it has committed, those rows are written.
  A heal job is queued to run at once only when something after the commit failed (the
  DataStore write, or the search index update of a progress upload, :func:`request_heal`): a
  commit whose every step succeeded is verified by the sweep, so a burst of writes costs the
  worker one job, not one per commit. A rolled back or killed transaction writes nothing to the
  DataStore; its ids are verified by the sweep and found in order.
- **The heal job** (:func:`heal`, on CKAN's RQ worker, ``ckan jobs worker``) verifies every id in
  the set: the dataset is reindexed when Solr's copy is not the database's and the plan's
  DataStore tables are rewritten when they differ. An id leaves the hash once the transaction
  that changed it has ended (``txid_status``: committed or aborted) and it was verified after
  that, so a transaction still committing (or orphaned by a killed process) is never forgotten;
  a sweep is scheduled while any remain. Failures (Solr down) are retried with a growing delay. Each
  kind of heal job (now, sweep, retry) waits in the queue once at most.
- **The repair** (:func:`repair`, ``ckan minato-plan repair``, run by ``make up``) compares every
  dataset of the database with the index and every plan table with the database, and fixes what
  differs; ``--check`` only counts.
"""
from __future__ import annotations

import dataclasses
import datetime
import logging
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy import event

import ckan.model as model
from ckan.plugins import toolkit as tk

from .. import config
from ..domain.identifiers import PLAN_DATASET_TYPES
from ..domain.text import json_copy
from . import datastore

log = logging.getLogger(__name__)

_TOUCHED = "minato_plan_touched"
_WRITES = "minato_plan_datastore_writes"
_SHOWN = "minato_plan_shown"
_UNPREPARED = "minato_plan_unprepared"
HEAL_JOB_TITLE = "minato_plan heal: reindex and resync changed datasets"
RETRY_DELAYS = (5, 15, 30, 60, 120, 300)


def _site_id() -> str:
    return str(tk.config.get("ckan.site_id") or "default")


def stale_key() -> str:
    return f"minato_plan:{_site_id()}:to-verify"


def _redis():
    from ckan.lib.redis import connect_to_redis
    return connect_to_redis()


# --- at commit ---------------------------------------------------------------------------------

def dataset_touched(pkg_dict: dict[str, Any]) -> None:
    """Called by the IPackageController hooks for every dataset created, updated or deleted."""
    key = pkg_dict.get("id") or pkg_dict.get("name")
    if key:
        model.Session.info.setdefault(_TOUCHED, set()).add(key)


def dataset_shown(pkg_dict: dict[str, Any]) -> None:
    """Called by the ``after_dataset_show`` hook: while the transaction has changed datasets,
    keep the last validated dict shown of each initiative. ``package_update`` shows the
    dataset it saved (for the search index) before it commits, so the DataStore rows read at
    commit need no second ``package_show`` (:func:`datastore.initiative_writes` checks that
    the dict is still the saved dataset's)."""
    info = model.Session.info
    if info.get(_TOUCHED) and pkg_dict.get("type") == "initiative" and pkg_dict.get("id"):
        info.setdefault(_SHOWN, {})[pkg_dict["id"]] = json_copy(pkg_dict)


def _ids(keys: Iterable[str]) -> set[str]:
    out = set()
    for key in keys:
        pkg = model.Package.get(key)
        if pkg is not None:
            out.add(pkg.id)
    return out


def _before_commit(session: Any) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outer transaction may still roll back
    touched = session.info.get(_TOUCHED)
    if not touched:
        return
    try:
        ids = _ids(touched)
        mark_stale(ids, session.execute(sa.text("SELECT txid_current()")).scalar())
        schedule_sweep()
        session.info[_WRITES] = datastore.initiative_writes(ids, session.info.pop(_SHOWN, {}))
    except Exception:  # never stop the commit: the heal job or the repair catches up
        log.exception("could not prepare the DataStore rows of a commit")
        session.info[_UNPREPARED] = True


def _after_commit(session: Any) -> None:
    if session.in_nested_transaction():
        return
    touched = session.info.pop(_TOUCHED, None)
    writes = session.info.pop(_WRITES, None)
    unprepared = session.info.pop(_UNPREPARED, False)
    session.info.pop(_SHOWN, None)
    written = datastore.write_initiatives(writes) if writes else True
    if touched and (unprepared or not written):
        request_heal()


def _after_transaction_end(session: Any, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost transaction ended without committing
        for key in (_TOUCHED, _WRITES, _SHOWN, _UNPREPARED):
            session.info.pop(key, None)


def register_listeners() -> None:
    """Called once by the plugin's ``IConfigurable.configure``."""
    for name, listener in (("before_commit", _before_commit), ("after_commit", _after_commit),
                           ("after_transaction_end", _after_transaction_end)):
        if not event.contains(model.Session, name, listener):
            event.listen(model.Session, name, listener)


def mark_stale(package_ids: Iterable[str], txid: Optional[int] = None) -> None:
    """List datasets to verify, with the transaction that changes them (0: none)."""
    ids = list(package_ids)
    if not ids:
        return
    try:
        _redis().hset(stale_key(), mapping={i: str(txid or 0) for i in ids})
    except Exception:  # Redis down: the repair at start-up compares everything anyway
        log.exception("could not record %d dataset(s) to verify", len(ids))


def _stale_entries() -> dict[str, str]:
    return {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes)
                                                           else v)
            for k, v in _redis().hgetall(stale_key()).items()}


def stale_ids() -> set[str]:
    """The datasets waiting to be verified."""
    return set(_stale_entries())


# Deletes a field only if it still holds the value read (a newer transaction may have listed the
# dataset again meanwhile).
_FORGET = """
local removed = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i]); removed = removed + 1
  end
end
return removed
"""


def _ended(txids: set[str]) -> set[str]:
    """The transaction ids (as text) that are no longer in progress."""
    numbers = sorted({int(t) for t in txids if t.isdigit() and int(t) > 0})
    ended = {t for t in txids if not t.isdigit() or int(t) <= 0}
    if numbers:
        rows = model.Session.execute(sa.text(
            "SELECT t, txid_status(t) FROM unnest(CAST(:txids AS bigint[])) AS t"),
            {"txids": numbers}).all()
        model.Session.commit()
        ended |= {str(t) for t, status in rows if status != "in progress"}
    return ended


def _pending_key(kind: str) -> str:
    return f"minato_plan:{_site_id()}:heal-{kind}"


def _enqueue(kind: str, delay: int = 0, attempt: int = 0) -> None:
    """Queue (or schedule) a heal job of one kind, unless one of that kind is already waiting
    (a Redis key marks it until the job starts)."""
    from ckan.lib import jobs

    try:
        connection = _redis()
        if not connection.set(_pending_key(kind), "1", nx=True, ex=delay + 600):
            return
        queue = jobs.get_queue()
        options = {"description": HEAL_JOB_TITLE, "result_ttl": 600, "failure_ttl": 86400}
        if delay > 0:
            queue.enqueue_in(datetime.timedelta(seconds=delay), heal, attempt, kind,
                             **options)
        else:
            queue.enqueue_call(heal, args=(attempt, kind), **options)
    except Exception:  # the repair at start-up, or the next write, picks the ids up
        log.exception("could not queue the heal job (%s)", kind)


def request_heal() -> None:
    """Queue a heal job to run now: a step after a commit failed (the sweep would find it
    too, ``heal.sweep_delay`` seconds later)."""
    _enqueue("now")


def schedule_sweep(delay: Optional[int] = None) -> None:
    _enqueue("sweep", delay=config.heal_sweep_delay() if delay is None else delay)


# --- the heal job ------------------------------------------------------------------------------

def heal(attempt: int = 0, kind: Optional[str] = None) -> dict[str, int]:
    """Verify (and fix) every dataset waiting; forget those whose transaction had ended before
    they were verified; retry later while any could not be fixed."""
    connection = _redis()
    if kind:
        connection.delete(_pending_key(kind))
    entries = _stale_entries()
    if not entries:
        return Report().counts()
    ended = _ended(set(entries.values()))
    report = verify(set(entries))
    if report.failed:
        delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
        log.warning("heal: %d dataset(s) not in order yet; retrying in %d s",
                    len(report.failed), delay)
        _enqueue("retry", delay=delay, attempt=attempt + 1)
        return report.counts()
    _forget({i: tx for i, tx in entries.items() if tx in ended})
    if connection.hlen(stale_key()):
        schedule_sweep()
    log.info("heal (%s): %s", kind, report.counts())
    return report.counts()


def _forget(entries: dict[str, str]) -> None:
    if entries:
        args = [x for pair in entries.items() for x in pair]
        _redis().eval(_FORGET, 1, stale_key(), *args)


@dataclasses.dataclass
class Report:
    checked: int = 0
    reindexed: list[str] = dataclasses.field(default_factory=list)
    removed: list[str] = dataclasses.field(default_factory=list)
    tables: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"checked": self.checked, "reindexed": len(self.reindexed),
                "removed": len(self.removed), "tables": len(self.tables),
                "failed": len(self.failed)}


def _indexed_versions(package_ids: Optional[list[str]] = None) -> dict[str, datetime.datetime]:
    """``{id: metadata_modified}`` of this site's documents in Solr (all, or the given ids)."""
    from ckan.lib.search.common import make_connection

    solr = make_connection(decode_dates=False)
    fq = [f'+site_id:"{_site_id()}"']
    if package_ids is not None:
        if not package_ids:
            return {}
        # the terms parser: no limit of boolean clauses however many datasets a sweep verifies
        fq.append("{!terms f=id}" + ",".join(package_ids))
    out: dict[str, datetime.datetime] = {}
    rows = 1000
    while True:
        result = solr.search("*:*", fq=fq, fl="id,metadata_modified", rows=rows,
                             start=len(out), sort="id asc")
        for doc in result.docs:
            out[doc["id"]] = _parse_solr_date(doc.get("metadata_modified"))
        if not result.docs or len(out) >= result.hits:
            return out


def _parse_solr_date(value: Any) -> Optional[datetime.datetime]:
    if not value:
        return None
    text = str(value).rstrip("Z")
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return None


def _same_version(db: Optional[datetime.datetime], solr: Optional[datetime.datetime]) -> bool:
    """Solr keeps milliseconds, PostgreSQL microseconds."""
    if db is None or solr is None:
        return db is solr
    return db.replace(microsecond=db.microsecond // 1000 * 1000) == solr


def _database_versions(package_ids: Optional[list[str]] = None
                       ) -> dict[str, datetime.datetime]:
    """``{id: metadata_modified}`` of the datasets the index should hold."""
    query = model.Session.query(model.Package.id, model.Package.metadata_modified)
    if tk.asbool(tk.config.get("ckan.search.remove_deleted_packages")):
        query = query.filter(model.Package.state != "deleted")
    if package_ids is not None:
        query = query.filter(model.Package.id.in_(package_ids))
    return {package_id: modified for package_id, modified in query}


def verify(package_ids: Optional[Iterable[str]] = None, fix: bool = True) -> Report:
    """Compare the database with Solr (the given datasets, or all) and the plan's DataStore
    tables with the database; with ``fix``, reindex, remove and rewrite what differs."""
    from ckan.lib import search

    ids = None if package_ids is None else sorted(set(package_ids))
    report = Report()
    try:
        database = _database_versions(ids)
        indexed = _indexed_versions(ids)
    except Exception:
        log.exception("verify: the database or the index cannot be read")
        report.failed = list(ids or ["*"])
        return report
    report.checked = len(set(database) | set(ids or []))
    for package_id, modified in sorted(database.items()):
        if _same_version(modified, indexed.get(package_id)) and package_id in indexed:
            continue
        report.reindexed.append(package_id)
        if fix:
            try:
                search.rebuild(package_id)
            except Exception:
                log.exception("verify: reindexing %s failed", package_id)
                report.failed.append(package_id)
    for package_id in sorted(set(indexed) - set(database)):
        report.removed.append(package_id)
        if fix:
            try:
                search.index_for(model.Package).remove_dict({"id": package_id})
            except Exception:
                log.exception("verify: removing %s from the index failed", package_id)
                report.failed.append(package_id)
    try:
        tables = datastore.differing_tables() if _touches_plan(ids) else []
        for table_name, lang, resource_id in tables:
            report.tables.append(f"{table_name}.{lang}")
            if fix:
                datastore.refresh_table(table_name, lang, resource_id)
    except Exception:
        log.exception("verify: the DataStore tables could not be compared or rewritten")
        report.failed.append("datastore")
    if fix and (report.reindexed or report.removed):
        try:
            from ckan.lib.search.common import make_connection
            make_connection().commit(waitSearcher=True)
        except Exception:
            log.exception("verify: Solr commit failed")
            report.failed.append("solr-commit")
    return report


def _touches_plan(package_ids: Optional[list[str]]) -> bool:
    if package_ids is None:
        return True
    return bool(package_ids) and model.Session.query(model.Package.id).filter(
        model.Package.id.in_(package_ids),
        model.Package.type.in_(PLAN_DATASET_TYPES)).first() is not None


def repair(fix: bool = True) -> Report:
    """Everything: every dataset against the index, every plan table against the database;
    then the datasets waiting to be verified are settled."""
    try:
        entries = _stale_entries() if fix else {}
        ended = _ended(set(entries.values()))
    except Exception:
        log.exception("repair: could not read the datasets waiting to be verified")
        entries, ended = {}, set()
    report = verify(None, fix=fix)
    if fix and not report.failed:
        try:
            _forget({i: tx for i, tx in entries.items() if tx in ended})
        except Exception:
            log.exception("repair: could not update the datasets waiting to be verified")
    return report
