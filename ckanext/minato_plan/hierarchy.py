"""What the actions ``minato_plan_show`` and ``minato_plan_progress_list`` return.

Pure Python (no CKAN import). The input is the initiatives' ``package_show``/``package_search``
dicts (live metadata); guideline and measure titles come from the plan model. Every name and
label is given in Japanese and English (``{"ja": …, "en": …}``), every code as the code.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from . import plan as plan_model
from . import rules
from . import tables as t


def _label(choices: dict[str, tuple[str, str]], code: Any) -> Optional[dict[str, str]]:
    if code in choices:
        ja, en = choices[code]
        return {"ja": ja, "en": en}
    return None


def _fiscal_year_label(fy: int) -> dict[str, str]:
    return {"ja": plan_model.fiscal_year_label(fy, "ja"),
            "en": plan_model.fiscal_year_label(fy, "en")}


def progress_record(pkg: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """One progress entry of an initiative, with its identifiers and ja/en labels."""
    number = int(pkg["initiative_no"])
    fy = int(entry["fiscal_year"])
    return {
        "id": t.progress_row_id(number, fy),
        "initiative_id": t.initiative_id(number),
        "initiative_no": number,
        "initiative_name": t.translated_field(pkg, "title"),
        "dataset_name": pkg.get("name"),
        "guideline_no": int(pkg["guideline_no"]),
        "measure_code": str(pkg["measure_code"]),
        "fiscal_year": fy,
        "fiscal_year_label": _fiscal_year_label(fy),
        "status": entry.get("status"),
        "status_label": _label(plan_model.STATUSES, entry.get("status")),
        "rating": entry.get("rating"),
        "rating_label": _label(plan_model.RATINGS, entry.get("rating")),
        "summary_ja": entry.get("summary_ja") or "",
        "summary_en": entry.get("summary_en") or "",
        "sample": t.is_true(entry.get("sample")),
    }


def _initiative(pkg: dict[str, Any]) -> dict[str, Any]:
    number = int(pkg["initiative_no"])
    entries = t.progress_entries(pkg)
    kind = pkg.get("new_or_continued")
    current = progress_record(pkg, entries[-1]) if entries else None
    return {
        "number": number,
        "id": t.initiative_id(number),
        "name": pkg.get("name"),
        "title": t.translated_field(pkg, "title"),
        "new_or_continued": kind,
        "new_or_continued_label": _label(plan_model.NEW_OR_CONTINUED, kind),
        "plan_page": t.optional_int(pkg.get("plan_page")),
        "progress_count": len(entries),
        "current": None if current is None else {
            key: current[key] for key in (
                "fiscal_year", "fiscal_year_label", "status", "status_label", "rating",
                "rating_label", "summary_ja", "summary_en", "sample")},
    }


def plan_hierarchy(initiatives: Iterable[dict[str, Any]],
                   plan: Optional[plan_model.Plan] = None) -> dict[str, Any]:
    """The plan as guidelines -> measures -> initiatives, each initiative with its current
    (latest recorded) status; counts of initiatives by current status."""
    plan = plan or plan_model.load_plan()
    by_measure: dict[str, list[dict[str, Any]]] = {}
    for pkg in initiatives:
        by_measure.setdefault(str(pkg.get("measure_code")), []).append(_initiative(pkg))
    counts = {code: 0 for code in plan_model.STATUSES}
    counts["no_record"] = 0
    guidelines = []
    total = 0
    for g in plan.guidelines:
        measures = []
        for code in g.measure_codes:
            items = sorted(by_measure.get(code, []), key=lambda i: i["number"])
            for item in items:
                status = (item["current"] or {}).get("status")
                counts[status if status in counts else "no_record"] += 1
            total += len(items)
            measures.append({"code": code, "title": plan.measure(code).title.as_dict(),
                             "initiatives": items})
        guidelines.append({"number": g.number, "title": g.title.as_dict(),
                           "group": g.group_name, "measures": measures})
    return {
        "id": plan.id,
        "title": plan.title.as_dict(),
        "municipality": {"code": plan_model.MUNICIPALITY_CODE,
                         "name": plan.municipality_name.as_dict()},
        "period": {"start_fiscal_year": plan.start_fiscal_year,
                   "end_fiscal_year": plan.end_fiscal_year,
                   "start_date": plan.start_date.isoformat(),
                   "end_date": plan.end_date.isoformat()},
        "fiscal_years": [{"fiscal_year": fy, "label": _fiscal_year_label(fy)}
                         for fy in plan_model.FISCAL_YEARS],
        "statuses": [{"code": code, "label": {"ja": ja, "en": en}}
                     for code, (ja, en) in plan_model.STATUSES.items()],
        "ratings": [{"code": code, "label": {"ja": ja, "en": en}}
                    for code, (ja, en) in plan_model.RATINGS.items()],
        "initiative_count": total,
        "current_status_counts": counts,
        "guidelines": guidelines,
    }


def progress_filters(data_dict: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The filters of ``minato_plan_progress_list``, checked: ``initiative`` (number, dataset
    name or ID 131032JK027), ``fiscal_year``, ``guideline``, ``measure``. Returns the filters
    and the errors per parameter (ja / en messages)."""
    filters: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def check(key: str, rule: Any) -> None:
        value = data_dict.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        try:
            filters[key] = rule(value)
        except rules.FieldError as err:
            errors[key] = [str(err)]

    def initiative(value: Any) -> int:
        text = str(value).strip()
        for prefix in (plan_model.INITIATIVE_NAME_PREFIX, f"{plan_model.MUNICIPALITY_CODE}JK"):
            if text.startswith(prefix):
                text = text[len(prefix):]
        return rules.initiative_no(text)

    check("initiative", initiative)
    check("fiscal_year", rules.fiscal_year)
    check("guideline", rules.guideline_no)
    check("measure", rules.measure_code)
    return filters, errors


def progress_list(initiatives: Iterable[dict[str, Any]], filters: dict[str, Any]
                  ) -> list[dict[str, Any]]:
    """Progress records matching the (checked) filters, by initiative then fiscal year."""
    out = []
    for pkg in sorted(initiatives, key=lambda p: int(p["initiative_no"])):
        if "initiative" in filters and int(pkg["initiative_no"]) != filters["initiative"]:
            continue
        if "guideline" in filters and int(pkg["guideline_no"]) != filters["guideline"]:
            continue
        if "measure" in filters and str(pkg["measure_code"]) != filters["measure"]:
            continue
        for entry in t.progress_entries(pkg):
            if "fiscal_year" in filters and int(entry["fiscal_year"]) != filters["fiscal_year"]:
                continue
            out.append(progress_record(pkg, entry))
    return out
