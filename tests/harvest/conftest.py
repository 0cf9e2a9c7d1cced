"""Fixtures of the harvest tier: this portal as a harvest source, and stock CKAN 2.12 receivers
that harvest it with ckanext-harvest 1.6.3.

- ``source_portal`` (package scope): resets the pytest run's database and index, loads the whole
  plan through the real loader (``ckanext.minato_plan.logic.loader.load``), adds the ordinary
  datasets of :data:`ORDINARY_DATASETS` (type ``dataset``, made with ``ckan.tests.factories`` in
  the organization :data:`ORDINARY_ORG`: Japanese titles and tags, CSV/GeoJSON/PDF resources,
  one private), then serves it with ``ckan run`` on a free port of 127.0.0.1 (as the browser
  tier does). At teardown the database and index are reset, so later tiers load their own data.
- ``harvests`` (package scope): for each receiver of :data:`RECEIVERS`, a second CKAN 2.12 with
  only stock plugins (``activity harvest dcat dcat_rdf_harvester ckan_harvester``: no scheming,
  no minato_plan), its own database (``scripts/harvest_receiver.sh fresh-db``: a migrated, empty
  copy of a template), its own Solr core with CKAN's stock schema (``ckan_harvest``, one
  ``ckan.site_id`` per receiver), its own Redis db and its own ini, written here. Each receiver
  gets one organization and one harvest source per harvester (``receiver_actions.py``), harvests
  with ckanext-harvest's own command ``ckan -c <ini> harvester run-test <source>`` (gather, fetch
  and import in one process, no queue consumers), and is served by ``ckan run`` so that its
  pages are requested over HTTP. The two receivers run in parallel. Everything measured is in
  :class:`Run` objects; ``test_harvest.py`` asserts on them and :func:`pytest_terminal_summary`
  prints the figures.

Receivers (:data:`RECEIVERS`): ``ja`` is a stock CKAN whose default language is Japanese (a
Japanese catalog harvesting the ward), with CKAN's own licence list; ``en`` has CKAN's default
language (English) and the one setting a receiver needs for this portal's licences:
``licenses_group_url`` pointing at the source's own licence list (its ``license_list``).

Logs, inis, and the figures as JSON go to ``test-artifacts/harvest/``.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import math
import os
import pathlib
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterator, Optional

import pytest

from . import checks

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "harvest"
BIN = pathlib.Path(sys.executable).parent
CKAN_CLI = BIN / "ckan"
ACTIONS_SCRIPT = pathlib.Path(__file__).with_name("receiver_actions.py")
SOLR_CORE = "ckan_harvest"
START_TIMEOUT = 120  # seconds for `ckan run` to answer (the machine is shared)
HARVEST_TIMEOUT = 300  # seconds for one `ckan harvester run-test`
RECEIVER_PLUGINS = "activity harvest dcat dcat_rdf_harvester ckan_harvester"
PAGE_SIZE = 20  # CKAN's default ckan.datasets_per_page (the receivers do not set it)

# -- the source's ordinary datasets (type "dataset") ---------------------------------------------

ORDINARY_ORG = {"name": "minato-open-data", "title": "港区オープンデータ（一般）",
                "description": "港区が公開する一般のオープンデータ（収集試験用）。"}
ORDINARY_DATASETS: list[dict[str, Any]] = [
    {"name": "minato-population-by-town", "title": "港区の町丁目別人口",
     "notes": "住民基本台帳による町丁目別の人口と世帯数（毎月1日現在）。",
     "license_id": "CC-BY-4.0", "tags": [{"name": "人口"}, {"name": "統計"}],
     "resources": [
         {"name": "町丁目別人口（CSV）", "url": "https://data.example.jp/minato/population.csv",
          "format": "CSV", "mimetype": "text/csv"},
         {"name": "町丁目の区域（GeoJSON）",
          "url": "https://data.example.jp/minato/towns.geojson", "format": "GeoJSON",
          "mimetype": "application/geo+json"}]},
    {"name": "minato-evacuation-sites", "title": "避難所一覧",
     "notes": "区内の避難所・一時集合場所の名称、所在地、収容人数。",
     "license_id": "CC-BY-4.0", "tags": [{"name": "防災"}, {"name": "避難所"}],
     "resources": [
         {"name": "避難所（GeoJSON）", "url": "https://data.example.jp/minato/shelters.geojson",
          "format": "GeoJSON"},
         {"name": "避難所（CSV）", "url": "https://data.example.jp/minato/shelters.csv",
          "format": "CSV"}]},
    {"name": "minato-basic-plan-summary", "title": "港区基本計画（概要版）",
     "notes": "港区基本計画の概要版（PDF）。",
     "license_id": "CC-BY-4.0", "tags": [{"name": "計画"}, {"name": "行政"}],
     "resources": [
         {"name": "概要版（PDF）", "url": "https://data.example.jp/minato/basic-plan.pdf",
          "format": "PDF", "mimetype": "application/pdf"}]},
    {"name": "minato-aed-locations", "title": "AED設置場所",
     "notes": "区有施設のAED設置場所（施設名、住所、緯度経度）。",
     "license_id": "CC-BY-4.0", "tags": [{"name": "AED"}, {"name": "医療"}],
     "resources": [
         {"name": "AED設置場所（CSV）", "url": "https://data.example.jp/minato/aed.csv",
          "format": "CSV"}]},
]
PRIVATE_DATASET = {
    "name": "minato-internal-draft", "title": "庁内限り（非公開）", "private": True,
    "notes": "非公開のデータセット。収集されてはならない。", "license_id": "CC-BY-4.0",
    "tags": [{"name": "非公開"}],
    "resources": [{"name": "下書き（CSV）", "url": "https://data.example.jp/minato/draft.csv",
                   "format": "CSV"}]}

# -- receivers -----------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Harvester:
    key: str            # "dcat" | "ckan"
    source_type: str    # ckanext-harvest's source type
    title: str
    path: str           # the portal URL the source points to (appended to the portal's URL)
    config: dict[str, Any]


HARVESTERS = {
    "dcat": Harvester("dcat", "dcat_rdf", "DCAT RDF (ckanext-dcat dcat_rdf_harvester)",
                      "/catalog.ttl", {}),
    # remote_groups=create: the CKAN harvester's option that keeps the datasets' groups (the
    # plan's 4 guidelines, created on the receiver); without it import_stage drops every group.
    # The CKAN harvester keeps the remote id and name; nothing else is configured.
    "ckan": Harvester("ckan", "ckan", "CKAN API (ckanext-harvest ckan_harvester)", "/",
                      {"remote_groups": "create"}),
}


@dataclasses.dataclass(frozen=True)
class Receiver:
    key: str
    locale: str          # ckan.locale_default ("en" is CKAN's default)
    settings: dict[str, str]
    harvesters: tuple[str, ...]
    reharvest: tuple[str, ...] = ()   # harvested a second time (names must not change)
    description: str = ""


RECEIVERS = {
    "ja": Receiver("ja", "ja", {"ckan.locale_default": "ja"}, ("dcat", "ckan"),
                   reharvest=("dcat",),
                   description="stock CKAN 2.12, default language ja, CKAN's licence list"),
    # licenses_group_url: the source's own licence list (its license_list), so that the
    # receiver knows the portal's licence ids (which the CKAN harvester copies as license_id)
    # and their IRIs (which the DCAT RDF parser matches dct:license against)
    "en": Receiver("en", "en", {"licenses_group_url": "file://{dir}/licenses.json"},
                   ("dcat", "ckan"),
                   description="stock CKAN 2.12, default language en, licenses_group_url = the "
                               "source's licence list"),
}
RUN_IDS = [f"{h}@{r.key}" for r in RECEIVERS.values() for h in r.harvesters]


# -- results -------------------------------------------------------------------------------------

@dataclasses.dataclass(repr=False)
class Source:
    url: str
    datasets: list[dict[str, Any]]        # public, as package_search shows them anonymously
    private_names: list[str]
    graph_facts: dict[str, checks.GraphFacts]  # by dataset name, from /catalog.ttl
    licences: list[dict[str, Any]]             # the source's license_list

    @property
    def public_names(self) -> list[str]:
        return sorted(d["name"] for d in self.datasets)

    def __repr__(self) -> str:  # short, for pytest's failure reports
        return f"Source({self.url}, {len(self.datasets)} public datasets)"


@dataclasses.dataclass(repr=False)
class Run:
    run_id: str
    receiver: Receiver
    harvester: Harvester
    url: str = ""                                   # the receiver's site
    organization: str = ""
    datasets: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    jobs: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # last_job per harvest
    names_after_reharvest: Optional[list[str]] = None
    reharvest_error: str = ""                        # the plain second `run-test`, if it failed
    licence_ids: dict[str, bool] = dataclasses.field(default_factory=dict)  # id -> isopen
    list_pages: dict[str, int] = dataclasses.field(default_factory=dict)    # path -> status
    dataset_pages: dict[str, int] = dataclasses.field(default_factory=dict)  # path -> status
    server_errors: list[str] = dataclasses.field(default_factory=list)
    seconds: dict[str, float] = dataclasses.field(default_factory=dict)
    failure: str = ""                               # set when the pipeline itself broke

    def __repr__(self) -> str:  # short, for pytest's failure reports
        return f"Run({self.run_id}, {self.url}, {len(self.datasets)} datasets)"


# Figures of the run, printed at the end (pytest_terminal_summary).
FIGURES: dict[str, dict[str, str]] = {}
TIMINGS: dict[str, float] = {}


# -- processes -----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``ckan -c INI run`` on 127.0.0.1:PORT, its output in LOG."""

    def __init__(self, ini: pathlib.Path, port: int, log: pathlib.Path):
        self.ini, self.port, self.log = ini, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "Server":
        with self.log.open("w", encoding="utf-8") as out:
            self.process = subprocess.Popen(
                [str(CKAN_CLI), "-c", str(self.ini), "run", "--host", "127.0.0.1",
                 "--port", str(self.port), "--disable-reloader", "--disable-debugger",
                 "--threaded"],
                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=dict(os.environ))
        return self

    def wait(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/api/3/action/status_show",
                                            timeout=10) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"CKAN ({self.ini.name}) did not start at {self.url} (exit code "
                           f"{self.process.poll()}); log tail:\n{_tail(self.log)}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _tail(path: pathlib.Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _run(cmd: list[str], log: pathlib.Path, *, timeout: float, stdin: str = "",
         env: Optional[dict[str, str]] = None) -> str:
    """Runs ``cmd``; its standard error (and output, unless it is returned) goes to LOG."""
    with log.open("a", encoding="utf-8") as err:
        err.write(f"\n$ {' '.join(cmd)}\n")
        err.flush()
        done = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=err, text=True,
                              cwd=ROOT, env=env or dict(os.environ), timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {done.returncode}; "
                           f"log {log}:\n{_tail(log)}")
    return done.stdout


