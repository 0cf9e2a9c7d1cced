"""Writing progress: reading the initiatives as they are now, and applying new progress to
several initiatives in one database transaction, all or nothing.

Each ``package_patch`` runs with ``defer_commit`` and carries ``if_unmodified_since``, so every
dataset row is locked and its version checked inside the transaction; one commit ends it. Only
after the commit is the search index updated, from the committed rows.
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Callable, Optional

import sqlalchemy as sa

import ckan.logic as logic
import ckan.model as model
from ckan.lib.plugins import get_permission_labels
from ckan.plugins import toolkit as tk

from ..domain.plan import Plan
from . import consistency

log = logging.getLogger(__name__)


def user_of(context: dict[str, Any]) -> Optional[model.User]:
    return model.User.get(context.get("user") or "") if context.get("user") else None


def current_initiatives(context: dict[str, Any], plan: Plan, numbers: set[int]
                        ) -> dict[int, dict[str, Any]]:
    """``plan``'s initiatives as they are now, as plain values, by initiative number.

    Versions (``metadata_modified``) come from the database; the datasets from one
    ``package_search`` (the validated dicts the index keeps, with the user's permissions), and
    from ``package_show`` for any whose index entry is older than the database row."""
    known = {i.number for i in plan.initiatives}
    names = {plan.initiative_name(n): n for n in sorted(numbers & known)}
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


# Namespace of the transaction-scoped advisory locks that serialise the applies of one upload.
_UPLOAD_LOCK_NAMESPACE = 5462


def lock_upload(token: str, wait_seconds: int = 60) -> bool:
    """Take the apply lock of an upload in the session's transaction (PostgreSQL releases it
    when the transaction ends, or when a killed process's connection closes). False when
    another apply still holds it after ``wait_seconds``."""
    key = int.from_bytes(hashlib.sha256(token.encode()).digest()[:4], "big", signed=True)
    session = model.Session
    session.execute(sa.text(f"SET LOCAL lock_timeout = '{int(wait_seconds)}s'"))
    try:
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
                        {"namespace": _UPLOAD_LOCK_NAMESPACE, "key": key})
    except sa.exc.OperationalError:  # lock_timeout
        session.rollback()
        return False
    session.execute(sa.text("SET LOCAL lock_timeout TO DEFAULT"))
    return True


def conflict_message(names: list[str], titles: dict[str, Any]) -> str:
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


def apply_changes(context: dict[str, Any], progress: dict[str, list[dict[str, Any]]],
                  versions: dict[str, str], titles: Optional[dict[str, Any]] = None,
                  before_commit: Optional[Callable[[], None]] = None) -> bool:
    """Write the new progress of several initiatives in one transaction, all or nothing, then
    update their search index entries.

    ``package_patch`` runs with ``defer_commit`` and ``return_id_only`` (CKAN 2.12's
    ``package_update`` then neither commits, nor indexes, nor releases its savepoint; the final
    commit commits them all). Each patch carries ``if_unmodified_since``, so every dataset row
    is locked and its version checked inside the transaction. The activity of each change is
    recorded in the same transaction, and so is whatever ``before_commit`` writes (the
    publication of a reviewed year). With ``ignore_auth`` in ``context`` the patches are the
    portal's own (a reviewer publishing an approved year). Returns whether the search index was updated too (if
    Solr fails after the commit, the change stands and the heal job of :mod:`.consistency`
    catches the index up).
    """
    session = model.Session
    user = user_of(context)
    titles = titles or {}
    shown: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    try:
        for name, entries in progress.items():
            patch_context = {"model": model, "session": session, "user": context.get("user"),
                             "auth_user_obj": user, "defer_commit": True,
                             "return_id_only": True,
                             "ignore_auth": bool(context.get("ignore_auth"))}
            try:
                tk.get_action("package_patch")(patch_context, {
                    "id": name, "progress": entries, "if_unmodified_since": versions[name]})
            except tk.ValidationError as err:
                conflict = err.error_dict.get("if_unmodified_since")
                if conflict:
                    raise tk.ValidationError({"upload": [conflict_message([name], titles)]})
                raise tk.ValidationError({"upload": [
                    f"{name}: {json.dumps(err.error_dict, ensure_ascii=False)}"]})
            # the dataset as committed, for its activity now and for the index after commit
            shown[name] = logic.package_show_default_and_custom_schemas(
                {"model": model, "session": session, "ignore_auth": True},
                model.Package.get(name).id)
            _record_activity(session, name, user, shown[name][1])
        if before_commit is not None:
            before_commit()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    try:
        _reindex(list(shown.values()))
    except Exception:  # the change is committed; the index can be rebuilt from the database
        log.exception("progress upload: committed, but the search index update failed")
        consistency.request_heal()
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
