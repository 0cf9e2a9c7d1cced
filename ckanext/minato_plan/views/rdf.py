"""RDF endpoints for the portal's dataset types.

ckanext-dcat serves ``/dataset/<id>.<format>`` and, with content negotiation on, ``/dataset/<id>``
and ``/``; those work for any dataset type, and our datasets' IRIs are ``/dataset/<name>``.
But the pages of our types ``initiative`` and ``plan`` (their ``dcat:landingPage``) are
``/initiative/<name>`` and ``/plan/<name>``, which ckanext-dcat does not know. This blueprint
adds, for both types:

- ``/<type>/<id>.ttl|rdf|xml|jsonld|n3``: the dataset's DCAT-AP 3 graph;
- with ``ckanext.dcat.enable_content_negotiation`` on, ``/<type>/<id>`` answers RDF to a client
  that asks for it in ``Accept`` (and the usual page otherwise);

and ``/distribution/<id>``, the IRI of a resource as a ``dcat:Distribution``, which answers
303 See Other with the resource's page.

Plugin blueprints are registered before the dataset-type blueprints, so these rules take
precedence over CKAN's own ``/<type>/<id>``.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, make_response, redirect, request

import ckan.plugins.toolkit as tk

from ..domain.identifiers import PLAN_DATASET_TYPES

FORMATS = ("ttl", "rdf", "xml", "jsonld", "n3")

dcat_pages = Blueprint("minato_plan_dcat", __name__)


def _vary(response: Any) -> Any:
    response = make_response(response)
    response.vary.add("Accept")
    return response


@dcat_pages.after_app_request
def _vary_negotiated(response: Any) -> Any:
    """ckanext-dcat's negotiated ``/`` and ``/dataset/<id>`` answer HTML or RDF by ``Accept``:
    say so to HTTP caches, as ours do."""
    if (request.endpoint in ("dcat.read_dataset", "dcat.read_catalog")
            and not (request.view_args or {}).get("_format")):
        response.vary.add("Accept")
    return response


def _rdf(package_type: str, _id: str, _format: str) -> Any:
    from ckanext.dcat import utils

    if _format not in FORMATS:
        return tk.abort(404)
    return utils.read_dataset_page(_id, _format)


def _negotiated(package_type: str, _id: str) -> Any:
    from ckanext.dcat import utils

    return _vary(utils.read_dataset_page(_id, None))


def _distribution(resource_id: str) -> Any:
    """A distribution's IRI (``/distribution/<id>``, see ``profile.distribution_iri``) names
    the distribution, not a document: 303 See Other to the resource's page."""
    try:
        resource = tk.get_action("resource_show")({}, {"id": resource_id})
        dataset = tk.get_action("package_show")({}, {"id": resource["package_id"]})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404)
    target = tk.h.url_for(f"{dataset['type']}_resource.read", id=dataset["name"],
                          resource_id=resource_id, qualified=True)
    return redirect(target, code=303)


@dcat_pages.record_once
def _register(state: Any) -> None:
    """The routes, as ckanext-dcat's settings ask for them when the blueprint is registered."""
    if not tk.asbool(tk.config.get("ckanext.dcat.enable_rdf_endpoints", True)):
        return
    state.add_url_rule("/distribution/<resource_id>", view_func=_distribution,
                            endpoint="distribution")
    negotiate = tk.asbool(tk.config.get("ckanext.dcat.enable_content_negotiation", False))
    for package_type in PLAN_DATASET_TYPES:
        state.add_url_rule(
            f"/{package_type}/<_id>.<_format>", view_func=_rdf,
            endpoint=f"{package_type}_rdf", defaults={"package_type": package_type})
        if negotiate:
            state.add_url_rule(
                f"/{package_type}/<_id>", view_func=_negotiated,
                endpoint=f"{package_type}_negotiated", defaults={"package_type": package_type})

