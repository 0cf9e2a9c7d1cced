"""Actions (registered by ``toolkit.blanket.actions``), each paired with an auth function of the
same name in :mod:`ckanext.minato_plan.logic.auth`.

Staff progress upload, in two steps:

``minato_plan_progress_upload_preview``
    Parses and validates a progress CSV (:mod:`ckanext.minato_plan.upload`), computes what it
    would change against the initiatives as they are now, and keeps the result server-side in
    Redis under a random token (expiring). Nothing is written to the database.
``minato_plan_progress_upload_apply``
    Applies a preview by its token, all or nothing: every affected initiative is re-read, its
    version compared with the one seen at preview time, and all of them are updated in ONE
    database transaction (``package_patch`` with ``defer_commit``, each dataset row locked and
    its ``metadata_modified`` checked by the ``if_unmodified_since`` validator), with one activity
    per initiative; a single commit ends it. Any failure (a version conflict, a validation
    error, an authorization failure at any initiative) rolls back everything. Only after the
    commit is the search index updated, from the committed rows.
``minato_plan_progress_upload_show``
    The stored preview (or rejection) of a token, for its uploader.
"""
from __future__ import annotations

import datetime
import json
import logging
import secrets
from typing import Any, Optional

import ckan.logic as logic
import ckan.model as model
from ckan.lib.plugins import get_permission_labels
from ckan.plugins import toolkit as tk

from .. import upload as upload_module
from ..dcat.logic import dcat_catalog_show  # noqa: F401  (the cached DCAT catalog, chained)
from ..plan import initiative_name, load_plan

__all__ = [
    "minato_plan_progress_upload_preview",
    "minato_plan_progress_upload_show",
    "minato_plan_progress_upload_apply",
    "dcat_catalog_show",
]

STORE_PREFIX = "minato_plan:progress_upload:"
log = logging.getLogger(__name__)


class _Limits:
    @property
    def max_bytes(self) -> int:
        return tk.config.get("ckanext.minato_plan.upload.max_bytes")

    @property
    def max_rows(self) -> int:
        return tk.config.get("ckanext.minato_plan.upload.max_rows")

    @property
    def max_cell_chars(self) -> int:
        return tk.config.get("ckanext.minato_plan.upload.max_cell_chars")

    @property
    def expiry(self) -> int:
        return tk.config.get("ckanext.minato_plan.upload.expiry")


LIMITS = _Limits()


def _redis():
    from ckan.lib.redis import connect_to_redis
    return connect_to_redis()


def _store(token: str, record: dict[str, Any]) -> None:
    _redis().setex(STORE_PREFIX + token, LIMITS.expiry,
                   json.dumps(record, ensure_ascii=False, default=str))


def _load(token: Any) -> dict[str, Any]:
    if not isinstance(token, str) or not token or len(token) > 100:
        raise tk.ObjectNotFound("アップロードが見つかりません。 / Upload not found.")
    raw = _redis().get(STORE_PREFIX + token)
    if raw is None:
        raise tk.ObjectNotFound(
            "このアップロードは見つからないか、有効期限が切れています。もう一度アップロードして"
            "ください。 / This upload does not exist or has expired. Please upload the file "
            "again.")
    return json.loads(raw)


def _user(context: dict[str, Any]) -> Optional[model.User]:
    return model.User.get(context.get("user") or "") if context.get("user") else None


def _read_upload(data_dict: dict[str, Any]) -> tuple[bytes, str]:
    """The uploaded bytes (at most one byte past the size limit) and the file's name."""
    upload = data_dict.get("upload")
    limit = LIMITS.max_bytes + 1
    if upload is not None and hasattr(upload, "read"):
        return upload.read(limit) or b"", getattr(upload, "filename", None) or "upload.csv"
    text = data_dict.get("csv")
    if text is None and isinstance(upload, (str, bytes)):
        text = upload
    if isinstance(text, str):
        return text.encode("utf-8")[:limit], data_dict.get("filename") or "upload.csv"
    if isinstance(text, bytes):
        return text[:limit], data_dict.get("filename") or "upload.csv"
    raise tk.ValidationError({"upload": [
        "CSVファイルを選択してください。 / Choose a CSV file to upload."]})


