"""The Japanese-aware Solr schema (tools/solr/schema-ja.xml): CKAN accepts it, it keeps every
field of CKAN's stock schema, and the running core analyses Japanese with it."""
from pathlib import Path
import xml.etree.ElementTree as ET

import ckan
import pytest
import requests

from ckan.lib import search
from ckan.plugins import toolkit as tk

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_JA = ROOT / "tools" / "solr" / "schema-ja.xml"
SCHEMA_STOCK = Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"


def _schema(path):
    root = ET.parse(path).getroot()
    types = {t.get("name"): t.get("class") for t in root.iter()
             if t.tag in ("fieldType", "fieldtype")}
    fields = {}
    for f in root.iter():
        if f.tag in ("field", "dynamicField"):
            fields[(f.tag, f.get("name"))] = (
                types[f.get("type")],
                *(f.get(a) for a in ("indexed", "stored", "multiValued", "omitNorms",
                                     "required", "default")))
    copies = {(c.get("source"), c.get("dest")) for c in root.iter("copyField")}
    return root, fields, copies


def test_ckan_accepts_the_schema_name_and_version():
    root, _fields, _copies = _schema(SCHEMA_JA)
    stock_root, _f, _c = _schema(SCHEMA_STOCK)
    assert (root.get("name"), root.get("version")) == (
        stock_root.get("name"), stock_root.get("version"))
    assert search.check_solr_schema_version(schema_file=str(SCHEMA_JA)) is True


def test_every_stock_field_keeps_its_name_class_and_options():
    # Lucene refuses a field whose indexing options change inside one index, and CKAN writes
    # and reads these fields: an index built with either schema must stay usable by the other.
    _root, stock_fields, stock_copies = _schema(SCHEMA_STOCK)
    _root, fields, copies = _schema(SCHEMA_JA)
    for key, spec in stock_fields.items():
        assert fields.get(key) == spec, key
    assert stock_copies <= copies
    root = ET.parse(SCHEMA_JA).getroot()
    assert root.findtext("uniqueKey") == ET.parse(SCHEMA_STOCK).getroot().findtext("uniqueKey")
    assert set(fields) - set(stock_fields) == {
        ("field", "title_cjk"), ("field", "text_cjk"), ("field", "title_reading"),
        ("field", "text_reading"), ("field", "spell")}


def _analyse(field_type, value, side="index"):
    """Tokens of ``value`` as the running core indexes (or queries) it in ``field_type``."""
    param = "analysis.fieldvalue" if side == "index" else "analysis.query"
    response = requests.get(f"{tk.config['solr_url']}/analysis/field", params={
        "analysis.fieldtype": field_type, param: value, "wt": "json"},
        timeout=30)
    response.raise_for_status()
    stages = response.json()["analysis"]["field_types"][field_type][side]
    return [token["text"] for token in stages[-1]]


@pytest.mark.parametrize("value, tokens", [
    ("テレワークの推進", ["テレワーク", "推進"]),               # Kuromoji words, particle dropped
    ("ＩＣＴを活用した手続き", ["ict", "活用", "手続"]),         # width, base form, okurigana
    ("ﾃﾚﾜｰｸ", ["テレワーク"]),                                # half-width katakana
    ("情報セキュリティー", ["情報", "セキュリティ"]),           # katakana long-vowel stem
    ("Promotion of teleworking", ["promot", "telework"]),    # English stop word, stemming
])
def test_the_running_core_analyses_text_in_japanese_and_english(value, tokens):
    assert _analyse("text", value) == tokens


def test_the_running_core_has_cjk_bigrams_for_parts_of_compounds():
    assert _analyse("text_cjk", "省エネルギー化") == ["省エ", "エネ", "ネル", "ルギ", "ギ化"]
    assert _analyse("text_cjk", "省エネ") == ["省エ", "エネ"]
    assert _analyse("text_cjk", "サーバー") == _analyse("text_cjk", "サーバ")


@pytest.mark.parametrize("typed", ["こそだて", "kosodate", "コソダテ", "Kosodate"])
def test_a_word_typed_phonetically_meets_the_reading_of_its_kanji(typed):
    indexed = set(_analyse("text_reading", "子育て支援"))
    assert set(_analyse("text_reading", typed, side="query")) <= indexed
    assert "コソ" in indexed


def test_long_vowels_are_folded_on_both_sides_of_the_reading():
    assert set(_analyse("text_reading", "bosai", side="query")) <= set(
        _analyse("text_reading", "防災"))
    assert _analyse("text_reading", "てれわーく", side="query") == _analyse(
        "text_reading", "テレワク", side="query")


def test_question_words_and_residents_synonyms_at_query_time():
    tokens = _analyse("text", "ごみの出し方を知りたい", side="query")
    assert "廃棄" in tokens and "知る" not in tokens
    assert "telework" in _analyse("text", "work from home", side="query")


def _parsed(**params):
    response = requests.get(f"{tk.config['solr_url']}/select", params={
        "defType": "edismax_or", "qf": "title text", "mm": "1<-1 3<50%", "q.op": "AND",
        "rows": 0, "wt": "json", "debugQuery": "true", **params}, timeout=30)
    response.raise_for_status()
    return response.json()["debug"]["parsedquery"]


def test_the_configsets_parser_keeps_the_words_optional_whatever_q_op_is_sent():
    # CKAN sends every search with q.op=AND; edismax_or (tools/solr/plugins/) overrides it,
    # so that the words meet mm (here 2 of 3) instead of all being required
    parsed = _parsed(q="防災 図書館 zzqxwv", sort="name asc")
    assert parsed.endswith("~2")
    assert "+DisjunctionMaxQuery" not in parsed.split("(", 1)[1]


def test_the_configsets_parser_boosts_title_phrases_only_when_ranked_by_score():
    assert 'title:"防災 図書館"' in _parsed(q="防災 図書館", sort="score desc")
    assert 'title:"防災 図書館"' in _parsed(q="防災 図書館")
    assert 'title:"防災 図書館"' not in _parsed(q="防災 図書館", sort="name asc")
