"""Install tier: the extension added, as a built wheel, to a STOCK CKAN 2.12 that already holds
ordinary datasets, following README's section "Add to an existing CKAN" step by step.

Nothing here runs in this pytest process's CKAN: everything happens in subprocesses of a
separate virtualenv, ``.local/install-test/venv`` (Python 3.11, ``ckan[requirements]==2.12.0``
only; created once and reused while its requirements do not change, reset to its stock package
set before every run), against a database, a DataStore database and a Solr core of its own
(``ckan_install_test``, ``datastore_install_test``, core ``ckan_install_test`` with CKAN's stock
schema, ``configsets/stock`` of scripts/solr.sh), Redis db 13, ``ckan.site_id = install-test``
(names suffixed with ``_$TEST_WORKER`` when it is set).

The module-scoped fixture ``site`` does it all, once, timing every step:

 1. venv      the stock virtualenv (created or reset to stock)
 2. build     copies the working tree as a clean clone would have it (``git ls-files --cached
              --others --exclude-standard``: no ignored ``.mo``, no ``build/``) and builds the
              wheel the README's way (``pip wheel --no-deps``), and the sdist and a wheel from it
              with ``python -m build`` (``build`` in ``.local/install-test/build-venv``)
 3. stock     ``ckan generate config``, ``ckan config-tool`` (plugins ``activity`` only,
              ``ckan.locale_default = ja``), ``ckan db init``, a sysadmin and an API token
              (``ckan user add``, ``ckan sysadmin add``, ``ckan user token add``), ``ckan run``,
              then organizations, a group and ordinary datasets over the stock Action API
              (stock_data.py), and the baseline pages, all before the extension exists there
 4. README    ``pip install <wheel> ckanext-scheming==3.1.0 ckanext-dcat==2.4.4``, ``ckan
              config-tool`` with README_SETTINGS, the DataStore permissions, ``ckan db upgrade``,
              ``ckan minato-plan load``, ``ckan search-index rebuild``, ``ckan run``

A step that fails because of the extension (a plugin that does not load, a failing migration or
load) is recorded and the fixture goes on; the tests then fail with the step's key error line.
Timings and the probes' messages are printed at the end of the run (terminal summary) and kept
with every log in ``test-artifacts/install/``. Two runs on one machine take turns (a file lock).
"""
from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterator, Optional

import pytest

from . import stock_data

ROOT = pathlib.Path(__file__).resolve().parents[2]
STATE = ROOT / ".local" / "install-test"
VENV = STATE / "venv"
BUILD_VENV = STATE / "build-venv"
ARTIFACTS = ROOT / "test-artifacts" / "install"

# The stock CKAN of the ward, as scripts/install.sh and requirements.txt install CKAN.
STOCK_REQUIREMENTS = ["ckan[requirements]==2.12.0"]
BUILD_REQUIREMENTS = ["build==1.6.1"]
# README: the extension's wheel with its pinned dependencies.
EXTENSION_PINS = ["ckanext-scheming==3.1.0", "ckanext-dcat==2.4.4"]

PG_HOST, PG_PORT = "127.0.0.1", int(os.environ.get("PG_PORT", "5433"))
SOLR = f"http://127.0.0.1:{os.environ.get('SOLR_PORT', '8983')}/solr"
REDIS_PORT = int(os.environ.get("REDIS_PORT", "6380"))
# TEST_WORKER (scripts/test.sh) gives a run names of its own on the shared services.
_WORKER = os.environ.get("TEST_WORKER", "")
_SUFFIX = f"_{_WORKER}" if re.fullmatch(r"[a-z0-9_]+", _WORKER) else ""
DB = f"ckan_install_test{_SUFFIX}"
DATASTORE_DB = f"datastore_install_test{_SUFFIX}"
CORE = f"ckan_install_test{_SUFFIX}"
SITE_ID = f"install-test{_SUFFIX}"
ADMIN = "installadmin"
START_TIMEOUT = 120  # seconds for `ckan run` to answer

