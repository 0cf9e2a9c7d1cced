"""schema.org JSON-LD of every dataset page (ckanext-dcat's ``structured_data`` plugin), with the
plan's datasets named and described in Japanese and English.

ckanext-dcat's serializers build every profile for the type ``dataset`` and its profiles ask
ckanext-scheming for that type's schema: on a portal whose ordinary datasets have no scheming
schema, the stock ``schemaorg`` profile raises "Unknown dataset schema: dataset" on every dataset
page. :class:`SchemaOrgProfile` here works without a schema, so that ordinary datasets keep the
stock schema.org output and the plan's datasets get theirs in both languages, whatever the
order of the plugins. It is registered as ``minato_plan_schemaorg`` and made the default of
``ckanext.dcat.structured_data.profiles`` by :func:`configure`.
"""
from __future__ import annotations

from typing import Any

from ckan.plugins import toolkit as tk
from ckanext.dcat.profiles import SchemaOrgProfile as StockSchemaOrgProfile

from ..domain.pages import structured_data_dict
from ..domain.identifiers import PLAN_DATASET_TYPES

PROFILE_NAME = "minato_plan_schemaorg"
PROFILES_OPTION = "ckanext.dcat.structured_data.profiles"


class WithoutSchemingSchema:
    """A ckanext-dcat profile that works for dataset types ckanext-scheming does not manage (the
    portal's ordinary datasets): without a schema it maps the dataset dict as ckanext-dcat does
    when scheming is not installed."""

    def __init__(self, graph, dataset_type="dataset", compatibility_mode=False):
        try:
            super().__init__(graph, dataset_type=dataset_type,
                             compatibility_mode=compatibility_mode)
        except tk.ObjectNotFound:
            # The base class set the graph and languages before it asked for the schema.
            self._dataset_schema = None


class SchemaOrgProfile(WithoutSchemingSchema, StockSchemaOrgProfile):
    """ckanext-dcat's schema.org profile; plan and initiative datasets in ja and en."""

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        if dataset_dict.get("type") in PLAN_DATASET_TYPES:
            dataset_dict = structured_data_dict(dataset_dict)
        super().graph_from_dataset(dataset_dict, dataset_ref)


def configure(ckan_config: Any) -> None:
    """Make our profile the structured-data default; a site that names profiles keeps them."""
    value = ckan_config.get(PROFILES_OPTION) or []
    names = value.split() if isinstance(value, str) else list(value)
    if names in ([], ["schemaorg"]):
        ckan_config[PROFILES_OPTION] = [PROFILE_NAME]
