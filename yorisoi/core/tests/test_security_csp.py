"""Every response carries a Content-Security-Policy: scripts and styles only from our own files
(no 'unsafe-inline', no eval), no framing, and no template with an inline script or handler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError
from django.test import Client


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def _assert_strict(response) -> None:
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/healthz", "/no-such-page/", "/", "/static/core/yorisoi.css"],
)
def test_pages_redirects_errors_and_static_files_carry_the_policy(client, url):
    _assert_strict(client.get(url))


@pytest.mark.django_db
def test_signed_in_pages_and_htmx_fragments_carry_the_policy(client, worker1):
    client.force_login(worker1)
    _assert_strict(client.get("/"))
    _assert_strict(client.get("/people/?q=x", headers={"HX-Request": "true"}))


def test_the_calm_database_page_carries_the_policy(monkeypatch):
    def down(self, request):
        raise OperationalError("connection refused")

    # Reading the session is the first database access of a request.
    monkeypatch.setattr(SessionMiddleware, "process_request", down)
    response = Client(raise_request_exception=False).get("/accounts/login/")
    assert response.status_code == 503
    _assert_strict(response)


TEMPLATE_DIRS = sorted(Path(__file__).resolve().parents[2].glob("*/templates"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*["']""", re.I)
STYLE_BLOCK = re.compile(r"<style[\s>]", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
# Rendered for WeasyPrint only (the PDF report), never served to a browser.
NOT_FOR_BROWSERS = {"reports/council_report.html"}


def _served_templates():
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            if str(path.relative_to(directory)) not in NOT_FOR_BROWSERS:
                yield directory, path


def test_no_template_has_an_inline_script_handler_or_style():
    found = []
    for directory, path in _served_templates():
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JS_URL, STYLE_BLOCK, STYLE_ATTRIBUTE):
            for match in pattern.finditer(text):
                if "nonce=" not in text[match.start() : text.find(">", match.start())]:
                    found.append(f"{path.relative_to(directory.parent)}: {match.group(0)}")
    assert not found, "Inline code the Content-Security-Policy blocks:\n" + "\n".join(found)


def test_the_template_check_would_catch_an_inline_handler():
    assert INLINE_HANDLER.search('<button onclick="window.print()">')
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert STYLE_ATTRIBUTE.search('<p style="color: red">')