def _current(context: dict[str, Any], numbers: set[int]) -> dict[int, dict[str, Any]]:
    """The initiatives as they are now, as plain values, by initiative number.

    Versions (``metadata_modified``) come from the database; the datasets from one
    ``package_search`` (the validated dicts the index keeps, with the user's permissions), and
    from ``package_show`` for any whose index entry is older than the database row."""
    known = {i.number for i in load_plan().initiatives}
    names = {initiative_name(n): n for n in sorted(numbers & known)}
    if not names:
        return {}
    rows = (model.Session.query(model.Package.name, model.Package.metadata_modified)
            .filter(model.Package.name.in_(list(names)), model.Package.state == "active",
                    model.Package.type == "initiative").all())
    versions = {name: modified.isoformat() for name, modified in rows}
    search_context = {"model": model, "session": model.Session, "user": context.get("user")}
    found = tk.get_action("package_search")(search_context, {
        "fq": "+dataset_type:initiative +name:(" + " OR ".join(
            f'"{name}"' for name in versions) + ")",
        "rows": len(versions), "include_private": True}) if versions else {"results": []}
    packages = {pkg["name"]: pkg for pkg in found["results"]
                if versions.get(pkg["name"]) == pkg.get("metadata_modified")}
    out: dict[int, dict[str, Any]] = {}
    for name in versions:
        pkg = packages.get(name)
        if pkg is None:  # not indexed yet, or the index is behind: read the database
            show_context = dict(search_context, use_cache=False)
            try:
                pkg = tk.get_action("package_show")(show_context, {"id": name})
            except (tk.ObjectNotFound, tk.NotAuthorized):
                continue
        out[names[name]] = {"name": pkg["name"], "id": pkg["id"],
                            "metadata_modified": versions[name],
                            "progress": pkg.get("progress") or [],
                            "title": pkg.get("title_translated") or {"ja": pkg.get("title")}}
    return out


def _titles(current: dict[int, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["name"]: {"initiative_no": n, "title": d["title"]} for n, d in current.items()}


def _check_update_access(context: dict[str, Any], names: list[str]) -> None:
    refused = []
    for name in names:
        try:
            tk.check_access("package_update", {"user": context.get("user"),
                                               "model": model}, {"id": name})
        except tk.NotAuthorized:
            refused.append(name)
    if refused:
        raise tk.NotAuthorized(
            f"次の取組を更新する権限がありません: {', '.join(refused)} / You may not update: "
            f"{', '.join(refused)}")


def minato_plan_progress_upload_preview(context, data_dict):
    """Validate a progress CSV and show what it would change; nothing is written.

    :param upload: the CSV file (multipart upload), or
    :param csv: the CSV content as a string (UTF-8) or bytes (UTF-8, UTF-8 with BOM, cp932)
    :param filename: the file's name (optional, for display)
    :returns: ``token`` (give it to ``minato_plan_progress_upload_apply``), ``status``
        (``"ready"`` or ``"rejected"``), ``problems`` (row, column, ja, en), ``changes``
        (initiative, fiscal year, field, old, new), ``versions`` (the ``metadata_modified`` of each
        affected initiative), ``encoding``, ``header_language``, ``data_rows``.
    """
    tk.check_access("minato_plan_progress_upload_preview", context, data_dict)
    user = _user(context)
    data, filename = _read_upload(data_dict)
    parsed = upload_module.parse(data, max_bytes=LIMITS.max_bytes, max_rows=LIMITS.max_rows,
                                 max_cell_chars=LIMITS.max_cell_chars)
    problems = list(parsed.problems)
    changes: list[dict[str, Any]] = []
    versions: dict[str, str] = {}
    titles: dict[str, Any] = {}
    unchanged = 0
    if not problems:
        current = _current(context, {e.initiative_no for e in parsed.entries})
        change_set = upload_module.compute_changes(parsed.entries, current, parsed.encoding)
        problems = change_set.problems
        if not problems:
            _check_update_access(context, change_set.initiatives)
        changes = [c.as_dict() for c in change_set.changes]
        # Every initiative the file names, changed or not: if any of them changes before the
        # apply, the preview no longer tells what the apply would do.
        versions = {d["name"]: d["metadata_modified"] for d in current.values()}
        titles = _titles(current)
        unchanged = change_set.unchanged_rows
    token = secrets.token_urlsafe(24)
    record = {
        "token": token,
        "status": "rejected" if problems else "ready",
        "user_id": user.id if user else None,
        "user_name": user.name if user else None,
        "created": datetime.datetime.utcnow().isoformat(),
        "filename": str(filename)[:200],
        "size": len(data),
        "encoding": parsed.encoding,
        "header_language": parsed.header_language,
        "data_rows": parsed.data_rows,
        "problems": [p.as_dict() for p in problems],
        "entries": [] if problems else [e.as_dict() for e in parsed.entries],
        "changes": [] if problems else changes,
        "versions": {} if problems else versions,
        "initiatives": titles,
        "unchanged_rows": unchanged,
    }
    _store(token, record)
    return _public(record)


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "entries"}


