"""Property-based tests (hypothesis) of the progress CSV parser and validator: random bytes,
mixed encodings, broken quoting, huge cells and rows never raise; every problem names where it
is; a file is either fully valid or yields no entries to apply. Pure: no CKAN.

The all-or-nothing apply against the real database is fuzzed in
tests/logic/test_progress_upload_fuzz.py."""
from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ckanext.minato_plan.domain.progress_upload import parsing as upload
from ckanext.minato_plan.domain.tables.columns import PROGRESS_COLUMNS

from support.progress_csv import build, row

from ckanext.minato_plan.domain.plan import load_plan  # noqa: E402


def parse(data, **limits):
    """The upload's parse, for the initiatives of the plan the package carries."""
    return upload.parse(data, load_plan(), **limits)

FUZZ = settings(max_examples=400, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
LIMITS = {"max_bytes": 200_000, "max_rows": 300, "max_cell_chars": 2_000}


def check_invariants(data: bytes) -> upload.ParsedUpload:
    parsed = parse(data, **LIMITS)  # must not raise
    for problem in parsed.problems:
        assert problem.ja and problem.en
        assert problem.message("ja") and problem.message("en")
        assert problem.row is None or problem.row >= 1
        assert problem.column is None or problem.column in {c.key for c in PROGRESS_COLUMNS}
    for entry in parsed.entries:
        assert 1 <= entry.initiative_no <= 39 and 2021 <= entry.fiscal_year <= 2026
        assert upload.Entry.from_dict(entry.as_dict(), load_plan()) == entry
    assert upload.problems_csv(parsed.problems).startswith(b"\xef\xbb\xbf")
    return parsed


VALID = build([row(1, 2021), row(2, 2022, summary_ja="説明会を開催", summary_en="Briefing"),
               row(3, 2023, status="completed", rating="A")])


@FUZZ
@given(st.binary(max_size=4_000))
def test_random_bytes(data):
    check_invariants(data)


@FUZZ
@given(st.binary(max_size=2_000))
def test_random_bytes_after_a_valid_header(data):
    header = VALID.split(b"\r\n", 1)[0] + b"\r\n"
    check_invariants(header + data)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID)), st.binary(min_size=0, max_size=8)),
                max_size=10))
def test_byte_mutations_of_a_valid_file(edits):
    data = bytearray(VALID)
    for position, chunk in edits:
        position = min(position, len(data))
        data[position:position + len(chunk) // 2] = chunk
    parsed = check_invariants(bytes(data))
    if not edits:
        assert parsed.ok and len(parsed.entries) == 3


@FUZZ
@given(st.lists(st.sampled_from(["utf-8", "utf-8-sig", "cp932"]), min_size=2, max_size=4),
       st.text(alphabet="あいう髙①〜—𠮷\"',\n\r abcＡＢ", max_size=40))
def test_mixed_encodings_in_one_file(encodings, text):
    rows = [row(n + 1, 2021, summary_ja=text) for n in range(len(encodings))]
    lines = build(rows, encoding="utf-8").split(b"\r\n")
    header, body = lines[0], [line for line in lines[1:] if line]
    parts = [header]
    for encoding, line in zip(encodings, body):
        try:
            parts.append(line.decode("utf-8").encode(encoding, errors="replace"))
        except UnicodeEncodeError:
            parts.append(line)
    check_invariants(b"\r\n".join(parts))


@FUZZ
@given(st.lists(st.integers(0, len(VALID)), max_size=6),
       st.sampled_from(['"', '""', '"\r\n', ',"', '"x"y', '\r', '\n"']))
def test_broken_quoting(positions, fragment):
    text = VALID.decode("utf-8-sig")
    for position in sorted(positions, reverse=True):
        text = text[:position] + fragment + text[position:]
    check_invariants(text.encode("utf-8"))


@FUZZ
@given(st.integers(0, 12), st.integers(1, 300_000), st.sampled_from(list(range(13))))
def test_huge_cells(row_index, size, column_index):
    rows = [row(n, 2021) for n in range(1, 13)]
    key = PROGRESS_COLUMNS[column_index].key
    if row_index < len(rows):
        rows[row_index][key] = "長" * size
    parsed = check_invariants(build(rows))
    if size > LIMITS["max_cell_chars"] and row_index < len(rows):
        assert not parsed.ok


@FUZZ
@given(st.integers(14, 5_000), st.integers(1, 400))
def test_huge_rows_and_many_rows(width, count):
    rows = [row(1 + n % 39, 2021 + n % 6) for n in range(count)]
    text = build(rows).decode("utf-8-sig").split("\r\n")
    text[min(1, len(text) - 1)] += "," * (width - 13) + "x"
    parsed = check_invariants("\r\n".join(text).encode("utf-8"))
    assert not parsed.ok


@FUZZ
@given(st.lists(st.lists(st.text(max_size=30), min_size=0, max_size=16), max_size=20),
       st.booleans())
def test_arbitrary_well_quoted_tables(cells, english):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header("en" if english else "ja") for c in PROGRESS_COLUMNS])
    writer.writerows(cells)
    parsed = check_invariants(out.getvalue().encode("utf-8"))
    # a file with problems is never partly applicable: the action stores no entries then
    assert parsed.ok or parsed.problems


@FUZZ
@given(st.lists(st.tuples(st.integers(-2, 42), st.integers(2019, 2028),
                          st.sampled_from(["in_progress", "完了", "Completed", "done", ""]),
                          st.sampled_from(["A", "B", "C", "-", "S", "", "ａ"]),
                          st.sampled_from(["true", "false", "TRUE", "", "maybe"])),
                max_size=15))
def test_every_bad_row_is_reported_at_its_row(rows):
    data = build([row(n, fy, status=s, rating=r, sample=smp) for n, fy, s, r, smp in rows])
    parsed = check_invariants(data)
    good_keys = set()
    for index, (n, fy, s, r, smp) in enumerate(rows, start=2):
        valid = (1 <= n <= 39 and 2021 <= fy <= 2026 and s not in ("done", "")
                 and r in ("A", "B", "C", "-") and smp in ("true", "false", "TRUE"))
        duplicate = valid and (n, fy) in good_keys
        if valid:
            good_keys.add((n, fy))
        if not valid or duplicate:
            assert any(p.row == index for p in parsed.problems), (index, rows[index - 2])
    if not rows:
        assert not parsed.ok  # no data rows
