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
from ..helpers import minato_current_language, minato_report_url
from ..logic import plan_cache, report
from .overview import plan_or_404

plan_report = Blueprint("minato_report", __name__)


def _reportable_years(plan: Plan, fiscal_year: int) -> tuple[int, ...]:
    """The plan's fiscal years with a report; 404 when ``fiscal_year`` is not one of them."""
    years = reports.report_fiscal_years(plan, report.current_fiscal_year())
    if fiscal_year not in years:
        tk.abort(404, tk._("{plan} has no report of {fiscal_year}: a report covers one of the "
                           "plan's fiscal years up to the current one.").format(
            plan=tk.h.minato_translated(plan.short_title or plan.title),
            fiscal_year=tk.h.minato_fiscal_year_label(fiscal_year)))
    return years


@plan_report.route("/plan-report")
@plan_report.route("/plan-report/<plan_id>")
def latest(plan_id: Optional[str] = None) -> Response:
    plan = plan_or_404(plan_id)
    # Finding the year reads every initiative: kept with the report while nothing changes.
    fiscal_year = str(plan_cache.cached_part(
        "report-year", lambda: str(report.default_fiscal_year(plan) or ""),
        (plan.id, report.current_fiscal_year())))
    if not fiscal_year:
        return tk.abort(404, tk._("{plan} has no report yet: its period starts with "
                                  "{fiscal_year}.").format(
            plan=tk.h.minato_translated(plan.short_title or plan.title),
            fiscal_year=tk.h.minato_fiscal_year_label(plan.start_fiscal_year)))
    return tk.redirect_to(minato_report_url(plan.id, int(fiscal_year)))


def _content(plan: Plan, fiscal_year: int) -> str:
    """The report's content (the page's and the PDF's), rendered once per plan state."""
    def build() -> str:
        data = report.build(plan, fiscal_year)
        return tk.render_snippet("minato_plan/snippets/report_content.html", {
            "plan": plan,
            "report": data,
            "guideline_chart": charts.bar_chart(data.by_guideline),
        })
    return plan_cache.cached_part("report", build, (plan.id, fiscal_year))


@plan_report.route("/plan-report/<int:fiscal_year>")
@plan_report.route("/plan-report/<plan_id>/<int:fiscal_year>")
def page(fiscal_year: int, plan_id: Optional[str] = None) -> str:
    plan = plan_or_404(plan_id)
    return tk.render("minato_plan/report.html", {
        "plan": plan,
        "fiscal_year": fiscal_year,
        "fiscal_years": _reportable_years(plan, fiscal_year),
        "content": _content(plan, fiscal_year),
    })


def pdf_filename(plan: Plan, fiscal_year: int, lang: str) -> str:
    return f"{plan.id}-report-{fiscal_year}-{lang}.pdf"


@plan_report.route("/plan-report/<int:fiscal_year>.pdf")
@plan_report.route("/plan-report/<plan_id>/<int:fiscal_year>.pdf")
def pdf(fiscal_year: int, plan_id: Optional[str] = None) -> Response:
    plan = plan_or_404(plan_id)
    _reportable_years(plan, fiscal_year)
    page_url = minato_report_url(plan.id, fiscal_year, qualified=True)

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
