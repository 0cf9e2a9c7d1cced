"""Reading stored values: JSON fields, ``{"ja", "en"}`` texts, booleans, numbers, free text.

CKAN hands the extension's repeating and bilingual fields over as values or as JSON strings,
depending on the path (``package_show``, the search index, an activity, a form); every reader
of such a field goes through this module, so a value means the same everywhere.
"""
from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, Optional

LANGUAGES = ("ja", "en")

#: Words that mean true or false in a stored flag, an upload cell or a form checkbox.
TRUE_WORDS = frozenset({"true", "1", "yes", "on", "はい"})
FALSE_WORDS = frozenset({"false", "0", "no", "off", "いいえ", ""})

#: C0 control characters other than tab, line feed and carriage return, DEL, and the C1 control
#: characters (U+0080–U+009F, e.g. what byte 0x80 of a Shift_JIS file decodes to).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

#: Invisible format characters that make text show differently from what it holds: the byte order
#: mark (U+FEFF) inside text, the bidirectional embeddings and overrides (U+202A–U+202E) and
#: isolates (U+2066–U+2069).
FORMAT_CHARACTERS = re.compile("[\ufeff\u202a-\u202e\u2066-\u2069]")

#: Code points that are no characters: unpaired surrogates (``"\\ud800"`` in JSON), U+FFFE, U+FFFF.
NON_CHARACTERS = re.compile("[\ud800-\udfff\ufffe\uffff]")

#: Everything free text may not hold (:func:`refused_character`).
REFUSED_CHARACTERS = re.compile("|".join(
    p.pattern for p in (CONTROL_CHARACTERS, FORMAT_CHARACTERS, NON_CHARACTERS)))


@dataclasses.dataclass(frozen=True)
class Text:
    """A Japanese text with its English counterpart."""

    ja: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"ja": self.ja, "en": self.en}

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


def load_json(value: Any) -> Any:
    """A stored JSON field as a value (it may arrive as a string); None when unreadable."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def json_copy(value: Any) -> Any:
    """A copy of a JSON-like tree (dicts and lists copied, other values shared): a dataset
    dict copied in a third of ``copy.deepcopy``'s time."""
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    return value


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def blank_to_none(value: Any) -> Any:
    return None if is_blank(value) else value


def is_true(value: Any) -> bool:
    """Whether a stored flag is set: ``True``, or a string in :data:`TRUE_WORDS`."""
    if isinstance(value, str):
        return value.strip().lower() in TRUE_WORDS
    return bool(value)


def optional_int(value: Any) -> Optional[int]:
    """A whole number, or None for a blank or unreadable value."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if is_blank(value):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def refused_character(value: str) -> Optional[tuple[int, str]]:
    """The first character free text may not hold (a control, invisible format or non-character,
    :data:`REFUSED_CHARACTERS`) and its position (1 = the first character), or None."""
    match = REFUSED_CHARACTERS.search(value)
    return (match.start() + 1, match.group()) if match else None


def clean_text(value: Any) -> str:
    """Free text as stored: line breaks as LF, no surrounding white space."""
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def text_dict(value: Any, fallback_ja: Any = "") -> dict[str, str]:
    """A stored ``{"ja", "en"}`` value (a dict, a JSON string, a :class:`Text`, or a plain
    string, taken as Japanese) as a dict of its non-empty texts; ``fallback_ja`` fills a missing
    Japanese text."""
    if isinstance(value, Text):
        value = value.as_dict()
    elif isinstance(value, str):
        loaded = load_json(value)
        value = loaded if isinstance(loaded, dict) else ({"ja": value} if value.strip() else {})
    out: dict[str, str] = {}
    if isinstance(value, dict):
        out = {lang: str(text).strip() for lang, text in value.items()
               if isinstance(text, str) and text.strip()}
    if not out.get("ja") and not is_blank(fallback_ja):
        out["ja"] = str(fallback_ja).strip()
    return out


def translated(pkg: dict[str, Any], field: str) -> dict[str, str]:
    """A dataset's ``<field>_translated`` with both keys, the plain (Japanese) ``<field>``
    filling a missing Japanese text."""
    texts = text_dict(pkg.get(f"{field}_translated"), pkg.get(field))
    return {"ja": texts.get("ja", ""), "en": texts.get("en", "")}


def pick(value: Any, lang: str) -> str:
    """The text of a ``{"ja", "en"}`` value in ``lang``, else in the other language, rather than
    nothing."""
    if isinstance(value, str) and not isinstance(load_json(value), dict):
        return value
    if value is None:
        return ""
    if not isinstance(value, (dict, Text, str)):
        return str(value)
    texts = text_dict(value)
    for candidate in (lang, "ja", "en"):
        if texts.get(candidate):
            return texts[candidate]
    return ""
