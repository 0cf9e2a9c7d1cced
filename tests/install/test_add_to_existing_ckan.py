"""README "Add to an existing CKAN", followed on a stock CKAN 2.12 with ordinary datasets (see
conftest.py for the steps): the built packages, the install, the ordinary datasets' pages and
data afterwards, the plan's pages, DCAT and DataStore, and what happens with a wrong plugins line.
"""
from __future__ import annotations

import json
import re
import subprocess
import tarfile
import time
import zipfile

import pytest

from . import stock_data
from .conftest import (
    ARTIFACTS, DATASTORE_SETTINGS, EXTENSION_PINS, NOTES, README_SETTINGS, ROOT, Site, freeze,
    ini_with, key_line, subprocess_env)

PKG = "ckanext/minato_plan/"
MO_FILES = [f"{PKG}i18n/{lang}/LC_MESSAGES/ckanext-minato_plan.mo" for lang in ("ja", "en")]
REQUIRED_FILES = MO_FILES + [
    f"{PKG}schemas/initiative.yaml", f"{PKG}schemas/plan.yaml", f"{PKG}schemas/presets.yaml",
    f"{PKG}config_declaration.yaml", f"{PKG}data/plan.yaml", f"{PKG}plugin.py",
]
ORDINARY = [d["name"] for d in stock_data.DATASETS]
PUBLIC = [n for n in ORDINARY if n not in stock_data.PRIVATE]
INITIATIVE = "minato-plan-initiative-32"
PAGE_KINDS = ["page", "en", "activity", "groups", "resource"]


