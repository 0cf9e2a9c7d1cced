"""The downloadable tables built from initiative metadata (pure, milliseconds)."""
import decimal

import pytest

from ckanext.minato_plan.domain import records
from ckanext.minato_plan.domain.tables import columns, csv_safety
from ckanext.minato_plan.domain.tables import rows as table_rows
from ckanext.minato_plan.domain.plan import load_plan


def _initiatives():
    pkgs = records.initiative_dataset_dicts(load_plan())
    pkgs[26]["progress"] = [  # initiative 27
        {"fiscal_year": 2023, "status": "in_progress", "rating": "B",
         "summary_ja": "API公開", "summary_en": "API published", "sample": False},
        {"fiscal_year": "2021", "status": "under_study", "rating": "-", "sample": "true"},
    ]
    pkgs[1]["indicators"] = [{"name_ja": "手続数", "name_en": "Procedures", "unit": "件",
                              "baseline": "-3.50", "baseline_fiscal_year": "2020",
                              "target_2021": "10", "actual_2021": "12.25"}]
    return list(reversed(pkgs))  # the builders sort by initiative number


def test_progress_columns_follow_the_contract_with_the_upload():
    assert [(c.key, c.ja) for c in columns.PROGRESS_COLUMNS] == [
        ("lg_code", "全国地方公共団体コード"), ("id", "ID"), ("lg_name", "地方公共団体名"),
        ("initiative_id", "取組ID"), ("initiative_no", "取組番号"), ("initiative_name", "取組名"),
        ("fiscal_year", "年度"), ("fiscal_year_label", "年度表記"), ("status", "実施状況"),
        ("rating", "進捗評価"), ("summary_ja", "実績の概要"), ("summary_en", "実績の概要（英語）"),
        ("challenges_ja", "課題"), ("challenges_en", "課題（英語）"),
        ("next_steps_ja", "今後の方向性"), ("next_steps_en", "今後の方向性（英語）"),
        ("evidence_urls", "根拠資料URL"), ("sample", "サンプルデータ")]
    for column in columns.PROGRESS_COLUMNS:
        assert column.en == column.key and column.type and column.description_ja \
            and column.description_en


@pytest.mark.parametrize("table", list(columns.TABLES.values()), ids=list(columns.TABLES))
def test_every_table_starts_with_the_standard_columns_and_has_unique_headers(table):
    assert table.headers("ja")[:3] == ["全国地方公共団体コード", "ID", "地方公共団体名"]
    assert table.headers("en")[:3] == ["lg_code", "id", "lg_name"]
    for lang in ("ja", "en"):
        assert len(set(table.headers(lang))) == len(table.columns)


def test_structure_has_one_row_per_initiative_in_plan_order_with_its_place_and_status():
    rows = list(table_rows.rows("structure", _initiatives(), "ja", load_plan()))
    assert [r["initiative_no"] for r in rows] == list(range(1, 40))
    assert len({r["id"] for r in rows}) == 39
    r27 = rows[26]
    assert r27["id"] == "131032JK027" and r27["lg_code"] == "131032" and r27["lg_name"] == "港区"
    assert (r27["guideline_no"], r27["measure_code"]) == (2, "2-1")
    assert r27["measure_name"] == "区民一人ひとりとのコミュニケーションの向上"
    assert r27["new_or_continued"] == "継続"
    assert (r27["latest_fiscal_year"], r27["latest_status"], r27["latest_rating"]) == (
        2023, "実施中", "B")
    assert rows[27]["plan_page"] is None  # initiative 28: page unknown, left empty
    assert rows[0]["latest_status"] is None  # no progress recorded
    en = list(table_rows.rows("structure", _initiatives(), "en", load_plan()))[26]
    assert (en["lg_name"], en["new_or_continued"], en["latest_status"]) == (
        "Minato City", "continued", "in_progress")
    assert en["initiative_name"] == load_plan().initiative(27).title.en


def test_structure_gives_the_department_staff_entered_and_nothing_where_none_was():
    pkgs = _initiatives()
    by_no = {int(p["initiative_no"]): p for p in pkgs}
    by_no[32]["department_translated"] = {"ja": "情報政策課", "en": "Information Policy Division"}
    by_no[32]["department_email"] = "joho@example.jp"
    by_no[5]["department_translated"] = '{"ja": "総務課"}'
    for lang, name_32, name_5 in (("ja", "情報政策課", "総務課"),
                                  ("en", "Information Policy Division", "総務課")):
        rows = list(table_rows.rows("structure", pkgs, lang, load_plan()))
        assert (rows[31]["department"], rows[31]["department_email"]) == (
            name_32, "joho@example.jp")
        assert (rows[4]["department"], rows[4]["department_email"]) == (name_5, None)
        assert [r["department"] for r in rows].count(None) == 37  # never invented


