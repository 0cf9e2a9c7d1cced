"""Request bodies over the configured size are refused with 413 before CKAN reads them
(middleware.py): a declared Content-Length at once, without reading a byte; a chunked body after
at most the limit. The answer is JSON under /api/ and a page otherwise, in Japanese and English.
The default keeps CKAN's own file uploads working; the progress upload has its own limit."""
from __future__ import annotations

import io
import json

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from support.progress_csv import build, row
from support.staff import headers, member

pytestmark = pytest.mark.usefixtures("plan_in_place")

MB = 1024 * 1024


class Body:
    """A request body as the server hands it over (``wsgi.input``), counting what is read."""

    def __init__(self, data: bytes = b"", endless: bool = False):
        self.data, self.endless, self.read_bytes = data, endless, 0

    def read(self, size: int = -1) -> bytes:
        if self.endless:
            chunk = b"x" * (64 * 1024 if size is None or size < 0 else min(size, 64 * 1024))
        else:
            start = self.read_bytes
            end = len(self.data) if size is None or size < 0 else start + size
            chunk = self.data[start:end]
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def _call(app, path: str, body: Body, length=None, chunked=False, extra_headers=None):
    environ = EnvironBuilder(path=path, method="POST", headers=extra_headers or {},
                             content_type="application/json").get_environ()
    environ["wsgi.input"] = body
    environ.pop("CONTENT_LENGTH", None)
    if length is not None:
        environ["CONTENT_LENGTH"] = str(length)
    if chunked:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
        environ["wsgi.input_terminated"] = True
    app_iter, status, response_headers = run_wsgi_app(app.flask_app, environ, buffered=True)
    return int(status.split()[0]), dict(response_headers), b"".join(app_iter).decode("utf-8")


def test_an_anonymous_300_mb_json_post_is_refused_before_a_byte_is_read(app):
    body = Body(b'{"name": "x"}')
    status, response_headers, text = _call(app, "/api/3/action/package_create", body,
                                           length=300 * MB)
    assert status == 413 and body.read_bytes == 0
    assert response_headers["Content-Type"].startswith("application/json")
    result = json.loads(text)
    assert result["success"] is False and result["error"]["__type"] == "Request Too Large"
    message = result["error"]["message"]
    assert "送信されたデータが大きすぎます（314,572,800バイト）" in message
    assert "送信できるデータは11,534,336バイトまでです" in message
    assert "The request is too large (314,572,800 bytes)" in message
    assert "at most 11,534,336 bytes" in message


def test_pages_get_a_bilingual_page_in_the_language_of_the_path(app):
    body = Body(b"title=x")
    status, response_headers, text = _call(app, "/dataset/new", body, length=50 * MB)
    assert status == 413 and body.read_bytes == 0
    assert response_headers["Content-Type"].startswith("text/html")
    assert text.index("送信されたデータが大きすぎます") < text.index("Request too large")
    assert "52,428,800バイト" in text and "52,428,800 bytes" in text
    status, _, english = _call(app, "/en/dataset/new", Body(), length=50 * MB)
    assert status == 413 and '<html lang="en">' in english
    assert english.index("Request too large") < english.index("送信されたデータが大きすぎます")


@pytest.mark.ckan_config("ckanext.minato_plan.max_request_bytes", 100_000)
def test_a_chunked_body_is_read_up_to_the_limit_only(app):
    body = Body(endless=True)
    status, _, text = _call(app, "/api/3/action/package_search", body, chunked=True)
    assert status == 413
    assert body.read_bytes <= 100_001
    message = json.loads(text)["error"]["message"]
    assert "送信されたデータが上限を超えています" in message
    assert "The request is larger than the limit" in message


@pytest.mark.ckan_config("ckanext.minato_plan.max_request_bytes", 100_000)
def test_a_chunked_body_within_the_limit_reaches_ckan(app):
    body = Body(json.dumps({"q": "*:*", "rows": 0, "fq": "dataset_type:initiative"}).encode())
    status, _, text = _call(app, "/api/3/action/package_search", body, chunked=True)
    assert status == 200, text
    assert json.loads(text)["result"]["count"] == 39


