"""An indicator's achievement and its computed judgement (pure, milliseconds)."""
from decimal import Decimal

import pytest

from ckanext.minato_plan.domain import achievement


@pytest.mark.parametrize("target, actual, baseline, direction, expected", [
    ("150", "142", "120", "higher", "73.3"),   # (142-120)/(150-120)
    ("100", "95", None, "higher", "95.0"),
    ("100", "95", None, None, "95.0"),         # no direction: higher is better
    ("10", "12", None, "lower", "83.3"),       # target / actual
    ("10", "12", "20", "lower", "80.0"),       # (12-20)/(10-20): the way down from 20 to 10
    ("1,000", "1,200", None, "higher", "120.0"),
    ("50", "40", "50", "higher", None),        # target equal to the baseline
    ("0", "5", None, "higher", None),          # nothing to divide by
    ("10", "0", None, "lower", None),
    (None, "5", None, "higher", None), ("5", "", None, "higher", None),
    ("abc", "5", None, "higher", None),
])
def test_achievement_percent(target, actual, baseline, direction, expected):
    got = achievement.achievement_percent(target, actual, baseline, direction)
    assert (None if got is None else str(got)) == expected


@pytest.mark.parametrize("percent, grade", [
    ("100.0", "A"), ("250", "A"), ("99.9", "B"), ("80.0", "B"), ("79.9", "C"), ("-10", "C")])
def test_judgement_puts_the_achievement_on_the_ward_s_scale(percent, grade):
    assert achievement.judgement(Decimal(percent)) == grade


def test_no_achievement_no_judgement():
    assert achievement.judgement(None) is None
    assert achievement.of({"baseline": "1"}, None, "3") == achievement.Achievement(None, None)
