"""ckanext-minato_plan: 港区情報化推進計画 as open data. The plugin only wires interfaces."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation
from ckanext.dcat.interfaces import IDCATURIGenerator

from . import config, helpers, middleware, requirements
from .dcat import profile as dcat_profile
from .dcat import schemaorg
from .domain import indexing, search
from .logic import auth, consistency, licenses, migration, plans, review
from .views import csrf, dataset_form, datastore_dump


@tk.blanket.helpers
@tk.blanket.validators
@tk.blanket.cli
@tk.blanket.blueprints
@tk.blanket.actions
@tk.blanket.auth_functions(auth.auth_functions)
@tk.blanket.config_declarations
class MinatoPlanPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.ITranslation)  # i18n/{ja,en}/LC_MESSAGES/ckanext-minato_plan.po
    p.implements(IDCATURIGenerator, inherit=True)  # dcat/profile.py
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer
    def update_config(self, config_: Any) -> None:
        requirements.check_plugins(p.plugin_loaded)
        tk.add_template_directory(config_, "templates")
        tk.add_resource("assets", "minato_plan")
        tk.add_public_directory(config_, "public")  # /minato_plan/og-image.png, favicon.svg
        licenses.configure(config_)
        dcat_profile.configure(config_)
        schemaorg.configure(config_)
        csrf.configure(config_)  # remember-me cookie SameSite=Lax

    # IMiddleware: the DataStore's CSV/TSV dumps without live formulas (views/datastore_dump.py);
    # initiative and plan edit forms: 409 / 503 with the input kept (views/dataset_form.py);
    # request bodies over the size limit refused with 413 before they are read; text responses
    # gzip-compressed, fingerprinted webassets cached for a year (middleware.py)
    def make_middleware(self, app: Any, config_: Any) -> Any:
        datastore_dump.install(app)
        dataset_form.install(app)
        return middleware.compress_and_cache(middleware.limit_request_size(app))

    # IConfigurable
    def configure(self, config_: Any) -> None:
        plans.portal(config_)  # every plan file readable and none clashing, or no start
        config.reminders_schedule()  # a reminder day or hour out of range: no start
        consistency.register_listeners()
        config.reviewers()  # a reviewers option that is not organization_admins or group:<name>
        review.register_activity_type()  # the yearly evaluation's steps in the activity stream

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return indexing.index_fields(plans.with_plan_id(pkg_dict))

    # The index and the DataStore follow every committed dataset change (logic/consistency.py)
    def after_dataset_create(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        consistency.dataset_touched(pkg_dict)

    def after_dataset_update(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        consistency.dataset_touched(pkg_dict)

    def after_dataset_delete(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        consistency.dataset_touched(pkg_dict)

    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        migration.show_in_todays_form(context, pkg_dict)  # not yet migrated: shown as if it were
        consistency.dataset_shown(pkg_dict)

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        return search.query_params(search_params, config.search_settings())

    def after_dataset_search(self, search_results: dict[str, Any],
                             search_params: dict[str, Any]) -> dict[str, Any]:
        helpers.minato_label_facet_items(search_results.get("search_facets") or {})
        return search_results

    # IFacets: the plan's facets first, then CKAN's, on the plan's search pages only
    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        if not helpers.minato_plan_facets_here(package_type):
            return facets_dict
        return {**helpers.minato_facet_titles(), **facets_dict}

    def group_facets(self, facets_dict: dict[str, Any], group_type: str,
                     package_type: Any) -> dict[str, Any]:
        if not helpers.minato_plan_facets_here(page="group"):
            return facets_dict
        return {**helpers.minato_facet_titles(), **facets_dict}

    def organization_facets(self, facets_dict: dict[str, Any], organization_type: str,
                            package_type: Any) -> dict[str, Any]:
        if not helpers.minato_plan_facets_here(page="organization"):
            return facets_dict
        return {**helpers.minato_facet_titles(), **facets_dict}

    # IDCATURIGenerator: /dataset/<name> and /distribution/<id> (dcat/profile.py)
    def dataset_uri(self, dataset_dict: dict[str, Any], default_uri: Any) -> Any:
        return dcat_profile.dataset_uri(dataset_dict, default_uri)

    def resource_uri(self, resource_dict: dict[str, Any], default_uri: Any) -> Any:
        return dcat_profile.resource_uri_of(resource_dict, default_uri)
