"""The sitemap of the plan's pages and the robots.txt that names it, from the real CKAN app."""
from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from ckan.plugins import toolkit as tk

from support.plan_names import initiative_name

SITE = "http://test.ckan.net"  # test.ini's ckan.site_url
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def _sitemap(app) -> dict[str, dict]:
    response = app.get("/plan-sitemap.xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.get_data())
    return {u.findtext("s:loc", namespaces=NS): {
        "lastmod": u.findtext("s:lastmod", namespaces=NS),
        "alternates": {l.get("hreflang"): l.get("href") for l in u.findall("x:link", NS)}}
        for u in root.findall("s:url", NS)}


@pytest.mark.usefixtures("loaded_plan")
def test_the_sitemap_lists_every_plan_page_in_both_languages(app):
    urls = _sitemap(app)
    initiatives = [u for u in urls if "/initiative/" in u]
    assert len(initiatives) == 39 * 2
    assert f"{SITE}/plan-overview" in urls and f"{SITE}/en/plan-overview" in urls
    assert f"{SITE}/plan/minato-plan" in urls and f"{SITE}/en/plan/minato-plan" in urls
    page = urls[f"{SITE}/initiative/{initiative_name(32)}"]
    assert page["alternates"] == {"ja": f"{SITE}/initiative/{initiative_name(32)}",
                                  "en": f"{SITE}/en/initiative/{initiative_name(32)}",
                                  "x-default": f"{SITE}/initiative/{initiative_name(32)}"}
    assert page["lastmod"].endswith("+00:00")
    # the page itself names the same addresses as the sitemap
    body = app.get(f"/en/initiative/{initiative_name(32)}").body
    assert f'hreflang="ja" href="{SITE}/initiative/{initiative_name(32)}"' in body
    assert all(app.get(u[len(SITE):]).status_code == 200
               for u in (f"{SITE}/en/plan-overview", f"{SITE}/en/plan/minato-plan",
                         initiatives[0], initiatives[-1]))


@pytest.mark.usefixtures("loaded_plan")
def test_robots_txt_keeps_ckans_rules_and_names_the_sitemap(app):
    response = app.get("/robots.txt")
    assert response.status_code == 200
    lines = response.body.splitlines()
    assert "Disallow: /api/" in lines                 # CKAN's own rules stay
    assert f"Sitemap: {SITE}/plan-sitemap.xml" in lines


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_private_initiative_is_not_listed(app, reset_db, reset_index):
    from ckanext.minato_plan.logic import loader

    loader.load(echo=lambda _line: None)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    tk.get_action("package_patch")({"user": site_user},
                                   {"id": initiative_name(5), "private": True})
    urls = _sitemap(app)
    assert not [u for u in urls if initiative_name(5) in u]
    assert len([u for u in urls if "/initiative/" in u]) == 38 * 2
