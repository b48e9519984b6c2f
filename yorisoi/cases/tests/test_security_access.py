"""Objects fetched by id must belong to the case or person in the URL (no IDOR across cases),
writes need the write permission, and an admin without break-glass reads no case content."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.audit.services import break_glass_open
from yorisoi.cases import services
from yorisoi.cases.models import Contact, Status
from yorisoi.people.models import HouseholdMember, Relationship

from .factories import make_case


def _contact_form(**overrides):
    when = timezone.localtime() - timedelta(minutes=10)
    data = {
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "method": "phone",
        "consulter": "self",
        "summary": "電話",
        "note": "書き換え",
        "version": "1",
        "submission_token": "sec-token",
    }
    data.update(overrides)
    return data


@pytest.fixture
def colleague_case(worker1b, center1):
    """A case at center 1 held by worker1b: worker1 may read it but does not hold it."""
    return make_case(worker1b, center1)


def _first_contact(case) -> Contact:
    return Contact.objects.filter(case=case).order_by("pk").first()


def test_contact_of_another_case_at_the_same_center_is_404(
    client, worker1, case_c1, colleague_case
):
    other = _first_contact(colleague_case)
    client.force_login(worker1)
    url = reverse("cases:contact_edit", args=[case_c1.pk, other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _contact_form()).status_code == 404
    other.refresh_from_db()
    assert other.note != "書き換え"


def test_contact_of_another_centers_case_is_404(client, worker1, case_c1, case_c2):
    other = _first_contact(case_c2)
    client.force_login(worker1)
    url = reverse("cases:contact_edit", args=[case_c1.pk, other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _contact_form()).status_code == 404


def test_colleague_without_assignment_cannot_write_a_contact(client, worker1b, case_c1):
    contact = _first_contact(case_c1)
    client.force_login(worker1b)
    before = Contact.objects.count()
    response = client.post(reverse("cases:contact_create", args=[case_c1.pk]), _contact_form())
    assert response.status_code == 403
    assert Contact.objects.count() == before
    url = reverse("cases:contact_edit", args=[case_c1.pk, contact.pk])
    assert client.post(url, _contact_form()).status_code == 403
    contact.refresh_from_db()
    assert contact.note != "書き換え"


@pytest.mark.parametrize(
    "name", ["cases:status", "cases:phase", "cases:risk", "cases:assign", "cases:plan_new"]
)
def test_colleague_posts_to_change_forms_are_refused(client, worker1b, case_c1, name):
    client.force_login(worker1b)
    response = client.post(
        reverse(name, args=[case_c1.pk]),
        {"status": Status.CLOSED, "closure_reason": "other", "version": "1", "goals": "x"},
    )
    assert response.status_code == 403
    case_c1.refresh_from_db()
    assert case_c1.status == Status.INTAKE and case_c1.version == 1


def test_submission_token_of_another_centers_contact_is_refused(
    client, worker1, worker2, case_c1, case_c2
):
    theirs = services.contact_record(
        user=worker2, case=case_c2, method="phone", consulter="self", submission_token="shared"
    )
    client.force_login(worker1)
    response = client.post(
        reverse("cases:contact_create", args=[case_c1.pk]),
        _contact_form(submission_token="shared"),
    )
    assert response.status_code == 403
    assert f"/cases/{case_c2.pk}/" not in response.get("Location", "")
    assert Contact.objects.get(pk=theirs.pk).case_id == case_c2.pk


def test_consulter_member_of_another_household_is_refused(client, worker1, case_c1, colleague_case):
    stranger = HouseholdMember.objects.create(
        household=services.people_services.household_ensure(
            user=colleague_case.primary_worker, person=colleague_case.person
        ),
        relationship=Relationship.MOTHER,
        name="別の世帯の母",
    )
    client.force_login(worker1)
    response = client.post(
        reverse("cases:contact_create", args=[case_c1.pk]),
        _contact_form(consulter="family", consulter_member=stranger.pk),
    )
    assert response.status_code == 200
    assert "consulter_member" in response.context["form"].errors
    assert not Contact.objects.filter(consulter_member=stranger).exists()


# --- household members belong to the person in the URL -------------------------------------


def test_member_of_another_household_is_404(client, worker1, case_c1, colleague_case):
    member = HouseholdMember.objects.filter(household=colleague_case.person.household).first()
    assert member is not None  # the intake recorded the consulting mother
    client.force_login(worker1)
    for name in ("people:member_edit", "people:member_remove"):
        url = reverse(name, args=[case_c1.person_id, member.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"relationship": "father", "name": "x"}).status_code == 404
    assert HouseholdMember.objects.filter(pk=member.pk, relationship="mother").exists()


def test_member_remove_by_get_removes_nothing(client, worker1, case_c1):
    member = HouseholdMember.objects.filter(household=case_c1.person.household).first()
    client.force_login(worker1)
    response = client.get(reverse("people:member_remove", args=[case_c1.person_id, member.pk]))
    assert response.status_code == 200
    assert HouseholdMember.objects.filter(pk=member.pk).exists()


# --- admin: no case content without break-glass ---------------------------------------------


def _content_urls(case):
    contact = _first_contact(case)
    services.plan_version_create(
        user=case.primary_worker, case=case, data={"goals": "コンビニに行けるようになりたい"}
    )
    services.plan_version_create(
        user=case.primary_worker, case=case, data={"goals": "コンビニに一人で行きたい"}
    )
    member = HouseholdMember.objects.filter(household=case.person.household).first()
    return [
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:contact_edit", args=[case.pk, contact.pk]),
        reverse("cases:contact_create", args=[case.pk]),
        reverse("cases:status", args=[case.pk]),
        reverse("cases:risk", args=[case.pk]),
        reverse("cases:plan_list", args=[case.pk]),
        reverse("cases:plan_detail", args=[case.pk, 1]),
        reverse("cases:plan_compare", args=[case.pk]) + "?a=1&b=2",
        reverse("cases:plan_new", args=[case.pk]),
        reverse("people:detail", args=[case.person_id]),
        reverse("people:edit", args=[case.person_id]),
        reverse("people:household", args=[case.person_id]),
        reverse("people:member_edit", args=[case.person_id, member.pk]),
    ]


def test_admin_without_break_glass_reads_no_case_content(client, admin_user, case_c1):
    urls = _content_urls(case_c1)
    client.force_login(admin_user)
    got = {url: client.get(url).status_code for url in urls}
    assert got == dict.fromkeys(urls, 404)


def test_admin_with_break_glass_reads_the_case_but_writes_nothing(client, admin_user, case_c1):
    urls = _content_urls(case_c1)
    break_glass_open(
        user=admin_user,
        object_type="cases.case",
        object_id=str(case_c1.pk),
        reason="警察からの緊急照会に対応するため",
    )
    client.force_login(admin_user)
    assert client.get(urls[0]).status_code == 200
    assert "コンビニに一人で行きたい" in client.get(urls[5]).content.decode()
    for url in (urls[1], urls[2], urls[3], urls[4], urls[8]):
        assert client.get(url).status_code == 403, url
    before = Contact.objects.count()
    assert client.post(urls[2], _contact_form()).status_code == 403
    assert Contact.objects.count() == before


def test_break_glass_on_one_case_opens_no_other(client, admin_user, case_c1, colleague_case):
    break_glass_open(
        user=admin_user,
        object_type="cases.case",
        object_id=str(case_c1.pk),
        reason="警察からの緊急照会に対応するため",
    )
    client.force_login(admin_user)
    assert client.get(reverse("cases:detail", args=[colleague_case.pk])).status_code == 404


# --- audit view events ----------------------------------------------------------------------


def test_contact_edit_page_records_a_view_of_the_contact(client, worker1, case_c1):
    contact = _first_contact(case_c1)
    client.force_login(worker1)
    client.get(reverse("cases:contact_edit", args=[case_c1.pk, contact.pk]))
    assert AuditEvent.objects.filter(
        action="view", object_type="cases.contact", object_id=str(contact.pk), actor=worker1
    ).exists()


@pytest.mark.parametrize(
    "name", ["cases:detail", "cases:plan_list", "cases:plan_compare", "cases:plan_new"]
)
def test_case_pages_record_a_view(client, worker1, case_c1, name):
    client.force_login(worker1)
    client.get(reverse(name, args=[case_c1.pk]))
    assert AuditEvent.objects.filter(
        action="view", object_type="cases.case", object_id=str(case_c1.pk), actor=worker1
    ).exists()


def test_person_pages_record_a_view(client, worker1, case_c1):
    client.force_login(worker1)
    for name in ("people:detail", "people:household", "people:edit"):
        before = AuditEvent.objects.filter(
            action="view", object_type="people.person", object_id=str(case_c1.person_id)
        ).count()
        client.get(reverse(name, args=[case_c1.person_id]))
        after = AuditEvent.objects.filter(
            action="view", object_type="people.person", object_id=str(case_c1.person_id)
        ).count()
        assert after == before + 1, name
