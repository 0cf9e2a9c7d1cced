"""HEALTHCHECK of the CKAN image: exit 0 when the container does its job.

- ``web``: ``/api/3/action/status_show`` answers ``"success": true`` on the container's own port.
- ``worker``: an RQ worker of this container (same host name) is registered in Redis; RQ drops a
  worker whose heartbeat stops.
- any other mode (``init``, a one-off command): nothing to watch.

The mode is the one the entrypoint wrote beside the ini ($CKAN_INI's folder, file ``mode``).
"""
from __future__ import annotations

import configparser
import json
import os
import pathlib
import socket
import sys
import urllib.request


def web() -> int:
    port = os.environ.get("CKAN_PORT", "5000")
    url = f"http://127.0.0.1:{port}/api/3/action/status_show"
    with urllib.request.urlopen(url, timeout=8) as response:
        body = json.load(response)
    if not body.get("success"):
        print(f"{url}: {body}", file=sys.stderr)
        return 1
    return 0


def worker(ini: pathlib.Path) -> int:
    import redis
    from rq import Worker

    parser = configparser.RawConfigParser(strict=False)
    parser.read(ini)
    url = parser.get("app:main", "ckan.redis.url").replace("%%", "%")
    connection = redis.Redis.from_url(url, socket_timeout=5)
    host = socket.gethostname()
    mine = [w.name for w in Worker.all(connection=connection) if w.hostname == host]
    if not mine:
        print(f"no RQ worker of host {host} is registered", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    ini = pathlib.Path(os.environ.get("CKAN_INI", "/etc/ckan/ckan.ini"))
    try:
        mode = (ini.parent / "mode").read_text().strip()
    except OSError:
        print("the entrypoint has not written the configuration yet", file=sys.stderr)
        return 1
    try:
        if mode == "web":
            return web()
        if mode == "worker":
            return worker(ini)
    except Exception as err:  # any failure to answer is unhealthy
        print(f"{mode}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
