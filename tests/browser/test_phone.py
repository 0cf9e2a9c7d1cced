"""The plan on a resident's phone (headless Chromium at 360, 390 and 414 px, touch, as a phone
reports itself): no page scrolls sideways and no element sticks out of the screen; an
initiative's own title and status come first, CKAN's sidebar after them; the charts keep a
readable text size; the downloads are one matrix; shared-link tags are present; no layout shift
while the initiative page loads. Screenshots at 390 px go to test-artifacts/browser/."""
from __future__ import annotations

import json
import time

import pytest

from .conftest import ARTIFACTS, axe_findings, screenshot

WIDTHS = (360, 390, 414)
HEIGHT = 800
PAGES = {
    "overview": "/plan-overview",
    "initiative": "/initiative/minato-plan-initiative-32",
    "plan": "/plan/minato-plan",
    "search": "/dataset/?q=%E6%8E%A8%E9%80%B2",  # 推進
    "report": "/plan-report/2023",
}

#: Elements reaching outside the viewport, except inside a container that scrolls or clips
#: them itself (a wide table in .table-responsive scrolls within the page, which does not).
OUTSIDE = """() => {
  const vw = document.documentElement.clientWidth;
  const clipped = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
    }
    return false;
  };
  const out = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;  // nothing shown (visually-hidden text)
    if ((r.right > vw + 0.5 || r.left < -0.5) && !clipped(e)) {
      out.push(`${e.tagName.toLowerCase()}.${String(e.className).trim().replace(/\\s+/g, '.')}`
               + ` [${Math.round(r.left)}, ${Math.round(r.right)}]`);
    }
  }
  return {viewport: vw, scrollWidth: document.documentElement.scrollWidth, outside: out};
}"""


