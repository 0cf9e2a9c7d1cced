"""Same-site paths for the links built from the current address (the language switcher)."""
import pytest

from ckanext.minato_plan.domain.links import is_same_site_path


@pytest.mark.parametrize("url", [
    "/", "/en/", "/initiative/minato-plan-initiative-32", "/en/plan-overview?lang=x&q=a b",
    "/dataset/?q=%2F%2Fevil.example", "/a//b",
])
def test_paths_of_this_site(url):
    assert is_same_site_path(url)


@pytest.mark.parametrize("url", [
    "//evil.example/x", "/\\evil.example/x", "\\\\evil.example", "/\t/evil.example",
    "/\n/evil.example", "https://evil.example/", "javascript:alert(1)", "evil.example/x", "",
    "/a\\b", "///evil.example",
])
def test_other_hosts_schemes_and_ambiguous_paths(url):
    assert not is_same_site_path(url)
