"""``make cluster-check``: the cluster of ``scripts/cluster.sh`` under a bounded read load, through
failures of its parts, checked the way a resident and a member of staff would notice.

While a few readers fetch search results, initiative pages, the plan overview and downloads
through nginx, a member of staff uploads a progress CSV and applies it with every step on another
web node, addressed by its own port (login, upload form, upload, preview, apply, the flash
message): first with everything up, then with one web node killed (through nginx, the only
address left to a browser), the Solr follower killed and the Solr leader killed; each part is
started again afterwards. Then, with nothing more written, the heal job on the worker must bring
the index up to date by itself (``ckan minato-plan repair`` runs only if it has not within
``--heal-timeout``), and the follower must hold the leader's index.

It ends with one line: requests, failed reads, writes and how each failed write was reported,
datasets stale after recovery. Exit status 1 if a read failed, a write reported as saved is not
in the database or the index, a write failed without a clear message, a dataset was left stale,
or a flow step that should have worked did not; 2 if the cluster is not running.

    bash scripts/cluster.sh up && .venv/bin/python tests/cluster/check.py
"""
from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import random
import re
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support import progress_csv  # noqa: E402  (after the path is set)

CLUSTER = ROOT / "scripts" / "cluster.sh"
CKAN = ROOT / ".venv" / "bin" / "ckan"
STAFF = "cluster-check"
FISCAL_YEAR = 2025
SEARCH_WORDS = ["テレワーク", "防災", "キャッシュレス", "オープンデータ", "AI", "手続"]
TOKEN_RE = re.compile(r'name="_csrf_token" (?:value|content)="([^"]+)"')


def log(message: str) -> None:
    print(f"cluster-check: {message}", flush=True)


# --- the cluster ---------------------------------------------------------------------------------

