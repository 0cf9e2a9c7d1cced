"""The committee's annual progress report of a plan: a page and the same report as a PDF.

``/plan-report`` opens the current plan's report on its newest fiscal year with recorded
progress; ``/plan-report/2025`` is the report of FY2025 and ``/plan-report/2025.pdf`` its PDF
(``/en/…`` in English). Another plan's are under ``/plan-report/<plan id>/…``. A report covers
one of the plan's fiscal years up to the current one; what it shows is what the visitor's search
sees (a logged-in member of the plan's organization also sees private initiatives).
"""
from __future__ import annotations

from typing import Optional

from flask import Blueprint, Response

from ckan.plugins import toolkit as tk

from ..domain import charts, report as reports
from ..domain.plan import Plan
from ..helpers import minato_current_language
from ..logic import plan_cache, plans, report

plan_report = Blueprint("minato_report", __name__)


def _plan(plan_id: Optional[str]) -> Plan:
    plan = plans.current() if plan_id is None else plans.get(plan_id)
    if plan is None:
        return tk.abort(404, tk._("No such plan"))
    return plan


def _plan_arg(plan: Plan) -> dict[str, str]:
    # The current plan's report has no plan id in its address.
    return {} if plan.id == plans.current().id else {"plan_id": plan.id}


def report_url(plan: Plan, fiscal_year: int, pdf: bool = False, **kwargs) -> str:
    endpoint = "minato_report.pdf" if pdf else "minato_report.page"
    return tk.h.url_for(endpoint, fiscal_year=fiscal_year, **_plan_arg(plan), **kwargs)


def _reportable(plan: Plan, fiscal_year: int) -> None:
    if fiscal_year not in reports.report_fiscal_years(plan, report.current_fiscal_year()):
        tk.abort(404, tk._("{plan} has no report of {fiscal_year}: a report covers one of the "
                           "plan's fiscal years up to the current one.").format(
            plan=tk.h.minato_translated(plan.short_title or plan.title),
            fiscal_year=tk.h.minato_fiscal_year_label(fiscal_year)))


@plan_report.route("/plan-report")
@plan_report.route("/plan-report/<plan_id>")
def latest(plan_id: Optional[str] = None) -> Response:
    plan = _plan(plan_id)
    fiscal_year = report.default_fiscal_year(plan)
    if fiscal_year is None:
        return tk.abort(404, tk._("{plan} has no report yet: its period starts with "
                                  "{fiscal_year}.").format(
            plan=tk.h.minato_translated(plan.short_title or plan.title),
            fiscal_year=tk.h.minato_fiscal_year_label(plan.start_fiscal_year)))
    return tk.redirect_to(report_url(plan, fiscal_year))


def _content(plan: Plan, fiscal_year: int) -> str:
    data = report.build(plan, fiscal_year)
    return tk.render_snippet("minato_plan/snippets/report_content.html", {
        "plan": plan,
        "report": data,
        "guideline_chart": charts.bar_chart(data.by_guideline),
    })


@plan_report.route("/plan-report/<int:fiscal_year>")
@plan_report.route("/plan-report/<plan_id>/<int:fiscal_year>")
def page(fiscal_year: int, plan_id: Optional[str] = None) -> str:
    plan = _plan(plan_id)
    _reportable(plan, fiscal_year)
    return tk.render("minato_plan/report.html", {
        "plan": plan,
        "fiscal_year": fiscal_year,
        "fiscal_years": reports.report_fiscal_years(plan, report.current_fiscal_year()),
        "report_url": lambda fy, pdf=False: report_url(plan, fy, pdf),
        "content": plan_cache.cached_part(
            "report", lambda: _content(plan, fiscal_year),
            (plan.id, fiscal_year)),
    })


def pdf_filename(plan: Plan, fiscal_year: int, lang: str) -> str:
    return f"{plan.id}-report-{fiscal_year}-{lang}.pdf"


@plan_report.route("/plan-report/<int:fiscal_year>.pdf")
@plan_report.route("/plan-report/<plan_id>/<int:fiscal_year>.pdf")
def pdf(fiscal_year: int, plan_id: Optional[str] = None) -> Response:
    plan = _plan(plan_id)
    _reportable(plan, fiscal_year)
    page_url = report_url(plan, fiscal_year, qualified=True)

    def build() -> bytes:
        html = tk.render("minato_plan/report_print.html", {
            "plan": plan,
            "fiscal_year": fiscal_year,
            "page_url": page_url,
            "content": _content(plan, fiscal_year),
        })
        return report.pdf(html, base_url=page_url)

    lang = minato_current_language()
    body = plan_cache.cached_file("report-pdf", build, (plan.id, fiscal_year))
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="{pdf_filename(plan, fiscal_year, lang)}"')
    return response
