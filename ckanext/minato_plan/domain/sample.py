"""Sample (fictional) progress for demonstrations.

The ward has published no yearly progress, so the loader loads
none by default. ``data/sample_progress.csv`` holds fictional entries, each marked as sample data,
loaded only by ``ckan minato-plan load --sample-progress`` and shown with a sample-data notice.
"""
from __future__ import annotations

import csv
import io
from importlib import resources
from typing import Any

from . import rules
from .plan import Plan, load_plan
from .text import is_true

COLUMNS = ["initiative_no", "fiscal_year", "status", "rating", "summary_ja", "summary_en",
           "sample"]


class SampleDataError(ValueError):
    pass


def parse_sample_progress(text: str, plan: Plan) -> dict[int, list[dict[str, Any]]]:
    """Progress entries of ``plan``'s initiatives by number; every row must be marked as
    sample data."""
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    if reader.fieldnames != COLUMNS:
        raise SampleDataError(f"sample progress columns must be {COLUMNS}, got {reader.fieldnames}")
    out: dict[int, list[dict[str, Any]]] = {}
    problems = []
    for row_no, row in enumerate(reader, start=2):
        try:
            number = rules.initiative_no(row["initiative_no"], plan)
            entry = {
                "fiscal_year": rules.fiscal_year(row["fiscal_year"], plan),
                "status": rules.status(row["status"]),
                "rating": rules.rating(row["rating"]),
                "summary_ja": row["summary_ja"].strip(),
                "summary_en": row["summary_en"].strip(),
                "sample": True,
            }
        except rules.FieldError as err:
            problems.append(f"row {row_no}: {err}")
            continue
        if not is_true(row["sample"]):
            problems.append(f"row {row_no}: column sample must be true (sample data only)")
        out.setdefault(number, []).append(entry)
    for number, entries in out.items():
        for index, err in rules.duplicate_fiscal_years(e["fiscal_year"] for e in entries):
            problems.append(f"initiative {number}, entry {index + 1}: {err}")
    if problems:
        raise SampleDataError("; ".join(problems))
    return out


def load_sample_progress() -> dict[int, list[dict[str, Any]]]:
    """The sample progress of the plan the package carries (the only plan it has samples
    for)."""
    text = resources.files("ckanext.minato_plan").joinpath("data/sample_progress.csv").read_text(
        encoding="utf-8")
    return parse_sample_progress(text, load_plan())


def merge_progress(current: list[dict[str, Any]], sample: list[dict[str, Any]]
                   ) -> list[dict[str, Any]]:
    """``current`` with the sample entries of fiscal years it has no entry for; real (or
    already loaded) entries always win. Sorted by fiscal year."""
    have = {int(e["fiscal_year"]) for e in current if e.get("fiscal_year")}
    merged = list(current) + [e for e in sample if e["fiscal_year"] not in have]
    return sorted(merged, key=lambda e: int(e.get("fiscal_year") or 0))
