"""What the plan's pages show: the plan overview (guidelines → measures → initiatives with their
latest status, counts and progress charts) and an initiative's page (progress timeline,
indicators, the other initiatives of its measure).

The input is what CKAN's ``package_search`` / ``package_show`` return for initiative datasets;
the plan's structure (guideline and measure titles) comes from the plan model.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Optional

from . import progress
from .labels import NO_RECORD
from .plan import Guideline, Measure, Plan, Text
from .text import blank_to_none, optional_int, text_dict, translated


@dataclasses.dataclass
class InitiativeItem:
    number: int
    name: str
    measure_code: str
    title: dict[str, str]
    new_or_continued: str
    latest: Optional[dict[str, Any]]
    has_sample: bool

    @property
    def latest_status(self) -> str:
        return (self.latest or {}).get("status") or NO_RECORD


@dataclasses.dataclass
class MeasureBlock:
    code: str
    title: Text
    initiatives: list[InitiativeItem]


@dataclasses.dataclass
class GuidelineBlock:
    number: int
    title: Text
    measures: list[MeasureBlock]
    status_counts: dict[str, int]

    @property
    def count(self) -> int:
        return sum(len(m.initiatives) for m in self.measures)


@dataclasses.dataclass
class Overview:
    guidelines: list[GuidelineBlock]
    by_fiscal_year: list[tuple[int, dict[str, int]]]
    by_guideline: list[tuple[int, dict[str, int]]]
    has_progress: bool
    has_sample: bool

    @property
    def count(self) -> int:
        return sum(g.count for g in self.guidelines)

    def totals(self) -> dict[str, int]:
        """Initiatives by latest status, over the whole plan."""
        return progress.count_statuses(
            i.latest_status for g in self.guidelines for m in g.measures for i in m.initiatives)


def initiative_item(pkg: dict[str, Any]) -> InitiativeItem:
    entries = progress.progress_entries(pkg)
    return InitiativeItem(
        number=optional_int(pkg.get("initiative_no")) or 0,
        name=pkg.get("name") or "",
        measure_code=str(pkg.get("measure_code") or ""),
        title=translated(pkg, "title"),
        new_or_continued=pkg.get("new_or_continued") or "",
        latest=entries[-1] if entries else None,
        has_sample=any(e["sample"] for e in entries),
    )


def build_overview(plan: Plan, initiatives: Iterable[dict[str, Any]]) -> Overview:
    """The plan as guidelines → measures → initiatives, from the plan model's structure and the
    initiative datasets (their own ``guideline_no``/``measure_code`` place them)."""
    pkgs = list(initiatives)
    items = [initiative_item(pkg) for pkg in pkgs]
    years = [{e["fiscal_year"]: e for e in progress.progress_entries(pkg)} for pkg in pkgs]
    by_fiscal_year = [(fy, progress.count_statuses((y.get(fy) or {}).get("status")
                                                   for y in years))
                      for fy in plan.fiscal_years]
    guidelines = []
    for group in progress.arrange(plan, items, lambda i: i.measure_code, lambda i: i.number):
        g = group.guideline
        guidelines.append(GuidelineBlock(
            g.number, g.title,
            [MeasureBlock(m.measure.code, m.measure.title, m.items) for m in group.measures],
            progress.count_statuses(i.latest_status for i in group.items)))
    return Overview(
        guidelines=guidelines,
        by_fiscal_year=by_fiscal_year,
        by_guideline=[(g.number, g.status_counts) for g in guidelines],
        has_progress=any(item.latest for item in items),
        has_sample=any(item.has_sample for item in items),
    )


# Initiative page --------------------------------------------------------------------------

@dataclasses.dataclass
class InitiativePage:
    measure: Optional[Measure]
    guideline: Optional[Guideline]
    timeline: list[tuple[int, Optional[dict[str, Any]]]]
    indicators: list[dict[str, Any]]
    siblings: list[InitiativeItem]
    #: how many other initiatives the measure has (``siblings`` holds the nearest of them)
    sibling_count: int = 0

    @property
    def has_progress(self) -> bool:
        return any(entry for _fy, entry in self.timeline)

    @property
    def has_sample(self) -> bool:
        return any(entry and entry["sample"] for _fy, entry in self.timeline)


#: At most this many other initiatives of the measure are listed on an initiative's page (those
#: nearest by number); a measure with more links to all of them on the overview.
SIBLINGS_SHOWN = 12


def initiative_page(plan: Plan, pkg: dict[str, Any],
                    same_measure: Iterable[InitiativeItem]) -> InitiativePage:
    """An initiative's place in the plan, its timeline and indicators, and the other
    initiatives of its measure (``same_measure``: the items of that measure's initiatives)."""
    measure = guideline = None
    try:
        measure = plan.measure(str(pkg.get("measure_code")))
        guideline = plan.guideline(measure.guideline_no)
    except KeyError:
        pass
    others = siblings(pkg, same_measure)
    return InitiativePage(measure, guideline, timeline(plan, pkg), indicator_rows(plan, pkg),
                          nearest(others, optional_int(pkg.get("initiative_no")) or 0),
                          len(others))


def timeline(plan: Plan, pkg: dict[str, Any]) -> list[tuple[int, Optional[dict[str, Any]]]]:
    """Every fiscal year of the plan with its progress entry (with its :func:`.progress.narrative`
    as ``narrative``), or None when none is recorded."""
    years = {e["fiscal_year"]: dict(e, narrative=progress.narrative(e))
             for e in progress.progress_entries(pkg)}
    return [(fy, years.get(fy)) for fy in plan.fiscal_years]


def indicator_rows(plan: Plan, pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """Indicators with their kind, direction and target year, and their values and achievement
    per fiscal year (:class:`.progress.IndicatorYear`)."""
    return [{
        "name": {"ja": raw.get("name_ja") or "", "en": raw.get("name_en") or ""},
        "unit": raw.get("unit") or "",
        "baseline": blank_to_none(raw.get("baseline")),
        "baseline_fiscal_year": blank_to_none(raw.get("baseline_fiscal_year")),
        "kind": blank_to_none(raw.get("kind")),
        "direction": blank_to_none(raw.get("direction")),
        "target_fiscal_year": optional_int(raw.get("target_fiscal_year")),
        "years": years,
    } for raw, years in zip(progress.indicators(pkg),
                            progress.indicator_years(pkg, plan.fiscal_years))]


def siblings(pkg: dict[str, Any], same_measure: Iterable[InitiativeItem]) -> list[InitiativeItem]:
    """The other initiatives of ``pkg``'s measure, by number."""
    others = [item for item in same_measure
              if item.name != pkg.get("name") and item.measure_code == str(pkg.get("measure_code"))]
    return sorted(others, key=lambda i: i.number)


def nearest(items: list[InitiativeItem], number: int,
            limit: Optional[int] = None) -> list[InitiativeItem]:
    """The ``limit`` (``SIBLINGS_SHOWN``) items nearest to ``number`` (as many before as after
    it where the list allows), by number."""
    limit = SIBLINGS_SHOWN if limit is None else limit
    if len(items) <= limit:
        return items
    before = [i for i in items if i.number < number]
    after = [i for i in items if i.number >= number]
    take_before = min(len(before), max(limit // 2, limit - len(after)))
    return before[len(before) - take_before:] + after[:limit - take_before]


def item_from_dict(value: dict[str, Any]) -> InitiativeItem:
    """An :class:`InitiativeItem` from its ``dataclasses.asdict`` form (as cached)."""
    return InitiativeItem(**value)


def structured_data_dict(pkg: dict[str, Any]) -> dict[str, Any]:
    """A copy of an initiative or plan dataset for schema.org JSON-LD with its name and
    description in both languages (ckanext-dcat writes a ``{"ja", "en"}`` value as
    language-tagged literals) and both languages declared."""
    out = dict(pkg)
    for field in ("title", "notes"):
        value = text_dict(pkg.get(f"{field}_translated"), pkg.get(field))
        if value:
            out[field] = value
    out["language"] = ["ja", "en"]
    return out
