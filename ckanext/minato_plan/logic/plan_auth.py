"""Auth functions of :mod:`ckanext.minato_plan.logic.plan_actions` (registered through
:mod:`ckanext.minato_plan.logic.auth`): public, like the datasets they are built from (the actions
only return what package_search shows the caller)."""
from __future__ import annotations

from ckan.plugins import toolkit as tk


@tk.auth_allow_anonymous_access
def minato_plan_show(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def minato_plan_progress_list(context, data_dict):
    return {"success": True}