PLUGINS = "activity dcat scheming_datasets minato_plan structured_data datastore"
# README "Add to an existing CKAN", step "Configure": exactly these lines (the DataStore URLs
# with this test's database names and passwords instead of the README's placeholders).
README_SETTINGS = [
    f"ckan.plugins = {PLUGINS}",
    "scheming.dataset_schemas = ckanext.minato_plan.schemas:plan.yaml "
    "ckanext.minato_plan.schemas:initiative.yaml",
    "scheming.presets = ckanext.scheming:presets.json ckanext.minato_plan.schemas:presets.yaml",
    "scheming.dataset_fallback = false",
    "ckanext.dcat.rdf.profiles = minato_plan_dcat_ap_3",
    "ckanext.dcat.enable_content_negotiation = true",
    "ckan.datastore.sqlsearch.enabled = true",
]
DATASTORE_SETTINGS = [
    f"ckan.datastore.write_url = postgresql://ckan_default:ckan_default@{PG_HOST}:{PG_PORT}/"
    f"{DATASTORE_DB}",
    f"ckan.datastore.read_url = postgresql://datastore_default:datastore_default@{PG_HOST}:"
    f"{PG_PORT}/{DATASTORE_DB}",
]

# Filled by the fixture, printed by pytest_terminal_summary.
TIMINGS: list[tuple[str, float, str]] = []
NOTES: list[str] = []

_EXC_LINE = re.compile(
    r"^(?:[A-Za-z_][\w.]*\.)?[A-Za-z_]\w*(?:Error|Exception|NotFound|Invalid|Failed|Failure|"
    r"Exit|Interrupt)\b.*$")


def key_line(text: str) -> str:
    """The line of a traceback that says what went wrong (its last exception line), else the
    last meaningful line of the output."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if _EXC_LINE.match(line.strip()):
            return line.strip()
    for line in reversed(lines):
        if not re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (INFO|DEBUG|WARNI)", line):
            return line.strip()[:500]
    return ""


@dataclasses.dataclass
class Step:
    name: str
    cmd: str
    rc: int
    seconds: float
    output: str  # standard output and error
    stdout: str = ""

    @property
    def ok(self) -> bool:
        return self.rc == 0

    @property
    def key(self) -> str:
        return key_line(self.output)

    def describe(self) -> str:
        return f"step {self.name!r} ({self.cmd}) exited {self.rc}: {self.key}"


@dataclasses.dataclass
class Site:
    """The stock CKAN with the extension added, served by `ckan run`."""
    url: str
    ini: pathlib.Path
    venv: pathlib.Path
    run_dir: pathlib.Path
    token: str = ""
    wheel: Optional[pathlib.Path] = None
    build_wheel: Optional[pathlib.Path] = None
    sdist: Optional[pathlib.Path] = None
    source_copy: Optional[pathlib.Path] = None
    datasets: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    steps: dict[str, Step] = dataclasses.field(default_factory=dict)
    baseline: dict[str, int] = dataclasses.field(default_factory=dict)
    stock_freeze: dict[str, str] = dataclasses.field(default_factory=dict)
    log: Optional[pathlib.Path] = None
    server: Optional[subprocess.Popen] = None
    server_error: str = ""

    @property
    def ckan(self) -> str:
        return str(self.venv / "bin" / "ckan")

    def step_ok(self, name: str) -> None:
        step = self.steps.get(name)
        assert step is not None, f"step {name!r} did not run"
        assert step.ok, step.describe()

    def require_server(self) -> None:
        if self.server is None or self.server.poll() is not None:
            pytest.fail(f"the CKAN with the extension is not running: {self.server_error}")

    def get(self, path: str, token: Optional[str] = None, accept: Optional[str] = None,
            ) -> tuple[int, str, str]:
        """GET ``path``: (status, body, key error line of the server log during the request)."""
        self.require_server()
        offset = self.log.stat().st_size if self.log else 0
        status, body = http(self.url + path, token=token, accept=accept)
        error = ""
        if status >= 500 and self.log:
            time.sleep(0.2)
            with self.log.open("rb") as fh:
                fh.seek(offset)
                error = key_line(fh.read().decode("utf-8", "replace"))
        return status, body, error

    def api(self, action: str, data: Optional[dict[str, Any]] = None,
            token: Optional[str] = None) -> Any:
        self.require_server()
        return stock_data.call(self.url, action, data, token)


# --- helpers ------------------------------------------------------------------------------

def subprocess_env() -> dict[str, str]:
    """This process's environment without anything that would point the other venv's CKAN at
    this project (CKAN_* overrides, PYTHONPATH, the active virtualenv)."""
    drop = ("CKAN_", "CKANEXT_", "PYTHON", "VIRTUAL_ENV", "PYTEST_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def http(url: str, token: Optional[str] = None, accept: Optional[str] = None,
         timeout: float = 90) -> tuple[int, str]:
    headers = {}
    if token:
        headers["Authorization"] = token
    if accept:
        headers["Accept"] = accept
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def solr_admin(**params: str) -> dict[str, Any]:
    params["wt"] = "json"
    with urllib.request.urlopen(f"{SOLR}/admin/cores?{urllib.parse.urlencode(params)}",
                                timeout=120) as response:
        return json.load(response)


class Runner:
    """Runs the fixture's commands, records each as a Step with its time, keeps its log."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def __call__(self, name: str, cmd: list[str], *, check: bool = True,
                 stdin: Optional[str] = None, timing: Optional[str] = None,
                 timeout: float = 600) -> Step:
        t0 = time.monotonic()
        try:
            proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True,
                                  cwd=self.site.run_dir, env=subprocess_env(), timeout=timeout)
            rc, out, err = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as exc:
            rc, out, err = -1, str(exc.stdout or ""), f"{exc.stderr or ''}\nTimeoutExpired: {exc}"
        seconds = time.monotonic() - t0
        shown = " ".join(str(c) for c in cmd).replace(str(self.site.run_dir) + "/", "")
        step = Step(name, shown, rc, seconds, (out or "") + (err or ""), out or "")
        self.site.steps[name] = step
        (ARTIFACTS / f"{name}.log").write_text(f"$ {shown}\n{step.output}", encoding="utf-8")
        if timing:
            TIMINGS.append((timing, seconds, "" if step.ok else "FAILED"))
        if check and not step.ok:
            pytest.fail(f"install test setup: {step.describe()}\n{step.output[-3000:]}")
        return step


