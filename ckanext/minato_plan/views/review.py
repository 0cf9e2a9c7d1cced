"""The yearly evaluation's pages, for the plan's staff and reviewers (blueprint
``minato_review``):

``/plan-review``                                   the current fiscal year's evaluation
``/plan-review/<fiscal year>``                     a year: its state, the drafts beside what is
                                                   published, the steps the user may take, the
                                                   history with its notes
``/plan-review/<fiscal year>/initiative/<number>`` GET/POST: an initiative's draft of the year
``/plan-review/<fiscal year>/<step>``              POST: submit, return, approve, publish, comment

Another plan's are under ``/plan-review/<plan id>/…``. Every page answers 403 to anyone else
(and sends a visitor who is not logged in to the login page); every change goes through the
actions of :mod:`..logic.action`, which check the user again.
"""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint, request

from ckan.common import g
from ckan.plugins import toolkit as tk

from .. import config
from ..domain import progress, review as rules
from ..domain.plan import Plan
from ..helpers import minato_current_language, minato_review_url
from ..logic import report
from ..logic.services import ServiceUnavailable
from .overview import plan_or_404

plan_review = Blueprint("minato_review", __name__)


def _context() -> dict[str, Any]:
    return {"user": g.user, "auth_user_obj": g.userobj}


def _allowed(action: str, plan: Plan) -> bool:
    try:
        tk.check_access(action, _context(), {"plan_id": plan.id})
        return True
    except tk.NotAuthorized:
        return False


def _guard(plan: Plan) -> Optional[Any]:
    """A response refusing the page (login, 403, 404 when the review is off), or None."""
    if not config.review_enabled():
        return tk.abort(404, tk._("This portal does not use the yearly evaluation: progress is "
                                  "public when saved."))
    if not g.userobj:
        return tk.redirect_to("user.login", came_from=request.full_path)
    if not _allowed("minato_plan_evaluation_show", plan):
        return tk.abort(403, tk._("Only the plan's staff and reviewers can see its yearly "
                                  "evaluation."))
    return None


def _fiscal_year(plan: Plan, fiscal_year: int) -> int:
    if fiscal_year not in plan.fiscal_years:
        tk.abort(404, tk._("{plan} has no fiscal year {fiscal_year}.").format(
            plan=tk.h.minato_translated(plan.short_title or plan.title),
            fiscal_year=fiscal_year))
    return fiscal_year


@plan_review.route("/plan-review")
@plan_review.route("/plan-review/<plan_id>")
def current(plan_id: Optional[str] = None):
    plan = plan_or_404(plan_id)
    refused = _guard(plan)
    if refused is not None:
        return refused
    years = plan.fiscal_years
    fiscal_year = min(max(report.current_fiscal_year(), years[0]), years[-1])
    return tk.redirect_to(minato_review_url(plan.id, fiscal_year))


def _grouped(plan: Plan, evaluation: dict[str, Any]) -> list[Any]:
    return progress.arrange(plan, evaluation["initiatives"], lambda r: r["measure_code"],
                            lambda r: r["initiative_no"])


@plan_review.route("/plan-review/<int:fiscal_year>")
@plan_review.route("/plan-review/<plan_id>/<int:fiscal_year>")
def page(fiscal_year: int, plan_id: Optional[str] = None, errors: Optional[dict] = None,
         note: str = "", status: int = 200):
    plan = plan_or_404(plan_id)
    refused = _guard(plan)
    if refused is not None:
        return refused
    _fiscal_year(plan, fiscal_year)
    evaluation = tk.get_action("minato_plan_evaluation_show")(
        _context(), {"plan_id": plan.id, "fiscal_year": fiscal_year})
    state = evaluation["state"]
    staff = _allowed("minato_plan_evaluation_submit", plan)
    reviewer = _allowed("minato_plan_evaluation_approve", plan)
    steps = [name for name, allowed in (
        (rules.SUBMIT, staff), (rules.RETURN, reviewer), (rules.APPROVE, reviewer),
        (rules.PUBLISH, reviewer)) if allowed and _possible(state, name, evaluation)]
    body = tk.render("minato_plan/review.html", {
        "plan": plan, "fiscal_year": fiscal_year, "evaluation": evaluation,
        "groups": _grouped(plan, evaluation), "state": state,
        "state_label": rules.state_label(state, minato_current_language()),
        "steps": steps, "may_edit": staff and rules.editable(state),
        "step_label": lambda name: rules.step_label(name, minato_current_language()),
        "errors": errors or {}, "note": note, "lang": minato_current_language(),
    })
    return (body, status) if status != 200 else body


