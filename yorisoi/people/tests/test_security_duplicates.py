"""The duplicate-check fragments list only persons the asking user may see.

Both fragments (people:duplicates and cases:intake_duplicates) answer every signed-in user, so
they are the easiest place to probe for a person of another center by typing a reading, a name
or a phone number.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from .factories import person_with_case

PEOPLE_URL = reverse("people:duplicates")
INTAKE_URL = reverse("cases:intake_duplicates")


@pytest.fixture
def center1_person(center1):
    return person_with_case(
        center1,
        family_name="秘密",
        given_name="花子",
        family_name_kana="ヒミツ",
        given_name_kana="ハナコ",
        birth_date=date(1985, 3, 3),
        phone="090-7777-8888",
        ward="北区",
    )


PROBES = [
    {"family_name_kana": "ひみつ", "given_name_kana": "はなこ", "birth_date": "1985-03-03"},
    {"family_name": "秘密", "given_name": "花子", "birth_date": "1985-03-03"},
    {"phone": "09077778888"},
]


def _get(client, url, params):
    if url == INTAKE_URL:
        # The intake form's person fields carry the prefix "person-".
        params = {k if k == "person_id" else f"person-{k}": v for k, v in params.items()}
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("params", PROBES)
@pytest.mark.parametrize("url", [PEOPLE_URL, INTAKE_URL])
def test_worker_of_another_center_finds_nothing(client, worker2, center1_person, url, params):
    client.force_login(worker2)
    body = _get(client, url, params)
    assert "花子" not in body
    assert "ハナコ" not in body
    assert f"/people/{center1_person.pk}/" not in body
    assert "同じ方かもしれません" not in body


@pytest.mark.parametrize("params", PROBES)
def test_prefixed_fields_on_the_people_fragment_find_nothing_either(
    client, worker2, center1_person, params
):
    client.force_login(worker2)
    body = _get(client, PEOPLE_URL, {f"person-{k}": v for k, v in params.items()})
    assert "花子" not in body
    assert f"/people/{center1_person.pk}/" not in body


@pytest.mark.parametrize("role", ["peer1", "partner1", "analyst1", "admin_user", "manager2"])
@pytest.mark.parametrize("url", [PEOPLE_URL, INTAKE_URL])
def test_other_roles_get_an_empty_fragment(client, request, center1_person, url, role):
    client.force_login(request.getfixturevalue(role))
    body = _get(client, url, PROBES[0])
    assert "花子" not in body
    assert f"/people/{center1_person.pk}/" not in body


@pytest.mark.parametrize("url", [PEOPLE_URL, INTAKE_URL])
def test_the_centers_own_worker_is_warned(client, worker1, center1_person, url):
    client.force_login(worker1)
    body = _get(client, url, PROBES[0])
    assert "花子" in body
    assert f"/people/{center1_person.pk}/" in body


def test_a_chosen_person_id_of_another_center_is_not_echoed_as_a_candidate(
    client, worker2, center1_person
):
    client.force_login(worker2)
    body = _get(client, INTAKE_URL, {**PROBES[0], "person_id": center1_person.pk})
    assert "花子" not in body
    assert f"/people/{center1_person.pk}/" not in body


def test_admin_with_break_glass_on_the_case_still_gets_no_candidates(
    client, admin_user, center1_person
):
    from yorisoi.audit.services import break_glass_open

    case = center1_person.cases.get()
    break_glass_open(
        user=admin_user, object_type="cases.case", object_id=str(case.pk), reason="緊急の照会のため"
    )
    client.force_login(admin_user)
    for url in (PEOPLE_URL, INTAKE_URL):
        body = _get(client, url, PROBES[0])
        assert "花子" not in body
