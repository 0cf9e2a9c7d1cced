"""Formula-injection neutralisation of the CSV files the portal writes, and its inverse.

A spreadsheet treats a cell starting with = + - @ (or a tab / carriage return before them) as a
formula. In every CSV the portal writes, a *text* value starting with one of these characters
gets a leading apostrophe ('), which Excel shows as text and which :func:`restore_cell` removes
when the file is read back (the staff's progress upload does). Exempt, because they are data, not
formulas: numbers in numeric columns (-12.5) and the closed values of a column (the rating "-",
評価対象外). A text that itself starts with apostrophes followed by a trigger gets one more
apostrophe, so restoring is exact for every value.

The DataStore's CSV and TSV dumps go through :func:`neutralise_csv`, which applies the same rule
to a CSV text as it streams: numbers of numeric fields and a column's closed values are exempt as
above, records needing no change are kept character for character.
"""
from __future__ import annotations

import dataclasses
import decimal
import re
from typing import Collection, Iterable, Iterator, Mapping, Optional

from .columns import Column

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_apostrophe(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_TRIGGERS)


@dataclasses.dataclass(frozen=True)
class CellRule:
    """What a column exempts: numbers (a numeric column) and its closed values."""

    numeric: bool = False
    allowed: Collection[str] = ()


TEXT = CellRule()


def column_rule(column: Column, lang: str = "ja") -> CellRule:
    allowed = column.enum_ja if lang == "ja" else column.enum_en
    return CellRule(column.type in ("integer", "number"), tuple(allowed or ()))


def neutralise_value(value: str, rule: CellRule = TEXT) -> str:
    """``value`` as written to a spreadsheet cell of a column with ``rule``."""
    if not value or not _needs_apostrophe(value):
        return value
    if value in rule.allowed or (rule.numeric and _is_number(value)):
        return value
    return "'" + value


def neutralise_cell(value: str, column: Optional[Column] = None, lang: str = "ja") -> str:
    """``value`` as written to a CSV cell (see the comment above)."""
    return neutralise_value(value, TEXT if column is None else column_rule(column, lang))


def restore_cell(value: str) -> str:
    """The inverse of :func:`neutralise_cell` for a cell read from one of our CSV files."""
    if value.startswith("'") and _needs_apostrophe(value):
        return value[1:]
    return value


def _is_number(text: str) -> bool:
    try:
        return decimal.Decimal(text).is_finite()
    except decimal.InvalidOperation:
        return False


# --- CSV text as it streams --------------------------------------------------------------------

_BOM = "\ufeff"


def neutralise_csv(chunks: Iterable[str], delimiter: str,
                   rules: Mapping[str, CellRule]) -> Iterator[str]:
    """The CSV text of ``chunks`` (``delimiter`` "," or a tab; RFC 4180 quoting; its first record
    is the header, which may follow a BOM) with every cell neutralised: a data cell by the rule of
    its column's header in ``rules`` (text when absent), a header cell as text. Records that need
    no change are kept exactly (quoting, empty and missing values); in the others only the
    neutralised cells change. A record may span chunks."""
    rewriter = _Rewriter(delimiter, rules)
    pending = ""
    started = False
    for chunk in chunks:
        if not chunk:
            continue
        if not started:
            started = True
            if chunk.startswith(_BOM):
                yield _BOM
                chunk = chunk[1:]
        pending += chunk
        end = _complete_records_end(pending)
        if end:
            yield rewriter.rewrite(pending[:end])
            pending = pending[end:]
    if pending:
        yield rewriter.rewrite(pending)


def _complete_records_end(text: str) -> int:
    """The length of the leading part of ``text`` made of whole records (0 if none): up to the
    last line feed outside quotes."""
    if text.endswith("\n") and text.count('"') % 2 == 0:
        return len(text)
    end, quoted = 0, False
    for match in re.finditer(r'["\n]', text):
        if match.group() == '"':
            quoted = not quoted
        elif not quoted:
            end = match.end()
    return end


class _Rewriter:
    """Rewrites whole records of one CSV text, header first."""

    def __init__(self, delimiter: str, rules: Mapping[str, CellRule]):
        d = re.escape(delimiter)
        self.delimiter = delimiter
        self.rules = rules
        self.field = re.compile(rf'(?P<quoted>"[^"]*(?:""[^"]*)*")|[^{d}"\r\n]*')
        self.field_end = re.compile(rf"[{d}\r\n]")
        # a cell that may need the apostrophe (the fast path skips texts without one)
        self.suspect = re.compile(rf'(?:\A|[{d}\n])"?\'*[=+\-@\t\r]')
        self.columns: Optional[list[CellRule]] = None
        self.header: list[str] = []

    def rewrite(self, text: str) -> str:
        if self.columns is not None and not self.suspect.search(text):
            return text
        out: list[str] = []
        pos, column, size = 0, 0, len(text)
        while True:
            match = self.field.match(text, pos)
            raw, end = match.group(), match.end()
            quoted = match.group("quoted") is not None
            if end < size and text[end] not in (self.delimiter, "\r", "\n"):
                # not RFC 4180 (stray quotes): the field runs to its separator, and is judged
                # by its text without quotes, as a spreadsheet may read it
                stop = self.field_end.search(text, end)
                end = stop.start() if stop else size
                raw = text[pos:end]
                out.append(self._cell(raw, raw.replace('"', ""), None, column))
            else:
                value = raw[1:-1].replace('""', '"') if quoted else raw
                out.append(self._cell(raw, value, quoted, column))
            if end >= size:
                break
            separator = "\r\n" if text.startswith("\r\n", end) else text[end]
            out.append(separator)
            pos = end + len(separator)
            if separator == self.delimiter:
                column += 1
            else:
                column = 0
                self._record_done()
            if pos >= size:
                break
        return "".join(out)

    def _cell(self, raw: str, value: str, quoted: Optional[bool], column: int) -> str:
        """The field ``raw`` (``value`` once unquoted; ``quoted`` None: malformed) as written."""
        if self.columns is None:
            self.header.append(value)
            rule = TEXT
        else:
            rule = self.columns[column] if column < len(self.columns) else TEXT
        safe = neutralise_value(value, rule)
        if safe == value:
            return raw
        if quoted is None:
            return "'" + raw
        if quoted or any(c in safe for c in (self.delimiter, '"', "\r", "\n")):
            return '"' + safe.replace('"', '""') + '"'
        return safe

    def _record_done(self) -> None:
        if self.columns is None:
            self.columns = [self.rules.get(name, TEXT) for name in self.header]
