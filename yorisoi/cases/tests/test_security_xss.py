"""User input (names, notes, plan goals, reasons) is escaped on every page that shows it,
including the plan comparison, which adds <ins>/<del> around the changed words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases import services
from yorisoi.cases.models import Case, Consulter, Contact, Method
from yorisoi.people import services as people_services

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
PAYLOAD = SCRIPT + IMG
# What must never reach a page unescaped.
RAW = ["<script>alert(1)", "<img src=x", "onerror=alert(2)>"]


@pytest.fixture
def hostile_case(worker1, center1):
    contact = services.intake_record(
        user=worker1,
        center=center1,
        person_data={
            "family_name": SCRIPT,
            "given_name": IMG,
            "family_name_kana": "えっくす",
            "given_name_kana": SCRIPT,
            "nickname": SCRIPT,
            "ward": IMG,
            "phone": "090-1234-5678",
        },
        consulter=Consulter.FAMILY,
        consulter_relationship="mother",
        consulter_name=PAYLOAD,
        consulter_detail=PAYLOAD,
        method=Method.PHONE,
        occurred_at=timezone.now() - timedelta(days=40),
        summary=PAYLOAD,
        note=PAYLOAD,
        follow_up=PAYLOAD,
        next_contact_on=timezone.localdate() - timedelta(days=3),
    )
    case = Case.objects.get(pk=contact.case_id)
    people_services.household_member_add(
        user=worker1,
        person=case.person,
        data={"relationship": "father", "name": PAYLOAD, "note": PAYLOAD, "age": 75},
    )
    services.case_set_risk(user=worker1, case=case, flags={"violence": True}, note=PAYLOAD)
    services.plan_version_create(
        user=worker1,
        case=case,
        data={"goals": f"外に出たい{SCRIPT}", "planned_supports": PAYLOAD, "agreed_by": PAYLOAD},
    )
    services.plan_version_create(
        user=worker1,
        case=case,
        data={
            "goals": f"外に一人で出たい{IMG}",
            "planned_supports": f"{PAYLOAD}追加",
            "agreed_by": PAYLOAD,
        },
    )
    services.case_change_phase(user=worker1, case=case, phase="individual", reason=PAYLOAD)
    case.refresh_from_db()
    return case


def _pages(case: Case) -> list[str]:
    contact = Contact.objects.filter(case=case).first()
    member = case.person.household.members.first()
    return [
        reverse("core:home"),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:detail", args=[case.pk]) + "?all=1",
        reverse("cases:list"),
        reverse("cases:list") + "?q=えっくす",
        reverse("cases:contact_edit", args=[case.pk, contact.pk]),
        reverse("cases:contact_create", args=[case.pk]),
        reverse("cases:status", args=[case.pk]),
        reverse("cases:risk", args=[case.pk]),
        reverse("cases:plan_list", args=[case.pk]),
        reverse("cases:plan_detail", args=[case.pk, 1]),
        reverse("cases:plan_detail", args=[case.pk, 2]),
        reverse("cases:plan_compare", args=[case.pk]) + "?a=1&b=2",
        reverse("cases:plan_new", args=[case.pk]),
        reverse("people:search") + "?q=えっくす",
        reverse("people:detail", args=[case.person_id]),
        reverse("people:edit", args=[case.person_id]),
        reverse("people:household", args=[case.person_id]),
        reverse("people:member_edit", args=[case.person_id, member.pk]),
        reverse("people:member_remove", args=[case.person_id, member.pk]),
    ]


def _assert_escaped(body: str, where: str) -> None:
    for raw in RAW:
        assert raw not in body, (where, raw)


def test_worker_pages_escape_user_input(client, worker1, hostile_case):
    client.force_login(worker1)
    for url in _pages(hostile_case):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.content.decode(), url)


def test_the_escaped_text_is_still_shown(client, worker1, hostile_case):
    client.force_login(worker1)
    body = client.get(reverse("cases:detail", args=[hostile_case.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_plan_compare_escapes_before_marking_changes(client, worker1, hostile_case):
    client.force_login(worker1)
    url = reverse("cases:plan_compare", args=[hostile_case.pk]) + "?a=1&b=2"
    body = client.get(url).content.decode()
    _assert_escaped(body, url)
    assert "<ins>" in body and "<del>" in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body


def test_manager_pages_escape_user_input(client, manager1, hostile_case):
    client.force_login(manager1)
    for url in (
        reverse("core:home"),
        reverse("cases:manage"),
        reverse("cases:manage") + f"?from={hostile_case.primary_worker_id}",
        reverse("audit:center_log"),
        reverse("audit:object_log", args=["cases.case", hostile_case.pk]),
        reverse("cases:assign", args=[hostile_case.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.content.decode(), url)


def test_fragments_escape_user_input(client, worker1, hostile_case):
    client.force_login(worker1)
    for url, params in (
        (reverse("people:duplicates"), {"family_name": SCRIPT, "given_name": IMG}),
        (reverse("people:duplicates"), {"phone": "09012345678"}),
        (reverse("cases:intake_duplicates"), {"person-phone": "09012345678"}),
        (reverse("cases:intake_duplicates"), {"person-phone": "0", "person_id": PAYLOAD}),
    ):
        response = client.get(url, params)
        assert response.status_code == 200
        _assert_escaped(response.content.decode(), url)
    response = client.get(
        reverse("people:search"),
        {"q": PAYLOAD},
        headers={"HX-Request": "true", "HX-Target": "search-results"},
    )
    _assert_escaped(response.content.decode(), "search fragment")


def test_search_echoes_the_query_escaped(client, worker1, hostile_case):
    client.force_login(worker1)
    body = client.get(reverse("people:search"), {"q": PAYLOAD}).content.decode()
    _assert_escaped(body, "search")


def test_stale_edit_table_escapes_both_sides(client, worker1, hostile_case):
    contact = Contact.objects.filter(case=hostile_case).first()
    services.contact_update(
        user=worker1, contact=contact, data={"summary": IMG + "theirs"}, expected_version=1
    )
    client.force_login(worker1)
    when = timezone.localtime(contact.occurred_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("cases:contact_edit", args=[hostile_case.pk, contact.pk]),
        {
            "occurred_at": when,
            "method": "phone",
            "consulter": "family",
            "summary": SCRIPT + "mine",
            "version": "1",
        },
    )
    assert response.status_code == 200
    _assert_escaped(response.content.decode(), "stale")
