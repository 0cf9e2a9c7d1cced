"""Real outages of one service for the test process, without touching the shared services: the
portal is pointed at a closed local port (nothing listens on 127.0.0.1:1), so every connection
is refused exactly as when the service is stopped, and pointed back afterwards.

- :func:`search`: ``solr_url`` (CKAN builds its Solr connection from the config at every call);
- :func:`storage`: ``ckan.redis.url``, and CKAN's cached Redis connection pool reset on the way
  in and out;
- :func:`database`: the SQLAlchemy session bound to an engine on the closed port, then to the
  site's engine again;
- :func:`datastore_database`: the DataStore's read URL (its engines are made per URL).
"""
from __future__ import annotations

import contextlib
from typing import Iterator

import sqlalchemy as sa

import ckan.lib.redis as ckan_redis
import ckan.model as model
from ckan.common import config

CLOSED = "127.0.0.1:1"
#: What no answer may show: the services' host and ports, Solr's path, the drivers' errors.
LEAKS = ("127.0.0.1", "port 1 ", "8983", "6380", "5433", "solr/", "Connection refused",
         "Traceback")


@contextlib.contextmanager
def _config(key: str, value: str) -> Iterator[None]:
    missing = object()
    before = config.get(key, missing)
    config[key] = value
    try:
        yield
    finally:
        if before is missing:
            config.pop(key, None)
        else:
            config[key] = before


def _reset_redis_pool() -> None:
    pool = ckan_redis._connection_pool
    ckan_redis._connection_pool = None
    if pool is not None:
        pool.disconnect()


@contextlib.contextmanager
def search() -> Iterator[None]:
    with _config("solr_url", f"http://{CLOSED}/solr/ckan"):
        yield


@contextlib.contextmanager
def storage() -> Iterator[None]:
    _reset_redis_pool()
    try:
        with _config("ckan.redis.url", f"redis://{CLOSED}/0"):
            yield
    finally:
        _reset_redis_pool()


@contextlib.contextmanager
def database() -> Iterator[None]:
    site_engine = model.Session.session_factory.kw.get("bind") or model.meta.engine
    closed = sa.create_engine(f"postgresql://ckan_default:ckan_default@{CLOSED}/ckan")
    model.Session.remove()
    model.Session.configure(bind=closed)
    try:
        yield
    finally:
        model.Session.remove()
        model.Session.configure(bind=site_engine)
        closed.dispose()


@contextlib.contextmanager
def datastore_database() -> Iterator[None]:
    with _config("ckan.datastore.read_url",
                 f"postgresql://datastore_default:datastore_default@{CLOSED}/datastore"):
        yield


def leaks(body: str) -> list[str]:
    """The internal addresses and traces ``body`` shows (none expected)."""
    return [leak for leak in LEAKS if leak in body]
