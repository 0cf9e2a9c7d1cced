"""The container setup in docker/, checked without a Docker engine (none exists where this project
is developed and tested): the compose file against the Compose Specification, the Dockerfiles
with hadolint, the shell scripts with bash -n and shellcheck, and that the images are built from
the files the local setup uses (requirements.txt, config/ckan.ini.in, config/wsgi.py, the Solr
configset of tools/solr). The entrypoint's ini writing runs for real and CKAN's own loader reads
the result. No service is needed:

    .venv/bin/python -m pytest tests/docker -p no:ckan -p no:ckan_fixtures -q
"""
from __future__ import annotations

import configparser
import json
import os
import pathlib
import re
import shlex
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "compose.yaml"
CKAN_DOCKERFILE = DOCKER / "ckan" / "Dockerfile"
SOLR_DOCKERFILE = DOCKER / "solr" / "Dockerfile"
ENTRYPOINT = DOCKER / "ckan" / "entrypoint.sh"
TEMPLATE = ROOT / "config" / "ckan.ini.in"
DOCKERFILES = sorted(DOCKER.rglob("Dockerfile"))
SHELL_SCRIPTS = sorted(DOCKER.rglob("*.sh"))


def tool(name: str) -> str:
    """A command-line tool of dev-requirements.txt, from this Python's environment first."""
    beside = pathlib.Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: pip install -r dev-requirements.txt")
    return found


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, **kwargs)


# --- Dockerfiles and their build contexts ------------------------------------------------------

def instructions(dockerfile: pathlib.Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, ${ARG} expanded
    with the ARG defaults declared before."""
    joined, current = [], ""
    for line in dockerfile.read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if current and line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        joined.append(current + line)
        current = ""
    args: dict[str, str] = {}
    out = []
    for line in joined:
        keyword, _, rest = line.strip().partition(" ")
        rest = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), rest.strip())
        if keyword.upper() == "ARG" and "=" in rest:
            name, _, value = rest.partition("=")
            args[name] = value
        out.append((keyword.upper(), rest))
    return out


def copies(dockerfile: pathlib.Path) -> list[tuple[list[str], str]]:
    """(sources, destination) of every COPY/ADD from the build context (not --from a stage)."""
    out = []
    for keyword, rest in instructions(dockerfile):
        if keyword not in ("COPY", "ADD"):
            continue
        words = json.loads(rest) if rest.startswith("[") else shlex.split(rest)
        flags = [w for w in words if w.startswith("--")]
        paths = [w for w in words if not w.startswith("--")]
        if any(f.startswith("--from=") for f in flags):
            continue
        out.append((paths[:-1], paths[-1]))
    return out


def ignore_rules(dockerfile: pathlib.Path) -> list[tuple[bool, re.Pattern]]:
    """The Dockerfile's own .dockerignore (BuildKit reads <Dockerfile>.dockerignore beside it),
    as (is_exception, regex) in file order."""
    rules = []
    ignore_file = dockerfile.with_name(dockerfile.name + ".dockerignore")
    for line in ignore_file.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:] if negate else line
        pattern = pattern.strip("/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            elif pattern[i] == "[":
                end = pattern.index("]", i)
                regex, i = regex + pattern[i:end + 1], end + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((negate, re.compile(regex)))
    return rules


def in_context(path: str, rules) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent folders decides."""
    parts = path.strip("/").split("/")
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    included = True
    for negate, regex in rules:
        if any(regex.fullmatch(c) for c in candidates):
            included = negate
    return included


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_dockerfiles_have_no_hadolint_errors(dockerfile):
    result = run(tool("hadolint"), "--no-fail", "--format", "json", str(dockerfile))
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout or "[]")
    errors = [f"{f['line']}: {f['code']} {f['message']}" for f in findings if f["level"] == "error"]
    assert not errors, f"hadolint errors in {dockerfile.relative_to(ROOT)}: {errors}"


