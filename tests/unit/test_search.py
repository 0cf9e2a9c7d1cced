"""The query parameters the plugin gives free-text dataset searches (domain/search.py)."""
from ckanext.minato_plan.domain import search

SETTINGS = search.QuerySettings(qf="name^4 title^4 title_cjk^2 text text_cjk text_reading^0.5",
                                def_type="edismax_or", mm="1<-1 3<50%")


def test_free_text_goes_as_typed_to_the_configsets_parser():
    params = search.query_params({"q": "  子育て 支援 "}, SETTINGS)
    assert params["q"] == "子育て 支援"   # no local parameters: nothing for CKAN to parse
    assert params["defType"] == "edismax_or"
    assert params["mm"] == "1<-1 3<50%"
    assert params["qf"] == SETTINGS.qf


def test_fielded_empty_and_parser_queries_are_left_as_sent():
    for q in ("tags:economy", "", "*:*", "{!edismax}x", '""'):
        params = search.query_params({"q": q}, SETTINGS)
        assert params["q"] == q
        assert params["defType"] == "edismax_or"


def test_the_callers_own_parameters_are_kept():
    params = search.query_params({"q": "x", "qf": "name", "defType": "dismax", "mm": "100%"},
                                 SETTINGS)
    assert params == {"q": "x", "qf": "name", "defType": "dismax", "mm": "100%",
                      "sort": search.RELEVANCE_SORT}


def test_words_without_a_chosen_order_are_ranked_by_relevance():
    for sort in (None, "", "rank"):
        params = search.query_params({"q": "子育て", "sort": sort}, SETTINGS)
        assert params["sort"] == "score desc, metadata_modified desc"
    for q in ("", "*:*", "tags:economy"):   # lists without words keep the portal's order
        assert search.query_params({"q": q}, SETTINGS).get("sort") is None


def test_an_order_the_user_chose_is_kept():
    params = search.query_params({"q": "子育て 支援", "sort": "title_string asc"}, SETTINGS)
    assert params["sort"] == "title_string asc"
    assert params["q"] == "子育て 支援"


def test_empty_settings_keep_ckans_own_query():
    assert search.query_params({"q": "x"}, search.QuerySettings()) == {"q": "x"}


def test_too_large_queries_are_recognised_and_asked_without_synonym_fields():
    assert search.is_too_many_clauses(
        "Solr responded with an error (HTTP 500): [Reason: Query contains too many nested "
        "clauses; maxClauseCount is set to 1024]")
    assert not search.is_too_many_clauses("undefined field foo")
    assert search.without_synonyms(SETTINGS) == "name^4 title_cjk^2 text_cjk text_reading^0.5"
    assert search.without_synonyms(search.QuerySettings(qf="title text")) == "text_cjk"


def test_collations_are_the_corrected_queries_without_the_query_itself():
    flat = {"collations": ["collation", "テレワーク", "collation", "テレワーク", "collation", "x"]}
    assert search.collations(flat, "x") == ["テレワーク"]
    extended = {"collations": ["collation", {"collationQuery": "library", "hits": 2}]}
    assert search.collations(extended, "librery") == ["library"]
    assert search.collations({}, "x") == [] and search.collations(None, "x") == []


def test_code_words_are_sent_as_phrases_and_other_words_as_typed():
    params = search.query_params({"q": "５Ｇ 基地局　COVID-19 a1b2c3d4 2023-04 2023 Wi-Fi"}, SETTINGS)
    assert params["q"] == '"５Ｇ" 基地局 "COVID-19" "a1b2c3d4" "2023-04" 2023 "Wi-Fi"'
    assert search.quote_code_words('"5G" R3') == '"5G" R3'    # the user's own quotes win
    for word in ("令和3年度", "-5G", "G", "2023", "テレワーク", "A-"):
        assert not search.is_code_word(word), word