@pytest.mark.ckan_config("ckan.max_resource_size", 2)
def test_the_default_follows_ckans_largest_upload(app):
    limit = 2 * MB + MB
    status, _, text = _call(app, "/api/3/action/resource_create", Body(), length=limit + 1)
    assert status == 413 and f"{limit:,}" in text
    status, _, _ = _call(app, "/api/3/action/resource_create", Body(b"{}"), length=limit)
    assert status != 413


def test_a_resource_file_within_ckans_limit_uploads(app):
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    dataset = factories.Dataset(owner_org=org["id"], user=user)
    data = b"a,b\r\n" + b"1,2\r\n" * (6 * MB // 5)  # 6 MB, within ckan.max_resource_size (10)
    response = app.post("/api/3/action/resource_create", headers=headers(user), data={
        "package_id": dataset["id"], "name": "大きな表", "url": "big.csv",
        "upload": (io.BytesIO(data), "big.csv")})
    assert response.status_code == 200, response.body[:500]
    resource = json.loads(response.body)["result"]
    assert resource["url_type"] == "upload" and resource["size"] == len(data)


# --- the progress upload: its own limit --------------------------------------------------------

def test_the_upload_form_is_capped_at_its_file_limit(app):
    body = Body(b"--x--")
    status, _, text = _call(app, "/initiative-progress/upload", body,
                            length=1_000_000 + 64 * 1024 + 1)
    assert status == 413 and body.read_bytes == 0
    assert "アップロードできる進捗CSVは1,000,000バイトまでです" in text
    assert "A progress CSV upload is limited to 1,000,000 bytes" in text
    status, _, english = _call(app, "/en/initiative-progress/upload", Body(), length=2 * MB)
    assert status == 413 and english.index("Request too large") < english.index("送信された")


def test_a_file_over_the_limit_gets_413_from_the_form_and_a_preview_just_over_it(app):
    editor = member("editor")
    big = build([row(1, 2021, summary_ja="あ" * 3000)] * 150)  # about 1.4 MB
    assert len(big) > 1_000_000 + 64 * 1024
    response = app.post("/initiative-progress/upload", headers=headers(editor),
                        data={"upload": (io.BytesIO(big), "big.csv")}, follow_redirects=False)
    assert response.status_code == 413 and "1,000,000バイトまで" in response.body
    # just over the file limit: the request passes, the preview says why the file is refused
    response = app.post("/initiative-progress/upload", headers=headers(editor),
                        data={"upload": (io.BytesIO(b"x" * 1_000_001), "big.csv")},
                        follow_redirects=False)
    assert response.status_code == 302


def test_the_upload_api_allows_json_escaped_csv_text(app):
    editor = member("editor")
    text = build([row(1, 2021, summary_ja="あ" * 3000)] * 80).decode("utf-8-sig")
    body = json.dumps({"csv": text})  # \\uXXXX escapes: about twice the CSV's UTF-8 size
    assert len(text.encode("utf-8")) < 1_000_000 < len(body)
    response = app.post("/api/3/action/minato_plan_progress_upload_preview", data=body,
                        headers={**headers(editor), "Content-Type": "application/json"})
    assert response.status_code == 200, response.body[:300]
    assert json.loads(response.body)["result"]["data_rows"] == 80
    status, _, _ = _call(app, "/api/3/action/minato_plan_progress_upload_preview", Body(),
                         length=2 * 1_000_000 + 64 * 1024 + 1)
    assert status == 413


def test_ordinary_requests_are_untouched(app):
    assert app.get("/dataset/").status_code == 200
    response = app.post("/api/3/action/package_search", data=json.dumps({"rows": 0}),
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert tk.get_action("package_search")({}, {"rows": 0})["count"] >= 40
