"""The sitemap of the plan's pages (sitemaps.org protocol 0.9, with hreflang alternates).

Each page is listed once per language, and every listing names all language versions
(``xhtml:link rel="alternate"``) plus ``x-default`` (the site's default language), as search
engines ask for pages offered in several languages.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional
from xml.etree import ElementTree as ET

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"

#: The protocol's limit of URLs in one sitemap file.
MAX_URLS = 50_000


@dataclass(frozen=True)
class SitemapPage:
    """One page: its absolute address in each language ({"ja": …, "en": …}, the default
    language first) and when it last changed."""
    urls: dict[str, str]
    lastmod: Optional[str] = None


def w3c_datetime(value: Any) -> Optional[str]:
    """A CKAN timestamp (``2026-12-01T20:22:09.837863``, UTC without a zone) as the W3C
    datetime a sitemap's ``lastmod`` takes (``2026-12-01T20:22:09+00:00``); None if unreadable."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()


def sitemap_xml(pages: list[SitemapPage]) -> bytes:
    """The sitemap document of ``pages``. Raises ValueError beyond the protocol's
    :data:`MAX_URLS` (a sitemap index would be needed; the plan has about 80)."""
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    count = 0
    for page in pages:
        default_url = next(iter(page.urls.values()), None)
        for url in page.urls.values():
            count += 1
            if count > MAX_URLS:
                raise ValueError(f"more than {MAX_URLS} URLs for one sitemap")
            entry = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = url
            if page.lastmod:
                ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = page.lastmod
            if len(page.urls) > 1:
                for lang, href in [*page.urls.items(), ("x-default", default_url)]:
                    ET.SubElement(entry, f"{{{XHTML_NS}}}link",
                                  {"rel": "alternate", "hreflang": lang, "href": href})
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
