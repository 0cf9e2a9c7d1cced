"""What the extension needs of the portal it is installed into, checked when CKAN loads it, with
one message that names what is missing (instead of an error deep inside another plugin)."""
from __future__ import annotations

from typing import Callable

from .domain.identifiers import PLAN_DATASET_TYPES

REQUIRED_PLUGINS = ("scheming_datasets", "dcat")
PLUGINS_EXAMPLE = "activity dcat scheming_datasets minato_plan structured_data datastore"
SCHEMAS = ("ckanext.minato_plan.schemas:plan.yaml "
           "ckanext.minato_plan.schemas:initiative.yaml")
PRESETS = "ckanext.scheming:presets.json ckanext.minato_plan.schemas:presets.yaml"


class MissingRequirement(RuntimeError):
    """The portal's configuration lacks something the extension needs."""


def check_plugins(plugin_loaded: Callable[[str], bool]) -> None:
    missing = [name for name in REQUIRED_PLUGINS if not plugin_loaded(name)]
    if missing:
        raise MissingRequirement(
            f"ckanext-minato_plan: add {' and '.join(missing)} to ckan.plugins, before "
            f"minato_plan (for example: ckan.plugins = {PLUGINS_EXAMPLE}). / "
            f"ckan.plugins に {'、'.join(missing)} を minato_plan より前に追加してください。")


def check_schemas(schema_of: Callable[[str], object]) -> None:
    missing = [t for t in reversed(PLAN_DATASET_TYPES) if not schema_of(t)]
    if missing:
        raise MissingRequirement(
            f"ckanext-minato_plan: ckanext-scheming knows no schema for {', '.join(missing)}. "
            f"Set scheming.dataset_schemas = {SCHEMAS} (plus the portal's own) and "
            f"scheming.presets = {PRESETS}. / scheming.dataset_schemas と scheming.presets に"
            f"計画のスキーマを設定してください。")
