"""Translations of the extension, checked without services and without a CKAN app.

Every user-facing string of the code (Python and templates, extracted with the method map of
setup.py's ``message_extractors``, as ``scripts/i18n.sh`` does) is in the catalog template
``i18n/ckanext-minato_plan.pot`` and has its Japanese (default) and English text in
``i18n/{ja,en}/LC_MESSAGES/ckanext-minato_plan.po``. After adding or changing a string, run
``scripts/i18n.sh update`` and fill in the new msgstr of both catalogs.

Runs without CKAN's pytest plugin too:
``pytest -p no:ckan -p no:ckan_fixtures -o addopts="" tests/unit/test_translations.py``.
"""
from __future__ import annotations

import ast
import collections
import functools
import pathlib
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOMAIN = "ckanext-minato_plan"
I18N = ROOT / "ckanext" / "minato_plan" / "i18n"
POT = I18N / f"{DOMAIN}.pot"
LANGUAGES = ("ja", "en")
FIX = "run scripts/i18n.sh update, then translate the new strings in both .po files"

#: msgids whose Japanese text is legitimately ASCII only (say a format name such as "CSV").
#: Keep it short: a Latin-only "translation" is nearly always a string left untranslated.
ASCII_IN_JAPANESE: frozenset[str] = frozenset({"CSV"})

#: ``{name}`` / ``{}`` / ``{name:>3}`` of str.format (not the escaped ``{{``) and the
#: printf-style ``%(name)s`` / ``%d`` conversions.
BRACE_FIELD = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")
PERCENT_FIELD = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]")


def _extractors():
    """setup.py's ``message_extractors``: ``{directory: [(pattern, method, options), ...]}``."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    call = next(node for node in ast.walk(tree) if isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "setup")
    return ast.literal_eval(next(k.value for k in call.keywords if k.arg == "message_extractors"))


@functools.lru_cache(maxsize=None)
def _extracted() -> frozenset[tuple[object, object]]:
    """(msgid, msgctxt) of every message of the code; a plural msgid is (singular, plural)."""
    found = set()
    for directory, methods in _extractors().items():
        method_map = [(pattern, method) for pattern, method, _options in methods]
        options_map = {pattern: dict(options or {}) for pattern, _method, options in methods}
        for _file, _line, message, _comments, context in extract_from_dir(
                str(ROOT / directory), method_map=method_map, options_map=options_map):
            found.add((tuple(message) if isinstance(message, (tuple, list)) else message,
                       context))
    return frozenset(found)


def _key(message_id) -> str:
    return message_id[0] if isinstance(message_id, (tuple, list)) else message_id


def _read(path: pathlib.Path):
    with open(path, "rb") as f:
        return read_po(f)


@functools.lru_cache(maxsize=None)
def _catalog(lang: str):
    return _read(I18N / lang / "LC_MESSAGES" / f"{DOMAIN}.po")


def _messages(catalog):
    return [m for m in catalog if m.id]


def _fields(text: str):
    return (sorted(set(BRACE_FIELD.findall(text))),
            collections.Counter(m.group(0) if not m.group(1) else m.group(1)
                                for m in PERCENT_FIELD.finditer(text)))


def _label(message_id, context) -> str:
    return f"{_key(message_id)!r}" + (f" (context {context!r})" if context else "")


def test_strings_are_extracted_from_python_and_templates():
    # a broken method map would find nothing, and every other test would pass vacuously
    ids = {_key(message_id) for message_id, _context in _extracted()}
    assert {"Plan overview", "Sample data", "Upload progress CSV",
            "Progress last updated {time} by {user}"} <= ids
    methods = {method for methods in _extractors().values() for _p, method, _o in methods}
    assert {"python", "ckan"} <= methods


def test_the_committed_template_matches_the_code():
    committed = {(m.id if isinstance(m.id, str) else tuple(m.id), m.context)
                 for m in _messages(_read(POT))}
    code = set(_extracted())
    assert sorted(map(repr, code - committed)) == [], f"strings missing from {POT.name}: {FIX}"
    assert sorted(map(repr, committed - code)) == [], f"stale strings in {POT.name}: {FIX}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_has_a_translation(lang):
    catalog = _catalog(lang)
    missing = []
    for message_id, context in sorted(_extracted(), key=repr):
        message = catalog.get(_key(message_id), context)
        if message is None:
            missing.append(f"{_label(message_id, context)}: not in the catalog")
            continue
        forms = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if isinstance(message_id, tuple) and len(forms) != catalog.num_plurals:
            missing.append(f"{_label(message_id, context)}: {len(forms)} plural forms, "
                           f"{catalog.num_plurals} expected")
        elif not all(form and form.strip() for form in forms):
            missing.append(f"{_label(message_id, context)}: empty translation")
        elif message.fuzzy:
            missing.append(f"{_label(message_id, context)}: fuzzy")
    assert missing == [], f"{lang}: {FIX}:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_obsolete_fuzzy_or_unused_entries(lang):
    catalog = _catalog(lang)
    assert not catalog.fuzzy, f"{lang}: the catalog header is marked fuzzy"
    assert list(catalog.obsolete) == [], f"{lang}: delete the obsolete (#~) entries"
    fuzzy = [_label(m.id, m.context) for m in _messages(catalog) if m.fuzzy]
    assert fuzzy == [], f"{lang}: fuzzy entries (check the translation, remove the flag)"
    code = {(_key(message_id), context) for message_id, context in _extracted()}
    unused = [_label(m.id, m.context) for m in _messages(catalog)
              if (_key(m.id), m.context) not in code]
    assert unused == [], f"{lang}: entries no code uses: {FIX}"


def test_japanese_translations_are_japanese():
    ascii_only = []
    for m in _messages(_catalog("ja")):
        forms = [form for form in
                 (m.string if isinstance(m.string, (tuple, list)) else (m.string,)) if form]
        if forms and _key(m.id) not in ASCII_IN_JAPANESE and all(f.isascii() for f in forms):
            ascii_only.append(_label(m.id, m.context))
    assert ascii_only == [], "ja: Latin-only translations (left in English?)"
    assert _catalog("ja").get("Plan overview").string == "計画の概要"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_format_placeholders_survive_translation(lang):
    broken = []
    for m in _messages(_catalog(lang)):
        ids = m.id if isinstance(m.id, (tuple, list)) else (m.id,)
        forms = m.string if isinstance(m.string, (tuple, list)) else (m.string,)
        expected = _fields(ids[-1])  # the plural msgid has every field the count needs
        for form in forms:
            if form and _fields(form) != expected and _fields(form) != _fields(ids[0]):
                broken.append(f"{_label(m.id, m.context)} -> {form!r}")
    assert broken == [], f"{lang}: the placeholders of the translation differ from the msgid"


def test_placeholder_patterns():
    # the checker itself: fields are found, escaped braces are not
    assert _fields("{count} of {total} (%(name)s, %d, 100%%)") == (
        ["count", "total"], collections.Counter({"name": 1, "%d": 1}))
    assert _fields("{{literal}} {n:>3}") == (["n"], collections.Counter())
