"""The statistics page makes the same number of queries however much data there is."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.cases.models import Method

from . import factories as f
from .conftest import YEAR


def add_cases(center, user, n: int) -> None:
    for i in range(n):
        p = f.person(f"件数{i}", ward=f"区{i % 7}")
        c = f.case(p, center, opened_on=date(2023, 4, 1) if i % 2 else date(2024, 5, 1))
        for k in range(3):
            f.contact(
                c,
                when=f.at(date(2024, 4 + k, 1 + i % 27)),
                user=user,
                method=list(Method)[i % 9],
                is_intake=k == 0,
            )


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_statistics_page_queries_do_not_grow_with_data(
    client, manager1, center1, worker1, django_assert_num_queries
):
    client.force_login(manager1)
    url = reverse("reports:statistics") + f"?year={YEAR}&center={center1.pk}"
    client.get(url)  # warm the session and caches
    add_cases(center1, worker1, 2)
    small = queries(client, url)
    add_cases(center1, worker1, 40)
    large = queries(client, url)
    assert small == large
    with django_assert_num_queries(large):
        client.get(url)


def test_export_queries_do_not_grow_with_data(client, analyst1, center1, worker1):
    client.force_login(analyst1)
    url = reverse("reports:export", args=["csv"]) + f"?year={YEAR}&center=all"
    client.get(url)
    add_cases(center1, worker1, 2)
    small = queries(client, url)
    add_cases(center1, worker1, 30)
    assert queries(client, url) == small
