"""Packaging for ckanext-minato_plan.

The scheming schemas live in the top-level ``schemas/`` folder and are installed as the package
``ckanext.minato_plan.schemas``, so ``scheming.dataset_schemas =
ckanext.minato_plan.schemas:initiative.yaml`` works in editable and non-editable installs alike.
"""
from setuptools import find_namespace_packages, setup

setup(
    packages=find_namespace_packages(include=["ckanext.minato_plan", "ckanext.minato_plan.*"],
                                     exclude=["ckanext.minato_plan.tests*"])
    + ["ckanext.minato_plan.schemas"],
    package_dir={"ckanext.minato_plan.schemas": "schemas"},
    package_data={
        "ckanext.minato_plan": ["data/*", "templates/**/*", "public/**/*", "i18n/**/*", "assets/**/*",
                                "*.yaml"],
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
