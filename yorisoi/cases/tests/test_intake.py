"""The quick intake form (/cases/intake/), through HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yorisoi.accounts.models import Center
from yorisoi.cases.models import Case, Contact
from yorisoi.people.models import HouseholdMember, Person

from .factories import make_case

URL = "/cases/intake/"


def _post(client, **overrides):
    data = {
        "method": "phone",
        "consulter": "family",
        "consulter_relationship": "mother",
        "consulter_age": "78",
        "summary": "息子が8年間自室から出ない",
        "note": "夜は台所に出てくる。",
        "submission_token": "token-1",
        "next_contact_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "person-age_band": "unknown",
        "person-sex": "unanswered",
    }
    first_center = Center.objects.order_by("pk").first()
    data["center"] = str(first_center.pk if first_center else 0)
    data.update(overrides)
    return client.post(URL, data)


@pytest.mark.parametrize("who", ["worker1", "worker1b", "manager1", "worker2"])
def test_staff_of_a_center_get_the_form(client, request, who, center1, center2):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "autofocus" in body
    assert "本人について分かること" in body
    assert 'aria-live="polite"' in body


@pytest.mark.parametrize("who", ["peer1", "partner1", "analyst1"])
def test_roles_without_cases_find_no_intake(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404
    assert _post(client).status_code == 404


def test_anonymous_user_is_sent_to_login(client, center1):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_form_defaults_to_a_phone_call_from_the_mother(client, worker1):
    client.force_login(worker1)
    form = client.get(URL).context["form"]
    assert form["method"].value() == "phone"
    assert form["consulter"].value() == "family"
    assert form["consulter_relationship"].value() == "mother"
    assert form["submission_token"].value()


def test_anonymous_phone_call_from_a_mother_opens_a_case(client, worker1, center1):
    client.force_login(worker1)
    response = _post(client)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    person = Person.objects.get()
    assert person.is_anonymous and case.person == person and case.center == center1
    assert case.primary_worker == worker1 and case.status == "intake"
    mother = HouseholdMember.objects.get(household=person.household)
    assert (mother.relationship, mother.age) == ("mother", 78)
    contact = Contact.objects.get()
    assert contact.is_intake and contact.consulter_member == mother
    assert contact.note == "夜は台所に出てくる。"
    assert case.next_contact_on == timezone.localdate() + timedelta(days=7)
    page = client.get(response["Location"])
    assert "受付を記録しました" in page.content.decode()
    assert "息子が8年間自室から出ない" in page.content.decode()


def test_double_submit_creates_one_contact(client, worker1, center1):
    client.force_login(worker1)
    first = _post(client)
    second = _post(client)
    assert first["Location"] == second["Location"]
    assert Contact.objects.count() == 1 and Person.objects.count() == 1


def test_only_method_and_consulter_are_required(client, worker1, center1):
    client.force_login(worker1)
    response = client.post(
        URL,
        {
            "method": "",
            "consulter": "",
            "submission_token": "t",
            "center": center1.pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"method", "consulter"}
    assert Case.objects.count() == 0


def test_future_birth_date_refused_and_nothing_saved(client, worker1, center1):
    client.force_login(worker1)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = _post(client, **{"person-birth_date": tomorrow.isoformat()})
    assert response.status_code == 200
    assert "birth_date" in response.context["person_form"].errors
    assert "生年月日が未来の日付" in response.content.decode()
    assert Person.objects.count() == 0 and Contact.objects.count() == 0


def test_next_contact_before_the_call_refused(client, worker1, center1):
    client.force_login(worker1)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = _post(client, next_contact_on=yesterday.isoformat())
    assert response.status_code == 200
    assert "next_contact_on" in response.context["form"].errors
    assert Contact.objects.count() == 0


def test_call_in_the_future_refused(client, worker1, center1):
    client.force_login(worker1)
    later = timezone.localtime() + timedelta(days=2)
    response = _post(client, occurred_at=later.strftime("%Y-%m-%dT%H:%M"))
    assert response.status_code == 200
    assert "occurred_at" in response.context["form"].errors
    assert Contact.objects.count() == 0


def test_choosing_an_existing_person_adds_to_their_case(client, worker1, center1):
    case = make_case(worker1, center1)
    client.force_login(worker1)
    response = _post(client, person_id=str(case.person_id), submission_token="t2")
    assert response["Location"] == f"/cases/{case.pk}/"
    assert Case.objects.count() == 1 and Person.objects.count() == 1
    assert case.contacts.count() == 2


def test_a_person_of_another_center_cannot_be_chosen(client, worker1, worker2, center1, center2):
    other = make_case(worker2, center2)
    client.force_login(worker1)
    response = _post(client, person_id=str(other.person_id))
    assert response.status_code == 200
    assert "選んだ方の記録が見つかりません" in response.content.decode()
    assert Contact.objects.filter(case=other).count() == 1


def test_duplicate_warning_offers_the_existing_person(client, worker1, center1):
    make_case(
        worker1,
        center1,
        person_data={"family_name_kana": "やまだ", "given_name_kana": "たろう", "age_band": "40s"},
    )
    client.force_login(worker1)
    response = client.get(
        "/cases/intake/duplicates/",
        {
            "person-family_name_kana": "ヤマダ",
            "person-given_name_kana": "タロウ",
            "person-age_band": "40s",
        },
    )
    body = response.content.decode()
    assert 'name="person_id"' in body and "やまだ たろう" in body
    assert "北部" in body  # the existing case at the center


def test_duplicate_warning_is_empty_for_a_stranger(client, worker2, worker1, center1):
    make_case(
        worker1,
        center1,
        person_data={"family_name_kana": "やまだ", "given_name_kana": "たろう", "age_band": "40s"},
    )
    client.force_login(worker2)
    response = client.get(
        "/cases/intake/duplicates/",
        {
            "person-family_name_kana": "やまだ",
            "person-given_name_kana": "たろう",
            "person-age_band": "40s",
        },
    )
    assert "やまだ" not in response.content.decode()
