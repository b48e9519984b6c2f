"""Short searches: one or two characters find readings, names and nicknames that start with
them; three or more find them anywhere. The case list's よみ filter matches the same way."""

import pytest
from django.urls import reverse

from .factories import person_with_case

URL = reverse("people:search")


@pytest.fixture
def persons(center1):
    return {
        "maeda": person_with_case(
            center1, family_name="前田", family_name_kana="まえだ", given_name_kana="ゆき"
        ),
        "tamae": person_with_case(center1, family_name_kana="たまえ", given_name_kana="はる"),
        "nick": person_with_case(center1, nickname="マエちゃん"),
        "kanji": person_with_case(center1, family_name="山前"),
    }


def _found(client, q) -> set[int]:
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return {p.pk for p in response.context["results"]}


@pytest.mark.parametrize("q", ["まえ", "マエ", "ﾏｴ", "ま"])
def test_one_or_two_characters_match_word_starts(client, worker1, persons, q):
    client.force_login(worker1)
    assert _found(client, q) == {persons["maeda"].pk, persons["nick"].pk}


def test_two_characters_match_the_start_of_a_name(client, worker1, persons):
    client.force_login(worker1)
    assert _found(client, "前田") == {persons["maeda"].pk}
    assert _found(client, "山") == {persons["kanji"].pk}
    assert _found(client, "前") == {persons["maeda"].pk}


def test_three_characters_match_anywhere(client, worker1, persons):
    client.force_login(worker1)
    assert _found(client, "まえだ") == {persons["maeda"].pk}
    assert _found(client, "だゆき") == {persons["maeda"].pk}  # across family and given name
    assert _found(client, "たまえ") == {persons["tamae"].pk}
    assert _found(client, "まえち") == {persons["nick"].pk}


def test_the_search_page_says_how_short_searches_match(client, worker1):
    client.force_login(worker1)
    assert "2文字までは、よみ・氏名・呼び名の先頭から探します。" in client.get(URL).content.decode()


def test_case_list_filter_matches_like_person_search(client, worker1, persons):
    client.force_login(worker1)

    def listed(q):
        response = client.get(reverse("cases:list"), {"q": q})
        return {case.person_id for case in response.context["cases"]}

    assert listed("まえ") == {persons["maeda"].pk, persons["nick"].pk}
    assert listed("たまえ") == {persons["tamae"].pk}
