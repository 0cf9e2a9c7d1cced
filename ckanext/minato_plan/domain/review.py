"""The yearly evaluation of a plan: staff record a fiscal year's progress as drafts, submit the
year to the reviewers, who return it with a note or approve it, and an approved year is
published (its drafts become the initiatives' progress).

An evaluation is one plan and one fiscal year. Its state moves only by :func:`step`:

- ``draft``: staff edit drafts (also the state of a year nobody has started);
- ``submitted``: waiting for the reviewers; drafts are locked;
- ``returned``: sent back with a note; staff edit and submit again;
- ``approved``: accepted by a reviewer, waiting to be published; drafts are locked;
- ``published``: the drafts were written to the initiatives; a new draft starts the cycle again.

A comment changes no state. This module knows the rules and the words; storage is
:mod:`ckanext.minato_plan.logic.review`.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Mapping, Optional

from .labels import fiscal_year_label
from .progress import ENTRY_FIELDS, comparable_entry
from .text import Text

DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
APPROVED = "approved"
PUBLISHED = "published"

STATES = {
    DRAFT: Text("下書き", "Draft"),
    SUBMITTED: Text("審査待ち", "Submitted for review"),
    RETURNED: Text("差し戻し", "Returned"),
    APPROVED: Text("承認済み（未公開）", "Approved, not yet published"),
    PUBLISHED: Text("公開済み", "Published"),
}

SAVE = "save"
SUBMIT = "submit"
RETURN = "return"
APPROVE = "approve"
PUBLISH = "publish"
COMMENT = "comment"

#: What each step is called in the history and the activity stream.
STEPS = {
    SAVE: Text("下書きを保存", "Saved a draft"),
    SUBMIT: Text("審査に提出", "Submitted for review"),
    RETURN: Text("差し戻し", "Returned"),
    APPROVE: Text("承認", "Approved"),
    PUBLISH: Text("公開", "Published"),
    COMMENT: Text("コメント", "Commented"),
}

#: Who takes each step: staff (editors of the plan's organization) or reviewers.
STAFF_STEPS = (SAVE, SUBMIT)
REVIEWER_STEPS = (RETURN, APPROVE, PUBLISH)

#: The states each step starts from, and where it leads.
_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    SAVE: ((DRAFT, RETURNED, PUBLISHED), DRAFT),
    SUBMIT: ((DRAFT, RETURNED), SUBMITTED),
    RETURN: ((SUBMITTED, APPROVED), RETURNED),
    APPROVE: ((SUBMITTED,), APPROVED),
    PUBLISH: ((APPROVED,), PUBLISHED),
}

#: The fields of a progress entry a draft holds.
DRAFT_FIELDS = tuple(f for f in ENTRY_FIELDS if f != "sample")
#: The longest note of a return or a comment, in characters.
MAX_NOTE_CHARS = 4000


class ReviewError(ValueError):
    """A step that is not possible now; ``str()`` gives the Japanese message, then the
    English one."""

    def __init__(self, ja: str, en: str):
        super().__init__(f"{ja} / {en}")
        self.ja = ja
        self.en = en


def state_label(state: str, lang: str) -> str:
    found = STATES.get(state)
    return found.get(lang) if found else state


def step_label(name: str, lang: str) -> str:
    found = STEPS.get(name)
    return found.get(lang) if found else name


def step(state: Optional[str], name: str, drafts: int = 0, note: str = "") -> str:
    """The state after step ``name`` from ``state`` (None: the year has not started), with
    ``drafts`` drafts waiting and ``note`` given; :class:`ReviewError` says why it is not
    possible."""
    state = state or DRAFT
    if name == COMMENT:
        if not note.strip():
            raise ReviewError("コメントを入力してください。", "Write a comment.")
        return state
    if name not in _MOVES:
        raise ReviewError(f"不明な操作です: {name}", f"Unknown step: {name}")
    sources, target = _MOVES[name]
    if state not in sources:
        raise ReviewError(
            f"{state_label(state, 'ja')}の年度は「{step_label(name, 'ja')}」できません。",
            f"A fiscal year that is {state_label(state, 'en').lower()} cannot be "
            f"{_past(name)}.")
    if name == SUBMIT and drafts == 0:
        raise ReviewError("提出する下書きがありません。先に取組の進捗を下書きしてください。",
                          "There is no draft to submit. Record an initiative's progress as a "
                          "draft first.")
    if name == RETURN and not note.strip():
        raise ReviewError("差し戻す理由をメモに書いてください。",
                          "Write a note saying why the year is returned.")
    if name == PUBLISH and drafts == 0:
        raise ReviewError("公開する下書きがありません。", "There is no draft to publish.")
    return target


def _past(name: str) -> str:
    return {SAVE: "edited", SUBMIT: "submitted", RETURN: "returned", APPROVE: "approved",
            PUBLISH: "published"}.get(name, name)


def editable(state: Optional[str]) -> bool:
    """Whether staff may change drafts of a year in ``state``."""
    return (state or DRAFT) in _MOVES[SAVE][0]


def locked_message(state: Optional[str], fiscal_year: int) -> ReviewError:
    ja_year, en_year = fiscal_year_label(fiscal_year, "ja"), fiscal_year_label(fiscal_year, "en")
    return ReviewError(
        f"{ja_year}は{state_label(state or DRAFT, 'ja')}のため、下書きを変更できません。"
        "変更するには審査者に差し戻してもらってください。",
        f"{en_year} is {state_label(state or DRAFT, 'en').lower()}: its drafts cannot be "
        "changed. Ask a reviewer to return it first.")


def draft_entry(fiscal_year: int, values: Mapping[str, Any]) -> dict[str, Any]:
    """The progress entry a draft publishes (never sample data)."""
    entry = {"fiscal_year": int(fiscal_year), "sample": False}
    entry.update({f: values.get(f) or "" for f in DRAFT_FIELDS})
    return entry


@dataclasses.dataclass(frozen=True)
class Row:
    """One initiative of an evaluation: its published entry of the year and its draft."""

    number: int
    name: str
    title: Any
    measure_code: str
    published: Optional[dict[str, Any]]
    draft: Optional[dict[str, Any]]

    @property
    def changed_fields(self) -> tuple[str, ...]:
        """The fields the draft changes (every field set, when nothing is published)."""
        if self.draft is None:
            return ()
        new = comparable_entry(self.draft)
        if self.published is None:
            return tuple(f for f in DRAFT_FIELDS if new[f])
        old = comparable_entry(self.published)
        changed = tuple(f for f in DRAFT_FIELDS if old[f] != new[f])
        return changed or (("sample",) if old["sample"] else ())


def rows(initiatives: Iterable[Mapping[str, Any]], fiscal_year: int,
         drafts: Mapping[int, Mapping[str, Any]]) -> list[Row]:
    """The rows of an evaluation: ``initiatives`` as plain values (``number``, ``name``,
    ``title``, ``measure_code``, ``progress``) with the year's published entry and the draft
    of ``drafts`` (by initiative number)."""
    out = []
    for initiative in initiatives:
        published = next((e for e in initiative.get("progress") or []
                          if _fiscal_year(e) == fiscal_year), None)
        draft = drafts.get(initiative["number"])
        out.append(Row(initiative["number"], initiative["name"], initiative.get("title"),
                       str(initiative.get("measure_code") or ""), published,
                       draft_entry(fiscal_year, draft) if draft is not None else None))
    return sorted(out, key=lambda r: r.number)


def _fiscal_year(entry: Any) -> Optional[int]:
    try:
        return int(entry.get("fiscal_year"))
    except (AttributeError, TypeError, ValueError):
        return None


def published_progress(progress: Iterable[Mapping[str, Any]], fiscal_year: int,
                       draft: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An initiative's progress list with the year's entry replaced by ``draft``, oldest
    first."""
    kept = [dict(e) for e in progress if _fiscal_year(e) != fiscal_year]
    return sorted(kept + [draft_entry(fiscal_year, draft)], key=lambda e: _fiscal_year(e) or 0)