def _possible(state: str, name: str, evaluation: dict[str, Any]) -> bool:
    try:
        rules.step(state, name, drafts=evaluation["draft_count"], note="-")
        return True
    except rules.ReviewError:
        return False


@plan_review.route("/plan-review/<int:fiscal_year>/<name>", methods=["POST"])
@plan_review.route("/plan-review/<plan_id>/<int:fiscal_year>/<name>", methods=["POST"])
def step(fiscal_year: int, name: str, plan_id: Optional[str] = None):
    plan = plan_or_404(plan_id)
    refused = _guard(plan)
    if refused is not None:
        return refused
    _fiscal_year(plan, fiscal_year)
    if name not in (rules.SUBMIT, rules.RETURN, rules.APPROVE, rules.PUBLISH, rules.COMMENT):
        return tk.abort(404)
    note = request.form.get("note") or ""
    try:
        result = tk.get_action(f"minato_plan_evaluation_{name}")(
            _context(), {"plan_id": plan.id, "fiscal_year": fiscal_year, "note": note})
    except tk.NotAuthorized as err:
        return tk.abort(403, str(err))
    except tk.ValidationError as err:
        return page(fiscal_year, plan_id, errors={"step": name, "messages": [
            str(m) for v in err.error_dict.values() for m in v]}, note=note, status=409)
    except ServiceUnavailable:
        return page(fiscal_year, plan_id, errors={"step": name, "messages": [
            tk._("Nothing was saved: a service of the portal is not available. Try again in "
                 "a moment.")]}, note=note, status=503)
    lang = minato_current_language()
    if name == rules.PUBLISH:
        tk.h.flash_success(tk._("{fiscal_year} is published: the progress of {n} initiative(s) "
                                "is public.").format(
            fiscal_year=tk.h.minato_fiscal_year_label(fiscal_year),
            n=len(result.get("initiatives") or [])))
    else:
        tk.h.flash_success(tk._("{step}: the fiscal year is now {state}.").format(
            step=rules.step_label(name, lang), state=rules.state_label(result["state"], lang)))
    return tk.redirect_to(minato_review_url(plan.id, fiscal_year))


@plan_review.route("/plan-review/<int:fiscal_year>/initiative/<int:number>",
                   methods=["GET", "POST"])
@plan_review.route("/plan-review/<plan_id>/<int:fiscal_year>/initiative/<int:number>",
                   methods=["GET", "POST"])
def draft(fiscal_year: int, number: int, plan_id: Optional[str] = None):
    plan = plan_or_404(plan_id)
    refused = _guard(plan)
    if refused is not None:
        return refused
    _fiscal_year(plan, fiscal_year)
    if number not in {i.number for i in plan.initiatives}:
        return tk.abort(404, tk._("Initiative {number} does not exist.").format(number=number))
    evaluation = tk.get_action("minato_plan_evaluation_show")(
        _context(), {"plan_id": plan.id, "fiscal_year": fiscal_year})
    row = next(r for r in evaluation["initiatives"] if r["initiative_no"] == number)
    may_edit = _allowed("minato_plan_draft_update", plan) and rules.editable(
        evaluation["state"])
    errors: dict[str, list[str]] = {}
    values = dict(row["draft"] or row["published"] or {})
    status = 200
    if request.method == "POST":
        if not may_edit:
            return tk.abort(403, str(rules.locked_message(evaluation["state"], fiscal_year)))
        values = {f: request.form.get(f, "") for f in rules.DRAFT_FIELDS}
        try:
            tk.get_action("minato_plan_draft_update")(
                _context(), dict(values, plan_id=plan.id, fiscal_year=fiscal_year,
                                 initiative=number))
        except tk.NotAuthorized as err:
            return tk.abort(403, str(err))
        except tk.ValidationError as err:
            errors = {k: [str(m) for m in v] for k, v in err.error_dict.items()}
            status = 409 if "review" in errors else 400
        except ServiceUnavailable:
            errors = {"review": [tk._("Nothing was saved: a service of the portal is not "
                                      "available. Try again in a moment.")]}
            status = 503
        else:
            tk.h.flash_success(tk._("Draft of initiative {number} saved. It is public once "
                                    "the fiscal year is reviewed and published.").format(
                number=number))
            return tk.redirect_to(minato_review_url(plan.id, fiscal_year))
    body = tk.render("minato_plan/review_draft.html", {
        "plan": plan, "fiscal_year": fiscal_year, "row": row, "values": values,
        "errors": errors, "may_edit": may_edit, "evaluation": evaluation,
        "lang": minato_current_language(),
    })
    return (body, status) if status != 200 else body
