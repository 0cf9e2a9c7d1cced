"""The services the portal depends on, named in plain words, and what a user is told when one
of them cannot be reached (Japanese and English).

``logic/services.py`` decides which service an error comes from; ``views/errors.py`` shows
these texts on the web pages and in the Action API.
"""
from __future__ import annotations

from .text import Text

SEARCH = "search"  # Solr
STORAGE = "storage"  # Redis (progress-upload previews)
DATABASE = "database"  # PostgreSQL

SERVICES = (SEARCH, STORAGE, DATABASE)

#: The service names users read.
NAMES = {
    SEARCH: Text("検索サービス", "search service"),
    STORAGE: Text("保存サービス", "storage service"),
    DATABASE: Text("データベース", "database"),
}

#: How long a client is asked to wait before trying again (the ``Retry-After`` header).
RETRY_AFTER_SECONDS = 60

TITLE = Text("一時的にご利用いただけません", "Temporarily unavailable")


def name(service: str) -> Text:
    return NAMES.get(service, NAMES[DATABASE])


def unavailable(service: str) -> Text:
    """Which service cannot be reached, and what to do."""
    n = name(service)
    return Text(f"一時的に{n.ja}に接続できません。しばらくしてからもう一度お試しください。",
                f"The {n.en} is temporarily unavailable. Please try again in a few minutes.")


def not_saved(service: str, input_kept: bool = False) -> Text:
    """A form that could not be saved because ``service`` cannot be reached; ``input_kept``
    when the form is shown again with what was typed."""
    reason = unavailable(service)
    ja, en = f"何も保存していません。{reason.ja}", f"Nothing was saved. {reason.en}"
    if input_kept:
        ja += "入力した内容は下のフォームに残っています。"
        en += " What you typed is kept in the form below."
    return Text(ja, en)


def bilingual(text: Text) -> str:
    """``"ja / en"``, the form of the Action API's error messages."""
    return f"{text.ja} / {text.en}"
