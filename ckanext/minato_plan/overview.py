"""What the plan's pages show: the plan overview (guidelines → measures → initiatives with their
latest status, counts and progress charts) and an initiative's page (progress timeline,
indicators, the other initiatives of its measure).

Pure Python (no CKAN import). The input is what CKAN's ``package_search`` / ``package_show``
return for initiative datasets; the plan's structure (guideline and measure titles) comes from the
plan model. Chart geometry is computed here so that the server draws the charts as inline SVG
(no JavaScript).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Optional

from .indexing import load_json
from .plan import FISCAL_YEARS, RATINGS, STATUSES, Plan, Text

NO_RECORD = "no_record"
NO_RECORD_LABEL = Text("記録なし", "No record")

# Chart categories in stacking order, with fill colours that keep white text at a contrast of
# at least 4.5:1 (WCAG AA); "no record" is light grey with dark text.
CHART_CATEGORIES = (*STATUSES, NO_RECORD)
CHART_COLOURS = {
    "not_started": ("#5c636a", "#ffffff"),
    "under_study": ("#8a5300", "#ffffff"),
    "in_progress": ("#0b5cad", "#ffffff"),
    "completed": ("#1b7234", "#ffffff"),
    "merged": ("#6331a8", "#ffffff"),
    "suspended": ("#a72834", "#ffffff"),
    NO_RECORD: ("#e4e7ea", "#1f2328"),
}


def category_label(code: str) -> Text:
    if code == NO_RECORD:
        return NO_RECORD_LABEL
    ja, en = STATUSES[code]
    return Text(ja, en)




def _int(value: Any) -> Optional[int]:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "on", "1"))


def progress_entries(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """An initiative's progress entries with a fiscal year, oldest first; ``sample`` as a bool."""
    entries = []
    for entry in load_json(pkg.get("progress")) or []:
        if not isinstance(entry, dict) or _int(entry.get("fiscal_year")) is None:
            continue
        entries.append(dict(entry, fiscal_year=_int(entry["fiscal_year"]),
                            sample=_truthy(entry.get("sample"))))
    return sorted(entries, key=lambda e: e["fiscal_year"])


