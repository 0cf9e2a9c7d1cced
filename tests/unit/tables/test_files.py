"""Writing the tables as CSV (UTF-8 BOM, Shift_JIS), JSON, data package and column dictionary
(pure, milliseconds)."""
import csv
import decimal
import io
import itertools
import json

import pytest

from ckanext.minato_plan.domain import records
from ckanext.minato_plan.domain.tables import cp932, formats, writers
from ckanext.minato_plan.domain.tables import datapackage as dp
from ckanext.minato_plan.domain.tables import columns, csv_safety
from ckanext.minato_plan.domain.tables import rows as table_rows
from ckanext.minato_plan.domain.plan import load_plan

TRICKY_JA = '=HYPERLINK("http://x") 〜「引用」, "quoted"\r\n2行目 — 𠮷野家'
TRICKY_EN = "-minus first, then – an en dash\nand a new line"


def _initiatives():
    pkgs = records.initiative_dataset_dicts(load_plan())
    pkgs[0]["progress"] = [
        {"fiscal_year": 2021, "status": "completed", "rating": "-", "summary_ja": TRICKY_JA,
         "summary_en": TRICKY_EN},
        {"fiscal_year": 2022, "status": "in_progress", "rating": "A", "summary_ja": "@mention",
         "summary_en": "+plus", "sample": True},
    ]
    pkgs[1]["indicators"] = [{"name_ja": "=指標", "unit": "%", "baseline": "-1.5",
                              "target_2023": "0.25", "actual_2023": "-2"}]
    return pkgs


def _file(table, suffix, initiatives=None):
    variant = formats.VARIANTS[suffix]
    rows = table_rows.rows(table, _initiatives() if initiatives is None else initiatives,
                           variant.lang, load_plan())
    return b"".join(writers.table_bytes(columns.TABLES[table], rows, variant))


def _csv(data, encoding="utf-8-sig"):
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def test_utf8_csv_starts_with_bom_uses_crlf_and_one_header_row():
    data = _file("progress", "ja.csv")
    assert data.startswith(b"\xef\xbb\xbf")
    header, *rows = _csv(data)
    assert header == columns.PROGRESS.headers("ja")
    assert data.count(b"\r\n") == 3 + 1  # header, two rows, and the CR LF inside a summary
    assert len(rows) == 2


def test_rfc4180_quoting_of_commas_quotes_and_newlines_round_trips():
    _header, row1, _row2 = _csv(_file("progress", "ja.csv"))
    raw = _file("progress", "ja.csv").decode("utf-8-sig")
    assert '""quoted""' in raw  # quotes doubled inside a quoted cell
    summary = row1[columns.PROGRESS.headers("ja").index("実績の概要")]
    assert csv_safety.restore_cell(summary) == TRICKY_JA


def test_formula_cells_are_neutralised_but_the_rating_dash_and_numbers_are_not():
    header, row1, row2 = _csv(_file("progress", "ja.csv"))
    cell = dict(zip(header, row1))
    assert cell["実績の概要"].startswith("'=HYPERLINK")
    assert cell["実績の概要（英語）"].startswith("'-minus")
    assert cell["進捗評価"] == "-"
    cell2 = dict(zip(header, row2))
    assert cell2["実績の概要"] == "'@mention" and cell2["実績の概要（英語）"] == "'+plus"
    ind_header, *ind_rows = _csv(_file("indicators", "ja.csv"))
    fy2023 = dict(zip(ind_header, ind_rows[2]))
    assert (fy2023["基準値"], fy2023["目標値"], fy2023["実績値"]) == ("-1.5", "0.25", "-2")
    assert fy2023["指標名"] == "'=指標"
    # No cell of any CSV starts with a formula trigger, except data values (rating, numbers).
    for table in columns.TABLES:
        header, *rows = _csv(_file(table, "ja.csv"))
        for row in rows:
            for name, value in zip(header, row):
                if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    column = next(c for c in columns.TABLES[table].columns if c.ja == name)
                    assert value == "-" and column.key in ("rating", "latest_rating") \
                        or column.type == "number", (table, name, value)


def test_english_variant_has_english_headers_codes_and_names():
    header, row1, _ = _csv(_file("progress", "en.csv"))
    assert header == [c.key for c in columns.PROGRESS_COLUMNS]
    cell = dict(zip(header, row1))
    assert (cell["lg_name"], cell["status"], cell["fiscal_year_label"]) == (
        "Minato City", "completed", "FY2021")
    assert cell["initiative_name"] == load_plan().initiative(1).title.en


