"""Pages served to a signed-in user are never stored by the browser or a proxy.

Support workers share computers; after signing out, the back button or the browser cache must
not bring back a person's page.
"""

from __future__ import annotations

from django.urls import reverse

from yorisoi.accounts.models import Role
from yorisoi.cases.tests.factories import make_case
from yorisoi.conftest import make_user


def _no_store(response) -> bool:
    value = response.get("Cache-Control", "")
    return "no-store" in value and "private" in value


def test_personal_data_pages_are_not_stored(client, worker1, center1):
    case = make_case(worker1, center1)
    client.force_login(worker1)
    for url in (
        reverse("core:home"),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:list"),
        reverse("people:detail", args=[case.person_id]),
        reverse("people:search") + "?q=てすと",
        reverse("people:duplicates") + "?family_name_kana=てすと",
        reverse("cases:plan_list", args=[case.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), (url, response.get("Cache-Control"))


def test_a_not_found_page_for_a_signed_in_user_is_not_stored(client, worker2, center1):
    case = make_case(make_user("holder", (center1, Role.WORKER)), center1)
    client.force_login(worker2)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 404
    assert _no_store(response)


def test_an_existing_cache_header_is_kept(client, db):
    response = client.get(reverse("core:healthz"))
    assert "max-age=0" in response["Cache-Control"]
