"""Search parameters and facet labels for dataset search.

CKAN 2.12 sends free-text searches to Solr's ``dismax`` parser
on the fields ``name^4 title^4 tags^2 groups^2 text`` (``ckan.lib.search.query``) and offers
no setting for either. The Japanese-aware Solr schema (tools/solr/schema-ja.xml) adds
CJK-bigram twins of the title and of the catch-all text (``title_cjk``, ``text_cjk``) that find
parts of Japanese compounds; ``query_params`` adds them to a search, and chooses ``edismax``,
unless the caller chose its own ``qf`` or ``defType``. ``edismax`` analyses the whole query per
field and applies CKAN's minimum-match (``mm``) to the words it yields: a Japanese query with
no spaces (標準化 = 標準 + 化) must match its words together, where ``dismax`` would take any
one of them (化 alone matches every 〜化 in the plan).

The facet labels come from the plan model, so that a facet item reads
「1-1 「新しい生活様式」に対応した…」 (or its English title) instead of a bare code.
"""
from __future__ import annotations

from typing import Any, Optional

from . import labels
from .identifiers import ORGANIZATION_NAME, PLAN_DATASET_TYPES
from .plan import Plan

def query_params(search_params: dict[str, Any], qf: Optional[str],
                 def_type: Optional[str]) -> dict[str, Any]:
    """``search_params`` with ``qf`` and ``defType`` set to ``qf`` and ``def_type`` where the
    caller did not send them. An empty ``qf`` or ``def_type`` leaves CKAN's own."""
    if qf and qf.strip() and not search_params.get("qf"):
        search_params["qf"] = " ".join(qf.split())
    if def_type and def_type.strip() and not search_params.get("defType"):
        search_params["defType"] = def_type.strip()
    return search_params


# Facet fields of dataset search: (index field, title ja, title en). The index fields are
# written by indexing.py.
FACETS: tuple[tuple[str, str, str], ...] = (
    ("guideline_no", "情報化指針", "Guideline"),
    ("measure_code", "施策", "Measure"),
    ("new_or_continued", "新規・継続", "New or continued"),
    ("latest_status", "最新の進捗状況", "Latest progress status"),
    ("latest_rating", "最新の評価", "Latest rating"),
)


def facet_titles(lang: str) -> dict[str, str]:
    """Facet field -> title in ``lang`` ("ja" or "en"), in display order."""
    return {field: (en if lang == "en" else ja) for field, ja, en in FACETS}


def facet_labels(plan: Plan, organization: str = ORGANIZATION_NAME
                 ) -> dict[str, dict[str, tuple[str, str]]]:
    """Facet field -> value -> (label ja, label en), from the plan model."""
    return {
        "guideline_no": {str(g.number): (f"{g.number} {g.title.ja}", f"{g.number} {g.title.en}")
                         for g in plan.guidelines},
        "measure_code": {m.code: (f"{m.code} {m.title.ja}", f"{m.code} {m.title.en}")
                         for m in plan.measures},
        "new_or_continued": dict(labels.NEW_OR_CONTINUED),
        "latest_status": dict(labels.STATUSES),
        "latest_rating": {code: (labels.rating_label(code, "ja"), labels.rating_label(code, "en"))
                          for code in labels.RATINGS},
        # CKAN's own facets on the guideline groups and the ward (CKAN shows their Japanese
        # titles in both languages)
        "groups": {g.group_name: (f"情報化指針{g.number} {g.title.ja}",
                                  f"Guideline {g.number}: {g.title.en}")
                   for g in plan.guidelines},
        "organization": {organization: (plan.municipality_name.ja,
                                        plan.municipality_name.en)},
    }


def label_facet_items(search_facets: dict[str, Any], plan: Plan, lang: str,
                      organization: str = ORGANIZATION_NAME) -> dict[str, Any]:
    """Sets ``display_name`` of the plan's facet items (package_search's ``search_facets``)
    to their label in ``lang``; unknown values keep the value itself."""
    labels = facet_labels(plan, organization)
    for field, values in labels.items():
        for item in (search_facets.get(field) or {}).get("items", []):
            pair = values.get(str(item.get("name")))
            if pair:
                item["display_name"] = pair[1] if lang == "en" else pair[0]
    return search_facets


def shows_plan_facets(package_type: Any = None, group_name: Any = None,
                      organization_name: Any = None, plan: Plan = None,
                      organization: str = ORGANIZATION_NAME) -> bool:
    """Whether a search page is the plan's: a search of initiatives or plans, a guideline
    group's page, or the page of the organization that owns the plan."""
    if package_type in PLAN_DATASET_TYPES:
        return True
    if group_name is not None and plan is not None:
        return group_name in {g.group_name for g in plan.guidelines}
    return organization_name is not None and organization_name == organization
