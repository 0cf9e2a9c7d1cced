"""`ckan minato-plan load` as a ward data officer runs it."""
import pytest

from ckan.cli.cli import ckan as ckan_cli
from ckan.plugins import toolkit as tk


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
