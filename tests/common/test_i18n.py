from __future__ import annotations

import gettext
from pathlib import Path
from typing import Any

import polib
import pytest
from django.test import Client

from sejahtera.accounts.roles import Role

LOCALE = Path(__file__).resolve().parents[2] / "src" / "sejahtera" / "locale"


@pytest.mark.parametrize("language", ["en", "id"])
def test_compiled_catalogs_match_their_sources(language: str) -> None:
    """The committed .mo files are compiled from the committed .po files."""
    directory = LOCALE / language / "LC_MESSAGES"
    with (directory / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    entries = [e for e in polib.pofile(str(directory / "django.po")) if not e.obsolete]
    assert entries
    for entry in entries:
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        else:
            assert entry.msgstr, f"untranslated: {entry.msgid}"
            if entry.msgctxt:
                assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
            else:
                assert compiled.gettext(entry.msgid) == entry.msgstr


@pytest.mark.django_db
def test_indonesian_by_default_even_for_english_browsers(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.OPERATOR_DINAS, full_name="Rina"))
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Selamat datang, Rina" in body


@pytest.mark.django_db
def test_english_when_chosen(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.OPERATOR_DINAS, full_name="Rina"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Welcome, Rina" in body
    assert "Office operator" in body
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert "Selamat datang" in client.get("/").content.decode()
