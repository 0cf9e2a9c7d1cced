"""Which errors are outages: real errors of the real drivers (a closed port refuses the
connection; the running PostgreSQL, Redis and Solr give the errors that are not outages; a relay
in front of the real Solr cuts its answers off, as when the Solr node answering dies)."""
from __future__ import annotations

import contextlib
from typing import Iterator
from urllib.parse import urlsplit

import psycopg2
import pysolr
import pytest
import redis
import sqlalchemy as sa

import ckan.model as model
from ckan.lib.redis import connect_to_redis
from ckan.lib.search.common import SearchQueryError, make_connection
from ckan.plugins import toolkit as tk

from ckanext.minato_plan.logic.services import ServiceUnavailable, unavailable_service

from support.outages import CLOSED
from support.relay import Relay

pytestmark = pytest.mark.usefixtures("with_plugins")


def _raised(call) -> BaseException:
    try:
        call()
    except BaseException as err:  # noqa: B902 (the error is the test's subject)
        return err
    raise AssertionError("no error raised")


def test_connection_refused_by_each_service_is_an_outage_of_that_service():
    host, port = CLOSED.split(":")
    solr = _raised(lambda: pysolr.Solr(f"http://{CLOSED}/solr/ckan", timeout=5).search("*:*"))
    assert unavailable_service(solr) == "search"
    cache = _raised(lambda: redis.Redis(host=host, port=int(port)).ping())
    assert unavailable_service(cache) == "storage"
    driver = _raised(lambda: psycopg2.connect(host=host, port=int(port), dbname="ckan"))
    assert unavailable_service(driver) == "database"
    engine = sa.create_engine(f"postgresql://ckan_default:x@{CLOSED}/ckan")
    wrapped = _raised(lambda: engine.connect())
    engine.dispose()
    assert isinstance(wrapped, sa.exc.OperationalError)
    assert unavailable_service(wrapped) == "database"


def test_ckan_re_raised_solr_errors_keep_their_cause(monkeypatch):
    monkeypatch.setitem(tk.config, "solr_url", f"http://{CLOSED}/solr/ckan")
    err = _raised(lambda: tk.get_action("package_search")({}, {"q": "*:*"}))
    assert isinstance(err, ServiceUnavailable) and err.service == "search"
    assert "検索サービス" in str(err) and "search service" in str(err)
    assert CLOSED not in str(err) and "solr" not in str(err).lower()


def test_errors_of_running_services_are_not_outages():
    query = _raised(lambda: tk.get_action("package_search")({}, {"q": "{!lucene}x"}))
    assert not isinstance(query, ServiceUnavailable)
    assert unavailable_service(query) is None
    syntax = _raised(lambda: make_connection().search("title:("))
    assert "HTTP 400" in str(syntax) and unavailable_service(syntax) is None
    command = _raised(lambda: connect_to_redis().execute_command("NO-SUCH-COMMAND"))
    assert isinstance(command, redis.exceptions.ResponseError)
    assert unavailable_service(command) is None
    cancelled = _raised(lambda: model.Session.execute(sa.text(
        "SET LOCAL statement_timeout = 1; SELECT pg_sleep(1)")))
    model.Session.rollback()
    assert isinstance(cancelled, sa.exc.OperationalError)  # QueryCanceled is an OperationalError
    assert unavailable_service(cancelled) is None
    sql = _raised(lambda: model.Session.execute(sa.text("SELEC 1")))
    model.Session.rollback()
    assert isinstance(sql, sa.exc.ProgrammingError) and unavailable_service(sql) is None
    assert unavailable_service(SearchQueryError("Invalid sort")) is None
    assert unavailable_service(ValueError("anything else")) is None


@contextlib.contextmanager
def _cutting(cut: int) -> Iterator[Relay]:
    """The portal's Solr behind a relay that cuts off the first ``cut`` answers; the portal is
    pointed back at Solr before the relay closes (CKAN's fixtures check Solr at teardown)."""
    url = urlsplit(tk.config["solr_url"])
    with Relay(url.hostname, url.port, cut=cut) as relay:
        tk.config["solr_url"] = f"http://127.0.0.1:{relay.port}{url.path}"
        try:
            yield relay
        finally:
            tk.config["solr_url"] = url.geturl()


def test_a_search_whose_answer_is_cut_off_once_is_asked_again():
    expected = tk.get_action("package_search")({}, {"q": "*:*", "rows": 1000})
    with _cutting(1) as relay:
        result = tk.get_action("package_search")({}, {"q": "*:*", "rows": 1000})
    assert relay.cut_off == 1 and relay.connections == 2
    assert result["count"] == expected["count"]
    assert [d["id"] for d in result["results"]] == [d["id"] for d in expected["results"]]


def test_a_search_whose_answers_are_always_cut_off_is_a_search_outage():
    with _cutting(100) as relay:
        err = _raised(lambda: tk.get_action("package_search")({}, {"q": "*:*"}))
    assert isinstance(err, ServiceUnavailable) and err.service == "search"
    assert relay.cut_off == 2  # asked once more, not again and again
    assert "search service" in str(err) and str(relay.port) not in str(err)


def test_a_page_whose_search_is_always_cut_off_answers_503(app):
    with _cutting(100) as relay:
        page = app.get("/en/dataset/")
        api = app.get("/api/3/action/package_search?q=*:*")
    assert page.status_code == 503 and "search service" in page.body
    assert api.status_code == 503 and api.get_json()["error"]["service"] == "search"
    assert "Traceback" not in page.body and str(relay.port) not in page.body + api.body
