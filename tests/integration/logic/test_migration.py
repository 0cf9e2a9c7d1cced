"""`ckan minato-plan migrate`: a database written before indicator values had a field of their
own (targets and actuals as ``target_<year>`` / ``actual_<year>`` keys of each indicator) comes
out with every value the same in package_show, the downloads and the DataStore."""
import decimal
import json

import pytest

import ckan.model as model
from ckan.cli.cli import ckan as ckan_cli
from ckan.lib import search
from ckan.plugins import toolkit as tk

from support.plan_names import initiative_name

NUMBER = 7
NAME = initiative_name(NUMBER)
INDICATORS_BEFORE = [
    {"name_ja": "電子申請件数", "name_en": "Online applications", "unit": "件",
     "baseline": "120", "baseline_fiscal_year": "2020",
     "target_2021": "150", "actual_2021": "162", "target_2022": "200", "actual_2022": "",
     "target_2026": "1000"},
    {"name_ja": "満足度", "unit": "%", "actual_2023": "-2.5"},
]
#: What the values must read as: (indicator, fiscal year) -> (target, actual).
VALUES = {(1, 2021): ("150", "162"), (1, 2022): ("200", None), (1, 2026): ("1000", None),
          (2, 2023): (None, "-2.5")}


def _write_as_before():
    """The initiative as a portal before the change stored it: extras written straight into the
    database, then indexed (the index then holds the old form too)."""
    package = model.Package.get(NAME)
    package.extras = dict(package.extras or {}, indicators=json.dumps(
        INDICATORS_BEFORE, ensure_ascii=False))
    package.extras.pop("indicator_values", None)
    package.extras.pop("plan_id", None)  # before initiatives named their plan
    model.Session.commit()
    search.rebuild(package.id)
    return package.id


def _indicator_rows(app):
    rows = json.loads(app.get(f"/plan-data/initiative/{NUMBER}/indicators.en.json").data)
    return {(int(r["indicator_id"][-2:]), r["fiscal_year"]): (r["target"], r["actual"])
            for r in rows}


def _datastore_rows(app):
    plan = tk.get_action("package_show")({}, {"id": "minato-plan"})
    resource = next(r for r in plan["resources"] if r["url"].endswith("/indicators.en.csv"))
    result = app.get("/api/3/action/datastore_search", query_string={
        "resource_id": resource["id"], "limit": 1000,
        "filters": json.dumps({"initiative_no": NUMBER})}).json
    assert "result" in result, result
    result = result["result"]
    return {(int(r["indicator_id"][-2:]), r["fiscal_year"]): (r["target"], r["actual"])
            for r in result["records"]}


def _as_numbers(values):
    return {k: tuple(None if v is None else decimal.Decimal(str(v)) for v in pair)
            for k, pair in values.items() if pair != (None, None)}


@pytest.mark.usefixtures("loaded_plan")
def test_a_database_from_before_migrates_without_losing_a_value(app, cli):
    _write_as_before()
    try:
        dry = cli.invoke(ckan_cli, ["minato-plan", "migrate", "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert "[dry run] Initiatives / 取組: 39 checked, 1 rewritten, 0 failed" in dry.output
        assert "target_2021" in model.Package.get(NAME).extras["indicators"]

        result = cli.invoke(ckan_cli, ["minato-plan", "migrate"])
        assert result.exit_code == 0, result.output
        assert "39 checked, 1 rewritten, 0 failed" in result.output

        stored = model.Package.get(NAME).extras
        assert "target_" not in stored["indicators"] and "actual_" not in stored["indicators"]
        assert stored["plan_id"] == "minato-plan"
        shown = tk.get_action("package_show")({}, {"id": NAME})
        assert shown["indicators"] == [
            {"name_ja": "電子申請件数", "name_en": "Online applications", "unit": "件",
             "baseline": "120", "baseline_fiscal_year": "2020"},
            {"name_ja": "満足度", "unit": "%"}]
        assert {(v["indicator"], v["fiscal_year"]): (v.get("target"), v.get("actual"))
                for v in shown["indicator_values"]} == VALUES
        # the search index, the downloads and the DataStore hold the same values
        searched = tk.get_action("package_search")({}, {"fq": f"name:{NAME}"})["results"][0]
        assert searched["indicator_values"] == shown["indicator_values"]
        assert _as_numbers(_indicator_rows(app)) == _as_numbers(VALUES)
        assert _as_numbers(_datastore_rows(app)) == _as_numbers(VALUES)
        # the rewrite is an activity of the loader's account, like any edit
        activity = tk.get_action("package_activity_list")({"ignore_auth": True},
                                                          {"id": NAME, "limit": 1})[0]
        assert activity["activity_type"] == "changed package"

        again = cli.invoke(ckan_cli, ["minato-plan", "migrate"])
        assert "39 checked, 0 rewritten, 0 failed" in again.output
    finally:
        tk.get_action("package_patch")({"ignore_auth": True, "user": tk.get_action(
            "get_site_user")({"ignore_auth": True}, {})["name"]},
            {"id": NAME, "indicators": [], "indicator_values": []})


@pytest.mark.usefixtures("loaded_plan")
def test_pages_read_the_earlier_form_before_it_is_migrated(app):
    _write_as_before()
    try:
        page = app.get(f"/initiative/{NAME}").body
        assert "電子申請件数" in page and "162" in page and "-2.5" in page
        assert _as_numbers(_indicator_rows(app)) == _as_numbers(VALUES)
    finally:
        tk.get_action("package_patch")({"ignore_auth": True, "user": tk.get_action(
            "get_site_user")({"ignore_auth": True}, {})["name"]},
            {"id": NAME, "indicators": [], "indicator_values": []})
