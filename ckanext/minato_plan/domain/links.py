"""Links the portal builds from the address of the current request."""
from __future__ import annotations

import re

# Backslashes (browsers read them as "/") and control characters (browsers drop tabs and line
# feeds, so "/\t/host" becomes "//host").
_UNSAFE = re.compile(r"[\\\x00-\x1f\x7f]")


def is_same_site_path(url: str) -> bool:
    """Whether ``url`` is a path on this site: it starts with one "/" (not "//", which names
    another host, nor a scheme) and holds no backslash or control character."""
    return url.startswith("/") and not url.startswith("//") and not _UNSAFE.search(url)
