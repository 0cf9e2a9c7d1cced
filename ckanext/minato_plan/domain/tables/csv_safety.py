"""Formula-injection neutralisation of the CSV files the portal writes, and its inverse.

A spreadsheet treats a cell starting with = + - @ (or a tab / carriage return before them) as a
formula. In every CSV the portal writes, a *text* value starting with one of these characters
gets a leading apostrophe ('), which Excel shows as text and which :func:`restore_cell` removes
when the file is read back (the staff's progress upload does). Exempt, because they are data, not
formulas: numbers in numeric columns (-12.5) and the closed values of a column (the rating "-",
評価対象外). A text that itself starts with apostrophes followed by a trigger gets one more
apostrophe, so restoring is exact for every value.
"""
from __future__ import annotations

import decimal
from typing import Optional

from .columns import Column

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_apostrophe(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_TRIGGERS)


def neutralise_cell(value: str, column: Optional[Column] = None, lang: str = "ja") -> str:
    """``value`` as written to a CSV cell (see the comment above)."""
    if not value or not _needs_apostrophe(value):
        return value
    if column is not None:
        allowed = column.enum_ja if lang == "ja" else column.enum_en
        if allowed and value in allowed:
            return value
        if column.type in ("integer", "number") and _is_number(value):
            return value
    return "'" + value


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
