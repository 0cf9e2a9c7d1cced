"""A real CKAN of the test database (``ckan run`` in its own process, with CKAN's job worker
beside it) for the fault suite, and the means to hurt it: a COMMIT that waits, a killed database
connection, SIGKILL of CKAN, a stalled or stopped Solr, a stopped Redis, a restarted
PostgreSQL. Each fault is undone by its fixture, whatever the test did."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
CKAN = Path(sys.executable).parent / "ckan"

# COMMIT of a transaction that updated a dataset waits while minato_test_fault holds a row
# (once per transaction): the moment after every savepoint is released and before the commit
# is durable, where a killed connection or process hurts most.
SLOW_COMMIT_SQL = """
CREATE TABLE IF NOT EXISTS minato_test_fault (kind text PRIMARY KEY, seconds float NOT NULL);
CREATE OR REPLACE FUNCTION minato_test_slow_commit() RETURNS trigger AS $$
DECLARE pause float;
BEGIN
  IF current_setting('minato_test.paused', true) IS DISTINCT FROM 'yes' THEN
    SELECT seconds INTO pause FROM minato_test_fault WHERE kind = 'slow_commit';
    IF pause IS NOT NULL THEN
      PERFORM set_config('minato_test.paused', 'yes', true);
      PERFORM pg_sleep(pause);
    END IF;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS minato_test_slow_commit ON package;
CREATE CONSTRAINT TRIGGER minato_test_slow_commit AFTER UPDATE ON package
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION minato_test_slow_commit();
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Portal:
    """CKAN and its job worker on the test database, started and stopped by the tests."""

    def __init__(self, ini: Path, log_dir: Path):
        self.ini = ini
        self.log_dir = log_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None

    def _spawn(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")
        return subprocess.Popen([str(CKAN), "-c", str(self.ini), *args], stdout=log,
                                stderr=subprocess.STDOUT, cwd=ROOT)

    def start(self) -> None:
        if self.worker is None or self.worker.poll() is not None:
            self.worker = self._spawn("worker", "jobs", "worker")
        if self.web is None or self.web.poll() is not None:
            self.web = self._spawn("web", "run", "--host", "127.0.0.1", "--port",
                                   str(self.port), "--disable-reloader", "--threaded")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/api/3/action/status_show", timeout=5).ok:
                    return
            except requests.RequestException:
                pass
            if self.web.poll() is not None:
                break
            time.sleep(0.3)
        raise RuntimeError(f"CKAN did not start; see {self.log_dir / 'web.log'}")

    def kill_web(self) -> None:
        if self.web and self.web.poll() is None:
            self.web.send_signal(signal.SIGKILL)
            self.web.wait(10)

    def stop(self) -> None:
        for proc in (self.web, self.worker):
            if proc and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()

    def post(self, action: str, data: dict, headers: dict, timeout: float = 120):
        return requests.post(f"{self.url}/api/3/action/{action}", json=data,
                             headers=headers, timeout=timeout)


@pytest.fixture(scope="module")
def portal(request, tmp_path_factory):
    """The fault suite's CKAN and job worker, stopped when the suite's module ends: a worker
    left running would go on taking the heal jobs the later tests queue, and write to the test
    database while their fixtures reset it (CKAN's site user created twice)."""
    base = Path(request.config.getoption("ckan_ini")).resolve()
    folder = tmp_path_factory.mktemp("fault-portal")
    ini = folder / "fault.ini"
    ini.write_text(f"""[app:main]
use = config:{base}
solr_timeout = 5
ckanext.minato_plan.heal.sweep_delay = 3

[loggers]
keys = root, ckan, ckanext

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[logger_ckan]
qualname = ckan
handlers =
level = INFO

[logger_ckanext]
qualname = ckanext
handlers =
level = INFO

[handler_console]
class = StreamHandler
args = (sys.stdout,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
""")
    running = Portal(ini, folder)
    yield running
    running.stop()


@pytest.fixture
def live(portal, plan_in_place):
    """The plan in the test database and CKAN serving it."""
    import ckan.model as model

    model.Session.remove()
    portal.start()
    return portal


def _service(name: str, *args: str) -> None:
    subprocess.run(["bash", str(ROOT / "scripts" / f"{name}.sh"), *args], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL, timeout=240)


@pytest.fixture
def slow_commit():
    """``slow_commit(seconds)`` makes the next dataset COMMIT wait that long; off afterwards."""
    import ckan.model as model

    model.Session.execute(sa.text(SLOW_COMMIT_SQL))
    model.Session.commit()

    def arm(seconds: float) -> None:
        model.Session.execute(sa.text(
            "INSERT INTO minato_test_fault VALUES ('slow_commit', :s) ON CONFLICT (kind) "
            "DO UPDATE SET seconds = :s"), {"s": seconds})
        model.Session.commit()

    yield arm
    model.Session.rollback()
    model.Session.execute(sa.text("DELETE FROM minato_test_fault"))
    model.Session.execute(sa.text("DROP TRIGGER IF EXISTS minato_test_slow_commit ON package"))
    model.Session.commit()


@pytest.fixture
def committing_backend():
    """``committing_backend()``: the pid of the PostgreSQL backend waiting in a slow COMMIT."""
    return _committing_backend


def _committing_backend(timeout: float = 30) -> int:
    import ckan.model as model

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = model.Session.execute(sa.text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND query = 'COMMIT' AND wait_event = 'PgSleep'"
        )).first()
        model.Session.commit()
        if row:
            return row[0]
        time.sleep(0.05)
    raise AssertionError("no COMMIT was waiting")


def solr_pid() -> int:
    return int((ROOT / ".local" / "solr" / "solr.pid").read_text().strip())


@pytest.fixture
def solr_stalled():
    """``stall()`` freezes Solr (SIGSTOP), ``resume()`` lets it go on; resumed afterwards."""
    pid = solr_pid()
    state = {"stopped": False}

    def stall():
        os.kill(pid, signal.SIGSTOP)
        state["stopped"] = True

    def resume():
        if state["stopped"]:
            os.kill(pid, signal.SIGCONT)
            state["stopped"] = False

    yield stall, resume
    resume()


@pytest.fixture
def service_control():
    """``stop(name)`` / ``start(name)`` of solr, redis or postgres (scripts/<name>.sh); every
    service stopped is started again afterwards."""
    stopped: list[str] = []

    def stop(name: str) -> None:
        _service(name, "stop")
        stopped.append(name)

    def start(name: str) -> None:
        _service(name, "start")
        if name in stopped:
            stopped.remove(name)

    yield stop, start
    for name in stopped:
        _service(name, "start")
