"""The portal's own licence list (CKAN's default when none is configured) with the plan's licence
added.

CKAN builds a licence register from ``licenses_group_url`` wherever it needs one (the dataset
form, ``license_list``, ckanext-dcat's parser build their own), so the list with the plan's
licence is written once, as a file beside the site's list, and ``licenses_group_url`` points at
it; nothing of the site's list is removed or changed.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from typing import Any

import ckan.model as model
from ckan.model.license import LicenseRegister

from ..domain import licenses
from ..domain.plan import Plan
from . import plans

OPTION = "licenses_group_url"
_WRITTEN_MARK = "ckanext-minato_plan-licenses-"


def _site_licenses(ckan_config: Any) -> list[dict[str, Any]]:
    """The licences the site's setting (or CKAN's default) gives, as their data."""
    return [lic.license_dictize() for lic in LicenseRegister().licenses]


def configure(ckan_config: Any) -> None:
    """Point ``licenses_group_url`` at the site's list plus the plan's licence (when the list
    lacks it); called from ``IConfigurer.update_config``."""
    # the register CKAN keeps is built again from the setting as it is now
    if hasattr(model.Package, "_license_register"):
        del model.Package._license_register
    if _WRITTEN_MARK in str(ckan_config.get(OPTION) or ""):
        return
    current = _site_licenses(ckan_config)
    missing = []
    for plan in plans.portal(ckan_config):
        if licenses.needs_plan_license(plan, current + missing):
            missing.append(licenses.license_entry(plan))
    if not missing:
        return
    combined = current + missing
    text = json.dumps(combined, ensure_ascii=False, indent=1, sort_keys=True, default=str)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    folder = os.path.join(tempfile.gettempdir(), "ckanext-minato_plan")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{_WRITTEN_MARK}{digest}.json")
    if not os.path.exists(path):
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, path)
    ckan_config[OPTION] = "file://" + path


def plan_license_id(plan: Plan) -> str:
    """The id under which the portal's licence list holds the plan's licence (the site's own
    id when its list already has the licence under another id)."""
    wanted = plan.license.url.rstrip("/")
    register = model.Package.get_license_register()
    for lic in register.licenses:
        if lic.id == plan.license.id:
            return lic.id
    for lic in register.licenses:
        if (getattr(lic, "url", "") or "").rstrip("/") == wanted:
            return lic.id
    return plan.license.id