def _get(url: str, timeout: float = 60) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _api(base: str, action: str, **params: Any) -> Any:
    query = urllib.parse.urlencode(
        {k: (json.dumps(v) if isinstance(v, (list, dict)) else v) for k, v in params.items()})
    status, body = _get(f"{base}/api/3/action/{action}?{query}")
    payload = json.loads(body)
    if status != 200 or not payload.get("success"):
        raise RuntimeError(f"{action} on {base}: HTTP {status} {payload.get('error')}")
    return payload["result"]


# -- the source ----------------------------------------------------------------------------------

def _make_ordinary_datasets() -> list[str]:
    from ckan.tests import factories

    org = factories.Organization(**ORDINARY_ORG)
    for spec in ORDINARY_DATASETS + [PRIVATE_DATASET]:
        factories.Dataset(owner_org=org["id"], **json.loads(json.dumps(spec)))
    return [PRIVATE_DATASET["name"]]


@pytest.fixture(scope="package")
def source_portal(request, reset_db, reset_index, tmp_path_factory) -> Iterator[Source]:
    import ckan.plugins
    from ckanext.minato_plan.logic import loader

    t0 = time.monotonic()
    ckan.plugins.load_all()
    try:
        reset_db()
        reset_index()
        loader.load(echo=lambda _line: None)
        private_names = _make_ordinary_datasets()
    finally:
        ckan.plugins.unload_all()
    TIMINGS["source: reset, load plan, ordinary datasets"] = time.monotonic() - t0

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    base_ini = pathlib.Path(request.config.getoption("ckan_ini")).resolve()
    ini = tmp_path_factory.mktemp("harvest-source") / "source.ini"
    ini.write_text(
        "# Written by tests/harvest/conftest.py: the pytest run's portal, served as the source.\n"
        "[app:main]\n"
        f"use = config:{base_ini}\n"
        f"ckan.site_url = http://127.0.0.1:{port}\n", encoding="utf-8")
    t0 = time.monotonic()
    server = Server(ini, port, ARTIFACTS / "source-server.log").start()
    try:
        server.wait()
        TIMINGS["source: ckan run up"] = time.monotonic() - t0
        datasets = _api(server.url, "package_search", q="*:*", rows=1000)["results"]
        status, catalog = _get(f"{server.url}/catalog.ttl", timeout=300)
        assert status == 200, catalog[:500]
        (ARTIFACTS / "source-catalog.ttl").write_bytes(catalog)
        unlicensed = [d["name"] for d in datasets if not d.get("license_url")]
        assert not unlicensed, f"source datasets with a licence the portal does not know: " \
                               f"{unlicensed}"
        yield Source(url=server.url, datasets=datasets, private_names=private_names,
                     graph_facts=checks.graph_facts(catalog.decode("utf-8")),
                     licences=_api(server.url, "license_list"))
    finally:
        server.stop()
        # Leave no harvest data behind for the tiers that follow (they load their own).
        ckan.plugins.load_all()
        try:
            reset_db()
            reset_index()
        finally:
            ckan.plugins.unload_all()


