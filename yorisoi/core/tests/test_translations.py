"""English is complete: every app's catalogue is translated, compiled, and covers its source.

Japanese is the source language, so a string someone adds without running
`scripts/make-messages <app>` and translating it would show in Japanese to English readers.
These tests make that fail CI.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

APPS_DIR = Path(__file__).resolve().parents[2]  # .../yorisoi
APPS = sorted(p.parent.name for p in APPS_DIR.glob("*/apps.py"))
CATALOGUES = sorted(APPS_DIR.glob("*/locale/en/LC_MESSAGES/django.po"))


def _catalogue_id(path: Path) -> str:
    return path.relative_to(APPS_DIR).parts[0]


def _key(entry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def test_at_least_core_has_a_catalogue():
    assert APPS_DIR / "core/locale/en/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_catalogue_id)
def test_every_msgid_has_an_english_msgstr(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries() if not e.obsolete]
    assert not untranslated, (
        f"{po_path}: fill the English msgstr of {untranslated}, then run scripts/make-messages"
    )


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_catalogue_id)
def test_no_fuzzy_entries(po_path):
    po = polib.pofile(str(po_path))
    fuzzy = [e.msgid for e in po.fuzzy_entries() if not e.obsolete]
    assert not fuzzy, f"{po_path}: check and un-fuzzy {fuzzy} (Django ignores fuzzy entries)"
    assert not po.metadata_is_fuzzy, f"{po_path}: remove '#, fuzzy' from the header entry"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_catalogue_id)
def test_compiled_mo_matches_po(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run scripts/make-messages"
    po = polib.pofile(str(po_path))
    mo = polib.mofile(str(mo_path))
    in_po = {
        _key(e): (e.msgstr, e.msgstr_plural)
        for e in po.translated_entries()
        if not e.obsolete and not e.fuzzy
    }
    in_mo = {_key(e): (e.msgstr, e.msgstr_plural) for e in mo if e.msgid}
    stale = sorted(str(k[1]) for k in in_po.keys() | in_mo.keys() if in_po.get(k) != in_mo.get(k))
    assert not stale, f"{mo_path} is out of date for {stale[:5]}: run scripts/make-messages"


def _extract(app: str, tmp_path: Path) -> polib.POFile:
    """Run makemessages exactly as scripts/make-messages does, on a throwaway copy of the app."""
    copy = tmp_path / app
    shutil.copytree(
        APPS_DIR / app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    )
    (copy / "locale").mkdir(exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-P",  # the app's own selectors.py must not shadow the standard library's
            "-m",
            "yorisoi",
            "makemessages",
            "-l",
            "en",
            "--no-obsolete",
            "--no-location",
            "-i",
            "tests/*",
            "-i",
            "migrations/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=120,
    )
    extracted = copy / "locale/en/LC_MESSAGES/django.po"
    return polib.pofile(str(extracted)) if extracted.exists() else polib.POFile()


@pytest.mark.parametrize("app", APPS)
def test_catalogue_covers_every_string_in_the_source(app, tmp_path):
    extracted = {_key(e) for e in _extract(app, tmp_path) if not e.obsolete}
    po_path = APPS_DIR / app / "locale/en/LC_MESSAGES/django.po"
    committed = (
        {_key(e) for e in polib.pofile(str(po_path)) if not e.obsolete}
        if po_path.exists()
        else set()
    )
    missing = sorted(str(k[1]) for k in extracted - committed)
    assert not missing, (
        f"yorisoi/{app} has strings missing from its English catalogue: {missing[:5]} "
        f"({len(missing)} in all). Run scripts/make-messages {app} and translate them."
    )


@pytest.mark.django_db
def test_login_page_is_japanese_by_default(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert "本文へ移動" in html
    assert "Skip to main content" not in html


@pytest.mark.django_db
def test_switching_to_english_keeps_the_page_and_translates_it(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/accounts/login/?next=/"}, follow=False
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"

    html = client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    assert "本文へ移動" not in html
    # The switch back is offered in its own language.
    assert 'lang="ja">日本語</button>' in html


@pytest.mark.django_db
def test_switching_back_to_japanese(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    client.post("/i18n/setlang/", {"language": "ja", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="ja">' in html
    assert 'lang="en">English</button>' in html