def timed(label: str, t0: float, note: str = "") -> None:
    TIMINGS.append((label, time.monotonic() - t0, note))


def freeze(python: pathlib.Path) -> dict[str, str]:
    out = subprocess.run([str(python), "-m", "pip", "freeze", "--all"], capture_output=True,
                         text=True, check=True, env=subprocess_env()).stdout
    pins = {}
    for line in out.splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.lower().replace("_", "-")] = version.strip()
        elif " @ " in line:
            pins[line.split(" @ ", 1)[0].lower().replace("_", "-")] = line.split(" @ ", 1)[1]
    return pins


def python311() -> str:
    python = os.environ.get("PYTHON311") or shutil.which("python3.11")
    if not python:
        pytest.fail("python3.11 not found (set PYTHON311)")
    return python


# --- the stock virtualenv -------------------------------------------------------------------

def ensure_venv(venv: pathlib.Path, requirements: list[str]) -> str:
    """Creates ``venv`` with ``requirements`` (or reuses it when they did not change), and resets
    a reused one to the package set it had right after creation. Returns what it did."""
    python = python311()
    version = subprocess.run([python, "-c", "import sys; print(sys.version)"],
                             capture_output=True, text=True, check=True).stdout.strip()
    want = hashlib.sha256(json.dumps([version, requirements]).encode()).hexdigest()[:16]
    stamp = venv / ".install-test-stamp"
    stock_file = venv / ".install-test-freeze.json"
    env = subprocess_env()
    if stamp.is_file() and stamp.read_text().strip() == want and stock_file.is_file():
        stock = json.loads(stock_file.read_text())
        now = freeze(venv / "bin" / "python")
        extra = sorted(name for name in now if name not in stock)
        if extra:
            subprocess.run([str(venv / "bin" / "pip"), "uninstall", "-y", "-q", *extra],
                           check=True, env=env, capture_output=True)
        changed = [f"{n}=={v}" for n, v in stock.items() if now.get(n) != v]
        if changed:
            subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--no-deps", *changed],
                           check=True, env=env, capture_output=True)
        return f"reused, reset to stock ({len(extra)} removed, {len(changed)} restored)"
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([python, "-m", "venv", str(venv)], check=True, env=env)
    proc = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *requirements],
                          capture_output=True, text=True, env=env)
    if proc.returncode:
        shutil.rmtree(venv, ignore_errors=True)
        pytest.fail(f"pip install {' '.join(requirements)} failed:\n{proc.stderr[-3000:]}")
    stock_file.write_text(json.dumps(freeze(venv / "bin" / "python"), indent=1, sort_keys=True))
    stamp.write_text(want + "\n")
    return "created"


