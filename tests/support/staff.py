"""Helpers of the staff-progress tests: users with a role, their API headers and contexts,
an initiative as the database holds it."""
from __future__ import annotations

import ckan.model as model
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from support.plan_names import ORGANIZATION_NAME, initiative_name


def member(role: str) -> dict:
    """A new user with ``role`` (member, editor, admin) in minato-city."""
    user = factories.User()
    tk.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": ORGANIZATION_NAME, "username": user["name"], "role": role})
    return user


def user_for(role: str):
    """A user of the permission matrix's ``role``: anonymous (None), outsider, member, editor,
    admin or sysadmin."""
    if role == "anonymous":
        return None
    if role == "outsider":
        return factories.User()
    if role == "sysadmin":
        return factories.Sysadmin()
    return member(role)


def headers(user) -> dict:
    if user is None:
        return {}
    token = factories.APIToken(user=user["name"])
    return {"Authorization": token["token"]}


def ctx(user) -> dict:
    return {"user": user["name"] if user else "", "model": model, "session": model.Session}


def show(number: int) -> dict:
    return tk.get_action("package_show")({"use_cache": False}, {"id": initiative_name(number)})


def entry(number: int, fiscal_year: int):
    return next((e for e in show(number).get("progress") or []
                 if e["fiscal_year"] == fiscal_year), None)


def clear_evaluation(fiscal_year: int) -> None:
    """Start the yearly evaluation of ``fiscal_year`` from nothing: no state, draft or event
    (the shared plan keeps earlier tests' rows)."""
    from ckanext.minato_plan.model import evaluation, progress_draft, review_event

    for table in (progress_draft, review_event, evaluation):
        model.Session.execute(table.delete().where(table.c.fiscal_year == fiscal_year))
    model.Session.commit()
