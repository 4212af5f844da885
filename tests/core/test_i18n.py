import re

import pytest
from django.conf import settings
from django.utils import translation


@pytest.mark.django_db
def test_pages_switch_to_english(client):
    client.cookies["django_language"] = "en"
    html = client.get("/thu-tuc/").content.decode()
    assert 'lang="en"' in html
    assert "Search" in html
    assert "Tra cứu thủ tục hành chính" not in html


def test_the_english_catalog_is_compiled():
    with translation.override("en"):
        assert translation.gettext("Thủ tục hành chính") == "Administrative procedures"


def test_every_entry_of_the_english_catalog_is_translated():
    """`make messages` adds new Vietnamese strings with an empty English translation."""
    po = (settings.SRC_DIR / "locale/en/LC_MESSAGES/django.po").read_text()
    untranslated = []
    for entry in po.split("\n\n")[1:]:  # the first block is the header
        lines = [line for line in entry.splitlines() if not line.startswith("#")]
        text = "\n".join(lines)
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', text, re.M)
        if any(not (first + rest.replace('"', "").strip()) for first, rest in msgstrs):
            untranslated.append(lines[0] if lines else entry)
        if "#, fuzzy" in entry:
            untranslated.append(entry)
    assert untranslated == []


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_english_is_chosen(client):
    html = client.get("/thu-tuc/", headers={"Accept-Language": "en-US,en;q=0.9"}).content
    assert 'lang="vi"' in html.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/thu-tuc/"})
    assert 'lang="en"' in client.get("/thu-tuc/").content.decode()
