"""Staff progress upload pages (blueprint ``minato_progress``, registered through ``views.py``).

``/initiative-progress/upload``                 GET: the upload form; POST: validate, store, redirect
``/initiative-progress/upload/<token>``         the preview (changes or row-level errors)
``/initiative-progress/upload/<token>/apply``   POST: apply the previewed changes, all or none
``/initiative-progress/upload/<token>/errors.csv``  the errors as CSV (UTF-8 with BOM)

The preview is kept server-side (Redis) under a random token; the apply form posts only the
token, so no value is taken from the browser without being validated again.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from ckan.common import current_user, g
from ckan.config.middleware.flask_app import csrf
from ckan.plugins import toolkit as tk

from . import plan as plan_model
from .helpers import minato_current_language
from .upload import FIELD_LABELS, Problem, problems_csv

progress_upload = Blueprint("minato_progress", __name__)

_TEXT = {
    "not_allowed": ("進捗を登録できるのは港区（minato-city）の編集者・管理者です。",
                    "Only editors and admins of Minato City (minato-city) can record progress."),
    "no_file": ("CSVファイルを選択してください。", "Choose a CSV file to upload."),
    "applied": ("{n}件の取組の進捗を更新しました。", "Progress of {n} initiative(s) updated."),
    "index_failed": ("保存しましたが、検索インデックスを更新できませんでした。管理者に "
                     "`ckan search-index rebuild` を依頼してください。",
                     "Saved, but the search index could not be updated. Ask an administrator "
                     "to run `ckan search-index rebuild`."),
}


def _t(key: str, **kw: Any) -> str:
    ja, en = _TEXT[key]
    return (ja if minato_current_language() == "ja" else en).format(**kw)


def _context() -> dict[str, Any]:
    return {"user": g.user, "auth_user_obj": g.userobj}


# Forms whose POSTs always need a valid CSRF token when the user is logged in by cookie.
CSRF_GUARDED_ENDPOINTS = frozenset({
    "initiative.edit", "initiative.new", "plan.edit", "plan.new",
    "minato_progress.upload_form", "minato_progress.apply",
})


@progress_upload.before_app_request
def _csrf_guard() -> None:
    """CKAN 2.12 exempts a view from CSRF checks for the rest of the process as soon as one
    request authenticated by an API token, or one anonymous request, reaches it
    (``ckan_before_request`` calls ``csrf.exempt``): after an anonymous visit to an edit page,
    the dataset form would accept cross-site posts. For the staff's forms the token is checked
    here regardless of those exemptions, whenever the user is logged in with the session cookie
    (API-token requests carry no cookie, so cross-site forgery does not apply to them)."""
    if request.method != "POST" or request.endpoint not in CSRF_GUARDED_ENDPOINTS:
        return
    if not current_app.config.get("WTF_CSRF_ENABLED"):
        return
    if not current_user.is_authenticated or g.get("login_via_auth_header"):
        return
    csrf.protect()


def _may_upload() -> bool:
    try:
        tk.check_access("minato_plan_progress_upload_preview", _context(), {})
        return True
    except tk.NotAuthorized:
        return False


def _refuse():
    if not g.userobj:
        return tk.redirect_to("user.login", came_from=request.full_path)
    return tk.abort(403, _t("not_allowed"))


@progress_upload.route("/initiative-progress/upload", methods=["GET", "POST"])
def upload_form():
    if not _may_upload():
        return _refuse()
    error = None
    if request.method == "POST":
        file = request.files.get("upload")
        if file is None or not file.filename:
            error = _t("no_file")
        else:
            try:
                result = tk.get_action("minato_plan_progress_upload_preview")(
                    _context(), {"upload": file.stream, "filename": file.filename})
            except tk.NotAuthorized as err:
                return tk.abort(403, str(err))
            except tk.ValidationError as err:
                error = "; ".join(str(m) for v in err.error_dict.values() for m in v)
            else:
                return tk.redirect_to("minato_progress.preview", token=result["token"])
    return tk.render("minato_plan/progress_upload.html", {
        "error": error, "lang": minato_current_language(),
        "plan_dataset": plan_model.PLAN_DATASET_NAME})


def _show(token: str) -> dict[str, Any]:
    try:
        return tk.get_action("minato_plan_progress_upload_show")(_context(), {"token": token})
    except tk.ObjectNotFound as err:
        return tk.abort(404, str(err))
    except tk.NotAuthorized as err:
        return tk.abort(403, str(err))


def _value_label(field: str, value: Any, lang: str) -> str:
    if value is None:
        return "（なし）" if lang == "ja" else "(none)"
    if field == "status":
        ja, en = plan_model.STATUSES.get(value, (value, value))
        return f"{ja}" if lang == "ja" else f"{en}"
    if field == "rating":
        ja, en = plan_model.RATINGS.get(value, (value, value))
        return f"{value} {ja}" if lang == "ja" else f"{value} ({en})"
    if field == "sample":
        return ("はい" if value else "いいえ") if lang == "ja" else ("yes" if value else "no")
    return str(value) if value != "" else ("（空欄）" if lang == "ja" else "(empty)")


def _view_model(record: dict[str, Any], lang: str) -> dict[str, Any]:
    initiatives = record.get("initiatives") or {}
    rows = []
    for change in record.get("changes") or []:
        info = initiatives.get(change["name"]) or {}
        title = (info.get("title") or {}).get(lang) or (info.get("title") or {}).get("ja") or ""
        ja_field, en_field = FIELD_LABELS[change["field"]]
        rows.append({
            "row": change["row"], "name": change["name"],
            "initiative": f"{change['initiative_no']} {title}",
            "fiscal_year": (plan_model.fiscal_year_label(change["fiscal_year"], "ja") + f"（{change['fiscal_year']}）"
                            if lang == "ja" else f"FY{change['fiscal_year']}"),
            "field": ja_field if lang == "ja" else en_field,
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
    if not _may_upload():
        return _refuse()
    record = _show(token)
    return tk.render("minato_plan/progress_preview.html",
                     _view_model(record, minato_current_language()))


@progress_upload.route("/initiative-progress/upload/<token>/apply", methods=["POST"])
def apply(token: str):
    if not _may_upload():
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
    tk.h.flash_success(_t("applied", n=len(result["initiatives"])))
    if not result.get("search_index_updated", True):
        tk.h.flash_error(_t("index_failed"))
    return tk.redirect_to("minato_progress.preview", token=token)


@progress_upload.route("/initiative-progress/upload/<token>/errors.csv")
def errors_csv(token: str):
    if not _may_upload():
        return _refuse()
    record = _show(token)
    problems = [Problem.from_dict(p) for p in record.get("problems") or []]
    return Response(problems_csv(problems), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=progress-upload-errors.csv"})
