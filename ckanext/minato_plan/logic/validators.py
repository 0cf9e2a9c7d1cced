"""CKAN validators for the plan's scheming schemas.

Each wraps a rule of :mod:`ckanext.minato_plan.domain.rules`, so messages are bilingual (ja / en)
whatever the request's locale. Registered by ``toolkit.blanket.validators``.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from ckan.lib.navl.dictization_functions import unflatten
from ckan.plugins import toolkit as tk
from ckanext.scheming.validation import scheming_validator

from ..domain import rules
from ..domain.text import LANGUAGES, is_blank, load_json, text_dict
from .activity import last_editor
from .official import minato_official

__all__ = [
    "minato_fiscal_year", "minato_status", "minato_rating", "minato_initiative_no",
    "minato_guideline_no", "minato_measure_code", "minato_new_or_continued", "minato_plan_page",
    "minato_required", "minato_optional", "minato_int_output", "minato_number",
    "minato_translated", "minato_translated_output", "minato_initiative_checks",
    "minato_if_unmodified_since", "minato_official",
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


minato_fiscal_year = _wrap(rules.fiscal_year)
minato_status = _wrap(rules.status)
minato_rating = _wrap(rules.rating)
minato_initiative_no = _wrap(rules.initiative_no)
minato_guideline_no = _wrap(rules.guideline_no)
minato_measure_code = _wrap(rules.measure_code)
minato_new_or_continued = _wrap(rules.new_or_continued)
minato_plan_page = _wrap(rules.plan_page)


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
    """A decimal number (indicator values), stored as given; full-width digits accepted."""
    if _is_empty(value):
        return ""
    text = str(value).strip().translate(str.maketrans("０１２３４５６７８９．－，", "0123456789.-,"))
    text = text.replace(",", "")
    try:
        float(text)
    except ValueError:
        raise Invalid(f"数値で入力してください（入力値: {value!r}）。 / "
                      f"Enter a number (got {value!r}).")
    return text


@scheming_validator
def minato_translated(field: dict[str, Any], schema: dict[str, Any]):
    """A ``{"ja": …, "en": …}`` field, given as a dict, a JSON string or as the form inputs
    ``<field>-ja`` / ``<field>-en``; stored as JSON. The Japanese value is kept equal to the
    plain field named by ``sync_field`` (``title`` or ``notes``), which stays Japanese."""
    sync = field.get("sync_field")
    required = field.get("required_languages", ["ja"])

    def validator(key, data, errors, context):
        value = data.get(key)
        result: dict[str, str] = {}
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
            result = {lang: str(value[lang]).strip() for lang in LANGUAGES
                      if value.get(lang) not in (None, "")}
        # Form inputs <field>-ja / <field>-en arrive among the unknown keys.
        extras = data.get(key[:-1] + ("__extras",), {})
        for lang in LANGUAGES:
            form_value = extras.pop(f"{key[-1]}-{lang}", None)
            if form_value is not None and str(form_value).strip():
                result[lang] = str(form_value).strip()
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


def minato_initiative_checks(key, data, errors, context):
    """Checks across fields of an initiative (schema ``after_validators``): the measure belongs
    to the guideline, and one progress entry per fiscal year."""
    measure = data.get(("measure_code",))
    guideline = data.get(("guideline_no",))
    if not errors.get(("measure_code",)) and not errors.get(("guideline_no",)) \
            and not _is_empty(measure) and not _is_empty(guideline):
        try:
            rules.measure_in_guideline(measure, guideline)
        except rules.FieldError as err:
            errors.setdefault(("measure_code",), []).append(str(err))
    progress = unflatten(data).get("progress") or []
    if isinstance(progress, list):
        years = [entry.get("fiscal_year") if isinstance(entry, dict) else None
                 for entry in progress]
        for index, err in rules.duplicate_fiscal_years(years):
            errors.setdefault(("progress", index, "fiscal_year"), []).append(str(err))


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
        errors[key].append(
            f"この取組は、あなたが編集を始めた後（{_display_time(seen)}の版）に{who_ja}"
            f"{_display_time(current)}に更新しました。上書きを防ぐため保存していません。"
            f"ページを再読み込みして最新の内容を確認し、もう一度変更してください。 / "
            f"This initiative was changed {who_en}at {_display_time(current)}, after you "
            f"opened the version of {_display_time(seen)}. Your change was not saved, so as "
            f"not to overwrite theirs. Reload the page, check the latest content and make "
            f"your change again.")
    raise StopOnError
