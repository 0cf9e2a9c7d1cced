"""Staff progress upload pages (blueprint ``minato_progress``).

``/initiative-progress/upload``                 GET: the upload form; POST: validate, store, redirect
``/initiative-progress/upload/<token>``         the preview (changes or row-level errors)
``/initiative-progress/upload/<token>/apply``   POST: apply the previewed changes, all or none
``/initiative-progress/upload/<token>/errors.csv``  the errors as CSV (UTF-8 with BOM)

The preview is kept server-side (Redis) under a random token; the apply form posts only the
token, so no value is taken from the browser without being validated again. When Redis or Solr
cannot be reached, the upload form is shown again with a 503 and a message that nothing was
saved; the other pages answer with the 503 page of :mod:`.errors`.
"""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint, Response, request

from ckan.common import g
from ckan.plugins import toolkit as tk

from ..domain import labels
from ..domain import services as service_texts
from ..domain.progress_upload.parsing import Problem, problems_csv
from ..helpers import minato_current_language
from ..logic import plans
from ..logic.services import ServiceUnavailable

progress_upload = Blueprint("minato_progress", __name__)

def _context() -> dict[str, Any]:
    return {"user": g.user, "auth_user_obj": g.userobj}


def _may_upload(plan_id: Optional[str] = None, stored: bool = False) -> bool:
    """Whether the user may upload to the plan (``plan_id``, else the current plan), or with
    ``stored`` see and apply a stored upload (which knows its plan)."""
    action = ("minato_plan_progress_upload_show" if stored
              else "minato_plan_progress_upload_preview")
    try:
        tk.check_access(action, _context(), {"plan_id": plan_id} if plan_id else {})
        return True
    except tk.NotAuthorized:
        return False


def _refuse(plan_id: Optional[str] = None):
    if not g.userobj:
        return tk.redirect_to("user.login", came_from=request.full_path)
    plan = plans.get(plan_id) or plans.current()
    return tk.abort(403, tk._(
        "Only editors and admins of {municipality} ({organization}) can record progress."
    ).format(municipality=plan.municipality_name.get(minato_current_language()),
             organization=plans.organization(plan)))


def _plan_id() -> Optional[str]:
    """The plan the form uploads to: the one chosen, when the portal has several."""
    value = request.form.get("plan_id") if request.method == "POST" else request.args.get(
        "plan_id")
    return value if isinstance(value, str) and plans.get(value) is not None else None


@progress_upload.route("/initiative-progress/upload", methods=["GET", "POST"])
def upload_form():
    plan_id = _plan_id()
    if not _may_upload(plan_id):
        return _refuse(plan_id)
    error = None
    status = 200
    if request.method == "POST":
        file = request.files.get("upload")
        if file is None or not file.filename:
            error = tk._("Choose a CSV file to upload.")
        else:
            try:
                result = tk.get_action("minato_plan_progress_upload_preview")(
                    _context(), {"upload": file.stream, "filename": file.filename,
                                 **({"plan_id": plan_id} if plan_id else {})})
            except tk.NotAuthorized as err:
                return tk.abort(403, str(err))
            except tk.ValidationError as err:
                error = "; ".join(str(m) for v in err.error_dict.values() for m in v)
            except ServiceUnavailable as err:
                error = service_texts.not_saved(err.service).get(minato_current_language())
                status = 503
            else:
                return tk.redirect_to("minato_progress.preview", token=result["token"])
    page = tk.render("minato_plan/progress_upload.html", {
        "error": error, "lang": minato_current_language(),
        "plan_dataset": plan_id or plans.current().id,
        "plans": list(plans.portal()) if len(plans.portal()) > 1 else []})
    if status == 503:
        return page, status, {"Retry-After": str(service_texts.RETRY_AFTER_SECONDS)}
    return page


def _show(token: str) -> dict[str, Any]:
    try:
        return tk.get_action("minato_plan_progress_upload_show")(_context(), {"token": token})
    except tk.ObjectNotFound as err:
        return tk.abort(404, str(err))
    except tk.NotAuthorized as err:
        return tk.abort(403, str(err))


