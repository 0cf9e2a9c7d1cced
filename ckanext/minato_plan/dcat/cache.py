"""Cache of the serialized catalog (``/catalog.ttl`` and the other formats) and of the datasets'
schema.org JSON-LD (the structured data of each dataset page) in Redis.

Regenerating the catalog serializes every dataset of the page (one Solr query for the datasets,
then the RDF profile on each); a cached catalog is one small Solr query and one Redis read.

Invalidation: the cache key contains the state of the search index as the catalog sees it, the
number of public datasets and the newest ``metadata_modified``, read *before* the catalog is
built. Every dataset create, update (resources included: CKAN updates the dataset) and delete
changes one of the two, so the next request after any dataset change builds and stores a new
entry; the old ones are never read again and expire after ``catalog_cache_ttl`` seconds. The key
also contains the request (format, page, filters, path), the site address, the RDF profiles
configured and a fingerprint of the code and data that shape the output, so neither a new
deployment nor a configuration change serves an old catalog. A dataset page's JSON-LD is keyed
by the whole dataset dict it is made from, so every node of a cluster finds the same entry and
no node serves one made before a change.
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk

from .. import config
from ..logic.cache import cached_text, digest, package_fingerprint, search_state, site_key

KEY_PREFIX = "ckanext-minato_plan:dcat-catalog:"
DATASET_KEY_PREFIX = "ckanext-minato_plan:dcat-dataset:"
_REQUEST_KEYS = ("format", "page", "modified_since", "q", "fq", "profiles")
_CONFIG_KEYS = ("ckan.site_url", "ckanext.dcat.base_uri", "ckanext.dcat.rdf.profiles",
                "ckanext.dcat.datasets_per_page", "ckan.site_title", "ckan.locale_default",
                "licenses_group_url", "ckanext.dcat.resource.inherit.license",
                "ckanext.dcat.structured_data.profiles")


def _config_fingerprint() -> str:
    values = {key: str(tk.config.get(key)) for key in _CONFIG_KEYS}
    values.update(config.dcat_options())
    return digest(values)


def index_state() -> str:
    """The number of public datasets and the newest ``metadata_modified``, as the catalog's own
    search sees them."""
    return search_state({"ignore_auth": True})


def cache_key(data_dict: dict[str, Any]) -> str:
    request = {key: data_dict.get(key) for key in _REQUEST_KEYS}
    try:
        request["path"] = tk.request.path
    except (RuntimeError, AttributeError, TypeError):  # no request (CLI, jobs)
        request["path"] = None
    return _key(KEY_PREFIX, [index_state(), request])


def _key(prefix: str, parts: Any) -> str:
    return site_key(prefix, [package_fingerprint(), _config_fingerprint(), parts])


def _cached(key: Callable[[], str], build: Callable[[], str]) -> str:
    """``build()``'s text, from Redis under ``key()`` for ``catalog_cache_ttl`` seconds."""
    return cached_text(key, build, config.catalog_cache_ttl(), what="RDF cache")


def cached_catalog(data_dict: dict[str, Any], build: Callable[[], str]) -> str:
    """The serialized catalog for ``data_dict`` (the ``dcat_catalog_show`` parameters): from
    Redis when the index has not changed since it was stored, else built by ``build``."""
    return _cached(lambda: cache_key(data_dict), build)


def cached_dataset_serialization(dataset_dict: dict[str, Any], variant: Any,
                                 build: Callable[[], str]) -> str:
    """One dataset's serialization (the schema.org JSON-LD of its page), from Redis while
    nothing it is made from has changed: the key holds the whole dataset dict as the page
    received it (any edit, of the dataset or of its organization's title, makes a new key),
    ``variant`` (profiles, page language) and the code's and configuration's fingerprints."""
    return _cached(lambda: _key(DATASET_KEY_PREFIX, [dataset_dict, variant]), build)
