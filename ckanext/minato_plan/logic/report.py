"""The committee's annual progress report: built from the plan's initiatives as the user's
search sees them, and printed to PDF by WeasyPrint (Pango lays out the text; the Japanese font is
Debian's IPA Gothic, embedded in the file)."""
from __future__ import annotations

from typing import Any

from ..domain import report as reports
from ..domain.plan import Plan, fiscal_year_of, today_in_japan
from .initiatives import search_initiatives


def current_fiscal_year() -> int:
    return fiscal_year_of(today_in_japan())


def build(plan: Plan, fiscal_year: int) -> reports.Report:
    """The report of one of ``plan``'s fiscal years, from every initiative the user may see."""
    return reports.build_report(plan, search_initiatives(plan=plan), fiscal_year)


def default_fiscal_year(plan: Plan) -> int | None:
    return reports.default_fiscal_year(plan, search_initiatives(plan=plan),
                                       current_fiscal_year())


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The printed document carries its styles and charts inline; fetching anything (from this
    # very site, say, inside one of its own requests) is never needed.
    raise ValueError(f"the report fetches nothing: {url}")


def pdf(html: str, base_url: str) -> bytes:
    """The PDF of a printable HTML document (links resolved against ``base_url``)."""
    from weasyprint import HTML  # loads Pango; only the report needs it

    return HTML(string=html, base_url=base_url, url_fetcher=_refuse_fetch).write_pdf()
