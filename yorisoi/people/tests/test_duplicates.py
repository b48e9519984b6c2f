from datetime import date

import pytest
from django.urls import reverse

from yorisoi.people import selectors

from .factories import person_with_case

URL = reverse("people:duplicates")


@pytest.fixture
def existing(center1):
    return person_with_case(
        center1,
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        birth_date=date(1980, 5, 1),
        phone="090-1111-2222",
    )


def test_same_reading_and_birth_date_is_a_candidate(worker1, existing):
    found = selectors.person_duplicates(
        user=worker1,
        family_name_kana="やまだ",
        given_name_kana="たろう",
        birth_date=date(1980, 5, 1),
    )
    assert found == [existing]


def test_same_reading_and_different_birth_date_is_not(worker1, existing):
    found = selectors.person_duplicates(
        user=worker1,
        family_name_kana="やまだ",
        given_name_kana="たろう",
        birth_date=date(1981, 5, 1),
    )
    assert found == []


def test_same_reading_and_matching_age_band_is_a_candidate(worker1, center1):
    person = person_with_case(center1, family_name_kana="すずき", age_band="40s")
    found = selectors.person_duplicates(user=worker1, family_name_kana="スズキ", age_band="40s")
    assert found == [person]


def test_same_reading_but_different_age_band_is_not(worker1, center1):
    person_with_case(center1, family_name_kana="すずき", age_band="40s")
    found = selectors.person_duplicates(user=worker1, family_name_kana="スズキ", age_band="30s")
    assert found == []


def test_same_reading_with_unknown_age_is_not(worker1, center1):
    person_with_case(center1, family_name_kana="すずき")
    assert selectors.person_duplicates(user=worker1, family_name_kana="すずき") == []


def test_phone_match_alone_is_a_candidate(worker1, existing):
    found = selectors.person_duplicates(user=worker1, phone="09011112222")
    assert found == [existing]


def test_other_center_persons_are_never_candidates(worker2, existing):
    found = selectors.person_duplicates(
        user=worker2, family_name_kana="やまだ", given_name_kana="たろう", phone="09011112222"
    )
    assert found == []


def test_exclude_id_leaves_out_the_person_being_edited(worker1, existing):
    found = selectors.person_duplicates(user=worker1, phone="09011112222", exclude_id=existing.pk)
    assert found == []


def test_fragment_warns_with_link(client, worker1, existing):
    client.force_login(worker1)
    response = client.get(
        URL,
        {"family_name_kana": "ﾔﾏﾀﾞ", "given_name_kana": "ﾀﾛｳ", "birth_date": "1980-05-01"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "同じ方かもしれません" in html
    assert reverse("people:detail", args=[existing.pk]) in html
    assert "<html" not in html


def test_fragment_accepts_prefixed_field_names(client, worker1, existing):
    client.force_login(worker1)
    response = client.get(URL, {"person-phone": "090-1111-2222"})
    assert "同じ方かもしれません" in response.content.decode()


def test_fragment_is_empty_without_candidates(client, worker1, existing):
    client.force_login(worker1)
    response = client.get(URL, {"family_name_kana": "やまだ", "birth_date": "not-a-date"})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_fragment_is_empty_for_other_center(client, worker2, existing):
    client.force_login(worker2)
    response = client.get(URL, {"phone": "09011112222"})
    assert response.content.decode().strip() == ""
