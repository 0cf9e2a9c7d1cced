"""Text kept in Redis under keys that change whenever what the text is made from changes.

Used for the serialized DCAT catalog and the datasets' JSON-LD (:mod:`..dcat.cache`) and for the
rendered plan overview and the plan actions' results (:mod:`.plan_cache`). No entry is ever
invalidated: a key holds the state it was built from (the search index's count and newest
``metadata_modified``, a whole dataset dict, the language, the configuration, the code), so
every web node of a cluster computes the same key, a change makes a new one, and old entries
expire after their TTL unread.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
from importlib import metadata, resources
from typing import Any, Callable

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

#: The files of the package whose change changes what the pages and serializations show.
_FINGERPRINTED_SUFFIXES = (".py", ".html", ".mo", ".yaml", ".json")


def redis():
    from ckan.lib.redis import connect_to_redis
    return connect_to_redis()


def digest(parts: Any) -> str:
    """A short hash of JSON-serializable ``parts``."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()
                          ).hexdigest()[:32]


@functools.lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """A hash of this extension's code, templates, translations and data, and of the versions of
    CKAN and the extensions it renders with: a deployment of other code makes new keys."""
    h = hashlib.sha256()
    root = resources.files("ckanext.minato_plan")
    stack = [root]
    files = []
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                if entry.name != "__pycache__":
                    stack.append(entry)
            elif entry.name.endswith(_FINGERPRINTED_SUFFIXES):
                files.append(entry)
    for entry in sorted(files, key=str):
        h.update(str(entry).encode())
        h.update(entry.read_bytes())
    for dist in ("ckan", "ckanext-scheming", "ckanext-dcat", "rdflib"):
        try:
            h.update(metadata.version(dist).encode())
        except metadata.PackageNotFoundError:
            pass
    return h.hexdigest()[:16]


def search_state(context: dict[str, Any], fq: str = "") -> str:
    """The number of datasets ``package_search`` finds for ``context`` (and ``fq``) and the
    newest ``metadata_modified`` among them: every create, update and delete changes one."""
    result = tk.get_action("package_search")(dict(context), {
        "q": "*:*", "fq": fq, "rows": 1, "sort": "metadata_modified desc",
        "fl": "id,metadata_modified"})
    newest = result["results"][0].get("metadata_modified") if result["results"] else ""
    return f"{result['count']}:{newest}"


def site_key(prefix: str, parts: Any) -> str:
    """A Redis key of this site (``ckan.site_id``) for ``parts``."""
    return f"{prefix}{tk.config.get('ckan.site_id') or ''}:{digest(parts)}"


def cached_text(key: Callable[[], str], build: Callable[[], str], ttl: int,
                what: str = "cache") -> str:
    """``build()``'s text, from Redis under ``key()`` when stored there, else built and stored
    for ``ttl`` seconds; built without the cache when ``ttl`` is 0 or Redis cannot be
    reached."""
    if ttl <= 0:
        return build()
    name = key()
    try:
        connection = redis()
        hit = connection.get(name)
    except Exception as e:  # Redis down: serve without the cache
        log.warning("%s unavailable: %s", what, e)
        return build()
    if hit is not None:
        return hit.decode("utf-8") if isinstance(hit, bytes) else hit
    output = build()
    try:
        connection.setex(name, ttl, output.encode("utf-8") if isinstance(output, str) else output)
    except Exception as e:
        log.warning("%s not stored: %s", what, e)
    return output
