"""Server-side store of progress-upload previews (Redis), by a random token that expires.

The apply step reads the preview back by its token, so no value is taken from the browser
without being validated again.
"""
from __future__ import annotations

import contextlib
import json
import secrets
import time
from typing import Any, Iterator

from ckan.plugins import toolkit as tk

from .. import config

STORE_PREFIX = "minato_plan:progress_upload:"


def _redis():
    from ckan.lib.redis import connect_to_redis
    return connect_to_redis()


def store(token: str, record: dict[str, Any]) -> None:
    _redis().setex(STORE_PREFIX + token, config.upload_limits().expiry,
                   json.dumps(record, ensure_ascii=False, default=str))


def load(token: Any) -> dict[str, Any]:
    if not isinstance(token, str) or not token or len(token) > 100:
        raise tk.ObjectNotFound("アップロードが見つかりません。 / Upload not found.")
    raw = _redis().get(STORE_PREFIX + token)
    if raw is None:
        raise tk.ObjectNotFound(
            "このアップロードは見つからないか、有効期限が切れています。もう一度アップロードして"
            "ください。 / This upload does not exist or has expired. Please upload the file "
            "again.")
    return json.loads(raw)


LOCK_SECONDS = 300
WAIT_SECONDS = 30


@contextlib.contextmanager
def applying(token: str) -> Iterator[bool]:
    """Hold the apply lock of an upload; ``False`` when another request still holds it after
    :data:`WAIT_SECONDS` (a double submission waits for the first one instead of racing it)."""
    key = STORE_PREFIX + token + ":lock"
    connection = _redis()
    owner = secrets.token_hex(8)
    deadline = time.monotonic() + WAIT_SECONDS
    while not connection.set(key, owner, nx=True, ex=LOCK_SECONDS):
        if time.monotonic() > deadline:
            yield False
            return
        time.sleep(0.2)
    try:
        yield True
    finally:
        if connection.get(key) in (owner, owner.encode()):
            connection.delete(key)