@pytest.fixture
def phone(browser, portal, request):
    """A page the size of a phone (``request.param``: its width in CSS pixels)."""
    context = browser.new_context(
        base_url=portal.url, viewport={"width": request.param, "height": HEIGHT},
        device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("phone", WIDTHS, indirect=True)
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_nothing_is_wider_than_the_phone(phone, name, lang):
    phone.goto(PAGES[name] if lang == "ja" else f"/en{PAGES[name]}")
    found = phone.evaluate(OUTSIDE)
    assert found["scrollWidth"] <= found["viewport"], found
    assert found["outside"] == [], json.dumps(found, indent=2)


@pytest.mark.parametrize("phone", WIDTHS, indirect=True)
def test_the_initiative_comes_before_ckans_sidebar(phone):
    phone.goto(PAGES["initiative"])
    if phone.viewport_size["width"] == 390:  # the first screen
        phone.screenshot(path=str(ARTIFACTS / "phone-390-initiative.png"))
    title = phone.locator("h1").first.bounding_box()
    status = phone.locator(".minato-current-status").bounding_box()
    sidebar = phone.locator("aside.secondary").bounding_box()
    followers = phone.locator("aside.secondary").get_by_text("フォロワー").bounding_box()
    # title and latest status within the first screen, the sidebar below the whole main column
    assert title["y"] + title["height"] <= HEIGHT and status["y"] + status["height"] <= HEIGHT
    assert "サンプルデータ" in phone.locator(".minato-current-status").inner_text()
    main = phone.locator("div.primary[role=main]").bounding_box()
    assert sidebar["y"] >= main["y"] + main["height"] - 1
    assert followers["y"] > HEIGHT
    # the long metadata table is folded until asked for
    table = phone.locator("details.minato-additional-info table")
    assert not table.is_visible()
    phone.locator("details.minato-additional-info > summary").click()
    assert table.is_visible()


@pytest.mark.parametrize("phone", [390], indirect=True)
def test_overview_on_a_phone(phone):
    phone.goto(PAGES["overview"])
    assert phone.locator("h1").first.bounding_box()["y"] < HEIGHT / 2
    # the phone's drawing of each chart, its labels at a readable size
    for chart in ("chart-by-year", "chart-by-guideline"):
        assert phone.locator(f"#{chart} svg.minato-chart-narrow").is_visible()
        assert not phone.locator(f"#{chart} svg.minato-chart-wide").is_visible()
        label = phone.locator(f"#{chart} svg.minato-chart-narrow text.minato-chart-label").first
        assert label.bounding_box()["height"] >= 12
    # the downloads: one matrix of 3 tables x 5 formats after the progress, a guide before it
    matrix = phone.locator("table.minato-download-matrix")
    assert matrix.locator("tbody tr").count() == 5
    assert matrix.locator("tbody td a").count() == 15
    guide = phone.locator(".minato-which-file").bounding_box()
    assert guide["y"] < matrix.bounding_box()["y"]
    assert phone.locator("#progress-heading").bounding_box()["y"] < guide["y"]
    phone.screenshot(path=str(ARTIFACTS / "phone-390-overview.png"))
    screenshot(phone, "phone-390-overview-full")


@pytest.mark.parametrize("phone", [390], indirect=True)
def test_the_header_names_the_wards_plan_and_the_menu_opens(phone):
    phone.goto("/en/plan-overview")
    logo = phone.locator("header.masthead a.minato-logo")
    assert " ".join(logo.inner_text().split()) == "Minato City Informatization Promotion Plan"
    assert logo.bounding_box()["x"] + logo.bounding_box()["width"] <= 390
    phone.locator("button.navbar-toggler").click()
    menu = phone.get_by_role("link", name="Plan overview").first
    menu.wait_for(state="visible")
    assert menu.is_visible()


@pytest.mark.parametrize("phone", [390], indirect=True)
@pytest.mark.parametrize("name", ["overview", "initiative", "plan"])
def test_shared_link_tags(phone, portal, name):
    phone.goto(PAGES[name])
    tags = phone.evaluate("""() => Object.fromEntries(
        [...document.querySelectorAll('meta[property^="og:"], meta[name^="twitter:"], meta[name=description]')]
          .map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content]))""")
    for key in ("description", "og:title", "og:description", "og:url", "og:image",
                "og:image:width", "og:image:height", "twitter:card", "twitter:title",
                "twitter:image"):
        assert tags.get(key), (key, tags)
    assert tags["og:url"] == portal.url + PAGES[name]
    image = phone.request.get(tags["og:image"])
    assert image.ok and image.headers["content-type"] == "image/png"


@pytest.mark.parametrize("phone", [390, 414], indirect=True)
def test_the_initiative_page_does_not_shift_while_it_loads(phone):
    # the icon font arrives late, as on a slow phone network: nothing may move when it does
    phone.route("**/*.woff2", lambda route: (time.sleep(0.6), route.continue_()))
    phone.add_init_script("""
        window.__shift = 0;
        new PerformanceObserver(list => {
          for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
        }).observe({type: 'layout-shift', buffered: true});""")
    for path in (PAGES["initiative"], "/en" + PAGES["initiative"]):
        phone.goto(path, wait_until="load")
        phone.wait_for_timeout(500)
        assert phone.evaluate("window.__shift") <= 0.01, path


@pytest.mark.parametrize("phone", [390], indirect=True)
@pytest.mark.parametrize("name", ["overview", "initiative", "plan", "report"])
def test_no_serious_accessibility_findings_on_a_phone(phone, name):
    phone.goto(PAGES[name])
    screenshot(phone, f"phone-390-{name}-page")
    findings = axe_findings(phone, f"phone-{name}")
    serious = [f for f in findings if f["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("phone", [390], indirect=True)
@pytest.mark.parametrize("name", ["initiative", "plan"])
def test_the_plans_pages_load_no_icon_sprite_and_no_brand_font(phone, name):
    # CKAN's format icons (one 319 KB sprite) and brand icons (a 119 KB font) are not needed:
    # formats are labelled in text, the share links are text (LINE, X, Facebook)
    requested = []
    phone.on("request", lambda r: requested.append(r.url))
    phone.goto(PAGES[name], wait_until="load")
    assert not [u for u in requested if "sprite-resource-icons" in u or "fa-brands" in u]
    # nor Font Awesome's 155 KiB solid font: the icons of the page are in the extension's subset
    assert not [u for u in requested if "fa-solid-900" in u]
    share = phone.locator(".minato-share a")
    assert [share.nth(i).inner_text() for i in range(share.count())] == ["LINE", "X", "Facebook"]
    assert "url=http" in share.first.get_attribute("href")


@pytest.mark.parametrize("phone", [390], indirect=True)
def test_a_resident_opens_and_closes_the_searchs_filters_and_filters(phone):
    # the page runs Bootstrap and htmx only (not CKAN's script that opens the layer)
    phone.goto(PAGES["search"])
    facets = phone.locator("#search-facets")
    assert not facets.is_visible()
    assert phone.locator(".dataset-list").first.is_visible()      # the results come first
    phone.locator("a.show-filters").click()
    facets.wait_for(state="visible")
    phone.locator("#search-facets a.hide-filters").click()
    facets.wait_for(state="hidden")
    phone.locator("a.show-filters").click()
    item = facets.locator(".nav-item a").first
    item.click()
    phone.wait_for_url(lambda url: "&" in url and "#" not in url)   # a filter applied
    assert not facets.is_visible()
