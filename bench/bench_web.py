"""Web benchmark: our portal against a stock CKAN twin under the same production server, and our
portal's growth from 39 to 4,000 initiatives (prints figures; not a test).

    bash scripts/services.sh start        # PostgreSQL 5433, Redis 6380, Solr 8983 (if not running)
    .venv/bin/python bench/bench_web.py [--rounds 5] [--seconds 3] [--concurrency 1,4,16]
        [--sizes 39,400,4000] [--growth-concurrency 1,4] [--no-compare] [--no-growth]
        [--calls home,search_page,...] [--stock-schema ja|stock] [--quick] [--keep] [--fresh]
        [--max-foreign 10] [--json FILE]
    .venv/bin/python bench/bench_web.py profile [--site ours|stock|g4000]
        [--path /initiative/minato-plan-initiative-32 | --update ward-data-200] [-n 50]

The second form profiles one request with cProfile in-process (CKAN's app from the site's ini,
Flask test client, no server) and prints the own time by package (ms per request) and the
hottest functions, overall and of ckanext/minato_plan; run the benchmark once first.

What it runs, all on 127.0.0.1, state under .local/bench-web/ (never .local/ckan.ini, never the dev
portal's database):

- **ours** (port 5300): CKAN 2.12 with this extension, its config written from
  config/ckan.ini.in as scripts/portal.sh writes .local/ckan.ini, with its own database
  ``ckan_bench_ours``, DataStore ``datastore_bench_ours``, Solr core ``bench_web_ours`` (our
  Japanese schema), site id ``bench-web-ours`` and Redis db; prepared by scripts/ckan_init.sh
  (migrations, DataStore, ``ckan minato-plan load``, reindex, repair) like ``make up``.
- **stock** (port 5301): the same CKAN from the same venv, plugins ``activity
  scheming_datasets`` with ckanext-scheming's default ``dataset`` schema (ckan_dataset.yaml),
  database ``ckan_bench_stock``, Solr core ``bench_web_stock`` (``--stock-schema``: ``ja`` = our
  Japanese schema, the default, so that the search figures compare the plugin's work and not
  CKAN's whitespace tokenizer; ``stock`` = CKAN's own schema.xml), its own site id and Redis db.
  It holds the plan dataset and the 39 initiatives as exported by our package_show, recreated as
  ordinary datasets (same names, titles, notes, tags, groups, resources, licence, organization).
- both also hold the same 200 ordinary datasets of ten ward departments (Japanese titles, tags,
  two resources each), and a sysadmin with an API token for the write calls.
- both run as scripts/portal.sh runs the portal: ``gunicorn --chdir config wsgi:application``
  (config/wsgi.py), ``--workers 2 --threads 4`` (``--workers``, ``--threads``), access log on,
  plus CKAN's job worker (``ckan jobs worker``): our portal schedules a heal job after commits.

Measurement: for each round, for each call, for each concurrency, ours then stock (stock first in
odd rounds), ``--seconds`` each; ``--concurrency`` clients send requests as fast as they are
answered (requests sessions, keep-alive, ``Accept-Encoding: gzip`` as browsers do: our portal
compresses in the app, stock CKAN does not; bodies are read, not decompressed). Printed per
concurrency: req/s, p50 and p99 latency of both (medians over rounds), the ratio ours/stock of
req/s (median of the per-round ratios, min–max over rounds) and of p50 (> 1: ours is slower).
After every write measurement the datasets it created are purged and both job queues drained,
off the clock, so that the next measurement starts from the same data.

Calls (ours | stock): home ``/``; dataset search page ``/dataset/?q=<Japanese word>``; an
initiative page ``/initiative/<name>`` | the same dataset's ``/dataset/<name>``; the overview
``/plan-overview`` | ``/dataset/`` (stock has no overview: its dataset list is the nearest
page); an ordinary dataset's page; ``package_search`` (Japanese words); ``package_show`` of an
initiative and of an ordinary dataset; ``package_create`` and ``package_update`` of ordinary
datasets (sysadmin API token).

Growth: our portal again (port 5302, one database, core and server per size: ``ckan_bench_g39``,
``…_g400``, ``…_g4000``), each with the 200 ordinary datasets and the fictional sample
progress on every initiative (labelled sample data; so that the progress CSV has rows to
write): overview, ``minato_plan_show``, ``/plan-data/progress.ja.csv``, an initiative page and
the search page, at ``--growth-concurrency``. The schema refuses more than the plan's 39
initiatives (``initiative_no`` must lie in 1..39, ``rules.initiative_no``) and a second dataset
with the same number (``minato_official``). The extra initiatives are therefore written by the
extension's own loader (``loader.load(plan=...)``) with a synthetic plan of N initiatives: the
39 real ones and copies of them (same guideline, measure, new/continued, plan page; title
suffixed （複製 n） / (copy n); numbers 40..N; each copy with the sample progress of its original),
in a loading process where ``load_plan()`` returns that plan, so every validator runs and
passes. The servers run the unmodified extension with the real plan: their pages read the
datasets. Identifiers above 999 get four digits (131032JK1000), which the three-digit ID
pattern of datapackage.json does not describe.

The machine is shared: the clients run beside the servers, Solr and PostgreSQL, and other
sessions may run tests or browsers, or restart the services. A measurement is taken again (up
to ``--retries`` times) when processes outside the benchmark (neither its servers and workers
nor PostgreSQL, Solr or Redis) used more than ``--max-foreign`` % of the machine's CPU during
it, when a request failed, or when PostgreSQL, Solr or Redis were restarted meanwhile; the
counts are printed at the end. At the start it waits (``--wait-quiet`` s at most) for a quiet
machine.

Everything is reused on a rerun (databases, cores, data, running servers of this bench) unless
what the data depend on changed (the extension's code other than its templates, views and
assets, the Solr configuration, the config template, this file's ``DATA_VERSION``): then the
data are loaded again and reindexed; any change of the extension restarts the servers.
``--fresh`` drops the bench's databases, cores and state first. First run: about 15 min of
setup (the 4,000 initiatives alone take 8 min) besides the 35 min of measurements. Without
``--keep`` the servers and workers this run started are stopped at the end; PostgreSQL, Solr
and Redis are left running, as scripts/test.sh leaves them.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any, Optional

import requests

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / ".local" / "bench-web"
VENV = ROOT / ".venv" / "bin"
PG_PORT, REDIS_PORT, SOLR_PORT = 5433, 6380, 8983
SOLR = f"http://127.0.0.1:{SOLR_PORT}/solr"
FORBIDDEN_PORTS = {5000, 5100, 5101, 5102, 8993, 8994, 8995}
#: Bump when the generated data (ordinary datasets, the export mapping, growth copies) change.
DATA_VERSION = "3"
ADMIN = "bench-web-admin"
ORDINARY_COUNT = 200
JA_WORDS = ["テレワーク", "防災", "オープンデータ", "子育て", "キャッシュレス", "図書館", "ごみ"]
INITIATIVES = [f"minato-plan-initiative-{n:02d}" for n in range(1, 40)]
ORDINARY = [f"ward-data-{n:03d}" for n in range(1, ORDINARY_COUNT + 1)]
DEPARTMENTS = [
    ("kankyo-ka", "環境課", ["ごみ収集量", "資源回収拠点", "公園の樹木", "騒音測定結果",
                             "省エネルギー設備"], ["ごみ", "環境", "リサイクル"]),
    ("bosai-ka", "防災課", ["避難所", "防災倉庫", "AED設置場所", "防災訓練の実施状況",
                           "ハザードマップ"], ["防災", "避難", "安全"]),
    ("kodomo-ka", "子ども家庭支援課", ["保育園の空き状況", "児童館", "子育てひろば",
                                       "子育て支援サービス", "待機児童数"], ["子育て", "保育", "子ども"]),
    ("hoken-ka", "保健予防課", ["健康診査の受診率", "予防接種の実施状況", "医療機関",
                               "がん検診", "食中毒予防"], ["健康", "医療", "保健"]),
    ("kumin-ka", "区民課", ["人口と世帯数", "転入転出", "窓口の待ち時間", "証明書の発行件数",
                           "マイナンバーカード交付"], ["人口", "統計", "手続"]),
    ("toshi-ka", "都市計画課", ["都市計画図", "建築確認件数", "自転車駐車場", "コミュニティバス",
                               "道路の占用"], ["まちづくり", "交通", "道路"]),
    ("kanko-ka", "観光政策課", ["観光案内所", "文化財", "イベント情報", "観光客数",
                               "ロケ地"], ["観光", "文化", "イベント"]),
    ("kyoiku-ka", "教育委員会事務局", ["図書館の蔵書数", "学校一覧", "学童クラブ",
                                       "ICT機器の整備状況", "生涯学習講座"], ["教育", "図書館", "学校"]),
    ("fukushi-ka", "福祉総合窓口課", ["高齢者施設", "介護保険の認定者数", "障害者支援施設",
                                     "地域包括支援センター", "福祉相談件数"], ["福祉", "高齢者", "介護"]),
    ("zaisei-ka", "財政課", ["予算の概要", "決算", "区有施設の一覧", "契約情報",
                            "キャッシュレス決済の導入施設"], ["財政", "予算", "キャッシュレス"]),
]
LICENSES = ["cc-by", "cc-zero", "odc-by", "cc-by-sa"]
FREQUENCIES = ["毎年", "毎月", "随時", "四半期ごと"]


def say(text: str) -> None:
    print(f"bench_web: {text}", flush=True)


def die(text: str, code: int = 1) -> None:
    print(f"bench_web: ERROR: {text}", file=sys.stderr, flush=True)
    sys.exit(code)


# --- the sites --------------------------------------------------------------------------------

@dataclasses.dataclass
class Site:
    name: str            # ours, stock, g39, g400, g4000
    kind: str            # "ours" (this extension) or "stock"
    port: int
    redis_role: str      # which Redis db (ours, stock, growth)
    initiatives: int = 39
    sample: bool = False  # fictional sample progress (growth sites)

    @property
    def db(self) -> str:
        return f"ckan_bench_{self.name}"

    @property
    def datastore_db(self) -> str:
        return f"datastore_bench_{self.name}"

    @property
    def core(self) -> str:
        return f"bench_web_{self.name}"

    @property
    def site_id(self) -> str:
        return f"bench-web-{self.name}"

    @property
    def ini(self) -> Path:
        return STATE / f"{self.name}.ini"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def file(self, suffix: str) -> Path:
        return STATE / f"{self.name}.{suffix}"


OURS = Site("ours", "ours", 5300, "ours")
STOCK = Site("stock", "stock", 5301, "stock")


def growth_site(n: int, port: int) -> Site:
    return Site(f"g{n}", "ours", port, "growth", initiatives=n, sample=True)


# --- small helpers ------------------------------------------------------------------------------

def run_cmd(args: list[str], log: Optional[Path] = None, env: Optional[dict[str, str]] = None,
            stdin: Optional[str] = None, check: bool = True) -> str:
    """Run a command from the repository root; its output goes to ``log`` (appended) or is
    returned. Failures show the end of the log."""
    full_env = dict(os.environ, **(env or {}))
    if log is None:
        proc = subprocess.run(args, cwd=ROOT, env=full_env, input=stdin, text=True,
                              capture_output=True)
        if check and proc.returncode != 0:
            die(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}"
                f"{proc.stderr[-3000:]}")
        return proc.stdout
    with open(log, "a") as out:
        out.write(f"\n$ {' '.join(args)}\n")
        out.flush()
        proc = subprocess.run(args, cwd=ROOT, env=full_env, input=stdin, text=True,
                              stdout=out, stderr=subprocess.STDOUT)
    if check and proc.returncode != 0:
        tail = log.read_text(errors="replace")[-4000:]
        die(f"{' '.join(args)} failed ({proc.returncode}); end of {log}:\n{tail}")
    return ""


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def redis_cli(*args: str, db: int = 0) -> str:
    return run_cmd(["redis-cli", "-h", "127.0.0.1", "-p", str(REDIS_PORT), "-n", str(db),
                    *args]).strip()


def solr_admin(**params: str) -> dict[str, Any]:
    params["wt"] = "json"
    response = requests.get(f"{SOLR}/admin/cores", params=params, timeout=300)
    response.raise_for_status()
    return response.json()


#: Parts of the extension that shape neither the stored datasets nor their index documents:
#: a change there restarts the servers but does not load the data again.
PRESENTATION = ("templates", "public", "assets", "i18n", "views", "helpers.py", "middleware.py")


def fingerprint(site: Site, stock_schema: str, data_only: bool = False) -> str:
    """What a site depends on: the extension (its code, schemas and data), the Solr
    configuration, the config template, this file's data version and the site's options.
    ``data_only``: what its data depend on (the presentation left out)."""
    digest = hashlib.sha256()
    digest.update(f"{DATA_VERSION}|{dataclasses.asdict(site)}|{stock_schema}".encode())
    roots = [ROOT / "config" / "ckan.ini.in"]
    if site.kind == "ours":
        roots += [ROOT / "ckanext" / "minato_plan", ROOT / "tools" / "solr"]
    elif stock_schema == "ja":
        roots += [ROOT / "tools" / "solr"]
    extension = ROOT / "ckanext" / "minato_plan"
    for root in roots:
        files = [root] if root.is_file() else sorted(
            p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            and p.suffix not in (".pyc", ".mo"))
        for path in files:
            if data_only and extension in path.parents \
                    and path.relative_to(extension).parts[0] in PRESENTATION:
                continue
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    if site.kind == "stock":  # its data come from ours
        digest.update(fingerprint(OURS, stock_schema, data_only=True).encode())
    return digest.hexdigest()[:20]


def read_json(path: Path) -> Optional[dict[str, Any]]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _no_nan(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_no_nan(v) for v in value]
    return value


def write_json(path: Path, data: Any, private: bool = False) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    old = os.umask(0o077) if private else None
    try:
        tmp.write_text(json.dumps(_no_nan(data), ensure_ascii=False, indent=1))
    finally:
        if old is not None:
            os.umask(old)
    tmp.replace(path)


# --- Redis dbs -----------------------------------------------------------------------------------

REDIS_OWNER_KEY = "bench_web:owner"


def redis_dbs(roles: list[str]) -> dict[str, int]:
    """A Redis db for each role. The portal uses 0, the tests 1, the cluster 2, test workers
    3-15 (scripts/test.sh, by a hash of their name) and bench/search_relevance.py 15. A db this
    bench took before carries the key bench_web:owner; otherwise it takes an empty db among
    14..3; if there is none, the roles share the emptiest one (CKAN's keys are prefixed with
    the site id: queues ckan:<site id>:…, minato_plan:<site id>:…)."""
    keyspace = redis_cli("INFO", "keyspace")
    used = {int(line.split(":")[0][2:]) for line in keyspace.splitlines()
            if line.startswith("db")}
    out: dict[str, int] = {}
    candidates = list(range(14, 2, -1))
    for db in candidates:
        owner = redis_cli("GET", REDIS_OWNER_KEY, db=db) if db in used else ""
        if owner in roles and owner not in out:
            out[owner] = db
    for role in roles:
        if role in out:
            continue
        free = [db for db in candidates if db not in used and db not in out.values()]
        if free:
            out[role] = free[0]
        else:
            sizes = {db: int(redis_cli("DBSIZE", db=db) or 0) for db in candidates}
            out[role] = min(sizes, key=sizes.get)
            say(f"no free Redis db among 3-14: role {role} shares db {out[role]} (keys are "
                "prefixed with the site id)")
        redis_cli("SET", REDIS_OWNER_KEY, role, db=out[role])
        used.add(out[role])
    return out


def queue_busy(site: Site, db: int) -> int:
    """Jobs waiting or running in the site's default queue."""
    queue = f"ckan:{site.site_id}:default"
    waiting = int(redis_cli("LLEN", f"rq:queue:{queue}", db=db) or 0)
    running = int(redis_cli("ZCARD", f"rq:wip:{queue}", db=db) or 0)
    return waiting + running


