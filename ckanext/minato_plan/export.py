"""Writing the plan's tables as files: CSV (UTF-8 with BOM, Shift_JIS/cp932), JSON, the data
package descriptor (``datapackage.json``) and the column dictionary (項目定義書).

Pure Python (no CKAN import). Every writer is a generator of ``bytes`` chunks over a generator of
rows, so a table of any size is written with flat memory; ``views.py`` streams the chunks.

CSV: one header row, CRLF, RFC 4180 quoting (a cell holding a comma, a double quote, CR or LF is
quoted, quotes doubled), formula triggers neutralised (see ``tables.neutralise_cell``). JSON: an
array of objects keyed by the column keys, with JSON numbers, booleans and null.

Shift_JIS (cp932): a character cp932 cannot hold is never dropped silently. It is replaced, and
every replacement is reported (:func:`to_cp932`, :func:`cp932_changes`, served as
``/plan-data/cp932-report.json``): a character whose cp932 byte decodes to another code point of
the same glyph (WAVE DASH 〜 -> FULLWIDTH TILDE ～) is ``mapped``; a dash or bar with a cp932
look-alike (EM DASH — -> ―, EN DASH – -> －) is ``substituted``; a character with a compatibility
form in cp932 (NFKC, e.g. ﬁ -> fi) is ``normalised``; anything else becomes the geta mark 〓
(``replaced``). Replacements never bring a comma, quote, line break or formula trigger, so the
Shift_JIS file is the UTF-8 CSV text re-encoded chunk by chunk (C speed). The UTF-8 files always
hold the exact text.
"""
from __future__ import annotations

import codecs
import csv
import dataclasses
import decimal
import io
import json
import re
import threading
import unicodedata
from typing import Any, Iterable, Iterator, Optional

from . import tables as t
from .plan import load_plan

BOM = "\ufeff"
GETA = "\u3013"  # 〓, the Japanese typesetter's mark for a missing character
ROWS_PER_CHUNK = 256

# Characters without a cp932 code, with a cp932 character of the same or a similar glyph.
CP932_SUBSTITUTES = {
    "\u2014": "\u2015",  # EM DASH -> HORIZONTAL BAR (JIS 1-1-29 in cp932)
    "\u2013": "\uff0d",  # EN DASH -> FULLWIDTH HYPHEN-MINUS
    "\u00a6": "\uffe4",  # BROKEN BAR -> FULLWIDTH BROKEN BAR
}


@dataclasses.dataclass(frozen=True)
class Variant:
    """A file variant of a table: ``<table>.<suffix>``."""

    suffix: str
    lang: str
    format: str  # "CSV" or "JSON"
    encoding: str  # Python codec; "utf-8-sig" writes the BOM
    label_ja: str
    label_en: str

    @property
    def mimetype(self) -> str:
        if self.format == "CSV":
            charset = "Shift_JIS" if self.encoding == "cp932" else "utf-8"
            return f"text/csv; charset={charset}"
        return "application/json"

    @property
    def media_type(self) -> str:
        return "text/csv" if self.format == "CSV" else "application/json"


VARIANTS: dict[str, Variant] = {v.suffix: v for v in (
    Variant("ja.csv", "ja", "CSV", "utf-8-sig",
            "CSV・UTF-8（BOM付き）・日本語見出し", "CSV, UTF-8 with BOM, Japanese headers"),
    Variant("ja.cp932.csv", "ja", "CSV", "cp932",
            "CSV・Shift_JIS（cp932）・日本語見出し", "CSV, Shift_JIS (cp932), Japanese headers"),
    Variant("en.csv", "en", "CSV", "utf-8-sig",
            "CSV・UTF-8（BOM付き）・英語見出し", "CSV, UTF-8 with BOM, English headers"),
    Variant("ja.json", "ja", "JSON", "utf-8",
            "JSON・日本語の値", "JSON, Japanese values"),
    Variant("en.json", "en", "JSON", "utf-8",
            "JSON・英語の値とコード", "JSON, English values and codes"),
)}


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


# Characters cp932 encodes, but whose byte decodes to another code point of the same glyph (the
# whole list: tests/test_export.py checks every BMP code point).
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


def cp932_changes(table: t.Table, rows: Iterable[dict[str, Any]]) -> Iterator[Cp932Change]:
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


# --- CSV -----------------------------------------------------------------------------------------

def _csv_writer(buffer: io.StringIO) -> Any:
    return csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


_CELL_FORMAT = {
    "string": str,
    "integer": str,
    "number": cell_text,
    "boolean": lambda value: "true" if value else "false",
}
# First characters that may need a formula guard (see tables.neutralise_cell).
_GUARD_FIRST = frozenset(t.FORMULA_TRIGGERS) | {"'"}


