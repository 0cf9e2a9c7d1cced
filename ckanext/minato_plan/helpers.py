"""Template helpers (registered by ``toolkit.blanket.helpers``).

The ``*_choices`` helpers feed the scheming select fields from the plan model and its code
lists, so the choices are written once and never repeated in the schemas. Labels, texts and
truthiness come from :mod:`.domain`; the helpers only add the current language.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from ckan.plugins import toolkit as tk

from . import config
from .domain import charts, distributions, labels, links, pages, review, search, text
from .domain.text import LANGUAGES
from .domain.tables import columns as table_columns
from .domain.tables.formats import VARIANTS
from .domain.plan import Plan
from .dcat import cache as dcat_cache
from .logic import activity, plans, suggestions
from .logic.initiatives import measure_items

__all__ = [
    "minato_guideline_choices",
    "minato_measure_choices",
    "minato_new_or_continued_choices",
    "minato_status_choices",
    "minato_rating_choices",
    "minato_indicator_kind_choices",
    "minato_indicator_direction_choices",
    "minato_fiscal_year_choices",
    "minato_translated",
    "minato_current_language",
    "minato_translated_dict",
    "minato_fiscal_year_label",
    "minato_status_label",
    "minato_rating_label",
    "minato_new_or_continued_label",
    "minato_indicator_kind_label",
    "minato_indicator_direction_label",
    "minato_percent",
    "minato_is_true",
    "minato_language_links",
    "minato_initiative_page",
    "minato_overview_url",
    "minato_report_url",
    "minato_review_url",
    "minato_review_enabled",
    "minato_may_review_plan",
    "minato_review_step_label",
    "minato_progress_by_review",
    "minato_plan_of",
    "minato_plan_count",
    "minato_continuity",
    "minato_chart_colour",
    "minato_search_language",
    "minato_facet_titles",
    "minato_label_facet_items",
    "minato_plan_facets_here",
    "minato_progress_last_updated",
    "minato_form_repeating",
    "minato_download_matrix",
    "minato_portal_name",
    "minato_narrow_chart",
    "minato_plan_outline",
    "minato_search_suggestions",
    "minato_light_scripts",
    "minato_structured_data",
]


def _pairs(choices: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"value": code, "label": labels.label_dict(choices, code)} for code in choices]


def _form_plan() -> Plan:
    """The plan of the dataset a form edits (its name in the URL), else the current plan."""
    return plans.of_dataset(_page_id()) or plans.current()


def minato_guideline_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return [{"value": g.number,
             "label": {"ja": f"{g.number} {g.title.ja}", "en": f"{g.number} {g.title.en}"}}
            for g in _form_plan().guidelines]


def minato_measure_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return [{"value": m.code,
             "label": {"ja": f"{m.code} {m.title.ja}", "en": f"{m.code} {m.title.en}"}}
            for m in _form_plan().measures]


def minato_new_or_continued_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return _pairs(labels.NEW_OR_CONTINUED)


def minato_status_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return _pairs(labels.STATUSES)


def minato_rating_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return [{"value": code, "label": labels.rating_label_dict(code)} for code in labels.RATINGS]


def minato_indicator_kind_choices(field: Optional[dict[str, Any]] = None
                                  ) -> list[dict[str, Any]]:
    return _pairs(labels.INDICATOR_KINDS)


def minato_indicator_direction_choices(field: Optional[dict[str, Any]] = None
                                       ) -> list[dict[str, Any]]:
    return _pairs(labels.INDICATOR_DIRECTIONS)


def minato_fiscal_year_choices(field: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    return [{"value": fy, "label": labels.fiscal_year_label_dict(fy, "choice")}
            for fy in _form_plan().fiscal_years]


def minato_current_language() -> str:
    lang = tk.h.lang() or "ja"
    return "en" if lang.startswith("en") else "ja"


def minato_translated(value: Any, lang: Optional[str] = None) -> str:
    """The text of a ``{"ja", "en"}`` value in the current language, falling back to the
    other language rather than showing nothing."""
    return text.pick(value, lang or minato_current_language())


def minato_translated_dict(value: Any) -> dict[str, str]:
    """A stored ``{"ja", "en"}`` value as a dict (it may arrive as a JSON string)."""
    return text.text_dict(value)


# Pages (plan overview, initiative page, header) ---------------------------------------------

def minato_fiscal_year_label(fiscal_year: Any, short: bool = False) -> str:
    """``令和5年度（2023年度）`` (short: ``令和5年度``) in Japanese, ``FY2023`` in English."""
    fy = text.optional_int(fiscal_year)
    if fy is None:
        return "" if fiscal_year is None else str(fiscal_year)
    return labels.fiscal_year_label(fy, minato_current_language(), "short" if short else "long")


def minato_status_label(code: Optional[str]) -> str:
    """A progress status (or the overview's "no record") in the current language."""
    return labels.status_label(code, minato_current_language())


def minato_rating_label(code: Optional[str]) -> str:
    """``A 達成`` / ``A On plan``."""
    return labels.rating_label(code, minato_current_language())


def minato_new_or_continued_label(code: Optional[str]) -> str:
    return labels.new_or_continued_label(code, minato_current_language())


def minato_indicator_kind_label(code: Optional[str]) -> str:
    return labels.label(labels.INDICATOR_KINDS, code, minato_current_language()) or (code or "")


def minato_indicator_direction_label(code: Optional[str]) -> str:
    return (labels.label(labels.INDICATOR_DIRECTIONS, code, minato_current_language())
            or (code or ""))


def minato_percent(value: Any) -> str:
    """An achievement in percent (``95.0%``), ``–`` without one."""
    return "–" if value is None else f"{value}%"


def minato_is_true(value: Any) -> bool:
    """Whether a stored or posted flag is set (the one truthiness rule of the extension)."""
    return text.is_true(value)


#: Each language in its own name (the language switcher).
LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}