def _field_name(field: str) -> str:
    names = {"status": tk._("status"), "rating": tk._("rating"),
             "summary_ja": tk._("summary (Japanese)"), "summary_en": tk._("summary (English)"),
             "challenges_ja": tk._("challenges (Japanese)"),
             "challenges_en": tk._("challenges (English)"),
             "next_steps_ja": tk._("next steps (Japanese)"),
             "next_steps_en": tk._("next steps (English)"),
             "evidence_urls": tk._("evidence links"),
             "sample": tk._("sample data")}
    return names.get(field, field)


def _value_label(field: str, value: Any, lang: str) -> str:
    if value is None:
        return tk._("(none)")
    if field == "status":
        return labels.status_label(value, lang)
    if field == "rating":
        return labels.rating_label(value, lang)
    if field == "sample":
        return tk._("yes") if value else tk._("no")
    return str(value) if value != "" else tk._("(empty)")


def _view_model(record: dict[str, Any], lang: str) -> dict[str, Any]:
    initiatives = record.get("initiatives") or {}
    rows = []
    for change in record.get("changes") or []:
        info = initiatives.get(change["name"]) or {}
        title = (info.get("title") or {}).get(lang) or (info.get("title") or {}).get("ja") or ""
        rows.append({
            "row": change["row"], "name": change["name"],
            "initiative": f"{change['initiative_no']} {title}",
            "fiscal_year": labels.fiscal_year_label(change["fiscal_year"], lang, "choice"),
            "field": _field_name(change["field"]),
            "old": _value_label(change["field"], change["old"], lang),
            "new": _value_label(change["field"], change["new"], lang),
            "is_new": change["old"] is None,
        })
    problems = [Problem.from_dict(p) for p in record.get("problems") or []]
    return {
        "record": record, "changes": rows, "lang": lang,
        "problems": [{"row": p.row, "column": p.header or p.column or "",
                      "message": p.ja if lang == "ja" else p.en,
                      "other": p.en if lang == "ja" else p.ja} for p in problems],
        "initiative_count": len({c["name"] for c in record.get("changes") or []}),
    }


@progress_upload.route("/initiative-progress/upload/<token>")
def preview(token: str):
    if not _may_upload(stored=True):
        return _refuse()
    record = _show(token)
    return tk.render("minato_plan/progress_preview.html",
                     _view_model(record, minato_current_language()))


@progress_upload.route("/initiative-progress/upload/<token>/apply", methods=["POST"])
def apply(token: str):
    if not _may_upload(stored=True):
        return _refuse()
    try:
        result = tk.get_action("minato_plan_progress_upload_apply")(_context(), {"token": token})
    except tk.ObjectNotFound as err:
        return tk.abort(404, str(err))
    except tk.NotAuthorized as err:
        return tk.abort(403, str(err))
    except tk.ValidationError as err:
        record = _show(token)
        data = _view_model(record, minato_current_language())
        data["apply_error"] = [str(m) for v in err.error_dict.values() for m in v]
        return tk.render("minato_plan/progress_preview.html", data), 409
    if result["status"] == "already_applied":
        tk.h.flash_notice(tk._("This upload had already been applied (by {user}, {time}); "
                               "nothing was applied again.").format(
            user=result.get("applied_by") or "?",
            time=tk.h.render_datetime(result.get("applied"), with_hours=True)))
        return tk.redirect_to("minato_progress.preview", token=token)
    if result.get("drafts"):
        tk.h.flash_success(tk._("Drafts of {n} initiative(s) saved in the yearly evaluation. "
                                "They are public once a reviewer publishes the fiscal year.")
                           .format(n=len(result["initiatives"])))
        return tk.redirect_to("minato_progress.preview", token=token)
    tk.h.flash_success(tk._("Progress of {n} initiative(s) updated.").format(
        n=len(result["initiatives"])))
    if not result.get("search_index_updated", True):
        tk.h.flash_notice(tk._("Saved. Search results and downloads will show the change "
                               "once the search index has caught up (automatically, within a "
                               "few minutes)."))
    return tk.redirect_to("minato_progress.preview", token=token)


@progress_upload.route("/initiative-progress/upload/<token>/errors.csv")
def errors_csv(token: str):
    if not _may_upload(stored=True):
        return _refuse()
    record = _show(token)
    problems = [Problem.from_dict(p) for p in record.get("problems") or []]
    return Response(problems_csv(problems), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=progress-upload-errors.csv"})