# -- the receivers -------------------------------------------------------------------------------

def _worker_suffix() -> str:
    """"" for the main run (database ckan_test), "_<worker>" for TEST_WORKER runs."""
    from ckan.plugins import toolkit as tk

    db = tk.config["sqlalchemy.url"].rsplit("/", 1)[-1].split("?", 1)[0]
    return db[len("ckan_test"):] if db.startswith("ckan_test") else "_" + re.sub(r"\W", "_", db)


def _receiver_urls(receiver: Receiver, suffix: str, index: int) -> dict[str, str]:
    from ckan.plugins import toolkit as tk

    pg = tk.config["sqlalchemy.url"].rsplit("/", 1)[0]
    solr = tk.config["solr_url"].rstrip("/").rsplit("/", 1)[0]
    redis_base, _, test_db = tk.config["ckan.redis.url"].rpartition("/")
    # a Redis db other than the portal's (0) and this test run's; keys are also prefixed with
    # the receiver's own ckan.site_id
    candidates = [n for n in (15, 14, 13, 12) if str(n) != test_db]
    return {
        "sqlalchemy.url": f"{pg}/ckan_harvest_{receiver.key}{suffix}",
        "solr_url": f"{solr}/{SOLR_CORE}",
        "solr_base": solr,
        "ckan.redis.url": f"{redis_base}/{candidates[index]}",
        "ckan.site_id": f"harvest-receiver-{receiver.key}{suffix.replace('_', '-')}",
    }


