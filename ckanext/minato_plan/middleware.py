"""Request size limits, applied before CKAN reads a request (``IMiddleware``).

A body declared larger than the limit (``Content-Length``) is refused with 413 at once, without
reading a byte of it; a body sent without a length (``Transfer-Encoding: chunked``) is read up to
the limit only, into a temporary file that CKAN then reads instead. The progress upload has its
own, smaller limit (``upload.max_bytes`` plus the form around the file). The answer is JSON under
``/api/`` (as CKAN's API errors are) and a small page otherwise, in Japanese and English.

Responses, on the way out (:class:`CompressAndCache`): text (pages, CSS, JavaScript, JSON, CSV,
RDF, SVG) of at least ``compress.min_bytes`` is gzip-compressed for a client that accepts it,
streamed (downloads stay streamed), with ``Vary: Accept-Encoding``, at ``compress.level``; CKAN's
fingerprinted webassets (``/webassets/<library>/<hash>_<name>``, a new name whenever the content
changes) are cached by browsers for ``assets.max_age`` seconds, ``immutable``, and compressed at
the smallest level once per process (their bytes never change under one name).
"""
from __future__ import annotations

import html
import json
import re
import tempfile
import zlib
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


#: Media types worth compressing (images, fonts other than SVG and archives are compressed
#: already).
_COMPRESSIBLE = re.compile(
    r"^(text/(?!event-stream)|application/(javascript|x-javascript|ecmascript|json|xml|"
    r"n-triples|n-quads|trig|[a-z0-9.+-]+\+(json|xml))|image/svg\+xml)", re.IGNORECASE)
#: A webasset whose file name carries its content hash (webassets' ``%(version)s_``).
_FINGERPRINTED = re.compile(r"/[^/]+/[0-9a-f]{8,}_[^/]+\.(css|js)$")


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` value admits gzip (``gzip`` or ``*`` with q > 0, and
    gzip not refused with q=0)."""
    weights = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name:
            weights[name.strip()] = q
    if "gzip" in weights:
        return weights["gzip"] > 0
    return weights.get("*", 0) > 0


def _header(headers: list[tuple[str, str]], name: str) -> Optional[str]:
    name = name.lower()
    return next((v for k, v in headers if k.lower() == name), None)


def _without(headers: list[tuple[str, str]], *names: str) -> list[tuple[str, str]]:
    drop = {n.lower() for n in names}
    return [(k, v) for k, v in headers if k.lower() not in drop]


def _add_vary(headers: list[tuple[str, str]], value: str) -> list[tuple[str, str]]:
    vary = _header(headers, "Vary")
    if vary is None:
        return headers + [("Vary", value)]
    if value.lower() in (v.strip().lower() for v in vary.split(",")) or vary.strip() == "*":
        return headers
    return _without(headers, "Vary") + [("Vary", f"{vary}, {value}")]


#: gzip level of fingerprinted webassets, compressed once per process and then served from memory.
_ASSET_LEVEL = 9
#: Fingerprinted webassets kept compressed (a portal's pages use a few dozen).
_ASSET_CACHE_ENTRIES = 256


class CompressAndCache:
    """WSGI middleware compressing text responses with gzip and giving fingerprinted webassets
    a long browser cache lifetime (module docstring). Options are read per request."""

    def __init__(self, app: Callable):
        self.app = app
        self._gzipped_assets: dict[str, bytes] = {}

    @staticmethod
    def _fingerprinted(environ: dict[str, Any]) -> bool:
        path = environ.get("PATH_INFO") or ""
        prefix = config.webassets_url()
        return path.startswith(prefix + "/") and bool(_FINGERPRINTED.search(path[len(prefix):]))

    @staticmethod
    def _cache_headers(status: str, headers: list[tuple[str, str]],
                       asset: bool) -> list[tuple[str, str]]:
        max_age = config.asset_max_age()
        if max_age > 0 and status[:3] in ("200", "304") and asset:
            return _without(headers, "Cache-Control", "Expires", "Pragma") + [
                ("Cache-Control", f"public, max-age={max_age}, immutable")]
        return headers

    def _compress(self, environ: dict[str, Any], status: str,
                  headers: list[tuple[str, str]]) -> tuple[bool, list[tuple[str, str]]]:
        """Whether to compress this response, and its headers."""
        content_type = _header(headers, "Content-Type") or ""
        if (status[:3] != "200" or not _COMPRESSIBLE.match(content_type)
                or environ.get("REQUEST_METHOD") == "HEAD" or "HTTP_RANGE" in environ
                or _header(headers, "Content-Encoding") or _header(headers, "X-Sendfile")
                or "no-transform" in (_header(headers, "Cache-Control") or "").lower()):
            return False, headers
        length = _header(headers, "Content-Length")
        min_bytes = config.compress_min_bytes()
        if min_bytes <= 0 or (length is not None and length.isdigit()
                              and int(length) < min_bytes):
            return False, headers
        headers = _add_vary(headers, "Accept-Encoding")
        if not accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING") or ""):
            return False, headers
        etag = _header(headers, "ETag")
        headers = _without(headers, "Content-Length", "ETag", "Content-MD5", "Accept-Ranges")
        if etag:  # the compressed bytes differ: a weak validator of the same content
            headers.append(("ETag", etag if etag.startswith("W/") else "W/" + etag))
        return True, headers + [("Content-Encoding", "gzip")]

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        state: dict[str, bool] = {"asset": self._fingerprinted(environ)}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            headers = self._cache_headers(status, list(headers), state["asset"])
            state["gzip"], headers = self._compress(environ, status, headers)
            return start_response(status, headers, exc_info)

        app_iter = self.app(environ, capture)
        if "gzip" in state and not state["gzip"]:
            return app_iter
        if state.get("gzip") and state.get("asset"):
            return [self._gzipped_asset(environ.get("PATH_INFO") or "", app_iter)]
        return self._body(app_iter, state)

    def _gzipped_asset(self, path: str, app_iter: Iterable[bytes]) -> bytes:
        """A fingerprinted webasset's body at the smallest gzip level, compressed on its first
        request only."""
        try:
            cached = self._gzipped_assets.get(path)
            if cached is None:
                compressor = zlib.compressobj(_ASSET_LEVEL, zlib.DEFLATED, 31)
                cached = b"".join(compressor.compress(chunk) for chunk in app_iter)
                cached += compressor.flush()
                if len(self._gzipped_assets) >= _ASSET_CACHE_ENTRIES:
                    self._gzipped_assets.clear()
                self._gzipped_assets[path] = cached
            return cached
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()

    @staticmethod
    def _body(app_iter: Iterable[bytes], state: dict[str, bool]) -> Iterable[bytes]:
        compressor = None
        level = config.compress_level() if state.get("gzip") else 0
        try:
            for chunk in app_iter:
                if not state.get("gzip"):
                    yield chunk
                    continue
                if compressor is None:
                    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: gzip container
                data = compressor.compress(chunk)
                if data:
                    yield data
            if state.get("gzip"):
                yield (compressor or zlib.compressobj(level, zlib.DEFLATED, 31)).flush()
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()


def compress_and_cache(app: Any) -> Any:
    """``app`` (CKAN's Flask application) with :class:`CompressAndCache` in front of it."""
    if hasattr(app, "wsgi_app"):
        app.wsgi_app = CompressAndCache(app.wsgi_app)
        return app
    return CompressAndCache(app)
