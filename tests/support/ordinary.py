"""The portal's ordinary datasets (type ``dataset``), as a ward's existing CKAN holds them:
other departments' organizations, Japanese titles and tags, CSV/GeoJSON/PDF resources, CKAN's
default licences, free-form extras, a maintainer, a private dataset and one without a licence."""
from __future__ import annotations

from typing import Any

from ckan.plugins import toolkit as tk
from ckan.tests import factories

ORGANIZATIONS = (("kankyo-ka", "環境課"), ("bosai-ka", "防災課"))
DATASETS = (
    {"name": "gomi-shushu-bi", "title": "ごみ収集日一覧", "org": "kankyo-ka",
     "license_id": "cc-by", "notes": "地域ごとのごみ収集日。",
     "tags": ["ごみ", "環境"], "extras": [{"key": "更新頻度", "value": "毎年"}],
     "maintainer": "環境課", "maintainer_email": "kankyo@example.jp",
     "resources": [{"name": "収集日（CSV）", "url": "http://example.jp/gomi.csv",
                    "format": "CSV"},
                   {"name": "収集区域", "url": "http://example.jp/gomi.geojson",
                    "format": "GeoJSON"}]},
    {"name": "hinanjo", "title": "避難所一覧", "org": "bosai-ka", "license_id": "cc-zero",
     "notes": "", "tags": ["防災"], "extras": [],
     "resources": [{"name": "避難所（PDF）", "url": "http://example.jp/hinanjo.pdf",
                    "format": "PDF"}]},
    {"name": "bosai-map", "title": "防災マップ", "org": "bosai-ka", "license_id": "notspecified",
     "notes": "防災マップ。", "tags": [], "extras": [{"key": "source", "value": "港区"}],
     "resources": [{"name": "地図", "url": "http://example.jp/map.zip", "format": "ZIP"}]},
    {"name": "kankyo-naibu", "title": "内部資料", "org": "kankyo-ka", "license_id": "cc-by",
     "notes": "非公開。", "tags": [], "extras": [], "private": True, "resources": []},
)


def create() -> dict[str, Any]:
    """Create the organizations (with an editor each) and the datasets; returns
    ``{"orgs": {name: org}, "datasets": {name: dataset}, "editors": {org: user}}``."""
    out: dict[str, Any] = {"orgs": {}, "datasets": {}, "editors": {}}
    for name, title in ORGANIZATIONS:
        editor = factories.User()
        out["orgs"][name] = factories.Organization(
            name=name, title=title, users=[{"name": editor["name"], "capacity": "editor"}])
        out["editors"][name] = editor
    for spec in DATASETS:
        data = {k: v for k, v in spec.items() if k not in ("org", "tags")}
        data["owner_org"] = out["orgs"][spec["org"]]["id"]
        data["tags"] = [{"name": t} for t in spec["tags"]]
        out["datasets"][spec["name"]] = tk.get_action("package_create")(
            {"user": out["editors"][spec["org"]]["name"], "ignore_auth": False}, data)
    return out
