"""Fixtures of the browser tests: a real CKAN serving the loaded plan, and Debian's headless
Chromium driven by Playwright.

- ``portal`` (package scope): resets the test database and search index, loads the plan WITH the
  fictional sample progress through the real loader, then starts ``ckan -c <derived ini> run`` on a
  free port of 127.0.0.1 (``ckan.site_url`` pointing at it) and stops it after the last browser
  test. The server shares the test database, Solr site id and Redis db of this pytest run, so
  records made in-process (``ckan.tests.factories``) are what the browser sees.
- ``review_portal`` (package scope): a second ``ckan run`` on the same data (after ``portal``
  loaded it), its ini the same plus ``ckanext.minato_plan.review.enabled = true``; its log is
  ``test-artifacts/browser/ckan-review-server.log``.
- ``browser`` (session): Chromium from ``/usr/bin/chromium`` (never ``playwright install``).
- ``page``: a fresh browser context and page per test, with ``base_url`` = the portal.
- ``review_page_factory()``: a new page on the review portal, each in a context of its own.
- ``login(page, user)``: logs a user made with ``factories.User()`` in through the login form.
- ``screenshot(page, name)``, ``axe_findings(page)``: artifacts into ``test-artifacts/browser/``.

Browser tests must not use ``clean_db``/``clean_index`` (they would wipe the data under the
server); a test that changes data should change only records it made itself.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Any, Iterator

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PASSWORD = "correct123"  # ckan.tests.factories.User's password
START_TIMEOUT = 90  # seconds for `ckan run` to answer


@dataclasses.dataclass(frozen=True)
class Portal:
    url: str
    ini: pathlib.Path
    log: pathlib.Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: pathlib.Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/api/3/action/status_show", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
    process.kill()
    pytest.fail(f"CKAN did not start at {url} (exit code {process.poll()}); log tail:\n{tail}")


def _base_ini(request) -> pathlib.Path:
    """The pytest run's own configuration (``--ckan-ini``), which every served ini inherits."""
    return pathlib.Path(request.config.getoption("ckan_ini")).resolve()


@contextlib.contextmanager
def _serve(base_ini: pathlib.Path, directory: pathlib.Path, log: pathlib.Path,
           extra: tuple[str, ...] = ()) -> Iterator[Portal]:
    """``ckan run`` on a free port of 127.0.0.1 from an ini inheriting ``base_ini`` (its own
    ``ckan.site_url``, then the ``extra`` lines), its output in ``log``; stopped on exit."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    ini = directory / "browser.ini"
    ini.write_text(
        "# Written by tests/browser/conftest.py: the pytest run's configuration, served.\n"
        "[app:main]\n"
        f"use = config:{base_ini}\n"
        f"ckan.site_url = {url}\n"
        # test.ini's cookie domain (test.ckan.net) would make the browser drop the session.
        "SESSION_COOKIE_DOMAIN =\n"
        + "".join(f"{line}\n" for line in extra),
        encoding="utf-8")
    ckan_cli = pathlib.Path(sys.executable).with_name("ckan")
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [str(ckan_cli), "-c", str(ini), "run", "--host", "127.0.0.1", "--port", str(port),
             "--disable-reloader", "--disable-debugger", "--threaded"],
            stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=dict(os.environ))
    try:
        _wait_until_up(url, process, log)
        yield Portal(url=url, ini=ini, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="package")
def portal(request, reset_db, reset_index, tmp_path_factory) -> Iterator[Portal]:
    import ckan.plugins
    from ckanext.minato_plan.logic import loader

    # The plan with sample progress, through the real loader (needs the portal's plugins).
    ckan.plugins.load_all()
    try:
        reset_db()
        reset_index()
        loader.load(sample_progress=True, echo=lambda _line: None)
    finally:
        ckan.plugins.unload_all()

    with _serve(_base_ini(request), tmp_path_factory.mktemp("portal"),
                ARTIFACTS / "ckan-server.log") as served:
        yield served


@pytest.fixture(scope="package")
def review_portal(request, portal, tmp_path_factory) -> Iterator[Portal]:
    """A second server on the same data (``portal`` loads it) with the yearly evaluation on
    (``ckanext.minato_plan.review.enabled = true``; test.ini has it off)."""
    with _serve(_base_ini(request), tmp_path_factory.mktemp("review-portal"),
                ARTIFACTS / "ckan-review-server.log",
                extra=("ckanext.minato_plan.review.enabled = true",)) as served:
        yield served


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _new_page(browser, portal: Portal, **context_options):
    context = browser.new_context(base_url=portal.url, viewport={"width": 1280, "height": 900},
                                  bypass_csp=True, **context_options)
    context.set_default_timeout(20_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, portal):
    """A new page (own cookies) on the portal; ``page.goto("/plan-overview")`` works."""
    context, new_page = _new_page(browser, portal)
    yield new_page
    context.close()


@pytest.fixture
def page_without_js(browser, portal):
    """A page with JavaScript disabled: what a resident without scripts sees."""
    context, new_page = _new_page(browser, portal, java_script_enabled=False)
    yield new_page
    context.close()


@pytest.fixture
def review_page_factory(browser, review_portal):
    """``review_page_factory()``: a new page on ``review_portal`` in a browser context of its
    own (own cookies: one per user), closed after the test."""
    contexts = []

    def make(**context_options):
        context, new_page = _new_page(browser, review_portal, **context_options)
        contexts.append(context)
        return new_page

    yield make
    for context in contexts:
        context.close()


def login(page, user: dict[str, Any], password: str = PASSWORD) -> None:
    """Log ``user`` (a ``factories.User()`` dict) in through the login form."""
    page.goto("/user/login")
    page.fill("#field-login", user["name"])
    page.fill("#field-password", password)
    with page.expect_navigation():
        page.locator("#field-password").press("Enter")
    assert page.locator(f"a[href*='/user/{user['name']}']").count(), (
        f"login as {user['name']} failed: {page.url}")


def screenshot(page, name: str) -> pathlib.Path:
    """A full-page screenshot saved as ``test-artifacts/browser/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_findings(page, name: str) -> list[dict[str, Any]]:
    """axe-core's violations on the loaded page (WCAG 2.0/2.1 A and AA and best practices),
    saved as ``test-artifacts/browser/axe-<name>.json``."""
    assert AXE_JS.is_file(), f"{AXE_JS} is missing: run scripts/install.sh (npm ci)"
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(
        json.dumps({"url": page.url, "violations": violations}, ensure_ascii=False, indent=2),
        encoding="utf-8")
    return violations
