"""``/plan-data/…``: the plan's tables as files, built from the live metadata at each request
(blueprint ``minato_plan_data``).

- ``/plan-data/<table>.<variant>``: ``structure``, ``progress``, ``indicators`` ×
  ``ja.csv`` (UTF-8 with BOM), ``ja.cp932.csv`` (Shift_JIS), ``en.csv``, ``ja.json``, ``en.json``;
- ``/plan-data/initiative/<no>/<table>.<variant>``: one initiative's progress and indicators;
- ``/plan-data/datapackage.json``: the Frictionless data package (relative paths);
- ``/plan-data/columns.ja.csv``, ``columns.en.csv``: the column dictionary (項目定義書);
- ``/plan-data/cp932-report.json``: every character the Shift_JIS files replace.

These are the files of the portal's first plan (``ckanext.minato_plan.plan_files``); every plan's
are under ``/plan-data/<plan id>/…`` as well (the first plan's too), the same names below it, and
``/plan-data/all/<table>.<variant>`` holds the rows of every plan, oldest plan first (identifiers
are unique across plans; each plan's column constraints are in its own data package).
Files are streamed (memory stays flat whatever the number of rows). The Shift_JIS files say in
the ``X-Cp932-Replacements`` header how many characters they replaced.
"""
from __future__ import annotations

import itertools
import json
from typing import Any, Callable, Iterable, Iterator, Optional

from flask import Blueprint, Response

from ckan.plugins import toolkit as tk

from ..domain.identifiers import ALL_PLANS
from ..domain.plan import Plan
from ..domain.tables import columns as t
from ..domain.tables import cp932, datapackage, formats, writers
from ..domain.tables.rows import rows
from ..logic import initiatives as plan_data
from ..logic import plans

plan_files = Blueprint("minato_plan_data", __name__, url_prefix="/plan-data")


def _split(filename: str) -> tuple[Optional[t.Table], Optional[formats.Variant]]:
    table, _, suffix = filename.partition(".")
    return t.TABLES.get(table), formats.VARIANTS.get(suffix)


def _table_response(table: t.Table, variant: formats.Variant,
                    table_rows: Callable[[str], Iterator[dict[str, Any]]],
                    filename: str) -> Response:
    """A table in ``variant``; ``table_rows(lang)`` gives its rows in a language."""
    headers = {"Cache-Control": "no-cache"}
    if variant.format == "CSV":
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if variant.encoding == "cp932":
        changes = cp932.cp932_changes(table, table_rows("ja"))
        headers["X-Cp932-Replacements"] = str(sum(1 for _ in changes))
    body = writers.table_bytes(table, table_rows(variant.lang), variant)
    return Response(body, content_type=variant.mimetype, headers=headers)


def _plan_rows(plan: Plan, table: str, initiatives: list[dict[str, Any]]
               ) -> Callable[[str], Iterator[dict[str, Any]]]:
    return lambda lang: rows(table, initiatives, lang, plan)


def _all_plans_file(filename: str) -> Response:
    table, variant = _split(filename)
    if table is None or variant is None:
        return tk.abort(404, "ファイルが見つかりません / No such file")
    each = [(plan, plan_data.search_initiatives(plan=plan)) for plan in plans.portal()]

    def table_rows(lang: str) -> Iterator[dict[str, Any]]:
        return itertools.chain.from_iterable(
            rows(table.name, initiatives, lang, plan) for plan, initiatives in each)
    return _table_response(table, variant, table_rows, f"all-plans-{table.name}.{variant.suffix}")


def _bytes_response(body: Iterable[bytes] | bytes, content_type: str,
                    filename: Optional[str] = None) -> Response:
    headers = {"Cache-Control": "no-cache"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(body, content_type=content_type, headers=headers)


def _plan(plan_id: Optional[str]) -> Plan:
    """The plan a URL names; the portal's first plan when it names none."""
    plan = plans.portal().first if plan_id is None else plans.get(plan_id)
    if plan is None:
        return tk.abort(404, f"計画 {plan_id} はありません / No plan {plan_id}")
    return plan


@plan_files.route("/<filename>")
@plan_files.route("/<plan_id>/<filename>")
def plan_file(filename: str, plan_id: Optional[str] = None) -> Response:
    if plan_id == ALL_PLANS:
        return _all_plans_file(filename)
    plan = _plan(plan_id)
    if filename == "datapackage.json":
        return _bytes_response(
            datapackage.datapackage_bytes(plan, base_url=tk.config.get("ckan.site_url")),
            "application/json")
    if filename in ("columns.ja.csv", "columns.en.csv"):
        lang = filename.split(".")[1]
        return _bytes_response(datapackage.dictionary_bytes(lang, plan),
                               "text/csv; charset=utf-8", f"{plan.id}-{filename}")
    if filename == "cp932-report.json":
        initiatives = plan_data.search_initiatives(plan=plan)
        report = [change.as_dict() for table in t.tables(plan).values()
                  for change in cp932.cp932_changes(table, rows(table.name, initiatives, "ja",
                                                                plan))]
        return _bytes_response(json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8"),
                               "application/json")
    table, variant = _split(filename)
    if table is None or variant is None:
        return tk.abort(404, "ファイルが見つかりません / No such file")
    return _table_response(t.tables(plan)[table.name], variant,
                           _plan_rows(plan, table.name, plan_data.search_initiatives(plan=plan)),
                           formats.file_name(table.name, variant, plan))


@plan_files.route("/initiative/<int:number>/<filename>")
@plan_files.route("/<plan_id>/initiative/<int:number>/<filename>")
def initiative_file(number: int, filename: str, plan_id: Optional[str] = None) -> Response:
    plan = _plan(plan_id)
    table, variant = _split(filename)
    if table is None or variant is None or table.name not in t.INITIATIVE_TABLES:
        return tk.abort(404, "ファイルが見つかりません / No such file")
    try:
        pkg = plan_data.initiative_dataset(plan, number)
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, f"取組{number}はありません / No initiative {number}")
    return _table_response(t.tables(plan)[table.name], variant,
                           _plan_rows(plan, table.name, [pkg]),
                           formats.file_name(table.name, variant, plan, number))
