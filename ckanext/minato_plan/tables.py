"""The plan's downloadable tables: column specifications and row building.

Pure Python (no CKAN import). Three tables are built from the live metadata (the
``package_show`` dicts of the initiatives):

- ``structure`` 計画体系: one row per initiative;
- ``progress`` 年度別進捗: one row per initiative per fiscal year with recorded progress;
- ``indicators`` 指標: one row per indicator per fiscal year.

The column specifications here are the single definition of each table's columns: the CSV/JSON
exports, the data package (``datapackage.json``), the column dictionary (項目定義書) and the
staff's progress upload (issue 6, which imports :data:`PROGRESS_COLUMNS`) all read them.
"""
from __future__ import annotations

import dataclasses
import decimal
import json
from typing import Any, Iterable, Iterator, Optional

from . import plan as plan_model


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of a table.

    ``type`` is a Frictionless Table Schema type (``string``, ``integer``, ``number``,
    ``boolean``). ``enum_ja`` / ``enum_en`` list the values allowed in the Japanese-header and
    English-header variants when the column is a closed list; ``pattern`` is a regular expression
    a value must match; ``minimum`` / ``maximum`` bound integers.
    """

    key: str
    ja: str
    en: str
    type: str
    required: bool
    description_ja: str
    description_en: str
    example: str = ""
    pattern: Optional[str] = None
    minimum: Optional[int] = None
    maximum: Optional[int] = None
    enum_ja: Optional[tuple[str, ...]] = None
    enum_en: Optional[tuple[str, ...]] = None
    unique: bool = False

    def header(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


# --- columns shared by all three tables -------------------------------------------------------

_LG_CODE = Column(
    "lg_code", "全国地方公共団体コード", "lg_code", "string", True,
    "総務省の全国地方公共団体コード（6桁、検査数字を含む）。港区は131032。",
    "The municipality code of the Ministry of Internal Affairs and Communications "
    "(6 digits, with check digit). Minato City is 131032.",
    example="131032", pattern=r"^[0-9]{6}$")

_LG_NAME = Column(
    "lg_name", "地方公共団体名", "lg_name", "string", True,
    "地方公共団体名。日本語版は「港区」、英語版は「Minato City」。",
    "The municipality's name: 港区 in the Japanese variant, Minato City in the English variant.",
    example="港区", enum_ja=("港区",), enum_en=("Minato City",))

_INITIATIVE_NO = Column(
    "initiative_no", "取組番号", "initiative_no", "integer", True,
    "計画書での取組の番号（1～39）。",
    "The initiative's number in the plan (1-39).",
    example="27", minimum=1, maximum=39)

_INITIATIVE_ID = Column(
    "initiative_id", "取組ID", "initiative_id", "string", True,
    "取組の識別子。全国地方公共団体コード＋「JK」＋取組番号3桁（例: 131032JK027）。"
    "計画が改定・改称されても変わりません。",
    "The initiative's identifier: municipality code + \"JK\" + 3-digit initiative number "
    "(e.g. 131032JK027). It does not change when the plan is revised or renamed.",
    example="131032JK027", pattern=r"^131032JK[0-9]{3}$")

_INITIATIVE_NAME = Column(
    "initiative_name", "取組名", "initiative_name", "string", True,
    "取組名。日本語版は日本語の名称、英語版は英語の名称。",
    "The initiative's title: Japanese in the Japanese variant, English in the English variant.",
    example="オープンデータ活用の推進")

_FISCAL_YEAR = Column(
    "fiscal_year", "年度", "fiscal_year", "integer", True,
    "年度（西暦の開始年、整数）。2021は令和3年度（2021年4月1日～2022年3月31日）。",
    "Fiscal year as the Western start year (integer): 2021 is FY2021 "
    "(2021-04-01 to 2022-03-31), 令和3年度.",
    example="2023", minimum=2021, maximum=2026)

_FISCAL_YEAR_LABEL = Column(
    "fiscal_year_label", "年度表記", "fiscal_year_label", "string", True,
    "年度の和暦表記（令和N年度）。英語版は「FY2023」の形式。",
    "The fiscal year as people read it: 令和N年度 in the Japanese variant, FY2023 in the English "
    "variant.",
    example="令和5年度", pattern=r"^(令和[0-9]+年度|FY[0-9]{4})$")


_STATUS_JA = tuple(ja for ja, _en in plan_model.STATUSES.values())
_STATUS_EN = tuple(plan_model.STATUSES)
_RATINGS = tuple(plan_model.RATINGS)

# --- 年度別進捗 (progress): fixed by the contract with the staff-progress upload (issue 6) ------

PROGRESS_COLUMNS: tuple[Column, ...] = (
    _LG_CODE,
    Column(
        "id", "ID", "id", "string", True,
        "行の識別子。全国地方公共団体コード＋「JK」＋取組番号3桁＋「-」＋年度"
        "（例: 131032JK027-2023）。再利用しません。",
        "Row identifier: municipality code + \"JK\" + 3-digit initiative number + \"-\" + "
        "fiscal year (e.g. 131032JK027-2023). Never reused.",
        example="131032JK027-2023", pattern=r"^131032JK[0-9]{3}-20[0-9]{2}$", unique=True),
    _LG_NAME,
    _INITIATIVE_ID,
    _INITIATIVE_NO,
    _INITIATIVE_NAME,
    _FISCAL_YEAR,
    _FISCAL_YEAR_LABEL,
    Column(
        "status", "実施状況", "status", "string", True,
        "その年度の実施状況。日本語版はラベル（未着手、検討中、実施中、完了、統合、中止）、"
        "英語版はコード（not_started, under_study, in_progress, completed, merged, "
        "suspended）。",
        "The initiative's status in that fiscal year: the Japanese label in the Japanese variant "
        "(未着手, 検討中, 実施中, 完了, 統合, 中止), the code in the English variant "
        "(not_started, under_study, in_progress, completed, merged, suspended).",
        example="実施中", enum_ja=_STATUS_JA, enum_en=_STATUS_EN),
    Column(
        "rating", "進捗評価", "rating", "string", True,
        "区の進捗評価: A（達成）、B（概ね達成）、C（達成が不十分）、-（評価対象外）。"
        "「-」は評価対象外を表す値で、CSVでもそのまま「-」と書きます（数式ではありません）。",
        "The ward's rating: A (on plan), B (mostly on plan), C (behind plan), - (not rated). "
        "\"-\" is a value meaning not rated and is written as a bare \"-\" in the CSV too "
        "(it is not a formula).",
        example="B", enum_ja=_RATINGS, enum_en=_RATINGS),
    Column(
        "summary_ja", "実績の概要", "summary_ja", "string", False,
        "その年度の実績の概要（日本語）。",
        "Summary of that fiscal year's results, in Japanese.",
        example=""),
    Column(
        "summary_en", "実績の概要（英語）", "summary_en", "string", False,
        "その年度の実績の概要（英語）。",
        "Summary of that fiscal year's results, in English.",
        example=""),
    Column(
        "sample", "サンプルデータ", "sample", "boolean", True,
        "架空のサンプルデータの行は「true」、それ以外は「false」。サンプルデータは区が公表した"
        "実績ではありません。",
        "\"true\" for fictional sample rows, \"false\" otherwise. Sample data is not progress "
        "published by the ward.",
        example="false", enum_ja=("true", "false"), enum_en=("true", "false")),
)

# --- 計画体系 (structure): one row per initiative ----------------------------------------------

_NEW_OR_CONTINUED_JA = tuple(ja for ja, _en in plan_model.NEW_OR_CONTINUED.values())
_NEW_OR_CONTINUED_EN = tuple(plan_model.NEW_OR_CONTINUED)

STRUCTURE_COLUMNS: tuple[Column, ...] = (
    _LG_CODE,
    dataclasses.replace(
        _INITIATIVE_ID, key="id", ja="ID", en="id", unique=True,
        description_ja="行の識別子（取組ID）。全国地方公共団体コード＋「JK」＋取組番号3桁"
                       "（例: 131032JK027）。計画が改定・改称されても変わらず、再利用しません。",
        description_en="Row identifier (the initiative ID): municipality code + \"JK\" + "
                       "3-digit initiative number (e.g. 131032JK027). It does not change when "
                       "the plan is revised or renamed, and is never reused."),
    _LG_NAME,
    Column(
        "plan_name", "計画名", "plan_name", "string", True,
        "計画の名称。", "The plan's name.", example="港区情報化推進計画"),
    Column(
        "plan_start_fiscal_year", "計画開始年度", "plan_start_fiscal_year", "integer", True,
        "計画期間の最初の年度（西暦の開始年）。", "The plan period's first fiscal year.",
        example="2021", minimum=2021, maximum=2026),
    Column(
        "plan_end_fiscal_year", "計画終了年度", "plan_end_fiscal_year", "integer", True,
        "計画期間の最後の年度（西暦の開始年）。", "The plan period's last fiscal year.",
        example="2026", minimum=2021, maximum=2026),
    Column(
        "guideline_no", "情報化指針番号", "guideline_no", "integer", True,
        "取組が属する情報化指針の番号（1～4）。",
        "Number of the guideline (情報化指針) the initiative belongs to (1-4).",
        example="2", minimum=1, maximum=4),
    Column(
        "guideline_name", "情報化指針名", "guideline_name", "string", True,
        "情報化指針の名称。英語版は英語の名称。",
        "The guideline's name (English in the English variant).",
        example="情報発信と協働促進に向けた情報化の推進"),
    Column(
        "measure_code", "施策コード", "measure_code", "string", True,
        "取組が属する施策のコード（情報化指針番号-施策番号、例: 2-1）。",
        "Code of the measure (施策) the initiative belongs to: guideline number - measure "
        "number (e.g. 2-1).",
        example="2-1", pattern=r"^[1-4]-[0-9]$"),
    Column(
        "measure_name", "施策名", "measure_name", "string", True,
        "施策の名称。英語版は英語の名称。", "The measure's name (English in the English variant).",
        example="区民一人ひとりとのコミュニケーションの向上"),
    _INITIATIVE_NO,
    _INITIATIVE_NAME,
    Column(
        "new_or_continued", "新規継続区分", "new_or_continued", "string", True,
        "新規の取組か、前計画からの継続か。日本語版は「新規」「継続」、英語版は new, continued。",
        "Whether the initiative is new or continued from the previous plan: 新規/継続 in the "
        "Japanese variant, new/continued in the English variant.",
        example="継続", enum_ja=_NEW_OR_CONTINUED_JA, enum_en=_NEW_OR_CONTINUED_EN),
    Column(
        "plan_page", "掲載頁", "plan_page", "integer", False,
        "計画書で取組が掲載されている頁。不明な場合は空欄。",
        "The page of the plan describing the initiative; empty when unknown.",
        example="76", minimum=1),
    Column(
        "latest_fiscal_year", "最新の進捗年度", "latest_fiscal_year", "integer", False,
        "進捗が記録されている最新の年度。進捗が未記録の場合は空欄。",
        "The latest fiscal year with recorded progress; empty when none is recorded.",
        example="2023", minimum=2021, maximum=2026),
    Column(
        "latest_status", "最新の実施状況", "latest_status", "string", False,
        "最新の進捗年度の実施状況（年度別進捗の「実施状況」と同じ値）。",
        "The status in the latest fiscal year with progress (values as in the progress "
        "table's status).",
        example="実施中", enum_ja=_STATUS_JA, enum_en=_STATUS_EN),
    Column(
        "latest_rating", "最新の進捗評価", "latest_rating", "string", False,
        "最新の進捗年度の進捗評価（A、B、C、-）。", "The rating in the latest fiscal year with "
        "progress (A, B, C, -).",
        example="B", enum_ja=_RATINGS, enum_en=_RATINGS),
)

# --- 指標 (indicators): one row per indicator per fiscal year (long format) ----------------------

INDICATOR_COLUMNS: tuple[Column, ...] = (
    _LG_CODE,
    Column(
        "id", "ID", "id", "string", True,
        "行の識別子。指標ID＋「-」＋年度（例: 131032JK027-I01-2023）。",
        "Row identifier: indicator ID + \"-\" + fiscal year (e.g. 131032JK027-I01-2023).",
        example="131032JK027-I01-2023", pattern=r"^131032JK[0-9]{3}-I[0-9]{2}-20[0-9]{2}$",
        unique=True),
    _LG_NAME,
    _INITIATIVE_ID,
    _INITIATIVE_NO,
    _INITIATIVE_NAME,
    Column(
        "indicator_id", "指標ID", "indicator_id", "string", True,
        "指標の識別子。取組ID＋「-I」＋取組内の指標の順番2桁（例: 131032JK027-I01）。",
        "Indicator identifier: initiative ID + \"-I\" + the indicator's 2-digit position in "
        "the initiative (e.g. 131032JK027-I01).",
        example="131032JK027-I01", pattern=r"^131032JK[0-9]{3}-I[0-9]{2}$"),
    Column(
        "indicator_name_ja", "指標名", "indicator_name_ja", "string", True,
        "指標の名称（日本語）。", "The indicator's name in Japanese."),
    Column(
        "indicator_name_en", "指標名（英語）", "indicator_name_en", "string", False,
        "指標の名称（英語）。", "The indicator's name in English."),
    Column(
        "unit", "単位", "unit", "string", False,
        "値の単位（例: 件、%）。", "Unit of the values (e.g. 件 = cases, %).", example="件"),
    Column(
        "baseline", "基準値", "baseline", "number", False,
        "基準値（半角数字、桁区切りなし）。", "Baseline value (plain number, no thousands "
        "separators).", example="120"),
    Column(
        "baseline_fiscal_year", "基準年度", "baseline_fiscal_year", "string", False,
        "基準値の年度（入力されたとおり）。", "Fiscal year of the baseline, as entered.",
        example="2020"),
    _FISCAL_YEAR,
    _FISCAL_YEAR_LABEL,
    Column(
        "target", "目標値", "target", "number", False,
        "その年度の目標値。未設定の場合は空欄。", "Target for that fiscal year; empty when none "
        "is set.", example="150"),
    Column(
        "actual", "実績値", "actual", "number", False,
        "その年度の実績値。未把握の場合は空欄。", "Actual value for that fiscal year; empty when "
        "not known.", example="142"),
)


@dataclasses.dataclass(frozen=True)
class Table:
    """A downloadable table. ``initiative_key`` is the column naming the initiative a row belongs
    to (used to replace one initiative's rows)."""

    name: str
    title_ja: str
    title_en: str
    description_ja: str
    description_en: str
    columns: tuple[Column, ...]
    initiative_key: str
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, table, column)

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def headers(self, lang: str) -> list[str]:
        return [c.header(lang) for c in self.columns]

    def title(self, lang: str) -> str:
        return self.title_ja if lang == "ja" else self.title_en


