"""Keeps the plan's tables in CKAN's DataStore, so that ``datastore_search``,
``datastore_search_sql`` and the DataStore dumps serve the same rows as the downloads.

The ``ja.csv`` and ``en.csv`` resources of the plan dataset each carry a DataStore table of their
table and language: field ids are the column keys, the data dictionary (``info``) holds the
header and the description of that language, ``id`` is the primary key.

- :func:`refresh_all` rebuilds every table from one ``package_search`` (the loader runs it after
  each load; ``ckan minato-plan datastore-refresh`` runs it by hand). It creates the tables with
  ``datastore_create`` (fields, data dictionary, primary key) and replaces their rows.
- When an initiative is created, updated or deleted (``IPackageController`` hooks in
  ``plugin.py``), :func:`dataset_changed` builds that initiative's rows from the dataset as the
  transaction left it and keeps them on the database session; only when the session COMMITS are
  they written, replacing that initiative's rows in one DataStore transaction. A rolled-back
  change (e.g. a refused all-or-nothing progress upload) never reaches the DataStore. This is
  synchronous: no background worker is needed.

Row writes go straight to the DataStore's write database in one transaction per table (delete
the initiative's rows, insert the new ones, clear the cached row count), because CKAN's actions
cannot run while a session is committing.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Optional

import sqlalchemy as sa
from sqlalchemy import event

import ckan.model as model
import ckan.plugins as p
from ckan.plugins import toolkit as tk

from .. import config
from ..domain import distributions, identifiers
from ..domain.plan import load_plan
from ..domain.tables import columns as t
from ..domain.tables.formats import VARIANTS
from ..domain.tables.rows import rows as table_rows
from . import official
from .initiatives import search_initiatives

log = logging.getLogger(__name__)

DATASTORE_TYPES = {"string": "text", "integer": "int", "number": "numeric", "boolean": "bool"}
_PENDING = "minato_plan_datastore_pending"


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


def plan_datastore_resources(active_only: bool = False) -> dict[tuple[str, str], str]:
    """``{(table, lang): resource id}`` of the plan resources that carry a DataStore table."""
    query = (model.Session.query(model.Resource)
             .join(model.Package, model.Package.id == model.Resource.package_id)
             .filter(model.Package.name == load_plan().id,
                     model.Package.state == "active",
                     model.Resource.state == "active"))
    out = {}
    for resource in query:
        parsed = distributions.parse_plan_data_url(resource.url or "")
        if not parsed or parsed[0] is not None:
            continue
        table, _, suffix = parsed[1].partition(".")
        if table in t.TABLES and suffix in distributions.DATASTORE_SUFFIXES:
            if active_only and not (resource.extras or {}).get("datastore_active"):
                continue
            out[(table, VARIANTS[suffix].lang)] = resource.id
    return out


def _write_rows(resource_id: str, table: t.Table, rows: list[dict[str, Any]],
                initiative: Optional[str] = None) -> bool:
    """Replace the rows of ``table`` (all, or one initiative's) in one DataStore transaction.
    False when the DataStore table does not exist (yet)."""
    from ckanext.datastore.backend.postgres import get_write_engine, identifier

    keys = [c.key for c in table.columns]
    target = identifier(resource_id)
    with get_write_engine().begin() as conn:
        exists = conn.execute(sa.text(
            'SELECT 1 FROM "_table_metadata" WHERE name = :rid AND alias_of IS NULL'),
            {"rid": resource_id}).first()
        if not exists:
            return False
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
        conn.execute(sa.text('DELETE FROM "_table_stats" WHERE resource_id = :rid'),
                     {"rid": resource_id})
    return True


def _site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def refresh_all(echo: Optional[Callable[[str], None]] = None) -> dict[str, int]:
    """Create (or update) the DataStore tables and replace all their rows. Returns the row count
    per ``<table>.<lang>``; empty when the datastore plugin or the sync is off."""
    if not enabled():
        return {}
    resources = plan_datastore_resources()
    initiatives = search_initiatives({"ignore_auth": True})
    counts = {}
    for (table_name, lang), resource_id in sorted(resources.items()):
        table = t.TABLES[table_name]
        tk.get_action("datastore_create")(_site_context(), {
            "resource_id": resource_id, "force": True, "fields": fields(table, lang),
            "primary_key": ["id"], "calculate_record_count": False})
        rows = list(table_rows(table_name, initiatives, lang))
        _write_rows(resource_id, table, rows)
        counts[f"{table_name}.{lang}"] = len(rows)
    if echo and counts:
        echo("DataStore: " + ", ".join(f"{k} {v} rows" for k, v in counts.items()))
    return counts


# --- keeping the tables current ---------------------------------------------------------------

def dataset_changed(pkg_dict: dict[str, Any], removed: bool = False) -> None:
    """Called by the IPackageController hooks for any dataset: queue an initiative's new rows
    (none when ``removed``: CKAN calls the delete hook before it marks the dataset deleted) for
    writing when the session commits."""
    if not enabled():
        return
    package_id = pkg_dict.get("id")
    if not package_id:
        return
    pkg_obj = model.Package.get(package_id)
    if pkg_obj is None or pkg_obj.type != "initiative":
        return
    resources = plan_datastore_resources(active_only=True)
    if not resources:
        return  # no DataStore tables yet: refresh_all will build them
    pkg = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False},
                                        {"id": package_id})
    if not official.is_official(pkg):
        return
    try:
        number = int(pkg["initiative_no"])
    except (KeyError, TypeError, ValueError):
        return
    visible = not removed and pkg.get("state") == "active" and not pkg.get("private")
    writes = []
    for (table_name, lang), resource_id in resources.items():
        rows = list(table_rows(table_name, [pkg], lang)) if visible else []
        writes.append((resource_id, table_name, rows))
    pending = model.Session.info.setdefault(_PENDING, {})
    pending[identifiers.initiative_id(load_plan().municipality_code, number)] = writes


def _after_commit(session: Any) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    for initiative, writes in pending.items():
        for resource_id, table_name, rows in writes:
            try:
                _write_rows(resource_id, t.TABLES[table_name], rows, initiative=initiative)
            except Exception:  # the metadata is committed: report, never undo it
                log.exception("DataStore refresh of %s (%s) failed; run `ckan minato-plan "
                              "datastore-refresh`", initiative, table_name)


def _after_rollback(session: Any) -> None:
    session.info.pop(_PENDING, None)


def register_listeners() -> None:
    """Write queued rows when the session commits, drop them when it rolls back (called once
    by the plugin's ``IConfigurable.configure``)."""
    if not event.contains(model.Session, "after_commit", _after_commit):
        event.listen(model.Session, "after_commit", _after_commit)
        event.listen(model.Session, "after_rollback", _after_rollback)
