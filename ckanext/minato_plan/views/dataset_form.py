"""The edit forms of initiatives and plans (``/initiative/edit/<id>``, ``/plan/edit/<id>``):
CKAN's own edit view, with two differences for failed saves.

- A save that loses against another editor's (``if_unmodified_since``, see
  ``logic/validators.py`` ``minato_if_unmodified_since``) is answered with HTTP 409, the form
  shown again with the conflict message and what was typed.
- A save that fails because the search service (Solr) or the storage service (Redis) cannot be
  reached is answered with HTTP 503 and the form shown again with what was typed and, at the
  top, a message that nothing was saved and to try again. CKAN itself would answer a 500 page
  (with Solr's address in it) and lose the input. When the database is the one that is down the
  form cannot be built: the 503 page of :mod:`.errors` is shown.

:func:`install` swaps the view function of the ``<type>.edit`` endpoints for a subclass of
CKAN's ``EditView`` (called from ``IMiddleware.make_middleware``, once CKAN has registered the
dataset types' blueprints).
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from flask import request

import ckan.lib.navl.dictization_functions as dict_fns
import ckan.model as model
from ckan.logic import clean_dict, parse_params, tuplize_dict
from ckan.plugins import toolkit as tk

from ..domain import services as texts
from ..domain.identifiers import PLAN_DATASET_TYPES
from ..domain.services import DATABASE
from ..helpers import minato_current_language
from ..logic import services

log = logging.getLogger(__name__)

#: The form field of the version being edited (schemas, ``minato_version.html``).
VERSION_FIELD = "if_unmodified_since"


class KeepFormOnFailure:
    """Mixed into CKAN's ``EditView`` (see the module's docstring)."""

    def post(self, package_type: str, id: str) -> Any:
        try:
            return super().post(package_type, id)  # type: ignore[misc]
        except Exception as err:
            service = services.unavailable_service(err)
            if service is None or service == DATABASE:
                raise
            log.warning("%s %s: not saved, the %s service is unavailable: %r",
                        request.method, request.path, service, err)
        model.Session.rollback()
        # as CKAN's view read it before saving (it answers 400 when the form cannot be read)
        typed = clean_dict(dict_fns.unflatten(tuplize_dict(parse_params(request.form))))
        tk.h.flash_error(texts.not_saved(service, input_kept=True).get(minato_current_language()))
        page = self.get(package_type, id, typed, {}, None)
        return page, 503, {"Retry-After": str(texts.RETRY_AFTER_SECONDS)}

    def get(self, package_type: str, id: str, data: Optional[dict[str, Any]] = None,
            errors: Optional[dict[str, Any]] = None,
            error_summary: Optional[dict[str, Any]] = None) -> Any:
        page = super().get(package_type, id, data, errors, error_summary)  # type: ignore[misc]
        if request.method == "POST" and errors and errors.get(VERSION_FIELD):
            return page, 409
        return page


def install(app: Any) -> None:
    """Use :class:`KeepFormOnFailure` for the edit forms of the plan's dataset types."""
    views = getattr(app, "view_functions", None)
    if views is None:
        return
    for package_type in PLAN_DATASET_TYPES:
        endpoint = f"{package_type}.edit"
        view = views.get(endpoint)
        base = getattr(view, "view_class", None)
        if base is None or issubclass(base, KeepFormOnFailure):
            continue
        cls = type(f"MinatoPlan{base.__name__}", (KeepFormOnFailure, base),
                   {"__module__": __name__})
        views[endpoint] = cls.as_view(view.__name__)