def test_hadolint_reports_the_errors_it_is_run_for(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:3.11-slim\nMAINTAINER someone\nWORKDIR relative/dir\n")
    result = run(tool("hadolint"), "--no-fail", "--format", "json", str(bad))
    codes = {f["code"] for f in json.loads(result.stdout) if f["level"] == "error"}
    assert {"DL3000", "DL4000"} <= codes


def test_both_images_are_there():
    assert [p.relative_to(DOCKER).as_posix() for p in DOCKERFILES] == ["ckan/Dockerfile",
                                                                        "solr/Dockerfile"]


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_copied_file_exists_and_reaches_the_build(dockerfile):
    rules = ignore_rules(dockerfile)
    assert copies(dockerfile)
    for sources, _ in copies(dockerfile):
        for source in sources:
            path = ROOT / source
            assert path.exists(), f"{dockerfile.relative_to(ROOT)} copies {source}: not in the checkout"
            files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
            shipped = [f for f in files if in_context(f.relative_to(ROOT).as_posix(), rules)]
            assert shipped, f"{source} is excluded by {dockerfile.name}.dockerignore"
            if path.is_file():
                continue
            for f in files:  # inside a copied folder only caches and compiled files stay out
                rel = f.relative_to(ROOT).as_posix()
                if not re.search(r"(\.mo|\.py[cod])$|/__pycache__/", rel):
                    assert in_context(rel, rules), f"{rel} does not reach the build"


def test_the_build_contexts_leave_out_everything_else():
    for dockerfile in DOCKERFILES:
        rules = ignore_rules(dockerfile)
        for path in (".venv/bin/python", ".git/HEAD", ".local/ckan.ini", "node_modules/x/y.js",
                     "tests/conftest.py", "docker/.env", "docker/secrets/ckan_secret_key",
                     "docker/nginx/certs/privkey.pem", "dev-requirements.txt",
                     "ckanext/minato_plan/i18n/ja/LC_MESSAGES/ckanext-minato_plan.mo"):
            assert not in_context(path, rules), f"{path} would reach the build of {dockerfile}"


# --- the CKAN image: the local setup's files -----------------------------------------------------

def test_ckan_image_installs_the_requirements_file_of_the_local_setup():
    # scripts/install.sh installs dev-requirements.txt, which starts from requirements.txt
    assert "-r requirements.txt" in (ROOT / "dev-requirements.txt").read_text().splitlines()
    sources = [s for sources, _ in copies(CKAN_DOCKERFILE) for s in sources]
    assert "requirements.txt" in sources
    runs = [rest for keyword, rest in instructions(CKAN_DOCKERFILE) if keyword == "RUN"]
    assert any(re.search(r"pip install (.* )?-r requirements\.txt", r) for r in runs)
    assert any(re.search(r"pip install --no-deps \.( |$)", r) for r in runs), \
        "the extension is installed from the checkout"


def test_the_pins_of_requirements_txt_are_not_restated_in_docker():
    pinned = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==", line.strip())
        if match:
            pinned[match.group(1).lower()] = line.strip()
    assert {"ckan", "ckanext-scheming", "ckanext-dcat"} <= set(pinned)
    for path in DOCKER.rglob("*"):
        if not path.is_file() or path.suffix in (".pem",):
            continue
        text = path.read_text(errors="replace").lower()
        for name in pinned:
            assert not re.search(rf"(^|[\s\"']){re.escape(name)}(\[[^\]]*\])?==", text, re.M), \
                f"{path.relative_to(ROOT)} restates the pin of {name}"
    # the entrypoint runs gunicorn: it comes from requirements.txt too
    assert "gunicorn" in pinned
    assert not list(DOCKER.rglob("*requirements*.txt")), "no requirement file of docker's own"


def test_ckan_image_serves_the_local_ini_template_and_wsgi_entry():
    copied = {s: dest for sources, dest in copies(CKAN_DOCKERFILE) for s in sources}
    assert copied["config/ckan.ini.in"] == copied["config/wsgi.py"] == "/srv/app/config/"
    env = " ".join(rest for keyword, rest in instructions(CKAN_DOCKERFILE) if keyword == "ENV")
    assert "CKAN_INI_TEMPLATE=/srv/app/config/ckan.ini.in" in env
    assert "CKAN_HOME=/srv/app" in env
    entrypoint = ENTRYPOINT.read_text()
    assert '--chdir "$CKAN_HOME/config"' in entrypoint and "wsgi:application" in entrypoint
    assert "--worker-class gthread" in entrypoint and "--threads" in entrypoint
    # the HEALTHCHECK asks status_show, the last USER is not root
    assert "/api/3/action/status_show" in (DOCKER / "ckan" / "healthcheck.py").read_text()
    users = [rest for keyword, rest in instructions(CKAN_DOCKERFILE) if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert any(k == "HEALTHCHECK" for k, _ in instructions(CKAN_DOCKERFILE))


def test_the_translation_check_of_the_build_fails_without_compiled_catalogs(tmp_path):
    check = DOCKER / "ckan" / "check_translations.py"
    messages = tmp_path / "ja" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "ckanext-minato_plan.po").write_text('msgid ""\nmsgstr ""\n')
    assert run(sys.executable, str(check), str(tmp_path)).returncode == 1
    (messages / "ckanext-minato_plan.mo").write_bytes(b"\xde\x12\x04\x95")
    assert run(sys.executable, str(check), str(tmp_path)).returncode == 0
    runs = [rest for keyword, rest in instructions(CKAN_DOCKERFILE) if keyword == "RUN"]
    assert any("check-translations" in r for r in runs)


# --- the Solr image: the local configset ---------------------------------------------------------

def test_solr_image_carries_the_configset_of_the_local_solr():
    local_version = re.search(r"^SOLR_VERSION=(\S+)$", (ROOT / "scripts" / "solr.sh").read_text(),
                              re.M).group(1)
    stages = [rest.split() for keyword, rest in instructions(SOLR_DOCKERFILE) if keyword == "FROM"]
    assert stages[0] == [f"solr:{local_version}", "AS", "solr-base"]
    assert stages[-1] == ["solr-base"]   # the image is that Solr, with the files below
    configset = "/opt/solr/server/solr/configsets/ckan/conf"
    copied = {s: dest.rstrip("/") for sources, dest in copies(SOLR_DOCKERFILE) for s in sources}
    # scripts/solr.sh installs tools/solr/conf/* and schema-ja.xml as schema.xml (SOLR_SCHEMA=ja)
    assert copied["tools/solr/conf/"] == configset
    assert copied["tools/solr/schema-ja.xml"] == f"{configset}/schema.xml"
    # the query parser solrconfig.xml names, compiled from the sources scripts/solr.sh compiles
    assert copied["tools/solr/plugins/"] == "/src"
    runs = " ".join(rest for keyword, rest in instructions(SOLR_DOCKERFILE) if keyword == "RUN")
    assert "javac" in runs and "/src/*.java" in runs
    assert "/minato-plan-solr.jar /opt/solr/server/solr-webapp/webapp/WEB-INF/lib/" in " ".join(
        rest for keyword, rest in instructions(SOLR_DOCKERFILE) if keyword == "COPY")
    cmd = json.loads(dict(instructions(SOLR_DOCKERFILE))["CMD"])
    assert cmd == ["solr-precreate", "ckan", configset.rsplit("/conf", 1)[0]]
    # the core CKAN asks for, locally and in compose
    assert re.search(r"^solr_url = http://[^/]+/solr/ckan$", TEMPLATE.read_text(), re.M)
    assert "CKAN_SOLR_URL:-http://solr:8983/solr/ckan}" in COMPOSE.read_text()


def test_the_replication_handler_is_added_to_the_project_solrconfig(tmp_path):
    original = ROOT / "tools" / "solr" / "conf" / "solrconfig.xml"
    config = tmp_path / "solrconfig.xml"
    shutil.copy(original, config)
    script = DOCKER / "solr" / "add-replication-handler.sh"
    handler = DOCKER / "solr" / "replication-handler.xml"
    result = run("bash", str(script), str(config), str(handler))
    assert result.returncode == 0, result.stderr

    def children(root):
        return [(c.tag, c.get("name") or c.get("class")) for c in root]

    before, after = ET.parse(original).getroot(), ET.parse(config).getroot()
    added = [c for c in children(after) if c not in children(before)]
    assert [c for c in children(after) if c in children(before)] == children(before)
    assert added == [("requestHandler", "/replication")]
    replication = after.find("requestHandler[@name='/replication']")
    assert replication.get("class") == "solr.ReplicationHandler"
    leader, follower = replication.find("lst[@name='leader']"), replication.find("lst[@name='follower']")
    assert leader.find("str[@name='enable']").text == "${solr.replication.leader:false}"
    assert follower.find("str[@name='enable']").text == "${solr.replication.follower:false}"
    assert follower.find("str[@name='leaderUrl']").text.endswith("/solr/ckan}")
    once = config.read_text()
    assert run("bash", str(script), str(config), str(handler)).returncode == 0
    assert config.read_text() == once, "a second run changes nothing"
    runs = " ".join(rest for keyword, rest in instructions(SOLR_DOCKERFILE) if keyword == "RUN")
    assert "add-replication-handler.sh /opt/solr/server/solr/configsets/ckan/conf/solrconfig.xml" in runs


# --- compose -------------------------------------------------------------------------------------

def test_compose_file_follows_the_compose_specification():
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_check_catches_a_misspelt_key(tmp_path):
    text = COMPOSE.read_text()
    assert "    deploy:\n      replicas: 2\n" in text
    broken = tmp_path / "compose.yaml"
    broken.write_text(text.replace("    deploy:\n      replicas: 2\n", "    deploy:\n      replica: 2\n"))
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(broken))
    assert result.returncode != 0
    assert "replica" in result.stdout + result.stderr