def _receiver_ini(receiver: Receiver, source: Source, directory: pathlib.Path, port: int,
                  urls: dict[str, str]) -> pathlib.Path:
    settings = {key: value.format(dir=directory) for key, value in receiver.settings.items()}
    lines = [
        "# Written by tests/harvest/conftest.py: a stock CKAN 2.12 receiving the portal's",
        f"# datasets by harvest ({receiver.description}).",
        "[app:main]",
        "use = egg:ckan",
        "SECRET_KEY = harvest-receiver-tests-only-not-a-secret",
        "WTF_CSRF_SECRET_KEY = harvest-receiver-tests-only-not-a-secret",
        f"sqlalchemy.url = {urls['sqlalchemy.url']}",
        f"solr_url = {urls['solr_url']}",
        f"ckan.redis.url = {urls['ckan.redis.url']}",
        f"ckan.site_id = {urls['ckan.site_id']}",
        f"ckan.site_url = http://127.0.0.1:{port}",
        # each receiver builds its own web assets: two servers building one folder at once race
        f"ckan.webassets.path = {directory / 'webassets'}",
        f"ckan.plugins = {RECEIVER_PLUGINS}",
        *(f"{key} = {value}" for key, value in settings.items()),
        "",
        "[loggers]", "keys = root, ckan, ckanext", "",
        "[handlers]", "keys = console", "",
        "[formatters]", "keys = generic", "",
        "[logger_root]", "level = WARNING", "handlers = console", "",
        "[logger_ckan]", "level = WARNING", "handlers = console", "qualname = ckan",
        "propagate = 0", "",
        "[logger_ckanext]", "level = INFO", "handlers = console", "qualname = ckanext",
        "propagate = 0", "",
        "[handler_console]", "class = StreamHandler", "args = (sys.stderr,)", "level = NOTSET",
        "formatter = generic", "",
        "[formatter_generic]", "format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s",
        "",
    ]
    ini = directory / f"receiver-{receiver.key}.ini"
    ini.write_text("\n".join(lines), encoding="utf-8")
    if "licenses_group_url" in receiver.settings:
        (directory / "licenses.json").write_text(
            json.dumps(source.licences, ensure_ascii=False, indent=1), encoding="utf-8")
    return ini


