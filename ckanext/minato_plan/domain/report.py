"""The committee's annual progress report of one fiscal year: every initiative's status, rating,
indicators and summary of that year, counted per guideline, and what changed since the year
before.

The input is what CKAN's ``package_search`` returns for the plan's initiative datasets; the
guideline and measure titles come from the plan model. The report covers the plan's fiscal years
up to the current one (a later year has nothing to report).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Optional

from . import achievement, progress
from .labels import NO_RECORD, NOT_RATED, RATINGS
from .plan import Guideline, Measure, Plan
from .text import blank_to_none, optional_int, text_dict, translated

#: The rating columns of a report's counts, the last for an initiative without a rating.
RATING_CATEGORIES = (*RATINGS, NOT_RATED)


@dataclasses.dataclass(frozen=True)
class IndicatorLine:
    """One indicator of an initiative in the report's fiscal year."""
    name: dict[str, str]
    unit: str
    baseline: Any
    baseline_fiscal_year: Any
    target: Any
    actual: Any
    previous_actual: Any
    kind: Optional[str] = None
    achievement: achievement.Achievement = achievement.Achievement(None, None)


@dataclasses.dataclass(frozen=True)
class Change:
    """What changed in an initiative's record from the previous fiscal year to the report's."""
    status: bool
    rating: bool
    first_record: bool


@dataclasses.dataclass
class ReportInitiative:
    number: int
    name: str
    measure_code: str
    title: dict[str, str]
    department: dict[str, str]
    current: Optional[dict[str, Any]]
    previous: Optional[dict[str, Any]]
    indicators: list[IndicatorLine]

    @property
    def status(self) -> str:
        return (self.current or {}).get("status") or NO_RECORD

    @property
    def previous_status(self) -> str:
        return (self.previous or {}).get("status") or NO_RECORD

    @property
    def rating(self) -> str:
        return (self.current or {}).get("rating") or NOT_RATED

    @property
    def previous_rating(self) -> str:
        return (self.previous or {}).get("rating") or NOT_RATED

    @property
    def narrative(self) -> dict[str, Any]:
        """The year's results, challenges, next steps and evidence
        (:func:`.progress.narrative`)."""
        return progress.narrative(self.current or {})

    @property
    def summary(self) -> dict[str, str]:
        return {lang: text for lang, text in self.narrative["results"].items() if text}

    @property
    def sample(self) -> bool:
        return bool((self.current or {}).get("sample"))

    @property
    def change(self) -> Optional[Change]:
        """What changed since the previous fiscal year, or None when nothing did (or the year
        has no record)."""
        if self.current is None:
            return None
        found = Change(status=self.status != self.previous_status,
                       rating=self.rating != self.previous_rating,
                       first_record=self.previous is None)
        return found if found.status or found.rating else None


@dataclasses.dataclass
class ReportMeasure:
    measure: Measure
    initiatives: list[ReportInitiative]


class _Counted:
    """Status and rating counts of a group's ``initiatives``."""
    initiatives: list[ReportInitiative]

    @property
    def status_counts(self) -> dict[str, int]:
        return progress.count_statuses(i.status for i in self.initiatives)

    @property
    def rating_counts(self) -> dict[str, int]:
        return count_ratings(i.rating for i in self.initiatives)


@dataclasses.dataclass
class ReportGuideline(_Counted):
    guideline: Guideline
    measures: list[ReportMeasure]

    @property
    def initiatives(self) -> list[ReportInitiative]:
        return [i for m in self.measures for i in m.initiatives]


@dataclasses.dataclass
class Report(_Counted):
    plan: Plan
    fiscal_year: int
    #: the fiscal year compared with (None for the plan's first year)
    previous_fiscal_year: Optional[int]
    guidelines: list[ReportGuideline]
    #: the newest ``metadata_modified`` of the initiatives, ``YYYY-MM-DD`` (None without any)
    data_as_of: Optional[str] = None

    @property
    def initiatives(self) -> list[ReportInitiative]:
        return [i for g in self.guidelines for i in g.initiatives]

    @property
    def count(self) -> int:
        return len(self.initiatives)

    @property
    def recorded(self) -> int:
        """How many initiatives have a record of the report's fiscal year."""
        return sum(1 for i in self.initiatives if i.current is not None)

    @property
    def by_guideline(self) -> list[tuple[int, dict[str, int]]]:
        """Status counts per guideline number (the rows of the report's chart)."""
        return [(g.guideline.number, g.status_counts) for g in self.guidelines]

    @property
    def changes(self) -> list[ReportInitiative]:
        """The initiatives whose status or rating changed since the previous fiscal year, by
        number."""
        if self.previous_fiscal_year is None:
            return []
        return sorted((i for i in self.initiatives if i.change is not None),
                      key=lambda i: i.number)

    @property
    def has_sample(self) -> bool:
        return any(i.sample for i in self.initiatives)


