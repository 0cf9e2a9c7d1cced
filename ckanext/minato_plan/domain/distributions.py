"""The download resources (distributions) of the plan dataset and of each initiative dataset.

The loader keeps these resources on the datasets, idempotently;
their URLs point at ``/plan-data/…`` views that build each file from the live metadata, so a
download is always current and DCAT lists the files as distributions with a format and a media
type.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from .tables import columns as t
from .tables.formats import VARIANTS

PLAN_DATA_PATH = "/plan-data"
# The resource fields the loader owns; anything else on a resource (datastore_active, …) is
# CKAN's.
OWNED_FIELDS = ("name", "description", "url", "format", "mimetype")
# The plan resources whose rows are also loaded into the DataStore.
DATASTORE_SUFFIXES = ("ja.csv", "en.csv")

_CSV_NOTE = {
    "ja": ("先頭が =、+、-、@、タブ、CR の文字列のセルには、表計算ソフトで数式として実行されないよう"
           "先頭にアポストロフィ（'）を付けています（評価「-」と数値はそのまま）。"),
    "en": ("Text cells starting with =, +, -, @, a tab or a CR get a leading apostrophe (') so "
           "that spreadsheets never run them as formulas (the rating \"-\" and numbers are "
           "written as they are)."),
}
_CP932_NOTE = {
    "ja": ("Shift_JIS（cp932）で表せない文字は置き換えています（例: — → ―、𠮷 → 〓）。置き換えた文字の"
           "一覧: /plan-data/cp932-report.json。元の文字はUTF-8版にあります。"),
    "en": ("Characters Shift_JIS (cp932) cannot hold are replaced (e.g. — -> ―, 𠮷 -> 〓); "
           "every replacement is listed at /plan-data/cp932-report.json. The UTF-8 files hold "
           "the exact text."),
}
_LIVE_NOTE = {
    "ja": "ポータルの最新のメタデータから、ダウンロードのたびに生成されます。",
    "en": "Generated from the portal's current metadata at every download.",
}


def data_base(site_url: str, scope: str = "") -> str:
    """Where a plan's files are: ``/plan-data`` for the portal's first plan, ``/plan-data/<plan
    id>`` for the others (``scope``)."""
    return site_url.rstrip("/") + PLAN_DATA_PATH + (f"/{scope}" if scope else "")


def table_url(site_url: str, table: str, suffix: str, initiative_no: Optional[int] = None,
              scope: str = "") -> str:
    base = data_base(site_url, scope)
    if initiative_no is not None:
        return f"{base}/initiative/{int(initiative_no)}/{table}.{suffix}"
    return f"{base}/{table}.{suffix}"


def _table_resource(site_url: str, table: t.Table, suffix: str,
                    initiative_no: Optional[int] = None, scope: str = "") -> dict[str, Any]:
    variant = VARIANTS[suffix]
    resource = {
        "url": table_url(site_url, table.name, suffix, initiative_no, scope),
        "format": variant.format,
        "mimetype": variant.media_type,
    }
    if initiative_no is not None:
        # Short: these ride along in every search result of the initiatives.
        scope_ja, scope_en = f"取組{initiative_no}の", f" of initiative {initiative_no}"
        return dict(
            resource,
            name=f"{scope_ja}{table.title_ja}（{variant.label_ja}） / "
                 f"{table.title_en}{scope_en} ({variant.label_en})",
            description=(f"{scope_ja}{table.title_ja}。{_LIVE_NOTE['ja']}列の定義は計画データセット"
                         f"の項目定義書にあります。\n\n{table.title_en}{scope_en}. "
                         f"{_LIVE_NOTE['en']} The columns are defined in the plan dataset's "
                         f"column dictionary."))
    ja = [table.description_ja, _LIVE_NOTE["ja"]]
    en = [table.description_en, _LIVE_NOTE["en"]]
    if variant.format == "CSV":
        ja.append(_CSV_NOTE["ja"])
        en.append(_CSV_NOTE["en"])
    if variant.encoding == "cp932":
        ja.append(_CP932_NOTE["ja"])
        en.append(_CP932_NOTE["en"])
    if suffix in DATASTORE_SUFFIXES:
        ja.append("DataStore API（datastore_search、datastore_search_sql）でも利用できます。")
        en.append("Also available through the DataStore API (datastore_search, "
                  "datastore_search_sql).")
    return dict(resource,
                name=f"{table.title_ja}（{variant.label_ja}） / {table.title_en} "
                     f"({variant.label_en})",
                description="".join(ja) + "\n\n" + " ".join(en))


def plan_resources(site_url: str, scope: str = "") -> list[dict[str, Any]]:
    """Every table in every variant, the data package descriptor and the column dictionary (of
    the plan whose URLs ``scope`` names)."""
    base = data_base(site_url, scope)
    out = [_table_resource(site_url, table, suffix, scope=scope)
           for table in t.TABLES.values() for suffix in VARIANTS]
    out.append({
        "name": "データパッケージ（Frictionless Data Package） / Data package (Frictionless)",
        "description": ("全ての表と列の型・制約を記述した datapackage.json（表のファイルへの相対パス）。"
                        + _LIVE_NOTE["ja"] + "\n\n"
                        "datapackage.json describing every table with its field types and "
                        "constraints (paths relative to it). " + _LIVE_NOTE["en"]),
        "url": f"{base}/datapackage.json",
        "format": "JSON",
        "mimetype": "application/json",
    })
    for lang, label_ja, label_en in (("ja", "日本語", "Japanese"), ("en", "英語", "English")):
        out.append({
            "name": f"項目定義書（{label_ja}） / Column dictionary ({label_en})",
            "description": ("各表の列の見出し（日本語・英語）、型、必須、制約、説明、例。"
                            "CSV・UTF-8（BOM付き）。\n\n"
                            "Every column of every table: headers (Japanese and English), type, "
                            "whether required, constraints, description and example. CSV, UTF-8 "
                            "with BOM."),
            "url": f"{base}/columns.{lang}.csv",
            "format": "CSV",
            "mimetype": "text/csv",
        })
    return out


def initiative_resources(site_url: str, initiative_no: int, scope: str = ""
                         ) -> list[dict[str, Any]]:
    """The initiative's own progress and indicators, in every variant."""
    return [_table_resource(site_url, t.TABLES[name], suffix, initiative_no, scope)
            for name in t.INITIATIVE_TABLES for suffix in VARIANTS]


