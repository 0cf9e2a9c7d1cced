"""Every user-facing string of the extension goes through CKAN's i18n and has its Japanese
(default) and English text in i18n/{ja,en}/LC_MESSAGES/ckanext-minato_plan.po."""
import pathlib

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "ckanext" / "minato_plan"
DOMAIN = "ckanext-minato_plan"


def _catalog(lang):
    with open(PACKAGE / "i18n" / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        return read_po(f)


def _used_msgids():
    method_map = [("**.py", "python"), ("templates/**.html", "ckan")]
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=method_map):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_strings_are_extracted_from_templates():
    used = _used_msgids()
    assert {"Plan overview", "Progress by fiscal year", "Sample data"} <= used


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_string_has_a_translation(lang):
    catalog = _catalog(lang)
    translated = {m.id for m in catalog if m.id and m.string}
    missing = sorted(_used_msgids() - translated)
    assert missing == [], f"{lang}: untranslated strings: {missing}"


def test_japanese_translations_are_japanese():
    catalog = _catalog("ja")
    latin_only = [m.id for m in catalog if m.id and m.string and m.string.isascii()]
    assert latin_only == []
    assert catalog.get("Plan overview").string == "計画の概要"


def test_format_placeholders_survive_translation():
    import re

    for lang in ("ja", "en"):
        for m in _catalog(lang):
            if m.id:
                assert set(re.findall(r"{\w+}", m.id)) == set(re.findall(r"{\w+}", m.string)), (
                    lang, m.id)
