"""The plan's downloadable tables and their columns.

Three tables are built from the live metadata (the ``package_show`` dicts of the initiatives):

- ``structure`` 計画体系: one row per initiative;
- ``progress`` 年度別進捗: one row per initiative per fiscal year with recorded progress;
- ``indicators`` 指標: one row per indicator per fiscal year.

The column specifications here are the single definition of each table's columns: the CSV/JSON
files, the data package (``datapackage.json``), the column dictionary (項目定義書), the DataStore
tables and the staff's progress upload (which reads :data:`PROGRESS_COLUMNS`) all read them.
Codes, ranges and identifier patterns are derived from the plan.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from .. import achievement, identifiers, labels, rules
from ..plan import Plan, load_plan
from ..text import LANGUAGES

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


def narrative_column(part: str, header_ja: str, what_ja: str, what_en: str, lang: str
                     ) -> Column:
    """The column of one part of a progress entry's narrative in one language
    (``<part>_<lang>``): optional free text."""
    language_ja, language_en = ("日本語", "Japanese") if lang == "ja" else ("英語", "English")
    return Column(f"{part}_{lang}", header_ja if lang == "ja" else f"{header_ja}（英語）",
                  f"{part}_{lang}", "string", False, f"{what_ja}（{language_ja}）。",
                  f"{what_en}, in {language_en}.", example="")


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



def _build(plan: Plan) -> dict[str, Table]:
    """The tables of ``plan``: its municipality, identifier patterns, fiscal years and
    numbers in the columns' descriptions and constraints."""
    code = plan.municipality_code
    stem = plan.id_stem
    mark = plan.initiative_mark
    first, last = plan.start_fiscal_year, plan.end_fiscal_year
    initiative_count = len(plan.initiatives)
    guideline_count = len(plan.guidelines)
    lg_names = plan.municipality_name


    # --- columns shared by all three tables -------------------------------------------------------

    lg_code = Column(
        "lg_code", "全国地方公共団体コード", "lg_code", "string", True,
        f"総務省の全国地方公共団体コード（6桁、検査数字を含む）。{lg_names.ja}は{code}。",
        "The municipality code of the Ministry of Internal Affairs and Communications "
        f"(6 digits, with check digit). {lg_names.en} is {code}.",
        example=code, pattern=r"^[0-9]{6}$")

    lg_name = Column(
        "lg_name", "地方公共団体名", "lg_name", "string", True,
        f"地方公共団体名。日本語版は「{lg_names.ja}」、英語版は「{lg_names.en}」。",
        f"The municipality's name: {lg_names.ja} in the Japanese variant, {lg_names.en} in the "
        "English variant.",
        example=lg_names.ja, enum_ja=(lg_names.ja,), enum_en=(lg_names.en,))

    initiative_no = Column(
        "initiative_no", "取組番号", "initiative_no", "integer", True,
        f"計画書での取組の番号（1～{initiative_count}）。",
        f"The initiative's number in the plan (1-{initiative_count}).",
        example="27", minimum=1, maximum=initiative_count)

    initiative_id = Column(
        "initiative_id", "取組ID", "initiative_id", "string", True,
        f"取組の識別子。全国地方公共団体コード＋「{mark}」＋取組番号3桁（例: {stem}027）。"
        "計画が改定・改称されても変わりません。",
        f"The initiative's identifier: municipality code + \"{mark}\" + 3-digit initiative number "
        f"(e.g. {stem}027). It does not change when the plan is revised or renamed.",
        example=identifiers.initiative_id(stem, 27),
        pattern=identifiers.initiative_id_pattern(stem))

    initiative_name = Column(
        "initiative_name", "取組名", "initiative_name", "string", True,
        "取組名。日本語版は日本語の名称、英語版は英語の名称。",
        "The initiative's title: Japanese in the Japanese variant, English in the English variant.",
        example="オープンデータ活用の推進")

    fiscal_year = Column(
        "fiscal_year", "年度", "fiscal_year", "integer", True,
        "年度（西暦の開始年、整数）。2021は令和3年度（2021年4月1日～2022年3月31日）。",
        "Fiscal year as the Western start year (integer): 2021 is FY2021 "
        "(2021-04-01 to 2022-03-31), 令和3年度.",
        example="2023", minimum=first, maximum=last)

    fiscal_year_label = Column(
        "fiscal_year_label", "年度表記", "fiscal_year_label", "string", True,
        "年度の和暦表記（例: 令和5年度、令和元年度、平成28年度）。英語版は「FY2023」の形式。",
        "The fiscal year as people read it: its Japanese era year (e.g. 令和5年度, 令和元年度, "
        "平成28年度) in the Japanese variant, FY2023 in the English variant.",
        example="令和5年度", pattern=r"^((昭和|平成|令和)([0-9]+|元)年度|FY[0-9]{4})$")


    status_ja = tuple(ja for ja, _en in labels.STATUSES.values())
    status_en = tuple(labels.STATUSES)
    ratings = tuple(labels.RATINGS)

    # --- 年度別進捗 (progress): also the format of the staff's progress upload ---------------------

    progress_columns: tuple[Column, ...] = (
        lg_code,
        Column(
            "id", "ID", "id", "string", True,
            f"行の識別子。全国地方公共団体コード＋「{mark}」＋取組番号3桁＋「-」＋年度"
            f"（例: {stem}027-2023）。再利用しません。",
            f"Row identifier: municipality code + \"{mark}\" + 3-digit initiative number + \"-\" + "
            f"fiscal year (e.g. {stem}027-2023). Never reused.",
            example=identifiers.progress_row_id(stem, 27, 2023),
            pattern=identifiers.progress_row_id_pattern(stem), unique=True),
        lg_name,
        initiative_id,
        initiative_no,
        initiative_name,
        fiscal_year,
        fiscal_year_label,
        Column(
            "status", "実施状況", "status", "string", True,
            "その年度の実施状況。日本語版はラベル（未着手、検討中、実施中、完了、統合、中止）、"
            "英語版はコード（not_started, under_study, in_progress, completed, merged, "
            "suspended）。",
            "The initiative's status in that fiscal year: the Japanese label in the Japanese "
            "variant "
            "(未着手, 検討中, 実施中, 完了, 統合, 中止), the code in the English variant "
            "(not_started, under_study, in_progress, completed, merged, suspended).",
            example="実施中", enum_ja=status_ja, enum_en=status_en),
        Column(
            "rating", "進捗評価", "rating", "string", True,
            "区の進捗評価: A（達成）、B（概ね達成）、C（達成が不十分）、-（評価対象外）。"
            "「-」は評価対象外を表す値で、CSVでもそのまま「-」と書きます（数式ではありません）。",
            "The ward's rating: A (on plan), B (mostly on plan), C (behind plan), - (not rated). "
            "\"-\" is a value meaning not rated and is written as a bare \"-\" in the CSV too "
            "(it is not a formula).",
            example="B", enum_ja=ratings, enum_en=ratings),
        *(narrative_column(key, header, what_ja, what_en, lang)
          for key, header, what_ja, what_en in (
              ("summary", "実績の概要", "その年度の実績の概要", "Summary of that fiscal year's results"),
              ("challenges", "課題", "その年度に明らかになった課題",
               "The challenges found in that fiscal year"),
              ("next_steps", "今後の方向性", "課題を踏まえた今後の方向性",
               "The next steps in the light of the challenges"))
          for lang in LANGUAGES),
        Column(
            "evidence_urls", "根拠資料URL", "evidence_urls", "string", False,
            "実績の根拠となる資料のURL（http://またはhttps://）。複数の場合は改行か空白で区切ります"
            f"（{rules.EVIDENCE_MAX_LINKS}件まで）。",
            "Web addresses (http:// or https://) of the documents evidencing the results, "
            f"separated by line breaks or spaces (at most {rules.EVIDENCE_MAX_LINKS}).",
            example="https://www.city.minato.tokyo.jp/"),
        Column(
            "sample", "サンプルデータ", "sample", "boolean", True,
            "架空のサンプルデータの行は「true」、それ以外は「false」。サンプルデータは区が公表した"
            "実績ではありません。",
            "\"true\" for fictional sample rows, \"false\" otherwise. Sample data is not progress "
            "published by the ward.",
            example="false", enum_ja=("true", "false"), enum_en=("true", "false")),
    )

    kinds_ja = tuple(ja for ja, _en in labels.INDICATOR_KINDS.values())
    kinds_en = tuple(labels.INDICATOR_KINDS)
    directions_ja = tuple(ja for ja, _en in labels.INDICATOR_DIRECTIONS.values())
    directions_en = tuple(labels.INDICATOR_DIRECTIONS)
    judgements = tuple(grade for _least, grade in achievement.JUDGEMENT_THRESHOLDS) + (
        achievement.BELOW_THRESHOLDS,)

    # --- 計画体系 (structure): one row per initiative ----------------------------------------------

    new_or_continued_ja = tuple(ja for ja, _en in labels.NEW_OR_CONTINUED.values())
    new_or_continued_en = tuple(labels.NEW_OR_CONTINUED)

    structure_columns: tuple[Column, ...] = (
        lg_code,
        dataclasses.replace(
            initiative_id, key="id", ja="ID", en="id", unique=True,
            description_ja=f"行の識別子（取組ID）。全国地方公共団体コード＋「{mark}」＋取組番号3桁"
                           f"（例: {stem}027）。計画が改定・改称されても変わらず、再利用しません。",
            description_en=f"Row identifier (the initiative ID): municipality code + \"{mark}\" + "
                           f"3-digit initiative number (e.g. {stem}027). It does not change when "
                           "the plan is revised or renamed, and is never reused."),
        lg_name,
        Column(
            "plan_name", "計画名", "plan_name", "string", True,
            "計画の名称。", "The plan's name.", example=plan.short_title.ja),
        Column(
            "plan_start_fiscal_year", "計画開始年度", "plan_start_fiscal_year", "integer", True,
            "計画期間の最初の年度（西暦の開始年）。", "The plan period's first fiscal year.",
            example=str(first), minimum=first, maximum=last),
        Column(
            "plan_end_fiscal_year", "計画終了年度", "plan_end_fiscal_year", "integer", True,
            "計画期間の最後の年度（西暦の開始年）。", "The plan period's last fiscal year.",
            example=str(last), minimum=first, maximum=last),
        Column(
            "guideline_no", "情報化指針番号", "guideline_no", "integer", True,
            f"取組が属する情報化指針の番号（1～{guideline_count}）。",
            f"Number of the guideline (情報化指針) the initiative belongs to (1-{guideline_count}).",
            example="2", minimum=1, maximum=guideline_count),
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
            example="2-1", pattern=rf"^[1-{guideline_count}]-[0-9]$"),
        Column(
            "measure_name", "施策名", "measure_name", "string", True,
            "施策の名称。英語版は英語の名称。", "The measure's name (English in the English variant).",
            example="区民一人ひとりとのコミュニケーションの向上"),
        initiative_no,
        initiative_name,
        Column(
            "new_or_continued", "新規継続区分", "new_or_continued", "string", True,
            "新規の取組か、前計画からの継続か。日本語版は「新規」「継続」、英語版は new, continued。",
            "Whether the initiative is new or continued from the previous plan: 新規/継続 in the "
            "Japanese variant, new/continued in the English variant.",
            example="継続", enum_ja=new_or_continued_ja, enum_en=new_or_continued_en),
        Column(
            "plan_page", "掲載頁", "plan_page", "integer", False,
            "計画書で取組が掲載されている頁。不明な場合は空欄。",
            "The page of the plan describing the initiative; empty when unknown.",
            example="76", minimum=1),
        Column(
            "department", "所管課", "department", "string", False,
            "取組を所管する課（職員が入力）。英語版は英語の名称（英語の名称がない場合は日本語の名称）。"
            "未入力の場合は空欄。",
            "The department responsible for the initiative, as entered by staff: its English "
            "name in the English variant (the Japanese name when there is none); empty when not "
            "entered."),
        Column(
            "department_email", "所管課の連絡先", "department_email", "string", False,
            "所管課の問い合わせ用メールアドレス。未入力の場合は空欄。",
            "The responsible department's e-mail address for enquiries; empty when not entered.",
            example="name@example.jp"),
        Column(
            "latest_fiscal_year", "最新の進捗年度", "latest_fiscal_year", "integer", False,
            "進捗が記録されている最新の年度。進捗が未記録の場合は空欄。",
            "The latest fiscal year with recorded progress; empty when none is recorded.",
            example="2023", minimum=first, maximum=last),
        Column(
            "latest_status", "最新の実施状況", "latest_status", "string", False,
            "最新の進捗年度の実施状況（年度別進捗の「実施状況」と同じ値）。",
            "The status in the latest fiscal year with progress (values as in the progress "
            "table's status).",
            example="実施中", enum_ja=status_ja, enum_en=status_en),
        Column(
            "latest_rating", "最新の進捗評価", "latest_rating", "string", False,
            "最新の進捗年度の進捗評価（A、B、C、-）。", "The rating in the latest fiscal year with "
            "progress (A, B, C, -).",
            example="B", enum_ja=ratings, enum_en=ratings),
    )

    # --- 指標 (indicators): one row per indicator per fiscal year (long format) ------------------

    indicator_columns: tuple[Column, ...] = (
        lg_code,
        Column(
            "id", "ID", "id", "string", True,
            f"行の識別子。指標ID＋「-」＋年度（例: {stem}027-I01-2023）。",
            f"Row identifier: indicator ID + \"-\" + fiscal year (e.g. {stem}027-I01-2023).",
            example=identifiers.indicator_row_id(stem, 27, 1, 2023),
            pattern=identifiers.indicator_row_id_pattern(stem), unique=True),
        lg_name,
        initiative_id,
        initiative_no,
        initiative_name,
        Column(
            "indicator_id", "指標ID", "indicator_id", "string", True,
            f"指標の識別子。取組ID＋「-I」＋取組内の指標の順番2桁（例: {stem}027-I01）。",
            "Indicator identifier: initiative ID + \"-I\" + the indicator's 2-digit position in "
            f"the initiative (e.g. {stem}027-I01).",
            example=identifiers.indicator_id(stem, 27, 1),
            pattern=identifiers.indicator_id_pattern(stem)),
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
        Column(
            "kind", "指標の種類", "kind", "string", False,
            "活動指標（取組の実施量）か成果指標（取組による変化）か。日本語版は「活動指標」「成果指標」、"
            "英語版は output, outcome。未設定の場合は空欄。",
            "Whether the indicator counts what the initiative does or what changes because of it: "
            "活動指標/成果指標 in the Japanese variant, output/outcome in the English variant; "
            "empty when not set.",
            example="成果指標", enum_ja=kinds_ja, enum_en=kinds_en),
        Column(
            "direction", "指標の向き", "direction", "string", False,
            "値が高いほど良いか低いほど良いか。日本語版は「高いほど良い」「低いほど良い」、英語版は "
            "higher, lower。空欄は高いほど良いとして達成率を計算します。",
            "Whether a higher or a lower value is better: 高いほど良い/低いほど良い in the Japanese "
            "variant, higher/lower in the English variant. Empty is computed as higher is better.",
            example="高いほど良い", enum_ja=directions_ja, enum_en=directions_en),
        Column(
            "target_fiscal_year", "目標年度", "target_fiscal_year", "integer", False,
            "指標の最終的な目標の年度（西暦の開始年）。未設定の場合は空欄。",
            "The fiscal year of the indicator's final target; empty when not set.",
            example=str(last), minimum=first, maximum=last),
        fiscal_year,
        fiscal_year_label,
        Column(
            "target", "目標値", "target", "number", False,
            "その年度の目標値。未設定の場合は空欄。", "Target for that fiscal year; empty when none "
            "is set.", example="150"),
        Column(
            "actual", "実績値", "actual", "number", False,
            "その年度の実績値。未把握の場合は空欄。", "Actual value for that fiscal year; empty when "
            "not known.", example="142"),
        Column(
            "actual_as_of", "実績の時点", "actual_as_of", "string", False,
            "実績値を把握した日（年-月-日）。", "The date the actual value was measured "
            "(year-month-day).", example="2024-03-31", pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
        Column(
            "actual_source", "実績の出典", "actual_source", "string", False,
            "実績値の出典（調査名など）。", "Where the actual value comes from (e.g. a survey).",
            example="区民意識調査"),
        Column(
            "achievement_percent", "達成率", "achievement_percent", "number", False,
            "目標値と実績値から計算した達成率（%、小数1桁）。基準値があれば"
            "（実績値－基準値）÷（目標値－基準値）、なければ実績値÷目標値（低いほど良い指標は"
            "目標値÷実績値）。目標値か実績値がない年度は空欄。",
            "The achievement computed from the target and the actual value, in percent to one "
            "decimal: (actual - baseline) / (target - baseline) with a baseline, else actual / "
            "target (target / actual where lower is better); empty without a target or an "
            "actual.", example="95.0"),
        Column(
            "judgement", "自動判定", "judgement", "string", False,
            "達成率による自動判定: A（100%以上）、B（80%以上）、C（80%未満）。区の進捗評価"
            "（年度別進捗の「進捗評価」）とは別の、機械的な目安です。",
            "The judgement computed from the achievement: A (at least 100%), B (at least 80%), "
            "C (below 80%). A mechanical guide beside the ward's own rating (the progress "
            "table's rating), not a replacement for it.",
            example="B", enum_ja=judgements, enum_en=judgements),
    )


    structure = Table(
        "structure", "計画体系", "Plan structure",
        f"{plan.short_title.ja}の体系。取組ごとに1行（情報化指針・施策・取組と最新の進捗）。",
        "The structure of the plan: one row per initiative (guideline, measure, initiative and its "
        "latest progress).",
        structure_columns, initiative_key="id")
    progress = Table(
        "progress", "年度別進捗", "Yearly progress",
        "取組の年度別の進捗。取組・年度ごとに1行（進捗が記録された年度のみ）。",
        "Progress of the initiatives by fiscal year: one row per initiative per fiscal year with "
        "recorded progress.",
        progress_columns, initiative_key="initiative_id",
        foreign_keys=(("initiative_id", "structure", "id"),))
    indicators = Table(
        "indicators", "指標", "Indicators",
        "取組の指標の目標値と実績値。指標・年度ごとに1行（計画期間の全年度）。",
        "Targets and actual values of the initiatives' indicators: one row per indicator per "
        "fiscal year of the plan period.",
        indicator_columns, initiative_key="initiative_id",
        foreign_keys=(("initiative_id", "structure", "id"),))
    return {t.name: t for t in (structure, progress, indicators)}


_BUILT: dict[tuple, dict[str, Table]] = {}


def tables(plan: Plan) -> dict[str, Table]:
    """The tables of ``plan``, by name (built once per plan)."""
    key = (plan.id, plan.id_stem, plan.start_fiscal_year, plan.end_fiscal_year,
           len(plan.initiatives), len(plan.guidelines), plan.municipality_name,
           plan.short_title)
    found = _BUILT.get(key)
    if found is None:
        found = _BUILT[key] = _build(plan)
    return found


#: The tables of the plan the package carries. Their names, keys, headers and types are those
#: of every plan's tables; what depends on the plan (descriptions, constraints) comes from
#: :func:`tables`.
TABLES: dict[str, Table] = tables(load_plan())
STRUCTURE, PROGRESS, INDICATORS = TABLES["structure"], TABLES["progress"], TABLES["indicators"]
PROGRESS_COLUMNS = PROGRESS.columns
# Tables offered for a single initiative (its own rows).
INITIATIVE_TABLES = ("progress", "indicators")


