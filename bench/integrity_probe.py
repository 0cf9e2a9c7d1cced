"""A reviewer's integrity probe of a running portal (prints the acceptance table; not a test).

    .venv/bin/python bench/integrity_probe.py [--url http://127.0.0.1:5000]
        [--ini .local/ckan.ini] [--timeout 10] [--keep-users] [--no-inject]

It talks to the portal over HTTP only (``requests`` and raw sockets), like a client would, and
prints one line per probe (kind, what, expected, got, OK/FAIL), then the totals of each kind.
Exit status 1 when a probe fails, 2 when it cannot start (portal unreachable, CLI failing).

Accounts: a sysadmin ``probe-admin-<random>`` made with the CKAN CLI against ``--ini``
(``ckan sysadmin add --create``, ``ckan user token add``), and through the API with its token an
editor of ``minato-city`` (``probe-editor-<random>``) and a user with no role
(``probe-other-<random>``). They are deleted at the end (``user_delete``) unless
``--keep-users``.

1. Bad input (A): ``package_patch`` of ``minato-plan-initiative-39`` with the editor's API token:
   NUL, a 1,000,000-character summary, 5,000 indicators, NaN / 1e309 / "NaN" as indicator
   numbers (raw JSON text), ``sample: "maybe"``, a BOM, a right-to-left override (title and
   summary), U+0007; and U+0007 through the initiative's web edit form. Expected: 409 whose
   error names the field, in Japanese and English, and the initiative unchanged afterwards.
2. Request size (B): an anonymous ``package_search`` declaring 300,000,000 bytes and sending a
   few (413 at once, before the body is read), a chunked body larger than the limit, progress
   uploads (API and form) larger than their limit: 413.
3. CSRF (C): the editor logs in like a browser; after one anonymous GET of each target view
   (which makes stock CKAN 2.12 exempt it), cookie-authenticated posts without a token must be
   refused (400/403) and change nothing; the login form without a token too; the remember-me
   cookie is ``SameSite=Lax``. Positive controls: the same with a valid token, and an API-token
   ``package_patch``, work.
4. Formula cells (D): a probe dataset's DataStore table with ``=HYPERLINK(…)``, ``+1+2``,
   ``-3+4``, ``@SUM(A1)``, ``\\t=1`` and a negative number in a numeric column; its
   ``/datastore/dump`` as CSV, TSV (and XLSX, read with openpyxl if it is installed); the
   plan's ``/plan-data/*.csv`` files, initiative 39's CSV files and the DataStore dumps of the
   plan's tables, with formula text put into initiative 39 for the time of the downloads
   (``--no-inject``: as they are). A cell counts as live when it starts with = + - @ tab or CR
   and is neither a number nor the lone ``-`` (a spreadsheet evaluates neither).
5. Language links (E): ``/en//evil.example/x`` and the like; every ``hreflang`` link and every
   redirect must stay on the site.

What it writes: the probe users, two probe datasets in ``minato-city`` (purged at the end), and
initiative 39 only when a refused write is accepted after all or for the formula downloads: it
keeps ``package_show`` of the initiative first and restores it with ``package_update``
(checked, and reported as a probe of its own). Service failures are probed by tests/faults.
"""
from __future__ import annotations

import argparse
import configparser
import csv
import dataclasses
import html.parser
import io
import json
import os
import re
import secrets
import select
import socket
import ssl
import subprocess
import sys
import time
from typing import Any, Callable, Iterable, Iterator, Optional
from urllib.parse import urlsplit

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

INITIATIVE = "minato-plan-initiative-39"
PLAN = "minato-plan"
ORGANIZATION = "minato-city"
KINDS = ("bad input", "request size", "CSRF", "formula", "language link", "cleanup")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,'()-]+[A-Za-z0-9]+){2,}")
# Fields of package_show that a rejected write must leave as they were.
VOLATILE = frozenset({"metadata_modified", "resources", "num_resources", "organization",
                      "groups", "relationships_as_subject", "relationships_as_object"})


@dataclasses.dataclass
class Row:
    kind: str
    what: str
    expected: str
    got: str
    ok: bool


@dataclasses.dataclass
class Answer:
    status: int
    text: str
    headers: Any
    elapsed: float
    cookies: list[str] = dataclasses.field(default_factory=list)
    content: bytes = b""

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError:
            return None


class ProbeError(RuntimeError):
    """The probe itself cannot go on (setup failed)."""


def _short(text: Any, width: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 1] + "…"


# ---------------------------------------------------------------------------------------------
# HTTP


class Portal:
    def __init__(self, url: str, timeout: float):
        self.url = url.rstrip("/")
        parts = urlsplit(self.url)
        self.scheme, self.netloc = parts.scheme, parts.netloc
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.timeout = timeout

    def request(self, method: str, path: str, session: Optional[requests.Session] = None,
                **kwargs: Any) -> Answer:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", max(self.timeout, 60))
        start = time.monotonic()
        response = (session or requests).request(method, self.url + path, **kwargs)
        raw_headers = getattr(response.raw, "headers", None)
        cookies = raw_headers.getlist("Set-Cookie") if hasattr(raw_headers, "getlist") else []
        return Answer(response.status_code, response.text, response.headers,
                      time.monotonic() - start, cookies, response.content)

    def action(self, name: str, data: Any = None, token: Optional[str] = None,
               session: Optional[requests.Session] = None, raw: Optional[str] = None,
               headers: Optional[dict[str, str]] = None, **kwargs: Any) -> Answer:
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = token
        if raw is not None:
            headers["Content-Type"] = "application/json"
            kwargs["data"] = raw.encode("utf-8")
        elif data is not None and "files" not in kwargs:
            kwargs["json"] = data
        elif data is not None:
            kwargs["data"] = data
        return self.request("POST", f"/api/3/action/{name}", session=session, headers=headers,
                            **kwargs)

    def result(self, name: str, data: Any, token: str) -> Any:
        """The result of an action that must succeed (setup, checks)."""
        answer = self.action(name, data, token=token)
        body = answer.json()
        if answer.status != 200 or not body or not body.get("success"):
            raise ProbeError(f"{name} failed: {answer.status} {_short(answer.text, 300)}")
        return body["result"]

    def raw(self, method: str, path: str, headers: dict[str, str], body: Iterable[bytes],
            chunked: bool = False, wait: Optional[float] = None) -> dict[str, Any]:
        """Send a request over a plain socket, the body piece by piece, stopping as soon as the
        server answers. Returns status (None: no answer), seconds to the answer, bytes of the
        body sent, the answer's body and how the exchange ended."""
        wait = self.timeout if wait is None else wait
        sock = socket.create_connection((self.host, self.port), timeout=wait)
        if self.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.netloc}", "Connection: close"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        if chunked:
            head.append("Transfer-Encoding: chunked")
        sent, note = 0, "body sent"
        start = time.monotonic()
        try:
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
            for piece in body:
                if select.select([sock], [], [], 0)[0]:
                    note = "answered before the whole body was sent"
                    break
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                sent += len(piece)
            else:
                if chunked:
                    sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            note = "server closed the connection while the body was being sent"
        except socket.timeout:
            note = f"server stopped reading the body (sending blocked {wait:g} s)"
        data = b""
        status: Optional[int] = None
        elapsed: Optional[float] = None
        try:
            remaining = max(0.1, wait - (time.monotonic() - start)) \
                if note == "body sent" and sent < 1024 else wait
            sock.settimeout(remaining)
            while True:
                piece = sock.recv(65536)
                if elapsed is None:
                    elapsed = time.monotonic() - start
                if not piece:
                    break
                data += piece
        except socket.timeout:
            if not data:
                note = f"no answer within {wait:g} s"
        except ConnectionResetError:
            if not data:
                note = "connection reset, no answer"
        finally:
            sock.close()
        match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
        if match:
            status = int(match.group(1))
        body_text = data.split(b"\r\n\r\n", 1)[-1].decode("utf-8", "replace") if data else ""
        return {"status": status, "elapsed": elapsed, "sent": sent, "note": note,
                "body": body_text}


