"""HTTP 503 when Solr, Redis or PostgreSQL cannot be reached (blueprint ``minato_service_errors``,
app-wide handlers).

- Web pages: ``minato_plan/unavailable.html`` (the site's layout) with status 503, a
  ``Retry-After`` header and a message naming the service in plain words (検索サービス / search
  service, 保存サービス / storage service, データベース / database), in the page's language and
  the other one. A form post says that nothing was saved. When PostgreSQL is down, or the
  layout itself cannot be rendered, a minimal standalone page says the same: CKAN's layout
  reads the logged-in user from the database.
- Action API: CKAN's JSON error shape, ``{"success": false, "error": {"__type": "Service
  Unavailable", "message": "ja / en", "service": "search"}}``, status 503 and ``Retry-After``.
  CKAN's API view catches every exception itself (``SearchError`` as 409 with Solr's address in
  the message, anything else as 500; the DataStore answers its database's connection errors as
  a 409 ``Validation Error`` holding host and port), so its error answers are replaced after the
  fact when an outage was noted while answering
  (:func:`ckanext.minato_plan.logic.services.noted`).

Messages name the service, never an address, a port or a traceback (those go to the log).
"""
from __future__ import annotations

import json
import logging
from typing import Any, Optional

import pysolr
import redis.exceptions
import sqlalchemy.exc
from flask import Blueprint, Response, request
from markupsafe import escape

import ckan.model as model
from ckan.lib.search.common import SearchError, SearchIndexError, SolrConnectionError
from ckan.plugins import toolkit as tk

from ..domain import services as texts
from ..domain.services import DATABASE, SEARCH
from ..logic import services

log = logging.getLogger(__name__)

service_errors = Blueprint("minato_service_errors", __name__)

#: The exceptions looked at; those not caused by an outage go on to CKAN's own handling.
HANDLED = (services.ServiceUnavailable, SolrConnectionError, SearchError, SearchIndexError,
           pysolr.SolrError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
           sqlalchemy.exc.DBAPIError, sqlalchemy.exc.TimeoutError)

#: Error types of CKAN's Action API answers that an outage may be behind (and, when the noted
#: outage is the database's, "Validation Error": the DataStore's answer to a connection error).
API_FAILURES = frozenset({"Internal Server Error", "Search Error", "Search Index Error",
                          "Search Connection Error"})

API_TYPE = "Service Unavailable"


@service_errors.record_once
def _listen(state: Any) -> None:
    services.listen_to_database_errors()


def _is_api() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def _rollback() -> None:
    """Nothing of a failed request is committed later, and the session is usable again."""
    try:
        model.Session.rollback()
    except Exception:  # the database itself may be the one that is down
        log.debug("rollback after an outage failed", exc_info=True)


def _language() -> str:
    try:
        from ..helpers import minato_current_language
        return minato_current_language()
    except Exception:
        return "ja"


def _headers() -> dict[str, str]:
    return {"Retry-After": str(texts.RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}


def _api_body(service: str, help_url: Optional[str] = None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if help_url:
        body["help"] = help_url
    body["success"] = False
    body["error"] = {"__type": API_TYPE,
                     "message": texts.bilingual(texts.unavailable(service)),
                     "service": service}
    return body


def _api_response(service: str, help_url: Optional[str] = None) -> Response:
    return Response(json.dumps(_api_body(service, help_url), ensure_ascii=False), status=503,
                    headers=_headers(), mimetype="application/json")


def _help_url() -> Optional[str]:
    name = (request.view_args or {}).get("logic_function")
    if not name:
        return None
    try:
        return tk.h.url_for("api.action", logic_function="help_show", ver=3, name=name,
                            qualified=True)
    except Exception:
        return None


_STANDALONE = """<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body>
<main id="minato-unavailable" data-service="{service}">
<h1>{title}</h1>
<p>{message}</p>
<p lang="{other_lang}">{other}</p>
</main>
</body>
</html>
"""


def unavailable_page(service: str) -> tuple[str, int, dict[str, str]]:
    """The 503 page for ``service`` in the page's language (and the other one)."""
    lang = _language()
    other_lang = "en" if lang == "ja" else "ja"
    text = texts.not_saved(service) if request.method == "POST" else texts.unavailable(service)
    values = {"service": service, "lang": lang, "other_lang": other_lang,
              "title": texts.TITLE.get(lang), "message": text.get(lang),
              "other": text.get(other_lang)}
    if service != DATABASE:
        try:
            return tk.render("minato_plan/unavailable.html", values), 503, _headers()
        except Exception:
            log.warning("the %s service is down and the site's layout cannot be rendered: "
                        "standalone page", service, exc_info=True)
            _rollback()
    page = _STANDALONE.format(**{k: escape(v) for k, v in values.items()})
    return page, 503, _headers()


def _outage(err: Exception):
    service = services.unavailable_service(err)
    if service is None:
        raise err  # not an outage: CKAN's own error handling
    log.warning("%s %s: the %s service is unavailable: %r", request.method, request.path,
                service, err)
    _rollback()
    if _is_api():
        return _api_response(service, _help_url())
    return unavailable_page(service)


for _exception in HANDLED:
    service_errors.app_errorhandler(_exception)(_outage)


@service_errors.after_app_request
def _api_outage(response: Response) -> Response:
    """CKAN's own error answer of an action that failed because a service is down, as 503."""
    if request.endpoint != "api.action" or response.status_code not in (409, 500):
        return response
    try:
        body = json.loads(response.get_data(as_text=True))
    except ValueError:
        return response
    if not isinstance(body, dict) or body.get("success") is not False:
        return response
    error = body.get("error")
    kind = error.get("__type") if isinstance(error, dict) else None
    service = services.noted()
    if kind == "Search Connection Error":
        service = service or SEARCH
    elif kind == "Validation Error":
        service = service if service == DATABASE else None
    elif kind not in API_FAILURES:
        service = None
    if service is None:
        return response
    return _api_response(service, body.get("help"))
