"""Harvest tier: stock CKAN 2.12 receivers harvest this portal with ckanext-harvest's CKAN API
harvester and ckanext-dcat's DCAT RDF harvester (see conftest.py)."""
