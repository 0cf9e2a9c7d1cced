"""A portal missing a plugin or the schemas is told exactly what to add."""
import pytest

from ckanext.minato_plan import requirements


def test_missing_plugins_are_named_with_an_example_line():
    with pytest.raises(requirements.MissingRequirement) as err:
        requirements.check_plugins(lambda name: name == "scheming_datasets")
    message = str(err.value)
    assert "add dcat to ckan.plugins" in message
    assert requirements.PLUGINS_EXAMPLE in message


def test_nothing_is_said_when_everything_is_there():
    requirements.check_plugins(lambda name: True)
    requirements.check_schemas(lambda dataset_type: {"dataset_type": dataset_type})


def test_missing_schemas_are_named_with_the_settings_to_add():
    with pytest.raises(requirements.MissingRequirement) as err:
        requirements.check_schemas(lambda dataset_type: None)
    assert "plan, initiative" in str(err.value)
    assert "scheming.dataset_schemas = ckanext.minato_plan.schemas:plan.yaml" in str(err.value)