def language_locales() -> list[tuple[str, str]]:
    """(language, ``locale`` argument of ``url_for``) of each language of the plan's pages, the
    site's default language first (its pages have no language prefix: ``locale="default"``)."""
    default = tk.config.get("ckan.locale_default") or "ja"
    codes = sorted(LANGUAGES, key=lambda code: code != default)
    return [(code, "default" if code == default else code) for code in codes]


def minato_language_links() -> list[dict[str, Any]]:
    """Links to the current page in each offered language (the header's language switcher;
    plain links, so switching works without JavaScript). A current address that is not a plain
    path of this site (``/en//other.example/x``) links to the language's home page."""
    current = minato_current_language()
    path = tk.h.current_url()
    if not links.is_same_site_path(path):
        path = "/"
    out = []
    for code, locale in language_locales():
        label = LANGUAGE_NAMES[code]
        url = tk.h.url_for(path, locale=locale)
        if not links.is_same_site_path(url):
            url = tk.h.url_for("/", locale=locale)
        out.append({"code": code, "label": label, "current": code == current, "url": url})
    return out


def minato_initiative_page(pkg: dict[str, Any]) -> pages.InitiativePage:
    """What an initiative's page shows besides CKAN's own parts: its place in the plan, its
    progress by fiscal year, its indicators and the other initiatives of its measure."""
    measure_code = str(pkg.get("measure_code") or "")
    plan = plans.of_dataset(pkg) or plans.current()
    same_measure = (measure_items(plan, measure_code)
                    if measure_code in {m.code for m in plan.measures} else [])
    return pages.initiative_page(plan, pkg, same_measure)


def _plan_id_arg(plan_id: Optional[str]) -> dict[str, str]:
    # The current plan's pages have no plan id in their address.
    return {} if not plan_id or plan_id == plans.current().id else {"plan_id": plan_id}


def minato_overview_url(plan_id: Optional[str] = None) -> str:
    """The overview of a plan: ``/plan-overview`` for the current plan, as it always was;
    ``/plan-overview/<plan id>`` for the others."""
    return tk.h.url_for("minato_plan.overview", **_plan_id_arg(plan_id))


def minato_report_url(plan_id: Optional[str] = None, fiscal_year: Optional[int] = None,
                      pdf: bool = False, **kwargs: Any) -> str:
    """A plan's annual progress report: of ``fiscal_year`` (``/plan-report/2025``, its PDF
    ``/plan-report/2025.pdf``), or of its newest year with progress (``/plan-report``); another
    plan's under ``/plan-report/<plan id>/…``."""
    if fiscal_year is None:
        return tk.h.url_for("minato_report.latest", **_plan_id_arg(plan_id), **kwargs)
    return tk.h.url_for("minato_report.pdf" if pdf else "minato_report.page",
                        fiscal_year=fiscal_year, **_plan_id_arg(plan_id), **kwargs)


