"""The progress CSV upload's parser, validator and change set (pure: no CKAN)."""
import csv
import io

import pytest

from ckanext.minato_plan.domain.progress_upload import changes, parsing as upload
from ckanext.minato_plan.domain.tables.columns import PROGRESS_COLUMNS

from support.progress_csv import build, full_file, row

from ckanext.minato_plan.domain.plan import load_plan  # noqa: E402


def parse(data, **limits):
    """The upload's parse, for the initiatives of the plan the package carries."""
    return upload.parse(data, load_plan(), **limits)


def _only_problem(parsed):
    assert len(parsed.problems) == 1, [p.message("en") for p in parsed.problems]
    return parsed.problems[0]


# --- encodings ----------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, detected", [
    ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"), ("cp932", "cp932"), ("shift_jis", "cp932")])
def test_encodings_are_detected(encoding, detected):
    data = build([row(27, 2023, summary_ja="オープンデータを公開した（髙橋・①）"
                  if encoding == "cp932" else "オープンデータを公開した")], encoding=encoding)
    parsed = parse(data)
    assert parsed.ok, [p.message("en") for p in parsed.problems]
    assert parsed.encoding == detected
    assert parsed.entries[0].summary_ja.startswith("オープンデータを公開した")


def test_cp932_only_characters_survive():
    parsed = parse(build([row(1, 2021, summary_ja="髙橋係長・①②③を実施")],
                                encoding="cp932"))
    assert parsed.entries[0].summary_ja == "髙橋係長・①②③を実施"


def test_what_shift_jis_cannot_hold_is_not_a_change():
    # 〜 (U+301C) comes back from a cp932 file as ～ (U+FF5E), an em dash as ―, 𠮷 as 〓.
    existing = [{"fiscal_year": 2021, "status": "in_progress", "rating": "B",
                 "summary_ja": "4月〜6月に実施—完了（𠮷野）", "summary_en": ""}]
    data = build([row(27, 2021, summary_ja="4月～6月に実施―完了（〓野）")], encoding="cp932")
    parsed = parse(data)
    result = changes.compute_changes(parsed.entries, _current(existing), parsed.encoding)
    assert result.changes == [] and result.unchanged_rows == 1
    changed = parse(build([row(27, 2021, summary_ja="4月～7月に実施")], encoding="cp932"))
    result = changes.compute_changes(changed.entries, _current(existing), changed.encoding)
    assert [c.field for c in result.changes] == ["summary_ja"]


def test_utf16_is_refused_with_advice():
    problem = _only_problem(parse(build([row(1, 2021)], encoding="utf-16")))
    assert "UTF-16" in problem.ja and "CSV UTF-8" in problem.en


def test_undecodable_bytes_are_reported():
    problem = _only_problem(parse(b"\x81\xff\xfe\x80" * 3))
    assert "文字コード" in problem.ja and "encoding" in problem.en


# --- headers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ja", "en"])
def test_japanese_and_english_headers(lang):
    parsed = parse(build([row(5, 2022, lang=lang)], lang=lang))
    assert parsed.ok and parsed.header_language == lang
    entry = parsed.entries[0]
    assert (entry.initiative_no, entry.fiscal_year, entry.status, entry.rating) == (
        5, 2022, "in_progress", "B")


def test_columns_in_another_order_are_accepted():
    keys = [c.key for c in PROGRESS_COLUMNS][::-1]
    assert parse(build([row(5, 2022)], columns=keys)).ok


def test_missing_column_is_named():
    keys = [c.key for c in PROGRESS_COLUMNS if c.key != "rating"]
    problem = _only_problem(parse(build([row(5, 2022)], columns=keys)))
    assert problem.row == 1
    assert "進捗評価" in problem.ja and "rating" in problem.en and "Missing" in problem.en


def test_extra_column_is_named():
    keys = [c.key for c in PROGRESS_COLUMNS] + ["備考"]
    problem = _only_problem(parse(build([row(5, 2022)], columns=keys)))
    assert problem.header == "備考" and "Unknown column" in problem.en
    assert problem.message("ja").startswith("1行目「備考」列")


