"""Telling an unreachable service (Solr, Redis, PostgreSQL) from any other error.

- :class:`ServiceUnavailable`: raised by the extension's code and by the chained dataset actions
  below when a service cannot be reached; ``str()`` is the ja / en message of
  :mod:`ckanext.minato_plan.domain.services`, which names the service but never its address.
- :func:`unavailable_service`: the service whose outage caused an error (its ``__cause__`` /
  ``__context__`` chain is followed: CKAN re-raises Solr's errors as ``SearchError`` or
  ``SearchIndexError``), or None for any other error.
- :func:`noted`: the service an outage of which was met while answering the current request.
  CKAN's Action API turns every exception into a JSON answer itself, so ``views/errors.py``
  reads this note to answer 503 instead. Outages are noted where they are raised here, and for
  PostgreSQL by an SQLAlchemy ``handle_error`` listener on every engine.
"""
from __future__ import annotations

import contextlib
import logging
import re
from typing import Any, Iterator, Optional

import pysolr
import redis.exceptions
import requests
import sqlalchemy.exc
from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

from ckan.lib.search.common import SearchError, SearchIndexError, SolrConnectionError
from ckan.plugins import toolkit as tk

from .. import config
from ..domain import search, services
from ..domain.services import DATABASE, SEARCH, STORAGE

log = logging.getLogger(__name__)

__all__ = ["ServiceUnavailable", "unavailable_service", "service_unavailable", "noted",
           "storage_service", "listen_to_database_errors", "package_search", "package_create",
           "package_update", "package_delete"]


class ServiceUnavailable(Exception):
    """A service the request needs cannot be reached (``service``: one of
    :data:`~ckanext.minato_plan.domain.services.SERVICES`)."""

    def __init__(self, service: str):
        self.service = service
        self.text = services.unavailable(service)
        super().__init__(services.bilingual(self.text))


_NOTE = "minato_plan_unavailable_service"


def _note(service: str) -> None:
    if has_app_context() and not g.get(_NOTE):
        setattr(g, _NOTE, service)


def noted() -> Optional[str]:
    """The first service found unreachable while answering the current request, if any."""
    return g.get(_NOTE) if has_app_context() else None


def service_unavailable(service: str) -> ServiceUnavailable:
    """The error to raise for ``service``, noted for the current request."""
    _note(service)
    return ServiceUnavailable(service)


# pysolr's messages when Solr cannot be reached (connection refused or reset, timeout) or
# answers that it cannot serve (no such core, proxy errors, overloaded).
_SOLR_UNREACHABLE = re.compile(
    r"(Failed to connect to server|Connection to server .* timed out"
    r"|Solr responded with an error \(HTTP (404|502|503|504)\))", re.S)
# SQLSTATE of connection failures (class 08), shutdowns (57P01-57P03) and too many clients.
_PG_UNAVAILABLE_CODES = ("57P01", "57P02", "57P03", "53300")


