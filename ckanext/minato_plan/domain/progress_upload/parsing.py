"""Staff progress upload: decode, parse and validate a progress CSV.

The upload format is the downloadable progress table (年度別進捗):
its columns are :data:`..tables.columns.PROGRESS_COLUMNS`, with the Japanese or the
English headers, encoded as UTF-8 with BOM, UTF-8 or Shift_JIS (cp932), so that a downloaded file
edited in Excel uploads as it is.

Each data row sets the progress of one initiative in one fiscal year (an upsert); fiscal years
absent from the file are left as they are. Every problem names its row (spreadsheet numbering:
the header is row 1) and its column, in Japanese and English.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import re
from typing import Any, Iterable, Mapping, Optional, Sequence

from .. import identifiers, labels, progress, rules
from ..plan import Plan
from ..tables.columns import PROGRESS_COLUMNS
from ..tables.csv_safety import neutralise_cell, restore_cell
from ..text import clean_text

DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_MAX_ROWS = 2_000
DEFAULT_MAX_CELL_CHARS = 4_000
DEFAULT_MAX_PROBLEMS = 100

# The progress fields an upload sets; the other columns identify the row or are derived.
PROGRESS_FIELDS = progress.ENTRY_FIELDS
#: Columns a file may leave out (a file downloaded before they existed): the stored values of
#: an absent column are kept.
OPTIONAL_COLUMNS = tuple(f for f in progress.NARRATIVE_FIELDS
                         if f not in ("summary_ja", "summary_en"))



@dataclasses.dataclass(frozen=True)
class Problem:
    """One reason the file cannot be applied. ``row`` is the spreadsheet row (header = 1), or
    ``None`` for the whole file; ``column`` the column key, ``header`` its name in the file."""

    ja: str
    en: str
    row: Optional[int] = None
    column: Optional[str] = None
    header: Optional[str] = None

    def where(self, lang: str = "ja") -> str:
        parts = []
        if lang == "ja":
            if self.row is not None:
                parts.append(f"{self.row}行目")
            if self.header or self.column:
                parts.append(f"「{self.header or self.column}」列")
            return "".join(parts)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.header or self.column:
            parts.append(f"column \"{self.header or self.column}\"")
        return ", ".join(parts)

    def message(self, lang: str = "ja") -> str:
        where = self.where(lang)
        text = self.ja if lang == "ja" else self.en
        if not where:
            return text
        return f"{where}: {text}" if lang == "ja" else f"{where[0].upper()}{where[1:]}: {text}"

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Problem":
        return cls(**{f.name: data.get(f.name) for f in dataclasses.fields(cls)})


@dataclasses.dataclass(frozen=True)
class Entry:
    """A validated data row: the progress of one initiative in one fiscal year."""

    row: int
    initiative_no: int
    fiscal_year: int
    status: str
    rating: str
    summary_ja: str
    summary_en: str
    sample: bool
    # None: the file has no such column (:data:`OPTIONAL_COLUMNS`), the stored value stays.
    challenges_ja: Optional[str] = None
    challenges_en: Optional[str] = None
    next_steps_ja: Optional[str] = None
    next_steps_en: Optional[str] = None
    evidence_urls: Optional[str] = None

    def progress(self) -> dict[str, Any]:
        return {"fiscal_year": self.fiscal_year,
                **{f: getattr(self, f) for f in PROGRESS_FIELDS}}

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], plan: Plan) -> "Entry":
        """An entry from stored plain values, validated again against ``plan`` (stored data is
        not trusted)."""
        return cls(
            row=int(data["row"]),
            initiative_no=rules.initiative_no(data["initiative_no"], plan),
            fiscal_year=rules.fiscal_year(data["fiscal_year"], plan),
            status=rules.status(data["status"]),
            rating=rules.rating(data["rating"]),
            summary_ja=clean_text(data.get("summary_ja")),
            summary_en=clean_text(data.get("summary_en")),
            sample=rules.boolean(data.get("sample")),
            **_optional_values(data),
        )


@dataclasses.dataclass
class ParsedUpload:
    encoding: Optional[str] = None
    header_language: Optional[str] = None
    data_rows: int = 0
    entries: list[Entry] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _optional_values(values: Mapping[str, Any]) -> dict[str, Optional[str]]:
    """The optional columns' values of a row (None for an absent column); the evidence links
    are checked by :func:`rules.evidence_urls`."""
    out: dict[str, Optional[str]] = {}
    for key in OPTIONAL_COLUMNS:
        value = values.get(key)
        if value is None:
            out[key] = None
        elif key == progress.EVIDENCE_FIELD:
            out[key] = rules.evidence_urls(value)
        else:
            out[key] = clean_text(value)
    return out


class UploadError(ValueError):
    def __init__(self, problem: Problem):
        super().__init__(problem.message("en"))
        self.problem = problem


# --- decoding -----------------------------------------------------------------------------------

def _wrong_encoding(name: str) -> UploadError:
    return UploadError(Problem(
        f"ファイルの文字コードが {name} です。UTF-8 か Shift_JIS（cp932）で保存してください"
        f"（Excelでは「CSV UTF-8（コンマ区切り）」または「CSV（コンマ区切り）」）。",
        f"The file is encoded in {name}. Save it as UTF-8 or Shift_JIS (cp932) (in Excel: "
        f"\"CSV UTF-8 (Comma delimited)\" or \"CSV (Comma delimited)\")."))


#: The escape sequences that switch character sets in ISO-2022-JP (JIS X 0208, JIS X 0212,
#: JIS X 0201 and back to ASCII).
_ISO_2022_JP = re.compile(rb"\x1b(?:\$[@B]|\$\([DOPQ]|\([BJI]|&@)")
_UTF_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
             (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def _bom_encoding(data: bytes) -> Optional[str]:
    """The UTF-16 or UTF-32 encoding a byte order mark names (``FF FE 00 00`` is UTF-32 only
    when the whole file reads as UTF-32; else a UTF-16 mark and a NUL)."""
    for bom, name in _UTF_BOMS:
        if data.startswith(bom):
            if name == "UTF-32":
                try:
                    data.decode("utf-32")
                except UnicodeDecodeError:
                    continue
            return name
    return None


def _utf16_without_bom(data: bytes) -> bool:
    """UTF-16 text without a byte order mark: its ASCII characters (commas, digits, line
    breaks) put NUL bytes on one side of every byte pair."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) >= 4 and min(even, odd) * 10 <= max(even, odd)