# ---------------------------------------------------------------------------------------------
# HTML forms


class _Forms(html.parser.HTMLParser):
    """Forms of a page (action, method, fields as a browser would send them), the CSRF meta
    token, the hreflang links and every URL-valued attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self.meta: dict[str, str] = {}
        self.hreflang: list[str] = []
        self.urls: list[str] = []
        self._form: Optional[dict[str, Any]] = None
        self._textarea: Optional[str] = None
        self._select: Optional[str] = None
        self._select_value: Optional[str] = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        for key in ("href", "src", "action", "formaction"):
            if key in a:
                self.urls.append(a[key])
        if tag == "meta" and "name" in a:
            self.meta[a["name"]] = a.get("content", "")
        if tag in ("a", "link") and "hreflang" in a and "href" in a:
            self.hreflang.append(a["href"])
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get"),
                          "id": a.get("id", ""), "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "file", "reset"):
                fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields.append((a["name"], ""))
        elif tag == "select" and a.get("name"):
            self._select, self._select_value = a["name"], None
        elif tag == "option" and self._select is not None:
            if "selected" in a or self._select_value is None:
                self._select_value = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self._form is not None:
            name, value = self._form["fields"][-1]
            self._form["fields"][-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form["fields"].append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "form":
            self._form = None


def parse_page(text: str) -> _Forms:
    parser = _Forms()
    parser.feed(text)
    return parser


def csrf_token(text: str) -> str:
    page = parse_page(text)
    token = page.meta.get("_csrf_token", "")
    if not token:
        for form in page.forms:
            for name, value in form["fields"]:
                if name == "_csrf_token":
                    return value
    return token


# ---------------------------------------------------------------------------------------------
# The run


class Probe:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.portal = Portal(args.url, args.timeout)
        self.rows: list[Row] = []
        self.suffix = secrets.token_hex(4)
        self.admin = f"probe-admin-{self.suffix}"
        self.editor = f"probe-editor-{self.suffix}"
        self.other = f"probe-other-{self.suffix}"
        self.password = secrets.token_urlsafe(12) + "Aa1!"
        self.admin_token = ""
        self.editor_token = ""
        self.datasets: list[str] = []
        self.users: list[str] = []
        self.original: Optional[dict[str, Any]] = None
        self.baseline: Optional[dict[str, Any]] = None
        self.restores = 0
        self.counts: dict[str, dict[str, int]] = {}
        self.ini = self._read_ini(args.ini)

    # -- bookkeeping ---------------------------------------------------------------------------

    def row(self, kind: str, what: str, expected: str, got: str, ok: bool) -> bool:
        self.rows.append(Row(kind, what, expected, got, ok))
        mark = "OK" if ok else "FAIL"
        print(f"  {mark:4} {kind:13} {what}: {_short(got, 110)}", file=sys.stderr, flush=True)
        return ok

    def count(self, kind: str, key: str, n: int = 1) -> None:
        self.counts.setdefault(kind, {}).setdefault(key, 0)
        self.counts[kind][key] += n

    @staticmethod
    def _read_ini(path: str, depth: int = 0) -> dict[str, str]:
        """``[app:main]`` of a CKAN ini, over the ini it inherits (``use = config:…``)."""
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.optionxform = str  # type: ignore[assignment]
        parser.read(path, encoding="utf-8")
        own = dict(parser["app:main"]) if parser.has_section("app:main") else {}
        base = own.get("use", "")
        if base.startswith("config:") and depth < 5:
            parent = os.path.join(os.path.dirname(os.path.abspath(path)), base[len("config:"):])
            return {**Probe._read_ini(parent, depth + 1), **own}
        return own

    def limits(self) -> dict[str, int]:
        """The request limits the portal's ini sets (ckanext/minato_plan/config.py)."""
        def integer(key: str, default: int) -> int:
            try:
                return int(self.ini.get(key) or default)
            except ValueError:
                return default
        upload = integer("ckanext.minato_plan.upload.max_bytes", 1_000_000)
        request = integer("ckanext.minato_plan.max_request_bytes", 0)
        if not request:
            megabytes = max(integer("ckan.max_resource_size", 10),
                            integer("ckan.max_image_size", 2))
            request = megabytes * 1024 * 1024 + 1024 * 1024
        return {"request": request, "upload": upload,
                "upload_form": upload + 64 * 1024, "upload_api": 2 * upload + 64 * 1024}

    # -- setup and cleanup ---------------------------------------------------------------------

    def cli(self, *words: str) -> str:
        command = [self.args.ckan, "-c", self.args.ini, *words]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise ProbeError(f"{' '.join(command[:6])} … failed ({done.returncode}): "
                             f"{_short(done.stderr[-600:] + done.stdout[-300:], 500)}")
        return done.stdout

    def setup(self) -> None:
        print(f"setting up: sysadmin {self.admin} (CKAN CLI, {self.args.ini})", file=sys.stderr)
        self.cli("sysadmin", "add", "--create", self.admin,
                 f"email={self.admin}@example.invalid", f"password={self.password}")
        self.users.append(self.admin)
        lines = [line.strip() for line in self.cli("user", "token", "add", self.admin,
                                                   "integrity-probe", "-q").splitlines()]
        self.admin_token = next((line for line in reversed(lines) if line), "")
        if not self.admin_token:
            raise ProbeError("ckan user token add printed no token")
        for name in (self.editor, self.other):
            self.portal.result("user_create", {
                "name": name, "email": f"{name}@example.invalid",
                "password": self.password}, self.admin_token)
            self.users.append(name)
        self.portal.result("organization_member_create", {
            "id": ORGANIZATION, "username": self.editor, "role": "editor"}, self.admin_token)
        self.editor_token = self.portal.result("api_token_create", {
            "user": self.editor, "name": "integrity-probe"}, self.admin_token)["token"]
        self.original = self.show(INITIATIVE)
        self.baseline = self.original
        print(f"  editor {self.editor} of {ORGANIZATION}, other user {self.other}; "
              f"{INITIATIVE} saved (metadata_modified "
              f"{self.original['metadata_modified']})", file=sys.stderr)

    def probe_dataset(self, label: str) -> dict[str, Any]:
        name = f"probe-{label}-{self.suffix}"
        dataset = self.portal.result("package_create", {
            "name": name, "title": f"Integrity probe ({label})", "owner_org": ORGANIZATION,
            "notes": "Made by bench/integrity_probe.py; purged at the end.",
            "license_id": "CC-BY-4.0"}, self.admin_token)
        self.datasets.append(dataset["id"])
        return dataset

    def cleanup(self) -> None:
        print("cleaning up", file=sys.stderr)
        try:
            if self.original is not None:
                self.restore_initiative(final=True)
        except Exception as err:  # noqa: BLE001 - reported, the rest still runs
            self.row("cleanup", f"{INITIATIVE} as before the probe", "restored",
                     f"error: {err}", False)
        for dataset_id in self.datasets:
            try:
                shown = self.portal.action("package_show", {"id": dataset_id},
                                           token=self.admin_token).json() or {}
                for resource in (shown.get("result") or {}).get("resources") or []:
                    if resource.get("datastore_active"):
                        self.portal.action("datastore_delete", {
                            "resource_id": resource["id"], "force": True},
                            token=self.admin_token)
                self.portal.action("dataset_purge", {"id": dataset_id}, token=self.admin_token)
            except requests.RequestException as err:
                print(f"  could not purge {dataset_id}: {err}", file=sys.stderr)
        if self.args.keep_users:
            print(f"  users kept: {', '.join(self.users)} (password {self.password})",
                  file=sys.stderr)
            return
        for name in [u for u in self.users if u != self.admin] + \
                [u for u in self.users if u == self.admin]:
            if not self.admin_token:
                break
            try:
                self.portal.action("user_delete", {"id": name}, token=self.admin_token)
            except requests.RequestException as err:
                print(f"  could not delete {name}: {err}", file=sys.stderr)
        if self.admin in self.users:
            try:  # a deleted account keeps its sysadmin flag otherwise
                self.cli("sysadmin", "remove", self.admin)
            except (ProbeError, subprocess.TimeoutExpired) as err:
                print(f"  could not remove {self.admin} from the sysadmins: {err}",
                      file=sys.stderr)
        print(f"  deleted: {', '.join(self.users)}", file=sys.stderr)

    # -- initiative 39 -------------------------------------------------------------------------

    def show(self, name: str) -> dict[str, Any]:
        return self.portal.result("package_show", {"id": name}, self.admin_token)

    @staticmethod
    def content(package: dict[str, Any]) -> dict[str, Any]:
        kept = {k: v for k, v in package.items() if k not in VOLATILE}
        kept["resources"] = sorted((r.get("id"), r.get("url"), r.get("name"), r.get("state"))
                                   for r in package.get("resources") or [])
        return kept

    def initiative_unchanged(self) -> tuple[bool, str]:
        """Whether initiative 39 is as before the last probe; restores it when not."""
        assert self.baseline is not None
        now = self.show(INITIATIVE)
        if now["metadata_modified"] == self.baseline["metadata_modified"] \
                and self.content(now) == self.content(self.baseline):
            return True, "unchanged"
        changed = sorted(k for k in set(self.content(now)) | set(self.content(self.baseline))
                         if self.content(now).get(k) != self.content(self.baseline).get(k))
        self.restore_initiative()
        return False, f"CHANGED ({', '.join(changed) or 'metadata_modified'}; restored)"

    def restore_initiative(self, final: bool = False) -> list[str]:
        """Put initiative 39 back as it was before the probe when its content differs; returns
        the fields that differed."""
        assert self.original is not None
        now = self.show(INITIATIVE)
        before, after = self.content(self.original), self.content(now)
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        if changed:
            restored = {k: v for k, v in self.original.items()
                        if k not in ("metadata_modified", "num_resources", "organization",
                                     "relationships_as_subject", "relationships_as_object")}
            self.portal.result("package_update", restored, self.admin_token)
            self.restores += 1
            now = self.show(INITIATIVE)
        self.baseline = now
        if final:
            same = self.content(now) == self.content(self.original)
            self.row("cleanup", f"{INITIATIVE} as before the probe",
                     "same content (package_show)",
                     f"{'same' if same else 'DIFFERENT'}; restored {self.restores} time(s) "
                     "during the run", same)
        return changed

    # -- A. bad input --------------------------------------------------------------------------

    @staticmethod
    def _progress(**entry: Any) -> list[dict[str, Any]]:
        base = {"fiscal_year": 2021, "status": "in_progress", "rating": "B",
                "summary_ja": "概要です。", "summary_en": "A summary."}
        base.update(entry)
        return [base]

    @staticmethod
    def _error_report(body: Any, field: str, labels: Iterable[str]) -> tuple[bool, bool, bool]:
        """(names the field, Japanese text, English text) of a validation error body."""
        error = (body or {}).get("error") or {}
        keys: set[str] = set()
        messages: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key != "__type":
                        keys.add(str(key))
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)
            elif isinstance(node, str):
                messages.append(node)
        walk(error)
        text = " ".join(messages)
        named = field in keys or any(label and label in text for label in labels)
        return named, bool(JAPANESE.search(text)), bool(ENGLISH.search(text))

    def bad_inputs(self) -> None:
        print("A. bad input", file=sys.stderr)
        indicator = {"name_ja": "指標", "name_en": "Indicator", "unit": "件"}
        cases: list[tuple[str, str, tuple[str, ...], Any]] = [
            ("summary_ja with NUL (U+0000)", "summary_ja", ("実績の概要（日本語）",),
             {"progress": self._progress(summary_ja="概要\u0000です。")}),
            ("summary_ja of 1,000,000 characters", "summary_ja", ("実績の概要（日本語）",),
             {"progress": self._progress(summary_ja="あ" * 1_000_000)}),
            ("5,000 indicators", "indicators", ("指標", "Indicators"),
             {"indicators": [dict(indicator, name_ja=f"指標{i}") for i in range(5000)]}),
            ("indicator baseline NaN (JSON literal)", "baseline", ("基準値", "Baseline"),
             '"indicators": [{"name_ja": "指標", "baseline": NaN}]'),
            ("indicator target 1e309 (JSON number)", "target_2021",
             ("目標値 令和3年度", "Target FY2021"),
             '"indicators": [{"name_ja": "指標", "target_2021": 1e309}]'),
            ("indicator actual \"NaN\" (text)", "actual_2021", ("実績値 令和3年度",),
             {"indicators": [dict(indicator, actual_2021="NaN")]}),
            ("progress sample \"maybe\"", "sample", ("サンプルデータ", "Sample data"),
             {"progress": self._progress(sample="maybe")}),
            ("summary_en with a BOM (U+FEFF)", "summary_en", ("Summary (English)",),
             {"progress": self._progress(summary_en="A \ufeffsummary.")}),
            ("title_translated.en with RTL override (U+202E)", "title_translated",
             ("タイトル", "Title"),
             {"title_translated": {"ja": self.original["title_translated"]["ja"],
                                   "en": "Study \u202eIA sa hcus"}}),
            ("summary_ja with RTL override (U+202E)", "summary_ja", ("実績の概要（日本語）",),
             {"progress": self._progress(summary_ja="概要\u202eです。")}),
            ("summary_en with BEL (U+0007)", "summary_en", ("Summary (English)",),
             {"progress": self._progress(summary_en="A summary.\u0007")}),
        ]
        for what, field, labels, patch in cases:
            if isinstance(patch, str):
                raw = '{"id": "%s", %s}' % (INITIATIVE, patch)
                answer = self.portal.action("package_patch", token=self.editor_token, raw=raw)
            else:
                answer = self.portal.action("package_patch", dict(patch, id=INITIATIVE),
                                            token=self.editor_token)
            self._judge_bad_input(f"API {what}", answer, field, labels)
        self._bad_input_form()

    def _judge_bad_input(self, what: str, answer: Answer, field: str,
                         labels: Iterable[str], form: bool = False) -> None:
        unchanged, state = self.initiative_unchanged()
        self.count("bad input", "tried")
        if answer.status >= 500:
            self.count("bad input", "crashed")
        elif answer.status in (200, 302) and not unchanged:
            self.count("bad input", "accepted")
        if form:
            errors = " ".join(re.findall(r'class="error-explanation[^"]*"(.*?)</div>',
                                         answer.text, re.S))
            errors = re.sub(r"<[^>]+>", " ", errors)
            named = any(label in errors for label in labels)
            ja = bool(JAPANESE.search(errors))
            en = bool(ENGLISH.search(errors))
            refused = answer.status not in (301, 302, 303) and unchanged
            expected = "form again with the field's error, unchanged"
        else:
            named, ja, en = self._error_report(answer.json(), field, labels)
            refused = answer.status == 409
            expected = f"409 naming {field}, ja+en, unchanged"
        ok = refused and named and ja and en and unchanged
        if ok:
            self.count("bad input", "clear")
        elif answer.status < 500 and unchanged and answer.status not in (200, 302):
            self.count("bad input", "refused unclear")
        message = ""
        body = answer.json()
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            message = json.dumps({k: v for k, v in body["error"].items() if k != "__type"},
                                 ensure_ascii=False)
        got = (f"{answer.status}; field {'named' if named else 'NOT named'}; "
               f"ja {'yes' if ja else 'NO'}, en {'yes' if en else 'NO'}; initiative {state}")
        if form and not ok:
            message = _short(errors, 80) if errors.strip() else "no error shown"
        if message and not ok:
            got += f"; {_short(message, 80)}"
        self.row("bad input", what, expected, got, ok)

    def _bad_input_form(self) -> None:
        """U+0007 in the English title through the initiative's edit form (editor's session)."""
        session, _answer = self.login(self.editor)
        path = f"/initiative/edit/{INITIATIVE}"

        def form_fields() -> Optional[list[tuple[str, str]]]:
            page = self.portal.request("GET", path, session=session)
            forms = [f for f in parse_page(page.text).forms
                     if any(name == "_csrf_token" for name, _v in f["fields"])
                     and any("title" in name for name, _v in f["fields"])]
            if page.status != 200 or not forms:
                return None
            # without the repeating fields' templates (removed by scheming's script on submit)
            return [(n, v) for n, v in forms[0]["fields"] if "REPEATING-INDEX" not in n] \
                + [("save", "")]

        fields = form_fields()
        if fields is not None:  # control: the form as the browser sends it is saved
            answer = self.portal.request("POST", path, session=session, data=fields)
            saved = answer.status in (302, 303)
            changed = self.restore_initiative()
            self.row("bad input", "control: initiative edit form sent back as is",
                     "saved (302)", f"{answer.status}" + ("" if saved else " (not saved; the "
                     "form probe below proves nothing)") + (
                         f"; the round trip changed {', '.join(changed)} (restored)"
                         if changed else "; content the same"), saved)
            fields = form_fields()
        if fields is None:
            self.row("bad input", "form: title (English) with BEL (U+0007)",
                     "form again with the field's error, unchanged",
                     f"edit form not usable: GET {path}", False)
            self.count("bad input", "tried")
            return
        target = next((i for i, (name, _v) in enumerate(fields)
                       if "title" in name and name.endswith("en")), None)
        if target is None:
            target = next(i for i, (name, _v) in enumerate(fields) if "title" in name)
        name, value = fields[target]
        fields[target] = (name, value + "\u0007")
        answer = self.portal.request("POST", path, session=session, data=fields)
        self._judge_bad_input(f"form {name} with BEL (U+0007)", answer, name,
                              ("タイトル", "Title"), form=True)

    # -- B. request size -----------------------------------------------------------------------

    def request_sizes(self) -> None:
        print("B. request size", file=sys.stderr)
        limits = self.limits()
        chunk = b"x" * 65536

        def pieces(total: int, prefix: bytes = b"", suffix: bytes = b"") -> Iterator[bytes]:
            yield prefix
            left = total - len(prefix) - len(suffix)
            while left > 0:
                piece = chunk[:min(left, len(chunk))]
                left -= len(piece)
                yield piece
            yield suffix

        declared = 300_000_000
        result = self.portal.raw("POST", "/api/3/action/package_search", {
            "Content-Type": "application/json", "Content-Length": str(declared)},
            [b'{"q": "aaaaaaaa'])
        self._judge_size("anonymous package_search declaring 300,000,000 bytes, sending 15",
                         result, "413 within 2 s, body unread", quick=True)

        total = limits["request"] + 1024 * 1024
        result = self.portal.raw("POST", "/api/3/action/package_search", {
            "Content-Type": "application/json"}, pieces(total, b'{"q": "', b'"}'), chunked=True,
            wait=3 * self.args.timeout)
        self._judge_size(f"chunked package_search of {total:,} bytes "
                         f"(limit {limits['request']:,})", result, "413")

        boundary = "probe" + secrets.token_hex(8)
        header_line = "lg_code,id,initiative_no,fiscal_year,status\r\n".encode()

        def multipart(size: int, fields: dict[str, str]) -> tuple[bytes, bytes, int]:
            prefix = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\""
                             f"\r\n\r\n{v}\r\n" for k, v in fields.items())
            prefix += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"upload\"; "
                       f"filename=\"probe.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            suffix = f"\r\n--{boundary}--\r\n".encode()
            head = prefix.encode() + header_line
            return head, suffix, len(head) + size + len(suffix)

        size = limits["upload_api"] + 1
        head, suffix, total = multipart(size, {"filename": "probe.csv"})
        result = self.portal.raw("POST", "/api/3/action/minato_plan_progress_upload_preview", {
            "Authorization": self.editor_token,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(total)}, pieces(total, head, suffix))
        self._judge_size(f"API upload preview, file of {size:,} bytes "
                         f"(upload limit {limits['upload']:,})", result, "413 before the body")

        session, _answer = self.login(self.editor)
        page = self.portal.request("GET", "/initiative-progress/upload", session=session)
        token = csrf_token(page.text)
        size = limits["upload_form"] + 1
        head, suffix, total = multipart(size, {"_csrf_token": token})
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        result = self.portal.raw("POST", "/initiative-progress/upload", {
            "Cookie": cookie, "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(total)}, pieces(total, head, suffix))
        self._judge_size(f"upload form (editor, with token), file of {size:,} bytes", result,
                         "413 before the body")
        unchanged, state = self.initiative_unchanged()
        self.row("request size", "initiatives after the oversized uploads", "unchanged",
                 state, unchanged)

        control = self.portal.action("package_search", {"q": "情報", "rows": 1})
        self.row("request size", "control: small anonymous package_search POST", "200",
                 str(control.status), control.status == 200)

    def _judge_size(self, what: str, result: dict[str, Any], expected: str,
                    quick: bool = False) -> None:
        self.count("request size", "tried")
        status, elapsed = result["status"], result["elapsed"]
        ok = status == 413 and (not quick or (elapsed is not None and elapsed < 2.0))
        if ok:
            self.count("request size", "refused")
        timing = f"{elapsed:.2f} s" if elapsed is not None else "-"
        body = _short(result["body"], 60) if status and status != 413 else ""
        self.row("request size", what, expected,
                 f"{status or 'no answer'} after {timing}, {result['sent']:,} body bytes sent; "
                 f"{result['note']}{'; ' + body if body else ''}", ok)

    # -- C. CSRF -------------------------------------------------------------------------------

    def login(self, user: str, remember: bool = True) -> tuple[requests.Session, Answer]:
        session = requests.Session()
        page = self.portal.request("GET", "/user/login", session=session)
        data = {"login": user, "password": self.password, "_csrf_token": csrf_token(page.text)}
        if remember:
            data["remember"] = "63072000"
        answer = self.portal.request("POST", "/user/login", session=session, data=data)
        if answer.status not in (302, 303):
            raise ProbeError(f"login of {user} failed: {answer.status} {_short(answer.text)}")
        return session, answer

    def logged_in(self, session: requests.Session) -> bool:
        return self.portal.request("GET", "/user/edit", session=session).status == 200

    def csrf(self) -> None:
        print("C. CSRF", file=sys.stderr)
        probe = self.probe_dataset("csrf")
        name = probe["name"]
        session, login_answer = self.login(self.editor)
        admin_session, _ = self.login(self.admin)

        remember = [c for c in login_answer.cookies if c.lower().startswith("remember_token=")]
        samesite = re.search(r";\s*samesite=(\w+)", remember[0], re.I) if remember else None
        value = samesite.group(1) if samesite else ("no SameSite" if remember else
                                                    "no remember cookie set")
        self.row("CSRF", "remember-me cookie (login with remember)", "SameSite=Lax",
                 f"SameSite={value}" if samesite else value,
                 bool(samesite) and value.lower() in ("lax", "strict"))
        session_cookie = [c for c in login_answer.cookies if c.lower().startswith("ckan=")]
        match = re.search(r";\s*samesite=(\w+)", session_cookie[-1], re.I) \
            if session_cookie else None
        self.row("CSRF", "session cookie after login", "SameSite=Lax",
                 f"SameSite={match.group(1)}" if match else "no SameSite / not set",
                 bool(match) and match.group(1).lower() in ("lax", "strict"))

        targets = [f"/dataset/delete/{name}", f"/initiative/delete/{INITIATIVE}",
                   f"/dataset/{name}/resource/new", f"/user/{self.editor}/api-tokens",
                   f"/organization/member_new/{ORGANIZATION}", "/api/3/action/package_patch",
                   "/api/3/action/minato_plan_progress_upload_apply", "/user/login"]
        for path in targets:  # anonymous visits: stock CKAN 2.12 then exempts these views
            self.portal.request("GET", path)

        def dataset_state() -> str:
            return self.portal.result("package_show", {"id": probe["id"]},
                                      self.admin_token)["state"]

        def resources() -> int:
            return len(self.portal.result("package_show", {"id": probe["id"]},
                                          self.admin_token)["resources"])

        def tokens() -> int:
            return len(self.portal.result("api_token_list", {"user": self.editor},
                                          self.admin_token))

        def other_is_member() -> bool:
            members = self.portal.result("member_list", {"id": ORGANIZATION,
                                                         "object_type": "user"},
                                         self.admin_token)
            users = {m[0] for m in members}
            other_id = self.portal.result("user_show", {"id": self.other},
                                          self.admin_token)["id"]
            return other_id in users

        def notes() -> str:
            return self.portal.result("package_show", {"id": probe["id"]},
                                      self.admin_token).get("notes") or ""

        before_resources, before_tokens, before_notes = resources(), tokens(), notes()

        answer = self.portal.request("POST", f"/dataset/delete/{name}", session=session,
                                     data={"delete": ""})
        state = dataset_state()
        if state != "active":
            self.portal.result("package_patch", {"id": probe["id"], "state": "active"},
                               self.admin_token)
        self._judge_csrf(f"POST /dataset/delete/{name} (editor, no token)", answer,
                         state == "active", f"dataset {state}")

        answer = self.portal.request("POST", f"/initiative/delete/{INITIATIVE}", session=session,
                                     data={"delete": ""})
        unchanged, state = self.initiative_unchanged()
        self._judge_csrf(f"POST /initiative/delete/{INITIATIVE} (editor, no token)", answer,
                         unchanged, f"initiative {state}")

        answer = self.portal.request("POST", f"/dataset/{name}/resource/new", session=session,
                                     data={"id": "", "url": "http://evil.example/x.csv",
                                           "name": "csrf probe", "save": "go-metadata"})
        count = resources()
        self._judge_csrf(f"POST /dataset/{name}/resource/new (editor, no token)", answer,
                         count == before_resources, f"{count - before_resources} resource(s) added")

        answer = self.portal.request("POST", f"/user/{self.editor}/api-tokens", session=session,
                                     data={"name": "csrf-probe"})
        count = tokens()
        self._judge_csrf(f"POST /user/{self.editor}/api-tokens (editor, no token)", answer,
                         count == before_tokens, f"{count - before_tokens} token(s) created")

        answer = self.portal.request("POST", f"/organization/member_new/{ORGANIZATION}",
                                     session=admin_session,
                                     data={"username": self.other, "role": "editor"})
        member = other_is_member()
        if member:
            self.portal.action("organization_member_delete", {
                "id": ORGANIZATION, "username": self.other}, token=self.admin_token)
        self._judge_csrf(f"POST /organization/member_new/{ORGANIZATION} (sysadmin, no token)",
                         answer, not member,
                         f"{self.other} {'ADDED as editor (removed again)' if member else 'not a member'}")

        answer = self.portal.action("package_patch", {"id": probe["id"], "notes": "csrf probe"},
                                    session=session)
        current = notes()
        self._judge_csrf("API package_patch with the cookie, no X-CSRFToken", answer,
                         current == before_notes, "notes changed" if current != before_notes
                         else "notes unchanged")

        # a preview to apply, made with the editor's API token (header: no CSRF concern), just
        # before, so that no other write to the initiative makes it stale
        upload_token = self._preview_for_apply()
        if upload_token:
            answer = self.portal.action("minato_plan_progress_upload_apply",
                                        {"token": upload_token}, session=session)
            unchanged, state = self.initiative_unchanged()
            self._judge_csrf("API minato_plan_progress_upload_apply with the cookie, no token",
                             answer, unchanged, f"initiative {state}")
        else:
            self.count("CSRF", "tried")
            self.row("CSRF", "API minato_plan_progress_upload_apply with the cookie, no token",
                     "400/403, unchanged", "no preview to apply (see above)", False)

        fresh = requests.Session()
        self.portal.request("GET", "/user/login", session=fresh)
        answer = self.portal.request("POST", "/user/login", session=fresh, data={
            "login": self.editor, "password": self.password, "remember": "63072000"})
        signed_in = self.logged_in(fresh) or any(
            c.lower().startswith("remember_token=") for c in answer.cookies)
        self._judge_csrf("POST /user/login without token", answer, not signed_in,
                         "LOGGED IN" if signed_in else "not logged in")

        # positive controls
        self._positive_controls(session, probe, tokens, notes)

    def _judge_csrf(self, what: str, answer: Answer, unchanged: bool, state: str) -> None:
        self.count("CSRF", "tried")
        refused = answer.status in (400, 403)
        ok = refused and unchanged
        if ok:
            self.count("CSRF", "refused")
        reason = ""
        if refused:
            reason = "CSRF named" if re.search(r"csrf", answer.text, re.I) else \
                "refused for another reason"
        elif answer.status in (301, 302, 303):
            reason = f"-> {answer.headers.get('Location', '')}"
        self.row("CSRF", what, "400/403, nothing changed",
                 f"{answer.status}{' ' + reason if reason else ''}; {state}", ok)

    def _preview_for_apply(self) -> Optional[str]:
        """A preview changing initiative 39 (FY2021), made with the editor's API token."""
        download = self.portal.request("GET", "/plan-data/initiative/39/progress.en.csv")
        header = download.text.lstrip("\ufeff").splitlines()[0] if download.status == 200 \
            else "lg_code,id,lg_name,initiative_id,initiative_no,initiative_name,fiscal_year," \
                 "fiscal_year_label,status,rating,summary_ja,summary_en,sample"
        keys = next(csv.reader([header]))
        values = {"lg_code": "131032", "id": "131032JK039-2021", "lg_name": "Minato City",
                  "initiative_id": "131032JK039", "initiative_no": "39",
                  "initiative_name": self.original["title_translated"]["en"],
                  "fiscal_year": "2021", "fiscal_year_label": "FY2021", "status": "completed",
                  "rating": "A", "summary_ja": "CSRF検査の行です。",
                  "summary_en": "A CSRF probe row.", "sample": "true"}
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(keys)
        writer.writerow([values.get(k, "") for k in keys])
        answer = self.portal.action("minato_plan_progress_upload_preview", {
            "csv": out.getvalue(), "filename": "csrf-probe.csv"}, token=self.editor_token)
        result = (answer.json() or {}).get("result") or {}
        ok = answer.status == 200 and result.get("status") == "ready" \
            and bool(result.get("changes"))
        self.row("CSRF", "setup: upload preview with the editor's API token",
                 "ready, with changes",
                 f"{answer.status} {result.get('status')}, {len(result.get('changes') or [])} "
                 f"change(s)" if answer.status == 200 else f"{answer.status} "
                 f"{_short(answer.text, 80)}", ok)
        return result.get("token") if ok else None

    def _positive_controls(self, session: requests.Session, probe: dict[str, Any],
                           tokens: Callable[[], int], notes: Callable[[], str]) -> None:
        name = probe["name"]
        page = self.portal.request("GET", f"/dataset/edit/{name}", session=session)
        forms = [f for f in parse_page(page.text).forms
                 if any(n == "_csrf_token" for n, _v in f["fields"])
                 and any(n == "notes" for n, _v in f["fields"])]
        wanted = f"edited with a token {self.suffix}"
        if forms:
            fields = [(n, wanted if n == "notes" else v) for n, v in forms[0]["fields"]]
            fields.append(("save", ""))
            answer = self.portal.request("POST", f"/dataset/edit/{name}", session=session,
                                         data=fields)
            got = notes()
            self._judge_positive(f"POST /dataset/edit/{name} with token", answer.status,
                                 got == wanted, "notes saved" if got == wanted else
                                 f"notes not saved ({_short(got, 40)})")
        else:
            self._judge_positive(f"POST /dataset/edit/{name} with token", page.status, False,
                                 "no edit form")
        before = tokens()
        page = self.portal.request("GET", f"/user/{self.editor}/api-tokens", session=session)
        answer = self.portal.request("POST", f"/user/{self.editor}/api-tokens", session=session,
                                     data={"name": "csrf-positive",
                                           "_csrf_token": csrf_token(page.text)})
        after = tokens()
        self._judge_positive(f"POST /user/{self.editor}/api-tokens with token", answer.status,
                             after == before + 1, f"{after - before} token(s) created")
        page = self.portal.request("GET", f"/dataset/{name}", session=session)
        answer = self.portal.action("package_patch", {"id": probe["id"], "notes": "x-csrf"},
                                    session=session,
                                    headers={"X-CSRFToken": csrf_token(page.text)})
        self._judge_positive("API package_patch with the cookie and X-CSRFToken",
                             answer.status, notes() == "x-csrf", "notes saved"
                             if notes() == "x-csrf" else "notes not saved")
        answer = self.portal.action("package_patch", {"id": probe["id"], "notes": "api token"},
                                    token=self.editor_token)
        self._judge_positive("API package_patch with the editor's API token", answer.status,
                             notes() == "api token", "notes saved"
                             if notes() == "api token" else "notes not saved")

    def _judge_positive(self, what: str, status: int, worked: bool, state: str) -> None:
        self.count("CSRF", "controls")
        if worked:
            self.count("CSRF", "controls worked")
        self.row("CSRF", "control: " + what, "works", f"{status}; {state}", worked)

    # -- D. formula cells ----------------------------------------------------------------------

    @staticmethod
    def live(cell: str) -> bool:
        """Whether a spreadsheet would evaluate the cell as a formula."""
        if not cell.startswith(FORMULA_TRIGGERS):
            return False
        if cell == "-" or NUMBER.fullmatch(cell):
            return False  # a number (any column: a spreadsheet reads it as one) or a lone "-"
        return True

    def _count_cells(self, what: str, text: str, delimiter: str = ",",
                     expect: Optional[dict[str, str]] = None) -> None:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
        cells = live = triggers = 0
        samples: list[str] = []
        for row in rows[1:]:
            for cell in row:
                cells += 1
                if cell.lstrip("'").startswith(FORMULA_TRIGGERS):
                    triggers += 1
                if self.live(cell):
                    live += 1
                    samples.append(repr(cell)[:30])
        self.count("formula", "files")
        self.count("formula", "cells", cells)
        self.count("formula", "live", live)
        self.count("formula", "triggers", triggers)
        got = f"{len(rows) - 1} rows, {cells} cells, {triggers} formula-like, {live} live"
        ok = live == 0
        if expect:
            flat = {cell for row in rows[1:] for cell in row}
            missing = [f"{k} {v!r}" for k, v in expect.items() if v not in flat]
            if missing:
                ok = False
                got += f"; NOT served as is: {', '.join(missing)}"
        if samples:
            got += f": {', '.join(samples[:3])}"
        self.row("formula", what, "0 live formula cells", got, ok)

    def formulas(self) -> None:
        print("D. formula cells", file=sys.stderr)
        dataset = self.probe_dataset("formula")
        records = [
            {"label": '=HYPERLINK("http://evil.example","x")', "value": 1},
            {"label": "+1+2", "value": 2},
            {"label": "-3+4", "value": -5},
            {"label": "@SUM(A1)", "value": -12.5},
            {"label": "\t=1", "value": 0},
            {"label": "\r=1", "value": 3},
            {"label": "plain text", "value": 4},
        ]
        created = self.portal.result("datastore_create", {
            "resource": {"package_id": dataset["id"], "name": "formula probe",
                         "format": "CSV"},
            "fields": [{"id": "label", "type": "text"}, {"id": "value", "type": "numeric"}],
            "records": records, "force": True}, self.admin_token)
        resource_id = created["resource_id"]
        for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
            answer = self.portal.request("GET", f"/datastore/dump/{resource_id}?format={fmt}")
            if answer.status != 200:
                self.row("formula", f"probe table dump {fmt}", "200, 0 live",
                         f"{answer.status} {_short(answer.text, 60)}", False)
                continue
            self._count_cells(f"probe table /datastore/dump ?format={fmt}", answer.text,
                              delimiter, {"value": "-5"})
        self._xlsx(resource_id)
        injected = self._inject() if not self.args.no_inject else False
        try:
            plan = self.show(PLAN)
            initiative = self.show(INITIATIVE)
            for resource in plan["resources"] + initiative["resources"]:
                url = resource.get("url") or ""
                path = urlsplit(url).path
                if path.endswith(".csv") and path.startswith("/plan-data/"):
                    answer = self.portal.request("GET", path)
                    encoding = "cp932" if ".cp932." in path else "utf-8"
                    if answer.status != 200:
                        self.row("formula", path, "200, 0 live", str(answer.status), False)
                        continue
                    self._count_cells(path, answer.content.decode(encoding, "replace"))
            for resource in plan["resources"]:
                if not resource.get("datastore_active"):
                    continue
                for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
                    answer = self.portal.request(
                        "GET", f"/datastore/dump/{resource['id']}?format={fmt}")
                    label = f"plan table {urlsplit(resource['url']).path.rsplit('/', 1)[-1]}" \
                            f" /datastore/dump ?format={fmt}"
                    if answer.status != 200:
                        self.row("formula", label, "200, 0 live", str(answer.status), False)
                        continue
                    self._count_cells(label, answer.text, delimiter)
        finally:
            if injected:
                self.restore_initiative()
                self.row("formula", f"{INITIATIVE} after the formula downloads",
                         "restored", "restored" if self.content(self.show(INITIATIVE))
                         == self.content(self.original) else "NOT restored",
                         self.content(self.show(INITIATIVE)) == self.content(self.original))

    def _xlsx(self, resource_id: str) -> None:
        answer = requests.get(f"{self.portal.url}/datastore/dump/{resource_id}?format=xlsx",
                              timeout=60)
        if answer.status_code != 200:
            self.row("formula", "probe table /datastore/dump ?format=xlsx",
                     "not served, or 0 live", f"not served ({answer.status_code})",
                     answer.status_code < 500)
            return
        try:
            import openpyxl
        except ImportError:
            self.row("formula", "probe table /datastore/dump ?format=xlsx", "0 live",
                     "served; openpyxl not available, not checked", True)
            return
        book = openpyxl.load_workbook(io.BytesIO(answer.content))
        cells = live = 0
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    cells += 1
                    if cell.data_type == "f" or (isinstance(cell.value, str)
                                                 and cell.value.startswith("=")):
                        live += 1
        self.count("formula", "files")
        self.count("formula", "cells", cells)
        self.count("formula", "live", live)
        self.row("formula", "probe table /datastore/dump ?format=xlsx", "0 live",
                 f"{cells} cells, {live} formulas", live == 0)

    def _inject(self) -> bool:
        """Formula text in initiative 39, for the time of the downloads (restored after)."""
        answer = self.portal.action("package_patch", {
            "id": INITIATIVE,
            "progress": self._progress(summary_ja='=HYPERLINK("http://evil.example","x")',
                                       summary_en="@SUM(A1)", rating="-"),
            "indicators": [{"name_ja": "+1+2", "name_en": "\t=1", "unit": "-3+4",
                            "baseline": "-5", "target_2021": "-12.5"}]},
            token=self.admin_token)
        ok = answer.status == 200
        self.row("formula", f"setup: formula text put into {INITIATIVE} (restored after)",
                 "accepted as text", f"{answer.status}"
                 + ("" if ok else f" {_short(answer.text, 80)}; files checked as they are"),
                 True)
        if not ok:
            self.initiative_unchanged()
        return ok

    # -- E. language links ---------------------------------------------------------------------

    def same_site(self, href: str) -> bool:
        href = re.sub(r"[\t\n\r]", "", href).strip()
        if href.startswith(("//", "/\\", "\\")):
            return False
        if href.startswith("/") or not href:
            return True
        parts = urlsplit(href)
        if not parts.scheme and not parts.netloc:
            return True  # relative
        if parts.scheme in ("http", "https"):
            return parts.netloc == self.portal.netloc
        return parts.scheme in ("mailto", "tel")

    def language_links(self) -> None:
        print("E. language links", file=sys.stderr)
        for path in ("/en//evil.example/x", "/ja//evil.example/x", "//evil.example/x",
                     "/en/%2F%2Fevil.example/x", "/en/\\evil.example/x",
                     "/en//evil.example/dataset/"):
            answer = self.portal.request("GET", path)
            self.count("language link", "pages")
            off = []
            checked = 0
            location = answer.headers.get("Location")
            if location is not None:
                checked += 1
                if not self.same_site(location):
                    off.append(f"Location {location}")
            page = parse_page(answer.text)
            for href in page.hreflang:
                checked += 1
                if not self.same_site(href):
                    off.append(href)
            evil = [u for u in page.urls if "evil.example" in u and not self.same_site(u)
                    and u not in off]
            off += evil
            self.count("language link", "checked", checked)
            self.count("language link", "off-site", len(off))
            self.row("language link", f"GET {path}", "every link same-site",
                     f"{answer.status}; {checked} link(s), {len(off)} off-site"
                     + (f": {', '.join(off[:3])}" if off else ""), not off and checked > 0)

    # -- output --------------------------------------------------------------------------------

    def report(self) -> int:
        print()
        width = {"kind": 13, "what": 58, "expected": 34}
        print(f"{'kind':{width['kind']}} {'what':{width['what']}} "
              f"{'expected':{width['expected']}} {'got':60} result")
        for kind in KINDS:
            rows = [r for r in self.rows if r.kind == kind]
            if not rows:
                continue
            print(f"-- {kind} " + "-" * 60)
            for r in rows:
                print(f"{r.kind:{width['kind']}} {_short(r.what, width['what']):{width['what']}} "
                      f"{_short(r.expected, width['expected']):{width['expected']}} "
                      f"{_short(r.got, 60):60} {'OK' if r.ok else 'FAIL'}")
        c = self.counts
        a, b, s = c.get("bad input", {}), c.get("request size", {}), c.get("CSRF", {})
        f, e = c.get("formula", {}), c.get("language link", {})
        print()
        print(f"bad inputs: tried {a.get('tried', 0)}, refused with clear message "
              f"{a.get('clear', 0)}, refused unclear {a.get('refused unclear', 0)}, accepted "
              f"{a.get('accepted', 0)}, crashed (5xx) {a.get('crashed', 0)}")
        print(f"request size: tried {b.get('tried', 0)}, refused (413) {b.get('refused', 0)}")
        print(f"CSRF: tried {s.get('tried', 0)}, refused {s.get('refused', 0)}; positive "
              f"controls {s.get('controls', 0)}, worked {s.get('controls worked', 0)}")
        print(f"formula cells served live: {f.get('live', 0)} (of {f.get('cells', 0)} checked "
              f"in {f.get('files', 0)} files; {f.get('triggers', 0)} start like a formula)")
        print(f"language links: {e.get('checked', 0)} checked on {e.get('pages', 0)} pages, "
              f"off-site {e.get('off-site', 0)}")
        failed = sum(1 for r in self.rows if not r.ok)
        print(f"probes: {len(self.rows)}, failed {failed}")
        return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--ini", default=os.path.join(ROOT, ".local/ckan.ini"),
                        help="the portal's CKAN ini (for the CLI and the request limits)")
    parser.add_argument("--ckan", default=os.path.join(ROOT, ".venv/bin/ckan"))
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds to wait for an answer to a raw request")
    parser.add_argument("--keep-users", action="store_true",
                        help="keep the probe users (their password is printed)")
    parser.add_argument("--no-inject", action="store_true",
                        help="do not put formula text into initiative 39 for the downloads")
    args = parser.parse_args()
    try:
        status = requests.get(args.url.rstrip("/") + "/api/3/action/status_show", timeout=30)
        status.raise_for_status()
    except requests.RequestException as err:
        print(f"integrity_probe: portal not reachable at {args.url}: {err}", file=sys.stderr)
        return 2
    if not os.path.exists(args.ini):
        print(f"integrity_probe: no ini {args.ini}", file=sys.stderr)
        return 2
    probe = Probe(args)
    sections = ((probe.bad_inputs, "bad input"), (probe.request_sizes, "request size"),
                (probe.csrf, "CSRF"), (probe.formulas, "formula"),
                (probe.language_links, "language link"))
    try:
        probe.setup()
        for section, kind in sections:
            try:
                section()
            except Exception as err:  # noqa: BLE001 - reported as a failed probe; go on
                probe.row(kind, f"{section.__name__} stopped", "runs to the end",
                          f"error: {type(err).__name__}: {err}", False)
    except Exception as err:  # noqa: BLE001 - setup failed: nothing was probed
        print(f"integrity_probe: setup failed: {type(err).__name__}: {err}", file=sys.stderr)
        return 2
    finally:
        if probe.admin_token:
            probe.cleanup()
    return probe.report()


if __name__ == "__main__":
    sys.exit(main())