def cluster_env() -> dict[str, str]:
    out = subprocess.run(["bash", str(CLUSTER), "env"], check=True, capture_output=True,
                         text=True, cwd=ROOT).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def cluster(*args: str) -> None:
    result = subprocess.run(["bash", str(CLUSTER), *args], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    if result.returncode:
        raise RuntimeError(f"cluster.sh {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    for line in result.stdout.splitlines()[-1:]:
        log(line)


def ckan_cli(ini: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(CKAN), "-c", ini, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)


def ckanapi(ini: str, action: str, **data: str) -> Optional[dict]:
    """An action as the site user (``ckan api action``, ckanapi's command); None if it failed."""
    result = ckan_cli(ini, "api", "action", action, *[f"{k}={v}" for k, v in data.items()],
                      timeout=120)
    if result.returncode:
        return None
    return json.loads(result.stdout)


def staff_user(ini: str) -> str:
    """An editor of minato-city with a fresh random password; returns the password."""
    password = secrets.token_urlsafe(18)
    if ckanapi(ini, "user_show", id=STAFF) is None:
        made = ckanapi(ini, "user_create", name=STAFF, email=f"{STAFF}@example.jp",
                       password=password, fullname="Cluster check")
        if made is None:
            raise RuntimeError("could not create the staff user")
    elif ckanapi(ini, "user_patch", id=STAFF, password=password) is None:
        raise RuntimeError("could not set the staff user's password")
    if ckanapi(ini, "organization_member_create", id="minato-city", username=STAFF,
               role="editor") is None:
        raise RuntimeError("could not make the staff user an editor of minato-city")
    return password


def repair_check(ini: str) -> tuple[int, str]:
    """Datasets whose index entry or DataStore rows differ from the database (repair --check)."""
    result = ckan_cli(ini, "minato-plan", "repair", "--check")
    text = result.stdout + result.stderr
    match = re.search(r"index differ / 差異: (\d+) reindex, (\d+) remove; "
                      r"DataStore tables differ / 差異: (\d+)", text)
    if not match:
        return -1, text.strip().splitlines()[-1] if text.strip() else "no output"
    return sum(int(n) for n in match.groups()), match.group(0)


# --- reads ---------------------------------------------------------------------------------------

@dataclasses.dataclass
class Failure:
    phase: str
    what: str
    why: str


class Readers:
    """A few threads fetching the public pages through nginx, each pausing between requests."""

    def __init__(self, base: str, count: int, pause: float):
        self.base = base
        self.count = count
        self.pause = pause
        self.phase = "start"
        self.requests = collections.Counter()
        self.failures: list[Failure] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                         for i in range(count)]

    @staticmethod
    def urls(rng: random.Random) -> tuple[str, str]:
        kind = rng.choice(["search", "initiative", "overview", "download"])
        if kind == "search":
            return kind, f"/dataset/?q={rng.choice(SEARCH_WORDS)}"
        if kind == "initiative":
            return kind, f"/initiative/minato-plan-initiative-{rng.randint(1, 39):02d}"
        if kind == "overview":
            return kind, rng.choice(["/plan-overview", "/en/plan-overview"])
        return kind, rng.choice(["/plan-data/progress.ja.csv", "/plan-data/structure.en.json",
                                 "/plan-data/indicators.ja.cp932.csv"])

    def _run(self, number: int) -> None:
        rng = random.Random(number)
        session = requests.Session()
        while not self._stop.is_set():
            kind, path = self.urls(rng)
            phase = self.phase
            try:
                response = session.get(self.base + path, timeout=30)
                ok = response.status_code == 200 and len(response.content) > 0
                why = f"HTTP {response.status_code}"
            except requests.RequestException as err:
                ok, why = False, type(err).__name__
            with self._lock:
                self.requests[kind] += 1
                if not ok:
                    self.failures.append(Failure(phase, path, why))
            self._stop.wait(self.pause)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(40)


# --- the staff flow ------------------------------------------------------------------------------

@dataclasses.dataclass
class Write:
    phase: str
    initiative: int
    marker: str
    outcome: str = "not tried"      # applied | applied, index pending | refused: … | failed: …
    reported: str = ""              # what the page told the member of staff
    saved: bool = False             # the user was told it was saved

    @property
    def failed(self) -> bool:
        return not self.saved


class StaffFlow:
    """One browser-like session whose every step goes to the next node of ``nodes``."""

    def __init__(self, nodes: list[str], password: str, counter: Callable[[], None]):
        self.nodes = nodes
        self.password = password
        self.count = counter
        self.session = requests.Session()
        self._turn = 0
        self.steps: list[str] = []

    def _node(self) -> str:
        node = self.nodes[self._turn % len(self.nodes)]
        self._turn += 1
        return node

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        node = self._node()
        self.count()
        response = self.session.request(method, node + path, timeout=60, allow_redirects=False,
                                        **kwargs)
        self.steps.append(f"{method} {urlsplit(node).port}{path} {response.status_code}")
        return response

    @staticmethod
    def _token(html: str) -> str:
        match = TOKEN_RE.search(html)
        if not match:
            raise FlowError("the page carries no CSRF token")
        return match.group(1)

    def login(self) -> None:
        page = self._request("GET", "/en/user/login")
        response = self._request("POST", "/en/user/login", data={
            "login": STAFF, "password": self.password, "remember": "63072000",
            "_csrf_token": self._token(page.text)})
        if response.status_code not in (302, 303):
            raise FlowError(f"login answered {response.status_code}")
        form = self._request("GET", "/en/initiative-progress/upload")
        if form.status_code != 200 or 'name="upload"' not in form.text:
            raise FlowError(f"the upload form on another node after login answered "
                            f"{form.status_code} (session not shared?)")
        self._form = form.text

    def write(self, write: Write) -> None:
        """Upload, preview, apply, flash: fills ``write.outcome`` and ``write.reported``."""
        if not getattr(self, "_form", None):
            self.login()
        form, self._form = self._form, None
        data = progress_csv.build([progress_csv.row(
            write.initiative, FISCAL_YEAR, status="in_progress", rating="B",
            summary_ja=f"クラスタ確認 {write.marker}", summary_en=f"cluster check {write.marker}")])
        upload = self._request("POST", "/en/initiative-progress/upload",
                               data={"_csrf_token": self._token(form)},
                               files={"upload": ("progress.ja.csv", data, "text/csv")})
        if upload.status_code == 503:
            write.outcome, write.reported = "refused: 503 at upload", _alert(upload.text)
            return
        if upload.status_code not in (302, 303):
            write.outcome = f"failed: upload answered {upload.status_code}"
            write.reported = _alert(upload.text)
            return
        preview_path = _path(upload.headers["Location"])
        preview = self._request("GET", preview_path)
        if preview.status_code != 200 or write.marker not in preview.text \
                or 'id="upload-apply"' not in preview.text:
            write.outcome = f"failed: preview answered {preview.status_code} without the change"
            write.reported = _alert(preview.text)
            return
        applied = self._request("POST", preview_path + "/apply",
                                data={"_csrf_token": self._token(preview.text)})
        if applied.status_code in (302, 303):
            after = self._request("GET", _path(applied.headers["Location"]))
            flashes = _flashes(after.text)
            write.reported = " | ".join(flashes)
            if any("initiative(s) updated" in f for f in flashes):
                write.saved = True
                write.outcome = ("applied, index pending" if any(
                    "once the search index has caught up" in f for f in flashes) else "applied")
            else:
                write.outcome = "failed: applied, but no flash message on the next page"
                write.saved = 'id="upload-applied"' in after.text
            return
        write.reported = _alert(applied.text)
        if applied.status_code == 503:
            write.outcome = "refused: 503 at apply"
        else:
            write.outcome = f"failed: apply answered {applied.status_code}"


class FlowError(Exception):
    pass


def _path(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _flashes(html: str) -> list[str]:
    """The texts of CKAN's flash messages on a page (``<div class="flash-messages">``)."""
    start = html.find('<div class="flash-messages">')
    if start < 0:
        return []
    depth, end = 0, start
    for match in re.finditer(r"<(/?)div\b", html[start:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            end = start + match.end()
            break
    region = html[start:end]
    return [_text(m) for m in re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', region, re.S)]


def _alert(html: str) -> str:
    for pattern in (r'id="upload-error"[^>]*>(.*?)</div>', r'id="apply-error"[^>]*>(.*?)</div>',
                    r'<div class="alert[^"]*"[^>]*>(.*?)</div>', r"<h1[^>]*>(.*?)</h1>"):
        match = re.search(pattern, html, re.S)
        if match and _text(match.group(1)):
            return _text(match.group(1))[:200]
    return _text(html)[:120] or "(empty answer)"


# --- the index -----------------------------------------------------------------------------------

def indexed_summary(solr_core: str, initiative: int) -> Optional[str]:
    """The English summary of FISCAL_YEAR that this Solr core holds for the initiative."""
    response = requests.get(f"{solr_core}/select", params={
        "q": f'name:"minato-plan-initiative-{initiative:02d}"', "fl": "validated_data_dict",
        "wt": "json"}, timeout=10)
    response.raise_for_status()
    docs = response.json()["response"]["docs"]
    if not docs:
        return None
    data = json.loads(docs[0]["validated_data_dict"])
    entry = next((e for e in data.get("progress") or [] if e.get("fiscal_year") == FISCAL_YEAR),
                 None)
    return entry.get("summary_en") if entry else None


def stored_summary(base: str, initiative: int) -> Optional[str]:
    response = requests.get(f"{base}/api/3/action/package_show",
                            params={"id": f"minato-plan-initiative-{initiative:02d}"}, timeout=30)
    response.raise_for_status()
    data = response.json()["result"]
    entry = next((e for e in data.get("progress") or [] if e.get("fiscal_year") == FISCAL_YEAR),
                 None)
    return entry.get("summary_en") if entry else None


def index_versions(solr_core: str) -> Optional[tuple[int, int]]:
    try:
        body = requests.get(f"{solr_core}/replication", params={
            "command": "indexversion", "wt": "json"}, timeout=10).json()
        return body["indexversion"], body["generation"]
    except (requests.RequestException, ValueError, KeyError):
        return None


def follower_differences(leader: str, follower: str) -> int:
    """Datasets whose document differs between the leader and the follower."""
    def documents(core: str) -> dict[str, str]:
        body = requests.get(f"{core}/select", params={
            "q": "*:*", "fl": "id,metadata_modified", "rows": 10000, "wt": "json"},
            timeout=30).json()
        return {d["id"]: d.get("metadata_modified", "") for d in body["response"]["docs"]}
    ours, theirs = documents(leader), documents(follower)
    return sum(1 for key in set(ours) | set(theirs) if ours.get(key) != theirs.get(key))


def proxy_log(path: Path, offset: int, follower: str) -> dict[str, int]:
    """From nginx's access log written since ``offset``: requests nginx passed to a second web
    node after the first failed, and Solr requests the follower answered."""
    follower_addr = urlsplit(follower).netloc
    counts = {"retried": 0, "follower": 0}
    with open(path, "rb") as handle:
        handle.seek(offset)
        for raw in handle:
            line = raw.decode("utf-8", "replace")
            upstream = re.search(r"upstream=(\S+(?:, \S+)*)", line)
            if not upstream:
                continue
            if "/solr/ckan/" in line:
                counts["follower"] += upstream.group(1).endswith(follower_addr)
            elif "," in upstream.group(1):
                counts["retried"] += 1
    return counts


def wait_until(condition: Callable[[], bool], seconds: float, step: float = 1.0) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(step)


# --- the run -------------------------------------------------------------------------------------

def summary_line(requests_made: int, read_failures: list[Failure], writes: list[Write],
                 stale: int, lost: int, extra: list[str]) -> str:
    failed = [w for w in writes if w.failed]
    how = "; ".join(f"{w.phase}: {w.outcome} ({w.reported or 'no message'})" for w in failed)
    pending = [w for w in writes if w.outcome == "applied, index pending"]
    told = "; ".join(f"{w.phase}: “{w.reported}”" for w in pending)
    parts = [f"requests {requests_made}",
             f"failed reads {len(read_failures)}",
             f"writes {len(writes)} ({len(pending)} saved with the index pending"
             + (f", told {told}" if told else "") + ")",
             f"failed writes {len(failed)}" + (f" [{how}]" if how else ""),
             f"lost writes {lost}",
             f"datasets stale after recovery {stale}"]
    return "cluster-check: " + ", ".join(parts + extra)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=4, help="concurrent readers (4)")
    parser.add_argument("--pause", type=float, default=0.05,
                        help="each reader's pause between requests, seconds (0.05)")
    parser.add_argument("--hold", type=float, default=4.0,
                        help="seconds of reads while a part is down, before and after the write")
    parser.add_argument("--heal-timeout", type=float, default=150.0,
                        help="seconds the heal job gets before `repair` is run (150)")
    args = parser.parse_args(argv)

    env = cluster_env()
    base, ini = env["CLUSTER_URL"], env["CLUSTER_INI"]
    nodes = env["CLUSTER_WEB_URLS"].split()
    names = env["CLUSTER_WEB_NAMES"].split()
    leader, follower = env["CLUSTER_SOLR_LEADER_URL"], env["CLUSTER_SOLR_FOLLOWER_URL"]
    try:
        for url in [base, *nodes]:
            requests.get(f"{url}/api/3/action/status_show", timeout=10).raise_for_status()
        for core in (leader, follower):
            requests.get(f"{core}/admin/ping", timeout=10).raise_for_status()
    except requests.RequestException as err:
        log(f"the cluster is not running ({err}); start it with `make cluster`")
        return 2
    if len(nodes) < 2:
        log("the staff flow needs two web nodes at least (CLUSTER_WEB_PORTS)")
        return 2

    run = secrets.token_hex(3)
    log(f"run {run}: {len(nodes)} web nodes {', '.join(nodes)}, nginx {base}")
    password = staff_user(ini)
    readers = Readers(base, args.readers, args.pause)
    staff_requests = [0]
    problems: list[str] = []
    writes: list[Write] = []

    def count() -> None:
        staff_requests[0] += 1

    def flow(phase: str, initiative: int, via: list[str]) -> Write:
        write = Write(phase, initiative, f"{run}-{phase}")
        staff = StaffFlow(via, password, count)
        try:
            staff.login()
            staff.write(write)
        except (FlowError, requests.RequestException) as err:
            write.outcome = f"failed: {type(err).__name__}: {err}"
        writes.append(write)
        log(f"{phase}: staff flow {' → '.join(staff.steps)}")
        log(f"{phase}: write {write.outcome}" + (f" — “{write.reported}”" if write.reported else ""))
        return write

    def hold() -> None:
        time.sleep(args.hold)

    access_log = Path(env["CLUSTER_STATE"]) / "nginx" / "logs" / "access.log"
    log_offset = access_log.stat().st_size if access_log.exists() else 0
    catch_up = {"seconds": None}
    started = time.monotonic()
    readers.start()
    try:
        readers.phase = "all up"
        hold()
        if flow("all-up", 5, nodes).failed:
            problems.append("the staff flow failed with every part up")

        readers.phase = f"{names[0]} killed"
        cluster("kill", names[0])
        hold()
        if flow(f"{names[0]}-killed", 6, [base]).failed:
            problems.append(f"the staff flow through nginx failed with {names[0]} down")
        hold()
        cluster("start", names[0])
        readers.phase = f"{names[0]} restarted"
        if flow(f"{names[0]}-back", 7, nodes).failed:
            problems.append(f"the staff flow failed after {names[0]} came back")

        readers.phase = "solr-follower killed"
        cluster("kill", "solr-follower")
        hold()
        if flow("follower-killed", 8, nodes).failed:
            problems.append("the staff flow failed with the Solr follower down")
        hold()
        cluster("start", "solr-follower")
        readers.phase = "solr-follower restarted"
        if not wait_until(lambda: index_versions(follower) == index_versions(leader), 60):
            problems.append("the restarted follower did not catch up with the leader in 60 s")

        readers.phase = "solr-leader killed"
        cluster("kill", "solr-leader")
        hold()
        leader_write = flow("leader-killed", 9, nodes)
        if leader_write.failed and not leader_write.outcome.startswith("refused: 503"):
            problems.append("a write with the Solr leader down failed without a clear message")
        hold()
        cluster("start", "solr-leader")
        back = time.monotonic()
        readers.phase = "solr-leader restarted"
        if leader_write.saved:
            if wait_until(lambda: indexed_summary(leader, 9)
                          == f"cluster check {leader_write.marker}", args.heal_timeout):
                catch_up["seconds"] = time.monotonic() - back
                log(f"the write made while the leader was down reached its index "
                    f"{catch_up['seconds']:.0f} s after it was back (heal job)")
            else:
                problems.append(f"the write made while the leader was down was not in its index "
                                f"{args.heal_timeout:.0f} s after the leader was back")
        if flow("leader-back", 10, nodes).failed:
            problems.append("the staff flow failed after the Solr leader came back")
        hold()
    finally:
        readers.stop()

    # Recovery: nothing is written any more; the heal job catches the index up by itself.
    t0 = time.monotonic()
    state = {"stale": -1, "text": ""}

    def healed() -> bool:
        state["stale"], state["text"] = repair_check(ini)
        return state["stale"] == 0

    by_heal_job = wait_until(healed, args.heal_timeout, step=5)
    heal_seconds = time.monotonic() - t0
    if by_heal_job:
        log(f"the heal job left 0 stale datasets ({heal_seconds:.0f} s after the last restart)")
    else:
        log(f"after {heal_seconds:.0f} s the heal job had not caught up ({state['text']}); "
            "running `ckan minato-plan repair`")
        problems.append("the heal job did not catch the index up by itself")
        result = ckan_cli(ini, "minato-plan", "repair")
        log((result.stdout + result.stderr).strip().splitlines()[-1])
        healed()
    stale = max(state["stale"], 0) if state["stale"] >= 0 else 1
    if state["stale"] < 0:
        problems.append(f"repair --check gave no count: {state['text']}")
    wait_until(lambda: index_versions(follower) == index_versions(leader), 60)
    behind = follower_differences(leader, follower)
    if behind:
        problems.append(f"the follower differs from the leader in {behind} datasets")
    stale += behind

    lost = 0
    for write in writes:
        if not write.saved:
            continue
        expected = f"cluster check {write.marker}"
        in_db = stored_summary(base, write.initiative)
        where = [name for name, core in (("leader", leader), ("follower", follower))
                 if indexed_summary(core, write.initiative) != expected]
        if in_db != expected:
            lost += 1
            problems.append(f"{write.phase}: reported saved, but the database holds {in_db!r}")
        elif where:
            stale += 1
            problems.append(f"{write.phase}: saved, but not in the index of the {' and '.join(where)}")

    read_failures = readers.failures
    for failure in read_failures[:10]:
        log(f"failed read during {failure.phase}: {failure.what} ({failure.why})")
    if read_failures:
        problems.append(f"{len(read_failures)} reads failed")
    for problem in problems:
        log(f"PROBLEM: {problem}")
    total = sum(readers.requests.values()) + staff_requests[0]
    reads = ", ".join(f"{k} {v}" for k, v in sorted(readers.requests.items()))
    proxied = proxy_log(access_log, log_offset, follower) if access_log.exists() else {}
    print(summary_line(total, read_failures, writes, stale, lost, [
        f"reads by kind: {reads}",
        f"nginx retried {proxied.get('retried', '?')} requests on another web node",
        f"{proxied.get('follower', '?')} Solr requests answered by the follower",
        "healed by the heal job" if by_heal_job else "healed by repair",
        f"{time.monotonic() - started:.0f} s"]), flush=True)
    return 1 if problems or lost or stale else 0


if __name__ == "__main__":
    sys.exit(main())
