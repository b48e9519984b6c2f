from django.urls import reverse

from yorisoi.people import services
from yorisoi.people.models import Person

from .factories import person_with_case


def form_data(person, **changes):
    data = {
        "family_name": person.family_name,
        "given_name": person.given_name,
        "family_name_kana": person.family_name_kana,
        "given_name_kana": person.given_name_kana,
        "nickname": person.nickname,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "age_band": person.age_band,
        "sex": person.sex,
        "ward": person.ward,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
        "contact_preferences": person.contact_preferences,
        "version": person.version,
    }
    data.update(changes)
    return data


def test_edit_saves_and_bumps_version(client, worker1, center1):
    person = person_with_case(center1, family_name="山田")
    client.force_login(worker1)
    url = reverse("people:edit", args=[person.pk])
    response = client.post(url, form_data(person, family_name_kana="ﾔﾏﾀﾞ", ward="北区"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.family_name_kana, person.ward, person.version) == ("ヤマダ", "北区", 2)


def test_edit_form_uses_a_date_input(client, worker1, center1):
    person = person_with_case(center1)
    client.force_login(worker1)
    html = client.get(reverse("people:edit", args=[person.pk])).content.decode()
    assert 'type="date"' in html


def test_stale_edit_is_refused_showing_changes_and_keeping_input(
    client, worker1, worker1b, center1
):
    person = person_with_case(center1, family_name="山田", ward="北区")
    opened = form_data(person)
    services.person_update(user=worker1b, person=person, data={"ward": "南区"}, expected_version=1)
    client.force_login(worker1)
    response = client.post(
        reverse("people:edit", args=[person.pk]), {**opened, "ward": "東区", "nickname": "たろ"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "ほかの職員がこの方の情報を保存しています" in html
    assert "南区" in html and "東区" in html  # theirs and yours, side by side
    assert 'value="たろ"' in html  # the user's input is kept
    person.refresh_from_db()
    assert (person.ward, person.nickname, person.version) == ("南区", "", 2)
    # Saving again after seeing the difference applies the user's input.
    again = client.post(
        reverse("people:edit", args=[person.pk]),
        {**opened, "ward": "東区", "nickname": "たろ", "version": 2},
    )
    assert again.status_code == 302
    person.refresh_from_db()
    assert (person.ward, person.nickname, person.version) == ("東区", "たろ", 3)


def test_kana_fields_refuse_other_scripts(client, worker1, center1):
    person = person_with_case(center1)
    client.force_login(worker1)
    response = client.post(
        reverse("people:edit", args=[person.pk]), form_data(person, family_name_kana="山田")
    )
    assert response.status_code == 200
    assert "ひらがなかカタカナで入力してください" in response.content.decode()
    assert Person.objects.get(pk=person.pk).family_name_kana == ""


def test_future_birth_date_is_refused(client, worker1, center1):
    person = person_with_case(center1)
    client.force_login(worker1)
    response = client.post(
        reverse("people:edit", args=[person.pk]), form_data(person, birth_date="2999-01-01")
    )
    assert response.status_code == 200
    assert "生年月日が未来の日付になっています" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_all_fields_blank_is_allowed(client, worker1, center1):
    person = person_with_case(center1, family_name="山田")
    client.force_login(worker1)
    blank = {k: "" for k in form_data(person)}
    response = client.post(reverse("people:edit", args=[person.pk]), {**blank, "version": 1})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_anonymous
    assert (person.age_band, person.sex) == ("unknown", "unanswered")


def test_edit_form_checks_for_duplicates_on_change(client, worker1, center1):
    person = person_with_case(center1)
    client.force_login(worker1)
    html = client.get(reverse("people:edit", args=[person.pk])).content.decode()
    assert f'hx-get="{reverse("people:duplicates")}"' in html
    assert 'hx-trigger="change"' in html
