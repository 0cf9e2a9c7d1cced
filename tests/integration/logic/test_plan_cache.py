"""The rendered plan overview and the plan actions' results kept in Redis (logic/plan_cache.py),
against the real Redis, Solr and PostgreSQL: a change of any initiative shows at once, each
language, user and set of parameters has its own entry, and the cache can be turned off."""
import pytest
from bs4 import BeautifulSoup

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from ckanext.minato_plan.logic import cache, plan_cache
from support import staff


def _entries():
    site = tk.config.get("ckan.site_id")
    return set(cache.redis().scan_iter(f"{plan_cache.KEY_PREFIX}{site}:*"))


@pytest.fixture
def no_entries():
    connection = cache.redis()
    for key in _entries():
        connection.delete(key)
    return _entries


def _row(app, number=5, url="/plan-overview", headers=None):
    soup = BeautifulSoup(app.get(url, headers=headers or {}).body, "html.parser")
    link = soup.select_one(f'a[href$="/initiative/minato-plan-initiative-{number:02d}"]')
    return " ".join(link.find_parent("tr").get_text(" ").split())


def _set_status(number, status):
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    tk.get_action("package_patch")({"user": site}, {
        "id": f"minato-plan-initiative-{number:02d}",
        "progress": [{"fiscal_year": 2022, "status": status, "rating": "B"}]})


@pytest.mark.usefixtures("loaded_plan")
class TestOverviewCache:

    def test_a_change_of_an_initiative_shows_at_once(self, app, no_entries):
        assert "記録なし" in _row(app)
        assert len(no_entries()) == 1
        assert "記録なし" in _row(app)        # served from the entry
        assert len(no_entries()) == 1
        _set_status(5, "completed")
        assert "完了" in _row(app)
        assert len(no_entries()) == 2        # a new key; the old entry is never read again

    def test_each_language_and_each_logged_in_user_has_its_own_entry(self, app, no_entries):
        assert "No record" in _row(app, url="/en/plan-overview")
        assert "記録なし" in _row(app)
        editor = staff.member("editor")
        _row(app, headers=staff.headers(editor))
        _row(app, headers=staff.headers(factories.User()))
        assert len(no_entries()) == 4

    @pytest.mark.ckan_config("ckanext.minato_plan.pages.cache_ttl", "0")
    def test_turned_off_nothing_is_stored(self, app, no_entries):
        assert "記録なし" in _row(app)
        assert no_entries() == set()


def _current(plan, number):
    return next(i for g in plan["guidelines"] for m in g["measures"] for i in m["initiatives"]
                if i["number"] == number)


@pytest.mark.usefixtures("loaded_plan")
class TestActionCache:

    def test_minato_plan_show_follows_every_change(self, no_entries):
        show = lambda: tk.get_action("minato_plan_show")({}, {})  # noqa: E731
        assert show() == show()
        assert len(no_entries()) == 1
        _set_status(7, "completed")
        assert "completed" in str(_current(show(), 7))
        assert len(no_entries()) == 2

    def test_progress_lists_of_other_filters_are_apart(self, no_entries):
        _set_status(8, "in_progress")
        listed = lambda **f: tk.get_action("minato_plan_progress_list")({}, f)  # noqa: E731
        assert [r["initiative_no"] for r in listed(initiative=8)["results"]] == [8]
        assert listed(initiative=9)["count"] == 0
        assert listed(fiscal_year=2022)["count"] == 1
        assert len(no_entries()) == 3
