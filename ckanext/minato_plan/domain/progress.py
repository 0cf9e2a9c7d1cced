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

from . import achievement
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


#: The yearly narrative of a progress entry, each in Japanese and English: the results
#: (実績, ``summary_*``), the challenges (課題) and the next steps (今後の方向性).
NARRATIVE_TEXT_FIELDS = ("summary_ja", "summary_en", "challenges_ja", "challenges_en",
                         "next_steps_ja", "next_steps_en")
#: The evidence of a year's results: web addresses, one per line (:func:`evidence_links`).
EVIDENCE_FIELD = "evidence_urls"
NARRATIVE_FIELDS = (*NARRATIVE_TEXT_FIELDS, EVIDENCE_FIELD)
#: The fields staff set in a progress entry, besides its fiscal year.
ENTRY_FIELDS = ("status", "rating", *NARRATIVE_FIELDS, "sample")


def evidence_links(value: Any) -> list[str]:
    """The evidence addresses of a stored ``evidence_urls`` value (text, one address per line,
    or a list), in their order."""
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if not is_blank(v)]
    return [line.strip() for line in str(value or "").split() if line.strip()]


def evidence_text(value: Any) -> str:
    """The evidence addresses of ``value`` as stored and downloaded: one per line."""
    return "\n".join(evidence_links(value))


#: The parts of a year's narrative (:func:`narrative`) and the fields holding them.
NARRATIVE_PARTS = (("results", "summary"), ("challenges", "challenges"),
                   ("next_steps", "next_steps"))


def narrative(entry: dict[str, Any]) -> dict[str, Any]:
    """A progress entry's narrative: ``results``, ``challenges`` and ``next_steps`` as
    ``{"ja", "en"}`` texts (empty where not written), ``evidence`` its links."""
    out: dict[str, Any] = {
        part: {lang: clean_text(entry.get(f"{field}_{lang}")) for lang in ("ja", "en")}
        for part, field in NARRATIVE_PARTS}
    out["evidence"] = evidence_links(entry.get(EVIDENCE_FIELD))
    return out


def comparable_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A progress entry with exactly the fields staff set, normalised, for comparing a stored
    entry with a new one."""
    out: dict[str, Any] = {"fiscal_year": int(entry["fiscal_year"]),
                           "status": entry.get("status") or "",
                           "rating": entry.get("rating") or ""}
    out.update({f: clean_text(entry.get(f)) for f in NARRATIVE_TEXT_FIELDS})
    out[EVIDENCE_FIELD] = evidence_text(entry.get(EVIDENCE_FIELD))
    out["sample"] = is_true(entry.get("sample"))
    return out


def indicators(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """An initiative's indicators, in their order, without per-year keys of the earlier form."""
    return [{k: v for k, v in i.items() if not LEGACY_YEAR_KEY.match(str(k))}
            for i in (load_json(pkg.get("indicators")) or []) if isinstance(i, dict)]


#: A per-year key of an indicator in the form before ``indicator_values`` (``target_2023``).
LEGACY_YEAR_KEY = re.compile(r"^(target|actual)_([0-9]{4})$")

#: The value fields of an ``indicator_values`` entry: the target and actual values, the date
#: the actual value was measured and where it comes from.
VALUE_FIELDS = ("target", "actual", "as_of", "source")


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


@dataclasses.dataclass(frozen=True)
class IndicatorYear:
    """An indicator's values in one fiscal year (None where not recorded) and the achievement
    they make."""
    fiscal_year: int
    target: Any
    actual: Any
    as_of: Any
    source: Any
    achievement: achievement.Achievement


def indicator_years(pkg: dict[str, Any], fiscal_years: Iterable[int]
                    ) -> list[list[IndicatorYear]]:
    """For each indicator of ``pkg`` in order: its :class:`IndicatorYear` of every year of
    ``fiscal_years``."""
    values = {(e["indicator"], e["fiscal_year"]): e for e in indicator_values(pkg)}
    years = list(fiscal_years)
    out = []
    for position, indicator in enumerate(indicators(pkg), start=1):
        row = []
        for fy in years:
            found = values.get((position, fy), {})
            row.append(IndicatorYear(fy, found.get("target"), found.get("actual"),
                                     found.get("as_of"), found.get("source"),
                                     achievement.of(indicator, found.get("target"),
                                                    found.get("actual"))))
        out.append(row)
    return out


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
