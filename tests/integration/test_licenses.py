"""The portal keeps its own licence list (CKAN's default when none is configured) and gains the
plan's CC BY 4.0; the plan's datasets carry it, open, with the Creative Commons URL (the URL the
DCAT output and harvesters rely on)."""
import json

import pytest

import ckan.model as model
from ckan.plugins import toolkit as tk

from ckanext.minato_plan.domain.plan import load_plan

CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"
CKAN_DEFAULT_IDS = {"notspecified", "odc-pddl", "odc-odbl", "odc-by", "cc-zero", "cc-by",
                    "cc-by-sa", "gfdl", "other-open", "other-pd", "other-at", "uk-ogl",
                    "cc-nc", "other-nc", "other-closed"}


@pytest.fixture
def fresh_register():
    """CKAN builds its licence register once per process: build it again for this test."""
    if hasattr(model.Package, "_license_register"):
        del model.Package._license_register
    yield
    if hasattr(model.Package, "_license_register"):
        del model.Package._license_register


@pytest.mark.usefixtures("fresh_register", "with_plugins")
def test_ckans_default_licences_stay_and_cc_by_4_0_is_added():
    from ckan.model.license import LicenseRegister

    assert "CC-BY-4.0" in {lic.id for lic in LicenseRegister().licenses}  # any new register
    offered = {lic["id"]: lic for lic in tk.get_action("license_list")({}, {})}
    assert CKAN_DEFAULT_IDS <= set(offered)
    assert offered["cc-by"]["url"] and offered["cc-zero"]["title"]
    assert offered["CC-BY-4.0"]["url"] == CC_BY_URL
    assert len(offered) == len(CKAN_DEFAULT_IDS) + 1


def test_a_site_licence_list_is_kept_and_its_own_cc_by_4_0_is_used(tmp_path, monkeypatch,
                                                                   fresh_register,
                                                                   with_plugins):
    from ckanext.minato_plan.logic import licenses

    site_list = [{"id": "cc-by-4", "title": "CC BY 4.0 (site)", "url": CC_BY_URL},
                 {"id": "gov-jp-2", "title": "政府標準利用規約 2.0",
                  "url": "https://www.digital.go.jp/resources/open_data/"}]
    path = tmp_path / "licenses.json"
    path.write_text(json.dumps(site_list), encoding="utf-8")
    monkeypatch.setitem(tk.config, "licenses_group_url", f"file://{path}")
    licenses.configure(tk.config)
    offered = [lic["id"] for lic in tk.get_action("license_list")({}, {})]
    assert offered == ["cc-by-4", "gov-jp-2"]
    assert licenses.plan_license_id(load_plan()) == "cc-by-4"


def test_plan_datasets_are_cc_by_4_0_and_open(loaded_plan):
    for name in ("minato-plan", "minato-plan-initiative-01"):
        dataset = tk.get_action("package_show")({}, {"id": name})
        assert dataset["license_id"] == "CC-BY-4.0"
        assert dataset["license_url"] == CC_BY_URL
        assert dataset["isopen"] is True
