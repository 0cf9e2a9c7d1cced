"""The small icon font (assets/icons.css, written by tools/fonts/subset_icons.py) covers every
icon the templates name, so that a page needs CKAN's 155 KiB font only for other extensions'
icons."""
import base64
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSS = (ROOT / "ckanext" / "minato_plan" / "assets" / "icons.css").read_text(encoding="utf-8")
SITE = Path(__import__("ckan").__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("subset_icons",
                                                  ROOT / "tools" / "fonts" / "subset_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_icon_of_the_templates_was_subset():
    tool = _tool()
    vendor = SITE / "ckan" / "public" / "base" / "vendor" / "fontawesome-free"
    mapping = tool.icon_codepoints((vendor / "css" / "all.css").read_text(encoding="utf-8"))
    used = {n for n in tool.used_icons(tool.template_dirs(SITE)) if n in mapping}
    listed = set(re.search(r"/\* icons: ([^*]+) \*/", CSS).group(1).split())
    assert used <= listed, ("icons added to the templates: rerun tools/fonts/subset_icons.py",
                            sorted(used - listed))
    assert "house" in mapping and mapping["home"] == mapping["house"]


def test_the_face_is_font_awesomes_solid_face_with_an_embedded_woff2_and_a_range():
    assert "font-family: 'Font Awesome 6 Free';" in CSS and "font-weight: 900;" in CSS
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)\)", CSS).group(1))
    assert data[:4] == b"wOF2" and len(data) < 16 * 1024
    ranges = re.search(r"unicode-range: ([^;]+);", CSS).group(1).split(", ")
    assert "U+F015" in ranges          # fa-home, CKAN's breadcrumb
    assert all(re.fullmatch(r"U\+[0-9A-F]{2,5}", r) for r in ranges)