# --- building -------------------------------------------------------------------------------

def clean_copy(dest: pathlib.Path) -> int:
    """The working tree as a clean clone would have it: tracked (as they are now, uncommitted
    changes included) and untracked-but-not-ignored files; nothing ignored (.mo, build/, .venv)."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=ROOT, capture_output=True, check=True).stdout.decode()
    count = 0
    for rel in filter(None, out.split("\0")):
        src = ROOT / rel
        if not src.is_file():  # deleted in the working tree
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
        count += 1
    return count


# --- CKAN server ----------------------------------------------------------------------------

def start_server(site: Site, log: pathlib.Path) -> tuple[Optional[subprocess.Popen], str]:
    """`ckan run` on site.url; (process, "") once status_show answers, else (None, error)."""
    port = urllib.parse.urlsplit(site.url).port
    out = log.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [site.ckan, "-c", str(site.ini), "run", "--host", "127.0.0.1", "--port", str(port),
         "--disable-reloader", "--disable-debugger", "--threaded"],
        stdout=out, stderr=subprocess.STDOUT, cwd=site.run_dir, env=subprocess_env())
    out.close()
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            status, _ = http(f"{site.url}/api/3/action/status_show", timeout=5)
            if status == 200:
                return process, ""
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(process)
    text = log.read_text(encoding="utf-8", errors="replace")
    return None, f"`ckan run` did not answer (exit {process.poll()}): {key_line(text)}"


def stop_server(process: Optional[subprocess.Popen]) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def stock_pages(datasets: dict[str, dict[str, Any]]) -> list[tuple[str, bool]]:
    """(path, needs the sysadmin's token) of every page of the ordinary datasets checked."""
    pages: list[tuple[str, bool]] = [("/", False), ("/dataset/", False)]
    for name, pkg in datasets.items():
        private = name in stock_data.PRIVATE
        resource = pkg["resources"][0]["id"]
        for path in (f"/dataset/{name}", f"/en/dataset/{name}", f"/dataset/activity/{name}",
                     f"/dataset/groups/{name}", f"/dataset/{name}/resource/{resource}"):
            pages.append((path, private))
    return pages


def ini_with(ini: pathlib.Path, target: pathlib.Path, **options: str) -> pathlib.Path:
    """A copy of ``ini`` with options of [app:main] replaced (key = value lines)."""
    text = ini.read_text(encoding="utf-8")
    for key, value in options.items():
        pattern = re.compile(rf"^{re.escape(key)}\s*=.*$", re.M)
        assert pattern.search(text), f"{key} not in {ini}"
        text = pattern.sub(lambda _m: f"{key} = {value}", text)
    target.write_text(text, encoding="utf-8")
    return target


# --- the fixture ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    STATE.mkdir(parents=True, exist_ok=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.log"):
        old.unlink()
    TIMINGS.clear()
    NOTES.clear()
    lock = (STATE / "lock").open("w")
    t_lock = time.monotonic()
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() - t_lock > 900:
                pytest.fail("another install test has held .local/install-test/lock for 15 min")
            time.sleep(2)
    if time.monotonic() - t_lock > 1:
        timed("waiting for another install test", t_lock)

    for port, what in ((PG_PORT, "PostgreSQL"), (REDIS_PORT, "Redis"),
                       (int(urllib.parse.urlsplit(SOLR).port or 8983), "Solr")):
        if not port_open(port):
            pytest.fail(f"{what} is not running on 127.0.0.1:{port}: "
                        "run `bash scripts/services.sh start` (scripts/test.sh does)")

    run_dir = STATE / "run"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    (run_dir / "storage").mkdir(parents=True)
    site = Site(url=f"http://127.0.0.1:{free_port()}", ini=run_dir / "ckan.ini", venv=VENV,
                run_dir=run_dir)
    run = Runner(site)
    pip = str(VENV / "bin" / "pip")
    t_all = time.monotonic()
    try:
        # 1. the stock virtualenv
        t0 = time.monotonic()
        how = ensure_venv(VENV, STOCK_REQUIREMENTS)
        timed("venv (stock CKAN 2.12.0)", t0, how)
        site.stock_freeze = json.loads((VENV / ".install-test-freeze.json").read_text())

        # 2. build: the README's `pip wheel`, and `python -m build` (sdist + wheel from it)
        t0 = time.monotonic()
        src = tmp_path_factory.mktemp("src") / "ckanext-minato_plan"
        copied = clean_copy(src)
        site.source_copy = src
        dist = tmp_path_factory.mktemp("dist")
        run("build-wheel", [pip, "wheel", "--no-deps", "--wheel-dir", str(dist), str(src)],
            timing=f"build: pip wheel --no-deps ({copied} files)")
        wheels = sorted(dist.glob("ckanext_minato_plan-*.whl"))
        assert len(wheels) == 1, f"pip wheel made {wheels}"
        site.wheel = wheels[0]
        t0 = time.monotonic()
        how = ensure_venv(BUILD_VENV, BUILD_REQUIREMENTS)
        timed("build tools venv (build==1.6.1)", t0, how)
        bdist = tmp_path_factory.mktemp("build-dist")
        shutil.rmtree(src / "build", ignore_errors=True)
        run("build-sdist", [str(BUILD_VENV / "bin" / "python"), "-m", "build", "--outdir",
                            str(bdist), str(src)], timing="build: python -m build (sdist, wheel)")
        site.sdist = next(bdist.glob("*.tar.gz"))
        site.build_wheel = next(bdist.glob("*.whl"))

        # 3. services of this site: fresh databases, a core with CKAN's stock schema
        t0 = time.monotonic()
        run("dropdb", ["bash", str(ROOT / "scripts" / "postgres.sh"), "sql", "postgres"],
            stdin=f"DROP DATABASE IF EXISTS {DB} WITH (FORCE);\n"
                  f"DROP DATABASE IF EXISTS {DATASTORE_DB} WITH (FORCE);\n")
        for db in (DB, DATASTORE_DB):
            run(f"createdb-{db}", ["bash", str(ROOT / "scripts" / "postgres.sh"), "createdb", db])
        if not solr_admin(action="STATUS", core=CORE).get("status", {}).get(CORE):
            solr_admin(action="CREATE", name=CORE, instanceDir=CORE, configSet="stock")
        req = urllib.request.Request(
            f"{SOLR}/{CORE}/update?commit=true", data=b"<delete><query>*:*</query></delete>",
            headers={"Content-Type": "text/xml"})
        urllib.request.urlopen(req, timeout=60).read()
        timed("fresh database, DataStore database and Solr core", t0)

        # 4. the stock CKAN: config, db init, sysadmin, ordinary datasets over the API
        t0 = time.monotonic()
        run("generate-config", [site.ckan, "generate", "config", str(site.ini)])
        run("stock-config", [
            site.ckan, "config-tool", str(site.ini),
            f"sqlalchemy.url = postgresql://ckan_default:ckan_default@{PG_HOST}:{PG_PORT}/{DB}",
            f"solr_url = {SOLR}/{CORE}",
            f"ckan.redis.url = redis://127.0.0.1:{REDIS_PORT}/13",
            f"ckan.site_url = {site.url}",
            f"ckan.site_id = {SITE_ID}",
            "ckan.site_title = 港区オープンデータ",
            f"ckan.storage_path = {run_dir / 'storage'}",
            "ckan.locale_default = ja",
            "ckan.plugins = activity",
        ])
        timed("stock config (generate config, config-tool)", t0)
        run("db-init", [site.ckan, "-c", str(site.ini), "db", "init"], timing="db init (stock)")
        t0 = time.monotonic()
        run("user-add", [site.ckan, "-c", str(site.ini), "user", "add", ADMIN,
                         "email=installadmin@example.org", "password=install-test-123"])
        run("sysadmin-add", [site.ckan, "-c", str(site.ini), "sysadmin", "add", ADMIN])
        step = run("token-add", [site.ckan, "-c", str(site.ini), "user", "token", "add", ADMIN,
                                 "install-test"])
        site.token = step.stdout.strip().splitlines()[-1].strip()
        timed("sysadmin and API token (ckan user/sysadmin/token)", t0)

        t0 = time.monotonic()
        site.server, error = start_server(site, ARTIFACTS / "ckan-stock.log")
        if site.server is None:
            pytest.fail(f"the stock CKAN did not start: {error}")
        timed("start (stock ckan run)", t0)
        t0 = time.monotonic()
        site.datasets = stock_data.create_all(site.url, site.token)
        for path, private in stock_pages(site.datasets):
            site.baseline[path] = http(site.url + path, token=site.token if private else None)[0]
        timed("ordinary datasets over the stock API, baseline pages", t0)
        stop_server(site.server)
        site.server = None

        # 5. the README's steps
        run("install", [pip, "install", str(site.wheel), *EXTENSION_PINS],
            timing="install (pip install wheel + pins)")
        run("pip-check", [pip, "check"], check=False)
        run("configure", [site.ckan, "config-tool", str(site.ini), *README_SETTINGS,
                          *DATASTORE_SETTINGS], check=False, timing="configure (config-tool)")
        t0 = time.monotonic()
        perms = run("datastore-permissions", [site.ckan, "-c", str(site.ini), "datastore",
                                              "set-permissions"], check=False)
        if perms.ok:
            sql = "\n".join(line for line in perms.stdout.splitlines()
                            if not re.match(r"^\d{4}-\d\d-\d\d \d\d:", line))
            run("datastore-permissions-psql",
                ["bash", str(ROOT / "scripts" / "postgres.sh"), "sql", DATASTORE_DB],
                stdin=sql, check=False)
        timed("DataStore permissions", t0, "" if perms.ok else "FAILED")
        run("db-upgrade", [site.ckan, "-c", str(site.ini), "db", "upgrade"], check=False,
            timing="db upgrade")
        run("load", [site.ckan, "-c", str(site.ini), "minato-plan", "load"], check=False,
            timing="minato-plan load")
        run("reindex", [site.ckan, "-c", str(site.ini), "search-index", "rebuild"],
            check=False, timing="search-index rebuild")
        t0 = time.monotonic()
        site.log = ARTIFACTS / "ckan-server.log"
        site.server, site.server_error = start_server(site, site.log)
        timed("start (ckan run with the extension)", t0, "" if site.server else "FAILED")
        timed("whole setup", t_all)
        yield site
    finally:
        stop_server(site.server)
        lock.close()
        (ARTIFACTS / "timings.txt").write_text(
            "".join(f"{label:<55} {secs:7.1f} s  {note}\n" for label, secs, note in TIMINGS),
            encoding="utf-8")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not TIMINGS and not NOTES:
        return
    terminalreporter.section("install test (tests/install): step timings")
    for label, seconds, note in TIMINGS:
        terminalreporter.write_line(f"{label:<55} {seconds:7.1f} s  {note}")
    if NOTES:
        terminalreporter.section("install test (tests/install): probes")
        for note in NOTES:
            terminalreporter.write_line(note)
    terminalreporter.write_line(f"logs: {ARTIFACTS.relative_to(ROOT)}/")