def _owned(context: dict[str, Any], record: dict[str, Any]) -> None:
    user = _user(context)
    if user is None or user.id != record.get("user_id"):
        raise tk.NotAuthorized(
            "このアップロードを行った本人だけが確認・適用できます。 / Only the person who "
            "uploaded this file can view or apply it.")


def minato_plan_progress_upload_show(context, data_dict):
    """The stored preview of an upload.

    :param token: the token returned by ``minato_plan_progress_upload_preview``
    """
    tk.check_access("minato_plan_progress_upload_show", context, data_dict)
    record = _load(data_dict.get("token"))
    _owned(context, record)
    return _public(record)


def _conflict_message(names: list[str], titles: dict[str, Any]) -> str:
    def label(name: str, lang: str) -> str:
        info = titles.get(name) or {}
        title = (info.get("title") or {}).get(lang) or name
        return f"{info.get('initiative_no', '?')} {title}"

    return ("プレビューの後に他の編集者が次の取組を更新したため、何も適用していません: "
            + "、".join(label(n, "ja") for n in names)
            + "。もう一度ファイルをアップロードして、最新の内容との差分を確認してください。 / "
            "Nothing was applied: these initiatives were changed by another editor after the "
            "preview: " + "; ".join(label(n, "en") for n in names)
            + ". Upload the file again to review the changes against the latest data.")


def minato_plan_progress_upload_apply(context, data_dict):
    """Apply a previewed upload: all of its changes or none.

    :param token: the token returned by ``minato_plan_progress_upload_preview``
    :returns: ``status`` ``"applied"``, ``initiatives`` (names updated), ``changes`` (count)
    :raises ValidationError: the upload was rejected, already applied, or an initiative changed
        since the preview (nothing is written then)
    """
    tk.check_access("minato_plan_progress_upload_apply", context, data_dict)
    token = data_dict.get("token")
    record = _load(token)
    _owned(context, record)
    if record["status"] == "rejected":
        raise tk.ValidationError({"upload": [
            "このファイルにはエラーがあるため適用できません。エラーを直してもう一度アップロードして"
            "ください。 / This file has errors and cannot be applied. Fix them and upload it "
            "again."]})
    if record["status"] == "applied":
        raise tk.ValidationError({"upload": [
            "このアップロードは既に適用済みです。 / This upload has already been applied."]})

    # Stored values are re-validated, and the change set recomputed from the current data.
    try:
        entries = [upload_module.Entry.from_dict(e) for e in record["entries"]]
    except (KeyError, TypeError, ValueError):
        raise tk.ValidationError({"upload": [
            "保存されたアップロードが壊れています。もう一度アップロードしてください。 / The stored "
            "upload is damaged. Please upload the file again."]})
    current = _current(context, {e.initiative_no for e in entries})
    change_set = upload_module.compute_changes(entries, current, record.get("encoding"))
    versions = record.get("versions") or {}
    by_name = {d["name"]: d for d in current.values()}
    stale = sorted(name for name, seen in versions.items()
                   if by_name.get(name, {}).get("metadata_modified") != seen)
    stale += sorted(set(change_set.initiatives) - set(versions))
    if stale or change_set.problems:
        raise tk.ValidationError({"upload": [_conflict_message(stale, record["initiatives"])]})
    # package_patch checks the user's package_update permission on each initiative again,
    # inside the transaction: a refusal there rolls everything back.

    order = sorted(change_set.initiatives,
                   key=lambda name: record["initiatives"].get(name, {}).get("initiative_no", 0))
    indexed = apply_changes(context, {name: change_set.progress[name] for name in order},
                            versions, record["initiatives"])

    record.update(status="applied", applied=datetime.datetime.utcnow().isoformat(),
                  applied_initiatives=order)
    _store(token, record)
    return {"status": "applied", "token": token, "initiatives": order,
            "changes": len(record["changes"]), "search_index_updated": indexed}