def test_compose_publishes_only_nginx_and_keeps_the_backend_internal():
    text = COMPOSE.read_text()
    services = re.findall(r"^  ([a-z][a-z-]*):\n", text.split("\nservices:\n", 1)[1].split("\nnetworks:\n")[0], re.M)
    assert {"nginx", "ckan", "worker", "init", "db", "redis", "solr", "solr-follower",
            "solr-proxy"} == set(services)
    assert re.findall(r"^    ports:", text, re.M) == ["    ports:"]
    assert text.index("\n  nginx:\n") < text.index("    ports:") < text.index("\n  init:\n")
    assert re.search(r"^  backend:\n    internal: true$", text, re.M)
    assert re.search(r'^    profiles: \["replicated-search"\]$', text, re.M)


# --- the entrypoint: ini writing -----------------------------------------------------------------

def template_options() -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str
    parser.read(TEMPLATE)
    return parser


def entrypoint(tmp_path: pathlib.Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        "PATH": f"{pathlib.Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHON": sys.executable,
        "CKAN_HOME": str(ROOT),
        "CKAN_INI": str(tmp_path / "etc" / "ckan.ini"),
        "CKAN_INI_TEMPLATE": str(TEMPLATE),
        "CKAN_STORAGE_PATH": str(tmp_path / "storage"),
        "CKAN_WEBASSETS_PATH": str(tmp_path / "webassets"),
    }
    return run("bash", str(ENTRYPOINT), *args, env={**base, **env})


