"""The licence of the plan's data as an entry of CKAN's licence list.

The portal keeps its own licence list (CKAN's default when none is configured); the plan's
licence (CC BY 4.0, compatible with the Government of Japan Standard Terms of Use 2.0) is added
to it when the list does not have it, and nothing is removed.
"""
from __future__ import annotations

from typing import Any, Iterable

from .plan import Plan


def license_entry(plan: Plan) -> dict[str, Any]:
    """The plan's licence in the form of CKAN's licence list."""
    return {
        "id": plan.license.id,
        "title": f"{plan.license.title.ja} / {plan.license.title.en}",
        "url": plan.license.url,
        "family": "Creative Commons",
        "status": "active",
        "domain_content": True,
        "domain_data": True,
        "domain_software": False,
        "is_generic": False,
        "od_conformance": "approved",
        "osd_conformance": "not reviewed",
    }


def needs_plan_license(plan: Plan, licenses: Iterable[dict[str, Any]]) -> bool:
    """Whether a licence list lacks the plan's licence (by id or by its URL)."""
    wanted = plan.license.url.rstrip("/")
    for lic in licenses:
        if lic.get("id") == plan.license.id or (lic.get("url") or "").rstrip("/") == wanted:
            return False
    return True