STRUCTURE = Table(
    "structure", "計画体系", "Plan structure",
    "港区情報化推進計画の体系。取組ごとに1行（情報化指針・施策・取組と最新の進捗）。",
    "The structure of the plan: one row per initiative (guideline, measure, initiative and its "
    "latest progress).",
    STRUCTURE_COLUMNS, initiative_key="id")
PROGRESS = Table(
    "progress", "年度別進捗", "Yearly progress",
    "取組の年度別の進捗。取組・年度ごとに1行（進捗が記録された年度のみ）。",
    "Progress of the initiatives by fiscal year: one row per initiative per fiscal year with "
    "recorded progress.",
    PROGRESS_COLUMNS, initiative_key="initiative_id",
    foreign_keys=(("initiative_id", "structure", "id"),))
INDICATORS = Table(
    "indicators", "指標", "Indicators",
    "取組の指標の目標値と実績値。指標・年度ごとに1行（計画期間の全年度）。",
    "Targets and actual values of the initiatives' indicators: one row per indicator per "
    "fiscal year of the plan period.",
    INDICATOR_COLUMNS, initiative_key="initiative_id",
    foreign_keys=(("initiative_id", "structure", "id"),))

TABLES: dict[str, Table] = {t.name: t for t in (STRUCTURE, PROGRESS, INDICATORS)}
# Tables offered for a single initiative (its own rows).
INITIATIVE_TABLES = ("progress", "indicators")
LANGUAGES = ("ja", "en")