def count_ratings(codes: Iterable[Optional[str]]) -> dict[str, int]:
    """How many of ``codes`` are each rating; none (or an unknown one) counts as
    :data:`NOT_RATED`. Every rating is a key, in the scale's order."""
    counts = {code: 0 for code in RATING_CATEGORIES}
    for code in codes:
        counts[code if code in RATINGS else NOT_RATED] += 1
    return counts


def report_fiscal_years(plan: Plan, current_fiscal_year: int) -> tuple[int, ...]:
    """The fiscal years a report can be made for: the plan's, up to the current one."""
    return tuple(fy for fy in plan.fiscal_years if fy <= current_fiscal_year)


def default_fiscal_year(plan: Plan, initiatives: Iterable[dict[str, Any]],
                        current_fiscal_year: int) -> Optional[int]:
    """The fiscal year a report opens on: the newest reportable year with any recorded
    progress, else the newest reportable year; None before the plan's period."""
    years = report_fiscal_years(plan, current_fiscal_year)
    if not years:
        return None
    recorded = {e["fiscal_year"] for pkg in initiatives for e in progress.progress_entries(pkg)}
    with_records = [fy for fy in years if fy in recorded]
    return (with_records or list(years))[-1]


def _indicator_lines(plan: Plan, pkg: dict[str, Any], fiscal_year: int) -> list[IndicatorLine]:
    values = {(e["indicator"], e["fiscal_year"]): e for e in progress.indicator_values(pkg)}
    lines = []
    for position, raw in enumerate(progress.indicators(pkg), start=1):
        this_year = values.get((position, fiscal_year), {})
        lines.append(IndicatorLine(
            name={"ja": raw.get("name_ja") or "", "en": raw.get("name_en") or ""},
            unit=raw.get("unit") or "",
            baseline=blank_to_none(raw.get("baseline")),
            baseline_fiscal_year=blank_to_none(raw.get("baseline_fiscal_year")),
            target=this_year.get("target"), actual=this_year.get("actual"),
            previous_actual=values.get((position, fiscal_year - 1), {}).get("actual"),
            kind=blank_to_none(raw.get("kind")),
            achievement=achievement.of(raw, this_year.get("target"), this_year.get("actual"))))
    return lines


def report_initiative(plan: Plan, pkg: dict[str, Any], fiscal_year: int) -> ReportInitiative:
    years = {e["fiscal_year"]: e for e in progress.progress_entries(pkg)}
    return ReportInitiative(
        number=optional_int(pkg.get("initiative_no")) or 0,
        name=pkg.get("name") or "",
        measure_code=str(pkg.get("measure_code") or ""),
        title=translated(pkg, "title"),
        department={k: v for k, v in text_dict(pkg.get("department_translated")).items() if v},
        current=years.get(fiscal_year),
        previous=years.get(fiscal_year - 1) if fiscal_year - 1 in plan.fiscal_years else None,
        indicators=_indicator_lines(plan, pkg, fiscal_year))


def build_report(plan: Plan, initiatives: Iterable[dict[str, Any]], fiscal_year: int) -> Report:
    """The report of ``fiscal_year`` (one of the plan's; ValueError otherwise) from the plan's
    initiative datasets, placed in its guidelines and measures by their own measure code."""
    if fiscal_year not in plan.fiscal_years:
        raise ValueError(f"fiscal year {fiscal_year} is not in the plan's period")
    pkgs = list(initiatives)
    items = [report_initiative(plan, pkg, fiscal_year) for pkg in pkgs]
    modified = [str(pkg["metadata_modified"])[:10] for pkg in pkgs if pkg.get("metadata_modified")]
    groups = progress.arrange(plan, items, lambda i: i.measure_code, lambda i: i.number)
    previous = fiscal_year - 1 if fiscal_year - 1 in plan.fiscal_years else None
    return Report(plan, fiscal_year, previous, [
        ReportGuideline(g.guideline, [ReportMeasure(m.measure, m.items) for m in g.measures])
        for g in groups], max(modified, default=None))
