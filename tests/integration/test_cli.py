"""`ckan minato-plan load` and `check-plan` as a ward data officer runs them."""
import pathlib

import pytest
import yaml

from ckan.cli.cli import ckan as ckan_cli
from ckan.plugins import toolkit as tk

from ckanext.minato_plan.domain import plan_file


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_load_command_reports_and_is_idempotent(cli):
    first = cli.invoke(ckan_cli, ["minato-plan", "load"])
    assert first.exit_code == 0, first.output
    assert "Initiatives / 取組: 39 created, 0 updated, 0 unchanged" in first.output
    second = cli.invoke(ckan_cli, ["minato-plan", "load"])
    assert "Initiatives / 取組: 0 created, 0 updated, 39 unchanged" in second.output


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_dry_run_command_writes_nothing(cli):
    result = cli.invoke(ckan_cli, ["minato-plan", "load", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "[dry run] 39 created" in result.output
    assert tk.get_action("package_search")({}, {"q": "*:*"})["count"] == 0


FICTIONAL = pathlib.Path(__file__).resolve().parents[1] / "data" / "fictional_plan.yaml"


def _broken_plan_file(tmp_path):
    raw = plan_file.read(plan_file.embedded_text())
    raw["plan"]["municipality"]["code"] = "131033"
    raw["guidelines"][0]["measures"][0]["initiatives"][0]["type"] = "renewed"
    raw["guidelines"][3]["measures"][1]["initiatives"][1]["en"] = ""
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_an_invalid_plan_file_is_refused_with_every_problem_and_nothing_written(cli, tmp_path):
    result = cli.invoke(ckan_cli, ["minato-plan", "load", str(_broken_plan_file(tmp_path))])
    assert result.exit_code != 0
    assert "3 problem(s) in the plan file, nothing written" in result.output
    for line in ('plan.municipality.code: "131033" — 検査数字が合いません',
                 'guidelines[0].measures[0].initiatives[0].type: "renewed"',
                 'guidelines[3].measures[1].initiatives[1].en: "" — 空にできません / must not '
                 'be empty'):
        assert line in result.output, result.output
    assert tk.get_action("package_search")({}, {"q": "*:*"})["count"] == 0
    assert tk.get_action("organization_list")({}, {}) == []


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_plan_the_portal_does_not_list_is_refused_and_nothing_written(cli):
    result = cli.invoke(ckan_cli, ["minato-plan", "load", str(FICTIONAL)])
    assert result.exit_code != 0
    assert "ckanext.minato_plan.plan_files (the plan files every web node reads) does not " \
        "list it" in result.output
    assert tk.get_action("package_search")({}, {"q": "*:*"})["count"] == 0


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_the_portals_own_plan_file_loads_as_the_default_does(cli, tmp_path):
    path = tmp_path / "minato.yaml"
    path.write_text(plan_file.embedded_text(), encoding="utf-8")
    result = cli.invoke(ckan_cli, ["minato-plan", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "Initiatives / 取組: 39 created" in result.output


@pytest.mark.usefixtures("with_plugins")
def test_check_plan_judges_each_file(cli, tmp_path):
    good = cli.invoke(ckan_cli, ["minato-plan", "check-plan", str(FICTIONAL)])
    assert good.exit_code == 0, good.output
    assert ("OK — kakuu-dx-plan: 2 guidelines, 3 measures, 5 initiatives, FY2025–FY2029"
            in good.output)
    both = cli.invoke(ckan_cli, ["minato-plan", "check-plan", str(FICTIONAL),
                                 str(_broken_plan_file(tmp_path))])
    assert both.exit_code == 1
    assert "3件の問題 / 3 problem(s)" in both.output
