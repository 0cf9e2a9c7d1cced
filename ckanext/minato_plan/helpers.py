"""Template helpers (registered by ``toolkit.blanket.helpers``).

The ``*_choices`` helpers feed the scheming select fields from the plan model, so the choices are
written once (in ``plan.py`` and ``data/plan.yaml``) and never repeated in the schemas.
"""
from __future__ import annotations

import json
import re
from typing import Any, Optional

from ckan.plugins import toolkit as tk

from . import overview
from . import plan as plan_model

__all__ = [
    "minato_guideline_choices",
    "minato_measure_choices",
    "minato_new_or_continued_choices",
    "minato_status_choices",
    "minato_rating_choices",
    "minato_fiscal_year_choices",
    "minato_translated",
    "minato_current_language",
    "minato_translated_dict",
    "minato_fiscal_year_label",
    "minato_status_label",
    "minato_rating_label",
    "minato_new_or_continued_label",
    "minato_language_links",
    "minato_initiative_page",
    "minato_structured_data",
    "minato_chart_colour",
    "minato_search_language",
    "minato_facet_titles",
    "minato_label_facet_items",
    "minato_progress_last_updated",
    "minato_form_repeating",
]


def _pairs(choices: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"value": code, "label": {"ja": ja, "en": en}} for code, (ja, en) in choices.items()]


def minato_guideline_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return [{"value": g.number,
             "label": {"ja": f"{g.number} {g.title.ja}", "en": f"{g.number} {g.title.en}"}}
            for g in plan_model.load_plan().guidelines]


def minato_measure_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return [{"value": m.code,
             "label": {"ja": f"{m.code} {m.title.ja}", "en": f"{m.code} {m.title.en}"}}
            for m in plan_model.load_plan().measures]


def minato_new_or_continued_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return _pairs(plan_model.NEW_OR_CONTINUED)


def minato_status_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return _pairs(plan_model.STATUSES)


def minato_rating_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return [{"value": code, "label": {"ja": f"{code} {ja}", "en": f"{code} {en}"}}
            for code, (ja, en) in plan_model.RATINGS.items()]


def minato_fiscal_year_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return [{"value": fy, "label": {"ja": f"{plan_model.reiwa_label(fy)}（{fy}）",
                                    "en": f"FY{fy} ({plan_model.reiwa_label(fy)})"}}
            for fy in plan_model.FISCAL_YEARS]


def minato_current_language() -> str:
    lang = tk.h.lang() or "ja"
    return "en" if lang.startswith("en") else "ja"


