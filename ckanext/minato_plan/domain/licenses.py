"""The licences the portal offers (CKAN's ``licenses_group_url``).

The list is a package resource, ``data/licenses.json``: CC BY 4.0
(the plan's data licence, compatible with the Government of Japan Standard Terms of Use 2.0),
CC0 1.0, and "not specified". The plugin points ``licenses_group_url`` at it unless the site
configures its own list.
"""
from __future__ import annotations

import json
from importlib import resources
from typing import Any

def _path():
    return resources.files("ckanext.minato_plan").joinpath("data/licenses.json")


def file_url() -> str:
    """``file:///…/data/licenses.json``, the form ``licenses_group_url`` accepts for files."""
    with resources.as_file(_path()) as path:
        return "file://" + str(path)


def licenses() -> list[dict[str, Any]]:
    return json.loads(_path().read_text(encoding="utf-8"))
