"""The rows of the plan's tables, built from the initiatives' dataset dicts.

Every builder is a generator, so a table of any size is built with flat memory. The ``ja``
variant holds Japanese names and labels, the ``en`` variant English names and codes.
"""
from __future__ import annotations

import decimal
from typing import Any, Iterable, Iterator, Optional

from .. import identifiers, labels, progress
from ..plan import Plan
from ..text import optional_int, pick, translated
from .columns import LANGUAGES


def _number(value: Any) -> Optional[decimal.Decimal]:
    """Indicator values are stored as decimal text; kept exact (no float rounding)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return decimal.Decimal(str(value).strip())


def _coded(choices: dict[str, tuple[str, str]], code: Any, lang: str) -> Optional[str]:
    """The Japanese label (ja variant) or the code (en variant) of a code of ``choices``."""
    if code in (None, ""):
        return None
    if lang == "ja":
        return labels.label(choices, code, "ja") or str(code)
    return str(code)


def _status(code: Any, lang: str) -> Optional[str]:
    return _coded(labels.STATUSES, code, lang)


def _common(pkg: dict[str, Any], lang: str, plan: Plan) -> dict[str, Any]:
    number = int(pkg["initiative_no"])
    return {
        "lg_code": plan.municipality_code,
        "lg_name": plan.municipality_name.get(lang),
        "initiative_id": plan.initiative_id(number),
        "initiative_no": number,
        "initiative_name": translated(pkg, "title")[lang],
    }


# --- row builders: generators over the initiatives' package dicts ------------------------------

def structure_rows(initiatives: Iterable[dict[str, Any]], lang: str, plan: Plan
                   ) -> Iterator[dict[str, Any]]:
    for pkg in initiatives:
        common = _common(pkg, lang, plan)
        guideline_no = int(pkg["guideline_no"])
        measure_code = str(pkg["measure_code"])
        try:
            guideline_name = getattr(plan.guideline(guideline_no).title, lang)
        except KeyError:
            guideline_name = ""
        try:
            measure_name = getattr(plan.measure(measure_code).title, lang)
        except KeyError:
            measure_name = ""
        kind = pkg.get("new_or_continued")
        entries = progress.progress_entries(pkg)
        latest = entries[-1] if entries else {}
        yield {
            "lg_code": common["lg_code"],
            "id": common["initiative_id"],
            "lg_name": common["lg_name"],
            "plan_name": getattr(plan.short_title, lang),
            "plan_start_fiscal_year": plan.start_fiscal_year,
            "plan_end_fiscal_year": plan.end_fiscal_year,
            "guideline_no": guideline_no,
            "guideline_name": guideline_name,
            "measure_code": measure_code,
            "measure_name": measure_name,
            "initiative_no": common["initiative_no"],
            "initiative_name": common["initiative_name"],
            "new_or_continued": ((labels.label(labels.NEW_OR_CONTINUED, kind, "ja") or kind)
                                 if lang == "ja" else kind),
            "plan_page": optional_int(pkg.get("plan_page")),
            "department": pick(pkg.get("department_translated"), lang) or None,
            "department_email": pkg.get("department_email") or None,
            "latest_fiscal_year": optional_int(latest.get("fiscal_year")),
            "latest_status": _status(latest.get("status"), lang),
            "latest_rating": latest.get("rating") or None,
        }


def progress_rows(initiatives: Iterable[dict[str, Any]], lang: str, plan: Plan
                  ) -> Iterator[dict[str, Any]]:
    for pkg in initiatives:
        common = _common(pkg, lang, plan)
        for entry in progress.progress_entries(pkg):
            fy = int(entry["fiscal_year"])
            yield {
                "lg_code": common["lg_code"],
                "id": f"{common['initiative_id']}-{fy}",
                "lg_name": common["lg_name"],
                "initiative_id": common["initiative_id"],
                "initiative_no": common["initiative_no"],
                "initiative_name": common["initiative_name"],
                "fiscal_year": fy,
                "fiscal_year_label": labels.fiscal_year_label(fy, lang),
                "status": _status(entry.get("status"), lang),
                "rating": entry.get("rating") or None,
                **{f: entry.get(f) or None for f in progress.NARRATIVE_TEXT_FIELDS},
                progress.EVIDENCE_FIELD:
                    progress.evidence_text(entry.get(progress.EVIDENCE_FIELD)) or None,
                "sample": entry["sample"],
            }


def indicator_rows(initiatives: Iterable[dict[str, Any]], lang: str, plan: Plan
                   ) -> Iterator[dict[str, Any]]:
    for pkg in initiatives:
        common = _common(pkg, lang, plan)
        for position, (indicator, years) in enumerate(
                zip(progress.indicators(pkg), progress.indicator_years(pkg, plan.fiscal_years)),
                start=1):
            ind_id = identifiers.indicator_id(plan.id_stem, common["initiative_no"],
                                              position)
            for year in years:
                fy = year.fiscal_year
                yield {
                    "lg_code": common["lg_code"],
                    "id": f"{ind_id}-{fy}",
                    "lg_name": common["lg_name"],
                    "initiative_id": common["initiative_id"],
                    "initiative_no": common["initiative_no"],
                    "initiative_name": common["initiative_name"],
                    "indicator_id": ind_id,
                    "indicator_name_ja": indicator.get("name_ja") or None,
                    "indicator_name_en": indicator.get("name_en") or None,
                    "unit": indicator.get("unit") or None,
                    "baseline": _number(indicator.get("baseline")),
                    "baseline_fiscal_year": (str(indicator["baseline_fiscal_year"])
                                             if indicator.get("baseline_fiscal_year")
                                             not in (None, "") else None),
                    "kind": _coded(labels.INDICATOR_KINDS, indicator.get("kind"), lang),
                    "direction": _coded(labels.INDICATOR_DIRECTIONS, indicator.get("direction"),
                                        lang),
                    "target_fiscal_year": optional_int(indicator.get("target_fiscal_year")),
                    "fiscal_year": fy,
                    "fiscal_year_label": labels.fiscal_year_label(fy, lang),
                    "target": _number(year.target),
                    "actual": _number(year.actual),
                    "actual_as_of": year.as_of or None,
                    "actual_source": year.source or None,
                    "achievement_percent": year.achievement.percent,
                    "judgement": year.achievement.judgement,
                }


_BUILDERS = {"structure": structure_rows, "progress": progress_rows,
             "indicators": indicator_rows}


def rows(table: str, initiatives: Iterable[dict[str, Any]], lang: str, plan: Plan
         ) -> Iterator[dict[str, Any]]:
    """The rows of ``table`` ("structure", "progress", "indicators") of ``plan``'s
    ``initiatives`` in the ``lang`` variant ("ja": Japanese labels; "en": English names and
    codes), initiatives sorted by number."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    ordered = sorted(initiatives, key=lambda pkg: int(pkg["initiative_no"]))
    return _BUILDERS[table](ordered, lang, plan)