def _japanese_letters(text: str) -> int:
    """How many characters of ``text`` are kana, kanji or full-width punctuation (half-width
    katakana not counted: EUC-JP read as Shift_JIS turns into them)."""
    return sum(1 for ch in text if "\u3000" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff"
               or "\uff01" <= ch <= "\uff5e")


def _euc_jp(data: bytes) -> bool:
    """EUC-JP rather than Shift_JIS: readable as EUC-JP and, if Shift_JIS can read it too, more
    Japanese that way (Shift_JIS Japanese text is almost never valid EUC-JP)."""
    try:
        euc = data.decode("euc_jp")
    except UnicodeDecodeError:
        return False
    try:
        sjis = data.decode("cp932")
    except UnicodeDecodeError:
        return True
    return _japanese_letters(euc) > _japanese_letters(sjis)


def decode(data: bytes) -> tuple[str, str]:
    """The text of an uploaded file and the encoding it was read with: UTF-8 with BOM, UTF-8 or
    Shift_JIS (cp932), detected in that order. A file in another Japanese or Unicode encoding
    (UTF-16, UTF-32, ISO-2022-JP, EUC-JP) is refused with its encoding named."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as err:
            raise UploadError(Problem(
                f"BOM付きUTF-8のファイルですが、{err.start + 4}バイト目がUTF-8として読めません。",
                f"The file starts with a UTF-8 byte order mark but byte {err.start + 4} is not "
                f"valid UTF-8."))
    name = _bom_encoding(data)
    if name:
        raise _wrong_encoding(name)
    if _utf16_without_bom(data):
        raise _wrong_encoding("UTF-16")
    if _ISO_2022_JP.search(data):
        raise _wrong_encoding("ISO-2022-JP")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _euc_jp(data):
        raise _wrong_encoding("EUC-JP")
    try:
        return data.decode("cp932"), "cp932"
    except UnicodeDecodeError as err:
        raise UploadError(Problem(
            f"文字コードを判別できません（{err.start + 1}バイト目）。UTF-8（BOM付き可）または"
            f"Shift_JISのCSVファイルをアップロードしてください。",
            f"Cannot tell the file's encoding (byte {err.start + 1}). Upload a CSV file in "
            f"UTF-8 (with or without BOM) or Shift_JIS."))


# --- parsing and validation ---------------------------------------------------------------------

def _header_map(header: Sequence[str]) -> tuple[dict[str, int], Optional[str], list[Problem]]:
    """Column key -> position, the header language, and problems with the header row."""
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    languages: set[str] = set()
    by_ja = {c.ja: c for c in PROGRESS_COLUMNS}
    by_en = {c.en.lower(): c for c in PROGRESS_COLUMNS}
    for index, raw in enumerate(header):
        name = raw.replace("\ufeff", "").strip()
        column = by_ja.get(name)
        if column is not None and column.ja != column.en:
            languages.add("ja")
        elif column is None:
            column = by_en.get(name.lower())
            if column is not None and column.ja != column.en:
                languages.add("en")
        if column is None:
            if name:
                problems.append(Problem(
                    f"不明な列見出しです（{index + 1}列目）。ダウンロードした年度別進捗の列だけを"
                    f"使ってください。", f"Unknown column header (column {index + 1}). Use only "
                    f"the columns of the downloaded progress table.", row=1, header=name))
            else:
                problems.append(Problem(
                    f"{index + 1}列目の見出しが空です。", f"Column {index + 1} has no header.",
                    row=1))
            continue
        if column.key in positions:
            problems.append(Problem(
                f"列見出しが重複しています（{positions[column.key] + 1}列目と{index + 1}列目）。",
                f"Duplicate column header (columns {positions[column.key] + 1} and "
                f"{index + 1}).", row=1, column=column.key, header=name))
            continue
        positions[column.key] = index
    missing = [c for c in PROGRESS_COLUMNS
               if c.key not in positions and c.key not in OPTIONAL_COLUMNS]
    if missing:
        problems.append(Problem(
            "必要な列がありません: " + "、".join(c.ja for c in missing) + "。",
            "Missing columns: " + ", ".join(c.en for c in missing) + ".", row=1))
    language = "mixed" if len(languages) > 1 else (languages.pop() if languages else "en")
    return positions, language, problems


class _RowProblems:
    """The problems of one data row, each naming its column as the file's header does."""

    def __init__(self, row_no: int, positions: dict[str, int], header: list[str]):
        self.row_no, self.positions, self.header = row_no, positions, header
        self.problems: list[Problem] = []

    def add(self, key: Optional[str], ja: str, en: str) -> None:
        if key is None:
            self.problems.append(Problem(ja, en, row=self.row_no))
            return
        name = self.header[self.positions[key]].replace("\ufeff", "").strip()
        self.problems.append(Problem(ja, en, row=self.row_no, column=key, header=name))


