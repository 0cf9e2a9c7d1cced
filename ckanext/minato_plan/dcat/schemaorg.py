"""schema.org JSON-LD of the plan's datasets (ckanext-dcat's ``schemaorg`` profile), with the
name and description in Japanese and English."""
from __future__ import annotations

import json
from typing import Any

import rdflib
from ckanext.dcat.profiles import SchemaOrgProfile
from ckanext.dcat.utils import dataset_uri

from ..domain.pages import structured_data_dict


def structured_data(pkg: dict[str, Any]) -> str:
    """The JSON-LD of a dataset, safe inside a ``<script>`` element.

    dcat's own ``h.structured_data`` builds its profiles for the dataset type ``dataset``, which
    scheming does not know here (``scheming.dataset_fallback = false``: "Unknown dataset schema:
    dataset"), so the profile is given the dataset's own type."""
    data = structured_data_dict(pkg)
    graph = rdflib.Graph(bind_namespaces="core")
    SchemaOrgProfile(graph, dataset_type=pkg.get("type") or "dataset").graph_from_dataset(
        data, rdflib.URIRef(dataset_uri(data)))
    output = graph.serialize(format="json-ld", auto_compact=True)
    text = json.dumps(json.loads(output), ensure_ascii=False, indent=2, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
