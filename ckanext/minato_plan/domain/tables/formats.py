"""The file variants of a table: language, format and encoding, and the files' names."""
from __future__ import annotations

import dataclasses
from typing import Optional

from ..plan import Plan


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




def file_name(table: str, variant: Variant, plan: Plan, initiative_no: Optional[int] = None
              ) -> str:
    prefix = f"{plan.initiative_name(initiative_no)}-" if initiative_no else f"{plan.id}-"
    return f"{prefix}{table}.{variant.suffix}"