def csv_text_chunks(table: t.Table, rows: Iterable[dict[str, Any]], lang: str
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
                text = t.neutralise_cell(text, column, lang)
            cells.append(text)
        writer.writerow(cells)
        count += 1
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _encoded(chunks: Iterable[str], encoding: str) -> Iterator[bytes]:
    if encoding == "utf-8-sig":
        yield BOM.encode("utf-8")
        encoding = "utf-8"
    for chunk in chunks:
        if chunk:
            yield chunk.encode(encoding)


def csv_bytes(table: t.Table, rows: Iterable[dict[str, Any]], variant: Variant
              ) -> Iterator[bytes]:
    chunks = csv_text_chunks(table, rows, variant.lang)
    if variant.encoding == "cp932":
        return (encode_cp932(chunk) for chunk in chunks if chunk)
    return _encoded(chunks, variant.encoding)


# --- JSON ----------------------------------------------------------------------------------------

def json_bytes(table: t.Table, rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
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


def table_bytes(table: t.Table, rows: Iterable[dict[str, Any]], variant: Variant
                ) -> Iterator[bytes]:
    """The file ``<table>.<variant.suffix>`` for ``rows`` (built in ``variant.lang``)."""
    if variant.format == "CSV":
        return csv_bytes(table, rows, variant)
    return json_bytes(table, rows)


def file_name(table: str, variant: Variant, initiative_no: Optional[int] = None) -> str:
    prefix = f"minato-plan-initiative-{initiative_no:02d}-" if initiative_no else "minato-plan-"
    return f"{prefix}{table}.{variant.suffix}"


# --- column dictionary (項目定義書) ---------------------------------------------------------------

def _constraints(column: t.Column, lang: str) -> str:
    parts = []
    enum = column.enum_ja if lang == "ja" else column.enum_en
    if enum:
        parts.append(("値: " if lang == "ja" else "values: ") + " | ".join(enum))
    if column.pattern:
        parts.append(("形式: " if lang == "ja" else "pattern: ") + column.pattern)
    if column.minimum is not None:
        parts.append(("最小値: " if lang == "ja" else "minimum: ") + str(column.minimum))
    if column.maximum is not None:
        parts.append(("最大値: " if lang == "ja" else "maximum: ") + str(column.maximum))
    if column.unique:
        parts.append("一意" if lang == "ja" else "unique")
    return "; ".join(parts)


DICTIONARY = t.Table(
    "columns", "項目定義書", "Column dictionary",
    "各表の列の定義。", "The definition of every column of every table.",
    (
        t.Column("table", "表ID", "table", "string", True, "表の識別子（ファイル名の先頭）。",
                 "Table identifier (the start of the file name)."),
        t.Column("table_name", "表名", "table_name", "string", True, "表の名称。",
                 "Table name."),
        t.Column("position", "列番号", "position", "integer", True, "表の中の列の位置（1から）。",
                 "Position of the column in the table (from 1)."),
        t.Column("key", "項目キー", "key", "string", True,
                 "JSON・DataStoreでの項目名。", "Field name in the JSON files and the DataStore."),
        t.Column("header_ja", "日本語見出し", "header_ja", "string", True,
                 "日本語見出しのCSVでの列名。", "Column name in the Japanese-header CSV."),
        t.Column("header_en", "英語見出し", "header_en", "string", True,
                 "英語見出しのCSVでの列名。", "Column name in the English-header CSV."),
        t.Column("type", "型", "type", "string", True,
                 "値の型（Frictionless Table Schemaの型: string, integer, number, boolean）。",
                 "Value type (Frictionless Table Schema: string, integer, number, boolean)."),
        t.Column("required", "必須", "required", "boolean", True,
                 "値が必ず入っているか（true/false）。", "Whether a value is always present."),
        t.Column("constraints", "制約", "constraints", "string", False,
                 "許される値・形式・範囲。", "Allowed values, pattern, range."),
        t.Column("description", "説明", "description", "string", True, "列の説明。",
                 "What the column holds."),
        t.Column("example", "例", "example", "string", False, "値の例。", "An example value."),
    ),
    initiative_key="table")


def dictionary_rows(lang: str) -> Iterator[dict[str, Any]]:
    for table in t.TABLES.values():
        for position, column in enumerate(table.columns, start=1):
            yield {
                "table": table.name,
                "table_name": table.title(lang),
                "position": position,
                "key": column.key,
                "header_ja": column.ja,
                "header_en": column.en,
                "type": column.type,
                "required": column.required,
                "constraints": _constraints(column, lang) or None,
                "description": column.description_ja if lang == "ja" else column.description_en,
                "example": column.example or None,
            }


def dictionary_bytes(lang: str) -> Iterator[bytes]:
    return _encoded(csv_text_chunks(DICTIONARY, dictionary_rows(lang), lang), "utf-8-sig")


# --- data package (Frictionless) ------------------------------------------------------------------

# The CSV files. The JSON files hold the same rows keyed by the column keys; they are not listed
# because Frictionless cannot read an empty JSON array as a table (the indicators table is empty
# until indicators are recorded), and a descriptor that changes with the data is worse.
DATAPACKAGE_VARIANTS = ("ja.csv", "ja.cp932.csv", "en.csv")


def _field(column: t.Column, variant: Variant) -> dict[str, Any]:
    lang = variant.lang
    name = column.header(lang) if variant.format == "CSV" else column.key
    field: dict[str, Any] = {
        "name": name,
        "title": column.ja if lang == "ja" else column.en,
        "description": column.description_ja if lang == "ja" else column.description_en,
        "type": column.type,
    }
    if column.type == "boolean":
        field["trueValues"] = ["true"]
        field["falseValues"] = ["false"]
    if column.example:
        field["example"] = column.example
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    enum = column.enum_ja if lang == "ja" else column.enum_en
    if enum:
        constraints["enum"] = list(enum)
    if column.pattern:
        constraints["pattern"] = column.pattern
    if column.minimum is not None:
        constraints["minimum"] = column.minimum
    if column.maximum is not None:
        constraints["maximum"] = column.maximum
    if constraints:
        field["constraints"] = constraints
    return field


def resource_name(table: str, variant: Variant) -> str:
    return f"{table}-{variant.suffix.replace('.', '-')}"


def datapackage(version: str = "", base_url: str = "") -> dict[str, Any]:
    """The Frictionless Data Package descriptor of every table in every CSV variant. Paths are
    relative to the descriptor (``/plan-data/``), so the descriptor works online and in a folder
    of downloaded files; ``base_url`` (the site) is only used for the homepage."""
    plan = load_plan()
    resources = []
    for table in t.TABLES.values():
        for suffix in DATAPACKAGE_VARIANTS:
            variant = VARIANTS[suffix]
            lang = variant.lang
            id_key = "id"
            key_name = table.column(id_key).header(lang) if variant.format == "CSV" else id_key
            schema: dict[str, Any] = {
                "fields": [_field(c, variant) for c in table.columns],
                "primaryKey": [key_name],
                "missingValues": [""],
            }
            foreign = []
            for column_key, ref_table, ref_key in table.foreign_keys:
                ref = t.TABLES[ref_table]
                foreign.append({
                    "fields": [table.column(column_key).header(lang)
                               if variant.format == "CSV" else column_key],
                    "reference": {
                        "resource": resource_name(ref_table, variant),
                        "fields": [ref.column(ref_key).header(lang)
                                   if variant.format == "CSV" else ref_key],
                    },
                })
            if foreign:
                schema["foreignKeys"] = foreign
            resource: dict[str, Any] = {
                "name": resource_name(table.name, variant),
                "path": f"{table.name}.{suffix}",
                "title": f"{table.title_ja} / {table.title_en}（{variant.label_ja} / "
                         f"{variant.label_en}）",
                "description": f"{table.description_ja}\n\n{table.description_en}",
                "profile": "tabular-data-resource",
                "format": variant.format.lower(),
                "mediatype": variant.media_type,
                "encoding": "utf-8" if variant.encoding == "utf-8-sig" else variant.encoding,
                "schema": schema,
            }
            if variant.format == "CSV":
                resource["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n",
                                       "quoteChar": "\"", "doubleQuote": True, "header": True}
            resources.append(resource)
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "minato-plan",
        "title": f"{plan.title.ja} / {plan.title.en}",
        "description": (
            "港区情報化推進計画の計画体系・年度別進捗・指標。ポータルのメタデータから常に最新の内容で"
            "生成されます。\n\nThe structure, yearly progress and indicators of the "
            f"{plan.title.en}, generated from the portal's current metadata."),
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "keywords": ["港区", "Minato City", "情報化推進計画", "DX"],
        "resources": resources,
    }
    if version:
        descriptor["version"] = version
    if base_url:
        descriptor["homepage"] = f"{base_url.rstrip('/')}/dataset/{plan.id}"
    return descriptor


def datapackage_bytes(version: str = "", base_url: str = "") -> bytes:
    return (json.dumps(datapackage(version, base_url), ensure_ascii=False, indent=2)
            + "\n").encode("utf-8")
