"""The audit log tells an admin who did what to which record, never the record's content.

An admin reads case content only through break-glass; the log's changed values (names, birth
dates, contact subjects) and free-text reasons are content, so they are shown only to managers
of the center the event belongs to.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from yorisoi.audit import services
from yorisoi.cases import services as case_services
from yorisoi.cases.models import Case, Consulter, Method, Status


@pytest.fixture
def case_work(worker1, center1):
    contact = case_services.intake_record(
        user=worker1,
        center=center1,
        person_data={
            "family_name": "秘密",
            "given_name": "花子",
            "family_name_kana": "ひみつ",
            "birth_date": date(1985, 3, 3),
        },
        consulter=Consulter.FAMILY,
        consulter_relationship="mother",
        consulter_name="秘密 良子",
        consulter_detail="母・良子さん",
        method=Method.PHONE,
        summary="母より、息子の暴力について電話",
    )
    case = Case.objects.get(pk=contact.case_id)
    case_services.case_change_status(
        user=worker1,
        case=case,
        status=Status.CLOSED,
        closure_reason="other",
        reason="精神科病院に入院したため",
    )
    return case, contact


CONTENT = ["花子", "1985-03-03", "良子", "息子の暴力", "精神科病院に入院"]


def _pages(case, contact):
    return [
        reverse("audit:center_log"),
        reverse("audit:object_log", args=["cases.case", case.pk]),
        reverse("audit:object_log", args=["cases.contact", contact.pk]),
        reverse("audit:object_log", args=["people.person", case.person_id]),
    ]


def test_admin_sees_who_and_what_but_no_content(client, admin_user, case_work):
    case, contact = case_work
    client.force_login(admin_user)
    for url in _pages(case, contact):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "worker1" in page, url
        for text in CONTENT:
            assert text not in page, (url, text)


def test_admin_sees_field_names_of_what_changed(client, admin_user, case_work):
    case, _contact = case_work
    client.force_login(admin_user)
    page = client.get(reverse("audit:object_log", args=["cases.case", case.pk])).content.decode()
    assert "状況" in page  # the field's label


def test_manager_of_the_center_sees_the_content(client, manager1, case_work):
    case, _contact = case_work
    client.force_login(manager1)
    page = client.get(reverse("audit:center_log")).content.decode()
    assert "息子の暴力" in page
    assert "精神科病院に入院したため" in page
    page = client.get(reverse("audit:object_log", args=["cases.case", case.pk])).content.decode()
    assert "受付 → 終結" in page


def test_manager_of_another_center_sees_nothing_of_it(client, manager2, case_work):
    case, contact = case_work
    client.force_login(manager2)
    for url in _pages(case, contact)[1:]:
        assert client.get(url).status_code == 404
    page = client.get(reverse("audit:center_log")).content.decode()
    for text in CONTENT:
        assert text not in page


def test_admin_still_sees_break_glass_reasons_and_role_changes(client, admin_user, worker1):
    services.record(
        actor=admin_user,
        action="security",
        object_type="accounts.user",
        object_id=worker1.pk,
        changes={"roles": [["worker@1"], ["manager@1"]]},
        reason="異動のため",
    )
    services.record(
        actor=admin_user,
        action="break_glass",
        object_type="cases.case",
        object_id=99,
        changes={"expires_at": [None, "2030-01-01 10:00"]},
        reason="警察からの照会に答えるため",
    )
    client.force_login(admin_user)
    page = client.get(reverse("audit:center_log")).content.decode()
    assert "manager@1" in page and "異動のため" in page
    assert "警察からの照会に答えるため" in page


def test_list_and_search_views_are_labelled(client, manager1, center1):
    services.record(
        actor=manager1,
        action="view",
        object_type="cases.case",
        center_id=center1.pk,
        changes={"case_ids": [1, 2]},
        reason="home",
    )
    client.force_login(manager1)
    page = client.get(reverse("audit:center_log")).content.decode()
    assert "一覧に表示したケース" in page
