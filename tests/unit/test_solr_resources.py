"""The generated and curated analysis resources of the Solr configset (tools/solr/conf/)."""
import importlib.util
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "tools" / "solr" / "conf"


def _make_resources():
    path = CONF.parent / "make_resources.py"
    spec = importlib.util.spec_from_file_location("make_resources", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reading_table_is_the_generators_output():
    committed = (CONF / "lang" / "reading_ja.txt").read_text(encoding="utf-8")
    assert committed == _make_resources().readings_mapping(), (
        "run .venv/bin/python tools/solr/make_resources.py readings")


def test_romaji_table_spells_what_residents_type():
    table = _make_resources().romaji_table()
    for romaji, kana in {"shi": "シ", "si": "シ", "tsu": "ツ", "tu": "ツ", "kka": "ッカ",
                         "kyo": "キョ", "ja": "ジャ", "nn": "ン", "fu": "フ"}.items():
        assert table[romaji] == kana


def test_synonym_lines_are_rules():
    for name in ("synonyms_resident.txt", "synonyms_sudachi.txt"):
        for number, line in enumerate((CONF / name).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            words = [w.strip() for w in line.replace("=>", ",").split(",")]
            assert len(words) >= 2 and all(words), f"{name}:{number}: {line}"


def test_kana_table_is_the_generators_output():
    committed = (CONF / "lang" / "kana_ja.txt").read_text(encoding="utf-8")
    assert committed == _make_resources().kana_mapping(), (
        "run .venv/bin/python tools/solr/make_resources.py readings")
