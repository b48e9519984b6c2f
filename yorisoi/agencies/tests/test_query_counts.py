"""List pages run a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yorisoi.agencies import services
from yorisoi.cases.tests.factories import make_case

from .factories import consent_for, make_agency, refer


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _referrals(worker, center, agency, n: int) -> None:
    for _ in range(n):
        case = make_case(worker, center)
        consent_for(worker, case, agency=agency)
        refer(worker, case, agency)


def _consultations(worker, center, agency, n: int) -> None:
    for i in range(n):
        services.consultation_record(user=worker, center=center, agency=agency, summary=f"相談 {i}")


def _meetings(worker, center, agency, n: int) -> None:
    for i in range(n):
        services.meeting_save(
            user=worker,
            data={
                "kind": "training",
                "title": f"研修 {i}",
                "center": center,
                "held_on": date.today(),
            },
            agencies=[agency, make_agency()],
            staff=[worker],
        )


@pytest.mark.parametrize(
    ("url", "build", "who"),
    [
        ("/agencies/referrals/", _referrals, "worker1"),
        ("/agencies/referrals/", _referrals, "partner1"),
        ("/", _referrals, "partner1"),
        ("/agencies/consultations/", _consultations, "worker1"),
        ("/agencies/meetings/", _meetings, "worker1"),
        ("/agencies/trainings/", _meetings, "worker1"),
        ("/agencies/", _meetings, "worker1"),
    ],
)
def test_list_pages_do_not_grow_with_rows(
    client, django_assert_num_queries, request, worker1, center1, agency, url, build, who
):
    user = request.getfixturevalue(who)
    build(worker1, center1, agency, 2)
    client.force_login(user)
    expected = _count(client, url)
    build(worker1, center1, agency, 5)
    with django_assert_num_queries(expected):
        client.get(url)


def test_the_case_section_does_not_grow_with_referrals(
    client, django_assert_num_queries, worker1, center1, case_c1
):
    client.force_login(worker1)
    expected = _count(client, case_c1.get_absolute_url())
    for _ in range(4):
        agency = make_agency()
        consent_for(worker1, case_c1, agency=agency)
        refer(worker1, case_c1, agency)
    with django_assert_num_queries(expected):
        client.get(case_c1.get_absolute_url())
