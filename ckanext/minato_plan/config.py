"""The extension's settings: the only reader of the ``ckanext.minato_plan.*`` options declared
in ``config_declaration.yaml`` (types and defaults come from the declaration)."""
from __future__ import annotations

import dataclasses
from typing import Optional

from ckan.plugins import toolkit as tk

PREFIX = "ckanext.minato_plan."
DCAT_PREFIX = PREFIX + "dcat."


def _get(name: str):
    return tk.config.get(PREFIX + name)


def organization() -> str:
    """The name of the organization that owns the plan."""
    return str(_get("organization") or "minato-city")


def loader_user() -> str:
    """The name of the system account the loader writes as."""
    return str(_get("loader_user") or "minato-plan-loader")


@dataclasses.dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_rows: int
    max_cell_chars: int
    expiry: int


def upload_limits() -> UploadLimits:
    """Limits of the staff's progress upload, and how long a preview is kept (seconds)."""
    return UploadLimits(int(_get("upload.max_bytes")), int(_get("upload.max_rows")),
                        int(_get("upload.max_cell_chars")), int(_get("upload.expiry")))


def search_qf() -> Optional[str]:
    """The ``qf`` of free-text dataset searches; empty: CKAN's own."""
    return _get("search.qf")


def search_deftype() -> Optional[str]:
    """The Solr query parser of free-text dataset searches; empty: CKAN's own."""
    return _get("search.deftype")


def heal_sweep_delay() -> int:
    """Seconds from a commit (or a sweep that left datasets waiting) to the next heal sweep."""
    return int(_get("heal.sweep_delay"))


def datastore_sync() -> bool:
    """Whether the plan's tables are kept in the DataStore."""
    return bool(tk.asbool(_get("datastore.sync")))


def dcat(name: str) -> str:
    """A ``ckanext.minato_plan.dcat.<name>`` option as text ("" when unset)."""
    value = tk.config.get(DCAT_PREFIX + name)
    return "" if value is None else str(value)


def dcat_options() -> dict[str, str]:
    """Every ``ckanext.minato_plan.dcat.*`` option that is set (for cache keys)."""
    return {k: str(v) for k, v in tk.config.items() if k.startswith(DCAT_PREFIX)}


def catalog_cache_ttl() -> int:
    """Seconds a serialized DCAT catalog is kept in Redis; 0 turns the cache off."""
    return int(tk.config.get(DCAT_PREFIX + "catalog_cache_ttl") or 0)
