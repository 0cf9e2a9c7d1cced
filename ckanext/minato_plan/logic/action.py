"""Actions (registered by ``toolkit.blanket.actions``), each paired with an auth function of the
same name in :mod:`ckanext.minato_plan.logic.auth`.

The plan as data, read-only: ``minato_plan_show`` (the whole plan, guidelines → measures →
initiatives with their current progress) and ``minato_plan_progress_list`` (progress records,
filtered). Both are built from one paged ``package_search``, so callers see only the initiatives
a search shows them.

Staff progress upload, in two steps:

``minato_plan_progress_upload_preview``
    Parses and validates a progress CSV, computes what it would change against the initiatives
    as they are now, and keeps the result server-side (:mod:`.upload_store`). Nothing is written
    to the database.
``minato_plan_progress_upload_apply``
    Applies a preview by its token, all or nothing (:mod:`.progress_writes`): every affected
    initiative is re-read, its version compared with the one seen at preview time, and all of
    them are updated in one database transaction.
``minato_plan_progress_upload_show``
    The stored preview (or rejection) of a token, for its uploader.

The yearly evaluation (with ``ckanext.minato_plan.review.enabled``, :mod:`.review`): staff
save drafts of a fiscal year's progress (``minato_plan_draft_update``) and submit the year;
reviewers return it with a note, approve it and publish it; anyone of them comments.
``minato_plan_evaluation_show`` gives the year's state, drafts and history to staff and
reviewers.

``dcat_catalog_show`` chains ckanext-dcat's catalog with a cache any dataset change invalidates.
``package_search``, ``package_create``, ``package_update`` and ``package_delete`` are CKAN's,
chained to raise :class:`.services.ServiceUnavailable` when Solr cannot be reached.
"""
from __future__ import annotations

import datetime
import logging
import secrets
from typing import Any

import ckan.model as model
from ckan.plugins import toolkit as tk

from .. import config
from ..dcat import cache as dcat_cache
from ..domain import api, labels, progress
from ..domain.progress_upload import changes as upload_changes
from ..domain.progress_upload import parsing as upload_parsing
from ..domain.text import clean_text, is_blank
from ..domain import review as review_rules
from ..domain import rules
from . import plan_cache, plans, review, upload_store
from .initiatives import search_initiatives
from .progress_writes import (apply_changes, conflict_message, current_initiatives,
                              lock_upload, user_of)
from .services import (ServiceUnavailable, package_create, package_delete, package_search,
                       package_update)

log = logging.getLogger(__name__)

__all__ = [
    "minato_plan_show",
    "minato_plan_progress_list",
    "minato_plan_progress_upload_preview",
    "minato_plan_progress_upload_show",
    "minato_plan_progress_upload_apply",
    "minato_plan_evaluation_show",
    "minato_plan_draft_update",
    "minato_plan_evaluation_submit",
    "minato_plan_evaluation_return",
    "minato_plan_evaluation_approve",
    "minato_plan_evaluation_publish",
    "minato_plan_evaluation_comment",
    "dcat_catalog_show",
    "package_search",
    "package_create",
    "package_update",
    "package_delete",
]


def _initiatives_for(context: dict[str, Any], plan: Any) -> list[dict[str, Any]]:
    return search_initiatives({"user": context.get("user"),
                               "auth_user_obj": context.get("auth_user_obj")}, plan=plan)


def _plan_param(data_dict: dict[str, Any]):
    """The plan a call names (``plan_id``), else the current plan; an unknown one is refused."""
    plan_id = data_dict.get("plan_id")
    if plan_id in (None, ""):
        return plans.current()
    plan = plans.get(plan_id if isinstance(plan_id, str) else None)
    if plan is None:
        raise tk.ValidationError({"plan_id": [plans.unknown(plan_id)]})
    return plan


@tk.side_effect_free
def minato_plan_show(context, data_dict):
    """The whole plan as guidelines → measures → initiatives, each initiative with its current
    (latest recorded) progress, names and labels in Japanese and English.

    :param plan_id: the plan (its dataset name); the current plan when not given
    Returns ``id``, ``title``, ``municipality``, ``period``, ``fiscal_years``, ``statuses``,
    ``ratings``, ``initiative_count``, ``current_status_counts`` and ``guidelines`` (each with
    ``measures``, each with ``initiatives``)."""
    tk.check_access("minato_plan_show", context, data_dict)
    plan = _plan_param(data_dict)
    return plan_cache.cached_result(
        "minato_plan_show", context, plan.id,
        lambda: api.plan_hierarchy(_initiatives_for(context, plan), plan))


