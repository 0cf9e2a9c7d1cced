"""The progress upload names the encodings it does not read (ISO-2022-JP, EUC-JP, UTF-16,
UTF-32), judges cells with the same free-text rule as the API and forms, and keeps a bounded
list of problems (pure: no CKAN)."""
import pytest

from ckanext.minato_plan.domain import rules
from ckanext.minato_plan.domain.progress_upload import parsing as upload

from support.progress_csv import build, full_file, row

from ckanext.minato_plan.domain.plan import load_plan  # noqa: E402


def parse(data, **limits):
    """The upload's parse, for the initiatives of the plan the package carries."""
    return upload.parse(data, load_plan(), **limits)

JAPANESE = [row(27, 2023, summary_ja="オープンデータを公開した（年度末）")]


def _only_problem(parsed):
    assert len(parsed.problems) == 1, [p.message("en") for p in parsed.problems]
    return parsed.problems[0]


@pytest.mark.parametrize("data, name", [
    (build(JAPANESE, encoding="iso2022_jp"), "ISO-2022-JP"),
    (build(JAPANESE, lang="en", encoding="iso2022_jp"), "ISO-2022-JP"),
    (build(JAPANESE, encoding="euc_jp"), "EUC-JP"),
    (build(JAPANESE, lang="en", encoding="euc_jp"), "EUC-JP"),
    (build(JAPANESE, encoding="utf-16"), "UTF-16"),
    (build(JAPANESE, encoding="utf-16-le"), "UTF-16"),
    (build(JAPANESE, encoding="utf-16-be"), "UTF-16"),
    (build(JAPANESE, lang="en", encoding="utf-16-le"), "UTF-16"),
    (build(JAPANESE, encoding="utf-32"), "UTF-32"),
])
def test_other_encodings_are_one_clear_error(data, name):
    problem = _only_problem(parse(data))
    assert problem.row is None and problem.column is None
    assert problem.ja.startswith(f"ファイルの文字コードが {name} です。UTF-8 か Shift_JIS（cp932）で"
                                 f"保存してください")
    assert problem.en.startswith(f"The file is encoded in {name}. Save it as UTF-8 or Shift_JIS "
                                 f"(cp932)")


@pytest.mark.parametrize("encoding, detected", [
    ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"), ("cp932", "cp932")])
def test_the_whole_plan_in_each_supported_encoding_is_not_mistaken(encoding, detected):
    parsed = parse(full_file(encoding=encoding))
    assert parsed.ok and parsed.encoding == detected


def test_shift_jis_half_width_katakana_is_still_shift_jis():
    data = build([row(27, 2023, summary_ja="ﾃﾞｰﾀｦｺｳｶｲｼﾀ（ﾊﾝｶｸ）")], encoding="cp932")
    parsed = parse(data)
    assert parsed.ok and parsed.encoding == "cp932"
    assert parsed.entries[0].summary_ja == "ﾃﾞｰﾀｦｺｳｶｲｼﾀ（ﾊﾝｶｸ）"


def test_a_utf16_mark_followed_by_nul_is_utf16():
    assert "UTF-16" in _only_problem(parse(b"\xff\xfe\x00\x00garbage")).en


def test_a_stray_nul_is_not_taken_for_utf16():
    assert "NUL" in _only_problem(parse(b"a\x00b")).en


@pytest.mark.parametrize("value, code", [
    ("NUL\x00here", None), ("本文\ufeffの途中", "U+FEFF"), ("abc\u202edcba", "U+202E"),
    ("x\u2067y", "U+2067"), ("c1\x85", "U+0085")])
def test_cells_follow_the_rule_of_the_api(value, code):
    parsed = parse(build([row(1, 2021, summary_en=value)]))
    if code is None:  # a NUL anywhere makes the file not a CSV file
        assert "NUL" in _only_problem(parsed).en
        return
    problem = _only_problem(parsed)
    assert problem.column == "summary_en" and problem.row == 2
    with pytest.raises(rules.FieldError) as err:
        rules.free_text(value, 4000, "セル", "The cell")
    assert (problem.ja, problem.en) == (err.value.ja, err.value.en)
    assert code in problem.en and code in problem.ja


def test_long_cells_follow_the_rule_of_the_api():
    problem = _only_problem(parse(build([row(1, 2021, summary_ja="あ" * 50)]),
                                         max_cell_chars=20))
    assert problem.en == "The cell is too long (50 characters, at most 20)."


def test_problems_are_capped_with_how_many_more():
    bad = [row(1 + n % 39, 2021 + n // 39 % 6, status="??", rating="?") for n in range(234)]
    parsed = parse(build(bad))
    assert len(parsed.problems) == 468
    kept = upload.capped(parsed.problems, 100)
    assert len(kept) == 101 and kept[:100] == parsed.problems[:100]
    assert kept[-1].row is None
    assert kept[-1].ja.startswith("ほかに368件のエラーがあります（最初の100件だけを表示しています）")
    assert kept[-1].en.startswith("… and 368 more problem(s) (only the first 100 are listed)")
    assert upload.capped(parsed.problems[:100], 100) == parsed.problems[:100]
    assert "ほかに368件" in upload.problems_csv(kept).decode("utf-8-sig")