def test_duplicate_header():
    keys = [c.key for c in PROGRESS_COLUMNS] + ["status"]
    problem = _only_problem(parse(build([row(5, 2022)], columns=keys)))
    assert problem.column == "status" and "Duplicate column" in problem.en


# --- rows ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, column_ja, en", [
    ("fiscal_year", "2027", "年度", "between 2021 and 2026"),
    ("fiscal_year", "2020", "年度", "between 2021 and 2026"),
    ("status", "done", "実施状況", "Status must be one of"),
    ("rating", "S", "進捗評価", "Rating must be one of"),
    ("initiative_no", "40", "取組番号", "between 1 and 39"),
    ("sample", "maybe", "サンプルデータ", "true or false"),
])
def test_bad_cell_names_row_and_column(field, value, column_ja, en):
    rows = [row(1, 2021), row(2, 2021)]
    rows[1][field] = value
    problems = parse(build(rows)).problems
    assert problems, "a bad cell must be reported"
    problem = next(p for p in problems if p.column == field)
    assert problem.row == 3 and problem.header == column_ja
    assert en in problem.en
    assert problem.message("ja").startswith(f"3行目「{column_ja}」列: ")
    assert problem.message("en").startswith(f"Row 3, column \"{column_ja}\": ")


def test_empty_required_cell():
    rows = [row(1, 2021, status="")]
    problem = next(p for p in parse(build(rows)).problems if p.column == "status")
    assert problem.row == 2 and "必須" in problem.ja and "required" in problem.en


def test_empty_summary_is_allowed():
    assert parse(build([row(1, 2021, summary_ja="", summary_en="")])).ok


def test_duplicate_rows_name_the_first_row():
    rows = [row(3, 2022), row(4, 2022), row(3, 2022, rating="A")]
    problem = _only_problem(parse(build(rows)))
    assert problem.row == 4 and "row 2" in problem.en and "2行目" in problem.ja


@pytest.mark.parametrize("field, value", [
    ("id", "131032JK003-2021"), ("initiative_id", "131032JK099"), ("lg_code", "131016"),
    ("fiscal_year_label", "令和4年度"), ("lg_name", "千代田区")])
def test_identity_columns_must_agree(field, value):
    problem = _only_problem(parse(build([row(3, 2023, **{field: value})])))
    assert problem.column == field and problem.row == 2


def test_labels_and_codes_of_status_both_work():
    rows = [row(1, 2021, status="completed"), row(2, 2021, status="in_progress", lang="en")]
    rows[0]["status"] = "完了"
    parsed = parse(build(rows))
    assert [e.status for e in parsed.entries] == ["completed", "in_progress"]


def test_excel_booleans_and_trailing_blank_rows():
    data = build([row(1, 2021, sample="TRUE"), row(2, 2021, sample="FALSE")]) + b",,,,\r\n\r\n"
    parsed = parse(data)
    assert parsed.ok and [e.sample for e in parsed.entries] == [True, False]
    assert parsed.data_rows == 2


def test_multiline_cells_keep_the_spreadsheet_row_numbers():
    rows = [row(1, 2021, summary_ja="一行目\n二行目"), row(2, 2021, rating="Z")]
    problem = _only_problem(parse(build(rows)))
    assert problem.row == 3
    assert parse(build(rows[:1])).entries[0].summary_ja == "一行目\n二行目"


def test_too_few_and_too_many_cells():
    text = build([row(1, 2021)]).decode("utf-8-sig").rstrip("\r\n")
    short = text.rsplit(",", 3)[0] + "\r\n"
    long = text + ",余分\r\n"
    assert any("Too few cells" in p.en for p in parse(short.encode()).problems)
    assert any("without a header" in p.en for p in parse(long.encode()).problems)


def test_broken_quoting_is_reported_not_raised():
    data = build([row(1, 2021)]) + '131032,"131032JK002-2021,港区\r\n'.encode()
    problems = parse(data).problems
    assert any("quote" in p.en for p in problems)