@tk.side_effect_free
def minato_plan_progress_list(context, data_dict):
    """Yearly progress records, optionally filtered.

    :param plan_id: the plan (its dataset name); the current plan when not given
    :param initiative: initiative number (27), dataset name (minato-plan-initiative-27) or ID
        (131032JK027)
    :param fiscal_year: fiscal year, 2021–2026
    :param guideline: guideline number, 1–4
    :param measure: measure code, e.g. ``2-1``
    :returns: ``{"count": n, "results": [...]}``; each record has ``id`` (131032JK027-2023),
        ``initiative_id``, ``initiative_no``, ``initiative_name`` (ja/en), ``dataset_name``,
        ``guideline_no``, ``measure_code``, ``fiscal_year``, ``fiscal_year_label`` (ja/en),
        ``status`` and ``status_label`` (ja/en), ``rating`` and ``rating_label`` (ja/en),
        ``summary_ja``, ``summary_en`` (the results), ``challenges_ja``, ``challenges_en``,
        ``next_steps_ja``, ``next_steps_en``, ``evidence_links`` (a list of addresses) and
        ``sample``."""
    tk.check_access("minato_plan_progress_list", context, data_dict)
    plan = _plan_param(data_dict)
    filters, errors = api.progress_filters(data_dict, plan)
    if errors:
        raise tk.ValidationError(errors)

    def build() -> dict[str, Any]:
        results = api.progress_list(_initiatives_for(context, plan), filters, plan)
        return {"count": len(results), "results": results}
    return plan_cache.cached_result("minato_plan_progress_list", context,
                                    dict(filters, plan_id=plan.id), build)


