"""Reminders to record a fiscal year's progress (pure: no CKAN).

An initiative is due when its plan covers the fiscal year and no progress of that year is
recorded yet, neither published nor as a draft of the year's evaluation; a sample entry
(fictional, labelled) is no record. A reminder goes to the address
staff entered as the initiative's department contact (``department_email``): one message per
address, listing its initiatives, Japanese first, then English. Initiatives with no address are
reported to whoever runs the reminders, never guessed.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Collection, Iterable

from . import labels, progress
from .plan import Plan
from .text import optional_int, text_dict


@dataclasses.dataclass(frozen=True)
class Due:
    """An initiative whose progress of a fiscal year is not recorded yet."""

    number: int
    name: str
    title: dict[str, str]
    department: dict[str, str]
    email: str


def due(initiatives: Iterable[dict[str, Any]], plan: Plan, fiscal_year: int,
        drafted: Collection[int] = ()) -> list[Due]:
    """The initiatives of ``plan`` with no recorded progress of ``fiscal_year`` and no draft of
    it (``drafted``: initiative numbers), by number; none when the fiscal year is outside the
    plan's period."""
    if fiscal_year not in plan.fiscal_years:
        return []
    out = []
    for pkg in initiatives:
        number = optional_int(pkg.get("initiative_no"))
        if number is None or number in drafted:
            continue
        recorded = {e["fiscal_year"] for e in progress.progress_entries(pkg) if not e["sample"]}
        if fiscal_year in recorded:
            continue
        out.append(Due(
            number=number, name=str(pkg.get("name") or ""),
            title=text_dict(pkg.get("title_translated"), pkg.get("title")),
            department={k: v for k, v in text_dict(pkg.get("department_translated")).items()
                        if v},
            email=str(pkg.get("department_email") or "").strip()))
    return sorted(out, key=lambda d: d.number)


def by_address(items: Iterable[Due]) -> tuple[dict[str, list[Due]], list[Due]]:
    """The due initiatives per contact address (addresses compared without case), and those
    with no address."""
    grouped: dict[str, list[Due]] = {}
    first_spelling: dict[str, str] = {}
    unaddressed = []
    for item in items:
        if not item.email:
            unaddressed.append(item)
            continue
        key = first_spelling.setdefault(item.email.lower(), item.email)
        grouped.setdefault(key, []).append(item)
    return grouped, unaddressed


def _line(item: Due, lang: str, site_url: str) -> str:
    title = item.title.get(lang) or item.title.get("ja") or item.name
    number = f"取組{item.number}" if lang == "ja" else f"Initiative {item.number}"
    prefix = "" if lang == "ja" else "/en"
    return f"- {number} {title}\n  {site_url}{prefix}/initiative/edit/{item.name}"


def message(items: list[Due], plan: Plan, fiscal_year: int, site_url: str) -> tuple[str, str]:
    """The subject and body of one reminder, Japanese then English."""
    site_url = site_url.rstrip("/")
    fy_ja = labels.fiscal_year_label(fiscal_year, "ja", "long")
    fy_en = labels.fiscal_year_label(fiscal_year, "en")
    subject = (f"【{plan.short_title.ja}】{fy_ja}の進捗の記録のお願い（{len(items)}件） / "
               f"Please record the {fy_en} progress ({len(items)})")
    departments_ja = sorted({d.department.get("ja", "") for d in items} - {""})
    departments_en = sorted({d.department.get("en") or d.department.get("ja", "")
                             for d in items} - {""})
    to_ja = f"{'・'.join(departments_ja)} ご担当者様\n\n" if departments_ja else ""
    to_en = f"To {', '.join(departments_en)}:\n\n" if departments_en else ""
    body = (
        f"{to_ja}{plan.title.ja}の次の取組について、{fy_ja}の進捗がまだ記録されていません。"
        "取組の編集画面で記録してください（複数の取組はCSVの一括登録でも記録できます: "
        f"{site_url}/initiative-progress/upload）。\n\n"
        + "\n".join(_line(d, "ja", site_url) for d in items)
        + "\n\n----\n\n"
        + f"{to_en}The {fy_en} progress of these initiatives of the {plan.title.en} has not been "
        "recorded yet. Please record it on each initiative's edit page (or for several at once "
        f"with the CSV upload: {site_url}/en/initiative-progress/upload).\n\n"
        + "\n".join(_line(d, "en", site_url) for d in items)
        + "\n\n"
        "このメールは所管課の連絡先として登録されたアドレスに送っています。 / "
        "This message goes to the address entered as the department's contact.\n")
    return subject, body
