"""Value rules for the plan's fields, with errors in Japanese and English.

``logic/validators.py`` wraps these for CKAN's validation; the progress upload, the sample data
and the API filters use them directly, so a value is judged the same way everywhere.
"""
from __future__ import annotations

import datetime
import math
import re
import unicodedata
from typing import Any, Iterable, Optional

from . import labels
from . import text as text_rules
from .plan import Plan


class FieldError(ValueError):
    """A bad value; ``str()`` gives the Japanese message, then the English one."""

    def __init__(self, ja: str, en: str):
        super().__init__(f"{ja} / {en}")
        self.ja = ja
        self.en = en


def _integer(value: Any, ja_name: str, en_name: str) -> int:
    if isinstance(value, bool):
        raise FieldError(f"{ja_name}は整数で入力してください。",
                         f"{en_name} must be a whole number.")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    # Full-width digits typed in Japanese input mode are accepted.
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if re.fullmatch(r"[0-9]+", text):  # ASCII only: int() chokes on e.g. "¹"
        return int(text)
    raise FieldError(f"{ja_name}は整数で入力してください（入力値: {value!r}）。",
                     f"{en_name} must be a whole number (got {value!r}).")


def fiscal_year(value: Any, plan: Plan) -> int:
    """A fiscal year of ``plan``'s period."""
    fy = _integer(value, "年度", "Fiscal year")
    if fy not in plan.fiscal_years:
        first, last = plan.start_fiscal_year, plan.end_fiscal_year
        raise FieldError(
            f"年度は{first}（{labels.era_label(first)}）から"
            f"{last}（{labels.era_label(last)}）の範囲で入力してください（入力値: {fy}）。",
            f"Fiscal year must be between {first} and {last} (got {fy}).")
    return fy


def _choice(value: Any, choices: dict[str, tuple[str, str]], ja_name: str, en_name: str) -> str:
    text = "" if value is None else str(value).strip()
    if text in choices:
        return text
    # Staff may type the Japanese or English label instead of the code.
    for code, (ja, en) in choices.items():
        if text == ja or text.lower() == en.lower():
            return code
    allowed = "、".join(f"{c}（{ja}）" for c, (ja, _en) in choices.items())
    allowed_en = ", ".join(f"{c} ({en})" for c, (_ja, en) in choices.items())
    raise FieldError(f"{ja_name}は次のいずれかを指定してください: {allowed}（入力値: {text!r}）。",
                     f"{en_name} must be one of: {allowed_en} (got {text!r}).")


def status(value: Any) -> str:
    return _choice(value, labels.STATUSES, "進捗状況", "Status")


def rating(value: Any) -> str:
    return _choice(value, labels.RATINGS, "評価", "Rating")


def indicator_kind(value: Any) -> str:
    return _choice(value, labels.INDICATOR_KINDS, "指標の種類", "Indicator kind")


def indicator_direction(value: Any) -> str:
    return _choice(value, labels.INDICATOR_DIRECTIONS, "指標の向き", "Direction")


def as_of_date(value: Any) -> str:
    """The date an actual value was measured, as ``YYYY-MM-DD`` (``2024/3/31`` accepted)."""
    text = "" if value is None else str(value).strip().translate(_FULL_WIDTH_DATE)
    match = re.fullmatch(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})", text)
    try:
        if not match:
            raise ValueError(text)
        return datetime.date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        raise FieldError(
            f"時点は年-月-日の日付で入力してください（例: 2024-03-31、入力値: {text[:40]!r}）。",
            f"Give the date as year-month-day (e.g. 2024-03-31; got {text[:40]!r}).")


_FULL_WIDTH_DATE = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")


def new_or_continued(value: Any) -> str:
    return _choice(value, labels.NEW_OR_CONTINUED, "新規・継続の区分", "New or continued")


def initiative_no(value: Any, plan: Plan) -> int:
    number = _integer(value, "取組番号", "Initiative number")
    count = len(plan.initiatives)
    if not 1 <= number <= count:
        raise FieldError(f"取組番号は1から{count}の範囲で入力してください（入力値: {number}）。",
                         f"Initiative number must be between 1 and {count} (got {number}).")
    return number


