"""Reading the live metadata the tables are built from (CKAN glue, kept small).

One ``package_search`` returns every initiative with its progress and indicators (the search
index holds each dataset's validated dict), so building a table never costs a ``package_show`` per
initiative.
"""
from __future__ import annotations

from typing import Any, Optional

from ckan.plugins import toolkit as tk

from .plan import initiative_name

SEARCH_ROWS = 1000  # CKAN's default ckan.search.rows_max


def search_initiatives(context: Optional[dict[str, Any]] = None,
                       fq: str = "") -> list[dict[str, Any]]:
    """Every initiative dataset the context's user may see in a search (public ones for
    anonymous users), in as few ``package_search`` calls as the row limit allows: one for 39."""
    out: list[dict[str, Any]] = []
    query = "+dataset_type:initiative" + (f" {fq}" if fq else "")
    while True:
        result = tk.get_action("package_search")(
            dict(context or {}),
            {"fq": query, "rows": SEARCH_ROWS, "start": len(out), "sort": "name asc"})
        out.extend(result["results"])
        if not result["results"] or len(out) >= result["count"]:
            return out


def initiative_dataset(number: int, context: Optional[dict[str, Any]] = None
                       ) -> dict[str, Any]:
    """One initiative by number (raises ObjectNotFound / NotAuthorized)."""
    return tk.get_action("package_show")(dict(context or {}), {"id": initiative_name(number)})
