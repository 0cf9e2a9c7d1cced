"""Keeps the plan's tables in CKAN's DataStore, so that ``datastore_search``,
``datastore_search_sql`` and the DataStore dumps serve the same rows as the downloads.

The ``ja.csv`` and ``en.csv`` resources of the plan dataset each carry a DataStore table of their
table and language: field ids are the column keys, the data dictionary (``info``) holds the
header and the description of that language, ``id`` is the primary key.

- :func:`refresh_all` rebuilds every table from one ``package_search`` (the loader runs it after
  each load; ``ckan minato-plan datastore-refresh`` runs it by hand). It creates the tables with
  ``datastore_create`` (fields, data dictionary, primary key) and replaces their rows.
- When an initiative is created, updated or deleted, :mod:`.consistency` reads its rows with
  :func:`initiative_writes` just before the outermost transaction commits, and writes them with
  :func:`write_initiatives` once it has committed: a savepoint release, a rolled-back change
  (e.g. a refused all-or-nothing progress upload) or a killed process never reaches the
  DataStore. :func:`differing_tables` tells the repair which tables no longer match.

Row writes go straight to the DataStore's write database, one transaction for all the tables
of a commit (delete the initiatives' rows, insert the new ones, clear the cached row counts),
because CKAN's actions cannot run while a session is committing.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins as p
from ckan.plugins import toolkit as tk

from .. import config
from ..domain import distributions
from ..domain.plan import Plan
from ..domain.tables import columns as t
from ..domain.tables.formats import VARIANTS
from ..domain.tables.rows import rows as table_rows
from . import official, plans
from .initiatives import search_initiatives

log = logging.getLogger(__name__)

DATASTORE_TYPES = {"string": "text", "integer": "int", "number": "numeric", "boolean": "bool"}


def enabled() -> bool:
    return p.plugin_loaded("datastore") and config.datastore_sync()


def fields(table: t.Table, lang: str) -> list[dict[str, Any]]:
    """The DataStore fields of a table, with the data dictionary in ``lang``."""
    return [{
        "id": column.key,
        "type": DATASTORE_TYPES[column.type],
        "info": {
            "label": column.header(lang),
            "notes": column.description_ja if lang == "ja" else column.description_en,
        },
    } for column in table.columns]


def plan_datastore_resources(active_only: bool = False, plan: Optional[Plan] = None
                             ) -> dict[tuple[str, str], str]:
    """``{(table, lang): resource id}`` of the resources of ``plan``'s dataset (the portal's
    first plan when None) that carry a DataStore table."""
    plan = plan or plans.portal().first
    return _datastore_resources(active_only, [plan.id])[plan.id]


def all_datastore_resources(active_only: bool = False) -> dict[str, dict[tuple[str, str], str]]:
    """:func:`plan_datastore_resources` of every plan of the portal, by plan id (one query)."""
    return _datastore_resources(active_only, [plan.id for plan in plans.portal()])


def _datastore_resources(active_only: bool, plan_ids: list[str]
                         ) -> dict[str, dict[tuple[str, str], str]]:
    query = (model.Session.query(model.Package.name, model.Resource)
             .join(model.Package, model.Package.id == model.Resource.package_id)
             .filter(model.Package.name.in_(plan_ids),
                     model.Package.state == "active",
                     model.Resource.state == "active"))
    out: dict[str, dict[tuple[str, str], str]] = {plan_id: {} for plan_id in plan_ids}
    for plan_id, resource in query:
        parsed = distributions.parse_plan_data_url(resource.url or "")
        if not parsed or parsed[0] is not None:
            continue
        table, _, suffix = parsed[1].partition(".")
        if table in t.TABLES and suffix in distributions.DATASTORE_SUFFIXES:
            if active_only and not (resource.extras or {}).get("datastore_active"):
                continue
            out[plan_id][(table, VARIANTS[suffix].lang)] = resource.id
    return out


def _plan_of_resource(resource_id: str) -> Optional[Plan]:
    for plan_id, resources in all_datastore_resources().items():
        if resource_id in resources.values():
            return plans.get(plan_id)
    return None


def _replace_rows(conn: Any, resource_id: str, table: t.Table, rows: list[dict[str, Any]],
                  initiative: Optional[str] = None) -> None:
    """Replace the rows of ``table`` (all, or one initiative's) on ``conn``."""
    from ckanext.datastore.backend.postgres import identifier

    keys = [c.key for c in table.columns]
    target = identifier(resource_id)
    if initiative is None:
        conn.execute(sa.text(f"DELETE FROM {target}"))
    else:
        conn.execute(sa.text(f"DELETE FROM {target} WHERE {identifier(table.initiative_key)} "
                             f"= :initiative"), {"initiative": initiative})
    if rows:
        columns = ", ".join(identifier(k) for k in keys)
        params = ", ".join(f":c{i}" for i in range(len(keys)))
        conn.execute(sa.text(f"INSERT INTO {target} ({columns}) VALUES ({params})"),
                     [{f"c{i}": row.get(k) for i, k in enumerate(keys)} for row in rows])


def _existing(conn: Any, resource_ids: set[str]) -> set[str]:
    """The resources among ``resource_ids`` that have a DataStore table."""
    found = conn.execute(sa.text(
        'SELECT name FROM "_table_metadata" WHERE name IN :rids AND alias_of IS NULL'
    ).bindparams(sa.bindparam("rids", expanding=True)), {"rids": sorted(resource_ids)})
    return {name for (name,) in found}


def _clear_row_counts(conn: Any, resource_ids: set[str]) -> None:
    conn.execute(sa.text('DELETE FROM "_table_stats" WHERE resource_id IN :rids')
                 .bindparams(sa.bindparam("rids", expanding=True)),
                 {"rids": sorted(resource_ids)})


def _write_rows(resource_id: str, table: t.Table, rows: list[dict[str, Any]]) -> bool:
    """Replace all rows of ``table`` in one DataStore transaction. False when the DataStore
    table does not exist (yet)."""
    from ckanext.datastore.backend.postgres import get_write_engine

    with get_write_engine().begin() as conn:
        if not _existing(conn, {resource_id}):
            return False
        _replace_rows(conn, resource_id, table, rows)
        _clear_row_counts(conn, {resource_id})
    return True


def _site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def refresh_all(echo: Optional[Callable[[str], None]] = None) -> dict[str, int]:
    """Create (or update) the DataStore tables and replace all their rows. Returns the row count
    per ``<table>.<lang>``; empty when the datastore plugin or the sync is off."""
    if not enabled():
        return {}
    counts = {}
    first = plans.portal().first
    for plan in plans.portal():
        resources = plan_datastore_resources(plan=plan)
        initiatives = search_initiatives({"ignore_auth": True}, plan=plan) if resources else []
        for (table_name, lang), resource_id in sorted(resources.items()):
            table = t.tables(plan)[table_name]
            tk.get_action("datastore_create")(_site_context(), {
                "resource_id": resource_id, "force": True, "fields": fields(table, lang),
                "primary_key": ["id"], "calculate_record_count": False})
            rows = list(table_rows(table_name, initiatives, lang, plan))
            _write_rows(resource_id, table, rows)
            name = f"{table_name}.{lang}"
            counts[name if plan.id == first.id else f"{plan.id}/{name}"] = len(rows)
    if echo and counts:
        echo("DataStore: " + ", ".join(f"{k} {v} rows" for k, v in counts.items()))
    return counts


# --- keeping the tables current ---------------------------------------------------------------

def _is_current(shown: Optional[dict[str, Any]], pkg: model.Package) -> bool:
    """Whether a dict shown earlier in the transaction is still the dataset as saved."""
    return bool(shown) and shown.get("metadata_modified") == (
        pkg.metadata_modified.isoformat() if pkg.metadata_modified else None) \
        and shown.get("state") == pkg.state and bool(shown.get("private")) == bool(pkg.private)


def initiative_writes(package_ids: set[str], shown: Optional[dict[str, dict[str, Any]]] = None
                      ) -> dict[str, list[tuple[str, str, list]]]:
    """The rows each official initiative among ``package_ids`` has now, by initiative id, as
    ``(resource id, table, rows)`` (no rows for a deleted or private one). Read inside the
    transaction that changed them, just before it commits (:mod:`.consistency`), from the
    dict ``package_update`` showed of it (``shown``) when that is still current, else from a
    ``package_show``."""
    if not enabled() or not package_ids:
        return {}
    initiatives = list(model.Session.query(model.Package)
                       .filter(model.Package.id.in_(list(package_ids)),
                               model.Package.type == "initiative"))
    if not initiatives:
        return {}
    by_plan = all_datastore_resources(active_only=True)
    if not any(by_plan.values()):
        return {}  # no DataStore tables yet: refresh_all will build them
    out = {}
    for saved in initiatives:
        pkg = (shown or {}).get(saved.id)
        if not _is_current(pkg, saved):
            pkg = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False},
                                                {"id": saved.id})
        if not official.is_official(pkg):
            continue
        try:
            number = int(pkg["initiative_no"])
        except (KeyError, TypeError, ValueError):
            continue
        plan = plans.of_dataset(pkg)
        if plan is None:
            continue
        visible = pkg.get("state") == "active" and not pkg.get("private")
        out[plan.initiative_id(number)] = [
            (resource_id, table_name,
             list(table_rows(table_name, [pkg], lang, plan)) if visible else [])
            for (table_name, lang), resource_id in by_plan.get(plan.id, {}).items()]
    return out


