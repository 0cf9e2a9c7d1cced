"""The plan as data: ``minato_plan_show`` and ``minato_plan_progress_list`` (read-only, anyone;
registered through :mod:`ckanext.minato_plan.logic.action`, auth functions of the same names in
:mod:`ckanext.minato_plan.logic.plan_auth`). The result is built by the pure module
:mod:`ckanext.minato_plan.hierarchy` from one ``package_search``, so callers see only the
initiatives a search shows them."""
from __future__ import annotations

from typing import Any

from ckan.plugins import toolkit as tk

from .. import hierarchy
from ..plan_data import search_initiatives


def _initiatives_for(context: dict[str, Any]) -> list[dict[str, Any]]:
    return search_initiatives({"user": context.get("user"),
                               "auth_user_obj": context.get("auth_user_obj")})


@tk.side_effect_free
def minato_plan_show(context, data_dict):
    """The whole plan as guidelines → measures → initiatives, each initiative with its current
    (latest recorded) progress, names and labels in Japanese and English.

    No parameters. Returns ``id``, ``title``, ``municipality``, ``period``, ``fiscal_years``,
    ``statuses``, ``ratings``, ``initiative_count``, ``current_status_counts`` and
    ``guidelines`` (each with ``measures``, each with ``initiatives``)."""
    tk.check_access("minato_plan_show", context, data_dict)
    return hierarchy.plan_hierarchy(_initiatives_for(context))


@tk.side_effect_free
def minato_plan_progress_list(context, data_dict):
    """Yearly progress records, optionally filtered.

    :param initiative: initiative number (27), dataset name (minato-plan-initiative-27) or ID
        (131032JK027)
    :param fiscal_year: fiscal year, 2021–2026
    :param guideline: guideline number, 1–4
    :param measure: measure code, e.g. ``2-1``
    :returns: ``{"count": n, "results": [...]}``; each record has ``id`` (131032JK027-2023),
        ``initiative_id``, ``initiative_no``, ``initiative_name`` (ja/en), ``dataset_name``,
        ``guideline_no``, ``measure_code``, ``fiscal_year``, ``fiscal_year_label`` (ja/en),
        ``status`` and ``status_label`` (ja/en), ``rating`` and ``rating_label`` (ja/en),
        ``summary_ja``, ``summary_en`` and ``sample``."""
    tk.check_access("minato_plan_progress_list", context, data_dict)
    filters, errors = hierarchy.progress_filters(data_dict)
    if errors:
        raise tk.ValidationError(errors)
    results = hierarchy.progress_list(_initiatives_for(context), filters)
    return {"count": len(results), "results": results}
