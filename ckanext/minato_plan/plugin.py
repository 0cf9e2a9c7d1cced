"""ckanext-minato_plan: 港区情報化推進計画 as open data. The plugin only wires interfaces."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import indexing


@tk.blanket.helpers
@tk.blanket.validators
@tk.blanket.cli
class MinatoPlanPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IPackageController, inherit=True)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return indexing.index_fields(pkg_dict)