def test_shift_jis_variant_decodes_and_reports_every_replaced_character():
    data = _file("progress", "ja.cp932.csv")
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("cp932")  # strict: every byte is valid cp932
    assert "〓野家" in text and "―" in text and "～" in text and "－" in text
    changes = list(cp932.cp932_changes(
        columns.PROGRESS, table_rows.rows("progress", _initiatives(), "ja", load_plan())))
    found = {(c.row_id, c.column, c.character, c.replacement, c.kind) for c in changes}
    assert found == {
        ("131032JK001-2021", "実績の概要", "〜", "～", "mapped"),
        ("131032JK001-2021", "実績の概要", "—", "―", "substituted"),
        ("131032JK001-2021", "実績の概要", "𠮷", "〓", "replaced"),
        ("131032JK001-2021", "実績の概要（英語）", "–", "－", "substituted"),
    }
    # Apart from the reported replacements, the Shift_JIS file says what the UTF-8 file says.
    utf8 = _file("progress", "ja.csv").decode("utf-8-sig")
    for change in changes:
        utf8 = utf8.replace(change.character, change.replacement)
    assert text == utf8


def test_to_cp932_normalises_compatibility_characters():
    assert cp932.to_cp932("ﬁle ①") == ("file ①", [("ﬁ", "fi", "normalised")])
    assert cp932.to_cp932("港区") == ("港区", [])


def test_json_is_an_array_of_objects_with_typed_values():
    rows = json.loads(_file("indicators", "en.json"))
    assert len(rows) == 6 and list(rows[0]) == [c.key for c in columns.INDICATORS.columns]
    fy2023 = rows[2]
    assert (fy2023["baseline"], fy2023["target"], fy2023["actual"]) == (-1.5, 0.25, -2)
    assert fy2023["fiscal_year"] == 2023 and rows[0]["target"] is None
    progress = json.loads(_file("progress", "ja.json"))
    assert progress[0]["summary_ja"] == TRICKY_JA  # JSON is exact: no neutralising
    assert progress[1]["sample"] is True and progress[0]["sample"] is False
    assert json.loads(_file("progress", "ja.json", initiatives=[])) == []


def test_writers_stream_rows_lazily():
    """The first chunk is produced after reading only the first rows, so memory does not grow
    with the number of rows (an endless row source still yields a first chunk)."""
    pkg = _initiatives()[0]

    def endless():
        for n in itertools.count(1):
            yield dict(pkg, initiative_no=(n % 39) + 1)

    for suffix in ("ja.csv", "ja.cp932.csv", "ja.json"):
        variant = formats.VARIANTS[suffix]
        chunks = writers.table_bytes(
            columns.PROGRESS, table_rows.progress_rows(endless(), variant.lang, load_plan()),
            variant)
        first = next(chunks)
        second = next(chunks)
        assert first and second


def test_datapackage_describes_every_table_and_variant_with_types_and_constraints():
    descriptor = dp.datapackage(load_plan())
    names = [r["name"] for r in descriptor["resources"]]
    assert len(names) == len(set(names)) == 3 * len(dp.DATAPACKAGE_VARIANTS)
    progress = next(r for r in descriptor["resources"] if r["name"] == "progress-ja-csv")
    assert progress["path"] == "progress.ja.csv" and progress["encoding"] == "utf-8"
    fields = {f["name"]: f for f in progress["schema"]["fields"]}
    assert fields["年度"]["type"] == "integer"
    assert fields["年度"]["constraints"] == {"required": True, "minimum": 2021, "maximum": 2026}
    assert fields["実施状況"]["constraints"]["enum"][2] == "実施中"
    assert progress["schema"]["primaryKey"] == ["ID"]
    assert progress["schema"]["foreignKeys"][0]["reference"] == {
        "resource": "structure-ja-csv", "fields": ["ID"]}
    cp932 = next(r for r in descriptor["resources"] if r["name"] == "progress-ja-cp932-csv")
    assert cp932["encoding"] == "cp932"
    en_csv = next(r for r in descriptor["resources"] if r["name"] == "progress-en-csv")
    assert [f["name"] for f in en_csv["schema"]["fields"]][:3] == ["lg_code", "id", "lg_name"]
    assert en_csv["schema"]["foreignKeys"][0]["reference"]["resource"] == "structure-en-csv"
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_column_dictionary_lists_every_column_of_every_table(lang):
    header, *rows = _csv(b"".join(dp.dictionary_bytes(lang, load_plan())))
    assert header == dp.DICTIONARY.headers(lang)
    assert len(rows) == sum(len(table.columns) for table in columns.TABLES.values())
    by_key = {(r[0], r[3]): dict(zip(header, r)) for r in rows}
    rating = by_key[("progress", "rating")]
    description = rating["説明" if lang == "ja" else "description"]
    assert ("評価対象外" if lang == "ja" else "not rated") in description
    assert rating["日本語見出し" if lang == "ja" else "header_ja"] == "進捗評価"


def test_decimal_cells_are_plain_numbers():
    assert writers.cell_text(decimal.Decimal("1E+3")) == "1000"
    assert writers.cell_text(True) == "true" and writers.cell_text(None) == ""
    assert writers.json_value(decimal.Decimal("12")) == 12


def test_cp932_mapped_list_is_complete():
    """Every BMP character cp932 encodes but decodes as another code point is in the list."""
    found = {}
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        try:
            back = chr(cp).encode("cp932").decode("cp932")
        except UnicodeEncodeError:
            continue
        if back != chr(cp):
            found[chr(cp)] = back
    assert found == cp932.CP932_MAPPED
