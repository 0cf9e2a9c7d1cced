"""Auth functions (registered by ``toolkit.blanket.auth_functions``), one per action of
:mod:`ckanext.minato_plan.logic.action` (``dcat_catalog_show`` keeps ckanext-dcat's own).

- The plan as data (``minato_plan_show``, ``minato_plan_progress_list``): anyone, like the
  datasets they are built from (the actions only return what package_search shows the caller).
- Staff progress upload: editors and admins of the organization of the plan uploaded to
  (``plan_id``, else the current plan; ``minato-city`` for Minato's) and sysadmins, whom CKAN
  lets through before these functions run. The actions then check CKAN's
  own ``package_update`` auth for every initiative a file touches.
- The yearly evaluation: staff (as for the upload) save drafts and submit a year; reviewers
  (``ckanext.minato_plan.review.reviewers``: the organization's admins, or a group's members;
  sysadmins always) return, approve and publish it; both see it and comment.
- ``package_revise``: CKAN core's check, given the dataset it revises (see below).
- DataStore writes (``datastore_create``, ``datastore_upsert``, ``datastore_delete``,
  ``datastore_records_delete``) on the plan's tables: nobody, sysadmins included. The tables
  are derived from the initiatives; only the portal's own sync writes them (with
  ``ignore_auth``). Every other DataStore table keeps the DataStore's own rules.
"""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.model as model
from ckan.plugins import toolkit as tk

from . import plans

__all__ = [
    "minato_plan_show",
    "minato_plan_progress_list",
    "minato_plan_progress_upload_preview",
    "minato_plan_progress_upload_show",
    "minato_plan_progress_upload_apply",
    "minato_plan_evaluation_show",
    "minato_plan_draft_update",
    "minato_plan_evaluation_submit",
    "minato_plan_evaluation_return",
    "minato_plan_evaluation_approve",
    "minato_plan_evaluation_publish",
    "minato_plan_evaluation_comment",
    "package_revise",
]

_DENIED = {
    "anonymous": "ログインしてください。 / Please log in.",
    "role": ("進捗を登録できるのは{ja}（{org}）の編集者と管理者です。 / Only editors and "
             "admins of {en} ({org}) can record progress."),
    "reviewer": ("年度評価を審査できるのは審査者だけです。 / Only the plan's reviewers can "
                 "review its fiscal years."),
    "staff_or_reviewer": ("年度評価を見られるのは計画の職員と審査者だけです。 / Only the plan's "
                          "staff and reviewers can see its yearly evaluation."),
}


def _may_update_plan(context: dict[str, Any], data_dict: Any,
                     any_plan: bool = False) -> dict[str, Any]:
    """Editors and admins of the organization of the plan ``data_dict`` names (``plan_id``,
    else the current plan); with ``any_plan``, of any plan's organization (a stored upload
    knows its plan, and the action checks each initiative it writes)."""
    user = context.get("user")
    if not user or not model.User.get(user):
        return {"success": False, "msg": _DENIED["anonymous"]}
    plan = _plan_of(data_dict)
    names = plans.organizations() if any_plan else [plans.organization(plan)]
    for name in names:
        org = model.Group.get(name)
        if org is not None and authz.has_user_permission_for_group_or_org(
                org.id, user, "update_dataset"):
            return {"success": True}
    return {"success": False, "msg": _DENIED["role"].format(
        ja=plan.municipality_name.ja, en=plan.municipality_name.en,
        org=plans.organization(plan))}


