"""Loads the plan into CKAN: the organization, the guideline groups, the plan dataset and the 39
initiatives. Idempotent: records already as the plan states them are left alone.

Progress recorded by staff is never touched; ``sample_progress`` only adds fictional entries for
fiscal years that have none.
"""
from __future__ import annotations

import copy
import dataclasses
from typing import Any, Callable, Optional

import ckan.model as model
from ckan.lib.plugins import lookup_package_plugin
from ckan.plugins import toolkit as tk

from ..domain import distributions, records
from ..domain import sample as sample_module
from ..domain.plan import Plan, load_plan
from . import datastore, licenses, official, plans


@dataclasses.dataclass
class LoadReport:
    """Outcome per record, as ``(kind, name)`` pairs."""

    created: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    updated: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    unchanged: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    dry_run: bool = False

    def count(self, outcome: str, kind: Optional[str] = None) -> int:
        return sum(1 for k, _name in getattr(self, outcome) if kind in (None, k))

    def summary(self, kind: Optional[str] = None) -> str:
        prefix = "[dry run] " if self.dry_run else ""
        return (f"{prefix}{self.count('created', kind)} created, "
                f"{self.count('updated', kind)} updated, "
                f"{self.count('unchanged', kind)} unchanged")


class PlanValidationError(Exception):
    """The plan's records do not validate; nothing was written."""

    def __init__(self, problems: dict[str, Any]):
        self.problems = problems
        lines = [f"{name}: {errors}" for name, errors in problems.items()]
        super().__init__("検証エラーのため何も書き込んでいません / Nothing written, validation "
                         "failed:\n" + "\n".join(lines))


def _context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _write_context() -> dict[str, Any]:
    """Writes are signed by the loader's named account, so they show in the activity stream
    (CKAN hides the site user's activities)."""
    return {"user": official.ensure_loader_user()["name"], "ignore_auth": True}


def _show(action: str, name: str) -> Optional[dict[str, Any]]:
    try:
        return tk.get_action(action)(_context(), {"id": name})
    except tk.ObjectNotFound:
        return None


def _validate_dataset(target: dict[str, Any], current: Optional[dict[str, Any]],
                      will_create: set[str]) -> dict[str, Any]:
    """Scheming validation of a dataset dict without writing it. Errors on the organization or
    groups this run is about to create are not errors."""
    plugin = lookup_package_plugin(target["type"])
    action = "package_update" if current else "package_create"
    schema = (plugin.update_package_schema() if current else plugin.create_package_schema())
    context = {"model": model, "session": model.Session, "ignore_auth": True,
               "user": _context()["user"]}
    if current:
        context["package"] = model.Package.get(current["id"])
    data = copy.deepcopy(target)
    if current:
        data["id"] = current["id"]
    _data, errors = plugin.validate(context, data, schema, action)
    if "owner_org" in will_create:
        errors.pop("owner_org", None)
    if "groups" in will_create:
        errors.pop("groups", None)
    return errors


def load(plan: Optional[Plan] = None, dry_run: bool = False, sample_progress: bool = False,
         echo: Callable[[str], None] = print) -> LoadReport:
    """Load ``plan`` (one of the portal's plans), or every plan of the portal when None."""
    if plan is None:
        report = LoadReport(dry_run=dry_run)
        for each in plans.portal():
            echo(f"Plan / 計画: {each.id}")
            one = _load(each, dry_run, sample_progress, echo)
            for outcome in ("created", "updated", "unchanged"):
                getattr(report, outcome).extend(getattr(one, outcome))
        if not dry_run:
            datastore.refresh_all(echo=echo)
        return report
    report = _load(plan, dry_run, sample_progress, echo)
    if not dry_run:
        datastore.refresh_all(echo=echo)
    return report


def _load(plan: Plan, dry_run: bool, sample_progress: bool,
          echo: Callable[[str], None]) -> LoadReport:
    report = LoadReport(dry_run=dry_run)
    ctx = _write_context

    organization = plans.organization(plan)
    org_target = records.organization_dict(plan, organization)
    group_targets = records.group_dicts(plan)
    datasets = ([records.plan_dataset_dict(plan, organization)]
                + records.initiative_dataset_dicts(plan, organization))
    # The download resources, whose URLs serve the tables built from the live metadata.
    site_url = tk.config.get("ckan.site_url")
    license_id = licenses.plan_license_id(plan)
    scope = plans.url_scope(plan)
    for target in datasets:
        target["license_id"] = license_id
        target["resources"] = (
            distributions.plan_resources(site_url, scope) if target["type"] == "plan"
            else distributions.initiative_resources(site_url, target["initiative_no"], scope))
    # the sample progress is that of the plan the package carries
    samples = (sample_module.load_sample_progress()
               if sample_progress and plan.id == load_plan().id else {})

    # 1. Read what exists and decide, before writing anything.
    org_current = _show("organization_show", org_target["name"])
    groups_current = {g["name"]: _show("group_show", g["name"]) for g in group_targets}
    will_create = set()
    if org_current is None:
        will_create.add("owner_org")
    if any(v is None for v in groups_current.values()):
        will_create.add("groups")

    decided = []
    problems: dict[str, Any] = {}
    for target in datasets:
        current = _show("package_show", target["name"])
        if target["type"] == "initiative" and target["initiative_no"] in samples:
            existing = (current or {}).get("progress") or []
            target["progress"] = sample_module.merge_progress(
                existing, samples[target["initiative_no"]])
        errors = _validate_dataset(target, current, will_create)
        if errors:
            problems[target["name"]] = errors
        decided.append((target, current))
    if problems:
        raise PlanValidationError(problems)

    # 2. Write.
    def apply(kind: str, name: str, target: dict[str, Any], current: Optional[dict[str, Any]],
              create: str, patch: str) -> None:
        if current is None:
            report.created.append((kind, name))
            echo(f"  + {kind} {name}: created" if not dry_run else f"  + {kind} {name}: would create")
            if not dry_run:
                tk.get_action(create)(ctx(), copy.deepcopy(target))
            return
        changed = records.differs(target, current)
        if not changed:
            report.unchanged.append((kind, name))
            echo(f"  = {kind} {name}: unchanged")
            return
        report.updated.append((kind, name))
        echo(f"  ~ {kind} {name}: {'would update' if dry_run else 'updated'} "
             f"({', '.join(changed)})")
        if not dry_run:
            data = dict(copy.deepcopy(target), id=current["id"])
            if "resources" in data:  # keep the resources' ids (and their DataStore tables)
                data["resources"] = distributions.with_current_ids(
                    data["resources"], current.get("resources"))
            tk.get_action(patch)(ctx(), data)

    echo(f"Organization / 組織: {org_target['name']}")
    apply("organization", org_target["name"], org_target, org_current,
          "organization_create", "organization_patch")
    echo("Groups / 情報化指針グループ:")
    for g in group_targets:
        apply("group", g["name"], g, groups_current[g["name"]], "group_create", "group_patch")
    echo("Datasets / データセット:")
    for target, current in decided:
        apply(target["type"], target["name"], target, current, "package_create", "package_patch")
    return report
