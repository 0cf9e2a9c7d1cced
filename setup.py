"""Packaging for ckanext-minato_plan (metadata in pyproject.toml).

The scheming schemas ship inside the package (``ckanext/minato_plan/schemas``), so
``scheming.dataset_schemas = ckanext.minato_plan.schemas:initiative.yaml`` works in editable and
non-editable installs alike.
"""
from setuptools import find_namespace_packages, setup

setup(
    packages=find_namespace_packages(include=["ckanext.minato_plan", "ckanext.minato_plan.*"]),
    package_data={
        "ckanext.minato_plan": ["data/*", "templates/**/*", "i18n/**/*", "assets/**/*", "*.yaml"],
        "ckanext.minato_plan.schemas": ["*.yaml"],
    },
    include_package_data=True,
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
