"""The manager's view of a center: unassigned intakes, overdue cases by worker, cases of
leaving workers, unacknowledged risks first; managers of the center only."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yorisoi.accounts.models import Membership, Role
from yorisoi.cases import continuity
from yorisoi.cases.models import Case
from yorisoi.conftest import make_user

from .factories import make_case

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")
MANAGE = reverse("cases:manage")
TODAY = date(2026, 4, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(continuity, "local_today", lambda: TODAY)


def held_case(user, center, name: str, **fields) -> Case:
    case = make_case(user, center, person_data={"family_name": name, "given_name": "さん"})
    defaults = {
        "opened_on": TODAY - timedelta(days=400),
        "last_contact_at": datetime(2026, 3, 31, 10, 0, tzinfo=JST),
        "next_contact_on": TODAY + timedelta(days=30),
    }
    Case.objects.filter(pk=case.pk).update(**{**defaults, **fields})
    case.refresh_from_db()
    return case


def block(page: str, heading_id: str) -> str:
    match = re.search(rf'id="{heading_id}".*?</section>', page, re.S)
    assert match, heading_id
    return match.group(0)


def manage_page(client, user, query: str = "") -> str:
    client.force_login(user)
    response = client.get(MANAGE + query)
    assert response.status_code == 200
    return response.content.decode()


def test_manager_sees_the_center_view(client, manager1, center1):
    page = manage_page(client, manager1)
    assert "センター管理：北部" in page


@pytest.mark.parametrize("user_fixture", ["worker1", "peer1", "partner1", "analyst1", "admin_user"])
def test_non_managers_get_404(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(MANAGE).status_code == 404
    assert client.post(reverse("cases:manage_handover"), {}).status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(MANAGE)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_manager_of_another_center_cannot_see_this_one(client, manager2, worker1, center1):
    held_case(worker1, center1, "北部の方", next_contact_on=TODAY - timedelta(days=5))
    client.force_login(manager2)
    assert client.get(MANAGE + f"?center={center1.pk}").status_code == 404
    assert client.get(MANAGE + "?center=abc").status_code == 404
    page = client.get(MANAGE).content.decode()
    assert "南部" in page
    assert "北部の方" not in page


def test_manager_of_two_centers_chooses_one(client, center1, center2, worker2):
    both = make_user("manager12", (center1, Role.MANAGER), (center2, Role.MANAGER))
    held_case(worker2, center2, "南部の方", primary_worker=None)
    page = manage_page(client, both)
    assert 'id="id_center_select"' in page
    assert "南部の方" not in page
    assert "南部の方" in manage_page(client, both, f"?center={center2.pk}")


def test_unassigned_intakes_are_listed(client, manager1, worker1, center1):
    held_case(worker1, center1, "未割当", primary_worker=None)
    held_case(worker1, center1, "担当あり")
    unassigned = block(manage_page(client, manager1), "h-unassigned")
    assert "未割当 さん" in unassigned
    assert "担当あり" not in unassigned


def test_overdue_cases_are_grouped_by_worker(client, manager1, worker1, worker1b, center1):
    held_case(worker1, center1, "遅れA", next_contact_on=TODAY - timedelta(days=1))
    held_case(worker1, center1, "遅れB", next_contact_on=TODAY - timedelta(days=40))
    held_case(
        worker1,
        center1,
        "静かC",
        last_contact_at=datetime(2026, 2, 1, 10, 0, tzinfo=JST),
    )
    held_case(worker1b, center1, "遅れD", next_contact_on=TODAY - timedelta(days=2))
    held_case(worker1b, center1, "順調E")
    overdue = block(manage_page(client, manager1), "h-overdue")
    rows = re.findall(
        r"<tr>\s*<th scope=\"row\"><a href=\"#overdue-\d\">(.*?)</a></th>\s*"
        r"<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>",
        overdue,
    )
    assert ("worker1", "2", "1", "3") in rows
    assert ("worker1b", "1", "0", "1") in rows
    assert "遅れB さん" in overdue and "40日超過" in overdue
    assert "順調E" not in overdue


def test_cases_of_leaving_and_departed_workers(client, manager1, worker1, center1):
    leaving = make_user("leaving", (center1, Role.WORKER), leaving_on=TODAY + timedelta(days=60))
    later = make_user("later", (center1, Role.WORKER), leaving_on=TODAY + timedelta(days=61))
    gone = make_user("gone", (center1, Role.WORKER))
    held_case(leaving, center1, "異動予定")
    held_case(later, center1, "まだ先")
    held_case(gone, center1, "役割なし")
    Membership.objects.filter(user=gone).update(is_active=False)
    held_case(worker1, center1, "在籍")
    section = block(manage_page(client, manager1), "h-leaving")
    assert "異動予定 さん" in section
    assert "役割なし さん" in section
    assert "このセンターの役割なし" in section
    assert "まだ先" not in section
    assert "在籍" not in section
    # The hand-over form offers exactly these cases by default.
    handover = block(manage_page(client, manager1), "h-handover")
    assert "異動予定 さん" in handover and "役割なし さん" in handover
    assert "在籍" not in handover


def test_unacknowledged_risks_come_first(client, manager1, worker1, center1):
    now = timezone.now()
    held_case(worker1, center1, "要確認", risk_self_harm=True, risk_escalated_at=now)
    held_case(
        worker1,
        center1,
        "確認済",
        risk_violence=True,
        risk_escalated_at=now - timedelta(hours=2),
        risk_acknowledged_at=now - timedelta(hours=1),
    )
    held_case(worker1, center1, "未割当", primary_worker=None)
    page = manage_page(client, manager1)
    escalated = block(page, "h-escalated")
    assert "要確認 さん" in escalated
    assert "確認済" not in escalated
    assert page.index('id="h-escalated"') < page.index('id="h-unassigned"')


def test_handover_list_can_show_one_workers_cases(client, manager1, worker1, worker1b, center1):
    held_case(worker1, center1, "一の方")
    held_case(worker1b, center1, "二の方")
    handover = block(manage_page(client, manager1, f"?from={worker1.pk}"), "h-handover")
    assert "一の方 さん" in handover
    assert "二の方" not in handover
    unassigned = block(manage_page(client, manager1, "?from=unassigned"), "h-handover")
    assert "一の方" not in unassigned


def test_nav_shows_center_management_to_managers_only(client, manager1, worker1):
    client.force_login(manager1)
    assert f'href="{MANAGE}"' in client.get(reverse("core:home")).content.decode()
    client.force_login(worker1)
    assert f'href="{MANAGE}"' not in client.get(reverse("core:home")).content.decode()


def test_manage_query_count_does_not_grow(client, manager1, worker1, worker1b, center1):
    leaving = make_user("leaving", (center1, Role.WORKER), leaving_on=TODAY)
    now = timezone.now()

    def spread(n: int) -> None:
        fields = {
            "next_contact_on": TODAY - timedelta(days=3),
            "risk_abuse": True,
            "risk_escalated_at": now,
        }
        held_case((worker1, worker1b, leaving)[n % 3], center1, f"件{n}", **fields)
        held_case(worker1, center1, f"未{n}", primary_worker=None)

    spread(0)
    client.force_login(manager1)
    query = f"?from={worker1.pk}"
    client.get(MANAGE + query)
    with CaptureQueriesContext(connection) as one:
        assert client.get(MANAGE + query).status_code == 200
    for n in range(1, 10):
        spread(n)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(MANAGE + query)
    assert response.content.decode().count("件9 さん") >= 1
    assert len(ten) == len(one), [q["sql"] for q in ten.captured_queries]
