"""Who last changed an initiative's progress, from its activity stream.

CKAN's activity plugin stores the whole dataset with every
``new package`` / ``changed package`` activity; the last progress change is the newest activity
whose progress or indicators differ from those of the activity before it.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from . import progress
from .text import load_json


def _recorded(package: dict[str, Any]) -> list[Any]:
    """What staff record of an initiative: its progress, its indicators and their values (in
    today's form whichever form the activity stored them in)."""
    return [load_json(package.get("progress")) or [], progress.indicators(package),
            progress.indicator_values(package)]


def last_progress_change(activities: Iterable[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """``activities`` newest first, each with ``package`` (the dataset as stored with the
    activity) and any other keys (user, timestamp). Returns the activity that last changed the
    progress or indicators, or ``None`` when no activity has any progress."""
    items = list(activities)
    for index, activity in enumerate(items):
        package = activity.get("package") or {}
        current = _recorded(package)
        if index + 1 < len(items):
            previous = _recorded(items[index + 1].get("package") or {})
        else:
            previous = [[], [], []]
        if current != previous:
            return activity
    return None
