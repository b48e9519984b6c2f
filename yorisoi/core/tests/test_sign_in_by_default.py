"""Sign-in by default: a view nobody marked is behind the login page, without a decorator of its
own; strangers reach only the views marked @login_not_required, and the error pages."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.urls import include, path


def unmarked(request):
    return HttpResponse("only for staff")


urlpatterns = [
    path("test-unmarked/", unmarked),
    path("", include("yorisoi.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_a_view_without_any_decorator_sends_strangers_to_the_login_page(client, worker1):
    response = client.get("/test-unmarked/?tab=2")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/test-unmarked/%3Ftab%3D2"
    assert b"only for staff" not in response.content

    client.force_login(worker1)
    assert client.get("/test-unmarked/").content == b"only for staff"


def test_a_post_from_a_stranger_is_sent_to_the_login_page_too(client):
    response = client.post("/test-unmarked/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_strangers_get_the_404_page_for_an_unknown_address_not_the_login_page(client):
    # Error pages are not views behind the middleware: they reach strangers as they are.
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_the_login_page_health_check_and_language_switch_open_to_strangers(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz").status_code == 200
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "Sign in" in client.get("/accounts/login/").content.decode()
