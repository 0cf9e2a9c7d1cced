"""How far an indicator has come towards its target in a fiscal year, and the judgement that
follows from it automatically (shown beside the staff's own rating, never replacing it).

With a baseline, the achievement is the share of the way from the baseline to the target that
the actual value has gone: ``(actual - baseline) / (target - baseline)``, whichever way the
indicator improves. Without one, it is ``actual / target`` for an indicator where higher is
better and ``target / actual`` where lower is better. The judgement puts that share on the
ward's rating scale (:data:`JUDGEMENT_THRESHOLDS`).
"""
from __future__ import annotations

import dataclasses
import decimal
from typing import Any, Optional

from .text import is_blank

HIGHER, LOWER = "higher", "lower"

#: The least achievement (in percent) for each judgement, best first; below the last, ``C``.
JUDGEMENT_THRESHOLDS = ((decimal.Decimal(100), "A"), (decimal.Decimal(80), "B"))
BELOW_THRESHOLDS = "C"

_PERCENT_STEP = decimal.Decimal("0.1")


def _decimal(value: Any) -> Optional[decimal.Decimal]:
    if is_blank(value) or isinstance(value, bool):
        return None
    try:
        number = decimal.Decimal(str(value).replace(",", "").strip())
    except decimal.InvalidOperation:
        return None
    return number if number.is_finite() else None


def achievement_percent(target: Any, actual: Any, baseline: Any = None,
                        direction: Optional[str] = HIGHER) -> Optional[decimal.Decimal]:
    """The achievement in percent, to one decimal, or None when it cannot be computed (no
    target or actual, a target equal to the baseline, a zero divisor)."""
    goal, value, start = _decimal(target), _decimal(actual), _decimal(baseline)
    if goal is None or value is None:
        return None
    if start is not None:
        if goal == start:
            return None
        share = (value - start) / (goal - start)
    elif direction == LOWER:
        if value <= 0:
            return None
        share = goal / value
    else:
        if goal == 0:
            return None
        share = value / goal
    return (share * 100).quantize(_PERCENT_STEP, rounding=decimal.ROUND_HALF_UP)


def judgement(percent: Optional[decimal.Decimal]) -> Optional[str]:
    """The automatic judgement of an achievement (``A``, ``B`` or ``C``), None without one."""
    if percent is None:
        return None
    for least, grade in JUDGEMENT_THRESHOLDS:
        if percent >= least:
            return grade
    return BELOW_THRESHOLDS


@dataclasses.dataclass(frozen=True)
class Achievement:
    percent: Optional[decimal.Decimal]
    judgement: Optional[str]


def of(indicator: dict[str, Any], target: Any, actual: Any) -> Achievement:
    """The achievement of ``indicator`` (its ``baseline`` and ``direction``) in a year with
    ``target`` and ``actual``."""
    percent = achievement_percent(target, actual, indicator.get("baseline"),
                                  indicator.get("direction") or HIGHER)
    return Achievement(percent, judgement(percent))
