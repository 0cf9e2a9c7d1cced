"""The names the tests reach the embedded plan (Minato's) by: its organization and its
initiatives' dataset names."""
from __future__ import annotations

from ckanext.minato_plan.domain.plan import load_plan

ORGANIZATION_NAME = load_plan().organization


def initiative_name(number: int) -> str:
    """``minato-plan-initiative-27`` for 27."""
    return load_plan().initiative_name(number)


def by_number(datasets: list[dict], number: int) -> dict:
    """The initiative dataset of ``number`` among ``datasets``."""
    return next(p for p in datasets if p["initiative_no"] == number)
