"""An initiative's recorded progress and indicators, read from its dataset dict, and the plan's
structure filled with initiative datasets.

The input is what CKAN's ``package_show`` / ``package_search`` return (or an activity's stored
dataset): ``progress``, ``indicators`` and ``indicator_values`` may be lists or JSON strings,
fiscal years numbers or text, the sample flag a boolean or a word.

An indicator's targets and actuals are entries of ``indicator_values`` (one per indicator and
fiscal year: ``indicator`` = the indicator's position from 1, ``fiscal_year``, ``target``,
``actual``). Datasets stored before that field held them as ``target_<year>`` /
``actual_<year>`` keys of the indicator itself (:data:`LEGACY_YEAR_KEY`); they read the same,
and ``ckan minato-plan migrate`` rewrites them (:func:`split_legacy_indicators`).
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any, Callable, Generic, Iterable, Optional, TypeVar

from .labels import NO_RECORD, STATUSES
from .plan import Guideline, Measure, Plan
from .text import clean_text, is_blank, is_true, load_json, optional_int

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
    """An initiative's indicators, in their order, without per-year keys of the earlier form."""
    return [{k: v for k, v in i.items() if not LEGACY_YEAR_KEY.match(str(k))}
            for i in (load_json(pkg.get("indicators")) or []) if isinstance(i, dict)]


#: A per-year key of an indicator in the form before ``indicator_values`` (``target_2023``).
LEGACY_YEAR_KEY = re.compile(r"^(target|actual)_([0-9]{4})$")

#: The value fields of an ``indicator_values`` entry.
VALUE_FIELDS = ("target", "actual")


def _legacy_values(raw_indicators: Any) -> list[dict[str, Any]]:
    values: dict[tuple[int, int], dict[str, Any]] = {}
    for position, indicator in enumerate(
            (i for i in (load_json(raw_indicators) or []) if isinstance(i, dict)), start=1):
        for key, value in indicator.items():
            match = LEGACY_YEAR_KEY.match(str(key))
            if match and not is_blank(value):
                fiscal_year = int(match.group(2))
                entry = values.setdefault((position, fiscal_year),
                                          {"indicator": position, "fiscal_year": fiscal_year})
                entry[match.group(1)] = value
    return [values[k] for k in sorted(values)]


def indicator_values(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """An initiative's indicator values, by indicator and fiscal year, with ``indicator`` and
    ``fiscal_year`` as ints and blank values left out; values of the earlier form count too
    (an entry of ``indicator_values`` wins over them)."""
    found: dict[tuple[int, int], dict[str, Any]] = {
        (e["indicator"], e["fiscal_year"]): e for e in _legacy_values(pkg.get("indicators"))}
    for entry in load_json(pkg.get("indicator_values")) or []:
        if not isinstance(entry, dict):
            continue
        position, fiscal_year = (optional_int(entry.get("indicator")),
                                 optional_int(entry.get("fiscal_year")))
        if position is None or fiscal_year is None:
            continue
        found[(position, fiscal_year)] = dict(
            {k: entry[k] for k in VALUE_FIELDS if not is_blank(entry.get(k))},
            indicator=position, fiscal_year=fiscal_year)
    return [found[k] for k in sorted(found)]


def indicator_years(pkg: dict[str, Any], fiscal_years: Iterable[int]
                    ) -> list[list[tuple[int, Any, Any]]]:
    """For each indicator of ``pkg`` in order: (fiscal year, target, actual) of every year of
    ``fiscal_years``, None where no value is recorded."""
    values = {(e["indicator"], e["fiscal_year"]): e for e in indicator_values(pkg)}
    years = list(fiscal_years)
    return [[(fy, values.get((position, fy), {}).get("target"),
              values.get((position, fy), {}).get("actual")) for fy in years]
            for position in range(1, len(indicators(pkg)) + 1)]


def split_legacy_indicators(pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    """``{"indicators": …, "indicator_values": …}`` in today's form for a dataset whose
    indicators still hold per-year keys, or None when none does."""
    raw = [i for i in (load_json(pkg.get("indicators")) or []) if isinstance(i, dict)]
    if not any(LEGACY_YEAR_KEY.match(str(k)) for i in raw for k in i):
        return None
    return {"indicators": indicators(pkg), "indicator_values": indicator_values(pkg)}


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