def drain(site: Site, db: int, limit: float = 60.0) -> float:
    """Wait until the site's job queue is empty; the seconds it took."""
    started = time.monotonic()
    while queue_busy(site, db) and time.monotonic() - started < limit:
        time.sleep(0.2)
    return time.monotonic() - started


# --- configuration -------------------------------------------------------------------------------

def edit_ini(text: str, settings: dict[str, str]) -> str:
    """``key = value`` lines of [app:main] replaced (or added after the section header)."""
    lines = text.splitlines()
    section = None
    seen = set()
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1]
            continue
        if section != "app:main" or stripped.startswith("#") or "=" not in stripped:
            continue
        key = stripped.split("=", 1)[0].strip()
        if key in settings:
            lines[index] = f"{key} = {settings[key]}"
            seen.add(key)
    header = lines.index("[app:main]")
    missing = [f"{k} = {v}" for k, v in settings.items() if k not in seen]
    lines[header + 1:header + 1] = missing
    return "\n".join(lines) + "\n"


def write_ini(site: Site, redis_db: int) -> None:
    """The site's ini: config/ckan.ini.in filled in as scripts/portal.sh fills it, with the
    site's database, DataStore, Solr core, Redis db, URL and site id."""
    secret_file = site.file("secret")
    if not secret_file.exists():
        old = os.umask(0o077)
        try:
            secret_file.write_text(secrets.token_urlsafe(30))
        finally:
            os.umask(old)
    text = (ROOT / "config" / "ckan.ini.in").read_text()
    text = text.replace("@SECRET_KEY@", secret_file.read_text().strip()).replace("@ROOT@",
                                                                                 str(ROOT))
    pg = f"127.0.0.1:{PG_PORT}"
    settings = {
        "sqlalchemy.url": f"postgresql://ckan_default:ckan_default@{pg}/{site.db}",
        "ckan.datastore.write_url": f"postgresql://ckan_default:ckan_default@{pg}/"
                                    f"{site.datastore_db}",
        "ckan.datastore.read_url": f"postgresql://datastore_default:datastore_default@{pg}/"
                                   f"{site.datastore_db}",
        "solr_url": f"{SOLR}/{site.core}",
        "ckan.redis.url": f"redis://127.0.0.1:{REDIS_PORT}/{redis_db}",
        "ckan.site_url": site.url,
        "ckan.site_id": site.site_id,
        "ckan.storage_path": str(STATE / f"storage-{site.name}"),
    }
    if site.kind == "stock":
        settings.update({
            "ckan.plugins": "activity scheming_datasets",
            "scheming.dataset_schemas": "ckanext.scheming:ckan_dataset.yaml",
            "scheming.presets": "ckanext.scheming:presets.json",
            "scheming.dataset_fallback": "false",
        })
    text = ("# Written by bench/bench_web.py from config/ckan.ini.in (as scripts/portal.sh "
            "writes .local/ckan.ini).\n" + edit_ini(text, settings))
    old = os.umask(0o077)
    try:
        site.ini.write_text(text)
    finally:
        os.umask(old)
    (STATE / f"storage-{site.name}").mkdir(exist_ok=True)


