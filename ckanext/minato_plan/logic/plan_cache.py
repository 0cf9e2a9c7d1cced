"""The rendered plan overview and the results of the plan's actions (``minato_plan_show``,
``minato_plan_progress_list``), kept in Redis while the plan's datasets are unchanged.

Both read every initiative's dict from the index and turn each into a table row or a record,
which grows with the number of initiatives. What they made is kept under a key made of what it
shows and who sees it: the official plan datasets' count and newest ``metadata_modified`` as
this user's search sees them (any create, update, deletion or change of visibility changes one
of them), the page language, the user (anonymous visitors share entries; each logged-in user
has their own), the parameters, the extension's options and a fingerprint of its code,
templates and translations. Every web node computes the same key from the shared index
(:mod:`.cache`).
"""
from __future__ import annotations

import base64
import json
from typing import Any, Callable

from markupsafe import Markup

import ckan.plugins.toolkit as tk

from .. import config
from ..domain.identifiers import PLAN_DATASET_TYPES
from . import official
from .cache import cached_text, digest, package_fingerprint, search_state, site_key

KEY_PREFIX = "ckanext-minato_plan:page:"
#: CKAN options that change the plan's pages besides the extension's own.
_CKAN_OPTIONS = ("ckan.site_url", "ckan.root_path", "ckan.locale_default",
                 "ckan.locales_offered", "ckan.site_title", "ckan.auth.public_user_details")


def plan_state(context: dict[str, Any] | None = None) -> str:
    """The number of the plan's official datasets this user's search finds, and the newest
    ``metadata_modified`` among them."""
    types = " OR ".join(sorted(PLAN_DATASET_TYPES))
    return search_state(context or {}, f"+dataset_type:({types}) {official.search_filter()}")


def _options() -> str:
    return digest({key: str(value) for key, value in tk.config.items()
                   if str(key).startswith("ckanext.minato_plan.") or key in _CKAN_OPTIONS})


def _user(context: dict[str, Any] | None = None) -> str:
    if context is not None:
        if context.get("ignore_auth"):
            return "\x00ignore_auth"
        user = context.get("auth_user_obj") or context.get("user")
        return str(getattr(user, "name", user) or "")
    user = tk.current_user
    return user.name if getattr(user, "is_authenticated", False) else ""


def _lang() -> str:
    try:
        return tk.h.lang()
    except (RuntimeError, AttributeError, TypeError):  # no request (CLI, jobs)
        return str(tk.config.get("ckan.locale_default") or "")


def _key(name: str, user: str, state: str, params: Any = None) -> str:
    return site_key(KEY_PREFIX, [name, _lang(), user, state, params,
                                 package_fingerprint(), _options()])


def cached_part(name: str, build: Callable[[], str], params: Any = None) -> Markup:
    """The HTML ``build()`` renders for part ``name`` of a page (for ``params``), from Redis
    while nothing it shows has changed (``ckanext.minato_plan.pages.cache_ttl``; 0 renders
    every time)."""
    return Markup(cached_text(lambda: _key(name, _user(), plan_state(), params),
                              lambda: str(build()), config.page_cache_ttl(), what="page cache"))


def cached_file(name: str, build: Callable[[], bytes], params: Any = None) -> bytes:
    """The bytes ``build()`` makes for file ``name`` of a page (for ``params``), kept as
    :func:`cached_part` keeps HTML."""
    return base64.b64decode(cached_text(
        lambda: _key(name, _user(), plan_state(), params),
        lambda: base64.b64encode(build()).decode("ascii"), config.page_cache_ttl(),
        what="page cache"))


def cached_result(name: str, context: dict[str, Any], params: Any,
                  build: Callable[[], Any]) -> Any:
    """The result of action ``name`` for ``params`` (JSON), from Redis while nothing it is
    made from has changed for the context's user."""
    def key() -> str:
        search_context = {"user": context.get("user"),
                          "auth_user_obj": context.get("auth_user_obj")}
        return _key(name, _user(context), plan_state(search_context), params)
    return json.loads(cached_text(key, lambda: json.dumps(build(), ensure_ascii=False),
                                  config.page_cache_ttl(), what="plan cache"))
