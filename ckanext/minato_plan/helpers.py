"""Template helpers (registered by ``toolkit.blanket.helpers``).

The ``*_choices`` helpers feed the scheming select fields from the plan model, so the choices are
written once (in ``plan.py`` and ``data/plan.yaml``) and never repeated in the schemas.
"""
from __future__ import annotations

import json
from typing import Any, Optional

from ckan.plugins import toolkit as tk

from . import plan as plan_model

__all__ = [
    "minato_guideline_choices",
    "minato_measure_choices",
    "minato_new_or_continued_choices",
    "minato_status_choices",
    "minato_rating_choices",
    "minato_fiscal_year_choices",
    "minato_translated",
    "minato_current_language",
    "minato_translated_dict",
]


def _pairs(choices: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"value": code, "label": {"ja": ja, "en": en}} for code, (ja, en) in choices.items()]


def minato_guideline_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return [{"value": g.number,
             "label": {"ja": f"{g.number} {g.title.ja}", "en": f"{g.number} {g.title.en}"}}
            for g in plan_model.load_plan().guidelines]


def minato_measure_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return [{"value": m.code,
             "label": {"ja": f"{m.code} {m.title.ja}", "en": f"{m.code} {m.title.en}"}}
            for m in plan_model.load_plan().measures]


def minato_new_or_continued_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return _pairs(plan_model.NEW_OR_CONTINUED)


def minato_status_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return _pairs(plan_model.STATUSES)


def minato_rating_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return [{"value": code, "label": {"ja": f"{code} {ja}", "en": f"{code} {en}"}}
            for code, (ja, en) in plan_model.RATINGS.items()]


def minato_fiscal_year_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return [{"value": fy, "label": {"ja": f"{plan_model.reiwa_label(fy)}（{fy}）",
                                    "en": f"FY{fy} ({plan_model.reiwa_label(fy)})"}}
            for fy in plan_model.FISCAL_YEARS]


def minato_current_language() -> str:
    lang = tk.h.lang() or "ja"
    return "en" if lang.startswith("en") else "ja"


def minato_translated(value: Any, lang: Optional[str] = None) -> str:
    """The text of a ``{"ja", "en"}`` value in the current language, falling back to the
    other language rather than showing nothing."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    lang = lang or minato_current_language()
    for candidate in (lang, "ja", "en"):
        if value.get(candidate):
            return value[candidate]
    return ""


def minato_translated_dict(value: Any) -> dict[str, str]:
    """A stored ``{"ja", "en"}`` value as a dict (it may arrive as a JSON string)."""
    if isinstance(value, dict):
        return value
    try:
        loaded = json.loads(value) if value else {}
    except (TypeError, ValueError):
        return {"ja": str(value)}
    return loaded if isinstance(loaded, dict) else {"ja": str(value)}
