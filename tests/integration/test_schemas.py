"""The packaged scheming schemas, as CKAN serves and renders them."""
from importlib import resources

import pytest
import yaml

from ckan.plugins import toolkit as tk

CONTRACT = {"initiative_no", "guideline_no", "measure_code", "new_or_continued", "plan_page",
            "title", "notes", "title_translated", "notes_translated", "progress", "indicators",
            "department_translated", "department_email"}


def test_schemas_ship_inside_the_package():
    folder = resources.files("ckanext.minato_plan.schemas")
    for name in ("initiative.yaml", "plan.yaml", "presets.yaml"):
        assert yaml.safe_load(folder.joinpath(name).read_text(encoding="utf-8"))


def test_every_label_is_bilingual():
    folder = resources.files("ckanext.minato_plan.schemas")
    for name in ("initiative.yaml", "plan.yaml"):
        schema = yaml.safe_load(folder.joinpath(name).read_text(encoding="utf-8"))
        fields = schema["dataset_fields"] + [
            sub for f in schema["dataset_fields"] for sub in f.get("repeating_subfields", [])]
        for field in fields:
            if field["field_name"] == "url":
                continue
            assert set(field["label"]) == {"ja", "en"}, (name, field["field_name"])


@pytest.mark.usefixtures("with_plugins")
def test_schema_api_publishes_the_contract():
    assert sorted(tk.get_action("scheming_dataset_schema_list")({}, {})) == ["initiative", "plan"]
    schema = tk.get_action("scheming_dataset_schema_show")({}, {"type": "initiative"})
    names = {f["field_name"] for f in schema["dataset_fields"]}
    assert CONTRACT <= names
    progress = next(f for f in schema["dataset_fields"] if f["field_name"] == "progress")
    assert {"fiscal_year", "status", "rating", "summary_ja", "summary_en"} <= {
        s["field_name"] for s in progress["repeating_subfields"]}


@pytest.mark.usefixtures("loaded_plan")
def test_initiative_page_renders_in_japanese(app):
    response = app.get("/initiative/minato-plan-initiative-32")
    assert response.status_code == 200
    assert "テレワークの推進" in response.body


@pytest.mark.usefixtures("loaded_plan")
def test_edit_form_offers_both_languages(app, sysadmin_with_token):
    response = app.get("/initiative/edit/minato-plan-initiative-32",
                       headers={"Authorization": sysadmin_with_token["token"]})
    assert response.status_code == 200
    body = response.body
    assert 'name="title_translated-ja"' in body and 'value="テレワークの推進"' in body
    assert 'name="title_translated-en"' in body and 'value="Promotion of telework"' in body
    assert 'name="measure_code"' in body
