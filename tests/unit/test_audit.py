"""Finding the last progress change in an activity stream (pure)."""
from ckanext.minato_plan.domain.audit import last_progress_change


def _activity(user, progress=None, indicators=None, title="t"):
    return {"user": user, "package": {"title": title, "progress": progress or [],
                                      "indicators": indicators or []}}


def test_newest_progress_change_wins_over_later_title_edits():
    stream = [_activity("carol", [{"fiscal_year": 2023}], title="new title"),
              _activity("bob", [{"fiscal_year": 2023}]),
              _activity("alice", [])]
    assert last_progress_change(stream)["user"] == "bob"


def test_indicator_actuals_count_as_progress():
    stream = [_activity("dave", indicators=[{"actual_2023": "5"}]),
              _activity("bob", indicators=[{"actual_2023": "4"}])]
    assert last_progress_change(stream)["user"] == "dave"


def test_creation_with_progress_is_a_change_and_no_progress_is_none():
    assert last_progress_change([_activity("loader", [{"fiscal_year": 2021}])])["user"] == "loader"
    assert last_progress_change([_activity("a"), _activity("b")]) is None
    assert last_progress_change([]) is None


def test_progress_stored_as_json_text_is_compared_as_data():
    stream = [_activity("x", '[{"fiscal_year": 2023}]'), _activity("y", [{"fiscal_year": 2023}])]
    assert last_progress_change(stream)["user"] == "y"
