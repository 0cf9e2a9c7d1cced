"""The README's package_patch example, run as written (its jq program on a real package_show
answer, the result sent over HTTP): one fiscal year changes, nothing else is lost. Sending only
the changed entry, as a patch is easily misread, would replace the whole list."""
from __future__ import annotations

import pathlib
import re
import shutil
import subprocess

import pytest

from ckan.plugins import toolkit as tk

from support.plan_names import initiative_name

from support.staff import ctx, headers, member, show

pytestmark = pytest.mark.usefixtures("plan_in_place")

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"
NUMBER = 33
SIX_YEARS = [{"fiscal_year": fy, "status": "completed" if fy < 2023 else "under_study",
              "rating": "A" if fy < 2023 else "-", "summary_ja": f"{fy}年度の実績",
              "summary_en": f"Results of FY{fy}", "sample": fy == 2021}
             for fy in range(2021, 2027)]


def _readme_jq_program() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```bash\n(curl -s \"[^\n]*package_show\?id=.*?)```", text, re.S).group(1)
    assert "package_patch" in block and "-d @patch.json" in block
    return re.search(r"jq '(.*?)' > patch\.json", block, re.S).group(1)


@pytest.fixture
def six_years():
    admin = member("admin")
    before = show(NUMBER).get("progress") or []
    tk.get_action("package_patch")(ctx(admin), {"id": initiative_name(NUMBER),
                                                "progress": SIX_YEARS})
    yield
    tk.get_action("package_patch")(ctx(admin), {"id": initiative_name(NUMBER),
                                                "progress": before})


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_the_readme_example_changes_one_year_and_keeps_the_others(app, six_years):
    editor = member("editor")
    shown = app.get(f"/api/3/action/package_show?id={initiative_name(NUMBER)}").body
    patch = subprocess.run(["jq", _readme_jq_program()], input=shown, capture_output=True,
                           text=True, check=True).stdout
    response = app.post("/api/3/action/package_patch", data=patch,
                        headers={**headers(editor), "Content-Type": "application/json"})
    assert response.status_code == 200, response.body[:500]
    progress = {e["fiscal_year"]: e for e in show(NUMBER)["progress"]}
    assert sorted(progress) == list(range(2021, 2027))
    assert progress[2023] == {**SIX_YEARS[2], "status": "in_progress", "rating": "B",
                              "sample": False}
    for entry in SIX_YEARS:
        if entry["fiscal_year"] != 2023:
            assert progress[entry["fiscal_year"]] == entry


def test_a_patch_with_one_entry_replaces_the_whole_list(six_years):
    tk.get_action("package_patch")(ctx(member("editor")), {
        "id": initiative_name(NUMBER),
        "progress": [{"fiscal_year": 2023, "status": "in_progress", "rating": "B"}]})
    assert [e["fiscal_year"] for e in show(NUMBER)["progress"]] == [2023]
