"""The plan overview page.

``/plan-overview`` (``/en/plan-overview`` in English) shows the plan as guidelines → measures →
initiatives with their latest progress. It does not use ``/plan``: ckanext-scheming registers the
``plan`` dataset type's own pages there (``/plan/`` lists plan datasets, ``/plan/minato-plan`` is
the plan dataset with its downloads).
"""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint

from ckan.plugins import toolkit as tk

from ..domain import charts, pages
from ..domain.plan import load_plan
from ..logic.initiatives import search_initiatives

plan_pages = Blueprint("minato_plan", __name__)


def _plan_dataset() -> Optional[dict[str, Any]]:
    try:
        return tk.get_action("package_show")({}, {"id": load_plan().id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


@plan_pages.route("/plan-overview")
def overview() -> str:
    # One paged search for all initiatives (their progress comes with them).
    plan = load_plan()
    data = pages.build_overview(plan, search_initiatives())
    return tk.render("minato_plan/overview.html", {
        "plan": plan,
        "plan_pkg": _plan_dataset(),
        "overview": data,
        "year_chart": charts.bar_chart(data.by_fiscal_year),
        "guideline_chart": charts.bar_chart(data.by_guideline),
    })
