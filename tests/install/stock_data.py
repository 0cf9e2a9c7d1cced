"""The ordinary datasets of the "existing" portal: what a ward's stock CKAN 2.12 already holds
before the extension is added. Created over HTTP through CKAN's stock Action API (a sysadmin's
API token), so nothing of this project is involved in making them."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

ORGANIZATIONS = [
    {"name": "minato-somu", "title": "港区 総務部",
     "description": "港区総務部が公開するデータ。"},
    {"name": "minato-kankyo", "title": "港区 環境リサイクル支援部",
     "description": "ごみ・リサイクル・環境に関するデータ。"},
]

GROUPS = [
    {"name": "kurashi", "title": "暮らし・防災", "description": "暮らしと防災のデータ。"},
]

DATASETS = [
    {
        "name": "minato-aed",
        "title": "港区AED設置場所一覧",
        "notes": "区内公共施設のAED（自動体外式除細動器）の設置場所です。毎月更新します。",
        "owner_org": "minato-somu",
        "license_id": "cc-by",
        "tags": [{"name": "AED"}, {"name": "防災"}, {"name": "医療"}],
        "groups": [{"name": "kurashi"}],
        "extras": [{"key": "更新頻度", "value": "毎月"},
                   {"key": "contact_section", "value": "防災課 防災係"}],
        "resources": [
            {"name": "AED設置場所（CSV）", "format": "CSV",
             "url": "https://www.city.minato.tokyo.jp/opendata/aed.csv",
             "description": "施設名、住所、緯度、経度、設置場所"},
        ],
    },
    {
        "name": "minato-population",
        "title": "港区の人口（町丁目別・年齢別）",
        "notes": "住民基本台帳による町丁目別、年齢別の人口です。",
        "owner_org": "minato-somu",
        "license_id": "cc-by",
        "tags": [{"name": "人口"}, {"name": "統計"}],
        "extras": [{"key": "source", "value": "住民基本台帳"},
                   {"key": "spatial_text", "value": "東京都港区"}],
        "resources": [
            {"name": "人口（CSV）", "format": "CSV",
             "url": "https://www.city.minato.tokyo.jp/opendata/population.csv"},
            {"name": "人口（JSON）", "format": "JSON",
             "url": "https://www.city.minato.tokyo.jp/opendata/population.json"},
        ],
    },
    {
        "name": "minato-gomi-internal",
        "title": "ごみ収集日（庁内確認用）",
        "notes": "公開前の確認用データセット（非公開）。",
        "owner_org": "minato-kankyo",
        "private": True,
        "license_id": "cc-by",
        "tags": [{"name": "ごみ"}],
        "extras": [{"key": "確認状況", "value": "確認中"}],
        "resources": [
            {"name": "収集日（CSV）", "format": "CSV",
             "url": "https://www.city.minato.tokyo.jp/opendata/gomi.csv"},
        ],
    },
]

PRIVATE = {d["name"] for d in DATASETS if d.get("private")}
EXTRAS = {d["name"]: {e["key"]: e["value"] for e in d["extras"]} for d in DATASETS}


def call(site: str, action: str, data: dict[str, Any] | None = None,
         token: str | None = None, timeout: float = 60) -> Any:
    """POSTs (or GETs, without data) a stock Action API call; returns its result or raises
    RuntimeError with CKAN's error."""
    url = f"{site}/api/3/action/{action}"
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = token
    body = json.dumps(data).encode("utf-8") if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)["result"]
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{action} -> HTTP {exc.code}: "
                           f"{exc.read().decode('utf-8', 'replace')[:2000]}") from None


def create_all(site: str, token: str) -> dict[str, dict[str, Any]]:
    """Creates the organizations, the group and the datasets; returns the datasets by name, as
    package_create returned them."""
    for org in ORGANIZATIONS:
        call(site, "organization_create", org, token)
    for group in GROUPS:
        call(site, "group_create", group, token)
    return {d["name"]: call(site, "package_create", d, token) for d in DATASETS}
