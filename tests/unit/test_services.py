"""What users are told when a service cannot be reached: the service in plain words, in
Japanese and English, and never where it runs."""
import re

import pytest

from ckanext.minato_plan.domain import services


@pytest.mark.parametrize("service, ja, en", [
    (services.SEARCH, "検索サービス", "search service"),
    (services.STORAGE, "保存サービス", "storage service"),
    (services.DATABASE, "データベース", "database"),
])
def test_every_message_names_its_service_in_both_languages(service, ja, en):
    for text in (services.unavailable(service), services.not_saved(service),
                 services.not_saved(service, input_kept=True)):
        assert ja in text.ja and en in text.en
        assert not re.search(r"[A-Za-z]", text.ja)  # the Japanese text is Japanese
        assert not re.search(r"https?:|:\d{2,5}\b|/solr|redis://|postgres", text.ja + text.en)


def test_the_storage_service_message_is_the_one_staff_read():
    assert services.unavailable(services.STORAGE).ja.startswith(
        "一時的に保存サービスに接続できません。")


def test_a_refused_save_says_nothing_was_saved_and_whether_the_input_is_kept():
    plain = services.not_saved(services.SEARCH)
    kept = services.not_saved(services.SEARCH, input_kept=True)
    assert plain.ja.startswith("何も保存していません。") and plain.en.startswith("Nothing was saved.")
    assert services.unavailable(services.SEARCH).en in plain.en
    assert "フォームに残っています" not in plain.ja and "kept in the form" not in plain.en
    assert "フォームに残っています" in kept.ja and "kept in the form" in kept.en


def test_the_api_message_is_japanese_then_english():
    text = services.unavailable(services.DATABASE)
    assert services.bilingual(text) == f"{text.ja} / {text.en}"
    assert services.RETRY_AFTER_SECONDS > 0