def _cell_values(cells: list[str], report: _RowProblems, max_cell_chars: int
                 ) -> dict[str, str]:
    """The row's cells by column key, formula guards removed; an oversized cell or one with
    control characters is reported and read as empty."""
    header = report.header
    if len(cells) > len(header):
        extra = [i + 1 for i in range(len(header), len(cells)) if cells[i].strip()]
        if extra:
            report.add(None, f"見出しのない列に値があります（{'、'.join(map(str, extra))}列目）。",
                       f"Values in columns without a header (column "
                       f"{', '.join(map(str, extra))}).")
    values: dict[str, str] = {}
    for key, index in report.positions.items():
        value = restore_cell(cells[index]) if index < len(cells) else ""
        try:
            rules.free_text(value, max_cell_chars, "セル", "The cell")
        except rules.FieldError as err:
            report.add(key, err.ja, err.en)
            value = ""
        values[key] = value
    if len(cells) < len(header) and any(c.strip() for c in cells):
        report.add(None, f"列が足りません（{len(cells)}列、見出しは{len(header)}列）。",
                   f"Too few cells ({len(cells)}, the header has {len(header)}).")
    for column in PROGRESS_COLUMNS:
        if column.required and column.key in values and not values[column.key].strip():
            report.add(column.key, "必須項目が空です。", "This required cell is empty.")
    return values


