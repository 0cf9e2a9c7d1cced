"""The plan's DataStore tables are derived from the initiatives: nobody writes them through the
DataStore API, while every other DataStore table keeps the DataStore's own rules."""
import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from support.plan_names import ORGANIZATION_NAME
from ckanext.minato_plan.logic import datastore as datastore_sync
from support import staff

ROW = {"id": "131032JK099-2023", "initiative_id": "131032JK099", "initiative_no": 99}


def _context(user):
    return {"user": user["name"], "ignore_auth": False}


@pytest.fixture
def plan_table(plan_in_place):
    return datastore_sync.plan_datastore_resources()[("progress", "ja")]


@pytest.mark.parametrize("role", ["editor", "admin", "sysadmin"])
def test_nobody_writes_the_plans_tables(plan_table, role):
    user = staff.user_for(role)
    before = tk.get_action("datastore_search")({}, {"resource_id": plan_table})["total"]
    calls = [
        ("datastore_upsert", {"resource_id": plan_table, "records": [ROW], "method": "insert",
                              "force": True}),
        ("datastore_create", {"resource_id": plan_table, "records": [ROW], "force": True}),
        ("datastore_delete", {"resource_id": plan_table, "filters": {"initiative_no": 1},
                              "force": True}),
        ("datastore_records_delete", {"resource_id": plan_table,
                                      "filters": {"initiative_no": 1}, "force": True}),
    ]
    for action, data in calls:
        with pytest.raises(tk.NotAuthorized, match="cannot be written directly"):
            helpers.call_action(action, context=_context(user), **data)
    assert tk.get_action("datastore_search")({}, {"resource_id": plan_table})["total"] == before


def test_other_tables_keep_the_datastores_rules(plan_in_place):
    editor = staff.member("editor")
    org = tk.get_action("organization_show")({}, {"id": ORGANIZATION_NAME})
    dataset = factories.Dataset(owner_org=org["id"])
    resource = factories.Resource(package_id=dataset["id"])
    helpers.call_action("datastore_create", context=_context(editor),
                        resource_id=resource["id"], force=True,
                        fields=[{"id": "a", "type": "text"}], records=[{"a": "x"}])
    helpers.call_action("datastore_upsert", context=_context(editor),
                        resource_id=resource["id"], force=True, method="insert",
                        records=[{"a": "y"}])
    assert tk.get_action("datastore_search")(
        {}, {"resource_id": resource["id"]})["total"] == 2
    outsider = factories.User()
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("datastore_upsert", context=_context(outsider),
                            resource_id=resource["id"], force=True, method="insert",
                            records=[{"a": "z"}])
