import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.cases.models import Case

from .factories import person_with_case

URL = reverse("people:search")


@pytest.fixture
def yamada(center1):
    return person_with_case(
        center1,
        family_name="山田",
        given_name="太郎",
        family_name_kana="やまだ",
        given_name_kana="たろう",
        ward="北区",
        phone="090-1234-5678",
    )


@pytest.mark.parametrize(
    "q", ["ヤマダ", "やまだ", "ﾔﾏﾀﾞ", "やまだ たろう", "ヤマダ　タロウ", "山田 太郎"]
)
def test_search_folds_script_width_and_spaces(client, worker1, yamada, q):
    client.force_login(worker1)
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert reverse("people:detail", args=[yamada.pk]) in response.content.decode()


def test_search_by_phone_digits(client, worker1, yamada):
    client.force_login(worker1)
    response = client.get(URL, {"q": "09012345678"})
    assert reverse("people:detail", args=[yamada.pk]) in response.content.decode()


def test_search_shows_reading_band_ward_and_case_link_with_risk(client, worker1, yamada):
    case = yamada.cases.get()
    case.risk_self_harm = True
    case.save()
    client.force_login(worker1)
    html = client.get(URL, {"q": "やまだ"}).content.decode()
    assert "やまだ たろう" in html
    assert "北区" in html
    assert "不明" in html  # age band
    assert case.get_absolute_url() in html
    assert "badge--risk" in html


def test_search_hides_persons_and_cases_of_other_centers(client, worker1, center1, center2):
    person_with_case(center2, family_name_kana="やまだ")
    shared = person_with_case(center1, family_name_kana="やまだ", given_name_kana="はなこ")
    other_case = Case.objects.create(person=shared, center=center2)
    client.force_login(worker1)
    response = client.get(URL, {"q": "やまだ"})
    results = response.context["results"]
    assert [p.pk for p in results] == [shared.pk]
    assert other_case.get_absolute_url() not in response.content.decode()


def test_search_no_match_says_so(client, worker1, yamada):
    client.force_login(worker1)
    html = client.get(URL, {"q": "すずき"}).content.decode()
    assert "見つかりませんでした" in html


def test_search_htmx_returns_results_fragment(client, worker1, yamada):
    client.force_login(worker1)
    response = client.get(
        URL, {"q": "やまだ"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert reverse("people:detail", args=[yamada.pk]) in html


def _queries(client, q) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return len(ctx)


def test_search_query_count_is_constant(
    client, worker1, center1, center2, django_assert_num_queries
):
    person_with_case(center1, family_name_kana="たなか")
    for i in range(10):
        person = person_with_case(center1, family_name_kana="すずき", given_name=str(i))
        Case.objects.create(person=person, center=center2)
    client.force_login(worker1)
    _queries(client, "たなか")  # warm the session
    one = _queries(client, "たなか")
    with django_assert_num_queries(one):
        response = client.get(URL, {"q": "すずき"})
    assert len(response.context["results"]) == 10
