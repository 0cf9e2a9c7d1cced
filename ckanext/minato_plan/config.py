"""The extension's settings: the only reader of the ``ckanext.minato_plan.*`` options declared
in ``config_declaration.yaml`` (types and defaults come from the declaration)."""
from __future__ import annotations

import dataclasses
from typing import Any

from ckan.plugins import toolkit as tk

from .domain.plan_file import EMBEDDED
from .domain.search import QuerySettings

PREFIX = "ckanext.minato_plan."
DCAT_PREFIX = PREFIX + "dcat."


def _get(name: str):
    return tk.config.get(PREFIX + name)


def plan_files(source: Any = None) -> list[str]:
    """The references of the plan files the portal publishes (paths or ``package:path``), from
    the site's config (or ``source``, a config being set up); the plan the package carries when
    the option is empty."""
    value = (tk.config if source is None else source).get(PREFIX + "plan_files")
    return [str(r) for r in tk.aslist(value)] or [EMBEDDED]


def organization_option() -> str:
    """The organization that owns every plan, when the portal names one ("" otherwise)."""
    return str(_get("organization") or "")


def loader_user() -> str:
    """The name of the system account the loader writes as."""
    return str(_get("loader_user") or "minato-plan-loader")


@dataclasses.dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_rows: int
    max_cell_chars: int
    expiry: int
    max_problems: int = 100


def upload_limits() -> UploadLimits:
    """Limits of the staff's progress upload, how long a preview is kept (seconds), and how
    many of its problems are kept and shown."""
    return UploadLimits(int(_get("upload.max_bytes")), int(_get("upload.max_rows")),
                        int(_get("upload.max_cell_chars")), int(_get("upload.expiry")),
                        int(_get("upload.max_problems")))


def max_text_chars() -> int:
    """The longest free text of the plan's and initiatives' fields (titles, descriptions,
    summaries, indicator texts), in characters: the upload's longest cell, so that whatever
    the API or a form stores downloads and uploads again."""
    return int(_get("upload.max_cell_chars"))


def max_indicators() -> int:
    """The most indicators one initiative holds."""
    return int(_get("max_indicators"))


#: Room beside the file in a request carrying one: the multipart envelope and the form's other
#: fields (bytes).
FORM_OVERHEAD = 64 * 1024
#: Room beside CKAN's largest upload for the resource form's other fields (bytes).
REQUEST_MARGIN = 1024 * 1024


def max_request_bytes() -> int:
    """The largest request body accepted (larger ones are refused with 413 before they are
    read): the option, else CKAN's largest file upload (``ckan.max_resource_size`` or
    ``ckan.max_image_size``, in MB) plus a margin for the form's other fields."""
    configured = _get("max_request_bytes")
    if configured:
        return int(configured)
    megabytes = max(int(tk.config.get("ckan.max_resource_size") or 0),
                    int(tk.config.get("ckan.max_image_size") or 0))
    return megabytes * 1024 * 1024 + REQUEST_MARGIN


def max_upload_request_bytes(api: bool) -> int:
    """The largest request to the progress upload (form or API): its file limit plus the form
    around it; twice the file limit through the API, where the CSV may come as JSON text,
    whose escapes (\\uXXXX) double the size of Japanese text."""
    limit = upload_limits().max_bytes
    return (2 * limit if api else limit) + FORM_OVERHEAD


def light_scripts() -> bool:
    """Whether residents' pages of the plan and the dataset search load only the scripts they
    use (Bootstrap; htmx on the search) instead of all of CKAN's modules."""
    return tk.asbool(_get("light_scripts"))


def compress_min_bytes() -> int:
    """The smallest text response compressed with gzip (bytes); 0 turns compression off."""
    return int(_get("compress.min_bytes") or 0)


def compress_level() -> int:
    """zlib's level for gzip-compressed responses, 1 (fastest) to 9 (smallest)."""
    return min(9, max(1, int(_get("compress.level") or 1)))


def asset_max_age() -> int:
    """Seconds browsers keep a fingerprinted webasset; 0 leaves CKAN's Cache-Control."""
    return int(_get("assets.max_age") or 0)


def webassets_url() -> str:
    """The URL path CKAN serves its webassets under (``ckan.webassets.url``)."""
    return str(tk.config.get("ckan.webassets.url") or "/webassets").rstrip("/")


def search_settings() -> QuerySettings:
    """How free-text dataset searches go to Solr (``ckanext.minato_plan.search.*``; an empty
    option keeps CKAN's own)."""
    return QuerySettings(qf=_get("search.qf") or "", def_type=_get("search.deftype") or "",
                         mm=_get("search.mm") or "")


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


def page_cache_ttl() -> int:
    """Seconds a rendered part of the plan's pages is kept in Redis; 0 turns the cache off."""
    return int(_get("pages.cache_ttl") or 0)


def catalog_cache_ttl() -> int:
    """Seconds a serialized DCAT catalog is kept in Redis; 0 turns the cache off."""
    return int(tk.config.get(DCAT_PREFIX + "catalog_cache_ttl") or 0)


def reminders_schedule() -> tuple[int, int]:
    """The day of the month (0: no scheduled reminders) and the hour in Japan at which the
    worker sends the progress reminders."""
    day, hour = int(_get("reminders.day_of_month") or 0), int(_get("reminders.hour"))
    if not 0 <= day <= 28 or not 0 <= hour <= 23:
        raise ValueError(
            f"{PREFIX}reminders.day_of_month must be 0-28 and {PREFIX}reminders.hour 0-23 "
            f"(got {day} and {hour})")
    return day, hour


def review_enabled() -> bool:
    """Whether progress goes through drafts and the reviewers before it is public."""
    return tk.asbool(_get("review.enabled"))


#: The reviewers are the admins of the plan's organization.
ORGANIZATION_ADMINS = "organization_admins"


def reviewers() -> tuple[str, str]:
    """Who reviews: (``organization_admins``, "") or (``group``, the group's name)."""
    value = str(_get("review.reviewers") or ORGANIZATION_ADMINS).strip()
    if value == ORGANIZATION_ADMINS:
        return ORGANIZATION_ADMINS, ""
    kind, _, name = value.partition(":")
    if kind != "group" or not name.strip():
        raise ValueError(f"{PREFIX}review.reviewers must be {ORGANIZATION_ADMINS} or "
                         f"group:<name> (got {value!r})")
    return "group", name.strip()
