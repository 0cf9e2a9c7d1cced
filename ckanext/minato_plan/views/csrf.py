"""CSRF protection of the staff's forms whatever requests came before.

CKAN 2.12 exempts a view from CSRF checks for the rest of the process as soon as one request
authenticated by an API token, or one anonymous request, reaches it (``ckan_before_request``
calls ``csrf.exempt``): after an anonymous visit to an edit page, the dataset form would accept
cross-site posts. For the forms below the token is checked regardless of those exemptions,
whenever the user is logged in with the session cookie (API-token requests carry no cookie, so
cross-site forgery does not apply to them).
"""
from __future__ import annotations

from flask import Blueprint, current_app, request

from ckan.common import current_user, g
from ckan.config.middleware.flask_app import csrf

csrf_guard = Blueprint("minato_plan_csrf", __name__)

# Forms whose POSTs always need a valid CSRF token when the user is logged in by cookie.
CSRF_GUARDED_ENDPOINTS = frozenset({
    "initiative.edit", "initiative.new", "plan.edit", "plan.new",
    "minato_progress.upload_form", "minato_progress.apply",
})


@csrf_guard.before_app_request
def _protect() -> None:
    if request.method != "POST" or request.endpoint not in CSRF_GUARDED_ENDPOINTS:
        return
    if not current_app.config.get("WTF_CSRF_ENABLED"):
        return
    if not current_user.is_authenticated or g.get("login_via_auth_header"):
        return
    csrf.protect()