def guideline_no(value: Any, plan: Plan) -> int:
    number = _integer(value, "情報化指針番号", "Guideline number")
    known = [g.number for g in plan.guidelines]
    if number not in known:
        raise FieldError(
            f"情報化指針番号は{known[0]}から{known[-1]}の範囲で入力してください（入力値: {number}）。",
            f"Guideline number must be between {known[0]} and {known[-1]} (got {number}).")
    return number


def measure_code(value: Any, plan: Plan) -> str:
    code = "" if value is None else str(value).strip().replace("－", "-").replace("ー", "-")
    known = [m.code for m in plan.measures]
    if code not in known:
        raise FieldError(f"施策コードは次のいずれかです: {'、'.join(known)}（入力値: {code!r}）。",
                         f"Measure code must be one of: {', '.join(known)} (got {code!r}).")
    return code


def plan_page(value: Any) -> Optional[int]:
    if text_rules.is_blank(value):
        return None
    page = _integer(value, "計画書の頁", "Plan page")
    if page < 1:
        raise FieldError("計画書の頁は1以上の整数で入力してください。",
                         "Plan page must be a positive whole number.")
    return page


#: An e-mail address as staff type it: one ``@``, no spaces, a dotted domain (RFC 5321 length).
_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\".]+")
EMAIL_MAX_CHARS = 254


def email(value: Any) -> Optional[str]:
    """A department's contact address (``mailto:`` accepted and dropped); None when blank."""
    if text_rules.is_blank(value):
        return None
    address = str(value).strip()
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:"):]
    if len(address) > EMAIL_MAX_CHARS or not _EMAIL.fullmatch(address):
        raise FieldError(
            f"メールアドレスの形式ではありません（例: name@example.jp、入力値: {address[:80]!r}）。",
            f"Not an e-mail address (e.g. name@example.jp; got {address[:80]!r}).")
    return address


#: The most evidence links of one fiscal year's progress, and the longest address.
EVIDENCE_MAX_LINKS = 10
URL_MAX_CHARS = 2000
_URL = re.compile(r"https?://[^\s/?#<>\"'`{}|\\^]+(?:[/?#][^\s<>\"`{}|\\^]*)?", re.IGNORECASE)


def evidence_urls(value: Any) -> str:
    """A fiscal year's evidence links as stored: web addresses (``http`` or ``https``), one per
    line, duplicates dropped; given one per line, separated by spaces, or as a list. ``""``
    when blank."""
    if isinstance(value, (list, tuple)):
        parts = [str(v).strip() for v in value if not text_rules.is_blank(v)]
    elif isinstance(value, dict):
        raise FieldError("根拠資料のURLは1行に1件ずつ入力してください。",
                         "Give the evidence links as text, one address per line.")
    else:
        parts = str(value or "").split()
    links: list[str] = []
    for position, link in enumerate(parts, start=1):
        if len(link) > URL_MAX_CHARS or not _URL.fullmatch(link):
            raise FieldError(
                f"根拠資料のURLの{position}件目がhttp://またはhttps://で始まるURLではありません"
                f"（入力値: {link[:80]!r}）。1行に1件ずつ入力してください。",
                f"Evidence link {position} is not a web address starting with http:// or "
                f"https:// (got {link[:80]!r}). Give one address per line.")
        if link not in links:
            links.append(link)
    if len(links) > EVIDENCE_MAX_LINKS:
        raise FieldError(
            f"根拠資料のURLが多すぎます（{len(links)}件、上限{EVIDENCE_MAX_LINKS}件）。",
            f"Too many evidence links ({len(links)}, at most {EVIDENCE_MAX_LINKS}).")
    return "\n".join(links)


_C0_NAMES = ("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT",
             "FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
             "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US")


