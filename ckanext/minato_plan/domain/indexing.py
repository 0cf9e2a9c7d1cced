"""What the search index receives for a plan or initiative dataset.

CKAN hands ``before_dataset_index`` the dataset with every extra
both as ``extras_<key>`` and as ``<key>``; the repeating and bilingual fields arrive there as raw
JSON strings. Indexed as such they are useless (one token soup, or one huge string term). This
module replaces them with flat fields that filter and facet (``status_2023:in_progress``,
``latest_rating:A``) and puts their readable text (English titles, progress summaries, indicator
names) into the catch-all ``text`` field so that searches find it.
"""
from __future__ import annotations

from typing import Any

from . import progress
from .identifiers import PLAN_DATASET_TYPES
from .text import LANGUAGES, load_json

TRANSLATED_FIELDS = ("title_translated", "notes_translated", "provenance_translated",
                     "department_translated")
REPEATING_FIELDS = ("progress", "indicators", "indicator_values")


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``pkg_dict`` ready for Solr."""
    if pkg_dict.get("type") not in PLAN_DATASET_TYPES:
        return pkg_dict
    out = dict(pkg_dict)
    text: list[str] = list(out.get("text") or []) if isinstance(out.get("text"), list) else (
        [out["text"]] if out.get("text") else [])

    for field in TRANSLATED_FIELDS:
        value = load_json(out.pop(field, None))
        out.pop(f"extras_{field}", None)
        if isinstance(value, dict):
            base = field[: -len("_translated")]
            for lang in LANGUAGES:
                if value.get(lang):
                    out[f"{base}_{lang}"] = value[lang]
                    text.append(value[lang])

    if out.get("type") != "initiative":
        if text:
            out["text"] = text
        return out

    # CKAN 2.12 with ckanext-scheming hands repeating fields over as extras_<field> only.
    stored = {field: out.pop(field, None) or out.get(f"extras_{field}")
              for field in REPEATING_FIELDS}
    for field in REPEATING_FIELDS:
        out.pop(f"extras_{field}", None)
    entries = progress.progress_entries(stored)
    for entry in entries:
        fy = entry["fiscal_year"]
        if entry.get("status"):
            out[f"status_{fy}"] = entry["status"]
        if entry.get("rating"):
            out[f"rating_{fy}"] = entry["rating"]
        text.extend(entry[k] for k in progress.NARRATIVE_TEXT_FIELDS if entry.get(k))
    if entries:
        latest = entries[-1]
        out["latest_fiscal_year"] = str(latest["fiscal_year"])
        out["latest_status"] = latest.get("status") or ""
        out["latest_rating"] = latest.get("rating") or ""
        out["has_sample_progress"] = str(any(e["sample"] for e in entries)).lower()
    out["progress_count"] = str(len(entries))

    named = progress.indicators(stored)
    for indicator in named:
        text.extend(indicator[k] for k in ("name_ja", "name_en") if indicator.get(k))
    out["indicator_count"] = str(len(named))

    if text:
        out["text"] = text
    return out
