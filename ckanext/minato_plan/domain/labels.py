"""The plan's code lists and every way a code or a fiscal year is written for people.

Statuses, ratings and the new/continued kind, each code with its Japanese and English label;
fiscal years as 令和N年度 / FY2023 in each form the pages, downloads and forms use.
"""
from __future__ import annotations

from typing import Any, Optional

from .text import Text

NEW_OR_CONTINUED = {
    "new": ("新規", "New"),
    "continued": ("継続", "Continued"),
}

# Progress status of an initiative in a fiscal year.
STATUSES = {
    "not_started": ("未着手", "Not started"),
    "under_study": ("検討中", "Under study"),
    "in_progress": ("実施中", "In progress"),
    "completed": ("完了", "Completed"),
    "merged": ("統合", "Merged"),
    "suspended": ("中止", "Suspended"),
}

# The ward's own evaluation scale.
RATINGS = {
    "A": ("達成", "On plan"),
    "B": ("概ね達成", "Mostly on plan"),
    "C": ("達成が不十分", "Behind plan"),
    "-": ("評価対象外", "Not rated"),
}

#: What an indicator measures: the initiative's activity (活動指標) or its result (成果指標).
INDICATOR_KINDS = {
    "output": ("活動指標", "Output"),
    "outcome": ("成果指標", "Outcome"),
}

#: Which way an indicator improves.
INDICATOR_DIRECTIONS = {
    "higher": ("高いほど良い", "Higher is better"),
    "lower": ("低いほど良い", "Lower is better"),
}

#: The overview's category of an initiative without any recorded progress.
NO_RECORD = "no_record"
NO_RECORD_LABEL = Text("記録なし", "No record")
#: The rating category of an initiative without a rating in a fiscal year (the report's counts).
NOT_RATED = "no_rating"
NOT_RATED_LABEL = Text("評価なし", "No rating")

#: The names of a progress entry's narrative fields (:data:`.progress.NARRATIVE_FIELDS`), as the
#: form and its errors call them.
NARRATIVE_LABELS = {
    "summary_ja": Text("実績の概要（日本語）", "Summary of results (Japanese)"),
    "summary_en": Text("実績の概要（英語）", "Summary of results (English)"),
    "challenges_ja": Text("課題（日本語）", "Challenges (Japanese)"),
    "challenges_en": Text("課題（英語）", "Challenges (English)"),
    "next_steps_ja": Text("今後の方向性（日本語）", "Next steps (Japanese)"),
    "next_steps_en": Text("今後の方向性（英語）", "Next steps (English)"),
    "evidence_urls": Text("根拠資料のURL", "Evidence links"),
}

#: Japanese eras a fiscal year is named in, newest first: (name, first fiscal year). A fiscal
#: year takes the era in force for most of it: FY2019 (from April 2019) is 令和元年度, FY1989
#: 平成元年度.
ERAS = (("令和", 2019), ("平成", 1989), ("昭和", 1926))
FISCAL_YEAR_FORMS = ("short", "long", "choice")


def _index(lang: str) -> int:
    return 1 if lang == "en" else 0


def label(choices: dict[str, tuple[str, str]], code: Any, lang: str) -> Optional[str]:
    """The label of ``code`` in ``lang``, or None for an unknown code."""
    pair = choices.get(code) if isinstance(code, str) else None
    return pair[_index(lang)] if pair else None


def label_dict(choices: dict[str, tuple[str, str]], code: Any) -> Optional[dict[str, str]]:
    """``{"ja": …, "en": …}`` of ``code``, or None for an unknown code."""
    pair = choices.get(code) if isinstance(code, str) else None
    return {"ja": pair[0], "en": pair[1]} if pair else None


def status_label(code: Any, lang: str) -> str:
    """A status (or :data:`NO_RECORD`) in ``lang``; an unknown code as it is."""
    if code == NO_RECORD:
        return NO_RECORD_LABEL.get(lang)
    return label(STATUSES, code, lang) or ("" if code is None else str(code))


def rating_label(code: Any, lang: str) -> str:
    """``A 達成`` / ``A On plan`` (:data:`NOT_RATED`: ``評価なし``); an unknown code as it is."""
    if code == NOT_RATED:
        return NOT_RATED_LABEL.get(lang)
    name = label(RATINGS, code, lang)
    if name is None:
        return "" if code is None else str(code)
    return f"{code} {name}"


def rating_label_dict(code: Any) -> Optional[dict[str, str]]:
    if code not in RATINGS:
        return None
    return {"ja": rating_label(code, "ja"), "en": rating_label(code, "en")}


def new_or_continued_label(code: Any, lang: str) -> str:
    return label(NEW_OR_CONTINUED, code, lang) or ("" if code is None else str(code))


def era_label(fiscal_year: int) -> str:
    """The fiscal year in the Japanese era: ``2021`` -> ``令和3年度``, ``2019`` -> ``令和元年度``,
    ``2016`` -> ``平成28年度``."""
    fy = int(fiscal_year)
    for era, first in ERAS:
        if fy >= first:
            year = fy - first + 1
            return f"{era}{'元' if year == 1 else year}年度"
    raise ValueError(f"no Japanese era known for fiscal year {fy}")


def fiscal_year_label(fiscal_year: int, lang: str = "ja", form: str = "short") -> str:
    """A fiscal year for people, in ``lang`` and one of :data:`FISCAL_YEAR_FORMS`:

    - ``short``: 令和5年度 / FY2023 (tables, API labels);
    - ``long``: 令和5年度（2023年度） / FY2023 (pages);
    - ``choice``: 令和5年度（2023） / FY2023 (令和5年度) (form choices, upload preview).
    """
    fy = int(fiscal_year)
    era = era_label(fy)
    if form not in FISCAL_YEAR_FORMS:
        raise ValueError(f"unknown fiscal year form {form!r}")
    if lang == "en":
        return f"FY{fy} ({era})" if form == "choice" else f"FY{fy}"
    if form == "long":
        return f"{era}（{fy}年度）"
    if form == "choice":
        return f"{era}（{fy}）"
    return era


def fiscal_year_label_dict(fiscal_year: int, form: str = "short") -> dict[str, str]:
    return {lang: fiscal_year_label(fiscal_year, lang, form) for lang in ("ja", "en")}