def describe_character(ch: str) -> tuple[str, str]:
    """A refused character as staff can find it: its code point, name and kind (ja, en)."""
    code = f"U+{ord(ch):04X}"
    if text_rules.CONTROL_CHARACTERS.fullmatch(ch):
        name = _C0_NAMES[ord(ch)] if ord(ch) < 0x20 else ("DEL" if ch == "\x7f" else "C1")
        return f"{code} {name}（制御文字）", f"{code} {name} (a control character)"
    if ch == "\ufeff":
        return (f"{code} BOM（バイト順マーク。見えない書式文字）",
                f"{code} BYTE ORDER MARK (an invisible format character)")
    if text_rules.FORMAT_CHARACTERS.fullmatch(ch):
        name = unicodedata.name(ch, "")
        return (f"{code} {name}（文字の表示方向を変える見えない書式文字）",
                f"{code} {name} (an invisible character that changes the direction of text)")
    return f"{code}（文字ではない符号）", f"{code} (not a character)"


def free_text(value: Any, max_chars: int, ja_name: str = "テキスト",
              en_name: str = "The text") -> str:
    """Free text (a title, description, summary, indicator text, upload cell) as given, refused
    when it is not text, is longer than ``max_chars`` characters, or holds a control character,
    an invisible format character (a BOM, a bidirectional override or isolate) or a code point
    that is no character (:data:`text.REFUSED_CHARACTERS`). The error names the field
    (``ja_name``/``en_name``), the character and its position."""
    if isinstance(value, (dict, list, tuple, set)):
        raise FieldError(f"{ja_name}は文字列で入力してください。",
                         f"{en_name} must be text (got a {type(value).__name__}).")
    text = value if isinstance(value, str) else str(value)
    if len(text) > max_chars:
        raise FieldError(f"{ja_name}が長すぎます（{len(text):,}文字、上限{max_chars:,}文字）。",
                         f"{en_name} is too long ({len(text):,} characters, at most "
                         f"{max_chars:,}).")
    found = text_rules.refused_character(text)
    if found:
        position, ch = found
        ja, en = describe_character(ch)
        raise FieldError(
            f"{ja_name}に使えない文字 {ja}が含まれています（{position:,}文字目）。"
            f"取り除いてください。",
            f"{en_name} contains {en} at character {position:,}, which is not allowed. "
            f"Remove it.")
    return text