# --- identifiers ---------------------------------------------------------------------------------

def initiative_id(number: int) -> str:
    """``27`` -> ``131032JK027``: stable across plan revisions, never reused."""
    return f"{plan_model.MUNICIPALITY_CODE}JK{int(number):03d}"


def progress_row_id(number: int, fiscal_year: int) -> str:
    return f"{initiative_id(number)}-{int(fiscal_year)}"


def indicator_id(number: int, position: int) -> str:
    return f"{initiative_id(number)}-I{int(position):02d}"


# --- reading the metadata ----------------------------------------------------------------------

def translated_field(pkg: dict[str, Any], field: str) -> dict[str, str]:
    value = pkg.get(f"{field}_translated")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    value = value if isinstance(value, dict) else {}
    ja = value.get("ja") or pkg.get(field) or ""
    return {"ja": ja, "en": value.get("en") or ""}


def optional_int(value: Any) -> Optional[int]:
    if value is None or value == "":
        return None
    return int(value)


def _number(value: Any) -> Optional[decimal.Decimal]:
    """Indicator values are stored as decimal text; kept exact (no float rounding)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return decimal.Decimal(str(value).strip())


def progress_entries(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    entries = [e for e in (pkg.get("progress") or [])
               if isinstance(e, dict) and e.get("fiscal_year") not in (None, "")]
    return sorted(entries, key=lambda e: int(e["fiscal_year"]))


def is_true(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


def _status(code: Any, lang: str) -> Optional[str]:
    if code in (None, ""):
        return None
    if lang == "ja" and code in plan_model.STATUSES:
        return plan_model.STATUSES[code][0]
    return str(code)


def _lg_name(lang: str) -> str:
    plan = plan_model.load_plan()
    return plan.municipality_name.ja if lang == "ja" else plan.municipality_name.en


def _common(pkg: dict[str, Any], lang: str) -> dict[str, Any]:
    number = int(pkg["initiative_no"])
    return {
        "lg_code": plan_model.MUNICIPALITY_CODE,
        "lg_name": _lg_name(lang),
        "initiative_id": initiative_id(number),
        "initiative_no": number,
        "initiative_name": translated_field(pkg, "title")[lang],
    }


# --- row builders: generators over the initiatives' package dicts ------------------------------

def structure_rows(initiatives: Iterable[dict[str, Any]], lang: str = "ja"
                   ) -> Iterator[dict[str, Any]]:
    plan = plan_model.load_plan()
    for pkg in initiatives:
        common = _common(pkg, lang)
        guideline_no = int(pkg["guideline_no"])
        measure_code = str(pkg["measure_code"])
        try:
            guideline_name = getattr(plan.guideline(guideline_no).title, lang)
        except KeyError:
            guideline_name = ""
        try:
            measure_name = getattr(plan.measure(measure_code).title, lang)
        except KeyError:
            measure_name = ""
        kind = pkg.get("new_or_continued")
        entries = progress_entries(pkg)
        latest = entries[-1] if entries else {}
        yield {
            "lg_code": common["lg_code"],
            "id": common["initiative_id"],
            "lg_name": common["lg_name"],
            "plan_name": getattr(plan.short_title, lang),
            "plan_start_fiscal_year": plan.start_fiscal_year,
            "plan_end_fiscal_year": plan.end_fiscal_year,
            "guideline_no": guideline_no,
            "guideline_name": guideline_name,
            "measure_code": measure_code,
            "measure_name": measure_name,
            "initiative_no": common["initiative_no"],
            "initiative_name": common["initiative_name"],
            "new_or_continued": (plan_model.NEW_OR_CONTINUED[kind][0]
                                 if lang == "ja" and kind in plan_model.NEW_OR_CONTINUED
                                 else kind),
            "plan_page": optional_int(pkg.get("plan_page")),
            "latest_fiscal_year": optional_int(latest.get("fiscal_year")),
            "latest_status": _status(latest.get("status"), lang),
            "latest_rating": latest.get("rating") or None,
        }


def progress_rows(initiatives: Iterable[dict[str, Any]], lang: str = "ja"
                  ) -> Iterator[dict[str, Any]]:
    for pkg in initiatives:
        common = _common(pkg, lang)
        for entry in progress_entries(pkg):
            fy = int(entry["fiscal_year"])
            yield {
                "lg_code": common["lg_code"],
                "id": progress_row_id(common["initiative_no"], fy),
                "lg_name": common["lg_name"],
                "initiative_id": common["initiative_id"],
                "initiative_no": common["initiative_no"],
                "initiative_name": common["initiative_name"],
                "fiscal_year": fy,
                "fiscal_year_label": plan_model.fiscal_year_label(fy, lang),
                "status": _status(entry.get("status"), lang),
                "rating": entry.get("rating") or None,
                "summary_ja": entry.get("summary_ja") or None,
                "summary_en": entry.get("summary_en") or None,
                "sample": is_true(entry.get("sample")),
            }


def indicator_rows(initiatives: Iterable[dict[str, Any]], lang: str = "ja"
                   ) -> Iterator[dict[str, Any]]:
    for pkg in initiatives:
        common = _common(pkg, lang)
        indicators = [i for i in (pkg.get("indicators") or []) if isinstance(i, dict)]
        for position, indicator in enumerate(indicators, start=1):
            ind_id = indicator_id(common["initiative_no"], position)
            for fy in plan_model.FISCAL_YEARS:
                yield {
                    "lg_code": common["lg_code"],
                    "id": f"{ind_id}-{fy}",
                    "lg_name": common["lg_name"],
                    "initiative_id": common["initiative_id"],
                    "initiative_no": common["initiative_no"],
                    "initiative_name": common["initiative_name"],
                    "indicator_id": ind_id,
                    "indicator_name_ja": indicator.get("name_ja") or None,
                    "indicator_name_en": indicator.get("name_en") or None,
                    "unit": indicator.get("unit") or None,
                    "baseline": _number(indicator.get("baseline")),
                    "baseline_fiscal_year": (str(indicator["baseline_fiscal_year"])
                                             if indicator.get("baseline_fiscal_year")
                                             not in (None, "") else None),
                    "fiscal_year": fy,
                    "fiscal_year_label": plan_model.fiscal_year_label(fy, lang),
                    "target": _number(indicator.get(f"target_{fy}")),
                    "actual": _number(indicator.get(f"actual_{fy}")),
                }


_BUILDERS = {"structure": structure_rows, "progress": progress_rows,
             "indicators": indicator_rows}


def rows(table: str, initiatives: Iterable[dict[str, Any]], lang: str = "ja"
         ) -> Iterator[dict[str, Any]]:
    """The rows of ``table`` ("structure", "progress", "indicators") in the ``lang`` variant
    ("ja": Japanese labels; "en": English names and codes), initiatives sorted by number."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    ordered = sorted(initiatives, key=lambda pkg: int(pkg["initiative_no"]))
    return _BUILDERS[table](ordered, lang)


