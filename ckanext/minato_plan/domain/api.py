"""What the actions ``minato_plan_show`` and ``minato_plan_progress_list`` return.

The input is the initiatives' ``package_show``/``package_search`` dicts (live metadata);
guideline and measure titles come from the plan model. Every name and label is given in
Japanese and English (``{"ja": …, "en": …}``), every code as the code.
"""
from __future__ import annotations

from typing import Any, Iterable

from . import identifiers, labels, progress, rules
from .plan import Plan
from .text import is_blank, optional_int, translated

_CURRENT_KEYS = ("fiscal_year", "fiscal_year_label", "status", "status_label", "rating",
                 "rating_label", "summary_ja", "summary_en", "sample")


def progress_record(pkg: dict[str, Any], entry: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """One progress entry of an initiative of ``plan``, with its identifiers and ja/en
    labels."""
    stem = plan.id_stem
    number = int(pkg["initiative_no"])
    fy = int(entry["fiscal_year"])
    return {
        "id": identifiers.progress_row_id(stem, number, fy),
        "initiative_id": identifiers.initiative_id(stem, number),
        "initiative_no": number,
        "initiative_name": translated(pkg, "title"),
        "dataset_name": pkg.get("name"),
        "guideline_no": int(pkg["guideline_no"]),
        "measure_code": str(pkg["measure_code"]),
        "fiscal_year": fy,
        "fiscal_year_label": labels.fiscal_year_label_dict(fy),
        "status": entry.get("status"),
        "status_label": labels.label_dict(labels.STATUSES, entry.get("status")),
        "rating": entry.get("rating"),
        "rating_label": labels.label_dict(labels.RATINGS, entry.get("rating")),
        **{f: entry.get(f) or "" for f in progress.NARRATIVE_TEXT_FIELDS},
        "evidence_links": progress.evidence_links(entry.get(progress.EVIDENCE_FIELD)),
        "sample": bool(entry.get("sample")),
    }


def _initiative(pkg: dict[str, Any], plan: Plan) -> dict[str, Any]:
    number = int(pkg["initiative_no"])
    entries = progress.progress_entries(pkg)
    kind = pkg.get("new_or_continued")
    current = progress_record(pkg, entries[-1], plan) if entries else None
    return {
        "number": number,
        "id": plan.initiative_id(number),
        "name": pkg.get("name"),
        "title": translated(pkg, "title"),
        "new_or_continued": kind,
        "new_or_continued_label": labels.label_dict(labels.NEW_OR_CONTINUED, kind),
        "plan_page": optional_int(pkg.get("plan_page")),
        "department": translated(pkg, "department"),
        "department_email": pkg.get("department_email") or "",
        "progress_count": len(entries),
        "current": None if current is None else {key: current[key] for key in _CURRENT_KEYS},
    }


def plan_hierarchy(initiatives: Iterable[dict[str, Any]], plan: Plan) -> dict[str, Any]:
    """The plan as guidelines -> measures -> initiatives, each initiative with its current
    (latest recorded) status; counts of initiatives by current status."""
    arranged = progress.arrange(plan, initiatives, lambda pkg: pkg.get("measure_code"),
                                lambda pkg: int(pkg["initiative_no"]))
    guidelines = []
    statuses = []
    for group in arranged:
        measures = []
        for m in group.measures:
            items = [_initiative(pkg, plan) for pkg in m.items]
            statuses += [(item["current"] or {}).get("status") for item in items]
            measures.append({"code": m.measure.code, "title": m.measure.title.as_dict(),
                             "initiatives": items})
        guidelines.append({"number": group.guideline.number,
                           "title": group.guideline.title.as_dict(),
                           "group": group.guideline.group_name, "measures": measures})
    return {
        "id": plan.id,
        "title": plan.title.as_dict(),
        "municipality": {"code": plan.municipality_code,
                         "name": plan.municipality_name.as_dict()},
        "period": {"start_fiscal_year": plan.start_fiscal_year,
                   "end_fiscal_year": plan.end_fiscal_year,
                   "start_date": plan.start_date.isoformat(),
                   "end_date": plan.end_date.isoformat()},
        "fiscal_years": [{"fiscal_year": fy, "label": labels.fiscal_year_label_dict(fy)}
                         for fy in plan.fiscal_years],
        "statuses": [{"code": code, "label": labels.label_dict(labels.STATUSES, code)}
                     for code in labels.STATUSES],
        "ratings": [{"code": code, "label": labels.label_dict(labels.RATINGS, code)}
                    for code in labels.RATINGS],
        "initiative_count": len(statuses),
        "current_status_counts": progress.count_statuses(statuses),
        "guidelines": guidelines,
    }


def progress_filters(data_dict: dict[str, Any], plan: Plan
                     ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The filters of ``minato_plan_progress_list``, checked: ``initiative`` (number, dataset
    name or ID 131032JK027), ``fiscal_year``, ``guideline``, ``measure``. Returns the filters
    and the errors per parameter (ja / en messages)."""
    filters: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def check(key: str, rule: Any) -> None:
        value = data_dict.get(key)
        if is_blank(value):
            return
        try:
            filters[key] = rule(value)
        except rules.FieldError as err:
            errors[key] = [str(err)]

    check("initiative", lambda value: rules.initiative_no(
        identifiers.initiative_number(value, plan.id_stem, plan.id), plan))
    check("fiscal_year", lambda value: rules.fiscal_year(value, plan))
    check("guideline", lambda value: rules.guideline_no(value, plan))
    check("measure", lambda value: rules.measure_code(value, plan))
    return filters, errors


def progress_list(initiatives: Iterable[dict[str, Any]], filters: dict[str, Any],
                  plan: Plan) -> list[dict[str, Any]]:
    """Progress records matching the (checked) filters, by initiative then fiscal year."""
    out = []
    for pkg in sorted(initiatives, key=lambda p: int(p["initiative_no"])):
        if "initiative" in filters and int(pkg["initiative_no"]) != filters["initiative"]:
            continue
        if "guideline" in filters and int(pkg["guideline_no"]) != filters["guideline"]:
            continue
        if "measure" in filters and str(pkg["measure_code"]) != filters["measure"]:
            continue
        for entry in progress.progress_entries(pkg):
            if "fiscal_year" in filters and entry["fiscal_year"] != filters["fiscal_year"]:
                continue
            out.append(progress_record(pkg, entry, plan))
    return out
