"""Names and identifiers: CKAN names of the plan's records, and the public identifiers of
initiatives, progress rows and indicators (``131032JK027``, ``131032JK027-2023``,
``131032JK027-I01``), with the patterns that recognise them.

Identifiers are built from the municipality code, the plan's initiative mark (``JK``; plans of
one municipality have marks of their own) and the initiative number, never from a title, so they
survive revisions and renamings of the plan and are never reused. Names come from the plan's
``id`` (its dataset; ``<id>-initiative-NN`` its initiatives).
"""
from __future__ import annotations

import re
from typing import Any, Optional

#: The initiative mark of a plan file that names none (``plan.initiative_mark``).
DEFAULT_INITIATIVE_MARK = "JK"
#: What names every plan at once in the download URLs (``/plan-data/all/…``): no plan's id.
ALL_PLANS = "all"
#: The dataset types of the plan (scheming schemas of this package).
PLAN_DATASET_TYPES = ("initiative", "plan")


def initiative_name(plan_id: str, number: int) -> str:
    """The CKAN dataset name of an initiative: ``minato-plan-initiative-27``."""
    return f"{initiative_name_prefix(plan_id)}{int(number):02d}"


def initiative_name_prefix(plan_id: str) -> str:
    return f"{plan_id}-initiative-"


def default_organization(municipality_code: str) -> str:
    """The organization of a plan file that names none: ``lg-131032``."""
    return f"lg-{municipality_code}"


def default_guideline_group_prefix(plan_id: str) -> str:
    return f"{plan_id}-guideline-"


def guideline_group_name(prefix: str, number: int) -> str:
    return f"{prefix}{int(number)}"


def id_stem(municipality_code: str, mark: str = DEFAULT_INITIATIVE_MARK) -> str:
    """The start of a plan's identifiers: the municipality code and the plan's initiative mark
    (``131032JK``)."""
    return f"{municipality_code}{mark}"


def initiative_id(stem: str, number: int) -> str:
    """``("131032JK", 27)`` -> ``131032JK027``."""
    return f"{stem}{int(number):03d}"


def progress_row_id(stem: str, number: int, fiscal_year: int) -> str:
    """``131032JK027-2023``: one initiative in one fiscal year."""
    return f"{initiative_id(stem, number)}-{int(fiscal_year)}"


def indicator_id(stem: str, number: int, position: int) -> str:
    """``131032JK027-I01``: the indicator at ``position`` (from 1) of an initiative."""
    return f"{initiative_id(stem, number)}-I{int(position):02d}"


def indicator_row_id(stem: str, number: int, position: int, fiscal_year: int) -> str:
    return f"{indicator_id(stem, number, position)}-{int(fiscal_year)}"


def initiative_id_pattern(stem: str) -> str:
    return rf"^{re.escape(stem)}[0-9]{{3}}$"


def progress_row_id_pattern(stem: str) -> str:
    return rf"^{re.escape(stem)}[0-9]{{3}}-[0-9]{{4}}$"


def indicator_id_pattern(stem: str) -> str:
    return rf"^{re.escape(stem)}[0-9]{{3}}-I[0-9]{{2}}$"


def indicator_row_id_pattern(stem: str) -> str:
    return rf"^{re.escape(stem)}[0-9]{{3}}-I[0-9]{{2}}-[0-9]{{4}}$"


def initiative_number(reference: Any, stem: str, plan_id: str) -> Optional[str]:
    """The number part of an initiative reference: a number (``27``), a dataset name
    (``minato-plan-initiative-27``) or an initiative ID (``131032JK027``) of the plan, as text
    for the number rule to judge; None when ``reference`` is blank."""
    text = "" if reference is None else str(reference).strip()
    if not text:
        return None
    for prefix in (initiative_name_prefix(plan_id), stem):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text