def _collect_datasets(base: str, organization: str) -> list[dict[str, Any]]:
    return _api(base, "package_search", fq=f"organization:{organization}", rows=1000,
                sort="name asc")["results"]


_ERROR_LINE = re.compile(r"^(?:[\w.]+\.)?(\w*(?:Error|Exception)): .*$", re.M)


def _receiver_pipeline(receiver: Receiver, source: Source, directory: pathlib.Path,
                       suffix: str, index: int) -> dict[str, Run]:
    runs = {h: Run(f"{h}@{receiver.key}", receiver, HARVESTERS[h]) for h in receiver.harvesters}
    log = ARTIFACTS / f"receiver-{receiver.key}.log"
    log.write_text("", encoding="utf-8")
    port = _free_port()
    urls = _receiver_urls(receiver, suffix, index)
    ini = _receiver_ini(receiver, source, directory, port, urls)
    (ARTIFACTS / ini.name).write_text(ini.read_text(encoding="utf-8"), encoding="utf-8")
    script = str(ROOT / "scripts" / "harvest_receiver.sh")
    env = dict(os.environ, SOLR_URL=urls["solr_base"])
    t0 = time.monotonic()
    _run(["bash", script, "fresh-db", str(ini)], log, timeout=600, env=env)
    for run in runs.values():
        run.seconds["fresh database"] = time.monotonic() - t0

    server = Server(ini, port, ARTIFACTS / f"receiver-{receiver.key}-server.log").start()
    try:
        # this receiver's documents in the shared core and its keys in Redis (the harvest
        # queues run-test fills and no consumer empties) are gone with its database
        _clear_index(urls)
        _clear_redis(urls)
        actions = []
        for h, run in runs.items():
            harvester = run.harvester
            run.organization = f"harvested-{h}"
            actions.append(["organization_create", {
                "name": run.organization, "title": f"港区（{harvester.title}）"}])
            actions.append(["harvest_source_create", {
                "name": f"minato-{h}", "title": f"港区 {harvester.title}",
                "url": source.url + harvester.path, "source_type": harvester.source_type,
                "owner_org": run.organization, "frequency": "MANUAL",
                "config": json.dumps(harvester.config)}])
        _run([str(BIN / "python"), str(ACTIONS_SCRIPT), str(ini)], log, timeout=300,
             stdin=json.dumps(actions))
        server.wait()
        for run in runs.values():
            run.url = server.url

        def harvest(h: str) -> None:
            # the harvesters of one receiver run side by side: separate sources, organizations
            # and job records; each run-test's closing harvest_jobs_run only finishes jobs
            # whose gather is done and whose objects are all imported
            run = runs[h]
            t0 = time.monotonic()
            _run([str(CKAN_CLI), "-c", str(ini), "harvester", "run-test", f"minato-{h}"],
                 ARTIFACTS / f"harvest-{run.run_id}.log", timeout=HARVEST_TIMEOUT)
            run.seconds["harvest"] = time.monotonic() - t0
            run.jobs.append(_api(server.url, "harvest_source_show", id=f"minato-{h}")
                            ["status"]["last_job"])

        with concurrent.futures.ThreadPoolExecutor(max_workers=len(runs)) as pool:
            list(pool.map(harvest, runs))
        for h, run in runs.items():
            run.datasets = _collect_datasets(server.url, run.organization)
        for h in receiver.reharvest:
            run = runs[h]
            t0 = time.monotonic()
            harvest = [str(CKAN_CLI), "-c", str(ini), "harvester", "run-test", f"minato-{h}"]
            harvest_log = ARTIFACTS / f"harvest-{run.run_id}.log"
            try:
                _run(harvest, harvest_log, timeout=HARVEST_TIMEOUT)
            except RuntimeError as e:
                # ckanext-harvest 1.6.3 on CKAN 2.12: once a job has finished,
                # harvest_source_reindex has put the *unvalidated* source dict (no
                # source_type) into Solr's validated_data_dict, which package_show serves, so
                # `run-test` fails with KeyError: 'source_type'. Reindexing the source with
                # CKAN's own command restores it (see test_a_source_harvests_twice_with_run_test).
                found = re.findall(r"^\w*Error: .*$", str(e), re.M)
                run.reharvest_error = found[-1] if found else str(e)[-300:]
                _run([str(CKAN_CLI), "-c", str(ini), "search-index", "rebuild", f"minato-{h}"],
                     harvest_log, timeout=300)
                # the failed attempt left its job "Running": run-test asks whether to abort it
                _run(harvest, harvest_log, timeout=HARVEST_TIMEOUT, stdin="y\n")
            run.seconds["re-harvest"] = time.monotonic() - t0
            run.jobs.append(_api(server.url, "harvest_source_show", id=f"minato-{h}")
                            ["status"]["last_job"])
            run.names_after_reharvest = sorted(
                d["name"] for d in _collect_datasets(server.url, run.organization))
        licences = {lic["id"]: bool(lic.get("od_conformance") == "approved"
                                    or lic.get("osd_conformance") == "approved")
                    for lic in _api(server.url, "license_list")}
        for run in runs.values():
            run.licence_ids = licences
            t0 = time.monotonic()
            _check_pages(run)
            run.seconds["pages"] = time.monotonic() - t0
        errors = sorted(set(m.group(0)[:300] for m in _ERROR_LINE.finditer(
            server.log.read_text(errors="replace"))))
        for run in runs.values():
            run.server_errors = errors
    finally:
        server.stop()
    return runs