def test_size_limits():
    data = full_file()
    assert any("too large" in p.en for p in parse(data, max_bytes=1000).problems)
    assert any("Too many rows" in p.en for p in parse(data, max_rows=10).problems)
    big = build([row(1, 2021, summary_ja="あ" * 50)])
    problem = _only_problem(parse(big, max_cell_chars=20))
    assert problem.column == "summary_ja" and "too long" in problem.en


def test_oversized_cell_beyond_the_csv_module_limit():
    data = build([row(1, 2021, summary_ja="x" * 200_000)])
    assert not parse(data).ok


@pytest.mark.parametrize("data, en", [(b"", "empty"), (b"\r\n\r\n", "empty"),
                                      (build([]), "no data rows"), (b"a\x00b", "NUL")])
def test_empty_and_binary_files(data, en):
    assert en in _only_problem(parse(data)).en


def test_control_characters_are_refused():
    problem = _only_problem(parse(build([row(1, 2021, summary_en="bad\x07bell")])))
    assert problem.column == "summary_en"


def test_full_file_of_39_by_6():
    parsed = parse(full_file())
    assert parsed.ok and len(parsed.entries) == 234 and parsed.data_rows == 234


# --- change set ---------------------------------------------------------------------------------

def _current(progress=None, number=27):
    return {number: {"name": f"minato-plan-initiative-{number:02d}",
                     "metadata_modified": "2024-01-01T00:00:00.000001",
                     "progress": progress or []}}


def test_new_fiscal_year_lists_each_field_from_nothing():
    entries = parse(build([row(27, 2023, summary_ja="公開")])).entries
    result = changes.compute_changes(entries, _current())
    assert {(c.field, c.old, c.new) for c in result.changes} == {
        ("status", None, "in_progress"), ("rating", None, "B"), ("summary_ja", None, "公開"),
        ("summary_en", None, "")}
    assert result.progress["minato-plan-initiative-27"] == [
        {"fiscal_year": 2023, "status": "in_progress", "rating": "B", "summary_ja": "公開",
         "summary_en": "", "challenges_ja": "", "challenges_en": "", "next_steps_ja": "",
         "next_steps_en": "", "evidence_urls": "", "sample": False}]
    assert result.versions == {"minato-plan-initiative-27": "2024-01-01T00:00:00.000001"}


def test_only_changed_fields_are_listed_and_other_years_kept():
    existing = [{"fiscal_year": 2022, "status": "under_study", "rating": "-"},
                {"fiscal_year": 2023, "status": "in_progress", "rating": "C",
                 "summary_ja": "試行", "summary_en": "Pilot", "sample": True}]
    entries = parse(build([row(27, 2023, rating="B", summary_ja="試行",
                                      summary_en="Pilot", sample="false")])).entries
    result = changes.compute_changes(entries, _current(existing))
    assert [(c.fiscal_year, c.field, c.old, c.new) for c in result.changes] == [
        (2023, "rating", "C", "B"), (2023, "sample", True, False)]
    new = result.progress["minato-plan-initiative-27"]
    assert [e["fiscal_year"] for e in new] == [2022, 2023]
    assert new[0]["status"] == "under_study"


def test_identical_rows_change_nothing():
    existing = [{"fiscal_year": 2023, "status": "in_progress", "rating": "B",
                 "summary_ja": "", "summary_en": ""}]
    entries = parse(build([row(27, 2023)])).entries
    result = changes.compute_changes(entries, _current(existing))
    assert result.changes == [] and result.progress == {} and result.unchanged_rows == 1


def test_initiative_missing_from_the_portal():
    entries = parse(build([row(5, 2023)])).entries
    result = changes.compute_changes(entries, _current())
    problem = result.problems[0]
    assert problem.row == 2 and "does not exist" in problem.en


def test_entries_round_trip_through_plain_values_with_revalidation():
    entry = parse(build([row(27, 2023)])).entries[0]
    assert upload.Entry.from_dict(entry.as_dict(), load_plan()) == entry
    with pytest.raises(ValueError):
        upload.Entry.from_dict(dict(entry.as_dict(), rating="Z"), load_plan())


