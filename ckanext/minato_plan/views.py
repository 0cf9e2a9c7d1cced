"""Pages of the portal (blueprints registered by ``toolkit.blanket.blueprints``).

``/plan-overview`` (``/en/plan-overview`` in English) shows the plan as guidelines → measures →
initiatives with their latest progress. It does not use ``/plan``: ckanext-scheming registers the
``plan`` dataset type's own pages there (``/plan/`` lists plan datasets, ``/plan/minato-plan`` is
the plan dataset with its downloads).
"""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint

from ckan.plugins import toolkit as tk

from . import overview as overview_module
from .dcat.views import dcat_pages  # noqa: F401  (RDF endpoints of /initiative/…, /plan/…)
from .download_views import plan_files  # noqa: F401  (/plan-data/… downloads)
from .plan import PLAN_DATASET_NAME, load_plan

plan_pages = Blueprint("minato_plan", __name__)


def _plan_dataset() -> Optional[dict[str, Any]]:
    try:
        return tk.get_action("package_show")({}, {"id": PLAN_DATASET_NAME})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


@plan_pages.route("/plan-overview")
def overview() -> str:
    # One search for all initiatives (their progress comes with them), not one show per initiative.
    result = tk.get_action("package_search")(
        {}, {"fq": "dataset_type:initiative", "rows": 1000, "sort": "name asc"})
    plan = load_plan()
    data = overview_module.build_overview(plan, result["results"])
    return tk.render("minato_plan/overview.html", {
        "plan": plan,
        "plan_pkg": _plan_dataset(),
        "overview": data,
        "year_chart": overview_module.bar_chart(data.by_fiscal_year),
        "guideline_chart": overview_module.bar_chart(data.by_guideline),
    })


# Staff progress upload pages (issue 6): toolkit.blanket.blueprints registers every Blueprint
# found in this module, so importing the blueprint here registers it.
from .progress_views import progress_upload  # noqa: E402,F401