# --- setup ---------------------------------------------------------------------------------------

def drop_site(site: Site) -> None:
    """--fresh: the site's databases, core and state files."""
    for db in (site.db, site.datastore_db):
        run_cmd(["bash", "scripts/postgres.sh", "sql", "postgres"],
                stdin=f"DROP DATABASE IF EXISTS {db} WITH (FORCE);\n")
    if solr_admin(action="STATUS", core=site.core).get("status", {}).get(site.core):
        solr_admin(action="UNLOAD", core=site.core, deleteInstanceDir="true")
    for suffix in ("ready", "token", "setup.log"):
        site.file(suffix).unlink(missing_ok=True)


def ensure_core(site: Site, configset: str) -> None:
    status = solr_admin(action="STATUS", core=site.core).get("status", {}).get(site.core)
    if status:
        solr_admin(action="RELOAD", core=site.core)  # the configset may have changed
    else:
        solr_admin(action="CREATE", name=site.core, instanceDir=site.core, configSet=configset)


def setup(site: Site, redis_db: int, stock_schema: str) -> float:
    """Databases, core, ini and data of a site, unless a previous run made them from the same
    inputs. Returns the seconds it took (0 when reused)."""
    want = fingerprint(site, stock_schema, data_only=True)
    ready = read_json(site.file("ready")) or {}
    write_ini(site, redis_db)
    if ready.get("fingerprint") == want and site.file("token").exists():
        return 0.0
    t0 = time.monotonic()
    log = site.file("setup.log")
    say(f"{site.name}: preparing (database {site.db}, core {site.core}; log {log})")
    run_cmd(["bash", "scripts/postgres.sh", "createdb", site.db], log)
    if site.kind == "ours":  # `ckan db init` with the datastore plugin connects to it
        run_cmd(["bash", "scripts/postgres.sh", "createdb", site.datastore_db], log)
    ensure_core(site, "ja" if site.kind == "ours" or stock_schema == "ja" else "stock")
    ckan = str(VENV / "ckan")
    site.file("populated").unlink(missing_ok=True)
    populate = [sys.executable, str(Path(__file__).resolve()), "_populate", site.name,
                str(site.initiatives), "1" if site.sample else "0"]
    if site.kind == "ours" and site.name == "ours":
        # exactly as `make up` prepares the portal: migrations, DataStore, load, reindex, repair
        run_cmd(["bash", "scripts/ckan_init.sh", str(site.ini), str(STATE / "logs-ours")], log)
        run_cmd(populate, log)
    elif site.kind == "ours":
        run_cmd([ckan, "-c", str(site.ini), "db", "init"], log)
        run_cmd([ckan, "-c", str(site.ini), "db", "upgrade", "-p", "activity"], log)
        run_cmd(["bash", "scripts/datastore.sh", str(site.ini)], log)
        run_cmd(populate, log)
        result = read_json(site.file("populated")) or {}
        if result.get("reindex"):
            run_cmd([ckan, "-c", str(site.ini), "search-index", "rebuild"], log)
    else:
        run_cmd([ckan, "-c", str(site.ini), "db", "init"], log)
        run_cmd([ckan, "-c", str(site.ini), "db", "upgrade", "-p", "activity"], log)
        run_cmd(populate, log)
    seconds = time.monotonic() - t0
    result = read_json(site.file("populated")) or {}
    write_json(site.file("ready"), {"fingerprint": want, "seconds": round(seconds, 1),
                                    **result})
    say(f"{site.name}: ready in {seconds:.0f} s ({result.get('datasets', '?')} datasets)")
    return seconds


# --- servers -------------------------------------------------------------------------------------

def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def pid_of(path: Path) -> Optional[int]:
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if alive(pid) else None


def runs_ini(pid: int, ini: Path) -> bool:
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return f"CKAN_INI={ini}".encode() in environ or str(ini).encode() in cmdline


