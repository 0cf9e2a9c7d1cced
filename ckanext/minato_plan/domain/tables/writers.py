"""Writing the plan's tables as files: CSV (UTF-8 with BOM, Shift_JIS/cp932) and JSON.

Every writer is a generator of ``bytes`` chunks over a generator of rows, so a table of any size
is written with flat memory; the download views stream the chunks.

CSV: one header row, CRLF, RFC 4180 quoting (a cell holding a comma, a double quote, CR or LF is
quoted, quotes doubled), formula triggers neutralised (:mod:`.csv_safety`). JSON: an array of
objects keyed by the column keys, with JSON numbers, booleans and null.
"""
from __future__ import annotations

import csv
import decimal
import io
import json
from typing import Any, Iterable, Iterator

from . import csv_safety
from .columns import Table
from .cp932 import encode_cp932
from .formats import Variant

BOM = "\ufeff"
ROWS_PER_CHUNK = 256


# --- cells ---------------------------------------------------------------------------------------

def _decimal_text(value: decimal.Decimal) -> str:
    if not value.is_finite():
        return str(value)
    text = format(value, "f")
    return text


def cell_text(value: Any) -> str:
    """A row value as CSV text: empty for missing, true/false, plain decimal numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, decimal.Decimal):
        return _decimal_text(value)
    return str(value)


def json_value(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return str(value)
        if value == value.to_integral_value() and "E" not in str(value).upper() \
                and "." not in str(value):
            return int(value)
        return float(value)
    return value


# --- CSV -----------------------------------------------------------------------------------------

def _csv_writer(buffer: io.StringIO) -> Any:
    return csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


_CELL_FORMAT = {
    "string": str,
    "integer": str,
    "number": cell_text,
    "boolean": lambda value: "true" if value else "false",
}
# First characters that may need a formula guard (see csv_safety.neutralise_cell).
_GUARD_FIRST = frozenset(csv_safety.FORMULA_TRIGGERS) | {"'"}


def csv_text_chunks(table: Table, rows: Iterable[dict[str, Any]], lang: str
                    ) -> Iterator[str]:
    """The CSV text (without BOM) in chunks of :data:`ROWS_PER_CHUNK` rows."""
    buffer = io.StringIO()
    writer = _csv_writer(buffer)
    writer.writerow(table.headers(lang))
    columns = [(c.key, _CELL_FORMAT.get(c.type, cell_text), c) for c in table.columns]
    count = 0
    for row in rows:
        cells = []
        for key, fmt, column in columns:
            value = row.get(key)
            if value is None or value == "":
                cells.append("")
                continue
            text = value if type(value) is str else fmt(value)
            if text[0] in _GUARD_FIRST:
                text = csv_safety.neutralise_cell(text, column, lang)
            cells.append(text)
        writer.writerow(cells)
        count += 1
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def encoded(chunks: Iterable[str], encoding: str) -> Iterator[bytes]:
    if encoding == "utf-8-sig":
        yield BOM.encode("utf-8")
        encoding = "utf-8"
    for chunk in chunks:
        if chunk:
            yield chunk.encode(encoding)


def csv_bytes(table: Table, rows: Iterable[dict[str, Any]], variant: Variant
              ) -> Iterator[bytes]:
    chunks = csv_text_chunks(table, rows, variant.lang)
    if variant.encoding == "cp932":
        return (encode_cp932(chunk) for chunk in chunks if chunk)
    return encoded(chunks, variant.encoding)


# --- JSON ----------------------------------------------------------------------------------------

def json_bytes(table: Table, rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """A JSON array of objects keyed by the column keys, one object per line."""
    keys = [c.key for c in table.columns]
    numbers = {c.key for c in table.columns if c.type == "number"}
    encode = json.JSONEncoder(ensure_ascii=False).encode
    parts = ["["]
    first = True
    count = 0
    for row in rows:
        if numbers or list(row) != keys:
            row = {key: (json_value(row.get(key)) if key in numbers else row.get(key))
                   for key in keys}
        parts.append(("\n" if first else ",\n") + encode(row))
        first = False
        count += 1
        if count % ROWS_PER_CHUNK == 0:
            yield "".join(parts).encode("utf-8")
            parts = []
    parts.append("\n]\n")
    yield "".join(parts).encode("utf-8")


def table_bytes(table: Table, rows: Iterable[dict[str, Any]], variant: Variant
                ) -> Iterator[bytes]:
    """The file ``<table>.<variant.suffix>`` for ``rows`` (built in ``variant.lang``)."""
    if variant.format == "CSV":
        return csv_bytes(table, rows, variant)
    return json_bytes(table, rows)