def latest_entry(pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    entries = progress_entries(pkg)
    return entries[-1] if entries else None


def translated(pkg: dict[str, Any], field: str) -> dict[str, str]:
    """``<field>_translated`` as a dict, falling back to the plain (Japanese) field."""
    value = load_json(pkg.get(f"{field}_translated"))
    if isinstance(value, dict) and any(value.values()):
        return value
    return {"ja": pkg.get(field) or ""}


@dataclasses.dataclass
class InitiativeItem:
    number: int
    name: str
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
        out = _empty_counts()
        for g in self.guidelines:
            for code, n in g.status_counts.items():
                out[code] += n
        return out


def _empty_counts() -> dict[str, int]:
    return {code: 0 for code in CHART_CATEGORIES}


def _item(pkg: dict[str, Any]) -> InitiativeItem:
    entries = progress_entries(pkg)
    return InitiativeItem(
        number=_int(pkg.get("initiative_no")) or 0,
        name=pkg.get("name") or "",
        title=translated(pkg, "title"),
        new_or_continued=pkg.get("new_or_continued") or "",
        latest=entries[-1] if entries else None,
        has_sample=any(e["sample"] for e in entries),
    )


def build_overview(plan: Plan, initiatives: Iterable[dict[str, Any]]) -> Overview:
    """The plan as guidelines → measures → initiatives, from the plan model's structure and the
    initiative datasets (their own ``guideline_no``/``measure_code`` place them)."""
    by_measure: dict[str, list[InitiativeItem]] = {}
    status_by_year = {fy: _empty_counts() for fy in FISCAL_YEARS}
    all_items = []
    for pkg in initiatives:
        item = _item(pkg)
        all_items.append(item)
        by_measure.setdefault(str(pkg.get("measure_code") or ""), []).append(item)
        years = {e["fiscal_year"]: e for e in progress_entries(pkg)}
        for fy in FISCAL_YEARS:
            entry = years.get(fy)
            status_by_year[fy][(entry or {}).get("status") or NO_RECORD] += 1

    guidelines = []
    for g in plan.guidelines:
        measures = []
        counts = _empty_counts()
        for code in g.measure_codes:
            items = sorted(by_measure.get(code, []), key=lambda i: i.number)
            for item in items:
                counts[item.latest_status] += 1
            measures.append(MeasureBlock(code, plan.measure(code).title, items))
        guidelines.append(GuidelineBlock(g.number, g.title, measures, counts))
    return Overview(
        guidelines=guidelines,
        by_fiscal_year=[(fy, status_by_year[fy]) for fy in FISCAL_YEARS],
        by_guideline=[(g.number, g.status_counts) for g in guidelines],
        has_progress=any(item.latest for item in all_items),
        has_sample=any(item.has_sample for item in all_items),
    )


# Chart geometry ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Segment:
    category: str
    count: int
    x: float
    width: float
    fill: str
    text_colour: str

    @property
    def text_x(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def shows_count(self) -> bool:
        """Whether the count fits inside its segment (the table always has it)."""
        return self.width >= 16


@dataclasses.dataclass(frozen=True)
class Bar:
    key: Any
    y: float
    total: int
    segments: tuple[Segment, ...]


@dataclasses.dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: tuple[Bar, ...]
    categories: tuple[str, ...]

    @property
    def plot_width(self) -> int:
        return self.width - self.label_width


def bar_chart(rows: list[tuple[Any, dict[str, int]]], width: int = 640, label_width: int = 110,
              bar_height: int = 28, gap: int = 12) -> BarChart:
    """Horizontal stacked bars, one per row, each segment proportional to its count within the
    row (every row covers the same initiatives, so full bars are comparable)."""
    plot = width - label_width
    bars = []
    used: set[str] = set()
    for index, (key, counts) in enumerate(rows):
        total = sum(counts.values())
        x = float(label_width)
        segments = []
        for category in CHART_CATEGORIES:
            count = counts.get(category, 0)
            if not count:
                continue
            used.add(category)
            seg_width = round(plot * count / total, 1)
            fill, text = CHART_COLOURS[category]
            segments.append(Segment(category, count, round(x, 1), seg_width, fill, text))
            x += plot * count / total
        bars.append(Bar(key, index * (bar_height + gap), total, tuple(segments)))
    height = len(rows) * (bar_height + gap) - gap if rows else 0
    return BarChart(width, height, label_width, bar_height, tuple(bars),
                    tuple(c for c in CHART_CATEGORIES if c in used))


# Initiative page --------------------------------------------------------------------------

def timeline(pkg: dict[str, Any]) -> list[tuple[int, Optional[dict[str, Any]]]]:
    """Every fiscal year of the plan with its progress entry, or None when none is recorded."""
    years = {e["fiscal_year"]: e for e in progress_entries(pkg)}
    return [(fy, years.get(fy)) for fy in FISCAL_YEARS]


def indicator_rows(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """Indicators with their target and actual value per fiscal year (None when not set)."""
    rows = []
    for raw in load_json(pkg.get("indicators")) or []:
        if not isinstance(raw, dict):
            continue
        rows.append({
            "name": {"ja": raw.get("name_ja") or "", "en": raw.get("name_en") or ""},
            "unit": raw.get("unit") or "",
            "baseline": _blank_to_none(raw.get("baseline")),
            "baseline_fiscal_year": _blank_to_none(raw.get("baseline_fiscal_year")),
            "years": [(fy, _blank_to_none(raw.get(f"target_{fy}")),
                       _blank_to_none(raw.get(f"actual_{fy}"))) for fy in FISCAL_YEARS],
        })
    return rows


def _blank_to_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def siblings(pkg: dict[str, Any], same_measure: Iterable[dict[str, Any]]) -> list[InitiativeItem]:
    """The other initiatives of ``pkg``'s measure, by number."""
    others = [_item(p) for p in same_measure
              if p.get("name") != pkg.get("name")
              and str(p.get("measure_code")) == str(pkg.get("measure_code"))]
    return sorted(others, key=lambda i: i.number)


def rating_label(code: Optional[str]) -> Optional[Text]:
    if code not in RATINGS:
        return None
    ja, en = RATINGS[code]
    return Text(ja, en)


def structured_data_dict(pkg: dict[str, Any]) -> dict[str, Any]:
    """A copy of an initiative or plan dataset for schema.org JSON-LD with its name and
    description in both languages (ckanext-dcat writes a ``{"ja", "en"}`` value as
    language-tagged literals) and both languages declared."""
    out = dict(pkg)
    for field in ("title", "notes"):
        value = {lang: text for lang, text in translated(pkg, field).items() if text}
        if value:
            out[field] = value
    out["language"] = ["ja", "en"]
    return out
