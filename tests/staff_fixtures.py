"""Fixtures and helpers of the staff-progress tests (imported by those test modules)."""
from __future__ import annotations

import pytest

import ckan.model as model
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from ckanext.minato_plan.plan import ORGANIZATION_NAME, initiative_name


_state = {"fresh": False}


@pytest.fixture
def plan_in_place(with_plugins, reset_db, reset_index):
    """The 39 initiatives, loaded once and then shared: the staff tests compare with the state
    they find, so they do not need a freshly loaded plan (loading takes seconds)."""
    from ckanext.minato_plan import loader

    found = tk.get_action("package_search")({}, {"fq": "dataset_type:initiative", "rows": 0})
    if not _state["fresh"] or found["count"] != 39 or not model.Group.get(ORGANIZATION_NAME):
        # once per test session, so that users of earlier runs never collide with new ones
        _state["fresh"] = True
        reset_db()
        reset_index()
        loader.load(echo=lambda _line: None)


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
