"""The plan overview page.

``/plan-overview`` (``/en/plan-overview`` in English) shows the current plan as guidelines →
measures → initiatives with their latest progress; ``/plan-overview/<plan id>`` any plan of the
portal, and ``/plans`` lists them with their periods and status (current, ended, upcoming). It does not use ``/plan``: ckanext-scheming registers the
``plan`` dataset type's own pages there (``/plan/`` lists plan datasets, ``/plan/minato-plan`` is
the plan dataset with its downloads).

``/plan-sitemap.xml`` lists the overviews, the plan datasets' pages and every public initiative
page in each language for search engines (robots.txt names it: templates/home/robots.txt).
"""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint, Response

from ckan.plugins import toolkit as tk

from ..domain import charts, pages
from ..domain.plan import Plan, today_in_japan
from ..domain.sitemap import SitemapPage, sitemap_xml, w3c_datetime
from ..helpers import language_locales
from ..logic import plan_cache, plans
from ..logic.initiatives import search_initiatives

plan_pages = Blueprint("minato_plan", __name__)


def _plan_dataset(plan: Plan) -> Optional[dict[str, Any]]:
    try:
        return tk.get_action("package_show")({}, {"id": plan.id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def plan_or_404(plan_id: Optional[str]) -> Plan:
    """The plan of a page's address (the current plan without an id); 404 for no such plan."""
    plan = plans.current() if plan_id is None else plans.get(plan_id)
    if plan is None:
        return tk.abort(404, tk._("No such plan"))
    return plan


@plan_pages.route("/plan-overview")
@plan_pages.route("/plan-overview/<plan_id>")
def overview(plan_id: Optional[str] = None) -> str:
    plan = plan_or_404(plan_id)
    return tk.render("minato_plan/overview.html", {
        "plan": plan,
        "content": plan_cache.cached_part("overview", lambda: _overview_content(plan),
                                          plan.id),
    })


@plan_pages.route("/plans")
def plan_list() -> str:
    today = today_in_japan()
    return tk.render("minato_plan/plan_list.html", {
        "plans": [{"plan": plan, "status": plan.status(today), "dataset": _plan_dataset(plan)}
                  for plan in reversed(plans.portal().plans)],
    })


def _overview_content(plan: Plan) -> str:
    # One paged search for all the plan's initiatives (their progress comes with them).
    data = pages.build_overview(plan, search_initiatives(plan=plan))
    return tk.render_snippet("minato_plan/snippets/overview_content.html", {
        "plan": plan,
        "plan_status": plan.status(today_in_japan()),
        "plan_pkg": _plan_dataset(plan),
        "overview": data,
        "year_chart": charts.bar_chart(data.by_fiscal_year),
        "guideline_chart": charts.bar_chart(data.by_guideline),
    })


def _addresses(endpoint: str, **values: Any) -> dict[str, str]:
    return {code: tk.h.url_for(endpoint, locale=locale, qualified=True, **values)
            for code, locale in language_locales()}


@plan_pages.route("/plan-sitemap.xml")
def sitemap() -> Response:
    """The plan's public pages in each language, with when each last changed."""
    initiatives = search_initiatives()
    plan_pkgs = [_plan_dataset(plan) for plan in plans.portal()]
    changed = [p.get("metadata_modified") for p in initiatives + plan_pkgs if p]
    entries = [SitemapPage(_addresses("minato_plan.overview"),
                           w3c_datetime(max(filter(None, changed), default=None)))]
    for plan_pkg in plan_pkgs:
        if len(plan_pkgs) > 1 and plan_pkg:
            entries.append(SitemapPage(
                _addresses("minato_plan.overview", plan_id=plan_pkg["name"]),
                w3c_datetime(plan_pkg.get("metadata_modified"))))
        if plan_pkg and not plan_pkg.get("private"):
            entries.append(SitemapPage(
                _addresses(f"{plan_pkg['type']}.read", id=plan_pkg["name"]),
                w3c_datetime(plan_pkg.get("metadata_modified"))))
    for pkg in initiatives:
        entries.append(SitemapPage(_addresses(f"{pkg['type']}.read", id=pkg["name"]),
                                   w3c_datetime(pkg.get("metadata_modified"))))
    return Response(sitemap_xml(entries), mimetype="application/xml")
