"""Who last changed an initiative's progress, from its activity stream.

CKAN's activity plugin stores the whole dataset with every
``new package`` / ``changed package`` activity; the last progress change is the newest activity
whose progress or indicators differ from those of the activity before it.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from .text import load_json

AUDITED_FIELDS = ("progress", "indicators")


def _value(package: dict[str, Any], field: str) -> Any:
    return load_json(package.get(field)) or []


def last_progress_change(activities: Iterable[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """``activities`` newest first, each with ``package`` (the dataset as stored with the
    activity) and any other keys (user, timestamp). Returns the activity that last changed the
    progress or indicators, or ``None`` when no activity has any progress."""
    items = list(activities)
    for index, activity in enumerate(items):
        package = activity.get("package") or {}
        current = [_value(package, f) for f in AUDITED_FIELDS]
        if index + 1 < len(items):
            previous_package = items[index + 1].get("package") or {}
            previous = [_value(previous_package, f) for f in AUDITED_FIELDS]
        else:
            previous = [[] for _f in AUDITED_FIELDS]
        if current != previous:
            return activity
    return None