def _check_identity(values: dict[str, str], number: Optional[int], fiscal_year: Optional[int],
                    report: _RowProblems, plan: Plan) -> None:
    """The derived cells (municipality, IDs, fiscal year label) must agree with the initiative
    number and fiscal year of the row."""
    code, name = plan.municipality_code, plan.municipality_name
    lg_code = values.get("lg_code", "").strip()
    if lg_code and lg_code != code:
        report.add("lg_code", f"全国地方公共団体コードは{code}（{name.ja}）です（入力値: {lg_code!r}）。",
                   f"The municipality code must be {code} ({name.en}) (got {lg_code!r}).")
    lg_name = values.get("lg_name", "").strip()
    if lg_name and lg_name not in (name.ja, name.en):
        report.add("lg_name", f"地方公共団体名は「{name.ja}」です（入力値: {lg_name!r}）。",
                   f"The municipality name must be {name.ja} or {name.en} (got {lg_name!r}).")
    if number is not None:
        expected = plan.initiative_id(number)
        initiative_id = values.get("initiative_id", "").strip()
        if initiative_id and initiative_id != expected:
            report.add("initiative_id",
                       f"取組IDが取組番号{number}と一致しません（{expected}のはずです。入力値: "
                       f"{initiative_id!r}）。",
                       f"The initiative ID does not match initiative number {number} (expected "
                       f"{expected}, got {initiative_id!r}).")
        if fiscal_year is not None:
            row_id = values.get("id", "").strip()
            expected_row = identifiers.progress_row_id(plan.id_stem, number, fiscal_year)
            if row_id and row_id != expected_row:
                report.add("id", f"IDが取組と年度に一致しません（{expected_row}のはずです。"
                                 f"入力値: {row_id!r}）。",
                           f"The ID does not match the initiative and fiscal year (expected "
                           f"{expected_row}, got {row_id!r}).")
    if fiscal_year is not None:
        label = values.get("fiscal_year_label", "").strip()
        allowed = (labels.fiscal_year_label(fiscal_year, "ja"),
                   labels.fiscal_year_label(fiscal_year, "en"))
        if label and label not in allowed:
            report.add("fiscal_year_label",
                       f"年度表記が年度{fiscal_year}と一致しません（{allowed[0]}のはずです。"
                       f"入力値: {label!r}）。",
                       f"The fiscal year label does not match fiscal year {fiscal_year} "
                       f"(expected {allowed[1]} or {allowed[0]}, got {label!r}).")


def _row_values(row_no: int, cells: list[str], positions: dict[str, int], header: list[str],
                max_cell_chars: int, plan: Plan) -> tuple[Optional[Entry], list[Problem]]:
    report = _RowProblems(row_no, positions, header)
    values = _cell_values(cells, report, max_cell_chars)

    def checked(key: str, rule):
        if key not in positions or not values[key].strip():
            return None
        try:
            return rule(values[key])
        except rules.FieldError as err:
            report.add(key, err.ja, err.en)
            return None

    number = checked("initiative_no", lambda value: rules.initiative_no(value, plan))
    fiscal_year = checked("fiscal_year", lambda value: rules.fiscal_year(value, plan))
    status = checked("status", rules.status)
    rating = checked("rating", rules.rating)
    sample = checked("sample", rules.boolean)
    checked(progress.EVIDENCE_FIELD, rules.evidence_urls)
    _check_identity(values, number, fiscal_year, report, plan)
    if report.problems or None in (number, fiscal_year, status, rating, sample):
        return None, report.problems
    return Entry(row=row_no, initiative_no=number, fiscal_year=fiscal_year, status=status,
                 rating=rating, summary_ja=clean_text(values.get("summary_ja")),
                 summary_en=clean_text(values.get("summary_en")), sample=sample,
                 **_optional_values(values)), []


