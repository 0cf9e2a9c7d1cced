"""Plural forms of the page's language.

Flask-Babel merges the catalogs of CKAN and of every plugin into one, and keeps the plural rule
of the last one it loads: a plugin without a catalog for the language (ckanext-dcat has no
Japanese one) leaves English's rule, and a Japanese page says "236 datasets found" instead of
「236 件のデータセットが見つかりました」. The merged catalog is given the plural rule of CKAN's own
catalog for the language, whatever the order of the plugins.
"""
from __future__ import annotations

from babel import support
from flask import Blueprint
from flask_babel import get_locale, get_translations

from ckan.lib.i18n import get_ckan_i18n_dir

plural_forms = Blueprint("minato_plan_plural_forms", __name__)
_RULES: dict[str, object] = {}


def _ckan_rule(locale: str):
    if locale not in _RULES:
        catalog = support.Translations.load(get_ckan_i18n_dir(), [locale], "ckan")
        _RULES[locale] = getattr(catalog, "plural", None) \
            if isinstance(catalog, support.Translations) else None
    return _RULES[locale]


@plural_forms.before_app_request
def _use_the_languages_plural_rule() -> None:
    locale = get_locale()
    if locale is None:
        return
    rule = _ckan_rule(str(locale))
    if rule is not None:
        translations = get_translations()
        if getattr(translations, "plural", None) is not rule:
            translations.plural = rule
