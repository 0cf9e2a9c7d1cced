"""The DCAT action this extension chains (re-exported by ``logic/action.py``, registered by
``toolkit.blanket.actions``)."""
from __future__ import annotations

from ckan.plugins import toolkit as tk

from . import cache


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(original_action, context, data_dict):
    """ckanext-dcat's catalog (``/catalog.ttl`` …), served from a Redis cache that any dataset
    change invalidates (:mod:`ckanext.minato_plan.dcat.cache`). Same parameters, result and
    auth function (``dcat_catalog_show``, anyone) as ckanext-dcat's action."""
    tk.check_access("dcat_catalog_show", context, data_dict)
    return cache.cached_catalog(data_dict, lambda: original_action(context, data_dict))
