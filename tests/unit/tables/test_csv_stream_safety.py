"""Formula neutralisation of a CSV/TSV text as it streams (the DataStore dumps): the same rule as
the /plan-data files, applied to PostgreSQL's CSV output."""
from __future__ import annotations

import csv
import io

import pytest

from ckanext.minato_plan.domain.tables import columns, csv_safety
from ckanext.minato_plan.domain.tables.csv_safety import CellRule, neutralise_csv

RULES = {"n": CellRule(numeric=True), "rating": CellRule(allowed=("-",))}

# As CKAN's dump writes it: the header by Python's csv module (CRLF), the rows by PostgreSQL's
# COPY … csv (LF; NULL bare and empty, an empty string quoted).
DUMP = ('_id,n,rating,t\r\n'
        '1,-2,-,"=HYPERLINK(""http://x"")"\n'
        '2,,"",+1\n'
        '3,-1e5,-,"a\n=b"\n'
        '4,12.5,A,"@SUM(A1)"\n'
        '5,"-3",-,-2\n'
        '6,=1,@,"\t=1"\n'
        "7,,,'=already\n")


def _cells(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _run(text: str, delimiter: str = ",", pieces: int = 1) -> str:
    size = max(1, len(text) // pieces)
    chunks = [text[i:i + size] for i in range(0, len(text), size)]
    return "".join(neutralise_csv(chunks, delimiter, RULES))


def test_formula_cells_get_an_apostrophe_numbers_and_closed_values_stay():
    rows = _cells(_run(DUMP))
    assert rows[0] == ["_id", "n", "rating", "t"]
    by_id = {row[0]: row[1:] for row in rows[1:]}
    assert by_id["1"] == ["-2", "-", '\'=HYPERLINK("http://x")']
    assert by_id["2"] == ["", "", "'+1"]
    assert by_id["3"] == ["-1e5", "-", "a\n=b"]  # a formula sign inside a cell is not a formula
    assert by_id["4"] == ["12.5", "A", "'@SUM(A1)"]
    assert by_id["5"] == ["-3", "-", "'-2"]  # -2 in a text column is neutralised
    assert by_id["6"] == ["'=1", "'@", "'\t=1"]  # not a number; not a closed value
    assert by_id["7"] == ["", "", "''=already"]


def test_every_neutralised_cell_restores_exactly():
    original, written = _cells(DUMP), _cells(_run(DUMP))
    for row_in, row_out in zip(original[1:], written[1:]):
        assert [csv_safety.restore_cell(c) for c in row_out] == row_in


def test_records_without_a_formula_are_kept_character_for_character():
    plain = '_id,n,t\r\n1,-2,abc\n2,,""\n3,"x,y","say ""hi"""\n'
    assert _run(plain) == plain
    out = _run(DUMP)
    assert '\n2,,"",\'+1\n' in out  # the empty string stays quoted, NULL stays bare
    assert '"\'=HYPERLINK(""http://x"")"' in out


@pytest.mark.parametrize("pieces", [2, 3, 7, 50, len(DUMP)])
def test_chunk_boundaries_do_not_matter(pieces):
    assert _run(DUMP, pieces=pieces) == _run(DUMP)


def test_tsv_and_a_bom():
    tsv = '\ufeff_id\tn\tt\r\n1\t-4\t"\t=cmd"\n2\t5\t+81\n'
    out = "".join(neutralise_csv([tsv], "\t", RULES))
    assert out.startswith("\ufeff_id\tn\tt\r\n")
    assert _cells(out.lstrip("\ufeff"), "\t")[1:] == [["1", "-4", "'\t=cmd"], ["2", "5", "'+81"]]


def test_header_cells_are_text_and_name_the_rules():
    out = _run('=cmd,n\r\n-1,-1\n')
    assert _cells(out) == [["'=cmd", "n"], ["'-1", "-1"]]


def test_stray_quotes_are_judged_without_them():
    out = _run('_id,t\r\n1,"=1"x\n2,a"b\n')
    assert _cells(out)[1][1].startswith("'") and out.endswith('\n2,a"b\n')


def test_the_plan_columns_rule_is_the_files_rule():
    rating = columns.PROGRESS.column("rating")
    baseline = columns.INDICATORS.column("baseline")
    rules = {"rating": csv_safety.column_rule(rating, "en"),
             "baseline": csv_safety.column_rule(baseline, "en")}
    out = "".join(neutralise_csv(['rating,baseline\r\n-,-3.5\n-,=1\n'], ",", rules))
    assert _cells(out)[1:] == [[csv_safety.neutralise_cell("-", rating, "en"), "-3.5"],
                               ["-", "'=1"]]
