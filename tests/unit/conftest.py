"""Fixtures of the unit tests: Minato's plan and its initiative datasets (pure, no CKAN)."""
import copy

import pytest

from ckanext.minato_plan.domain import records
from ckanext.minato_plan.domain.plan import load_plan


@pytest.fixture(scope="module")
def plan():
    return load_plan()


@pytest.fixture
def initiatives(plan):
    """The initiative datasets as package_search returns them, without progress."""
    return copy.deepcopy(records.initiative_dataset_dicts(plan))

