"""Scheming schemas and presets of ckanext-minato_plan (installed as ckanext.minato_plan.schemas)."""
