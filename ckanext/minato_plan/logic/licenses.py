"""Adds the plan's licence to the portal's own licence list (CKAN's licence register)."""
from __future__ import annotations

import ckan.model as model
from ckan.model.license import License

from ..domain import licenses
from ..domain.plan import load_plan


def add_plan_license() -> None:
    """Append the plan's licence to the register unless it has it already."""
    register = model.Package.get_license_register()
    plan = load_plan()
    current = [{"id": lic.id, "url": getattr(lic, "url", "")} for lic in register.licenses]
    if licenses.needs_plan_license(plan, current):
        register.licenses.append(License(licenses.license_entry(plan)))


def plan_license_id() -> str:
    """The id under which the portal's licence list holds the plan's licence (the site's own
    id when its list already has the licence under another id)."""
    add_plan_license()
    plan = load_plan()
    wanted = plan.license.url.rstrip("/")
    for lic in model.Package.get_license_register().licenses:
        if lic.id == plan.license.id:
            return lic.id
    for lic in model.Package.get_license_register().licenses:
        if (getattr(lic, "url", "") or "").rstrip("/") == wanted:
            return lic.id
    return plan.license.id
