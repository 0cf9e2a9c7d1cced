"""The CKAN records the plan becomes: organization, guideline groups, the plan dataset and one
dataset per initiative.

these are the dicts the loader sends to CKAN's actions, and the
fields it compares to decide whether a record is unchanged.
"""
from __future__ import annotations

from typing import Any, Optional

from .distributions import resources_differ
from .plan import Half, Plan, initiative_notes


def organization_dict(plan: Plan, organization: Optional[str] = None) -> dict[str, Any]:
    return {
        "name": organization or plan.organization,
        "title": plan.municipality_name.ja,
        "description": (f"{plan.municipality_name.ja}（東京都）。全国地方公共団体コード {plan.municipality_code}。\n\n"
                        f"{plan.municipality_name.en}, Tokyo. Local government code "
                        f"{plan.municipality_code}."),
        "extras": [
            {"key": "title_en", "value": plan.municipality_name.en},
            {"key": "municipality_code", "value": plan.municipality_code},
        ],
    }


def group_dicts(plan: Plan) -> list[dict[str, Any]]:
    groups = []
    for g in plan.guidelines:
        measures = plan.guideline(g.number).measure_codes
        groups.append({
            "name": g.group_name,
            "title": f"情報化指針{g.number} {g.title.ja}",
            "description": (
                f"{plan.short_title.ja}の情報化指針{g.number}。施策: {'、'.join(measures)}。\n\n"
                f"Guideline {g.number} of the {plan.short_title.en}: {g.title.en}. "
                f"Measures: {', '.join(measures)}."),
            "extras": [
                {"key": "title_en", "value": f"Guideline {g.number}: {g.title.en}"},
                {"key": "guideline_no", "value": str(g.number)},
            ],
        })
    return groups


def _provenance(plan: Plan) -> dict[str, str]:
    ja = [f"出典: {(plan.source or plan.title).ja}。"]
    en = [f"Source: {plan.source.en if plan.source else 'the ' + plan.title.en}."]
    for c in plan.corrections:
        ja.append(f"取組{c.initiative_no}: {c.note.ja}")
        en.append(f"Initiative {c.initiative_no}: {c.note.en}")
    ja.append(f"英語の名称は{plan.short_title.ja}オープンデータの独自訳です。")
    en.append("English titles are this portal's own translations.")
    return {"ja": "\n".join(ja), "en": "\n".join(en)}


def _plan_paragraphs(plan: Plan, lang: str) -> list[str]:
    """The plan dataset's description: the purpose, the place among other plans, the review
    and the progress management, as far as the plan file states them."""
    out = [plan.purpose.get(lang)] if plan.purpose else []
    if plan.upper_plan or plan.legal_basis:
        if lang == "ja":
            place = f"上位計画: {plan.upper_plan.ja}。" if plan.upper_plan else ""
            if plan.legal_basis:
                place += f"{plan.legal_basis.ja}として位置付けられています。"
        else:
            place = f"Upper plan: {plan.upper_plan.en}." if plan.upper_plan else ""
            if plan.legal_basis:
                basis = plan.legal_basis.en
                place += f" It is also {basis[0].lower()}{basis[1:]}."
        out.append(place.strip())
    out += [t.get(lang) for t in (plan.review_note, plan.progress_management) if t]
    return out or [_structure_sentence(plan, lang)]


def _structure_sentence(plan: Plan, lang: str) -> str:
    """What every plan file states: the plan's period and structure (the description of a plan
    whose file says nothing more)."""
    counts = (len(plan.guidelines), len(plan.measures), len(plan.initiatives))
    if lang == "ja":
        return (f"{plan.title.ja}。計画期間は{plan.start_fiscal_year}年度から"
                f"{plan.end_fiscal_year}年度まで。情報化指針{counts[0]}、施策{counts[1]}、"
                f"取組{counts[2]}からなります。")
    return (f"{plan.title.en}: fiscal years {plan.start_fiscal_year} to {plan.end_fiscal_year}, "
            f"{counts[0]} guidelines, {counts[1]} measures and {counts[2]} initiatives.")


def _half_years(halves: tuple[Half, ...], position: int) -> Optional[str]:
    if position >= len(halves):
        return None
    return f"{halves[position].start_fiscal_year}-{halves[position].end_fiscal_year}"


def plan_dataset_dict(plan: Plan, organization: Optional[str] = None) -> dict[str, Any]:
    halves = plan.halves
    notes = {lang: "\n\n".join(_plan_paragraphs(plan, lang)) for lang in ("ja", "en")}
    return {
        "type": "plan",
        "name": plan.id,
        "owner_org": organization or plan.organization,
        "license_id": plan.license.id,
        "title": plan.title.ja,
        "title_translated": plan.title.as_dict(),
        "notes": notes["ja"],
        "notes_translated": notes,
        "municipality_code": plan.municipality_code,
        "start_fiscal_year": plan.start_fiscal_year,
        "end_fiscal_year": plan.end_fiscal_year,
        "period_start": plan.start_date.isoformat(),
        "period_end": plan.end_date.isoformat(),
        "first_half": _half_years(halves, 0),
        "second_half": _half_years(halves, 1),
        "review_fiscal_year": plan.review_fiscal_year,
        "upper_plan": plan.upper_plan.ja if plan.upper_plan else None,
        **{f"previous_projects_{part}": (plan.previous_projects or {}).get(part)
           for part in ("total", "completed", "continued", "merged")},
        "provenance_translated": _provenance(plan),
        # the plan spans every guideline (its DCAT themes are the four guidelines)
        "groups": [{"name": g.group_name} for g in plan.guidelines],
    }


def initiative_dataset_dicts(plan: Plan, organization: Optional[str] = None
                             ) -> list[dict[str, Any]]:
    out = []
    for i in plan.initiatives:
        notes = initiative_notes(plan, i)
        out.append({
            "type": "initiative",
            "name": i.name,
            "owner_org": organization or plan.organization,
            "plan_id": plan.id,
            "license_id": plan.license.id,
            "title": i.title.ja,
            "title_translated": i.title.as_dict(),
            "notes": notes.ja,
            "notes_translated": notes.as_dict(),
            "initiative_no": i.number,
            "guideline_no": i.guideline_no,
            "measure_code": i.measure_code,
            "new_or_continued": i.new_or_continued,
            "plan_page": i.plan_page,
            "groups": [{"name": plan.guideline(i.guideline_no).group_name}],
        })
    return out


def differs(target: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """The keys of ``target`` whose value is not what ``current`` (a package_show or
    group_show/organization_show dict) already holds."""
    changed = []
    for key, want in target.items():
        have = current.get(key)
        if key == "groups":
            want_names = sorted(g["name"] for g in want)
            have_names = sorted(g["name"] for g in (have or []))
            if want_names != have_names:
                changed.append(key)
        elif key == "extras":
            have_map = {e["key"]: e["value"] for e in (have or [])}
            if any(have_map.get(e["key"]) != e["value"] for e in want):
                changed.append(key)
        elif key == "owner_org":
            org = current.get("organization") or {}
            if want not in (org.get("name"), org.get("id"), have):
                changed.append(key)
        elif key == "resources":
            # Only the fields the loader owns (see distributions.py); CKAN adds its own.
            if resources_differ(want, have):
                changed.append(key)
        elif _normal(want) != _normal(have):
            changed.append(key)
    return changed


def _normal(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        normal = {k: _normal(v) for k, v in value.items()}
        # a text in no language ({"ja": "", "en": ""}) is stored as no text at all
        return normal if any(v is not None for v in normal.values()) else None
    return value