def _clear_index(urls: dict[str, str]) -> None:
    """Deletes the receiver's documents (its ckan.site_id) from the shared core, as ``ckan
    search-index clear`` does, without loading CKAN for it."""
    body = json.dumps({"delete": {"query": f'site_id:"{urls["ckan.site_id"]}"'}}).encode()
    request = urllib.request.Request(f"{urls['solr_url']}/update?commit=true", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as resp:
        assert resp.status == 200, resp.read()[:300]


def _clear_redis(urls: dict[str, str]) -> None:
    """Deletes the receiver's keys (they all contain its ckan.site_id) from its Redis db."""
    import redis

    client = redis.Redis.from_url(urls["ckan.redis.url"])
    keys = list(client.scan_iter(match=f"*{urls['ckan.site_id']}*"))
    if keys:
        client.delete(*keys)


_WARM_UP: dict[str, threading.Lock] = {}


def _check_pages(run: Run) -> None:
    """The dataset list of the run's organization (every page) and every harvested dataset's
    page, as an anonymous visitor requests them (redirects followed)."""
    pages = max(1, math.ceil(len(run.datasets) / PAGE_SIZE))
    paths = [f"/dataset/?organization={run.organization}&page={n}" for n in range(1, pages + 1)]
    dataset_paths = [f"/dataset/{d['name']}" for d in run.datasets]
    # CKAN builds its web assets on the first request that uses them, and two first requests
    # at once race on the asset folder: one page of each kind first, one at a time per server
    with _WARM_UP.setdefault(run.url, threading.Lock()):
        for path in (paths[:1] + dataset_paths[:1]):
            _get(run.url + path)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        statuses = dict(zip(paths + dataset_paths,
                            pool.map(lambda p: _get(run.url + p)[0], paths + dataset_paths)))
    run.list_pages = {p: statuses[p] for p in paths}
    run.dataset_pages = {p: statuses[p] for p in dataset_paths}


def _solr_core(solr_base: str) -> None:
    log = ARTIFACTS / "receivers-setup.log"
    _run(["bash", str(ROOT / "scripts" / "harvest_receiver.sh"), "solr-core", SOLR_CORE], log,
         timeout=300, env=dict(os.environ, SOLR_URL=solr_base))


@pytest.fixture(scope="package")
def harvests(source_portal: Source, tmp_path_factory) -> dict[str, Run]:
    """Every run of :data:`RUN_IDS`, harvested, collected and checked over HTTP."""
    suffix = _worker_suffix()
    for old in ARTIFACTS.glob("harvest-*.log"):
        old.unlink()
    first = next(iter(RECEIVERS.values()))
    _solr_core(_receiver_urls(first, suffix, 0)["solr_base"])
    t0 = time.monotonic()
    results: dict[str, Run] = {}
    lock = threading.Lock()

    def pipeline(index: int, receiver: Receiver) -> None:
        directory = tmp_path_factory.mktemp(f"receiver-{receiver.key}")
        try:
            runs = _receiver_pipeline(receiver, source_portal, directory, suffix, index)
        except Exception as e:  # reported by every test of the receiver, not swallowed
            runs = {h: Run(f"{h}@{receiver.key}", receiver, HARVESTERS[h],
                           failure=f"{type(e).__name__}: {e}") for h in receiver.harvesters}
        with lock:
            for run in runs.values():
                results[run.run_id] = run

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(RECEIVERS)) as pool:
        list(pool.map(lambda item: pipeline(*item), enumerate(RECEIVERS.values())))
    TIMINGS["receivers: harvest and checks (in parallel)"] = time.monotonic() - t0
    problems = {}
    for run in results.values():
        FIGURES[run.run_id] = checks.figures(run, source_portal)
        problems[run.run_id] = checks.problems(run, source_portal)
    (ARTIFACTS / "figures.json").write_text(json.dumps(
        {"figures": FIGURES, "timings": TIMINGS, "problems": problems,
         "seconds": {r.run_id: r.seconds for r in results.values()},
         "reharvest_error": {r.run_id: r.reharvest_error for r in results.values()}},
        ensure_ascii=False, indent=1), encoding="utf-8")
    return results


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    tr = terminalreporter
    tr.section("Harvest by stock CKAN 2.12 receivers (ckanext-harvest 1.6.3, ckanext-dcat 2.4.4)")
    for receiver in RECEIVERS.values():
        tr.write_line(f"receiver {receiver.key}: {receiver.description}")
    rows = list(checks.FIGURE_LABELS.items())
    runs = [r for r in RUN_IDS if r in FIGURES]
    width = max(len(label) for _key, label in rows) + 2
    tr.write_line("".ljust(width) + "".join(r.ljust(14) for r in runs))
    for key, label in rows:
        tr.write_line(label.ljust(width) + "".join(
            str(FIGURES[r].get(key, "")).ljust(14) for r in runs))
    for name, seconds in TIMINGS.items():
        tr.write_line(f"{name}: {seconds:.1f} s")
    tr.write_line(f"(details: {ARTIFACTS.relative_to(ROOT)}/figures.json, logs beside it)")
