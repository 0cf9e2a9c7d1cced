"""Geometry of the server-drawn SVG charts: horizontal stacked bars of initiatives by status.

The server draws the charts as inline SVG (no JavaScript), each with a table of the same figures.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from .labels import NO_RECORD, STATUSES

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
DEFAULT_COLOUR = ("#6c757d", "#ffffff")


def colour(category: str) -> str:
    return CHART_COLOURS.get(category, DEFAULT_COLOUR)[0]


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
