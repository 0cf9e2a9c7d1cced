"""Names and identifiers: CKAN names of the plan's records, and the public identifiers of
initiatives, progress rows and indicators (``131032JK027``, ``131032JK027-2023``,
``131032JK027-I01``), with the patterns that recognise them.

Identifiers are built from the municipality code and the initiative number, never from a title,
so they survive revisions and renamings of the plan and are never reused.
"""
from __future__ import annotations

import re
from typing import Any, Optional

ORGANIZATION_NAME = "minato-city"
PLAN_DATASET_NAME = "minato-plan"
INITIATIVE_NAME_PREFIX = "minato-plan-initiative-"
GUIDELINE_GROUP_PREFIX = "guideline-"
INITIATIVE_ID_MARK = "JK"
#: The dataset types of the plan (scheming schemas of this package).
PLAN_DATASET_TYPES = ("initiative", "plan")


def initiative_name(number: int) -> str:
    """The CKAN dataset name of an initiative: ``minato-plan-initiative-27``."""
    return f"{INITIATIVE_NAME_PREFIX}{int(number):02d}"


def guideline_group_name(number: int) -> str:
    return f"{GUIDELINE_GROUP_PREFIX}{int(number)}"


def initiative_id(municipality_code: str, number: int) -> str:
    """``("131032", 27)`` -> ``131032JK027``."""
    return f"{municipality_code}{INITIATIVE_ID_MARK}{int(number):03d}"


def progress_row_id(municipality_code: str, number: int, fiscal_year: int) -> str:
    """``131032JK027-2023``: one initiative in one fiscal year."""
    return f"{initiative_id(municipality_code, number)}-{int(fiscal_year)}"


def indicator_id(municipality_code: str, number: int, position: int) -> str:
    """``131032JK027-I01``: the indicator at ``position`` (from 1) of an initiative."""
    return f"{initiative_id(municipality_code, number)}-I{int(position):02d}"


def indicator_row_id(municipality_code: str, number: int, position: int,
                     fiscal_year: int) -> str:
    return f"{indicator_id(municipality_code, number, position)}-{int(fiscal_year)}"


def initiative_id_pattern(municipality_code: str) -> str:
    return rf"^{re.escape(municipality_code)}{INITIATIVE_ID_MARK}[0-9]{{3}}$"


def progress_row_id_pattern(municipality_code: str) -> str:
    return rf"^{re.escape(municipality_code)}{INITIATIVE_ID_MARK}[0-9]{{3}}-[0-9]{{4}}$"


def indicator_id_pattern(municipality_code: str) -> str:
    return rf"^{re.escape(municipality_code)}{INITIATIVE_ID_MARK}[0-9]{{3}}-I[0-9]{{2}}$"


def indicator_row_id_pattern(municipality_code: str) -> str:
    return (rf"^{re.escape(municipality_code)}{INITIATIVE_ID_MARK}[0-9]{{3}}-I[0-9]{{2}}"
            rf"-[0-9]{{4}}$")


def initiative_number(reference: Any, municipality_code: str) -> Optional[str]:
    """The number part of an initiative reference: a number (``27``), a dataset name
    (``minato-plan-initiative-27``) or an initiative ID (``131032JK027``), as text for the
    number rule to judge; None when ``reference`` is blank."""
    text = "" if reference is None else str(reference).strip()
    if not text:
        return None
    for prefix in (INITIATIVE_NAME_PREFIX, f"{municipality_code}{INITIATIVE_ID_MARK}"):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text
