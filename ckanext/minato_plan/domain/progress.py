"""An initiative's recorded progress and indicators, read from its dataset dict, and the plan's
structure filled with initiative datasets.

The input is what CKAN's ``package_show`` / ``package_search`` return (or an activity's stored
dataset): ``progress`` and ``indicators`` may be lists or JSON strings, fiscal years numbers or
text, the sample flag a boolean or a word.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, Generic, Iterable, Optional, TypeVar

from .labels import NO_RECORD, STATUSES
from .plan import Guideline, Measure, Plan
from .text import clean_text, is_true, load_json, optional_int

Item = TypeVar("Item")


def progress_entries(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """An initiative's progress entries that name a fiscal year, oldest first, with
    ``fiscal_year`` as an int and ``sample`` as a bool."""
    entries = []
    for entry in load_json(pkg.get("progress")) or []:
        if not isinstance(entry, dict):
            continue
        fiscal_year = optional_int(entry.get("fiscal_year"))
        if fiscal_year is None:
            continue
        entries.append(dict(entry, fiscal_year=fiscal_year, sample=is_true(entry.get("sample"))))
    return sorted(entries, key=lambda e: e["fiscal_year"])


def comparable_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A progress entry with exactly the fields staff set, normalised, for comparing a stored
    entry with a new one."""
    return {"fiscal_year": int(entry["fiscal_year"]), "status": entry.get("status") or "",
            "rating": entry.get("rating") or "", "summary_ja": clean_text(entry.get("summary_ja")),
            "summary_en": clean_text(entry.get("summary_en")),
            "sample": is_true(entry.get("sample"))}


def indicators(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """An initiative's indicators, in their order."""
    return [i for i in (load_json(pkg.get("indicators")) or []) if isinstance(i, dict)]


def count_statuses(codes: Iterable[Optional[str]]) -> dict[str, int]:
    """How many of ``codes`` are each status; no status (or an unknown one) counts as
    :data:`labels.NO_RECORD`. Every status is a key, in the code list's order."""
    counts = {code: 0 for code in (*STATUSES, NO_RECORD)}
    for code in codes:
        counts[code if code in STATUSES else NO_RECORD] += 1
    return counts


@dataclasses.dataclass
class MeasureGroup(Generic[Item]):
    measure: Measure
    items: list[Item]


@dataclasses.dataclass
class GuidelineGroup(Generic[Item]):
    guideline: Guideline
    measures: list[MeasureGroup[Item]]

    @property
    def items(self) -> list[Item]:
        return [item for m in self.measures for item in m.items]


def arrange(plan: Plan, items: Iterable[Item], measure_code: Callable[[Item], Any],
            number: Callable[[Item], int]) -> list[GuidelineGroup[Item]]:
    """``items`` (initiatives in any form) placed in the plan's guidelines and measures by
    their own measure code, by number within a measure. Items of an unknown measure are left
    out."""
    by_measure: dict[str, list[Item]] = {}
    for item in items:
        by_measure.setdefault(str(measure_code(item) or ""), []).append(item)
    return [GuidelineGroup(g, [MeasureGroup(plan.measure(code),
                                            sorted(by_measure.get(code, []), key=number))
                               for code in g.measure_codes])
            for g in plan.guidelines]
