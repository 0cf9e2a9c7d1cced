"""Request size limits, applied before CKAN reads a request (``IMiddleware``).

A body declared larger than the limit (``Content-Length``) is refused with 413 at once, without
reading a byte of it; a body sent without a length (``Transfer-Encoding: chunked``) is read up to
the limit only, into a temporary file that CKAN then reads instead. The progress upload has its
own, smaller limit (``upload.max_bytes`` plus the form around the file). The answer is JSON under
``/api/`` (as CKAN's API errors are) and a small page otherwise, in Japanese and English.
"""
from __future__ import annotations

import html
import json
import re
import tempfile
from typing import Any, Callable, Iterable, Optional

from . import config

#: The progress upload form, with or without a language prefix (/en/…) or a root path.
UPLOAD_FORM = re.compile(r"/initiative-progress/upload/?$")
#: The progress upload action of the API (/api/action/…, /api/3/action/…).
UPLOAD_ACTION = re.compile(r"/api/(?:[0-9]+/)?action/minato_plan_progress_upload_preview/?$")
_CHUNK = 64 * 1024
_SPOOL_IN_MEMORY = 1024 * 1024


def _limits(path: str) -> tuple[int, Optional[int]]:
    """The largest body accepted at ``path``, and the file limit it derives from (for the
    message), if any."""
    if UPLOAD_FORM.search(path):
        return config.max_upload_request_bytes(api=False), config.upload_limits().max_bytes
    if UPLOAD_ACTION.search(path):
        return config.max_upload_request_bytes(api=True), config.upload_limits().max_bytes
    return config.max_request_bytes(), None


def _messages(length: Optional[int], limit: int, file_limit: Optional[int]) -> tuple[str, str]:
    if file_limit is not None:
        ja = (f"アップロードできる進捗CSVは{file_limit:,}バイトまでです（リクエスト全体で上限"
              f"{limit:,}バイト）。")
        en = (f"A progress CSV upload is limited to {file_limit:,} bytes (at most {limit:,} "
              f"bytes for the whole request).")
    else:
        ja, en = (f"送信できるデータは{limit:,}バイトまでです。",
                  f"A request may carry at most {limit:,} bytes.")
    if length is None:
        ja = "送信されたデータが上限を超えています。" + ja
        en = "The request is larger than the limit. " + en
    else:
        ja = f"送信されたデータが大きすぎます（{length:,}バイト）。" + ja
        en = f"The request is too large ({length:,} bytes). " + en
    return (ja + "ファイルを小さくするか、分けて送信してください。",
            en + " Send a smaller file, or split it.")


def _refusal(environ: dict[str, Any], start_response: Callable, length: Optional[int],
             limit: int, file_limit: Optional[int]) -> Iterable[bytes]:
    ja, en = _messages(length, limit, file_limit)
    path = environ.get("PATH_INFO") or ""
    if "/api/" in path:
        body = json.dumps({"help": "", "success": False, "error": {
            "__type": "Request Too Large", "message": f"{ja} / {en}"}},
            ensure_ascii=False).encode("utf-8")
        content_type = "application/json;charset=utf-8"
    else:
        english_first = path.startswith("/en/")
        first, second = (("en", en), ("ja", ja)) if english_first else (("ja", ja), ("en", en))
        titles = {"ja": "送信されたデータが大きすぎます", "en": "Request too large"}
        body = (
            f'<!DOCTYPE html>\n<html lang="{first[0]}"><head><meta charset="utf-8">'
            f"<title>413 {html.escape(titles[first[0]])}</title></head><body>"
            f"<h1>{html.escape(titles[first[0]])}</h1><p>{html.escape(first[1])}</p>"
            f'<h2 lang="{second[0]}">{html.escape(titles[second[0]])}</h2>'
            f'<p lang="{second[0]}">{html.escape(second[1])}</p></body></html>\n'
        ).encode("utf-8")
        content_type = "text/html; charset=utf-8"
    # The unread body stays on the connection: the server closes it after this answer.
    start_response("413 Request Entity Too Large", [
        ("Content-Type", content_type), ("Content-Length", str(len(body))),
        ("Connection", "close")])
    return [body]


def _read_capped(stream: Any, limit: int) -> Optional[Any]:
    """The body of unknown length, at most ``limit`` bytes of it, in a temporary file at its
    start; None when there is more."""
    spooled = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)
    size = 0
    while True:
        chunk = stream.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            spooled.close()
            return None
        spooled.write(chunk)
    spooled.seek(0)
    return spooled


def _body_without_length(environ: dict[str, Any]) -> bool:
    """Whether the request carries a body of unknown length: chunked, or one the server
    delimits itself (``wsgi.input_terminated``) on a method that sends a body."""
    if "chunked" in (environ.get("HTTP_TRANSFER_ENCODING") or "").lower():
        return True
    return bool(environ.get("wsgi.input_terminated")) \
        and environ.get("REQUEST_METHOD") in ("POST", "PUT", "PATCH")


class RequestSizeLimit:
    """WSGI middleware refusing request bodies over the configured size with 413, before the
    application reads them. Limits are read per request (``config.max_request_bytes``)."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        limit, file_limit = _limits(environ.get("PATH_INFO") or "")
        declared = (environ.get("CONTENT_LENGTH") or "").strip()
        if declared:
            try:
                length = int(declared)
            except ValueError:
                length = None
            if length is not None and length > limit:
                return _refusal(environ, start_response, length, limit, file_limit)
        elif _body_without_length(environ):
            body = _read_capped(environ["wsgi.input"], limit)
            if body is None:
                return _refusal(environ, start_response, None, limit, file_limit)
            size = body.seek(0, 2)
            body.seek(0)
            environ["wsgi.input"] = body
            environ["CONTENT_LENGTH"] = str(size)
            environ["wsgi.input_terminated"] = True
        return self.app(environ, start_response)


def limit_request_size(app: Any) -> Any:
    """``app`` (CKAN's Flask application) with :class:`RequestSizeLimit` in front of it."""
    if hasattr(app, "wsgi_app"):
        app.wsgi_app = RequestSizeLimit(app.wsgi_app)
        return app
    return RequestSizeLimit(app)