# --- formula-injection neutralisation (CSV only) ------------------------------------------------
#
# A spreadsheet treats a cell starting with = + - @ (or a tab / carriage return before them) as a
# formula. In every CSV we write, a *text* value starting with one of these characters gets a
# leading apostrophe ('), which Excel shows as text and which :func:`restore_cell` removes when the
# file is read back (the staff's progress upload does). Exempt, because they are data, not
# formulas: numbers in numeric columns (-12.5) and the closed values of a column (the rating "-",
# 評価対象外). A text that itself starts with apostrophes followed by a trigger gets one more
# apostrophe, so restoring is exact for every value.

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_apostrophe(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_TRIGGERS)


def neutralise_cell(value: str, column: Optional[Column] = None, lang: str = "ja") -> str:
    """``value`` as written to a CSV cell (see the comment above)."""
    if not value or not _needs_apostrophe(value):
        return value
    if column is not None:
        allowed = column.enum_ja if lang == "ja" else column.enum_en
        if allowed and value in allowed:
            return value
        if column.type in ("integer", "number") and _is_number(value):
            return value
    return "'" + value


def restore_cell(value: str) -> str:
    """The inverse of :func:`neutralise_cell` for a cell read from one of our CSV files."""
    if value.startswith("'") and _needs_apostrophe(value):
        return value[1:]
    return value


def _is_number(text: str) -> bool:
    try:
        return decimal.Decimal(text).is_finite()
    except decimal.InvalidOperation:
        return False