def _chain(err: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    queue: list[Any] = [err]
    while queue:
        current = queue.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        queue += [current.__cause__, current.__context__]
        queue += [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]


def _solr_unreachable(err: BaseException) -> bool:
    if isinstance(err, SolrConnectionError):
        return True
    if isinstance(err, pysolr.SolrError):
        message = err.args[0] if err.args else ""
        return isinstance(message, str) and bool(_SOLR_UNREACHABLE.match(message))
    return False


def _redis_unreachable(err: BaseException) -> bool:
    return isinstance(err, (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError))


def _postgres_unreachable(err: BaseException) -> bool:
    import psycopg2

    if isinstance(err, sqlalchemy.exc.TimeoutError):  # no free connection in the pool
        return True
    if isinstance(err, sqlalchemy.exc.DBAPIError):
        if err.connection_invalidated:
            return True
        err = err.orig
    if isinstance(err, psycopg2.InterfaceError):  # the connection is closed
        return True
    if isinstance(err, psycopg2.OperationalError):
        code = getattr(err, "pgcode", None)
        return code is None or code.startswith("08") or code in _PG_UNAVAILABLE_CODES
    return False


def unavailable_service(err: BaseException) -> Optional[str]:
    """The service whose outage caused ``err``, or None when ``err`` is any other error."""
    for current in _chain(err):
        if isinstance(current, ServiceUnavailable):
            return current.service
        if _solr_unreachable(current):
            return SEARCH
        if _redis_unreachable(current):
            return STORAGE
        if _postgres_unreachable(current):
            return DATABASE
    return None


@contextlib.contextmanager
def storage_service() -> Iterator[None]:
    """Redis commands inside raise :class:`ServiceUnavailable` when Redis cannot be reached."""
    try:
        yield
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as err:
        log.warning("Redis unavailable: %s", err)
        raise service_unavailable(STORAGE) from err


def _on_database_error(context: Any) -> None:
    if getattr(context, "is_pre_ping", False):  # a stale pooled connection, replaced at once
        return
    error = context.sqlalchemy_exception or context.original_exception
    if context.is_disconnect or (error is not None and _postgres_unreachable(error)):
        _note(DATABASE)


def listen_to_database_errors() -> None:
    """Note PostgreSQL outages met by any engine (the site's, the DataStore's)."""
    if not event.contains(Engine, "handle_error", _on_database_error):
        event.listen(Engine, "handle_error", _on_database_error)


def _search_dependent(original_action, context, data_dict, retry_cut_off: bool = False):
    """``original_action``, with Solr's outages raised as :class:`ServiceUnavailable`. An
    answer cut off in the middle (the Solr node answering it died; pysolr lets requests'
    ``ChunkedEncodingError`` through) is an outage too; with ``retry_cut_off`` (reads only) the
    action is run once more first, which a proxy in front of several Solr nodes sends to one
    that answers."""
    name = getattr(original_action, "__name__", "action")
    try:
        return original_action(context, data_dict)
    except (SearchError, SearchIndexError, SolrConnectionError, pysolr.SolrError) as err:
        service = unavailable_service(err)
        if service is None:
            raise
        log.warning("%s: search service unavailable: %r", name, err)
        raise service_unavailable(service) from err
    except requests.exceptions.ChunkedEncodingError as err:
        log.warning("%s: the search service's answer was cut off: %r", name, err)
        if retry_cut_off:
            return _search_dependent(original_action, context, data_dict)
        raise service_unavailable(SEARCH) from err


# The dataset actions that read or write the search index: when Solr cannot be reached they
# raise ServiceUnavailable instead of CKAN's SearchError / SearchIndexError, whose messages hold
# Solr's address and which CKAN's views answer with a 500 page. package_patch, package_revise
# and the resource actions go through package_update; group and organization pages through
# package_search.
_CHAINED_DOC = """CKAN's action of the same name (same parameters, result and auth function);
    when Solr cannot be reached it raises ``ServiceUnavailable`` (HTTP 503 in the Action API)
    instead of a search error holding Solr's address. ``package_search`` is tried once more when
    Solr's answer was cut off."""


@tk.chained_action
@tk.side_effect_free
def package_search(original_action, context, data_dict):
    asked = dict(data_dict)   # CKAN and the plugins change data_dict on the way
    try:
        return _search_dependent(original_action, context, data_dict, retry_cut_off=True)
    except SearchError as err:
        settings = config.search_settings()
        if not asked.get("defType") and search.is_unknown_parser(err, settings.def_type):
            # a Solr core without this project's configset: CKAN's own parser, and a warning
            # saying what to install, instead of a 500 page on every search
            _warn_parser_missing(settings.def_type)
            return package_search(original_action, context, dict(asked, defType="dismax"))
        # a long query whose words all have many synonyms: asked again on the fields without
        # synonyms (readings and bigrams), instead of a 500 page
        if asked.get("qf") or not search.is_too_many_clauses(err):
            raise
        log.info("package_search: query too large with synonyms, asked without them")
        retry = dict(asked, qf=search.without_synonyms(settings))
        return _search_dependent(original_action, context, retry, retry_cut_off=True)


_warned_parsers: set[str] = set()


def _warn_parser_missing(parser: str) -> None:
    if parser not in _warned_parsers:
        _warned_parsers.add(parser)
        log.warning("Solr has no query parser %r (ckanext.minato_plan.search.deftype): dataset "
                    "searches use CKAN's dismax. Install tools/solr/conf/solrconfig.xml and the "
                    "class of tools/solr/plugins/ in Solr, or set the option empty.", parser)


@tk.chained_action
def package_create(original_action, context, data_dict):
    return _search_dependent(original_action, context, data_dict)


@tk.chained_action
def package_update(original_action, context, data_dict):
    return _search_dependent(original_action, context, data_dict)


@tk.chained_action
def package_delete(original_action, context, data_dict):
    return _search_dependent(original_action, context, data_dict)


package_search.__doc__ = package_create.__doc__ = package_update.__doc__ = \
    package_delete.__doc__ = _CHAINED_DOC