@tk.auth_allow_anonymous_access
def minato_plan_show(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def minato_plan_progress_list(context, data_dict):
    return {"success": True}


def minato_plan_progress_upload_preview(context, data_dict):
    return _may_update_plan(context, data_dict)


def minato_plan_progress_upload_show(context, data_dict):
    # The stored upload belongs to its uploader: the action compares the users.
    return _may_update_plan(context, data_dict, any_plan=True)


def minato_plan_progress_upload_apply(context, data_dict):
    # The action applies only its uploader's upload, checking package_update on each
    # initiative it writes.
    return _may_update_plan(context, data_dict, any_plan=True)


def _plan_of(data_dict: Any):
    plan_id = data_dict.get("plan_id") if isinstance(data_dict, dict) else None
    return plans.get(plan_id if isinstance(plan_id, str) else None) or plans.current()


def _reviewer(context: dict[str, Any], data_dict: Any) -> dict[str, Any]:
    from .review import may_review

    if not context.get("user") or not model.User.get(context.get("user")):
        return {"success": False, "msg": _DENIED["anonymous"]}
    if may_review(context.get("user"), _plan_of(data_dict)):
        return {"success": True}
    return {"success": False, "msg": _DENIED["reviewer"]}


def _staff_or_reviewer(context: dict[str, Any], data_dict: Any) -> dict[str, Any]:
    staff = _may_update_plan(context, data_dict)
    if staff["success"] or _reviewer(context, data_dict)["success"]:
        return {"success": True}
    if not context.get("user"):
        return staff
    return {"success": False, "msg": _DENIED["staff_or_reviewer"]}


def minato_plan_evaluation_show(context, data_dict):
    return _staff_or_reviewer(context, data_dict)


def minato_plan_draft_update(context, data_dict):
    # The action also checks package_update on the initiative.
    return _may_update_plan(context, data_dict)


def minato_plan_evaluation_submit(context, data_dict):
    return _may_update_plan(context, data_dict)


def minato_plan_evaluation_return(context, data_dict):
    return _reviewer(context, data_dict)


def minato_plan_evaluation_approve(context, data_dict):
    return _reviewer(context, data_dict)


def minato_plan_evaluation_publish(context, data_dict):
    return _reviewer(context, data_dict)


def minato_plan_evaluation_comment(context, data_dict):
    return _staff_or_reviewer(context, data_dict)


@tk.chained_auth_function
def package_revise(next_auth, context, data_dict):
    """CKAN 2.12 checks ``package_revise`` without the dataset in the context, so the dataset's
    own groups count as groups being added, and an organization editor who does not manage the
    guideline groups is refused (``package_patch`` and ``package_update`` allow them). The
    dataset is put in the context, so that CKAN's rule "ignore the package's own groups" applies
    as documented; everything else is CKAN's own ``package_update`` check."""
    update = (data_dict or {}).get("update") or {}
    package = model.Package.get(update.get("id")) if isinstance(update, dict) and \
        update.get("id") else None
    if package is not None and not context.get("package"):
        context = dict(context, package=package)
    return next_auth(context, data_dict)


_DERIVED = ("この表は計画の取組から自動で作られるため、直接書き換えられません。取組のデータセットを"
            "更新してください。 / This table is built from the plan's initiatives and cannot be "
            "written directly; update the initiative datasets instead.")


def _derived_table_guard(next_auth, context, data_dict):
    from .datastore import all_datastore_resources

    resource_id = (data_dict or {}).get("resource_id")
    if resource_id and any(resource_id in resources.values()
                           for resources in all_datastore_resources().values()):
        return {"success": False, "msg": _DERIVED}
    if authz.is_sysadmin(context.get("user")):
        return {"success": True}  # as CKAN does for sysadmins on every other table
    return next_auth(context, data_dict)


def _guarded(name: str):
    def auth(next_auth, context, data_dict):
        return _derived_table_guard(next_auth, context, data_dict)
    auth.__name__ = name
    auth.__doc__ = f"``{name}`` refused on the plan's derived tables; otherwise the DataStore's."
    return tk.auth_sysadmins_check(tk.chained_auth_function(auth))


DATASTORE_WRITES = ("datastore_create", "datastore_upsert", "datastore_delete",
                    "datastore_records_delete")


def auth_functions() -> dict[str, Any]:
    """What the plugin registers (``toolkit.blanket.auth_functions``, called once every plugin
    is loaded): the functions above, and the guards of the DataStore writes when the datastore
    plugin is on."""
    import ckan.plugins as p

    out = {name: globals()[name] for name in __all__}
    if p.plugin_loaded("datastore"):
        out.update({name: _guarded(name) for name in DATASTORE_WRITES})
    return out