def _read_upload(data_dict: dict[str, Any]) -> tuple[bytes, str]:
    """The uploaded bytes (at most one byte past the size limit) and the file's name."""
    upload = data_dict.get("upload")
    limit = config.upload_limits().max_bytes + 1
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
        (``"ready"`` or ``"rejected"``), ``problems`` (row, column, ja, en: the first
        ``upload.max_problems``, then one saying how many more), ``problem_count`` (all of
        them), ``changes``
        (initiative, fiscal year, field, old, new), ``versions`` (the ``metadata_modified`` of each
        affected initiative), ``encoding``, ``header_language``, ``data_rows``.
    """
    tk.check_access("minato_plan_progress_upload_preview", context, data_dict)
    user = user_of(context)
    data, filename = _read_upload(data_dict)
    limits = config.upload_limits()
    plan = _plan_param(data_dict)
    parsed = upload_parsing.parse(data, plan, max_bytes=limits.max_bytes,
                                  max_rows=limits.max_rows, max_cell_chars=limits.max_cell_chars)
    problems = list(parsed.problems)
    changes: list[dict[str, Any]] = []
    versions: dict[str, str] = {}
    titles: dict[str, Any] = {}
    unchanged = 0
    if not problems:
        current = _compared_with(context, plan, {e.initiative_no for e in parsed.entries})
        change_set = upload_changes.compute_changes(parsed.entries, current, parsed.encoding)
        problems = change_set.problems + _locked_rows(plan, parsed.entries)
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
        "plan_id": plan.id,
        "drafts": config.review_enabled(),
        "status": "rejected" if problems else "ready",
        "user_id": user.id if user else None,
        "user_name": user.name if user else None,
        "created": datetime.datetime.utcnow().isoformat(),
        "filename": str(filename)[:200],
        "size": len(data),
        "encoding": parsed.encoding,
        "header_language": parsed.header_language,
        "data_rows": parsed.data_rows,
        "problems": [p.as_dict() for p in upload_parsing.capped(problems, limits.max_problems)],
        "problem_count": len(problems),
        "entries": [] if problems else [e.as_dict() for e in parsed.entries],
        "changes": [] if problems else changes,
        "versions": {} if problems else versions,
        "initiatives": titles,
        "unchanged_rows": unchanged,
    }
    upload_store.store(token, record)
    return _public(record)


def _compared_with(context: dict[str, Any], plan: Any, numbers: set[int]
                   ) -> dict[int, dict[str, Any]]:
    """The initiatives an upload is compared with: as they are, or, with the yearly review,
    as their drafts would publish them (an upload then writes drafts)."""
    current = current_initiatives(context, plan, numbers)
    return review.with_drafts(plan, current) if config.review_enabled() else current


def _locked_rows(plan: Any, entries: list[Any]) -> list[Any]:
    """With the yearly review, a problem for each row of a fiscal year submitted or approved
    (its drafts are locked until a reviewer returns it)."""
    if not config.review_enabled():
        return []
    locked = review.locked_years(plan, {e.fiscal_year for e in entries})
    problems = []
    for entry in entries:
        if entry.fiscal_year in locked:
            err = review_rules.locked_message(locked[entry.fiscal_year], entry.fiscal_year)
            problems.append(upload_parsing.Problem(err.ja, err.en, row=entry.row,
                                                   column="fiscal_year"))
    return problems


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "entries"}


def _owned(context: dict[str, Any], record: dict[str, Any]) -> None:
    user = user_of(context)
    if user is None or user.id != record.get("user_id"):
        raise tk.NotAuthorized(
            "このアップロードを行った本人だけが確認・適用できます。 / Only the person who "
            "uploaded this file can view or apply it.")


def minato_plan_progress_upload_show(context, data_dict):
    """The stored preview of an upload.

    :param token: the token returned by ``minato_plan_progress_upload_preview``
    """
    tk.check_access("minato_plan_progress_upload_show", context, data_dict)
    record = upload_store.load(data_dict.get("token"))
    _owned(context, record)
    return _public(record)


def minato_plan_progress_upload_apply(context, data_dict):
    """Apply a previewed upload: all of its changes or none.

    Applying is idempotent: a second submission of the same token (a double click, a retry
    after a timeout or a crash) waits for the first, and then answers ``already_applied`` with
    who applied it and when, instead of applying anything again.

    :param token: the token returned by ``minato_plan_progress_upload_preview``
    :returns: ``status`` (``"applied"`` or ``"already_applied"``), ``initiatives`` (names
        updated), ``changes`` (count), ``applied`` (UTC time), ``applied_by`` (user name)
    :raises ValidationError: the upload was rejected, is being applied by another request, or
        an initiative changed since the preview (nothing is written then)
    """
    tk.check_access("minato_plan_progress_upload_apply", context, data_dict)
    token = data_dict.get("token")
    record = upload_store.load(token)
    _owned(context, record)
    if not lock_upload(token):
        raise tk.ValidationError({"upload": [
            "このアップロードは別の操作で適用中です。しばらくしてから画面を再読み込みしてください。"
            " / This upload is being applied by another request. Reload the page in a "
            "moment."]})
    try:
        return _apply_held(context, token, upload_store.load(token))
    finally:
        model.Session.rollback()  # ends the transaction (and the lock) when nothing committed


def _already_applied(token: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"status": "already_applied", "token": token,
            "initiatives": record.get("applied_initiatives") or [],
            "changes": len(record.get("changes") or []),
            "applied": record.get("applied"), "applied_by": record.get("applied_by"),
            "search_index_updated": True}


def _apply_held(context: dict[str, Any], token: str, record: dict[str, Any]) -> dict[str, Any]:
    if record["status"] == "rejected":
        raise tk.ValidationError({"upload": [
            "このファイルにはエラーがあるため適用できません。エラーを直してもう一度アップロードして"
            "ください。 / This file has errors and cannot be applied. Fix them and upload it "
            "again."]})
    if record["status"] == "applied":
        return _already_applied(token, record)

    # Stored values are re-validated, and the change set recomputed from the current data.
    try:
        plan = plans.get(record.get("plan_id")) or plans.current()
        entries = [upload_parsing.Entry.from_dict(e, plan) for e in record["entries"]]
    except (KeyError, TypeError, ValueError):
        raise tk.ValidationError({"upload": [
            "保存されたアップロードが壊れています。もう一度アップロードしてください。 / The stored "
            "upload is damaged. Please upload the file again."]})
    if bool(record.get("drafts")) != config.review_enabled():
        raise tk.ValidationError({"upload": [
            "プレビューの後に年度評価の設定が変わりました。もう一度アップロードしてください。 / The "
            "yearly evaluation was switched since the preview. Upload the file again."]})
    current = _compared_with(context, plan, {e.initiative_no for e in entries})
    change_set = upload_changes.compute_changes(entries, current, record.get("encoding"))
    if record["status"] == "applying" and not change_set.problems and not change_set.initiatives \
            and record.get("changes"):
        # An earlier request committed this upload and stopped before recording it.
        versions_now = [d["metadata_modified"] for d in current.values()]
        record.update(status="applied", applied=max(versions_now, default=record["applying"]),
                      applied_by=record.get("applying_by"),
                      applied_initiatives=sorted(record.get("versions") or {}))
        upload_store.store(token, record)
        return _already_applied(token, record)
    versions = record.get("versions") or {}
    by_name = {d["name"]: d for d in current.values()}
    stale = sorted(name for name, seen in versions.items()
                   if by_name.get(name, {}).get("metadata_modified") != seen)
    stale += sorted(set(change_set.initiatives) - set(versions))
    if record.get("drafts") and not stale and \
            [c.as_dict() for c in change_set.changes] != record.get("changes"):
        stale = sorted({c.name for c in change_set.changes} ^ set(
            c["name"] for c in record.get("changes") or [])) or sorted(change_set.initiatives)
    if stale or change_set.problems:
        raise tk.ValidationError({"upload": [conflict_message(stale, record["initiatives"])]})
    # package_patch checks the user's package_update permission on each initiative again,
    # inside the transaction: a refusal there rolls everything back.

    order = sorted(change_set.initiatives,
                   key=lambda name: record["initiatives"].get(name, {}).get("initiative_no", 0))
    user = user_of(context)
    # Recorded first, so that a retry after a crash at commit can tell whether it committed.
    record.update(status="applying", applying=datetime.datetime.utcnow().isoformat(),
                  applying_by=user.name if user else None)
    upload_store.store(token, record)
    try:
        if record.get("drafts"):
            indexed = _save_upload_drafts(context, plan, change_set, current)
        else:
            indexed = apply_changes(context, {name: change_set.progress[name]
                                              for name in order},
                                    versions, record["initiatives"])
    except (tk.ValidationError, review_rules.ReviewError) as err:
        # refused inside the transaction: nothing was written
        record.update(status="ready")
        upload_store.store(token, record)
        if isinstance(err, review_rules.ReviewError):
            raise tk.ValidationError({"upload": [str(err)]})
        raise
    record.update(status="applied", applied=datetime.datetime.utcnow().isoformat(),
                  applied_by=user.name if user else None, applied_initiatives=order)
    try:
        upload_store.store(token, record)
    except ServiceUnavailable:  # committed: a retry finds the record "applying" and no change
        log.warning("progress upload %s applied, but its record could not be updated", token)
    return {"status": "applied", "token": token, "initiatives": order,
            "changes": len(record["changes"]), "applied": record["applied"],
            "applied_by": record["applied_by"], "search_index_updated": indexed,
            "drafts": bool(record.get("drafts"))}


def _save_upload_drafts(context: dict[str, Any], plan: Any, change_set: Any,
                        current: dict[int, dict[str, Any]]) -> bool:
    """An upload's changes saved as drafts of their fiscal years, all or none; the public
    progress is untouched (nothing to index)."""
    by_year: dict[int, dict[int, dict[str, Any]]] = {}
    for change in change_set.changes:
        entry = next(e for e in change_set.progress[change.name]
                     if int(e["fiscal_year"]) == change.fiscal_year)
        by_year.setdefault(change.fiscal_year, {})[change.initiative_no] = entry
    published = current_initiatives({"user": context.get("user")}, plan,
                                    {n for year in by_year.values() for n in year})
    review.save_drafts(context, plan, by_year,
                       {n: d["progress"] for n, d in published.items()})
    return True


def _fiscal_year_param(data_dict: dict[str, Any], plan: Any) -> int:
    try:
        return rules.fiscal_year(data_dict.get("fiscal_year"), plan)
    except rules.FieldError as err:
        raise tk.ValidationError({"fiscal_year": [str(err)]})


def _review_on() -> None:
    if not config.review_enabled():
        raise tk.ValidationError({"review": [
            "このポータルでは年度評価（下書き・審査）を使っていません。進捗は保存すると公開されます。"
            " / This portal does not use the yearly evaluation: progress is public when saved."]})


def _review_error(err: review_rules.ReviewError) -> tk.ValidationError:
    return tk.ValidationError({"review": [str(err)]})


@tk.side_effect_free
def minato_plan_evaluation_show(context, data_dict):
    """A fiscal year's evaluation for the plan's staff and reviewers: its state, every
    initiative's published progress of the year beside its draft, and the history of steps.

    :param plan_id: the plan; the current plan when not given
    :param fiscal_year: the fiscal year
    :returns: ``plan_id``, ``fiscal_year``, ``state`` and ``state_label`` (ja/en),
        ``initiatives`` (``initiative_no``, ``name``, ``title``, ``measure_code``,
        ``published``, ``draft``, ``changed_fields``), ``draft_count``, ``events`` (``step``,
        ``state``, ``user``, ``note``, ``initiatives``, ``created``)"""
    tk.check_access("minato_plan_evaluation_show", context, data_dict)
    plan = _plan_param(data_dict)
    fiscal_year = _fiscal_year_param(data_dict, plan)
    current = current_initiatives({"user": context.get("user"), "ignore_auth": True}, plan,
                                  {i.number for i in plan.initiatives})
    rows = review_rules.rows(
        [{"number": n, "name": d["name"], "title": d["title"],
          "measure_code": plan.initiative(n).measure_code, "progress": d["progress"]}
         for n, d in current.items()],
        fiscal_year, review.drafts_of(plan.id, fiscal_year))
    state = review.state_of(plan.id, fiscal_year) or review_rules.DRAFT
    return {
        "plan_id": plan.id, "fiscal_year": fiscal_year, "state": state,
        "state_label": review_rules.STATES[state].as_dict(),
        "draft_count": sum(1 for r in rows if r.draft is not None),
        "initiatives": [{"initiative_no": r.number, "name": r.name, "title": r.title,
                         "measure_code": r.measure_code, "published": r.published,
                         "draft": r.draft, "changed_fields": list(r.changed_fields)}
                        for r in rows],
        "events": [{"step": e["step"], "state": e["state"], "user": e["user_name"],
                    "user_display_name": e["user_display_name"], "note": e["note"],
                    "initiatives": e["initiatives"], "created": e["created"].isoformat()}
                   for e in review.events_of(plan.id, fiscal_year)],
    }


def _narrative_check(field: str):
    label = labels.NARRATIVE_LABELS[field]
    return lambda v: rules.free_text(clean_text(v), config.max_text_chars(), label.ja, label.en)


def draft_values(data_dict: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A draft's status, rating and summaries from ``data_dict``, and the errors by field."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    checks = {
        "status": lambda v: rules.status(v),
        "rating": lambda v: rules.rating(v if not is_blank(v) else "-"),
        **{field: _narrative_check(field) for field in progress.NARRATIVE_TEXT_FIELDS},
        progress.EVIDENCE_FIELD: rules.evidence_urls,
    }
    for field, check in checks.items():
        value = data_dict.get(field)
        if field == "status" and is_blank(value):
            errors[field] = ["進捗状況を選んでください。 / Choose a status."]
            continue
        try:
            values[field] = check("" if value is None else value)
        except rules.FieldError as err:
            errors[field] = [str(err)]
    return values, errors


def minato_plan_draft_update(context, data_dict):
    """Save the draft progress of one initiative in one fiscal year (seen by the plan's staff
    and reviewers only until the year is published). A draft saying what is published
    already is dropped.

    :param plan_id: the plan; the current plan when not given
    :param fiscal_year: the fiscal year
    :param initiative: the initiative's number
    :param status: a status code (or its label)
    :param rating: ``A``, ``B``, ``C`` or ``-`` (default)
    :param summary_ja: the year's summary in Japanese (optional)
    :param summary_en: the year's summary in English (optional)
    :param challenges_ja: the challenges found, in Japanese (optional); ``challenges_en`` in
        English
    :param next_steps_ja: the next steps, in Japanese (optional); ``next_steps_en`` in English
    :param evidence_urls: web addresses of the evidence, one per line or a list (optional)
    :returns: ``state`` of the year, ``saved`` (whether a draft is kept)"""
    tk.check_access("minato_plan_draft_update", context, data_dict)
    _review_on()
    plan = _plan_param(data_dict)
    fiscal_year = _fiscal_year_param(data_dict, plan)
    try:
        number = rules.initiative_no(data_dict.get("initiative"), plan)
    except rules.FieldError as err:
        raise tk.ValidationError({"initiative": [str(err)]})
    values, errors = draft_values(data_dict)
    if errors:
        raise tk.ValidationError(errors)
    current = current_initiatives({"user": context.get("user"), "ignore_auth": True}, plan,
                                  {number})
    if number not in current:
        raise tk.ObjectNotFound(f"取組{number}は登録されていません。 / Initiative {number} "
                                "does not exist.")
    _check_update_access(context, [current[number]["name"]])
    try:
        result = review.save_drafts(context, plan, {fiscal_year: {number: values}},
                                    {number: current[number]["progress"]})
    except review_rules.ReviewError as err:
        raise _review_error(err)
    return {"state": review.state_of(plan.id, fiscal_year),
            "saved": number in result["saved"][fiscal_year]}


def _step(name: str, context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    tk.check_access(f"minato_plan_evaluation_{name}", context, data_dict)
    _review_on()
    plan = _plan_param(data_dict)
    fiscal_year = _fiscal_year_param(data_dict, plan)
    note = data_dict.get("note") or ""
    try:
        note = rules.free_text(clean_text(note), review_rules.MAX_NOTE_CHARS, "メモ", "The note")
    except rules.FieldError as err:
        raise tk.ValidationError({"note": [str(err)]})
    try:
        if name == review_rules.PUBLISH:
            result = review.publish(context, plan, fiscal_year)
        else:
            result = review.take_step(context, plan, fiscal_year, name, note)
    except review_rules.ReviewError as err:
        raise _review_error(err)
    return dict(result, plan_id=plan.id, fiscal_year=fiscal_year,
                state_label=review_rules.STATES[result["state"]].as_dict())


def minato_plan_evaluation_submit(context, data_dict):
    """Submit a fiscal year's drafts to the reviewers (staff); the drafts are locked until a
    reviewer returns the year.

    :param plan_id: the plan; the current plan when not given
    :param fiscal_year: the fiscal year
    :param note: a note to the reviewers (optional)"""
    return _step(review_rules.SUBMIT, context, data_dict)


def minato_plan_evaluation_return(context, data_dict):
    """Return a submitted (or approved) year to staff with a note saying why (reviewers).

    :param plan_id: the plan; the current plan when not given
    :param fiscal_year: the fiscal year
    :param note: why it is returned (required)"""
    return _step(review_rules.RETURN, context, data_dict)


def minato_plan_evaluation_approve(context, data_dict):
    """Approve a submitted year (reviewers); it is public once published.

    :param plan_id: the plan; the current plan when not given
    :param fiscal_year: the fiscal year
    :param note: a note (optional)"""
    return _step(review_rules.APPROVE, context, data_dict)


def minato_plan_evaluation_publish(context, data_dict):
    """Publish an approved year (reviewers): its drafts become the initiatives' progress on
    every page, search, download, DataStore table, DCAT and action at once, all or nothing.

    :param plan_id: the plan; the current plan when not given
    :param fiscal_year: the fiscal year
    :returns: ``state``, ``initiatives`` (the datasets written), ``search_index_updated``"""
    return _step(review_rules.PUBLISH, context, data_dict)


def minato_plan_evaluation_comment(context, data_dict):
    """Comment on a year's evaluation (staff and reviewers); the state does not change.

    :param plan_id: the plan; the current plan when not given
    :param fiscal_year: the fiscal year
    :param note: the comment (required)"""
    return _step(review_rules.COMMENT, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(original_action, context, data_dict):
    """ckanext-dcat's catalog (``/catalog.ttl`` …), served from a Redis cache that any dataset
    change invalidates (:mod:`ckanext.minato_plan.dcat.cache`). Same parameters, result and
    auth function (``dcat_catalog_show``, anyone) as ckanext-dcat's action."""
    tk.check_access("dcat_catalog_show", context, data_dict)
    return dcat_cache.cached_catalog(data_dict, lambda: original_action(context, data_dict))