def write_initiatives(writes: dict[str, list[tuple[str, str, list]]]) -> bool:
    """Replace each initiative's rows in every table, all in one DataStore transaction; False
    if it failed (logged; the metadata is committed and the repair job retries)."""
    from ckanext.datastore.backend.postgres import get_write_engine

    if not writes:
        return True
    resource_ids = {rid for tables in writes.values() for rid, _, _ in tables}
    try:
        with get_write_engine().begin() as conn:
            existing = _existing(conn, resource_ids)
            for initiative, tables in writes.items():
                for resource_id, table_name, rows in tables:
                    if resource_id in existing:
                        _replace_rows(conn, resource_id, t.TABLES[table_name], rows,
                                      initiative=initiative)
            if existing:
                _clear_row_counts(conn, existing)
    except Exception:  # the metadata is committed: report, never undo it
        log.exception("DataStore refresh of %s failed; the repair job retries it",
                      ", ".join(sorted(writes)))
        return False
    return True


def _canonical(table: t.Table, rows: list[dict[str, Any]]) -> list[tuple]:
    def value(column: t.Column, v: Any) -> Any:
        if v is None:
            return None
        return float(v) if column.type == "number" else v
    return sorted(tuple(value(c, row.get(c.key)) for c in table.columns) for row in rows)


