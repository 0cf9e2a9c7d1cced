"""The DataStore's CSV and TSV dumps (``/datastore/dump/<id>``) without live spreadsheet formulas.

ckanext-datastore's ``datastore.dump`` view serves the cells as stored, so a cell
``=HYPERLINK(…)`` would be a live formula in a spreadsheet. :func:`install` (called from
``IMiddleware.make_middleware``, once CKAN has registered every blueprint) wraps that view: its
CSV and TSV output goes through the formula neutralisation of the /plan-data files
(:func:`..domain.tables.csv_safety.neutralise_csv`), for every DataStore table of the portal.
Numbers of numeric fields stay numbers; the plan's own tables (:mod:`..logic.datastore`) also keep
their columns' closed values (the rating ``-``), exactly as /plan-data writes them. Access checks,
filters, sorting, paging and the BOM are CKAN's own. JSON and XML dumps are not spreadsheets and
are served as CKAN writes them; CKAN 2.12 offers no other dump format (another one, e.g.
``xlsx``, gets a 400 with a ja/en message).
"""
from __future__ import annotations

import codecs
import functools
from typing import Any, Callable

from flask import Response, request

from ckan.plugins import toolkit as tk
from ckanext.datastore.blueprint import DUMP_FORMATS

from ..domain.tables import columns as t
from ..domain.tables import csv_safety
from ..logic import datastore

DUMP_ENDPOINT = "datastore.dump"
DELIMITERS = {"csv": ",", "tsv": "\t"}
UNSUPPORTED = (f"この形式では出力できません。{'、'.join(DUMP_FORMATS)} のいずれかを指定してください。"
               f" / Unsupported format: use one of {', '.join(DUMP_FORMATS)}.")
# DataStore (PostgreSQL) field types whose values are numbers
NUMERIC_TYPES = frozenset({
    "int", "int2", "int4", "int8", "integer", "smallint", "bigint",
    "float", "float4", "float8", "real", "double precision", "numeric", "decimal",
})


def install(app: Any) -> None:
    """Wrap the app's DataStore dump view (no-op without the datastore plugin)."""
    views = getattr(app, "view_functions", None)
    view = views.get(DUMP_ENDPOINT) if views is not None else None
    if view is None or getattr(view, "neutralises_formulas", False):
        return
    views[DUMP_ENDPOINT] = _without_formulas(view)


def _without_formulas(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)  # keeps the name CKAN's CSRF exemptions and url_for know
    def dump(resource_id: str, **kwargs: Any) -> Any:
        fmt = request.args.get("format") or "csv"
        if fmt not in DUMP_FORMATS:  # CKAN 2.12's own message for this fails (500)
            return tk.abort(400, UNSUPPORTED)
        response = view(resource_id, **kwargs)
        delimiter = DELIMITERS.get(fmt)
        if delimiter is None or not isinstance(response, Response) \
                or response.status_code != 200 or not response.is_streamed:
            return response
        rules = _rules(resource_id)
        text = codecs.iterdecode(response.response, "utf-8")
        response.response = (chunk.encode("utf-8") for chunk in
                             csv_safety.neutralise_csv(text, delimiter, rules))
        return response

    dump.neutralises_formulas = True  # type: ignore[attr-defined]
    return dump


def _rules(resource_id: str) -> dict[str, csv_safety.CellRule]:
    """The cell rule of each field of the dumped table, by field id."""
    try:
        info = tk.get_action("datastore_search")(
            {"user": tk.g.user}, {"resource_id": resource_id, "limit": 0,
                                  "include_total": False})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return {}  # every cell is text: the strictest rule
    real_id = info.get("resource_id") or resource_id
    plan_tables = {rid: key for resources in datastore.all_datastore_resources().values()
                   for key, rid in resources.items()}
    if real_id in plan_tables:
        table, lang = plan_tables[real_id]
        return {c.key: csv_safety.column_rule(c, lang) for c in t.TABLES[table].columns}
    return {f["id"]: csv_safety.CellRule(numeric=str(f.get("type")) in NUMERIC_TYPES)
            for f in info.get("fields", [])}