def _package_files(source_root) -> set[str]:
    """Every file of the package in the clean copy (what the wheel must carry), as wheel paths."""
    base = source_root / "ckanext" / "minato_plan"
    return {f"{PKG}{p.relative_to(base).as_posix()}" for p in base.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def _page(site: Site, name: str, kind: str) -> str:
    resource = site.datasets[name]["resources"][0]["id"]
    return {"page": f"/dataset/{name}", "en": f"/en/dataset/{name}",
            "activity": f"/dataset/activity/{name}", "groups": f"/dataset/groups/{name}",
            "resource": f"/dataset/{name}/resource/{resource}"}[kind]


def _assert_200(site: Site, path: str, token=None) -> str:
    status, body, error = site.get(path, token=token)
    assert status == 200, f"GET {path} -> {status}: {error or body[:300]}"
    return body


# --- the built packages -----------------------------------------------------------------------

def test_clean_copy_has_no_compiled_translations(site: Site) -> None:
    """The build starts from what a clean clone has: .po sources, no .mo (they are ignored), and
    compiles into the build tree only: the source's ckanext/ still has no .mo afterwards."""
    assert not list((site.source_copy / "ckanext").rglob("*.mo"))
    assert len(list(site.source_copy.glob("ckanext/minato_plan/i18n/*/LC_MESSAGES/*.po"))) == 2


@pytest.mark.parametrize("which", ["pip wheel", "python -m build"])
def test_wheel_carries_translations_schemas_and_data(site: Site, which: str) -> None:
    wheel = site.wheel if which == "pip wheel" else site.build_wheel
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(set(REQUIRED_FILES) - names)
    assert not missing, f"{wheel.name} ({which}) lacks {missing}"
    package = _package_files(site.source_copy)
    missing = sorted(f for f in package if f not in names)
    assert not missing, f"{wheel.name} ({which}) lacks files of the package: {missing}"
    for folder in ("data/", "templates/", "assets/", "schemas/"):
        assert any(n.startswith(PKG + folder) for n in names), f"no {folder} in {wheel.name}"
    from babel.messages.mofile import read_mo  # the test venv's Babel
    import io
    ja = read_mo(io.BytesIO(zipfile.ZipFile(wheel).read(MO_FILES[0])))
    assert ja.get("Plan overview").string == "計画の概要"


def test_sdist_carries_compiled_translations(site: Site) -> None:
    with tarfile.open(site.sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for required in REQUIRED_FILES + [f"{PKG}i18n/ja/LC_MESSAGES/ckanext-minato_plan.po",
                                      "setup.py", "pyproject.toml"]:
        assert required in names, f"{site.sdist.name} lacks {required}"


# --- the install ------------------------------------------------------------------------------

def test_installed_from_the_wheel_not_editable(site: Site) -> None:
    site.step_ok("install")
    probe = subprocess.run(
        [str(site.venv / "bin" / "python"), "-c",
         "import json, pathlib, ckanext.minato_plan as m;"
         "d = pathlib.Path(m.__file__).parent;"
         "print(json.dumps({'dir': str(d), 'mo': sorted(str(p.relative_to(d)) for p in "
         "d.glob('i18n/*/LC_MESSAGES/*.mo'))}))"],
        capture_output=True, text=True, cwd=site.run_dir, env=subprocess_env())
    assert probe.returncode == 0, probe.stderr[-2000:]
    found = json.loads(probe.stdout)
    assert found["dir"].startswith(str(site.venv / "lib")), found["dir"]
    assert found["mo"] == ["i18n/en/LC_MESSAGES/ckanext-minato_plan.mo",
                           "i18n/ja/LC_MESSAGES/ckanext-minato_plan.mo"]
    assert not list((site.venv / "lib").glob("python3*/site-packages/__editable__*minato*"))


def test_install_keeps_ckan_pins_and_requirements_consistent(site: Site) -> None:
    site.step_ok("pip-check")
    now = freeze(site.venv / "bin" / "python")
    changed = {n: (v, now.get(n)) for n, v in site.stock_freeze.items() if now.get(n) != v}
    assert not changed, f"installing the extension changed stock CKAN's packages: {changed}"
    for pin in EXTENSION_PINS:
        name, version = pin.split("==")
        assert now.get(name) == version, f"{name}: {now.get(name)}"


@pytest.mark.parametrize("step", ["configure", "datastore-permissions", "db-upgrade", "load",
                                  "reindex"])
def test_readme_step_succeeds(site: Site, step: str) -> None:
    site.step_ok(step)
    if step == "load":
        out = site.steps["load"].stdout
        assert re.search(r"Initiatives / 取組: 39 created", out), out[-1000:]


def test_server_starts(site: Site) -> None:
    site.require_server()


# --- the stock portal, before the extension ------------------------------------------------------

def test_stock_portal_served_every_page_before_the_extension(site: Site) -> None:
    bad = {path: status for path, status in site.baseline.items() if status != 200}
    assert site.baseline and not bad, f"stock CKAN (no extension) already failed: {bad}"


# --- ordinary datasets with the extension ----------------------------------------------------------

def test_home_page(site: Site) -> None:
    _assert_200(site, "/")


def test_dataset_search_lists_the_ordinary_datasets(site: Site) -> None:
    _assert_200(site, "/dataset/")
    for org in stock_data.ORGANIZATIONS:
        body = _assert_200(site, f"/dataset/?organization={org['name']}")
        for dataset in stock_data.DATASETS:
            if dataset["owner_org"] != org["name"]:
                continue
            if dataset["name"] in stock_data.PRIVATE:
                assert dataset["title"] not in body, f"anonymous search shows {dataset['name']}"
            else:
                assert dataset["title"] in body, f"/dataset/ does not list {dataset['name']}"


@pytest.mark.parametrize("kind", PAGE_KINDS)
@pytest.mark.parametrize("name", ORDINARY)
def test_ordinary_dataset_pages(site: Site, name: str, kind: str) -> None:
    private = name in stock_data.PRIVATE
    body = _assert_200(site, _page(site, name, kind), token=site.token if private else None)
    if kind == "page":
        title = next(d["title"] for d in stock_data.DATASETS if d["name"] == name)
        assert title in body


def test_private_dataset_still_hidden_from_anonymous(site: Site) -> None:
    name = next(iter(stock_data.PRIVATE))
    status, _, error = site.get(f"/dataset/{name}")
    assert status == 404, f"anonymous GET /dataset/{name} -> {status} {error}"
    result = site.api("package_search", {"q": "*:*", "fq": "dataset_type:dataset", "rows": 10})
    assert sorted(r["name"] for r in result["results"]) == sorted(PUBLIC)


@pytest.mark.parametrize("name", ORDINARY)
def test_ordinary_dataset_metadata_and_free_form_extras_kept(site: Site, name: str) -> None:
    pkg = site.api("package_show", {"id": name}, token=site.token)
    original = next(d for d in stock_data.DATASETS if d["name"] == name)
    assert pkg["type"] == "dataset"
    assert {e["key"]: e["value"] for e in pkg.get("extras", [])} == stock_data.EXTRAS[name]
    assert pkg["title"] == original["title"] and pkg["notes"] == original["notes"]
    assert sorted(t["name"] for t in pkg["tags"]) == sorted(t["name"] for t in original["tags"])
    assert [r["url"] for r in pkg["resources"]] == [r["url"] for r in original["resources"]]
    assert pkg["organization"]["name"] == original["owner_org"]
    assert pkg["private"] is bool(original.get("private"))


def test_ordinary_datasets_can_still_be_edited_and_created(site: Site) -> None:
    patched = site.api("package_patch", {"id": "minato-population",
                                         "notes": "住民基本台帳による人口（毎月1日現在）。"},
                       token=site.token)
    assert {e["key"]: e["value"] for e in patched["extras"]} == \
        stock_data.EXTRAS["minato-population"]
    created = site.api("package_create", {
        "name": "minato-shelters", "title": "港区避難所一覧", "owner_org": "minato-somu",
        "tags": [{"name": "防災"}], "extras": [{"key": "更新頻度", "value": "随時"}],
        "resources": [{"name": "避難所（CSV）", "format": "CSV",
                       "url": "https://www.city.minato.tokyo.jp/opendata/shelters.csv"}]},
        token=site.token)
    assert created["type"] == "dataset"
    assert created["extras"] == [{"key": "更新頻度", "value": "随時"}]
    _assert_200(site, "/dataset/minato-shelters")


def test_search_finds_ordinary_datasets(site: Site) -> None:
    result = site.api("package_search", {"q": "AED", "rows": 50})
    assert "minato-aed" in [r["name"] for r in result["results"]]


@pytest.mark.parametrize("name", PUBLIC)
def test_ordinary_dataset_rdf(site: Site, name: str) -> None:
    body = _assert_200(site, f"/dataset/{name}.ttl")
    dataset = next(d for d in stock_data.DATASETS if d["name"] == name)
    assert dataset["title"] in body
    org = next(o for o in stock_data.ORGANIZATIONS if o["name"] == dataset["owner_org"])
    assert org["title"] in body, f"{name}.ttl does not name its organization as publisher"


# --- the plan ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/plan-overview", "/en/plan-overview", "/plan/minato-plan"])
def test_plan_pages(site: Site, path: str) -> None:
    _assert_200(site, path)


def test_initiative_page_in_japanese_from_the_wheels_mo(site: Site) -> None:
    """「計画の概要」 is only in the compiled ja catalog (msgid "Plan overview"): the installed
    wheel's .mo is used."""
    body = _assert_200(site, f"/initiative/{INITIATIVE}")
    assert "計画の概要" in body, "the Japanese of 'Plan overview' is not on the page"
    en = _assert_200(site, f"/en/initiative/{INITIATIVE}")
    assert "Plan overview" in en


def test_catalog_ttl_lists_plan_and_ordinary_datasets(site: Site) -> None:
    body = _assert_200(site, "/catalog.ttl")
    assert "minato-plan-initiative-" in body
    for name in PUBLIC:
        title = next(d["title"] for d in stock_data.DATASETS if d["name"] == name)
        assert title in body, f"/catalog.ttl lacks the ordinary dataset {name}"
    private = next(d["title"] for d in stock_data.DATASETS if d["name"] in stock_data.PRIVATE)
    assert private not in body


def test_plan_tables_in_the_datastore(site: Site) -> None:
    plan = site.api("package_show", {"id": "minato-plan"})
    active = [r for r in plan["resources"] if r.get("datastore_active")]
    assert active, "no resource of minato-plan is in the DataStore"
    result = site.api("datastore_search", {"resource_id": active[0]["id"], "limit": 1})
    assert result["total"] > 0


# --- the README says what the test does ---------------------------------------------------------------

def _readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Add to an existing CKAN\n(.*?)(?=^## )", text, re.M | re.S)
    assert match, "README.md has no section '## Add to an existing CKAN'"
    return match.group(1)


def test_readme_prescribes_what_this_test_runs() -> None:
    section = _readme_section()
    for line in README_SETTINGS:
        assert line in section, f"README section lacks the setting line {line!r}"
    for setting in DATASTORE_SETTINGS:
        assert setting.split(" = ")[0] + " = " in section
    for fragment in ["pip wheel --no-deps", " ".join(EXTENSION_PINS), "db upgrade",
                     "minato-plan load", "search-index rebuild", "datastore set-permissions",
                     "config-tool"]:
        assert fragment in section, f"README section lacks {fragment!r}"
    order = ["## Configuration", "## Add to an existing CKAN", "## Layout"]
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [text.index(h) for h in order] == sorted(text.index(h) for h in order)


# --- a wrong plugins line, and scheming's fallback (recorded, printed at the end) -------------------

PROBES = {  # name: (plugins line, the plugins it lacks)
    "minato_plan alone": ("activity minato_plan", ["scheming_datasets", "dcat"]),
    "without scheming_datasets": ("activity dcat minato_plan structured_data datastore",
                                  ["scheming_datasets"]),
    "without dcat": ("activity scheming_datasets minato_plan datastore", ["dcat"]),
}


@pytest.mark.parametrize("probe", list(PROBES))
def test_plugins_line_without_its_requirements_fails(site: Site, probe: str) -> None:
    """minato_plan needs scheming_datasets and dcat: with a plugins line lacking them, `ckan`
    must stop with an error that names them (the exact error is printed in the summary)."""
    plugins, lacking = PROBES[probe]
    ini = ini_with(site.ini, site.run_dir / f"probe-{len(NOTES)}.ini",
                   **{"ckan.plugins": plugins})
    t0 = time.monotonic()
    proc = subprocess.run([site.ckan, "-c", str(ini), "minato-plan", "load", "--dry-run"],
                          capture_output=True, text=True, cwd=site.run_dir, env=subprocess_env())
    output = proc.stdout + proc.stderr
    (ARTIFACTS / f"probe-{probe.replace(' ', '-')}.log").write_text(output, encoding="utf-8")
    error = key_line(output)
    NOTES.append(f"ckan.plugins = {plugins}  ->  `ckan minato-plan load --dry-run` exit "
                 f"{proc.returncode} ({time.monotonic() - t0:.1f} s): {error}")
    assert proc.returncode != 0, f"{probe}: loading the plan succeeded:\n{output[-1500:]}"
    for name in lacking:
        assert name in error, f"{probe}: the error does not name {name}: {error}"


def test_scheming_fallback_true_refuses_ordinary_datasets(site: Site) -> None:
    """Why the README keeps scheming.dataset_fallback = false: with true, ckanext-scheming 3.1.0
    takes over the `dataset` type without a schema for it, and edits of ordinary datasets fail
    with "Unsupported dataset type: dataset"."""
    ini = ini_with(site.ini, site.run_dir / "probe-fallback.ini",
                   **{"scheming.dataset_fallback": "true"})
    script = (
        "import json, sys\n"
        "from ckan.cli import load_config\n"
        "from ckan.config.middleware import make_app\n"
        "client = make_app(load_config(sys.argv[1]))._wsgi_app.test_client()\n"
        "r = client.post('/api/3/action/package_patch', json={'id': 'minato-aed', "
        "'notes': 'fallback probe'}, headers={'Authorization': sys.argv[2]})\n"
        "print('RESULT ' + json.dumps({'status': r.status_code, 'body': r.get_json()}))\n")
    proc = subprocess.run([str(site.venv / "bin" / "python"), "-c", script, str(ini), site.token],
                          capture_output=True, text=True, cwd=site.run_dir, env=subprocess_env())
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"probe failed: {key_line(proc.stdout + proc.stderr)}"
    result = json.loads(lines[-1][len("RESULT "):])
    NOTES.append(f"scheming.dataset_fallback = true  ->  package_patch of an ordinary dataset: "
                 f"HTTP {result['status']} {json.dumps(result['body'].get('error'), ensure_ascii=False)}")
    assert result["status"] == 409
    assert result["body"]["error"]["type"] == ["Unsupported dataset type: dataset"]
