"""Shift_JIS (cp932) for the Japanese CSV files, without silent loss.

A character cp932 cannot hold is never dropped silently. It is replaced, and every replacement
is reported (:func:`to_cp932`, :func:`cp932_changes`, served as ``/plan-data/cp932-report.json``):
a character whose cp932 byte decodes to another code point of the same glyph (WAVE DASH 〜 ->
FULLWIDTH TILDE ～) is ``mapped``; a dash or bar with a cp932 look-alike (EM DASH — -> ―, EN
DASH – -> －) is ``substituted``; a character with a compatibility form in cp932 (NFKC, e.g. ﬁ ->
fi) is ``normalised``; anything else becomes the geta mark 〓 (``replaced``). Replacements never
bring a comma, quote, line break or formula trigger, so the Shift_JIS file is the UTF-8 CSV text
re-encoded chunk by chunk (C speed). The UTF-8 files always hold the exact text.
"""
from __future__ import annotations

import codecs
import dataclasses
import re
import threading
import unicodedata
from typing import Any, Iterable, Iterator

from .columns import Table

GETA = "\u3013"  # 〓, the Japanese typesetter's mark for a missing character

# Characters without a cp932 code, with a cp932 character of the same or a similar glyph.
CP932_SUBSTITUTES = CP932_SUBSTITUTES = {
    "\u2014": "\u2015",  # EM DASH -> HORIZONTAL BAR (JIS 1-1-29 in cp932)
    "\u2013": "\uff0d",  # EN DASH -> FULLWIDTH HYPHEN-MINUS
    "\u00a6": "\uffe4",  # BROKEN BAR -> FULLWIDTH BROKEN BAR
}


# Characters cp932 encodes, but whose byte decodes to another code point of the same glyph (the
# whole list: tests/unit/tables/test_cp932.py checks every BMP code point).
CP932_MAPPED = {
    "\u00a2": "\uffe0",  # CENT SIGN -> FULLWIDTH CENT SIGN
    "\u00a3": "\uffe1",  # POUND SIGN -> FULLWIDTH POUND SIGN
    "\u00ac": "\uffe2",  # NOT SIGN -> FULLWIDTH NOT SIGN
    "\u2016": "\u2225",  # DOUBLE VERTICAL LINE -> PARALLEL TO
    "\u2212": "\uff0d",  # MINUS SIGN -> FULLWIDTH HYPHEN-MINUS
    "\u301c": "\uff5e",  # WAVE DASH -> FULLWIDTH TILDE
}
_MAPPED_RE = re.compile("[" + "".join(CP932_MAPPED) + "]")
_CSV_SPECIAL = frozenset(",\"'\r\n\t=+-@")
_changes = threading.local()


def _cp932_replacement(ch: str) -> tuple[str, str]:
    if ch in CP932_SUBSTITUTES:
        return CP932_SUBSTITUTES[ch], "substituted"
    normal = unicodedata.normalize("NFKC", ch)
    # A normalised form must not bring a CSV delimiter, quote, line break or formula trigger
    # (the Shift_JIS file is the UTF-8 CSV text re-encoded, chunk by chunk).
    if normal != ch and not _CSV_SPECIAL.intersection(normal):
        normal = _MAPPED_RE.sub(lambda m: CP932_MAPPED[m.group()], normal)
        try:
            if normal.encode("cp932").decode("cp932") == normal:
                return normal, "normalised"
        except UnicodeEncodeError:
            pass
    return GETA, "replaced"


def _cp932_errors(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    out = []
    found = getattr(_changes, "found", None)
    for ch in err.object[err.start:err.end]:
        replacement, kind = _cp932_replacement(ch)
        if found is not None:
            found.append((ch, replacement, kind))
        out.append(replacement)
    return "".join(out), err.end


codecs.register_error("minato_plan_cp932", _cp932_errors)


def to_cp932(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    """``text`` with every character cp932 cannot hold exactly replaced, and the replacements as
    ``(character, replacement, kind)``; kind is mapped, substituted, normalised or replaced."""
    if text.isascii():
        return text, []
    found: list[tuple[str, str, str]] = []
    if _MAPPED_RE.search(text):
        def mapped(match: re.Match) -> str:
            found.append((match.group(), CP932_MAPPED[match.group()], "mapped"))
            return CP932_MAPPED[match.group()]
        text = _MAPPED_RE.sub(mapped, text)
    try:
        text.encode("cp932")
    except UnicodeEncodeError:
        _changes.found = []
        try:
            text = text.encode("cp932", errors="minato_plan_cp932").decode("cp932")
            found += _changes.found
        finally:
            _changes.found = None
    return text, found


def encode_cp932(text: str) -> bytes:
    """Text (a whole CSV chunk) as Shift_JIS, with the replacements of :func:`to_cp932`."""
    if not text.isascii() and _MAPPED_RE.search(text):
        text = _MAPPED_RE.sub(lambda m: CP932_MAPPED[m.group()], text)
    return text.encode("cp932", errors="minato_plan_cp932")


@dataclasses.dataclass(frozen=True)
class Cp932Change:
    """One character changed in a Shift_JIS file: where, what, into what, and how."""

    table: str
    row_id: str
    column: str  # the Japanese header
    character: str
    replacement: str
    kind: str

    def as_dict(self) -> dict[str, str]:
        return {
            "table": self.table, "id": self.row_id, "column": self.column,
            "character": self.character, "codepoint": f"U+{ord(self.character):04X}",
            "character_name": unicodedata.name(self.character, ""),
            "replacement": self.replacement,
            "replacement_codepoint": f"U+{ord(self.replacement):04X}"
            if len(self.replacement) == 1 else "",
            "kind": self.kind,
        }


def cp932_changes(table: Table, rows: Iterable[dict[str, Any]]) -> Iterator[Cp932Change]:
    """Every character the Shift_JIS variant of these (ja) rows changes."""
    for row in rows:
        texts = [v for v in row.values() if isinstance(v, str)]
        joined = "".join(texts)
        if joined.isascii():
            continue
        if not _MAPPED_RE.search(joined):
            try:
                joined.encode("cp932")
                continue
            except UnicodeEncodeError:
                pass
        for column in table.columns:
            value = row.get(column.key)
            if isinstance(value, str) and not value.isascii():
                for ch, repl, kind in to_cp932(value)[1]:
                    yield Cp932Change(table.name, str(row.get("id", "")), column.ja, ch, repl,
                                      kind)


