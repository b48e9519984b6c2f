"""Who reaches which case URL: the owner, colleagues, managers, other centers, other roles."""

from __future__ import annotations

import pytest

from yorisoi.cases.models import Contact

from .factories import make_case

PAGES = ["detail", "contact_new", "contact_edit", "status", "phase", "risk", "assign"]
WRITES = {"contact_new", "contact_edit", "status", "phase", "risk"}


def _url(case, page: str) -> str:
    contact = Contact.objects.filter(case=case).first()
    return {
        "detail": f"/cases/{case.pk}/",
        "contact_new": f"/cases/{case.pk}/contacts/new/",
        "contact_edit": f"/cases/{case.pk}/contacts/{contact.pk}/edit/",
        "status": f"/cases/{case.pk}/status/",
        "phase": f"/cases/{case.pk}/phase/",
        "risk": f"/cases/{case.pk}/risk/",
        "assign": f"/cases/{case.pk}/assign/",
    }[page]


def _expected(who: str, page: str) -> int:
    if who in ("worker2", "manager2", "peer1", "partner1", "analyst1"):
        return 404
    if who == "manager1":
        return 200
    if page == "detail":
        return 200
    if page == "assign":
        return 403
    return 200 if who == "worker1" else 403


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    "who",
    ["worker1", "worker1b", "manager1", "worker2", "manager2", "peer1", "partner1", "analyst1"],
)
def test_get_matrix(client, request, case_c1, center2, who, page):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(case_c1, page)).status_code == _expected(who, page)


@pytest.mark.parametrize("page", sorted(WRITES | {"assign"}))
@pytest.mark.parametrize("who", ["worker1b", "worker2", "manager2", "peer1"])
def test_post_refused_without_writing(client, request, case_c1, center2, who, page):
    client.force_login(request.getfixturevalue(who))
    before = (case_c1.version, Contact.objects.count())
    response = client.post(
        _url(case_c1, page),
        {"method": "visit", "consulter": "self", "status": "assessment", "version": "1"},
    )
    assert response.status_code == (403 if who == "worker1b" else 404)
    case_c1.refresh_from_db()
    assert (case_c1.version, Contact.objects.count()) == before


@pytest.mark.parametrize("page", sorted(WRITES))
def test_secondary_worker_may_write(client, manager1, worker1b, case_c1, page):
    case_c1.secondary_workers.add(worker1b)
    client.force_login(worker1b)
    assert client.get(_url(case_c1, page)).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_login(client, case_c1, page):
    response = client.get(_url(case_c1, page))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_admin_without_break_glass_finds_no_case(client, admin_user, case_c1):
    client.force_login(admin_user)
    assert client.get(f"/cases/{case_c1.pk}/").status_code == 404
    assert client.get("/cases/").status_code == 404


@pytest.mark.parametrize("who", ["peer1", "partner1", "analyst1"])
def test_roles_without_cases_have_no_list(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/cases/").status_code == 404


def test_nav_shows_intake_and_list_to_workers_only(client, worker1, peer1):
    client.force_login(worker1)
    body = client.get("/").content.decode()
    assert 'href="/cases/intake/"' in body and 'href="/cases/"' in body
    client.force_login(peer1)
    body = client.get("/").content.decode()
    assert 'href="/cases/intake/"' not in body


@pytest.mark.parametrize(
    ("who", "expected"),
    [("worker1", 403), ("worker1b", 403), ("manager1", 302), ("worker2", 404), ("peer1", 404)],
)
def test_risk_acknowledge_is_for_managers_of_the_center(
    client, request, case_c1, center2, who, expected
):
    client.force_login(request.getfixturevalue(who))
    assert client.post(f"/cases/{case_c1.pk}/risk/acknowledge/").status_code == expected


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("worker1b", True),
        ("peer1", False),
        ("partner1", False),
        ("analyst1", False),
        ("worker2", False),
    ],
)
def test_duplicate_fragment_reveals_nothing_to_others(
    client, request, worker1, center1, center2, who, sees
):
    make_case(worker1, center1, person_data={"family_name_kana": "やまだ", "age_band": "40s"})
    client.force_login(request.getfixturevalue(who))
    response = client.get(
        "/cases/intake/duplicates/",
        {"person-family_name_kana": "やまだ", "person-age_band": "40s"},
    )
    assert response.status_code == 200
    assert ("やまだ" in response.content.decode()) is sees
