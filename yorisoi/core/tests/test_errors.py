"""Error pages are calm, Japanese by default, say what to do, and reveal nothing."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.test import Client
from django.urls import include, path


# Strangers get the same calm pages (the probes are open, as error pages are).
@login_not_required
def _boom(request):
    raise RuntimeError("secret-detail-from-the-code")


@login_not_required
def _hidden(request):
    # What a selector does for an object the user may not see: a plain 404.
    raise Http404("ケース 42 は別のセンターのものです")


urlpatterns = [
    path("test-boom/", _boom),
    path("test-hidden/", _hidden),
    path("", include("yorisoi.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _main(html: str) -> str:
    return re.search(r"<main.*?</main>", html, re.S).group(0)


def test_unknown_page_is_a_calm_japanese_404(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "ページが見つかりません" in html
    assert "ホームに戻る" in html
    assert "Traceback" not in html


def test_404_for_a_hidden_object_looks_exactly_like_one_for_nothing(client, worker1):
    client.force_login(worker1)
    hidden = client.get("/test-hidden/")
    missing = client.get("/no-such-page/")
    assert hidden.status_code == missing.status_code == 404
    assert "ケース 42" not in hidden.content.decode()
    assert _main(hidden.content.decode()) == _main(missing.content.decode())


def test_404_in_english(client):
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html
    assert "Back to home" in html


def test_server_error_shows_a_calm_page_without_details(client):
    client.raise_request_exception = False
    response = client.get("/test-boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "システムでエラーが発生しました" in html
    assert "システム管理者に連絡" in html
    assert "secret-detail-from-the-code" not in html
    assert "Traceback" not in html


def test_expired_form_token_explains_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "worker1", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "もう一度お試しください" in html
    assert "内容は保存されていません" in html
    assert "CSRF verification failed" not in html