def minato_review_url(plan_id: Optional[str] = None, fiscal_year: Optional[int] = None,
                      initiative: Optional[int] = None, step: Optional[str] = None,
                      **kwargs: Any) -> str:
    """A plan's yearly evaluation: ``/plan-review`` (the current fiscal year),
    ``/plan-review/2025``, an initiative's draft ``/plan-review/2025/initiative/7``, a step's
    form target ``/plan-review/2025/submit``; another plan's under ``/plan-review/<plan id>/…``."""
    args = dict(_plan_id_arg(plan_id), **kwargs)
    if fiscal_year is None:
        return tk.h.url_for("minato_review.current", **args)
    if initiative is not None:
        return tk.h.url_for("minato_review.draft", fiscal_year=fiscal_year,
                            number=initiative, **args)
    if step is not None:
        return tk.h.url_for("minato_review.step", fiscal_year=fiscal_year, name=step, **args)
    return tk.h.url_for("minato_review.page", fiscal_year=fiscal_year, **args)


def minato_review_enabled() -> bool:
    return config.review_enabled()


def minato_may_review_plan(plan_id: Optional[str] = None) -> bool:
    """Whether the user may open a plan's yearly evaluation (its staff and reviewers)."""
    if not config.review_enabled() or not tk.g.get("user"):
        return False
    try:
        tk.check_access("minato_plan_evaluation_show", {"user": tk.g.user},
                        {"plan_id": plan_id} if plan_id else {})
        return True
    except tk.NotAuthorized:
        return False


def minato_progress_by_review() -> bool:
    """Whether the user records progress as drafts of the yearly evaluation (not in the
    initiative's form): the review is on and the user is not a sysadmin."""
    user = tk.g.get("userobj")
    return config.review_enabled() and not (user is not None and user.sysadmin)


def minato_review_step_label(name: str) -> str:
    return review.step_label(name, minato_current_language())


def minato_plan_count() -> int:
    return len(plans.portal())


def minato_plan_of(pkg: dict[str, Any]) -> Optional[Plan]:
    """The plan a plan or initiative dataset belongs to (None for any other dataset)."""
    return plans.of_dataset(pkg)