def minato_translated(value: Any, lang: Optional[str] = None) -> str:
    """The text of a ``{"ja", "en"}`` value in the current language, falling back to the
    other language rather than showing nothing."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, plan_model.Text):
        value = value.as_dict()
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    lang = lang or minato_current_language()
    for candidate in (lang, "ja", "en"):
        if value.get(candidate):
            return value[candidate]
    return ""


def minato_translated_dict(value: Any) -> dict[str, str]:
    """A stored ``{"ja", "en"}`` value as a dict (it may arrive as a JSON string)."""
    if isinstance(value, dict):
        return value
    try:
        loaded = json.loads(value) if value else {}
    except (TypeError, ValueError):
        return {"ja": str(value)}
    return loaded if isinstance(loaded, dict) else {"ja": str(value)}


# Pages (plan overview, initiative page, header) ---------------------------------------------

def _pick(pair: tuple[str, str]) -> str:
    return pair[0] if minato_current_language() == "ja" else pair[1]


def minato_fiscal_year_label(fiscal_year: Any, short: bool = False) -> str:
    """``令和5年度（2023年度）`` (short: ``令和5年度``) in Japanese, ``FY2023`` in English."""
    try:
        fy = int(fiscal_year)
    except (TypeError, ValueError):
        return "" if fiscal_year is None else str(fiscal_year)
    if minato_current_language() == "ja":
        return plan_model.reiwa_label(fy) if short else f"{plan_model.reiwa_label(fy)}（{fy}年度）"
    return plan_model.fiscal_year_label(fy, "en")


def minato_status_label(code: Optional[str]) -> str:
    """A progress status (or the overview's "no record") in the current language."""
    if code in plan_model.STATUSES:
        return _pick(plan_model.STATUSES[code])
    if code == overview.NO_RECORD:
        return minato_translated(overview.NO_RECORD_LABEL)
    return code or ""


def minato_rating_label(code: Optional[str]) -> str:
    """``A 達成`` / ``A On plan``."""
    if code in plan_model.RATINGS:
        return f"{code} {_pick(plan_model.RATINGS[code])}"
    return code or ""


def minato_new_or_continued_label(code: Optional[str]) -> str:
    if code in plan_model.NEW_OR_CONTINUED:
        return _pick(plan_model.NEW_OR_CONTINUED[code])
    return code or ""


def minato_language_links() -> list[dict[str, Any]]:
    """Links to the current page in each offered language (the header's language switcher;
    plain links, so switching works without JavaScript)."""
    current = minato_current_language()
    default = tk.config.get("ckan.locale_default") or "ja"
    path = tk.h.current_url()
    links = []
    for code, label in (("ja", "日本語"), ("en", "English")):
        locale = "default" if code == default else code
        links.append({"code": code, "label": label, "current": code == current,
                      "url": tk.h.url_for(path, locale=locale)})
    return links


def minato_initiative_page(pkg: dict[str, Any]) -> dict[str, Any]:
    """What an initiative's page shows besides CKAN's own parts: its place in the plan, its
    progress by fiscal year, its indicators and the other initiatives of its measure (found with
    one search)."""
    plan = plan_model.load_plan()
    measure = guideline = None
    try:
        measure = plan.measure(str(pkg.get("measure_code")))
        guideline = plan.guideline(measure.guideline_no)
    except KeyError:
        pass
    same_measure = []
    if measure is not None:
        same_measure = tk.get_action("package_search")({}, {
            "fq": f'dataset_type:initiative AND measure_code:"{measure.code}"',
            "rows": 1000})["results"]
    timeline = overview.timeline(pkg)
    return {
        "measure": measure,
        "guideline": guideline,
        "timeline": timeline,
        "has_progress": any(entry for _fy, entry in timeline),
        "has_sample": any(entry and entry["sample"] for _fy, entry in timeline),
        "indicators": overview.indicator_rows(pkg),
        "siblings": overview.siblings(pkg, same_measure),
    }


def minato_structured_data(pkg: dict[str, Any]) -> str:
    """schema.org JSON-LD of a dataset (ckanext-dcat's ``schemaorg`` profile) with its name and
    description in Japanese and English, safe inside a ``<script>`` element.

    dcat's own ``h.structured_data`` builds its profiles for the dataset type ``dataset``, which
    scheming does not know here (``scheming.dataset_fallback = false``: "Unknown dataset schema:
    dataset"), so the profile is given the dataset's own type."""
    import rdflib
    from ckanext.dcat.profiles import SchemaOrgProfile
    from ckanext.dcat.utils import dataset_uri

    data = overview.structured_data_dict(pkg)
    graph = rdflib.Graph(bind_namespaces="core")
    SchemaOrgProfile(graph, dataset_type=pkg.get("type") or "dataset").graph_from_dataset(
        data, rdflib.URIRef(dataset_uri(data)))
    output = graph.serialize(format="json-ld", auto_compact=True)
    text = json.dumps(json.loads(output), ensure_ascii=False, indent=2, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def minato_chart_colour(category: str) -> str:
    return overview.CHART_COLOURS.get(category, ("#6c757d", "#ffffff"))[0]


# Dataset search facets (labels from the plan model; see search.py) ---------------------------

def minato_search_language() -> str:
    """The current language, or the site's default language outside a web request (actions
    called from the CLI or a script)."""
    try:
        return minato_current_language()
    except RuntimeError:
        default = tk.config.get("ckan.locale_default") or "ja"
        return "en" if default.startswith("en") else "ja"


def minato_facet_titles() -> dict[str, str]:
    """The plan's facets of dataset search (guideline, measure, new/continued, latest status,
    latest rating), field -> title in the current language."""
    from . import search

    return search.facet_titles(minato_search_language())


def minato_label_facet_items(search_facets: dict[str, Any]) -> dict[str, Any]:
    """package_search's ``search_facets`` with the plan's facet items labelled in the current
    language (``1-1 「新しい生活様式」に対応した…`` / ``1-1 High-quality …``)."""
    from . import search

    return search.label_facet_items(search_facets, plan_model.load_plan(),
                                    minato_search_language())


# Staff progress (issue 6) ---------------------------------------------------------------------

def minato_progress_last_updated(pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    """Who last changed the initiative's progress or indicators, and when, from its activity
    stream: ``{"user": {name, display_name}, "timestamp": datetime}`` or ``None``."""
    from . import audit

    try:
        import ckan.model as model
        from ckanext.activity.model import Activity
    except ImportError:  # activity plugin not installed
        return None
    if not pkg or not pkg.get("id"):
        return None
    rows = (model.Session.query(Activity, model.User)
            .outerjoin(model.User, model.User.id == Activity.user_id)
            .filter(Activity.object_id == pkg["id"],
                    Activity.activity_type.in_(["new package", "changed package"]))
            .order_by(Activity.timestamp.desc()).limit(50).all())
    stream = [{"package": (activity.data or {}).get("package") or {},
               "timestamp": activity.timestamp,
               "user": {"name": user.name if user else "",
                        "display_name": (user.display_name if user else "")}}
              for activity, user in rows]
    found = audit.last_progress_change(stream)
    if found is None:
        return None
    return {"user": found["user"], "timestamp": found["timestamp"]}


def minato_form_repeating(data: dict[str, Any], field_name: str) -> dict[str, Any]:
    """``data`` with the repeating field rebuilt from the posted form inputs
    ``<field>-<n>-<subfield>``. When a form is shown again after a validation error, CKAN's edit
    view merges the posted inputs into the stored dataset, so without this the repeating groups
    would show the stored values instead of what the editor typed."""
    prefix = f"{field_name}-"
    groups: dict[int, dict[str, Any]] = {}
    for key, item in (data or {}).items():
        if not isinstance(key, str) or not key.startswith(prefix):
            continue
        parts = key.split("-", 2)
        if len(parts) == 3 and re.fullmatch(r"[0-9]+", parts[1]):
            groups.setdefault(int(parts[1]), {})[parts[2]] = item
    if not groups:
        return data
    return dict(data, **{field_name: [groups[i] for i in sorted(groups)]})
