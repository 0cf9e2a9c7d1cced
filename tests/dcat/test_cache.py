"""The catalog cache: a repeated /catalog.ttl is served from Redis, and any dataset change
(update, new resource, deletion) makes the next request build the catalog again."""
import pytest

from ckanext.minato_plan.dcat import cache

from .conftest import site_context

SENTINEL = "# served from the cache\n"


def _redis():
    from ckan.lib.redis import connect_to_redis
    return connect_to_redis()


def _entries():
    return sorted(_redis().scan_iter(f"{cache.KEY_PREFIX}*"))


@pytest.fixture
def empty_cache(loaded_plan):
    for key in _entries():
        _redis().delete(key)
    yield
    for key in _entries():
        _redis().delete(key)


def _mark_cached_entries():
    """Replace every stored catalog by the sentinel: a response that is the sentinel was
    served from the cache, not built."""
    keys = _entries()
    for key in keys:
        _redis().set(key, SENTINEL)
    return keys


def _catalog(app, suffix="ttl"):
    response = app.get(f"/catalog.{suffix}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.usefixtures("empty_cache")
class TestCatalogCache:

    def test_repeated_catalog_is_served_from_the_cache_per_format(self, app):
        first = _catalog(app)
        assert "minato-plan-initiative-39" in first
        assert len(_mark_cached_entries()) == 1
        assert _catalog(app) == SENTINEL
        assert _catalog(app, "jsonld") != SENTINEL  # another format, another entry
        assert len(_entries()) == 2

    @pytest.mark.ckan_config("ckanext.minato_plan.dcat.catalog_cache_ttl", "0")
    def test_ttl_zero_turns_the_cache_off(self, app):
        assert "minato-plan-initiative-01" in _catalog(app)
        assert _entries() == []

    def test_entries_expire(self, app):
        _catalog(app)
        (key,) = _entries()
        ttl = _redis().ttl(key)
        assert 0 < ttl <= 3600

    # Last: it changes the loaded plan (the next test that needs the plan loads it again).
    def test_any_dataset_change_invalidates(self, app):
        from ckan.plugins import toolkit as tk

        changes = [
            ("package_patch", {"id": "minato-plan-initiative-03", "title_translated": {
                "ja": "更新した取組名", "en": "Updated initiative title"}},
             "Updated initiative title"),
            ("resource_create", {"package_id": "minato-plan-initiative-04", "name": "cache test",
                                 "url": "http://test.ckan.net/files/cache-test.csv",
                                 "format": "CSV"},
             "http://test.ckan.net/files/cache-test.csv"),
            ("package_delete", {"id": "minato-plan-initiative-39"}, None),
        ]
        for action, data, visible in changes:
            _catalog(app)
            _mark_cached_entries()
            assert _catalog(app) == SENTINEL
            tk.get_action(action)(site_context(), data)
            fresh = _catalog(app)
            assert fresh != SENTINEL, action
            if visible:
                assert visible in fresh, action
        assert "minato-plan-initiative-38" in fresh
        assert "minato-plan-initiative-39" not in fresh


def _page_entries():
    return sorted(_redis().scan_iter(f"{cache.DATASET_KEY_PREFIX}*"))


def _json_ld(app, url):
    body = app.get(url).get_data(as_text=True)
    start = body.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">')
    return body[start:body.index("</script>", start)].strip()


@pytest.mark.usefixtures("empty_cache")
def test_a_dataset_pages_json_ld_is_cached_until_the_dataset_changes(app):
    from ckan.plugins import toolkit as tk

    for key in _page_entries():
        _redis().delete(key)
    url = "/initiative/minato-plan-initiative-05"
    first = _json_ld(app, url)
    assert '"schema:Dataset"' in first or "schema:Dataset" in first
    (key,) = _page_entries()
    _redis().set(key, '{"served": "from the cache"}')
    assert _json_ld(app, url) == '{"served": "from the cache"}'
    assert _json_ld(app, "/en" + url) != '{"served": "from the cache"}'   # per language
    tk.get_action("package_patch")(site_context(), {
        "id": "minato-plan-initiative-05",
        "title_translated": {"ja": "構造化データの確認", "en": "Structured data check"}})
    fresh = _json_ld(app, url)
    assert "served" not in fresh and "Structured data check" in fresh