def secret_files(tmp_path: pathlib.Path, **values: str) -> dict[str, str]:
    env = {}
    for name, value in values.items():
        path = tmp_path / "secrets" / name.lower()
        path.parent.mkdir(exist_ok=True)
        path.write_text(value + "\n")
        env[f"{name}_FILE"] = str(path)
    return env


def ckan_config(ini: pathlib.Path) -> dict[str, str]:
    """The settings as CKAN reads them (ckan.cli.load_config), in a clean environment."""
    code = ("import json, sys; from ckan.cli import load_config; "
            "print(json.dumps(load_config(sys.argv[1])))")
    result = run(sys.executable, "-c", code, str(ini), env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


SECRETS = {
    "CKAN_SECRET_KEY": "sk-with-%-and-/+chars",
    "CKAN_API_TOKEN_SECRET": "token-secret",
    "CKAN_DB_PASSWORD": "p@ss:w/rd%41\\x",
    "CKAN_DATASTORE_READONLY_PASSWORD": "read only 'pw\"",
}


def test_the_entrypoint_writes_an_ini_that_ckan_reads(tmp_path):
    result = entrypoint(tmp_path, "config", CKAN_SITE_URL="https://opendata.example.jp/",
                        CKAN_SOLR_URL="http://solr-proxy:8983/solr/ckan",
                        **secret_files(tmp_path, **SECRETS))
    assert result.returncode == 0, result.stderr
    ini = pathlib.Path(result.stdout.strip())
    assert ini == tmp_path / "etc" / "ckan.ini"
    assert stat.S_IMODE(ini.stat().st_mode) == 0o600
    config = ckan_config(ini)

    # every setting of the template that the entrypoint does not own, as the template has it:
    # the plugins, the schemas, DCAT, search, auth and locale settings
    owned = {"SECRET_KEY", "WTF_CSRF_SECRET_KEY", "sqlalchemy.url", "ckan.datastore.write_url",
             "ckan.datastore.read_url", "solr_url", "ckan.redis.url", "ckan.site_url",
             "ckan.storage_path"}
    template = template_options()
    for key, value in template.items("app:main"):
        if key not in owned and key not in template.defaults():
            assert config[key] == value, key
    template_plugins = template.get("app:main", "ckan.plugins").split()
    assert config["ckan.plugins"].split() == template_plugins
    assert {"activity", "dcat", "scheming_datasets", "minato_plan", "structured_data",
            "datastore"} <= set(template_plugins)

    assert config["SECRET_KEY"] == config["WTF_CSRF_SECRET_KEY"] == SECRETS["CKAN_SECRET_KEY"]
    assert config["api_token.jwt.encode.secret"] == "string:token-secret"
    assert config["api_token.jwt.decode.secret"] == "string:token-secret"
    assert config["sqlalchemy.url"] == "postgresql://ckan_default@db:5432/ckan"
    assert config["ckan.datastore.write_url"] == "postgresql://ckan_default@db:5432/datastore"
    assert config["ckan.datastore.read_url"] == "postgresql://datastore_default@db:5432/datastore"
    assert config["solr_url"] == "http://solr-proxy:8983/solr/ckan"
    assert config["ckan.redis.url"] == "redis://redis:6379/0"
    assert config["ckan.site_url"] == "https://opendata.example.jp"
    assert config["ckan.storage_path"] == str(tmp_path / "storage")
    assert config["SESSION_TYPE"] == "redis"
    assert config["SESSION_COOKIE_SECURE"] == config["REMEMBER_COOKIE_SECURE"] == "true"

    # the database passwords, for libpq, with ':' and '\' escaped as pgpass wants
    pgpass = tmp_path / "etc" / "pgpass"
    assert stat.S_IMODE(pgpass.stat().st_mode) == 0o600
    assert pgpass.read_text().splitlines() == [
        "*:*:*:ckan_default:p@ss\\:w/rd%41\\\\x",
        "*:*:*:datastore_default:read only 'pw\"",
    ]
    for password in (SECRETS["CKAN_DB_PASSWORD"], SECRETS["CKAN_DATASTORE_READONLY_PASSWORD"]):
        assert password not in ini.read_text()
    assert (tmp_path / "etc" / "mode").read_text().strip() == "config"


def test_the_entrypoint_takes_cookie_sessions_and_an_extra_ini_file(tmp_path):
    extra = tmp_path / "extra.ini"
    extra.write_text("[app:main]\nckan.site_title = Test portal\nckan.auth.public_user_details = true\n")
    result = entrypoint(tmp_path, "config", CKAN_SITE_URL="http://localhost",
                        CKAN_SESSION_TYPE="cookie", CKAN_INI_EXTRA_FILE=str(extra),
                        CKAN_SITE_ID="portal-b", **secret_files(tmp_path, **SECRETS))
    assert result.returncode == 0, result.stderr
    config = ckan_config(tmp_path / "etc" / "ckan.ini")
    assert config["SESSION_TYPE"] == "cookie"
    assert "SESSION_COOKIE_SECURE" not in config
    assert config["ckan.site_title"] == "Test portal"
    assert config["ckan.auth.public_user_details"] == "true"
    assert config["ckan.site_id"] == "portal-b"


def test_the_entrypoint_configures_outgoing_mail(tmp_path):
    env = {"CKAN_SITE_URL": "http://localhost", "CKAN_SMTP_SERVER": "smtp.example.jp:587",
           "CKAN_SMTP_USER": "portal", **secret_files(tmp_path, **SECRETS, CKAN_SMTP_PASSWORD="m%il")}
    refused = entrypoint(tmp_path, "config", **env)
    assert refused.returncode != 0 and "CKAN_SMTP_MAIL_FROM is not set" in refused.stderr
    result = entrypoint(tmp_path, "config", CKAN_SMTP_MAIL_FROM="opendata@example.jp", **env)
    assert result.returncode == 0, result.stderr
    config = ckan_config(tmp_path / "etc" / "ckan.ini")
    assert (config["smtp.server"], config["smtp.starttls"], config["smtp.user"],
            config["smtp.password"], config["smtp.mail_from"]) == (
        "smtp.example.jp:587", "true", "portal", "m%il", "opendata@example.jp")


@pytest.mark.parametrize("case, env, message", [
    ("no secret key", {"CKAN_SECRET_KEY": None},
     "CKAN_SECRET_KEY is not set (set CKAN_SECRET_KEY, or CKAN_SECRET_KEY_FILE"),
    ("value and file", {"CKAN_SECRET_KEY": "also-plain"},
     "set CKAN_SECRET_KEY or CKAN_SECRET_KEY_FILE, not both"),
    ("no site URL", {"CKAN_SITE_URL": None}, "CKAN_SITE_URL is not set"),
    ("site URL without scheme", {"CKAN_SITE_URL": "opendata.example.jp"},
     "CKAN_SITE_URL must start with http:// or https://"),
    ("% in a CKAN_ variable", {"CKAN_SITE_ID": "site%20b"},
     "CKAN_SITE_ID contains '%'"),
    ("% in a database URL", {"CKAN_SQLALCHEMY_URL": "postgresql://u:p%%40@db/ckan"},
     "a database URL holds '%'"),
    ("unknown session type", {"CKAN_SESSION_TYPE": "filesystem"},
     "CKAN_SESSION_TYPE must be redis or cookie"),
    ("a secret file that is not there", {"CKAN_DB_PASSWORD_FILE": "/nonexistent/pw"},
     "CKAN_DB_PASSWORD_FILE=/nonexistent/pw: no readable file there"),
])
def test_the_entrypoint_refuses_what_ckan_would_fail_on_later(tmp_path, case, env, message):
    full = {"CKAN_SITE_URL": "http://localhost", **secret_files(tmp_path, **SECRETS)}
    for name, value in env.items():
        if value is None:
            full.pop(name, None)
            full.pop(f"{name}_FILE", None)
        else:
            full[name] = value
    result = entrypoint(tmp_path, "config", **full)
    assert result.returncode != 0, case
    assert message in result.stderr, result.stderr
    assert not (tmp_path / "etc" / "ckan.ini").exists(), "no ini is written"


def test_the_entrypoint_leaves_no_placeholder_of_the_template(tmp_path):
    template = tmp_path / "ckan.ini.in"
    template.write_text(TEMPLATE.read_text() + "\n[app:main]\nckan.new_setting = @NEW_THING@\n")
    result = entrypoint(tmp_path, "config", CKAN_SITE_URL="http://localhost",
                        CKAN_INI_TEMPLATE=str(template), **secret_files(tmp_path, **SECRETS))
    assert result.returncode != 0
    assert "@NEW_THING@" in result.stderr


# --- shell scripts -------------------------------------------------------------------------------

@pytest.mark.parametrize("script", SHELL_SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shell_scripts_pass_bash_n_and_shellcheck(script):
    syntax = run("bash", "-n", str(script))
    assert syntax.returncode == 0, syntax.stderr
    lint = run(tool("shellcheck"), "--format=gcc", str(script))
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_the_shell_scripts_are_found_and_shellcheck_reports_problems(tmp_path):
    names = {p.relative_to(DOCKER).as_posix() for p in SHELL_SCRIPTS}
    assert {"ckan/entrypoint.sh", "postgres/init-ckan-databases.sh", "secrets.sh",
            "solr/add-replication-handler.sh", "solr/sync-configset.sh"} <= names
    bad = tmp_path / "bad.sh"
    bad.write_text("#!/usr/bin/env bash\ncd $1\nrm -rf $TARGET/*\n")
    lint = run(tool("shellcheck"), "--format=gcc", str(bad))
    assert lint.returncode != 0 and "SC2086" in lint.stdout


def test_the_scripts_the_images_run_are_executable_in_the_checkout():
    for script in (DOCKER / "postgres" / "init-ckan-databases.sh", DOCKER / "secrets.sh",
                   DOCKER / "solr" / "add-replication-handler.sh", ENTRYPOINT):
        assert os.access(script, os.X_OK), f"{script.relative_to(ROOT)} is not executable"
