"""Server-side store of progress-upload previews (Redis), by a random token that expires.

The apply step reads the preview back by its token, so no value is taken from the browser
without being validated again. When Redis cannot be reached, :class:`.services.ServiceUnavailable`
(the storage service) is raised.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from ckan.plugins import toolkit as tk

from .. import config
from .services import storage_service

log = logging.getLogger(__name__)

STORE_PREFIX = "minato_plan:progress_upload:"


def _redis():
    from ckan.lib.redis import connect_to_redis
    return connect_to_redis()


def store(token: str, record: dict[str, Any]) -> None:
    with storage_service():
        _redis().setex(STORE_PREFIX + token, config.upload_limits().expiry,
                       json.dumps(record, ensure_ascii=False, default=str))


def load(token: Any) -> dict[str, Any]:
    if not isinstance(token, str) or not token or len(token) > 100:
        raise tk.ObjectNotFound("アップロードが見つかりません。 / Upload not found.")
    with storage_service():
        raw = _redis().get(STORE_PREFIX + token)
    if raw is None:
        raise tk.ObjectNotFound(
            "このアップロードは見つからないか、有効期限が切れています。もう一度アップロードして"
            "ください。 / This upload does not exist or has expired. Please upload the file "
            "again.")
    return json.loads(raw)

