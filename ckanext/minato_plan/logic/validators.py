"""CKAN validators for the plan's scheming schemas.

Each wraps a rule of :mod:`ckanext.minato_plan.domain.rules`, so messages are bilingual (ja / en)
whatever the request's locale. Registered by ``toolkit.blanket.validators``.
"""
from __future__ import annotations

import json
import math
from typing import Any, Callable

import ckan.authz as authz
from ckan.lib.navl.dictization_functions import unflatten
from ckan.plugins import toolkit as tk
from ckanext.scheming.validation import scheming_validator

from .. import config
from ..domain import rules
from ..domain.progress import comparable_entry
from ..domain.text import LANGUAGES, is_blank, load_json, optional_int, text_dict
from . import plans
from .activity import last_editor
from .official import minato_official

__all__ = [
    "minato_fiscal_year", "minato_status", "minato_rating", "minato_initiative_no",
    "minato_guideline_no", "minato_measure_code", "minato_new_or_continued", "minato_plan_page",
    "minato_email", "minato_evidence_urls", "minato_indicator_kind",
    "minato_indicator_direction", "minato_as_of_date",
    "minato_required", "minato_optional", "minato_int_output", "minato_number",
    "minato_text", "minato_boolean", "minato_whole_number",
    "minato_translated", "minato_translated_output", "minato_initiative_checks",
    "minato_if_unmodified_since", "minato_official", "minato_plan_id",
]

missing = tk.missing
Invalid = tk.Invalid
StopOnError = tk.StopOnError


def _is_empty(value: Any) -> bool:
    return value is missing or is_blank(value)


def _wrap(rule: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A validator that lets empty values through (``minato_required`` decides on those)."""

    def validator(value: Any) -> Any:
        if _is_empty(value):
            return value
        try:
            return rule(value)
        except rules.FieldError as err:
            raise Invalid(str(err))

    validator.__name__ = f"minato_{rule.__name__}"
    return validator


def _plan(data: dict[Any, Any]):
    """The plan of the dataset being validated."""
    return plans.of_fields(data.get(("plan_id",)), data.get(("name",)))


def _wrap_in_plan(rule: Callable[[Any, Any], Any]):
    """A validator of a rule that judges a value against the dataset's plan (its fiscal years,
    initiative numbers, guidelines, measures); empty values pass, as with :func:`_wrap`."""

    def validator(key, data, errors, context):
        value = data.get(key)
        if _is_empty(value):
            return
        try:
            data[key] = rule(value, _plan(data))
        except rules.FieldError as err:
            errors[key].append(str(err))
            raise StopOnError

    validator.__name__ = f"minato_{rule.__name__}"
    return validator


minato_fiscal_year = _wrap_in_plan(rules.fiscal_year)
minato_status = _wrap(rules.status)
minato_rating = _wrap(rules.rating)
minato_initiative_no = _wrap_in_plan(rules.initiative_no)
minato_guideline_no = _wrap_in_plan(rules.guideline_no)
minato_measure_code = _wrap_in_plan(rules.measure_code)
minato_new_or_continued = _wrap(rules.new_or_continued)
minato_plan_page = _wrap(rules.plan_page)
minato_email = _wrap(rules.email)
minato_evidence_urls = _wrap(rules.evidence_urls)
minato_indicator_kind = _wrap(rules.indicator_kind)
minato_indicator_direction = _wrap(rules.indicator_direction)
minato_as_of_date = _wrap(rules.as_of_date)


def minato_required(key, data, errors, context):
    """``not_empty`` with a bilingual message."""
    if _is_empty(data.get(key)):
        errors[key].append("必須項目です。 / This field is required.")
        raise StopOnError


def minato_optional(key, data, errors, context):
    """An optional value whose absence is stored as empty, so that the field is always shown
    (as null, with ``minato_int_output``) rather than silently missing from the API."""
    if _is_empty(data.get(key)):
        data[key] = ""


def minato_int_output(value: Any) -> Any:
    """Show stored integers (extras are strings) as JSON numbers; empty as null."""
    if value is None or value == "" or value is missing:
        return None
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def minato_number(value: Any) -> Any:
    """A finite decimal number (indicator values), stored as its text; full-width digits
    accepted (:func:`rules.number`)."""
    if _is_empty(value):
        return ""
    try:
        return rules.number(value)
    except rules.FieldError as err:
        raise Invalid(str(err))


def minato_boolean(value: Any) -> Any:
    """A yes/no field (the sample flag): the words of :func:`rules.boolean` only, so that
    ``"maybe"`` is refused rather than read as false."""
    if value is missing or value is None:
        return value
    try:
        return rules.boolean(value)
    except rules.FieldError as err:
        raise Invalid(str(err))


def _label(field: dict[str, Any]) -> tuple[str, str]:
    """A schema field's label in Japanese and English."""
    label = field.get("label") or field.get("field_name") or ""
    if isinstance(label, dict):
        return (str(label.get("ja") or label.get("en") or field.get("field_name")),
                str(label.get("en") or label.get("ja") or field.get("field_name")))
    return str(label), str(label)


