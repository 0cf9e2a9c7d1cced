"""Reading the initiatives the pages, downloads and actions are built from.

One paged ``package_search`` returns every initiative with its progress and indicators (the
search index holds each dataset's validated dict), so building a page or a table never costs a
``package_show`` per initiative, and no result is cut at a row limit.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Optional

from ckan.plugins import toolkit as tk

from ckan.lib.search.query import solr_literal

from ..domain import pages
from ..domain.plan import Plan
from . import official, plan_cache


def _page_size() -> int:
    return int(tk.config.get("ckan.search.rows_max") or 1000)


def search_initiatives(context: Optional[dict[str, Any]] = None,
                       fq: str = "", plan: Optional[Plan] = None) -> list[dict[str, Any]]:
    """Every official initiative dataset (of ``plan``, or of every plan) the context's user may
    see in a search (public ones for anonymous users), by name, in as few ``package_search``
    calls as the row limit allows."""
    out: list[dict[str, Any]] = []
    query = f"+dataset_type:initiative {official.search_filter()}" + (f" {fq}" if fq else "")
    if plan is not None:
        query += f" +plan_id:{solr_literal(plan.id)}"
    rows = _page_size()
    while True:
        result = tk.get_action("package_search")(
            dict(context or {}),
            {"fq": query, "rows": rows, "start": len(out), "sort": "name asc"})
        out.extend(result["results"])
        if not result["results"] or len(out) >= result["count"]:
            return out


def initiatives_of_measure(plan: Plan, measure_code: str,
                           context: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    """The initiatives of one measure (``1-1``) of ``plan``."""
    return search_initiatives(context, f'+measure_code:"{measure_code}"', plan)


def measure_items(plan: Plan, measure_code: str) -> list[pages.InitiativeItem]:
    """The items (number, title, latest progress) of one measure's initiatives, kept by the
    plan cache: every initiative page of the measure reads one entry instead of searching."""
    def build() -> list[dict[str, Any]]:
        return [dataclasses.asdict(pages.initiative_item(p))
                for p in initiatives_of_measure(plan, measure_code)]
    return [pages.item_from_dict(item)
            for item in plan_cache.cached_result("measure_items", {}, [plan.id, measure_code],
                                                 build)]


def initiative_dataset(plan: Plan, number: int, context: Optional[dict[str, Any]] = None
                       ) -> dict[str, Any]:
    """One initiative of ``plan`` by number (raises ObjectNotFound / NotAuthorized)."""
    return tk.get_action("package_show")(dict(context or {}),
                                         {"id": plan.initiative_name(number)})