def minato_continuity(pkg: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """An initiative's links to the initiatives of the portal's other plans: ``before`` (the
    ones it carries on or that were merged into it) and ``after`` (the ones that carry it on or
    that it was merged into), each with ``relation`` (continued, merged), ``plan``, ``number``,
    ``title`` and ``name``; empty lists when its plan names none."""
    plan = plans.of_dataset(pkg)
    out: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    if plan is None or pkg.get("type") != "initiative":
        return out
    portal = plans.portal()
    number = int(pkg.get("initiative_no") or 0)
    for link, earlier in portal.predecessors(plan.id, number):
        out["before"].append({"relation": link.relation, "plan": portal.get(link.plan_id),
                              "number": earlier.number, "title": earlier.title,
                              "name": earlier.name})
    for plan_id, later, relation in portal.successors(plan.id, number):
        out["after"].append({"relation": relation, "plan": portal.get(plan_id),
                             "number": later.number, "title": later.title, "name": later.name})
    return out


def minato_chart_colour(category: str) -> str:
    return charts.colour(category)


# Dataset search facets (labels from the plan model; see domain/search.py) ------------------

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
    return search.facet_titles(minato_search_language(), len(plans.portal()))


def minato_label_facet_items(search_facets: dict[str, Any]) -> dict[str, Any]:
    """package_search's ``search_facets`` with the plan's facet items labelled in the current
    language (``1-1 「新しい生活様式」に対応した…`` / ``1-1 High-quality …``)."""
    return search.label_facet_items(search_facets, _plans_first_current(),
                                    minato_search_language(), config.organization_option())


def _plans_first_current() -> list[Plan]:
    current = plans.current()
    return [current] + [p for p in plans.portal() if p.id != current.id]


def _page_id() -> Optional[str]:
    try:
        return (tk.request.view_args or {}).get("id")
    except (RuntimeError, AttributeError, TypeError):  # outside a request
        return None


def minato_plan_facets_here(package_type: Any = None, page: str = "dataset") -> bool:
    """Whether the current search page shows the plan's facets: searches of initiatives and
    plans, the guideline groups' pages and the page of the plan's organization; not the
    portal's other datasets, groups and organizations."""
    if page == "group":
        return search.shows_plan_facets(group_name=_page_id(), plans=list(plans.portal()))
    if page == "organization":
        return search.shows_plan_facets(organization_name=_page_id(),
                                        organizations=plans.organizations())
    return search.shows_plan_facets(package_type=package_type)


# Staff progress ---------------------------------------------------------------------------

def minato_progress_last_updated(pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    """Who last changed the initiative's progress or indicators, and when, from its activity
    stream: ``{"user": {name, display_name}, "timestamp": datetime}`` or ``None``."""
    return activity.progress_last_updated(pkg)


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


def minato_download_matrix(resources: Optional[list[dict[str, Any]]]) -> dict[str, Any]:
    """The plan's downloads as a table x file variant matrix, in the current language:
    ``tables`` (the columns: name, title), ``variants`` (the rows: suffix, format, label, and
    ``urls`` by table name) and ``others``, the resources outside the matrix (data package,
    column dictionaries)."""
    lang = minato_current_language()
    urls: dict[tuple[str, str], str] = {}
    others = []
    for res in resources or []:
        parsed = distributions.parse_plan_data_url(res.get("url") or "")
        table, _, suffix = (parsed[1] if parsed and parsed[0] is None else "").partition(".")
        if table in table_columns.TABLES and suffix in VARIANTS:
            urls[(table, suffix)] = res["url"]
        else:
            others.append(res)
    tables = [t for t in table_columns.TABLES.values()
              if any((t.name, suffix) in urls for suffix in VARIANTS)]
    variants = [{"suffix": v.suffix, "format": v.format,
                 "label": v.label_ja if lang == "ja" else v.label_en,
                 "urls": {t.name: urls.get((t.name, v.suffix)) for t in tables}}
                for v in VARIANTS.values() if any((t.name, v.suffix) in urls for t in tables)]
    return {"tables": [{"name": t.name, "title": t.title(lang)} for t in tables],
            "variants": variants, "others": others}


def minato_light_scripts() -> bool:
    """Whether this page loads only the scripts it uses instead of CKAN's modules
    (``ckanext.minato_plan.light_scripts``): nobody is logged in (staff get CKAN's follow
    button, activity and editing scripts), and no template of the page included a script of its
    own, which would be another extension's widget built on CKAN's modules. CKAN keeps the
    assets a page included so far in ``g._webassets`` (ckan.lib.webassets_tools)."""
    if not config.light_scripts() or tk.current_user.is_authenticated:
        return False
    included = getattr(tk.g, "_webassets", None) or {}
    return not included.get("script")


def minato_structured_data(pkg: dict[str, Any]) -> str:
    """ckanext-dcat's schema.org JSON-LD of a dataset page (its ``structured_data`` helper),
    kept in Redis while the dataset is unchanged: building it loads the RDF profiles and
    serializes a graph, a fifth of an initiative page's time. Empty without that plugin."""
    if "structured_data" not in tk.h:
        return ""
    lang = minato_search_language()
    return dcat_cache.cached_dataset_serialization(
        pkg, ["structured_data", lang], lambda: tk.h.structured_data(pkg))


def minato_portal_name() -> dict[str, str]:
    """The header's text logo in the current language, from the plan's facts: the municipality
    (港区 / Minato City) and the plan's short title without it (情報化推進計画 /
    Informatization Promotion Plan)."""
    plan = plans.current()
    ward = minato_translated(plan.municipality_name)
    name = minato_translated(plan.short_title)
    return {"ward": ward, "plan": name[len(ward):].strip() if name.startswith(ward) else name}


def minato_narrow_chart(chart: charts.BarChart, width: int = 360) -> charts.BarChart:
    """The same bar chart laid out ``width`` wide, for phones (the same bars and counts)."""
    rows = [(bar.key, {seg.category: seg.count for seg in bar.segments}) for bar in chart.bars]
    return charts.bar_chart(rows, width=width, label_width=chart.label_width,
                            bar_height=chart.bar_height)


def minato_plan_outline() -> list[dict[str, Any]]:
    """The plan's guidelines with their measures, for browsing when a search finds nothing."""
    plan = plans.current()
    return [{"number": g.number, "title": g.title.as_dict(), "group_name": g.group_name,
             "measures": [{"code": code, "title": plan.measure(code).title.as_dict()}
                          for code in g.measure_codes]}
            for g in plan.guidelines]


def minato_search_suggestions(q: Any) -> list[str]:
    """Corrected queries that find something, for a search that found few datasets."""
    return suggestions.suggestions(q) if isinstance(q, str) else []
