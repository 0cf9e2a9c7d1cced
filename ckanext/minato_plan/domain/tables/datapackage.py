"""The description of the tables: the Frictionless data package descriptor
(``datapackage.json``) and the column dictionary (項目定義書)."""
from __future__ import annotations

import json
from typing import Any, Iterator

from ..plan import Plan
from .columns import Column, Table, tables
from .formats import VARIANTS, Variant
from .writers import csv_text_chunks, encoded


# --- column dictionary (項目定義書) ---------------------------------------------------------------

def _constraints(column: Column, lang: str) -> str:
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


DICTIONARY = Table(
    "columns", "項目定義書", "Column dictionary",
    "各表の列の定義。", "The definition of every column of every table.",
    (
        Column("table", "表ID", "table", "string", True, "表の識別子（ファイル名の先頭）。",
                 "Table identifier (the start of the file name)."),
        Column("table_name", "表名", "table_name", "string", True, "表の名称。",
                 "Table name."),
        Column("position", "列番号", "position", "integer", True, "表の中の列の位置（1から）。",
                 "Position of the column in the table (from 1)."),
        Column("key", "項目キー", "key", "string", True,
                 "JSON・DataStoreでの項目名。", "Field name in the JSON files and the DataStore."),
        Column("header_ja", "日本語見出し", "header_ja", "string", True,
                 "日本語見出しのCSVでの列名。", "Column name in the Japanese-header CSV."),
        Column("header_en", "英語見出し", "header_en", "string", True,
                 "英語見出しのCSVでの列名。", "Column name in the English-header CSV."),
        Column("type", "型", "type", "string", True,
                 "値の型（Frictionless Table Schemaの型: string, integer, number, boolean）。",
                 "Value type (Frictionless Table Schema: string, integer, number, boolean)."),
        Column("required", "必須", "required", "boolean", True,
                 "値が必ず入っているか（true/false）。", "Whether a value is always present."),
        Column("constraints", "制約", "constraints", "string", False,
                 "許される値・形式・範囲。", "Allowed values, pattern, range."),
        Column("description", "説明", "description", "string", True, "列の説明。",
                 "What the column holds."),
        Column("example", "例", "example", "string", False, "値の例。", "An example value."),
    ),
    initiative_key="table")


def dictionary_rows(lang: str, plan: Plan) -> Iterator[dict[str, Any]]:
    for table in tables(plan).values():
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


def dictionary_bytes(lang: str, plan: Plan) -> Iterator[bytes]:
    return encoded(csv_text_chunks(DICTIONARY, dictionary_rows(lang, plan), lang), "utf-8-sig")


# --- data package (Frictionless) ------------------------------------------------------------------

# The CSV files. The JSON files hold the same rows keyed by the column keys; they are not listed
# because Frictionless cannot read an empty JSON array as a table (the indicators table is empty
# until indicators are recorded), and a descriptor that changes with the data is worse.
DATAPACKAGE_VARIANTS = ("ja.csv", "ja.cp932.csv", "en.csv")


def _field(column: Column, variant: Variant) -> dict[str, Any]:
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


def datapackage(plan: Plan, version: str = "", base_url: str = "") -> dict[str, Any]:
    """The Frictionless Data Package descriptor of every table in every CSV variant. Paths are
    relative to the descriptor (``/plan-data/``), so the descriptor works online and in a folder
    of downloaded files; ``base_url`` (the site) is only used for the homepage."""
    resources = []
    plan_tables = tables(plan)
    for table in plan_tables.values():
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
                ref = plan_tables[ref_table]
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
        "name": plan.id,
        "title": f"{plan.title.ja} / {plan.title.en}",
        "description": (
            f"{plan.short_title.ja}の計画体系・年度別進捗・指標。ポータルのメタデータから常に最新の内容で"
            "生成されます。\n\nThe structure, yearly progress and indicators of the "
            f"{plan.title.en}, generated from the portal's current metadata."),
        "licenses": [{"name": plan.license.id, "title": plan.license.title.en,
                      "path": plan.license.url}],
        "keywords": [plan.municipality_name.ja, plan.municipality_name.en, plan.short_title.ja,
                     plan.short_title.en],
        "resources": resources,
    }
    if version:
        descriptor["version"] = version
    if base_url:
        descriptor["homepage"] = f"{base_url.rstrip('/')}/dataset/{plan.id}"
    return descriptor


def datapackage_bytes(plan: Plan, version: str = "", base_url: str = "") -> bytes:
    return (json.dumps(datapackage(plan, version, base_url), ensure_ascii=False, indent=2)
            + "\n").encode("utf-8")