def test_progress_has_one_row_per_initiative_and_year_sorted_with_stable_ids():
    rows = list(table_rows.rows("progress", _initiatives(), "ja", load_plan()))
    assert [r["id"] for r in rows] == ["131032JK027-2021", "131032JK027-2023"]
    first = rows[0]
    assert (first["fiscal_year"], first["fiscal_year_label"], first["status"], first["rating"],
            first["sample"]) == (2021, "令和3年度", "検討中", "-", True)
    assert rows[1]["summary_en"] == "API published" and rows[1]["sample"] is False
    en = list(table_rows.rows("progress", _initiatives(), "en", load_plan()))
    assert (en[0]["fiscal_year_label"], en[0]["status"]) == ("FY2021", "under_study")


def test_indicators_have_one_row_per_indicator_and_fiscal_year_with_exact_numbers():
    rows = list(table_rows.rows("indicators", _initiatives(), "ja", load_plan()))
    assert len(rows) == 6
    assert rows[0]["id"] == "131032JK002-I01-2021" and rows[0]["indicator_id"] == "131032JK002-I01"
    assert rows[0]["baseline"] == decimal.Decimal("-3.50")
    assert (rows[0]["target"], rows[0]["actual"]) == (decimal.Decimal("10"),
                                                      decimal.Decimal("12.25"))
    assert rows[5]["fiscal_year"] == 2026 and rows[5]["target"] is None
    # (12.25 - -3.50) / (10 - -3.50) = 116.7 %
    assert rows[0]["achievement_percent"] == decimal.Decimal("116.7")
    assert rows[0]["judgement"] == "A" and rows[5]["judgement"] is None


@pytest.mark.parametrize("lang, kind, direction", [("ja", "成果指標", "低いほど良い"),
                                                   ("en", "outcome", "lower")])
def test_indicator_rows_give_kind_direction_target_year_date_source_and_judgement(
        lang, kind, direction):
    pkgs = records.initiative_dataset_dicts(load_plan())
    pkgs[4]["indicators"] = [{"name_ja": "待ち時間", "kind": "outcome", "direction": "lower",
                              "target_fiscal_year": "2026"}]
    pkgs[4]["indicator_values"] = [{"indicator": 1, "fiscal_year": 2024, "target": "10",
                                    "actual": "14", "as_of": "2025-03-31", "source": "窓口調査"}]
    rows = list(table_rows.rows("indicators", pkgs, lang, load_plan()))
    row = next(r for r in rows if r["fiscal_year"] == 2024)
    assert (row["kind"], row["direction"], row["target_fiscal_year"]) == (kind, direction, 2026)
    assert (row["actual_as_of"], row["actual_source"]) == ("2025-03-31", "窓口調査")
    assert row["achievement_percent"] == decimal.Decimal("71.4") and row["judgement"] == "C"
    table = columns.INDICATORS
    for key in ("kind", "direction", "judgement"):
        allowed = table.column(key).enum_ja if lang == "ja" else table.column(key).enum_en
        assert row[key] in allowed


@pytest.mark.parametrize("value", [
    "=1+1", "+81", "-", "-5", "@SUM(A1)", "\t=1", "\r=1", "'=1", "''-x", "'abc", "abc", "",
    "=", "'", "''", "実施中", "- 箇条書き",
])
def test_neutralised_text_cells_restore_exactly(value):
    written = csv_safety.neutralise_cell(value)
    assert csv_safety.restore_cell(written) == value
    if value.lstrip("'")[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert written.startswith("'")  # a spreadsheet shows it as text, never runs it


def test_rating_dash_and_negative_numbers_are_kept_as_data():
    rating = columns.PROGRESS.column("rating")
    assert csv_safety.neutralise_cell("-", rating) == "-"
    baseline = columns.INDICATORS.column("baseline")
    assert csv_safety.neutralise_cell("-3.5", baseline) == "-3.5"
    summary = columns.PROGRESS.column("summary_ja")
    assert csv_safety.neutralise_cell("-", summary) == "'-"  # free text: neutralised
    assert csv_safety.neutralise_cell("-1+cmd", baseline) == "'-1+cmd"  # not a number


@pytest.mark.parametrize("table", list(columns.TABLES))
def test_rows_hold_exactly_the_columns_in_order(table):
    for row in table_rows.rows(table, _initiatives(), "ja", load_plan()):
        assert list(row) == [c.key for c in columns.TABLES[table].columns]