def test_problems_csv_opens_in_excel_and_defuses_formulas():
    problems = parse(build([row(1, 2021, rating="=1+1")])).problems
    data = upload.problems_csv(problems)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["行", "列", "エラー", "row", "column", "error"]
    assert rows[1][0] == "2" and rows[1][1] == "進捗評価"
    assert all(not cell.startswith("=") for r in rows for cell in r)


def test_apostrophe_of_the_download_is_removed():
    # The download writes "'-3%" for a summary starting with "-" (not a formula in Excel).
    parsed = parse(build([row(1, 2021, summary_ja="'-3%の削減", summary_en="'=SUM")]))
    assert (parsed.entries[0].summary_ja, parsed.entries[0].summary_en) == ("-3%の削減", "=SUM")


# --- the yearly narrative -----------------------------------------------------------------------

def test_the_narrative_columns_are_read_and_evidence_kept_one_link_per_line():
    data = build([row(27, 2023, challenges_ja="人手不足", challenges_en="Staffing",
                      next_steps_ja="委託を検討", next_steps_en="Consider outsourcing",
                      evidence_urls="https://www.city.minato.tokyo.jp/a.html "
                                    "https://www.city.minato.tokyo.jp/b.pdf")], lang="en")
    entry = parse(data).entries[0]
    assert (entry.challenges_ja, entry.challenges_en) == ("人手不足", "Staffing")
    assert (entry.next_steps_ja, entry.next_steps_en) == ("委託を検討", "Consider outsourcing")
    assert entry.evidence_urls == ("https://www.city.minato.tokyo.jp/a.html\n"
                                   "https://www.city.minato.tokyo.jp/b.pdf")
    assert upload.Entry.from_dict(entry.as_dict(), load_plan()) == entry


@pytest.mark.parametrize("value", ["www.city.minato.tokyo.jp", "javascript:alert(1)",
                                   "https://ok.example/ ftp://files.example/x"])
def test_an_evidence_link_that_is_no_web_address_names_its_row_column_and_position(value):
    rows = [row(1, 2021), row(2, 2021, evidence_urls=value)]
    problem = next(p for p in parse(build(rows)).problems if p.column == "evidence_urls")
    assert problem.row == 3 and problem.header == "根拠資料URL"
    assert "http://" in problem.ja and "http://" in problem.en
    position = len(value.split())
    assert f"{position}件目" in problem.ja and f"Evidence link {position}" in problem.en


def test_a_file_without_the_narrative_columns_keeps_the_stored_narrative():
    keys = [c.key for c in PROGRESS_COLUMNS if c.key not in upload.OPTIONAL_COLUMNS]
    existing = [{"fiscal_year": 2023, "status": "in_progress", "rating": "B",
                 "summary_ja": "", "summary_en": "", "challenges_ja": "予算",
                 "next_steps_en": "Scale up", "evidence_urls": "https://a.example/r"}]
    parsed = parse(build([row(27, 2023, rating="A")], columns=keys))
    assert parsed.ok and parsed.entries[0].challenges_ja is None
    result = changes.compute_changes(parsed.entries, _current(existing))
    assert [(c.field, c.old, c.new) for c in result.changes] == [("rating", "B", "A")]
    stored = result.progress["minato-plan-initiative-27"][0]
    assert (stored["challenges_ja"], stored["next_steps_en"], stored["evidence_urls"]) == (
        "予算", "Scale up", "https://a.example/r")


def test_a_narrative_written_in_the_file_replaces_the_stored_one_field_by_field():
    existing = [{"fiscal_year": 2023, "status": "in_progress", "rating": "B",
                 "challenges_ja": "予算"}]
    entries = parse(build([row(27, 2023, challenges_ja="", next_steps_ja="拡大")])).entries
    result = changes.compute_changes(entries, _current(existing))
    assert [(c.field, c.old, c.new) for c in result.changes] == [
        ("challenges_ja", "予算", ""), ("next_steps_ja", "", "拡大")]
