"""Initiatives stored in an earlier form of the schema, rewritten in today's form through
CKAN's own ``package_update``, so that the search index, the DataStore tables, the downloads and
the activity stream follow as with any edit.

Today's form differs from the earlier ones in two places: an indicator's targets and actuals
are entries of ``indicator_values`` instead of ``target_<year>`` / ``actual_<year>`` keys of the
indicator (``domain.progress.split_legacy_indicators``), and an initiative names its plan
(``plan_id``: the plan its name belongs to). Values come out the same either way.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, Optional

import ckan.model as model
from ckan.plugins import toolkit as tk

from ..domain import progress
from . import official, plans


@dataclasses.dataclass
class MigrationReport:
    migrated: list[str] = dataclasses.field(default_factory=list)
    failed: dict[str, str] = dataclasses.field(default_factory=dict)
    checked: int = 0


def pending() -> list[tuple[str, dict[str, Any]]]:
    """(name, changes) of every initiative not deleted whose stored extras are in an earlier
    form, read from the database (not from ``package_show``, which shows today's fields
    only)."""
    out = []
    query = model.Session.query(model.Package).filter(
        model.Package.type == "initiative", model.Package.state != "deleted")
    for package in query.order_by(model.Package.name):
        changes = _changes(package.name, dict(package.extras or {}))
        if changes is not None:
            out.append((package.name, changes))
    return out


def _changes(name: str, extras: dict[str, Any]) -> Optional[dict[str, Any]]:
    """What an initiative stored with ``extras`` lacks of today's form, None when nothing."""
    changes = progress.split_legacy_indicators(extras) or {}
    if not extras.get("plan_id"):
        changes["plan_id"] = plans.of_fields(None, name).id
    return changes or None


def show_in_todays_form(context: Any, pkg_dict: dict[str, Any]) -> None:
    """``package_show`` of an initiative still stored in the earlier form (before ``ckan
    minato-plan migrate`` ran): its indicators and their values as today's form holds them,
    read from the stored extras (the schema's own output knows today's fields only), so that
    nothing is hidden, and an edit made before the migration saves them in today's form."""
    if pkg_dict.get("type") != "initiative":
        return
    plans.with_plan_id(pkg_dict)
    package = (context or {}).get("package")
    extras = getattr(package, "extras", None) or {}
    raw = extras.get("indicators")
    if not isinstance(raw, str) or ("target_" not in raw and "actual_" not in raw):
        return
    changes = progress.split_legacy_indicators({"indicators": raw,
                                                "indicator_values": extras.get(
                                                    "indicator_values")})
    if changes is not None:
        pkg_dict.update(changes)


def _rewrite(user: str, name: str, changes: dict[str, Any]) -> None:
    """``changes`` saved by package_update, told what the database holds: package_show already shows
    the dataset in today's form (:func:`show_in_todays_form`), and CKAN's package_update writes
    nothing when the dataset it is given equals the one it is told is stored."""
    context = {"user": user, "ignore_auth": True}
    shown = tk.get_action("package_show")(dict(context, for_update=True), {"id": name})
    stored_extras = dict(model.Package.get(shown["id"]).extras or {})
    stored = dict(shown, **{key: stored_extras.get(key) for key in changes})
    patched = dict(shown, **changes)
    patched.pop("metadata_modified", None)
    tk.get_action("package_update")(dict(context, original_package=stored), patched)


def migrate(dry_run: bool = False, echo: Callable[[str], Any] = lambda _line: None
            ) -> MigrationReport:
    """Rewrites every pending initiative (one ``package_update`` each, signed by the loader's
    account); one that fails is reported and left as it was."""
    report = MigrationReport()
    todo = pending()
    report.checked = model.Session.query(model.Package).filter(
        model.Package.type == "initiative", model.Package.state != "deleted").count()
    context_user = official.ensure_loader_user()["name"] if todo and not dry_run else None
    for name, changes in todo:
        if dry_run:
            report.migrated.append(name)
            continue
        try:
            _rewrite(context_user, name, changes)
        except tk.ValidationError as err:
            model.Session.rollback()
            report.failed[name] = str(err.error_summary or err.error_dict)
            echo(f"{name}: {report.failed[name]}")
            continue
        report.migrated.append(name)
        done = [f"{len(changes['indicator_values'])} indicator value(s) moved"
                ] if "indicator_values" in changes else []
        if "plan_id" in changes:
            done.append(f"plan_id {changes['plan_id']}")
        echo(f"{name}: {', '.join(done)}")
    return report
