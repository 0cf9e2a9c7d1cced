"""CSRF protection of every cookie-authenticated write of the portal, whatever requests came
before, and the SameSite attribute of CKAN's remember-me cookie.

CKAN 2.12 exempts a view from CSRF checks for the rest of the process as soon as one request
authenticated by an API token, or one anonymous request, reaches it (``ckan_before_request``
calls ``csrf.exempt``): after one anonymous visit, a cross-site form could delete a dataset, add
an organization member or create an API token with the victim's cookie. This guard runs before
every request, after CKAN has identified the user, and validates the CSRF token (Flask-WTF's
``csrf.protect()``: the form field or the ``X-CSRFToken`` header) of every request whose method
is not safe (not GET, HEAD, OPTIONS or TRACE) that

- carries the session cookie or the remember-me cookie, unless CKAN identified the user by an API
  token header (``g.login_via_auth_header``; a cross-site page cannot set that header), or
- logs in (``user.login``), whatever it carries, so that no other site can log a visitor in.

Cookie-less requests (``curl`` calling ``package_search``, API-token clients) are not concerned:
without a cookie there is no one to impersonate. CKAN's own forms and JavaScript (``client.js``,
htmx, ``confirm-action``) send the token. A refused request gets 400 with a ja/en message, or
under ``/api/`` CKAN's JSON error body with 403.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from flask import Blueprint, Response, current_app, jsonify, request
from flask_wtf.csrf import CSRFError

from ckan.common import current_user, g
from ckan.config.middleware.flask_app import csrf
from ckan.plugins import toolkit as tk

log = logging.getLogger(__name__)

csrf_guard = Blueprint("minato_plan_csrf", __name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Posts that always need a valid token, cookie or not.
LOGIN_ENDPOINTS = frozenset({"user.login"})
REFUSED = ("送信を受け付けませんでした。確認用のトークン（CSRF）がないか、無効か、期限切れです。"
           "ページを再読み込みしてから、もう一度送信してください。 / The request was refused: "
           "its CSRF token is missing, invalid or expired. Reload the page and send it again.")

REMEMBER_SAMESITE = "REMEMBER_COOKIE_SAMESITE"


def configure(ckan_config: Any) -> None:
    """Give the remember-me cookie ``SameSite=Lax`` where the site left CKAN 2.12's default
    (``None``: sent with cross-site posts); a site that sets ``Lax`` or ``Strict`` keeps it.
    Called from ``IConfigurer.update_config``."""
    if ckan_config.get(REMEMBER_SAMESITE) in (None, "", "None"):
        ckan_config[REMEMBER_SAMESITE] = "Lax"


def _authenticated_by_api_token() -> bool:
    # CKAN sets the flag for API-token users and for anonymous requests alike
    return bool(g.get("login_via_auth_header")) and current_user.is_authenticated


def _carries_login_cookie() -> bool:
    names = (current_app.config.get("SESSION_COOKIE_NAME") or "ckan",
             current_app.config.get("REMEMBER_COOKIE_NAME") or "remember_token")
    return any(name in request.cookies for name in names)


def _refusal() -> Response:
    log.info("CSRF check failed: %s %s", request.method, request.path)
    if request.path.startswith("/api/") or (request.endpoint or "").startswith("api."):
        name = (request.view_args or {}).get("logic_function") or "help_show"
        body = {
            "help": tk.h.url_for("api.action", logic_function="help_show", ver=3, name=name,
                                 qualified=True),
            "success": False,
            "error": {"__type": "Authorization Error", "message": REFUSED},
        }
        response = jsonify(body)
        response.status_code = 403
        return response
    return tk.abort(400, REFUSED)


@csrf_guard.before_app_request
def _protect() -> Optional[Response]:
    if request.method in SAFE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED"):
        return None
    if request.endpoint not in LOGIN_ENDPOINTS \
            and (_authenticated_by_api_token() or not _carries_login_cookie()):
        return None
    try:
        csrf.protect()
    except CSRFError:
        return _refusal()
    if not g.get("csrf_valid"):  # a method Flask-WTF does not check (WTF_CSRF_METHODS)
        return _refusal()
    return None
