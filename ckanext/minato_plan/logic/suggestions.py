"""Spelling suggestions for the search page ("もしかして / Did you mean"), from the /spell handler
of the project's Solr configuration (tools/solr/conf/solrconfig.xml). Only corrected queries
that Solr checked to find public datasets of this site are offered, so a suggestion never
names a word that only private datasets hold. Suggestions are optional: without the handler
(CKAN's stock Solr configuration) or with Solr unreachable there are none."""
from __future__ import annotations

import logging

from ckan.lib.search.common import make_connection
from ckan.lib.search.query import solr_literal
from ckan.plugins import toolkit as tk

from ..domain import search

log = logging.getLogger(__name__)


def suggestions(q: str) -> list[str]:
    """Up to three corrected queries for ``q`` that find something; [] when there are none."""
    if not search.is_free_text(q) or len(q) > search.MAX_SUGGESTED_QUERY:
        return []
    fq = [f"+site_id:{solr_literal(tk.config.get('ckan.site_id'))}", "+state:active",
          "+capacity:public"]
    try:
        answer = make_connection(decode_dates=False).search(
            q.strip(), search_handler="spell", fq=fq, **{"spellcheck.q": q.strip()})
    except Exception as err:  # optional: any failure means no suggestion
        log.debug("no spelling suggestions for %r: %r", q, err)
        return []
    return search.collations(answer.spellcheck, q)