_FULL_WIDTH_NUMBER = str.maketrans("０１２３４５６７８９．－，＋", "0123456789.-,+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def number(value: Any) -> str:
    """A decimal number (an indicator's value) as its text, full-width digits and thousands
    separators accepted; refused unless finite (``NaN``, ``inf``, ``1e309`` are not numbers of
    the plan)."""
    got = repr(value) if isinstance(value, str) else str(value)
    not_finite = FieldError(
        f"数値は有限の値で入力してください（NaN・無限大は使えません。入力値: {got}）。",
        f"Enter a finite number (not NaN or infinity; got {got}).")
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise FieldError(f"数値で入力してください（入力値: {got}）。",
                         f"Enter a number (got {got}).")
    if isinstance(value, float) and not math.isfinite(value):
        raise not_finite
    text = str(value).strip().translate(_FULL_WIDTH_NUMBER).replace(",", "")
    if not _DECIMAL.fullmatch(text):
        if text.lstrip("+-").lower() in ("nan", "inf", "infinity"):
            raise not_finite
        raise FieldError(f"数値で入力してください（入力値: {got}）。",
                         f"Enter a number (got {got}).")
    if not math.isfinite(float(text)):
        raise not_finite
    return text


def whole_number(value: Any, ja_name: str, en_name: str) -> int:
    """A count: a whole number of at least 0."""
    return _integer(value, ja_name, en_name)


def progress_entries_limit(plan: Plan) -> int:
    """The most progress entries an initiative holds: one per fiscal year of its plan (what an
    upload can give an initiative, too)."""
    return len(plan.fiscal_years)


def progress_count(count: int, plan: Plan) -> None:
    limit = progress_entries_limit(plan)
    if count > limit:
        raise FieldError(
            f"年度別の進捗は{limit}件まで（計画期間の1年度に1件）です（{count:,}件あります）。",
            f"At most {limit} progress entries (one per fiscal year of the plan); got "
            f"{count:,}.")


def indicator_count(count: int, limit: int) -> None:
    if count > limit:
        raise FieldError(f"指標は1つの取組に{limit:,}件までです（{count:,}件あります）。",
                         f"At most {limit:,} indicators per initiative; got {count:,}.")


def indicator_values_limit(max_indicators: int, plan: Plan) -> int:
    """The most indicator values an initiative holds: one per indicator and fiscal year."""
    return max_indicators * len(plan.fiscal_years)


def indicator_value_count(count: int, limit: int) -> None:
    if count > limit:
        raise FieldError(
            f"指標の値は1つの取組に{limit:,}件まで（指標1件の1年度に1件）です（{count:,}件あります）。",
            f"At most {limit:,} indicator values per initiative (one per indicator and fiscal "
            f"year); got {count:,}.")


def indicator_value_problems(entries: Iterable[Any], indicator_count: int
                             ) -> list[tuple[int, str, FieldError]]:
    """Problems of an initiative's ``indicator_values`` entries (already validated one by one)
    as (position from 0, subfield, error): an indicator number the initiative does not have,
    an indicator and fiscal year given twice, an entry with neither a target nor an actual."""
    problems = []
    seen: dict[tuple[Any, Any], int] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        position, fiscal_year = entry.get("indicator"), entry.get("fiscal_year")
        try:
            number = int(position)
        except (TypeError, ValueError):
            number = None
        if number is not None and not 1 <= number <= indicator_count:
            problems.append((index, "indicator", FieldError(
                f"指標{number}はありません（この取組の指標は{indicator_count}件です）。",
                f"There is no indicator {number} (this initiative has {indicator_count}).")))
        elif number is not None and fiscal_year not in (None, ""):
            key = (number, str(fiscal_year))
            if key in seen:
                problems.append((index, "fiscal_year", FieldError(
                    f"指標{number}の{fiscal_year}年度の値は既に{seen[key] + 1}件目に入力されています"
                    "（指標1件の1年度に1件）。",
                    f"Indicator {number}'s values for fiscal year {fiscal_year} are already entry "
                    f"{seen[key] + 1} (one entry per indicator and year).")))
            else:
                seen[key] = index
        if all(text_rules.is_blank(entry.get(k)) for k in ("target", "actual")):
            problems.append((index, "target", FieldError(
                "目標値か実績値の少なくとも一方を入力してください。",
                "Give a target, an actual value or both.")))
    return problems


def boolean(value: Any) -> bool:
    """A yes/no cell or field: ``true``/``false`` (and the words of :data:`text.TRUE_WORDS` and
    :data:`text.FALSE_WORDS`); anything else is refused."""
    if isinstance(value, bool):
        return value
    word = "" if value is None else str(value).strip().lower()
    if word in text_rules.TRUE_WORDS:
        return True
    if word in text_rules.FALSE_WORDS:
        return False
    raise FieldError(f"「true」または「false」を入力してください（はい・いいえ、yes・no、1・0、"
                     f"on・off も使えます。入力値: {value!r}）。",
                     f"Enter true or false (yes/no, 1/0, on/off and はい/いいえ also work; got "
                     f"{value!r}).")


def measure_in_guideline(measure: str, guideline: Any, plan: Plan) -> None:
    if not plan.measure_belongs_to_guideline(measure, guideline):
        raise FieldError(
            f"施策{measure}は情報化指針{guideline}に属していません。",
            f"Measure {measure} does not belong to guideline {guideline}.")


def duplicate_fiscal_years(fiscal_years: Iterable[Any]) -> list[tuple[int, FieldError]]:
    """Positions (0-based) of entries repeating a fiscal year already seen, with an error."""
    seen: dict[Any, int] = {}
    problems = []
    for index, fy in enumerate(fiscal_years):
        if fy in seen:
            problems.append((index, FieldError(
                f"{fy}年度の進捗は既に{seen[fy] + 1}件目に入力されています（1年度に1件）。",
                f"Progress for fiscal year {fy} is already entry {seen[fy] + 1} "
                f"(one entry per year).")))
        elif fy is not None:
            seen[fy] = index
    return problems
