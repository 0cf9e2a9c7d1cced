"""Builds progress CSV files as the download offers them (columns from tables.PROGRESS_COLUMNS),
for the upload tests. Pure Python."""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Optional

from ckanext.minato_plan.domain import labels
from ckanext.minato_plan.domain import plan as plan_model
from ckanext.minato_plan.domain.tables.columns import PROGRESS_COLUMNS


def row(number: int, fiscal_year: int, status: str = "in_progress", rating: str = "B",
        summary_ja: str = "", summary_en: str = "", sample: str = "false",
        lang: str = "ja", **overrides: Any) -> dict[str, str]:
    initiative = plan_model.load_plan().initiative(number) if 1 <= number <= 39 else None
    values = {
        "lg_code": plan_model.load_plan().municipality_code,
        "id": f"131032JK{number:03d}-{fiscal_year}",
        "lg_name": "港区" if lang == "ja" else "Minato City",
        "initiative_id": f"131032JK{number:03d}",
        "initiative_no": str(number),
        "initiative_name": (getattr(initiative.title, lang) if initiative else "?"),
        "fiscal_year": str(fiscal_year),
        "fiscal_year_label": labels.fiscal_year_label(fiscal_year, lang),
        "status": labels.STATUSES[status][0] if lang == "ja" and status in
        labels.STATUSES else status,
        "rating": rating,
        "summary_ja": summary_ja,
        "summary_en": summary_en,
        "sample": sample,
    }
    values.update({k: str(v) for k, v in overrides.items()})
    return values


def build(rows: Iterable[dict[str, str]], lang: str = "ja", encoding: str = "utf-8-sig",
          columns: Optional[list[str]] = None, newline: str = "\r\n") -> bytes:
    keys = columns or [c.key for c in PROGRESS_COLUMNS]
    by_key = {c.key: c for c in PROGRESS_COLUMNS}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow([by_key[k].header(lang) if k in by_key else k for k in keys])
    for r in rows:
        writer.writerow([r.get(k, "") for k in keys])
    return out.getvalue().encode(encoding)


def full_file(years=plan_model.load_plan().fiscal_years, lang: str = "ja", encoding: str = "utf-8-sig",
              **fields: Any) -> bytes:
    """All 39 initiatives x the given fiscal years (39 x 6 = 234 rows by default)."""
    rows = [row(n, fy, lang=lang, **{"summary_ja": f"取組{n}の{fy}年度の実績",
                                     "summary_en": f"Results of initiative {n} in FY{fy}",
                                     **fields})
            for n in range(1, 40) for fy in years]
    return build(rows, lang=lang, encoding=encoding)
