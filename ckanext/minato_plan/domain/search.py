"""Search parameters and facet labels for dataset search.

CKAN 2.12 sends free-text searches to Solr's ``dismax`` parser
on the fields ``name^4 title^4 tags^2 groups^2 text`` (``ckan.lib.search.query``) and offers
no setting for either. The Japanese-aware Solr schema (tools/solr/schema-ja.xml) adds
CJK-bigram twins of the title and of the catch-all text (``title_cjk``, ``text_cjk``) that find
parts of Japanese compounds; ``query_params`` adds them to a search, and chooses the
configset's ``edismax_or`` parser, unless the caller chose its own ``qf`` or ``defType``. Like
``edismax``, it analyses the whole query per field and applies the minimum-match (``mm``) to
the words it yields: a Japanese query with no spaces (標準化 = 標準 + 化) must match its words
together, where ``dismax`` would take any one of them (化 alone matches every 〜化 in the plan).

The facet labels come from the plan model, so that a facet item reads
「1-1 「新しい生活様式」に対応した…」 (or its English title) instead of a bare code.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from . import labels
from .identifiers import PLAN_DATASET_TYPES
from .plan import Plan

@dataclass(frozen=True)
class QuerySettings:
    """How free-text dataset searches are sent to Solr (ckanext.minato_plan.search.*)."""
    qf: str = ""           # query fields; "" keeps CKAN's
    def_type: str = ""     # query parser; "" keeps CKAN's dismax
    mm: str = ""           # minimum should match; "" keeps CKAN's (2<-1 5<80%)


#: The order of a free-text search nobody chose an order for: CKAN's "Relevance" option of the
#: search page (the same string, so the page shows it selected). The portal's
#: ``ckan.search.default_package_sort`` (name order) still orders lists without words.
RELEVANCE_SORT = "score desc, metadata_modified desc"


def is_free_text(q: Any) -> bool:
    """Whether ``q`` is words typed into a search box: not empty, not CKAN's match-all, no
    field (``tags:x``, which CKAN sends to the standard parser) and no local parameters."""
    if not isinstance(q, str) or not q.strip():
        return False
    return ":" not in q and "{!" not in q and q.strip() not in ('""', "''")


#: A word of Latin letters and digits that the tokenizer cuts into pieces: letters next to digits
#: (5G, R3, a1b2c3d4) or parts joined by - _ . / (COVID-19, 2023-04, Wi-Fi 6).
_CODE_WORD = re.compile(r"[A-Za-z0-9]+(?:[-_./]?[A-Za-z0-9]+)*")
_LETTER_DIGIT = re.compile(r"[A-Za-z][0-9]|[0-9][A-Za-z]|[A-Za-z0-9][-_./][A-Za-z0-9]")


def is_code_word(word: str) -> bool:
    """Whether ``word`` (full- or half-width) is a code or number such as 5G, COVID-19 or
    2023-04: its pieces mean something only together."""
    folded = unicodedata.normalize("NFKC", word)
    return bool(_CODE_WORD.fullmatch(folded) and _LETTER_DIGIT.search(folded))


def quote_code_words(q: str) -> str:
    """``q`` with its code words in quotes, so that Solr matches their pieces as a phrase and
    not one by one under ``mm`` (5G would otherwise find every text with a G, a1b2c3d4 every
    rating A, B, C or D). Queries that already use quotes are left as typed."""
    if '"' in q:
        return q
    return " ".join(f'"{w}"' if is_code_word(w) else w for w in q.split())


def query_params(search_params: dict[str, Any], settings: QuerySettings) -> dict[str, Any]:
    """``search_params`` with the plugin's ``qf``, ``mm`` and parser where the caller did not
    send them.

    The parser is meant to be the configset's ``edismax_or`` (tools/solr/conf/solrconfig.xml):
    edismax whose words are optional under ``mm`` whatever ``q.op`` CKAN sends (it sends
    ``AND`` with every search, which would make each word required), so that a question's
    「知りたい」 or a word no initiative uses no longer zeroes the result, with a title phrase
    boost when ranked by score. Its settings live in Solr, so the query goes as typed (no
    local parameters for CKAN to parse), code words (5G, COVID-19) as phrases
    (``quote_code_words``).

    Free text without a chosen order (``sort`` absent or CKAN's ``rank``) is ranked by
    relevance (``RELEVANCE_SORT``)."""
    managed = bool(settings.qf.strip() or settings.def_type.strip())
    q = search_params.get("q")
    if managed and is_free_text(q) and search_params.get("sort") in (None, "", "rank"):
        search_params["sort"] = RELEVANCE_SORT
    if settings.qf.strip() and not search_params.get("qf"):
        search_params["qf"] = " ".join(settings.qf.split())
    if settings.mm.strip() and not search_params.get("mm"):
        search_params["mm"] = settings.mm.strip()
    parser = settings.def_type.strip()
    if parser and not search_params.get("defType"):
        search_params["defType"] = parser
        if is_free_text(q):
            search_params["q"] = quote_code_words(q.strip())
    return search_params


def is_unknown_parser(message: Any, parser: str) -> bool:
    """Whether a Solr error says it has no query parser named ``parser`` (a core whose
    configset is not this project's, e.g. CKAN's stock one, has no ``edismax_or``)."""
    return bool(parser) and f"invalid query parser '{parser}'" in str(message)


#: Fields whose query analysis expands synonyms (the text type of tools/solr/schema-ja.xml).
SYNONYM_FIELDS = frozenset({"title", "text"})

#: Solr's refusal of a query with more clauses than its maxBooleanClauses.
TOO_MANY_CLAUSES = ("too many nested clauses", "too many clauses", "maxclausecount")


def is_too_many_clauses(message: Any) -> bool:
    """Whether a Solr error says the query had too many clauses (a long query whose words all
    have many synonyms)."""
    text = str(message).lower()
    return any(marker in text for marker in TOO_MANY_CLAUSES)


def without_synonyms(settings: QuerySettings) -> str:
    """The ``qf`` of ``settings`` without the fields that expand synonyms, for a query Solr
    refused as too large: the bigram and reading fields still find its words."""
    fields = [f for f in settings.qf.split() if f.split("^")[0] not in SYNONYM_FIELDS]
    return " ".join(fields) or "text_cjk"


#: At most this many "did you mean" suggestions; longer queries get none (a question is not
#: misspelt as a whole).
MAX_SUGGESTIONS = 3
MAX_SUGGESTED_QUERY = 100


def collations(spellcheck: Any, query: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """The corrected queries of a Solr spellcheck answer (``collations``, as a flat
    name/value list or as objects), without the query itself and without repeats."""
    if not isinstance(spellcheck, dict):
        return []
    raw = spellcheck.get("collations") or []
    values: list[Any] = []
    if isinstance(raw, dict):
        raw = [item for pair in raw.items() for item in pair]
    for i, item in enumerate(raw):
        if item == "collation" and i + 1 < len(raw):
            values.append(raw[i + 1])
    out: list[str] = []
    for value in values:
        text = value.get("collationQuery") if isinstance(value, dict) else value
        if isinstance(text, str) and text.strip() and text.strip() != query.strip() \
                and text.strip() not in out:
            out.append(text.strip())
    return out[:limit]


# Facet fields of dataset search: (index field, title ja, title en). The index fields are
# written by indexing.py.
FACETS: tuple[tuple[str, str, str], ...] = (
    ("plan_id", "計画", "Plan"),
    ("guideline_no", "情報化指針", "Guideline"),
    ("measure_code", "施策", "Measure"),
    ("new_or_continued", "新規・継続", "New or continued"),
    ("latest_status", "最新の進捗状況", "Latest progress status"),
    ("latest_rating", "最新の評価", "Latest rating"),
)


def facet_titles(lang: str, plan_count: int = 1) -> dict[str, str]:
    """Facet field -> title in ``lang`` ("ja" or "en"), in display order; the plan facet only
    where the portal has more than one plan."""
    return {field: (en if lang == "en" else ja) for field, ja, en in FACETS
            if field != "plan_id" or plan_count > 1}


def plan_label(plan: Plan) -> tuple[str, str]:
    """A plan as a facet item names it: its short title and period (ja, en)."""
    return (f"{plan.short_title.ja}（{plan.start_fiscal_year}〜{plan.end_fiscal_year}年度）",
            f"{plan.short_title.en} (FY{plan.start_fiscal_year}–FY{plan.end_fiscal_year})")


def facet_labels(plans: Sequence[Plan], organization: Optional[str] = None
                 ) -> dict[str, dict[str, tuple[str, str]]]:
    """Facet field -> value -> (label ja, label en), from the plan models. Where plans share a
    value (measure ``1-1``, guideline 1), the first plan's label is the one shown."""
    out: dict[str, dict[str, tuple[str, str]]] = {
        "plan_id": {p.id: plan_label(p) for p in plans},
        "guideline_no": {}, "measure_code": {},
        "new_or_continued": dict(labels.NEW_OR_CONTINUED),
        "latest_status": dict(labels.STATUSES),
        "latest_rating": {code: (labels.rating_label(code, "ja"), labels.rating_label(code, "en"))
                          for code in labels.RATINGS},
        "groups": {}, "organization": {},
    }
    for plan in reversed(plans):
        out["guideline_no"].update({str(g.number): (f"{g.number} {g.title.ja}",
                                                    f"{g.number} {g.title.en}")
                                    for g in plan.guidelines})
        out["measure_code"].update({m.code: (f"{m.code} {m.title.ja}", f"{m.code} {m.title.en}")
                                    for m in plan.measures})
        # CKAN's own facets on the guideline groups and the organizations (CKAN shows their
        # Japanese titles in both languages)
        out["groups"].update({g.group_name: (f"情報化指針{g.number} {g.title.ja}",
                                             f"Guideline {g.number}: {g.title.en}")
                              for g in plan.guidelines})
        out["organization"][organization or plan.organization] = (plan.municipality_name.ja,
                                                                   plan.municipality_name.en)
    return out


def label_facet_items(search_facets: dict[str, Any], plans: Sequence[Plan], lang: str,
                      organization: Optional[str] = None) -> dict[str, Any]:
    """Sets ``display_name`` of the plan's facet items (package_search's ``search_facets``)
    to their label in ``lang``; unknown values keep the value itself."""
    labels = facet_labels(plans, organization)
    for field, values in labels.items():
        for item in (search_facets.get(field) or {}).get("items", []):
            pair = values.get(str(item.get("name")))
            if pair:
                item["display_name"] = pair[1] if lang == "en" else pair[0]
    return search_facets


def shows_plan_facets(package_type: Any = None, group_name: Any = None,
                      organization_name: Any = None, plans: Sequence[Plan] = (),
                      organizations: Sequence[str] = ()) -> bool:
    """Whether a search page is the plans': a search of initiatives or plans, a guideline
    group's page, or the page of an organization that owns a plan."""
    if package_type in PLAN_DATASET_TYPES:
        return True
    if group_name is not None:
        return group_name in {g.group_name for plan in plans for g in plan.guidelines}
    organizations = organizations or [plan.organization for plan in plans]
    return organization_name is not None and organization_name in organizations