def parse(data: bytes, plan: Plan, *, max_bytes: int = DEFAULT_MAX_BYTES,
          max_rows: int = DEFAULT_MAX_ROWS,
          max_cell_chars: int = DEFAULT_MAX_CELL_CHARS) -> ParsedUpload:
    """Decode, parse and validate an uploaded progress CSV of ``plan``'s initiatives. Never
    raises on bad input: every problem is reported in :attr:`ParsedUpload.problems`."""
    result = ParsedUpload()
    if len(data) > max_bytes:
        result.problems.append(Problem(
            f"ファイルが大きすぎます（{len(data):,}バイト、上限{max_bytes:,}バイト）。",
            f"The file is too large ({len(data):,} bytes, at most {max_bytes:,})."))
        return result
    if not data.strip():
        result.problems.append(Problem("ファイルが空です。", "The file is empty."))
        return result
    try:
        text, result.encoding = decode(data)
    except UploadError as err:
        result.problems.append(err.problem)
        return result
    if "\x00" in text:
        result.problems.append(Problem(
            "ファイルにNUL文字が含まれています。CSVファイルではない可能性があります。",
            "The file contains NUL bytes; it does not look like a CSV file."))
        return result

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: Optional[list[str]] = None
    positions: dict[str, int] = {}
    seen: dict[tuple[int, int], int] = {}
    row_no = 0
    try:
        for cells in reader:
            row_no += 1
            if header is None:
                if not any(c.strip() for c in cells):
                    result.problems.append(Problem(
                        "1行目は列見出しの行にしてください（空行です）。",
                        "Row 1 must be the header row (it is empty).", row=1))
                    return result
                header = cells
                positions, result.header_language, problems = _header_map(header)
                if problems:
                    result.problems.extend(problems)
                    return result
                continue
            if not any(c.strip() for c in cells):
                continue  # blank lines Excel leaves at the end
            result.data_rows += 1
            if result.data_rows > max_rows:
                result.problems.append(Problem(
                    f"行数が多すぎます（上限{max_rows}行）。", f"Too many rows (at most "
                                                          f"{max_rows}).", row=row_no))
                return result
            entry, problems = _row_values(row_no, cells, positions, header, max_cell_chars,
                                          plan)
            result.problems.extend(problems)
            if entry is None:
                continue
            key = (entry.initiative_no, entry.fiscal_year)
            if key in seen:
                result.problems.append(Problem(
                    f"取組{entry.initiative_no}の{entry.fiscal_year}年度の行が重複しています"
                    f"（{seen[key]}行目と同じ取組・年度）。",
                    f"Duplicate row: initiative {entry.initiative_no}, fiscal year "
                    f"{entry.fiscal_year} is already in row {seen[key]}.", row=row_no,
                    column="id", header=header[positions["id"]].strip()))
                continue
            seen[key] = row_no
            result.entries.append(entry)
    except csv.Error as err:
        result.problems.append(Problem(
            f"CSVとして読めません（{reader.line_num}行目付近: 引用符「\"」の閉じ忘れ、または大き"
            f"すぎるセル）。", f"Not readable as CSV near line {reader.line_num} (an unclosed "
            f"quote \" or an oversized cell): {err}.", row=row_no + 1))
        return result
    if header is None:
        result.problems.append(Problem("ファイルが空です。", "The file is empty."))
    elif result.data_rows == 0:
        result.problems.append(Problem("データ行がありません。", "The file has no data rows."))
    return result


def capped(problems: Sequence[Problem], limit: int = DEFAULT_MAX_PROBLEMS) -> list[Problem]:
    """At most ``limit`` problems, then, when there were more, one more entry saying how many
    were left out (what is kept, shown on the preview and given by the API)."""
    if len(problems) <= limit:
        return list(problems)
    more = len(problems) - limit
    return list(problems[:limit]) + [Problem(
        f"ほかに{more:,}件のエラーがあります（最初の{limit:,}件だけを表示しています）。上のエラーを"
        f"直して、もう一度アップロードしてください。",
        f"… and {more:,} more problem(s) (only the first {limit:,} are listed). Fix the ones "
        f"above and upload the file again.")]


def problems_csv(problems: Iterable[Problem]) -> bytes:
    """The problems as a CSV file (UTF-8 with BOM, CRLF) that staff open in Excel."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["行", "列", "エラー", "row", "column", "error"])
    for p in problems:
        column = p.header or p.column or ""
        writer.writerow([neutralise_cell(str(v)) for v in (
            "" if p.row is None else p.row, column, p.ja, "" if p.row is None else p.row,
            column, p.en)])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")