def _text_error(value: Any, ja_name: str, en_name: str) -> Any:
    """The error of :func:`rules.free_text` as a validation message, or None."""
    try:
        rules.free_text(value, config.max_text_chars(), ja_name, en_name)
    except rules.FieldError as err:
        return str(err)
    return None


@scheming_validator
def minato_text(field: dict[str, Any], schema: dict[str, Any]):
    """Free text of the plan's schemas (:func:`rules.free_text`): no control or invisible format
    characters, at most ``upload.max_cell_chars`` characters; the message names the field."""
    ja_name, en_name = _label(field)

    def validator(value: Any) -> Any:
        if value is missing or value is None:
            return value
        message = _text_error(value, ja_name, en_name)
        if message:
            raise Invalid(message)
        return value

    return validator


@scheming_validator
def minato_whole_number(field: dict[str, Any], schema: dict[str, Any]):
    """A count (a whole number of at least 0); empty values pass (``ignore_missing`` first)."""
    ja_name, en_name = _label(field)
    return _wrap(lambda value: rules.whole_number(value, ja_name, en_name))


@scheming_validator
def minato_translated(field: dict[str, Any], schema: dict[str, Any]):
    """A ``{"ja": …, "en": …}`` field, given as a dict, a JSON string or as the form inputs
    ``<field>-ja`` / ``<field>-en``; stored as JSON. Each text follows :func:`rules.free_text`.
    The Japanese value is kept equal to the plain field named by ``sync_field`` (``title`` or
    ``notes``), which stays Japanese."""
    sync = field.get("sync_field")
    required = field.get("required_languages", ["ja"])
    label_ja, label_en = _label(field)
    names = {"ja": (f"{label_ja}（日本語）", f"{label_en} (Japanese)"),
             "en": (f"{label_ja}（英語）", f"{label_en} (English)")}

    def validator(key, data, errors, context):
        value = data.get(key)
        result: dict[str, str] = {}
        refused: list[str] = []

        def take(lang: str, text: Any) -> None:
            message = _text_error(text, *names[lang])
            if message:
                refused.append(message)
            else:
                result[lang] = str(text).strip()

        if isinstance(value, str) and value.strip():
            value = load_json(value)
            if not isinstance(value, dict):
                errors[key].append("ja と en をキーとするJSONオブジェクトで入力してください。 / "
                                   "Expected a JSON object with the keys ja and en.")
                raise StopOnError
        if isinstance(value, dict):
            unknown = sorted(set(value) - set(LANGUAGES))
            if unknown:
                errors[key].append(f"対応していない言語です: {', '.join(unknown)}。 / "
                                   f"Unsupported language(s): {', '.join(unknown)}.")
            for lang in LANGUAGES:
                if value.get(lang) not in (None, ""):
                    take(lang, value[lang])
        # Form inputs <field>-ja / <field>-en arrive among the unknown keys.
        extras = data.get(key[:-1] + ("__extras",), {})
        for lang in LANGUAGES:
            form_value = extras.pop(f"{key[-1]}-{lang}", None)
            if form_value is not None and str(form_value).strip():
                take(lang, form_value)
        if refused:
            errors[key].extend(refused)
            raise StopOnError
        if sync and not result.get("ja"):
            plain = data.get(key[:-1] + (sync,))
            if not _is_empty(plain):
                result["ja"] = str(plain).strip()
        for lang in required:
            if not result.get(lang):
                name = {"ja": "日本語", "en": "英語"}[lang]
                errors[key].append(f"{name}の値は必須です。 / The {'Japanese' if lang == 'ja' else 'English'} "
                                   f"value is required.")
        if errors[key]:
            raise StopOnError
        if sync and result.get("ja"):
            data[key[:-1] + (sync,)] = result["ja"]
        data[key] = json.dumps(result, ensure_ascii=False) if result else ""

    return validator


def minato_translated_output(value: Any) -> Any:
    """A stored ``{"ja", "en"}`` field as a dict (``{}`` when empty)."""
    if isinstance(value, dict):
        return value
    return {} if _is_empty(value) else text_dict(value)


