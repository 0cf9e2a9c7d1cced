"""The plan's licence joins the portal's licence list; nothing is removed or duplicated."""
from ckanext.minato_plan.domain import licenses
from ckanext.minato_plan.domain.plan import load_plan

CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"


def test_the_plans_licence_as_a_ckan_licence_entry():
    entry = licenses.license_entry(load_plan())
    assert entry["id"] == "CC-BY-4.0" and entry["url"] == CC_BY_URL
    assert "表示 4.0" in entry["title"] and "Attribution 4.0" in entry["title"]
    assert entry["od_conformance"] == "approved"


def test_a_list_without_it_needs_it_and_a_list_with_it_under_any_id_does_not():
    plan = load_plan()
    ckan_default = [{"id": "cc-by", "url": "http://www.opendefinition.org/licenses/cc-by"},
                    {"id": "notspecified", "url": ""}]
    assert licenses.needs_plan_license(plan, ckan_default)
    assert not licenses.needs_plan_license(plan, ckan_default + [{"id": "CC-BY-4.0"}])
    assert not licenses.needs_plan_license(
        plan, [{"id": "cc-by-4", "url": CC_BY_URL.rstrip("/")}])