def resources_differ(want: list[dict[str, Any]], have: Optional[list[dict[str, Any]]]) -> bool:
    """Whether the dataset's resources are not (in order) the ones we keep on it."""
    have = have or []
    if len(want) != len(have):
        return True
    for w, h in zip(want, have):
        for key in OWNED_FIELDS:
            if (w.get(key) or "") != (h.get(key) or ""):
                return True
    return False


def with_current_ids(want: list[dict[str, Any]], have: Optional[list[dict[str, Any]]]
                     ) -> list[dict[str, Any]]:
    """``want`` with the ids of the current resources of the same URL, so that an update keeps
    the resources (and their DataStore tables) instead of replacing them."""
    ids = {h.get("url"): h.get("id") for h in (have or []) if h.get("id")}
    out = []
    for resource in want:
        resource = dict(resource)
        if resource["url"] in ids:
            resource["id"] = ids[resource["url"]]
        out.append(resource)
    return out


def parse_plan_data_url(url: str) -> Optional[tuple[Optional[int], str]]:
    """``(initiative_no or None, file name)`` of one of our ``/plan-data/`` URLs, else None."""
    marker = PLAN_DATA_PATH + "/"
    if marker not in url:
        return None
    rest = url.split(marker, 1)[1]
    first, _, after = rest.partition("/")
    if after and first != "initiative":  # /plan-data/<plan id>/…: another plan's files
        rest = after
    if rest.startswith("initiative/"):
        parts = rest.split("/")
        if len(parts) != 3 or not re.fullmatch(r"[0-9]+", parts[1]):
            return None
        return int(parts[1]), parts[2]
    return None, rest