def apply_changes(context: dict[str, Any], progress: dict[str, list[dict[str, Any]]],
                  versions: dict[str, str], titles: Optional[dict[str, Any]] = None) -> bool:
    """Write the new progress of several initiatives in one transaction, all or nothing, then
    update their search index entries.

    ``package_patch`` runs with ``defer_commit`` and ``return_id_only`` (CKAN 2.12's
    ``package_update`` then neither commits, nor indexes, nor releases its savepoint; the final
    commit commits them all). Each patch carries ``if_unmodified_since``, so every dataset row
    is locked and its version checked inside the transaction. The activity of each change is
    recorded in the same transaction. Returns whether the search index was updated too (if
    Solr fails after the commit, the change stands and ``ckan search-index rebuild`` catches
    the index up).
    """
    session = model.Session
    user = _user(context)
    titles = titles or {}
    shown: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    try:
        for name, entries in progress.items():
            patch_context = {"model": model, "session": session, "user": context.get("user"),
                             "auth_user_obj": user, "defer_commit": True,
                             "return_id_only": True}
            try:
                tk.get_action("package_patch")(patch_context, {
                    "id": name, "progress": entries, "if_unmodified_since": versions[name]})
            except tk.ValidationError as err:
                conflict = err.error_dict.get("if_unmodified_since")
                if conflict:
                    raise tk.ValidationError({"upload": [_conflict_message([name], titles)]})
                raise tk.ValidationError({"upload": [
                    f"{name}: {json.dumps(err.error_dict, ensure_ascii=False)}"]})
            # the dataset as committed, for its activity now and for the index after commit
            shown[name] = logic.package_show_default_and_custom_schemas(
                {"model": model, "session": session, "ignore_auth": True},
                model.Package.get(name).id)
            _record_activity(session, name, user, shown[name][1])
        session.commit()
    except BaseException:
        session.rollback()
        raise
    try:
        _reindex(list(shown.values()))
    except Exception:  # the change is committed; the index can be rebuilt from the database
        log.exception("progress upload: committed, but the search index update failed")
        return False
    return True


def _record_activity(session: Any, name: str, user: Optional[model.User],
                     dictized: dict[str, Any]) -> None:
    """The ``changed package`` activity CKAN's activity plugin records after a committed
    ``package_update`` (with the dataset as ``package_show`` gives it), recorded here inside the
    transaction instead."""
    try:
        activity_create = tk.get_action("activity_create")
    except KeyError:  # the activity plugin is not enabled
        return
    if user is None:
        return
    pkg = model.Package.get(name)
    activity_create(
        {"model": model, "session": session, "user": user.name, "ignore_auth": True,
         "defer_commit": True},
        {"user_id": user.id, "object_id": pkg.id, "activity_type": "changed package",
         "data": {"package": dictized, "actor": user.name},
         "permission_labels": get_permission_labels().get_dataset_labels(pkg)})


def _reindex(shown: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Index the committed datasets, then one Solr commit that waits for the new searcher, so
    that searches (and the downloads built from them) see the change when the apply returns."""
    from ckan.lib.search.common import make_connection

    for both in shown:
        logic.index_update_package_dicts(both, defer_commit=True)
    if tk.config.get("ckan.search.solr_commit"):
        make_connection().commit(waitSearcher=True)


# The plan as data (downloads issue): minato_plan_show, minato_plan_progress_list; see
# plan_actions.py (auth functions in plan_auth.py).
from .plan_actions import minato_plan_progress_list, minato_plan_show  # noqa: E402

__all__ += ["minato_plan_show", "minato_plan_progress_list"]