def _database_initiatives(plan: Plan) -> list[dict[str, Any]]:
    """The official public initiatives of ``plan`` as ``package_show`` reads them from the
    database (not from the search index, which may be behind)."""
    out = []
    for (package_id,) in (model.Session.query(model.Package.id)
                          .filter(model.Package.type == "initiative",
                                  model.Package.state == "active",
                                  model.Package.private.is_(False))):
        pkg = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False},
                                            {"id": package_id})
        if official.is_official(pkg) and getattr(plans.of_dataset(pkg), "id", None) == plan.id:
            out.append(pkg)
    return out


def differing_tables() -> list[tuple[str, str, str]]:
    """The plan's DataStore tables whose rows differ from the database's initiatives, as
    ``(table, lang, resource id)``."""
    if not enabled():
        return []
    from ckanext.datastore.backend.postgres import get_write_engine, identifier

    out = []
    for plan_id, resources in all_datastore_resources(active_only=True).items():
        if not resources:
            continue
        plan = plans.get(plan_id)
        initiatives = _database_initiatives(plan)
        with get_write_engine().connect() as conn:
            for (table_name, lang), resource_id in sorted(resources.items()):
                table = t.tables(plan)[table_name]
                keys = ", ".join(identifier(c.key) for c in table.columns)
                stored = [dict(row._mapping) for row in conn.execute(
                    sa.text(f"SELECT {keys} FROM {identifier(resource_id)}"))]
                expected = list(table_rows(table_name, initiatives, lang, plan))
                if _canonical(table, stored) != _canonical(table, expected):
                    out.append((table_name, lang, resource_id))
    return out


def refresh_table(table_name: str, lang: str, resource_id: str) -> int:
    """Replace all rows of one plan table with the database's; the row count."""
    plan = _plan_of_resource(resource_id) or plans.portal().first
    table = t.tables(plan)[table_name]
    rows = list(table_rows(table_name, _database_initiatives(plan), lang, plan))
    _write_rows(resource_id, table, rows)
    return len(rows)
