"""What applying a validated progress upload changes, initiative by initiative and field by
field, against the initiatives as they are now."""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Mapping, Optional

from ..progress import NARRATIVE_TEXT_FIELDS, comparable_entry
from ..tables.cp932 import to_cp932
from ..text import clean_text
from .parsing import OPTIONAL_COLUMNS, PROGRESS_FIELDS, Entry, Problem


@dataclasses.dataclass(frozen=True)
class Change:
    """One field of one initiative's progress in one fiscal year: ``old`` -> ``new``.
    ``old`` is ``None`` when the fiscal year had no progress."""

    row: int
    initiative_no: int
    name: str
    fiscal_year: int
    field: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class ChangeSet:
    changes: list[Change] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    # dataset name -> the complete new progress list of that initiative
    progress: dict[str, list[dict[str, Any]]] = dataclasses.field(default_factory=dict)
    # dataset name -> metadata_modified seen when the change set was computed
    versions: dict[str, str] = dataclasses.field(default_factory=dict)
    unchanged_rows: int = 0

    @property
    def initiatives(self) -> list[str]:
        return sorted(self.progress)


def _same_text(old: str, new: str, encoding: Optional[str]) -> bool:
    """Whether a cell read from a file in ``encoding`` says what ``old`` says. A Shift_JIS file
    cannot hold every character: the cp932 download writes 〜 (U+301C) as ～ (U+FF5E), an em
    dash as ―, and characters outside cp932 as 〓 (:func:`..tables.cp932.to_cp932`), so such a text read
    back is not a change: the stored exact text is kept."""
    if old == new:
        return True
    if encoding == "cp932":
        return clean_text(to_cp932(old)[0]) == new
    return False


def compute_changes(entries: Iterable[Entry], current: Mapping[int, Mapping[str, Any]],
                    encoding: Optional[str] = None) -> ChangeSet:
    """What applying ``entries`` changes. ``current`` maps an initiative number to its dataset as
    plain values: ``name``, ``metadata_modified`` and ``progress`` (``package_show`` output).
    ``encoding`` is the file's (see :func:`_same_text`)."""
    result = ChangeSet()
    grouped: dict[int, list[Entry]] = {}
    for entry in entries:
        if entry.initiative_no not in current:
            result.problems.append(Problem(
                f"取組{entry.initiative_no}はこのポータルに登録されていません。",
                f"Initiative {entry.initiative_no} does not exist on this portal.",
                row=entry.row, column="initiative_no"))
            continue
        grouped.setdefault(entry.initiative_no, []).append(entry)
    for number in sorted(grouped):
        dataset = current[number]
        existing = {}
        for raw in dataset.get("progress") or []:
            if isinstance(raw, Mapping) and raw.get("fiscal_year") not in (None, ""):
                normalized = comparable_entry(raw)
                existing[normalized["fiscal_year"]] = normalized
        merged = dict(existing)
        changed = False
        for entry in sorted(grouped[number], key=lambda e: e.fiscal_year):
            new = entry.progress()
            old = existing.get(entry.fiscal_year)
            for field, value in list(new.items()):
                if value is None:
                    new[field] = "" if old is None else old[field]
            if old is not None:
                for text_field in NARRATIVE_TEXT_FIELDS:
                    if _same_text(old[text_field], new[text_field], encoding):
                        new[text_field] = old[text_field]
            fields = [f for f in PROGRESS_FIELDS if old is None or old[f] != new[f]]
            if old is None:
                fields = [f for f in PROGRESS_FIELDS
                          if new[f] or (f != "sample" and f not in OPTIONAL_COLUMNS)]
            if not fields:
                result.unchanged_rows += 1
                continue
            changed = True
            merged[entry.fiscal_year] = new
            for field in fields:
                result.changes.append(Change(
                    row=entry.row, initiative_no=number, name=dataset["name"],
                    fiscal_year=entry.fiscal_year, field=field,
                    old=None if old is None else old[field], new=new[field]))
        if changed:
            result.progress[dataset["name"]] = [merged[fy] for fy in sorted(merged)]
            result.versions[dataset["name"]] = dataset.get("metadata_modified") or ""
    return result


