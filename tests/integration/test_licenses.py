"""The portal's licence list: CC BY 4.0 is a licence CKAN knows, with the Creative Commons URL
(the URL the DCAT output and harvesters rely on), and the plan's datasets carry it."""
import pytest

from ckan.plugins import toolkit as tk

from ckanext.minato_plan.domain import licenses, records

CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"


def test_licence_file_lists_cc_by_4_0_with_both_languages():
    by_id = {lic["id"]: lic for lic in licenses.licenses()}
    assert records.LICENSE_ID == records.load_plan().license.id == "CC-BY-4.0"
    assert by_id["CC-BY-4.0"]["url"] == CC_BY_URL
    assert "表示 4.0" in by_id["CC-BY-4.0"]["title"]
    assert "Attribution 4.0" in by_id["CC-BY-4.0"]["title"]
    assert licenses.file_url().startswith("file://")
    assert licenses.file_url().endswith("/data/licenses.json")


@pytest.mark.usefixtures("with_plugins")
def test_ckan_offers_the_portal_licences():
    offered = {lic["id"]: lic for lic in tk.get_action("license_list")({}, {})}
    assert set(offered) == {"CC-BY-4.0", "CC0-1.0", "notspecified"}
    assert offered["CC-BY-4.0"]["url"] == CC_BY_URL
    assert offered["CC-BY-4.0"]["od_conformance"] == "approved"


def test_plan_datasets_are_cc_by_4_0(loaded_plan):
    for name in ("minato-plan", "minato-plan-initiative-01"):
        dataset = tk.get_action("package_show")({}, {"id": name})
        assert dataset["license_id"] == "CC-BY-4.0"
        assert dataset["license_url"] == CC_BY_URL
        assert dataset["isopen"] is True