def stop_group(pidfile: Path, what: str) -> None:
    pid = pid_of(pidfile)
    if pid is not None:
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 25
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if alive(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        say(f"stopped {what} (pid {pid})")
    pidfile.unlink(missing_ok=True)


class Servers:
    """The gunicorn servers and job workers of the sites; stops those it started."""

    def __init__(self, workers: int, threads: int):
        self.workers, self.threads = workers, threads
        self.started: list[Site] = []
        self.workers_started: list[Site] = []

    def ensure(self, site: Site, redis_db: int, fp: str) -> None:
        pidfile, wpidfile = site.file("pid"), site.file("worker.pid")
        info = read_json(site.file("server")) or {}
        pid = pid_of(pidfile)
        if pid is not None and runs_ini(pid, site.ini) and info.get("fingerprint") == fp \
                and info.get("shape") == [self.workers, self.threads] and self._answers(site):
            say(f"{site.name}: reusing the running server at {site.url} (pid {pid})")
            MACHINE.add(pid)
            MACHINE.add(pid_of(wpidfile))
            if pid_of(wpidfile) is None:
                self._worker(site, redis_db)
            return
        if pid is not None and runs_ini(pid, site.ini):
            stop_group(pidfile, f"{site.name} server (stale)")
            stop_group(wpidfile, f"{site.name} job worker (stale)")
        if site.port in FORBIDDEN_PORTS:
            die(f"port {site.port} is reserved for the portal or the cluster")
        if port_open(site.port):
            die(f"port {site.port} is taken by a process this bench did not start")
        log = open(site.file("log"), "a")
        proc = subprocess.Popen(
            [str(VENV / "gunicorn"), "--chdir", str(ROOT / "config"),
             "--bind", f"127.0.0.1:{site.port}", "--workers", str(self.workers),
             "--threads", str(self.threads), "--timeout", "120", "--graceful-timeout", "20",
             "--access-logfile", "-", "wsgi:application"],
            cwd=ROOT, env=dict(os.environ, CKAN_INI=str(site.ini)), stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        pidfile.write_text(str(proc.pid))
        MACHINE.add(proc.pid)
        write_json(site.file("server"), {"fingerprint": fp, "shape": [self.workers,
                                                                      self.threads]})
        self.started.append(site)
        if pid_of(wpidfile) is None:
            self._worker(site, redis_db)
        deadline = time.monotonic() + 120
        while not self._answers(site):
            if proc.poll() is not None or time.monotonic() > deadline:
                die(f"{site.name}: gunicorn did not answer at {site.url}; end of "
                    f"{site.file('log')}:\n{site.file('log').read_text()[-3000:]}")
            time.sleep(0.5)
        say(f"{site.name}: server at {site.url} (gunicorn pid {proc.pid}, "
            f"{self.workers} workers x {self.threads} threads)")

    def ensure_worker(self, site: Site, redis_db: int) -> None:
        """Start the site's job worker again if it died (a Redis restart ends it)."""
        if pid_of(site.file("worker.pid")) is None:
            say(f"{site.name}: its job worker had stopped; starting it again")
            self._worker(site, redis_db)

    def _worker(self, site: Site, redis_db: int) -> None:
        run_cmd(["bash", "scripts/redis.sh", "release-scheduler-locks", str(redis_db)])
        log = open(site.file("worker.log"), "a")
        proc = subprocess.Popen([str(VENV / "ckan"), "-c", str(site.ini), "jobs", "worker"],
                                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        site.file("worker.pid").write_text(str(proc.pid))
        MACHINE.add(proc.pid)
        if site not in self.workers_started:
            self.workers_started.append(site)

    @staticmethod
    def _answers(site: Site) -> bool:
        try:
            return requests.get(f"{site.url}/api/3/action/status_show",
                                timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def stop(self, site: Site) -> None:
        """Stop what this run started of the site (a server it reused stays)."""
        if site in self.started:
            stop_group(site.file("pid"), f"{site.name} server")
            self.started.remove(site)
        if site in self.workers_started:
            stop_group(site.file("worker.pid"), f"{site.name} job worker")
            self.workers_started.remove(site)

    def stop_all(self) -> None:
        for site in list(self.started) + list(self.workers_started):
            self.stop(site)


def rss_mb(site: Site) -> float:
    """RSS of a site's gunicorn master and workers."""
    pid = pid_of(site.file("pid"))
    if pid is None:
        return float("nan")
    pids = [pid] + [int(p) for p in run_cmd(["pgrep", "-P", str(pid)], check=False).split()]
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


# --- the load -----------------------------------------------------------------------------------

def cpu_times() -> tuple[int, int]:
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


SERVICE_COMMANDS = {"postgres", "java", "redis-server"}


def _proc_ticks() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, CPU ticks so far, command name) of every process."""
    out = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        comm = text[text.find("(") + 1:text.rfind(")")]
        fields = text[text.rfind(")") + 2:].split()
        out[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), comm)
    return out


class Machine:
    """How busy the machine is, and how much of it went to processes outside the benchmark
    (not its servers and workers, not this process, not PostgreSQL, Solr or Redis): other
    sessions' tests or browsers make the figures noisy."""

    def __init__(self) -> None:
        self.roots: set[int] = {os.getpid()}

    def add(self, pid: Optional[int]) -> None:
        if pid:
            self.roots.add(pid)

    def _ours(self, procs: dict[int, tuple[int, int, str]]) -> set[int]:
        mine = set(self.roots)
        changed = True
        while changed:
            changed = False
            for pid, (ppid, _ticks, _comm) in procs.items():
                if ppid in mine and pid not in mine:
                    mine.add(pid)
                    changed = True
        return mine

    def snapshot(self) -> tuple[tuple[int, int], dict[int, tuple[int, int, str]]]:
        return cpu_times(), _proc_ticks()

    def since(self, before: tuple[tuple[int, int], dict[int, tuple[int, int, str]]]
              ) -> dict[str, float]:
        """CPU busy and foreign CPU since ``before``, in % of the whole machine."""
        (busy0, total0), procs0 = before
        (busy1, total1), procs1 = self.snapshot()
        mine = self._ours(procs1)
        foreign = 0
        for pid, (_ppid, ticks, comm) in procs1.items():
            if pid in mine or comm in SERVICE_COMMANDS:
                continue
            foreign += ticks - procs0[pid][1] if pid in procs0 else ticks
        total = max(1, total1 - total0)
        return {"cpu": round(100.0 * (busy1 - busy0) / total, 1),
                "foreign": round(100.0 * foreign / total, 1)}

    def wait_quiet(self, limit: float, threshold: float) -> float:
        """Wait (at most ``limit`` s) for 5 s in a row with foreign CPU under ``threshold`` %;
        the last foreign figure."""
        deadline = time.monotonic() + limit
        while True:
            before = self.snapshot()
            time.sleep(5)
            foreign = self.since(before)["foreign"]
            if foreign < threshold or time.monotonic() > deadline:
                return foreign


MACHINE = Machine()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@dataclasses.dataclass
class Target:
    """One portal as the clients see it."""
    site: Site
    token: str = ""
    update_base: dict[int, dict[str, Any]] = dataclasses.field(default_factory=dict)
    created: list[str] = dataclasses.field(default_factory=list)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)


@dataclasses.dataclass
class Call:
    key: str
    label: str
    ours: list[str]                       # paths (GET) on our portal
    stock: list[str]                      # the same on the stock twin
    post: Optional[str] = None            # "create" or "update"

    def paths(self, target: Target) -> list[str]:
        return self.ours if target.site.kind == "ours" else self.stock


def _q(word: str) -> str:
    return urllib.parse.quote(word)


CALLS = [
    Call("home", "home /", ["/"], ["/"]),
    Call("search_page", "search page /dataset/?q=ja",
         [f"/dataset/?q={_q(w)}" for w in JA_WORDS], [f"/dataset/?q={_q(w)}" for w in JA_WORDS]),
    Call("initiative_page", "initiative page | /dataset/<same>",
         [f"/initiative/{n}" for n in INITIATIVES], [f"/dataset/{n}" for n in INITIATIVES]),
    Call("overview", "/plan-overview | /dataset/", ["/plan-overview"], ["/dataset/"]),
    Call("dataset_page", "ordinary dataset page",
         [f"/dataset/{n}" for n in ORDINARY[:50]], [f"/dataset/{n}" for n in ORDINARY[:50]]),
    Call("api_search", "API package_search q=ja",
         [f"/api/3/action/package_search?q={_q(w)}" for w in JA_WORDS],
         [f"/api/3/action/package_search?q={_q(w)}" for w in JA_WORDS]),
    Call("api_show_initiative", "API package_show initiative",
         [f"/api/3/action/package_show?id={n}" for n in INITIATIVES],
         [f"/api/3/action/package_show?id={n}" for n in INITIATIVES]),
    Call("api_show_ordinary", "API package_show ordinary",
         [f"/api/3/action/package_show?id={n}" for n in ORDINARY[:50]],
         [f"/api/3/action/package_show?id={n}" for n in ORDINARY[:50]]),
    Call("api_create", "API package_create ordinary", [], [], post="create"),
    Call("api_update", "API package_update ordinary", [], [], post="update"),
]

GROWTH_CALLS = [
    Call("overview", "/plan-overview", ["/plan-overview"], []),
    Call("minato_plan_show", "API minato_plan_show", ["/api/3/action/minato_plan_show"], []),
    Call("progress_csv", "/plan-data/progress.ja.csv", ["/plan-data/progress.ja.csv"], []),
    Call("initiative_page", "initiative page", [f"/initiative/{n}" for n in INITIATIVES], []),
    Call("search_page", "search page /dataset/?q=ja",
         [f"/dataset/?q={_q(w)}" for w in JA_WORDS], []),
]

RUN_ID = f"{int(time.time()) % 10_000_000}"


def _create_body(target: Target, client: int, i: int) -> dict[str, Any]:
    name = f"bench-new-{target.site.name}-{RUN_ID}-{client}-{i}"
    dept, dept_title, themes, tags = DEPARTMENTS[(client + i) % len(DEPARTMENTS)]
    return {"name": name, "title": f"{themes[i % len(themes)]}（ベンチマーク {client}-{i}）",
            "owner_org": dept, "license_id": "cc-by",
            "notes": f"{dept_title}が公開する{themes[i % len(themes)]}のデータです。",
            "tags": [{"name": t} for t in tags[:2]],
            "resources": [{"name": "データ（CSV）", "url": f"http://example.jp/bench/{name}.csv",
                           "format": "CSV"}]}


UPDATE_KEYS = ("id", "name", "type", "title", "notes", "owner_org", "license_id", "maintainer",
               "private")


def update_base(pkg: dict[str, Any]) -> dict[str, Any]:
    """What a client sends back to package_update: the dataset's own fields, its tags, groups
    and resources (with their ids)."""
    body = {k: pkg[k] for k in UPDATE_KEYS if k in pkg}
    body["tags"] = [{"name": t["name"]} for t in pkg.get("tags") or []]
    body["groups"] = [{"name": g["name"]} for g in pkg.get("groups") or []]
    body["resources"] = [{k: r[k] for k in ("id", "name", "url", "format", "description")
                          if r.get(k)} for r in pkg.get("resources") or []]
    return body


def _update_body(target: Target, client: int, i: int) -> dict[str, Any]:
    body = dict(target.update_base[client])
    body["notes"] = f"{body.get('notes') or ''}\n\n（更新 {RUN_ID}-{i}）".strip()
    return body


def measure(target: Target, call: Call, seconds: float, concurrency: int,
            min_requests: int = 1) -> dict[str, Any]:
    """``concurrency`` clients for ``seconds`` (and at least ``min_requests`` answers)."""
    base = target.site.url
    latencies: list[float] = []
    errors = [0]
    sizes: list[int] = []
    lock = threading.Lock()
    answered = [0]
    stop_at = time.monotonic() + seconds
    hard_stop = stop_at + 20 * seconds + 120
    paths = call.paths(target)
    headers = {"Authorization": target.token} if call.post else {}

    def client(number: int) -> None:
        session = requests.Session()
        mine: list[float] = []
        failed = 0
        i = number
        while time.monotonic() < stop_at or answered[0] < min_requests:
            if time.monotonic() > hard_stop:
                break
            t0 = time.perf_counter()
            ok = False
            size = 0
            try:
                if call.post == "create":
                    body = _create_body(target, number, i)
                    with target.lock:
                        target.created.append(body["name"])
                    response = session.post(f"{base}/api/3/action/package_create", json=body,
                                            headers=headers, timeout=120)
                    ok = response.status_code == 200
                    size = len(response.content)
                elif call.post == "update":
                    response = session.post(f"{base}/api/3/action/package_update",
                                            json=_update_body(target, number, i),
                                            headers=headers, timeout=120)
                    ok = response.status_code == 200
                    size = len(response.content)
                else:
                    response = session.get(base + paths[i % len(paths)], stream=True,
                                           timeout=120)
                    for chunk in response.raw.stream(65536, decode_content=False):
                        size += len(chunk)
                    response.raw.release_conn()
                    ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            elapsed = time.perf_counter() - t0
            i += concurrency
            if ok:
                mine.append(elapsed)
                with lock:
                    answered[0] += 1
                    if len(sizes) < 50:
                        sizes.append(size)
            else:
                failed += 1
                if failed > 50 and not mine:
                    break
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    before = MACHINE.snapshot()
    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    load = MACHINE.since(before)
    nan = float("nan")
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else nan,
        "p99": percentile(latencies, 0.99) * 1000 if latencies else nan,
        "n": len(latencies), "errors": errors[0],
        "cpu": load["cpu"], "foreign": load["foreign"],
        "bytes": int(statistics.median(sizes)) if sizes else 0,
    }


@dataclasses.dataclass
class Quiet:
    """When a measurement is taken again: processes outside the benchmark used more than
    ``max_foreign`` % of the machine during it, a request failed, or PostgreSQL, Solr or Redis
    were restarted meanwhile (by someone else: the services are shared)."""
    max_foreign: float = 10.0
    retries: int = 3
    retried_noise: int = 0
    retried_errors: int = 0
    restarts: int = 0
    accepted_noisy: int = 0
    accepted_errors: int = 0


QUIET = Quiet()


def services_signature() -> tuple[str, ...]:
    """The pids of PostgreSQL, Solr and Redis (a restart changes them)."""
    out = []
    for path in (ROOT / ".local/pg/data/postmaster.pid", ROOT / ".local/solr/solr.pid",
                 ROOT / ".local/redis/redis.pid"):
        try:
            out.append(path.read_text().split("\n", 1)[0].strip())
        except OSError:
            out.append("")
    return tuple(out)


def wait_for_site(site: Site, limit: float = 300.0) -> bool:
    """Until the site answers a search (PostgreSQL, Solr core and CKAN all up)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            r = requests.get(f"{site.url}/api/3/action/package_search", params={"rows": 1},
                             timeout=30)
            if r.status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(2)
    return False


def measure_checked(target: Target, call: Call, seconds: float, concurrency: int,
                    min_requests: int = 1) -> dict[str, Any]:
    """A measurement, taken again (up to ``QUIET.retries`` times) while it was disturbed (see
    :class:`Quiet`), after waiting for the machine to quieten or the services to be back."""
    for attempt in range(QUIET.retries + 1):
        before = services_signature()
        result = measure(target, call, seconds, concurrency, min_requests)
        restarted = services_signature() != before
        result["attempts"] = attempt + 1
        if call.post == "create" and (restarted or result["errors"]
                                      or result["foreign"] > QUIET.max_foreign):
            purge_created(target)
        if restarted:
            QUIET.restarts += 1
            say(f"the services were restarted during a measurement ({target.site.name}, "
                f"{call.key}); waiting for them, then measuring again")
        if not restarted and not result["errors"] and result["foreign"] <= QUIET.max_foreign:
            return result
        if attempt == QUIET.retries:
            break
        if restarted or result["errors"]:
            QUIET.retried_errors += 1
            time.sleep(3)
            wait_for_site(target.site)
        else:
            QUIET.retried_noise += 1
            MACHINE.wait_quiet(60, QUIET.max_foreign)
    if result["errors"] or restarted:
        QUIET.accepted_errors += 1
    else:
        QUIET.accepted_noisy += 1
    return result


def purge_created(target: Target) -> int:
    """Purge the datasets a create measurement made (off the clock)."""
    with target.lock:
        names, target.created = target.created, []
    if not names:
        return 0
    headers = {"Authorization": target.token}
    done = [0]

    def work(chunk: list[str]) -> None:
        session = requests.Session()
        for name in chunk:
            try:
                r = session.post(f"{target.site.url}/api/3/action/dataset_purge",
                                 json={"id": name}, headers=headers, timeout=120)
                if r.status_code == 200:
                    done[0] += 1
            except requests.RequestException:
                pass

    threads = [threading.Thread(target=work, args=(names[k::4],)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0]


def prepare_target(site: Site, max_clients: int) -> Target:
    target = Target(site, token=site.file("token").read_text().strip())
    for client in range(max_clients):
        name = ORDINARY[ORDINARY_COUNT - 1 - client]  # the last ones: not among the pages read
        r = requests.get(f"{site.url}/api/3/action/package_show", params={"id": name},
                         headers={"Authorization": target.token}, timeout=60)
        r.raise_for_status()
        target.update_base[client] = update_base(r.json()["result"])
    return target


def warm_up(target: Target, calls: list[Call]) -> None:
    """Every path once, then a second at 4 clients per call (templates, caches, connections)."""
    session = requests.Session()
    for call in calls:
        if call.post:
            continue
        for path in call.paths(target):
            r = session.get(target.site.url + path, timeout=120)
            if r.status_code != 200:
                die(f"{target.site.name}: GET {path} answered {r.status_code}")
        measure(target, call, 1.0, 4)


# --- phases --------------------------------------------------------------------------------------

def median(values: list[float]) -> float:
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def compare(ours: Target, stock: Target, calls: list[Call], concurrency: list[int], rounds: int,
            seconds: float, dbs: dict[str, int], servers: "Servers") -> dict[str, Any]:
    results: dict[str, Any] = {str(c): {call.key: {"ours": [], "stock": []} for call in calls}
                               for c in concurrency}
    drains: dict[str, list[float]] = {"ours": [], "stock": []}
    total = len(calls) * len(concurrency) * 2 * rounds * seconds
    say(f"comparing: {rounds} rounds x {len(calls)} calls x concurrency "
        f"{','.join(map(str, concurrency))} x 2 portals x {seconds:g} s "
        f"(about {total / 60:.0f} min of load)")
    for rnd in range(rounds):
        t0 = time.monotonic()
        for call in calls:
            for c in concurrency:
                order = (ours, stock) if rnd % 2 == 0 else (stock, ours)
                for target in order:
                    result = measure_checked(target, call, seconds, c)
                    if call.post == "create":
                        result["purged"] = purge_created(target)
                    if call.post:
                        role = target.site.redis_role
                        servers.ensure_worker(target.site, dbs[role])
                        drains[target.site.kind].append(round(drain(target.site, dbs[role]), 2))
                    results[str(c)][call.key][target.site.kind].append(result)
        say(f"round {rnd + 1}/{rounds} done in {time.monotonic() - t0:.0f} s")
    return {"results": results, "drain_seconds": drains}


def summarise(per_round: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    ours, stock = per_round["ours"], per_round["stock"]
    ratios = [o["rps"] / s["rps"] for o, s in zip(ours, stock) if s["rps"] and o["rps"]]
    p50_ratios = [o["p50"] / s["p50"] for o, s in zip(ours, stock)
                  if s["p50"] == s["p50"] and o["p50"] == o["p50"] and s["p50"]]
    out: dict[str, Any] = {}
    for side, rows in (("ours", ours), ("stock", stock)):
        out[side] = {k: median([r[k] for r in rows]) for k in ("rps", "p50", "p99", "bytes",
                                                                 "cpu", "foreign")}
        out[side]["errors"] = sum(r["errors"] for r in rows)
        out[side]["n"] = sum(r["n"] for r in rows)
    out["ratio"] = median(ratios)
    out["ratio_min"] = min(ratios) if ratios else float("nan")
    out["ratio_max"] = max(ratios) if ratios else float("nan")
    out["p50_ratio"] = median(p50_ratios)
    return out


def print_compare(data: dict[str, Any], calls: list[Call], concurrency: list[int],
                  rounds: int, seconds: float) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for c in concurrency:
        print()
        print(f"concurrency {c} ({rounds} round{'s' if rounds > 1 else ''} x {seconds:g} s; "
              "req/s and ms: medians over rounds; ratio: median over rounds of ours/stock "
              "req/s (< 1: ours slower), min-max; p50 ratio: ours/stock (> 1: ours slower))")
        header = (f"{'call':<34} {'ours r/s':>8} {'stock r/s':>9} {'ratio':>6} "
                  f"{'(spread)':>12} {'ours p50/p99 ms':>16} {'stock p50/p99 ms':>17} "
                  f"{'p50 ratio':>9} {'err':>4}")
        print(header)
        print("-" * len(header))
        summary[str(c)] = {}
        for call in calls:
            s = summarise(data["results"][str(c)][call.key])
            summary[str(c)][call.key] = s
            o, k = s["ours"], s["stock"]
            spread = f"{s['ratio_min']:.2f}-{s['ratio_max']:.2f}"
            print(f"{call.label:<34} {o['rps']:>8.1f} {k['rps']:>9.1f} {s['ratio']:>6.2f} "
                  f"{'(' + spread + ')':>12} {o['p50']:>7.0f} / {o['p99']:<6.0f} "
                  f"{k['p50']:>8.0f} / {k['p99']:<6.0f} {s['p50_ratio']:>9.2f} "
                  f"{o['errors'] + k['errors']:>4}", flush=True)
    return summary


def completeness(site: Site) -> dict[str, int]:
    """How many initiatives the overview, ``minato_plan_show`` and the progress CSV hold (each
    should hold every one: nothing cut at a row limit)."""
    import re

    plan = requests.get(f"{site.url}/api/3/action/minato_plan_show",
                        timeout=300).json()["result"]
    nested = sum(len(m["initiatives"]) for g in plan["guidelines"] for m in g["measures"])
    page = requests.get(f"{site.url}/plan-overview", timeout=300).text
    csv = requests.get(f"{site.url}/plan-data/progress.ja.csv", timeout=600).text
    return {"overview": len(set(re.findall(r'href="/initiative/([^"#]+)"', page))),
            "minato_plan_show": min(nested, int(plan.get("initiative_count") or 0)),
            "progress CSV": len(set(re.findall(r"131032JK\d+", csv)))}


def growth(sites: list[Site], servers: Servers, dbs: dict[str, int], stock_schema: str,
           calls: list[Call], concurrency: list[int], rounds: int, seconds: float,
           min_requests: int, keep_last: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for index, site in enumerate(sites):
        setup_s = setup(site, dbs["growth"], stock_schema)
        servers.ensure(site, dbs["growth"], fingerprint(site, stock_schema))
        target = Target(site)
        warm_up(target, calls)
        count = requests.get(f"{site.url}/api/3/action/package_search",
                             params={"fq": "dataset_type:initiative", "rows": 0},
                             timeout=60).json()["result"]["count"]
        say(f"{site.name}: {count} initiatives; measuring")
        per: dict[str, dict[str, list[dict[str, Any]]]] = {
            str(c): {call.key: [] for call in calls} for c in concurrency}
        for _ in range(rounds):
            for call in calls:
                for c in concurrency:
                    per[str(c)][call.key].append(measure_checked(target, call, seconds, c,
                                                                 min_requests))
        complete = completeness(site)
        say(f"{site.name}: complete: "
            + ", ".join(f"{k} {v}/{count}" for k, v in complete.items()))
        out[site.name] = {"initiatives": count, "setup_seconds": round(setup_s, 1),
                          "complete": complete,
                          "rss_mb": round(rss_mb(site)), "per_round": per,
                          "median": {c: {k: {m: median([r[m] for r in rows])
                                             for m in ("rps", "p50", "p99", "bytes")}
                                         | {"errors": sum(r["errors"] for r in rows)}
                                         for k, rows in calls_.items()}
                                     for c, calls_ in per.items()}}
        if not (keep_last and index == len(sites) - 1):
            servers.stop(site)
    return out


def print_growth(data: dict[str, Any], calls: list[Call], concurrency: list[int],
                 rounds: int, seconds: float, min_requests: int) -> None:
    names = list(data)
    print()
    print(f"growth of our portal ({rounds} round{'s' if rounds > 1 else ''} x {seconds:g} s, "
          f"at least {min_requests} answers; medians; sample progress on every initiative, "
          "200 ordinary datasets)")
    cols = "".join(f" {str(data[n]['initiatives']) + ' initiatives':^26}" for n in names)
    print(f"{'':<33}{cols} {'p50 x':>7}")
    header = (f"{'call':<28} {'conc':>4}" + "".join(f" {'r/s':>7} {'p50 / p99 ms':>17} "
                                                   for _ in names) + f" {'last/1st':>7}")
    print(header)
    print("-" * len(header))
    for call in calls:
        for c in concurrency:
            cells = ""
            p50s = []
            for n in names:
                m = data[n]["median"][str(c)][call.key]
                p50s.append(m["p50"])
                cells += f" {m['rps']:>7.1f} {m['p50']:>7.0f} / {m['p99']:<7.0f}"
                cells += "*" if m["errors"] else " "
            factor = p50s[-1] / p50s[0] if p50s[0] else float("nan")
            print(f"{call.label:<28} {c:>4}{cells} {factor:>7.1f}", flush=True)
    sizes = ", ".join(f"{n}: {data[n]['median'][str(concurrency[0])][k.key]['bytes'] / 1024:.0f}"
                      for k in calls[:1] for n in names)
    print(f"(* = errors; response sizes of {calls[0].label} in KiB, gzip: {sizes}; RSS of the "
          "gunicorn processes: " + ", ".join(f"{n} {data[n]['rss_mb']} MB" for n in names)
          + ")")


# --- main ----------------------------------------------------------------------------------------

def services_up() -> None:
    missing = [name for name, port in (("PostgreSQL", PG_PORT), ("Redis", REDIS_PORT),
                                        ("Solr", SOLR_PORT)) if not port_open(port)]
    if missing:
        say(f"{', '.join(missing)} not running: bash scripts/services.sh start")
        run_cmd(["bash", "scripts/services.sh", "start"], STATE / "services.log")
    if subprocess.run(["bash", "scripts/services.sh", "status"], cwd=ROOT,
                      capture_output=True).returncode != 0:
        die("the services on 5433/6380/8983 are not this checkout's (scripts/services.sh "
            "status); the bench needs the project's own services")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement (3)")
    parser.add_argument("--concurrency", default="1,4,16")
    parser.add_argument("--calls", default=",".join(c.key for c in CALLS),
                        help="comparison calls, of " + ", ".join(c.key for c in CALLS))
    parser.add_argument("--sizes", default="39,400,4000", help="growth: initiatives")
    parser.add_argument("--growth-concurrency", default="1,4")
    parser.add_argument("--growth-calls", default=",".join(c.key for c in GROWTH_CALLS))
    parser.add_argument("--min-requests", type=int, default=5,
                        help="growth: answers per measurement at least (5)")
    parser.add_argument("--growth-port", type=int, default=5302)
    parser.add_argument("--no-compare", action="store_true")
    parser.add_argument("--no-growth", action="store_true")
    parser.add_argument("--stock-schema", choices=("ja", "stock"), default="ja")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="1 round of 2 s (smoke run)")
    parser.add_argument("--keep", action="store_true", help="leave the servers running")
    parser.add_argument("--fresh", action="store_true", help="drop the bench's databases, "
                        "cores and state first")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--max-foreign", type=float, default=10.0,
                        help="%% of the machine's CPU that processes outside the benchmark may "
                        "use during a measurement before it is taken again (10)")
    parser.add_argument("--retries", type=int, default=3, help="of a noisy measurement (3)")
    parser.add_argument("--wait-quiet", type=float, default=300.0,
                        help="seconds to wait at the start for a quiet machine (300)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds = 1, 2.0
    concurrency = [int(c) for c in args.concurrency.split(",")]
    growth_conc = [int(c) for c in args.growth_concurrency.split(",")]
    by_key = {c.key: c for c in CALLS}
    calls = [by_key[k] for k in args.calls.split(",") if k]
    gby_key = {c.key: c for c in GROWTH_CALLS}
    gcalls = [gby_key[k] for k in args.growth_calls.split(",") if k]
    sizes = [int(n) for n in args.sizes.split(",") if n]
    if any(n < 39 for n in sizes):
        die("growth sizes start at the plan's 39 initiatives")
    gsites = [growth_site(n, args.growth_port) for n in sizes]

    t_start = time.monotonic()
    QUIET.max_foreign, QUIET.retries = args.max_foreign, args.retries
    STATE.mkdir(parents=True, exist_ok=True)
    services_up()
    run_cmd(["bash", "scripts/solr.sh", "configsets"])
    dbs = redis_dbs(["ours", "stock", "growth"])
    head = run_cmd(["git", "rev-parse", "--short", "HEAD"], check=False).strip()
    dirty = len(run_cmd(["git", "status", "--porcelain", "--", "ckanext", "config", "tools"],
                        check=False).splitlines())
    say(f"{os.cpu_count()} CPUs; code {head}" + (f" + {dirty} uncommitted file(s)" if dirty
                                                 else "")
        + f"; Redis dbs {dbs}; stock Solr schema: {args.stock_schema}")
    servers = Servers(args.workers, args.threads)
    if args.fresh:
        for site in [OURS, STOCK] + gsites:
            if pid_of(site.file("pid")) is not None:
                stop_group(site.file("pid"), f"{site.name} server")
                stop_group(site.file("worker.pid"), f"{site.name} job worker")
            drop_site(site)
        STATE.joinpath("export.json").unlink(missing_ok=True)
    foreign = MACHINE.wait_quiet(args.wait_quiet, args.max_foreign)
    say(f"other processes used {foreign:.0f} % of the machine's CPU just before the start"
        + (" (busy machine: expect noise)" if foreign > args.max_foreign else ""))
    report: dict[str, Any] = {"cpus": os.cpu_count(), "rounds": args.rounds,
                              "seconds": args.seconds, "workers": args.workers,
                              "threads": args.threads, "stock_schema": args.stock_schema,
                              "redis_dbs": dbs, "git_head": head, "uncommitted_files": dirty}
    try:
        if not args.no_compare:
            setup_s = setup(OURS, dbs["ours"], args.stock_schema)
            setup_s += setup(STOCK, dbs["stock"], args.stock_schema)
            servers.ensure(OURS, dbs["ours"], fingerprint(OURS, args.stock_schema))
            servers.ensure(STOCK, dbs["stock"], fingerprint(STOCK, args.stock_schema))
            ours = prepare_target(OURS, max(concurrency))
            stock = prepare_target(STOCK, max(concurrency))
            counts = {}
            for target in (ours, stock):
                warm_up(target, calls)
                counts[target.site.kind] = requests.get(
                    f"{target.site.url}/api/3/action/package_search", params={"rows": 0},
                    timeout=60).json()["result"]["count"]
            say(f"datasets: ours {counts['ours']}, stock {counts['stock']}; gunicorn "
                f"{args.workers} workers x {args.threads} threads each; setup {setup_s:.0f} s")
            data = compare(ours, stock, calls, concurrency, args.rounds, args.seconds, dbs,
                           servers)
            report["compare"] = {"datasets": counts, "per_round": data["results"],
                                 "drain_seconds": data["drain_seconds"],
                                 "rss_mb": {"ours": round(rss_mb(OURS)),
                                            "stock": round(rss_mb(STOCK))}}
            report["compare"]["summary"] = print_compare(data, calls, concurrency, args.rounds,
                                                         args.seconds)
            drains = data["drain_seconds"]
            print(f"(after each write measurement, ours' job queue took median "
                  f"{median(drains['ours']):.1f} s (max {max(drains['ours'] or [0]):.1f} s) to "
                  f"drain, stock's {median(drains['stock']):.1f} s; RSS ours "
                  f"{report['compare']['rss_mb']['ours']} MB, stock "
                  f"{report['compare']['rss_mb']['stock']} MB)", flush=True)
        if not args.no_growth:
            report["growth"] = growth(gsites, servers, dbs, args.stock_schema, gcalls,
                                      growth_conc, args.rounds, args.seconds,
                                      args.min_requests, args.keep)
            print_growth(report["growth"], gcalls, growth_conc, args.rounds, args.seconds,
                         args.min_requests)
    finally:
        if not args.keep:
            servers.stop_all()
    report["wall_seconds"] = round(time.monotonic() - t_start)
    report["noise"] = dataclasses.asdict(QUIET)
    print(f"(measurements taken again: {QUIET.retried_noise} because processes outside the "
          f"benchmark used more than {QUIET.max_foreign:g} % of the CPU, "
          f"{QUIET.retried_errors} after failed requests or restarted services "
          f"({QUIET.restarts} restarts seen); kept after {QUIET.retries} retries: "
          f"{QUIET.accepted_noisy} noisy, {QUIET.accepted_errors} with errors)")
    if args.json:
        write_json(Path(args.json), report)
    print()
    say(f"done in {report['wall_seconds'] / 60:.1f} min"
        + (f"; figures in {args.json}" if args.json else "")
        + ("; servers left running (--keep)" if args.keep else "")
        + "; PostgreSQL, Redis and Solr left running (scripts/services.sh stop)")
    return 0


# --- in-process: loading data (run as a subprocess: `bench_web.py _populate SITE N SAMPLE`) ----

def _ordinary_datasets() -> list[dict[str, Any]]:
    out = []
    for index, name in enumerate(ORDINARY):
        dept, dept_title, themes, tags = DEPARTMENTS[index % len(DEPARTMENTS)]
        theme = themes[(index // len(DEPARTMENTS)) % len(themes)]
        year = 2019 + index % 6
        freq = FREQUENCIES[index % len(FREQUENCIES)]
        suffix = ["一覧", "の推移", f"（{year}年度）", "統計"][index % 4]
        out.append({
            "name": name, "title": f"{theme}{suffix}", "owner_org": dept,
            "license_id": LICENSES[index % len(LICENSES)],
            "notes": (f"港区{dept_title}が公開する{theme}のデータです。{year}年度の実績を収録しています。"
                      f"更新頻度は{freq}です。\n\n項目の定義は添付の説明資料を参照してください。"),
            "tags": [{"name": t} for t in tags[: 2 + index % 2]],
            "extras": [{"key": "更新頻度", "value": freq}],
            "maintainer": dept_title,
            "resources": [
                {"name": f"{theme}（CSV）", "url": f"http://example.jp/bench/{name}.csv",
                 "format": "CSV", "description": f"{theme}の一覧（UTF-8）"},
                {"name": "説明資料", "url": f"http://example.jp/bench/{name}.pdf",
                 "format": ["PDF", "JSON", "XLSX"][index % 3]},
            ],
        })
    return out


def _stock_copy(pkg: dict[str, Any]) -> dict[str, Any]:
    """An exported plan or initiative dataset as an ordinary dataset of the stock twin."""
    keep = ("name", "url", "format", "description", "mimetype")
    return {
        "type": "dataset", "name": pkg["name"], "title": pkg["title"],
        "notes": pkg.get("notes") or "", "license_id": pkg.get("license_id") or "",
        "owner_org": (pkg.get("organization") or {}).get("name") or "minato-city",
        "tags": [{"name": t["name"]} for t in pkg.get("tags") or []],
        "groups": [{"name": g["name"]} for g in pkg.get("groups") or []],
        "resources": [{k: r[k] for k in keep if r.get(k)} for r in pkg.get("resources") or []],
    }


def _growth_plan(n: int) -> Any:
    """The plan with ``n`` initiatives: the real 39 and copies of them (numbers 40..n)."""
    from ckanext.minato_plan.domain import plan_file
    from ckanext.minato_plan.domain.plan import build_plan

    raw = plan_file.read(plan_file.embedded_text())
    originals = []
    for guideline in raw["guidelines"]:
        for measure in guideline["measures"]:
            for initiative in measure["initiatives"]:
                originals.append((measure, dict(initiative)))
    originals.sort(key=lambda pair: int(pair[1]["number"]))
    for number in range(len(originals) + 1, n + 1):
        measure, source = originals[(number - 1) % len(originals)]
        measure["initiatives"].append(dict(source, number=number,
                                           ja=f"{source['ja']}（複製 {number}）",
                                           en=f"{source['en']} (copy {number})"))
    return build_plan(raw)  # beyond the plan file's 999 initiatives on purpose


def populate(site_name: str, initiatives: int, sample: bool) -> int:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    ini = STATE / f"{site_name}.ini"
    conf = load_config(str(ini))
    app = make_app(conf)
    import ckan.model as model
    from ckan.common import config
    from ckan.lib import search
    from ckan.plugins import toolkit as tk

    kind = "stock" if site_name == "stock" else "ours"
    result: dict[str, Any] = {}
    with app._wsgi_app.test_request_context("/"):
        # Solr commits once at the end instead of after every dataset (autoSoftCommit 3 s).
        config["ckan.search.solr_commit"] = False
        user = model.User.get(ADMIN)
        if user is None:
            user = model.User(name=ADMIN, email="bench@localhost", fullname="Bench admin",
                              password=secrets.token_urlsafe(24), sysadmin=True)
            model.Session.add(user)
            model.Session.commit()
        ctx = lambda: {"user": ADMIN, "ignore_auth": True}  # noqa: E731

        def show(action: str, name: str) -> Optional[dict[str, Any]]:
            try:
                return tk.get_action(action)(ctx(), {"id": name})
            except tk.ObjectNotFound:
                return None

        if kind == "ours" and site_name != "ours":
            # growth: the extension's loader with a plan of `initiatives` initiatives
            from ckanext.minato_plan.domain import plan as plan_module
            from ckanext.minato_plan.domain import sample as sample_module
            from ckanext.minato_plan.logic import loader

            big = _growth_plan(initiatives)
            plan_module._PLAN_CACHE = big
            real_samples = sample_module.load_sample_progress()
            samples = {n: real_samples[(n - 1) % 39 + 1] for n in range(1, initiatives + 1)
                       if (n - 1) % 39 + 1 in real_samples}
            sample_module.load_sample_progress = lambda: samples
            t0 = time.monotonic()
            report = loader.load(plan=big, sample_progress=sample, echo=lambda _line: None)
            result["load"] = report.summary()
            result["load_seconds"] = round(time.monotonic() - t0, 1)
            # created now = indexed now; anything older is reindexed (the code may have changed)
            result["reindex"] = bool(report.updated or report.unchanged)
            print(f"loader: {report.summary()} in {result['load_seconds']} s", flush=True)

        if kind == "stock":
            export = json.loads((STATE / "export.json").read_text())
            org = export["organization"]
            if show("organization_show", org["name"]) is None:
                tk.get_action("organization_create")(ctx(), {
                    "name": org["name"], "title": org["title"],
                    "description": org.get("description") or ""})
            for group in export["groups"]:
                if show("group_show", group["name"]) is None:
                    tk.get_action("group_create")(ctx(), {
                        "name": group["name"], "title": group["title"],
                        "description": group.get("description") or ""})
            targets = [_stock_copy(p) for p in export["datasets"]]
        else:
            targets = []
        for dept, title, _themes, _tags in DEPARTMENTS:
            if show("organization_show", dept) is None:
                tk.get_action("organization_create")(ctx(), {"name": dept, "title": title})
        targets += _ordinary_datasets()
        created = updated = 0
        for target in targets:
            current = show("package_show", target["name"])
            if current is None:
                tk.get_action("package_create")(ctx(), dict(target))
                created += 1
            else:
                tk.get_action("package_update")(ctx(), dict(target, id=current["id"]))
                updated += 1
        search.commit()
        print(f"datasets: {created} created, {updated} updated", flush=True)

        token = tk.get_action("api_token_create")(ctx(), {"user": ADMIN, "name": "bench-web"})
        old = os.umask(0o077)
        try:
            (STATE / f"{site_name}.token").write_text(token["token"])
        finally:
            os.umask(old)

        if site_name == "ours":
            datasets = [show("package_show", "minato-plan")] + [
                show("package_show", n) for n in INITIATIVES]
            write_json(STATE / "export.json", {
                "organization": show("organization_show", "minato-city"),
                "groups": [show("group_show", f"guideline-{g}") for g in range(1, 5)],
                "datasets": datasets})
        result["datasets"] = tk.get_action("package_search")(
            ctx(), {"rows": 0, "include_private": True})["count"]
    write_json(STATE / f"{site_name}.populated", result)
    return 0


def _package_of(filename: str, function: str) -> str:
    """A profiler entry's package: site-packages/<name>, this extension's Python or templates,
    or for built-ins the C module named in the function."""
    if filename == "~":
        for name in ("psycopg2", "socket", "nh3", "json", "zlib", "re.", "lxml", "select"):
            if name in function:
                return f"(C) {name.rstrip('.')}"
        return "(C) other built-ins"
    path = filename.replace("\\", "/")
    if "/ckanext/minato_plan/templates/" in path:
        return "ckanext/minato_plan templates (Jinja)"
    if "/ckanext/minato_plan/" in path:
        return "ckanext/minato_plan " + path.split("/ckanext/minato_plan/", 1)[1].split("/")[0]
    if path.endswith(".html"):
        return "other templates (Jinja: CKAN, scheming, dcat)"
    if "site-packages/" in path:
        parts = path.split("site-packages/", 1)[1].split("/")
        if parts[0] in ("ckan", "ckanext") and len(parts) > 2:
            return "/".join(parts[:2] if parts[0] == "ckanext" else parts[:2])
        return parts[0].replace(".py", "")
    if "/lib/python3" in path:
        return "stdlib " + path.split("/lib/python3", 1)[1].split("/", 2)[1].replace(".py", "")
    return path


def _by_package(prof: Any) -> dict[str, float]:
    import pstats

    out: dict[str, float] = {}
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in \
            pstats.Stats(prof).stats.items():
        key = _package_of(filename, function)
        out[key] = out.get(key, 0.0) + tottime
    return out


def profile(argv: list[str]) -> int:
    """cProfile of one request in-process (CKAN's app from the site's ini, Flask test client):
    GET ``--path``, or with ``--update NAME`` a package_update of that dataset (sysadmin
    token), its notes changed each time."""
    parser = argparse.ArgumentParser(prog="bench_web.py profile")
    parser.add_argument("--site", default="ours")
    parser.add_argument("--path", default="/initiative/minato-plan-initiative-32")
    parser.add_argument("--update", help="profile package_update of this dataset instead")
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--filter", default="ckanext/minato_plan",
                        help="also list the functions whose file contains this")
    args = parser.parse_args(argv)
    import cProfile
    import io
    import pstats

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    from werkzeug.test import Client

    ini = STATE / f"{args.site}.ini"
    if not ini.exists():
        die(f"no {ini}: run the benchmark once first", 2)
    client = Client(make_app(load_config(str(ini))))
    headers = {"Accept-Encoding": "gzip"}
    body: Optional[dict[str, Any]] = None
    if args.update:
        headers["Authorization"] = STATE.joinpath(f"{args.site}.token").read_text().strip()
        shown = client.get(f"/api/3/action/package_show?id={args.update}",
                           headers={"Authorization": headers["Authorization"]})
        body = update_base(json.loads(shown.get_data())["result"])
        what = f"package_update {args.update}"
    else:
        what = f"GET {args.path}"

    def request(i: int) -> Any:
        if body is None:
            return client.get(args.path, headers=headers)
        data = dict(body, notes=f"{body.get('notes') or ''} ({i})")
        return client.post("/api/3/action/package_update", json=data, headers=headers)

    for i in range(3):
        response = request(i)
        if response.status_code != 200:
            die(f"{what} answered {response.status_code}: {response.get_data()[:500]!r}")
    times = []
    prof = cProfile.Profile()
    for i in range(args.n):
        t0 = time.perf_counter()
        prof.enable()
        request(i + 3).get_data()
        prof.disable()
        times.append(time.perf_counter() - t0)
    print(f"profile: {what} on {args.site}, {args.n} requests in-process, median "
          f"{statistics.median(times) * 1000:.1f} ms (with the profiler on)")
    print("\n--- own time by package, ms per request ---")
    for name, seconds in sorted(_by_package(prof).items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"{seconds * 1000 / args.n:9.2f}  {name}")
    for title, sort, restrict in (("cumulative, all", "cumulative", None),
                                  ("own time, all", "tottime", None),
                                  (f"cumulative, {args.filter}", "cumulative", args.filter),
                                  (f"own time, {args.filter}", "tottime", args.filter)):
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out).strip_dirs() if restrict is None else \
            pstats.Stats(prof, stream=out)
        stats.sort_stats(sort)
        stats.print_stats(*((restrict, args.top) if restrict else (args.top,)))
        text = out.getvalue()
        print(f"\n--- {title} (per {args.n} requests) ---")
        print(text[text.find("   ncalls"):].rstrip())
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_populate":
        sys.exit(populate(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"))
    if len(sys.argv) > 1 and sys.argv[1] == "profile":
        sys.exit(profile(sys.argv[2:]))
    sys.exit(main(sys.argv[1:]))