def _too_many(field: str, limit: int, check: Callable[[], None], subfield: str,
              errors: dict[Any, list[str]]) -> bool:
    """Whether a repeating field has more than ``limit`` entries. If so, the entries past the
    limit lose their own errors, and the first of them carries the one error of ``check``."""
    try:
        check()
    except rules.FieldError as err:
        for error_key in [k for k in errors if len(k) == 3 and k[0] == field
                          and isinstance(k[1], int) and k[1] >= limit]:
            del errors[error_key]
        errors[(field, limit, subfield)] = [str(err)]
        return True
    return False


def _no_infinite_floats(data: dict[Any, Any], errors: dict[Any, list[str]]) -> None:
    """NaN and infinity (JSON numbers such as ``NaN`` or ``1e309``) left in the data by a refused
    value become text, so that ckanext-scheming can write the repeating fields as JSON (it
    raises on them) and the error is reported instead."""
    def infinite(value: Any) -> bool:
        if isinstance(value, float):
            return not math.isfinite(value)
        if isinstance(value, dict):  # unknown keys (``__extras``) stay nested
            return any(infinite(v) for v in value.values())
        return isinstance(value, list) and any(infinite(v) for v in value)

    def finite(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        if isinstance(value, dict):
            return {k: finite(v) for k, v in value.items()}
        if isinstance(value, list):
            return [finite(v) for v in value]
        return value

    for data_key, value in list(data.items()):
        if isinstance(value, float) and not math.isfinite(value):
            data[data_key] = str(value)
            if not errors.get(data_key):
                try:
                    rules.number(value)
                except rules.FieldError as err:
                    errors.setdefault(data_key, []).append(str(err))
        elif isinstance(value, (dict, list)) and infinite(value):
            data[data_key] = finite(value)


def minato_initiative_checks(key, data, errors, context):
    """Checks across fields of an initiative (schema ``after_validators``, run before
    ckanext-scheming writes the repeating fields): the measure belongs to the guideline, at most
    one progress entry per fiscal year of the plan, at most ``max_indicators`` indicators, each
    indicator value of an existing indicator and once per fiscal year, no NaN or infinity
    left."""
    _no_infinite_floats(data, errors)
    measure = data.get(("measure_code",))
    guideline = data.get(("guideline_no",))
    if not errors.get(("measure_code",)) and not errors.get(("guideline_no",)) \
            and not _is_empty(measure) and not _is_empty(guideline):
        try:
            rules.measure_in_guideline(measure, guideline, _plan(data))
        except rules.FieldError as err:
            errors.setdefault(("measure_code",), []).append(str(err))
    unflat = unflatten(data)
    indicators = unflat.get("indicators")
    indicator_count = len(indicators) if isinstance(indicators, list) else 0
    if isinstance(indicators, list):
        limit = config.max_indicators()
        _too_many("indicators", limit,
                  lambda: rules.indicator_count(len(indicators), limit), "name_ja", errors)
    values = unflat.get("indicator_values") or []
    if isinstance(values, list):
        limit = rules.indicator_values_limit(config.max_indicators(), _plan(data))
        if _too_many("indicator_values", limit,
                     lambda: rules.indicator_value_count(len(values), limit), "indicator", errors):
            values = values[:limit]
        for index, subfield, err in rules.indicator_value_problems(values, indicator_count):
            if not errors.get(("indicator_values", index, subfield)):
                errors.setdefault(("indicator_values", index, subfield), []).append(str(err))
    progress = unflat.get("progress") or []
    if isinstance(progress, list):
        limit = rules.progress_entries_limit(_plan(data))
        if _too_many("progress", limit,
                     lambda: rules.progress_count(len(progress), _plan(data)), "fiscal_year",
                     errors):
            progress = progress[:limit]
        years = [entry.get("fiscal_year") if isinstance(entry, dict) else None
                 for entry in progress]
        for index, err in rules.duplicate_fiscal_years(years):
            errors.setdefault(("progress", index, "fiscal_year"), []).append(str(err))
        if not any(k[0] == "progress" for k, v in errors.items() if v):
            _progress_through_review(progress, errors, context)


def _entries(progress: Any) -> list[dict[str, Any]]:
    return sorted((comparable_entry(e) for e in progress or [] if isinstance(e, dict)
                   and optional_int(e.get("fiscal_year")) is not None),
                  key=lambda e: e["fiscal_year"])


def _progress_through_review(progress: list[Any], errors: dict[Any, Any],
                             context: dict[str, Any]) -> None:
    """With the yearly review on, an initiative's progress changes only by the publication of
    a reviewed year (or by a sysadmin, or the portal itself): staff's changes are drafts."""
    if not config.review_enabled() or context.get("ignore_auth") \
            or authz.is_sysadmin(context.get("user")):
        return
    package = context.get("package")
    stored = load_json(package.extras.get("progress")) if package is not None else None
    if _entries(progress) != _entries(stored):
        # on the first entry's fiscal year when there is one (the field's own key holds its
        # entries then)
        key = ("progress", 0, "fiscal_year") if ("progress", 0, "fiscal_year") in errors \
            else ("progress",)
        errors.setdefault(key, []).append(REVIEWED_PROGRESS)


REVIEWED_PROGRESS = (
    "進捗は年度評価の下書きとして記録し、審査者の承認を経て公開します。「年度評価」（/plan-review）"
    "から下書きしてください。 / Progress is recorded as a draft of the fiscal year's evaluation "
    "and published once a reviewer approves it: record it under Yearly evaluation "
    "(/plan-review).")


def _parse_timestamp(value: Any) -> Any:
    """A ``metadata_modified`` value (ISO 8601, as ``package_show`` gives it) as a naive UTC
    datetime, or ``None`` when it is not one."""
    import datetime

    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return parsed


def _display_time(value: Any) -> str:
    import datetime
    import zoneinfo

    name = tk.config.get("ckan.display_timezone") or "UTC"
    try:
        zone = zoneinfo.ZoneInfo("UTC" if name == "server" else name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    local = value.replace(tzinfo=datetime.timezone.utc).astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M:%S %Z")


def minato_if_unmodified_since(key, data, errors, context):
    """Lost-update protection (opt-in for the API, always sent by the edit form): the
    ``metadata_modified`` of the dataset as the editor saw it. When the dataset has changed
    since, the update is refused. The stored row is locked (``SELECT … FOR UPDATE``) until the
    transaction ends, so two editors sending the same version at the same time cannot both pass.
    The value itself is never stored."""
    value = data.pop(key, missing)
    package = context.get("package")
    if _is_empty(value) or package is None:
        raise StopOnError
    import sqlalchemy as sa
    import ckan.model as model

    seen = _parse_timestamp(value)
    if seen is None:
        errors[key].append(
            f"日時の形式が正しくありません（ISO 8601、例: 2024-05-01T09:30:00.123456。入力値: "
            f"{value!r}）。 / Not an ISO 8601 timestamp such as 2024-05-01T09:30:00.123456 "
            f"(got {value!r}).")
        raise StopOnError
    table = model.package_table
    session = context.get("session") or model.Session
    current = session.execute(
        sa.select(table.c.metadata_modified).where(table.c.id == package.id).with_for_update()
    ).scalar()
    if current is not None and current != seen:
        editor = last_editor(package.id)
        who_ja = f"{editor} さんが" if editor else "他の編集者が"
        who_en = f"by {editor} " if editor else "by another editor "
        what_ja, what_en = ("この計画", "This plan") if package.type == "plan" \
            else ("この取組", "This initiative")
        errors[key].append(
            f"{what_ja}は、あなたが編集を始めた後（{_display_time(seen)}の版）に{who_ja}"
            f"{_display_time(current)}に更新しました。上書きを防ぐため保存していません。"
            f"ページを再読み込みして最新の内容を確認し、もう一度変更してください。 / "
            f"{what_en} was changed {who_en}at {_display_time(current)}, after you "
            f"opened the version of {_display_time(seen)}. Your change was not saved, so as "
            f"not to overwrite theirs. Reload the page, check the latest content and make "
            f"your change again.")
    raise StopOnError


def minato_plan_id(key, data, errors, context):
    """The plan an initiative belongs to: one of the portal's plans; when not given, the plan
    its name belongs to (``<plan>-initiative-NN``), else the current plan. An initiative stays
    in the plan it was created in."""
    value = data.get(key)
    if _is_empty(value):
        data[key] = plans.of_fields(None, data.get(("name",))).id
        value = data[key]
    if plans.get(str(value)) is None:
        errors[key].append(plans.unknown(value))
        raise StopOnError
    own = context.get("package")
    stored = (getattr(own, "extras", None) or {}).get("plan_id") \
        if getattr(own, "type", None) == "initiative" else None
    if stored and stored != value:
        errors[key].append(f"取組は作成された計画（{stored}）から移せません。 / "
                           f"An initiative stays in the plan it was created in ({stored}).")
