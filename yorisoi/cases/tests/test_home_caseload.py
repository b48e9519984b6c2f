"""The worker's home page: overdue, due, quiet, review-due, newly assigned and risk-flagged
cases, each list on its own, across month, year and 年度 ends."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.cases import continuity, services
from yorisoi.cases.models import Case, ClosureReason, PlanVersion, Status

from .factories import make_case

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")
HOME = reverse("core:home")


@pytest.fixture
def on_day(monkeypatch):
    def stand_on(day: date) -> date:
        monkeypatch.setattr(continuity, "local_today", lambda: day)
        return day

    return stand_on


def held_case(user, center, name: str, **fields) -> Case:
    """A case of `user` with the person named `name`, its dates set as the test needs.

    Unless told otherwise the case is calm: contacted yesterday, next contact far ahead.
    """
    case = make_case(user, center, person_data={"family_name": name, "given_name": "さん"})
    today = fields.pop("today")
    defaults = {
        "opened_on": today - timedelta(days=400),
        "last_contact_at": datetime.combine(today - timedelta(days=1), datetime.min.time(), JST)
        + timedelta(hours=10),
        "next_contact_on": today + timedelta(days=30),
        "primary_assigned_at": datetime(2000, 1, 1, tzinfo=JST),
    }
    Case.objects.filter(pk=case.pk).update(**{**defaults, **fields})
    case.refresh_from_db()
    return case


def section(page: str, key: str) -> str:
    """The HTML of one home list (from its heading to the end of its section)."""
    match = re.search(rf'id="h-home-{key}".*?</section>', page, re.S)
    assert match, f"no {key} list on the page"
    return match.group(0)


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("today", "planned", "label"),
    [
        (date(2026, 4, 1), date(2026, 3, 31), "1日超過"),  # 年度 boundary
        (date(2027, 1, 1), date(2026, 12, 31), "1日超過"),  # year end
        (date(2026, 3, 1), date(2026, 2, 28), "1日超過"),  # month end, no leap day
        (date(2028, 3, 1), date(2028, 2, 28), "2日超過"),  # leap year
        (date(2026, 4, 1), date(2026, 3, 1), "31日超過"),
    ],
)
def test_overdue_contacts_show_days_overdue(
    client, worker1, center1, on_day, today, planned, label
):
    on_day(today)
    held_case(worker1, center1, "遅延", today=today, next_contact_on=planned)
    held_case(worker1, center1, "予定通り", today=today, next_contact_on=today + timedelta(1))
    page = home(client, worker1)
    overdue = section(page, "overdue")
    assert "遅延 さん" in overdue
    assert label in overdue
    assert "予定通り" not in overdue
    assert "遅延" not in section(page, "today")


def test_due_today_on_a_leap_day(client, worker1, center1, on_day):
    today = on_day(date(2028, 2, 29))
    held_case(worker1, center1, "今日", today=today, next_contact_on=today)
    page = home(client, worker1)
    assert "今日 さん" in section(page, "today")
    assert "今日 さん" not in section(page, "overdue")


def test_cases_without_contact_for_thirty_days(client, worker1, center1, on_day):
    today = on_day(date(2026, 4, 1))
    held_case(
        worker1,
        center1,
        "静か",
        today=today,
        last_contact_at=datetime(2026, 3, 2, 23, 30, tzinfo=JST),
    )
    held_case(
        worker1,
        center1,
        "最近",
        today=today,
        last_contact_at=datetime(2026, 3, 3, 0, 10, tzinfo=JST),
    )
    held_case(
        worker1,
        center1,
        "未対応",
        today=today,
        last_contact_at=None,
        opened_on=date(2026, 3, 2),
    )
    quiet = section(home(client, worker1), "quiet")
    assert "静か さん" in quiet
    assert "30日間連絡なし" in quiet
    assert "未対応 さん" in quiet
    assert "記録なし" in quiet
    assert "最近" not in quiet


def test_the_centers_own_no_contact_setting_applies(client, worker1, center1, on_day):
    center1.no_contact_alert_days = 10
    center1.save()
    today = on_day(date(2026, 1, 1))
    held_case(
        worker1,
        center1,
        "十日",
        today=today,
        last_contact_at=datetime(2025, 12, 22, 9, 0, tzinfo=JST),
    )
    held_case(
        worker1,
        center1,
        "九日",
        today=today,
        last_contact_at=datetime(2025, 12, 23, 9, 0, tzinfo=JST),
    )
    quiet = section(home(client, worker1), "quiet")
    assert "十日 さん" in quiet
    assert "九日" not in quiet


def test_plan_reviews_due_within_a_week(client, worker1, center1, on_day):
    today = on_day(date(2026, 3, 25))
    due = held_case(worker1, center1, "見直し", today=today)
    later = held_case(worker1, center1, "まだ先", today=today)
    moved = held_case(worker1, center1, "延期", today=today)
    services.plan_version_create(
        user=worker1, case=due, data={"goals": "a", "review_on": date(2026, 4, 1)}
    )
    services.plan_version_create(
        user=worker1, case=later, data={"goals": "a", "review_on": date(2026, 4, 2)}
    )
    # An old version's review passed, but the latest version moved it: not due.
    services.plan_version_create(
        user=worker1, case=moved, data={"goals": "a", "review_on": date(2026, 3, 1)}
    )
    services.plan_version_create(
        user=worker1, case=moved, data={"goals": "b", "review_on": date(2026, 6, 1)}
    )
    reviews = section(home(client, worker1), "review")
    assert "見直し さん" in reviews
    assert "あと7日" in reviews
    assert "まだ先" not in reviews
    assert "延期" not in reviews


def test_overdue_review_across_the_fiscal_year(client, worker1, center1, on_day):
    today = on_day(date(2026, 4, 2))
    case = held_case(worker1, center1, "見直し超過", today=today)
    services.plan_version_create(
        user=worker1, case=case, data={"goals": "a", "review_on": date(2026, 3, 31)}
    )
    reviews = section(home(client, worker1), "review")
    assert "見直し超過 さん" in reviews
    assert "2日超過" in reviews


def test_new_assignments_are_one_week_old_at_most(client, worker1, center1, on_day):
    today = on_day(date(2026, 4, 1))
    held_case(
        worker1,
        center1,
        "新規",
        today=today,
        primary_assigned_at=datetime(2026, 3, 26, 0, 0, tzinfo=JST),
    )
    held_case(
        worker1,
        center1,
        "先週",
        today=today,
        primary_assigned_at=datetime(2026, 3, 25, 23, 59, tzinfo=JST),
    )
    new = section(home(client, worker1), "new")
    assert "新規 さん" in new
    assert "先週" not in new


def test_risk_flagged_cases_show_their_badges(client, worker1, center1, on_day):
    today = on_day(date(2026, 4, 1))
    held_case(worker1, center1, "リスク", today=today, risk_self_harm=True)
    held_case(worker1, center1, "平穏", today=today)
    risk = section(home(client, worker1), "risk")
    assert "リスク さん" in risk
    assert '<span class="badge badge--risk">自傷・希死念慮</span>' in risk
    assert "平穏" not in risk


def test_only_the_users_own_open_cases_are_listed(
    client, worker1, worker1b, worker2, center1, center2, on_day
):
    today = on_day(date(2026, 4, 1))
    overdue = today - timedelta(days=3)
    held_case(worker1, center1, "主担当", today=today, next_contact_on=overdue)
    shared = held_case(worker1b, center1, "副担当", today=today, next_contact_on=overdue)
    shared.secondary_workers.add(worker1)
    held_case(worker1b, center1, "同僚", today=today, next_contact_on=overdue)
    held_case(worker2, center2, "他センター", today=today, next_contact_on=overdue)
    closed = held_case(worker1, center1, "終結", today=today)
    services.case_change_status(
        user=worker1, case=closed, status=Status.CLOSED, closure_reason=ClosureReason.MOVED
    )
    Case.objects.filter(pk=closed.pk).update(next_contact_on=overdue)

    page = home(client, worker1)
    overdue_html = section(page, "overdue")
    assert "主担当 さん" in overdue_html
    assert "副担当 さん" in overdue_html
    for name in ("同僚", "他センター", "終結"):
        assert name not in page


def test_cases_without_a_next_contact_are_listed(client, worker1, center1, on_day):
    today = on_day(date(2026, 4, 1))
    held_case(worker1, center1, "予定なし", today=today, next_contact_on=None)
    assert "予定なし さん" in section(home(client, worker1), "unplanned")


def test_peers_and_analysts_get_no_caseload(client, peer1, analyst1):
    for user in (peer1, analyst1):
        assert "担当ケースの状況" not in home(client, user)


def test_manager_home_links_to_the_center_view(client, manager1, worker1, center1, on_day):
    today = on_day(date(2026, 4, 1))
    held_case(worker1, center1, "未割当", today=today, primary_worker=None)
    page = home(client, manager1)
    assert f"{reverse('cases:manage')}?center={center1.pk}" in page
    assert "担当者のいないケース 1件" in page


def test_home_view_is_audited_once_naming_the_cases(client, worker1, center1, on_day):
    from yorisoi.audit.models import AuditEvent

    today = on_day(date(2026, 4, 1))
    case = held_case(worker1, center1, "監査", today=today, next_contact_on=today)
    before = AuditEvent.objects.count()
    home(client, worker1)
    events = list(AuditEvent.objects.order_by("id")[before:])
    listed = [e for e in events if e.object_type == "cases.case" and e.reason == "home"]
    assert len(listed) == 1
    assert listed[0].changes == {"case_ids": [case.pk]}


def test_home_query_count_does_not_grow_with_the_caseload(client, worker1, center1, on_day):
    today = on_day(date(2026, 4, 1))

    def kinds():
        return {
            "today": today,
            "next_contact_on": today - timedelta(days=2),
            "last_contact_at": datetime(2026, 1, 5, 10, 0, tzinfo=JST),
            "primary_assigned_at": datetime(2026, 3, 30, 10, 0, tzinfo=JST),
            "risk_violence": True,
        }

    first = held_case(worker1, center1, "一", **kinds())
    PlanVersion.objects.create(case=first, number=1, goals="a", review_on=today, created_by=worker1)
    client.force_login(worker1)
    client.get(HOME)  # warm caches (content types, translations)
    with CaptureQueriesContext(connection) as one:
        assert client.get(HOME).status_code == 200
    for n in range(9):
        case = held_case(worker1, center1, f"多{n}", **kinds())
        PlanVersion.objects.create(
            case=case, number=1, goals="a", review_on=today, created_by=worker1
        )
    with CaptureQueriesContext(connection) as ten:
        response = client.get(HOME)
    assert response.content.decode().count("多") >= 9
    assert len(ten) == len(one), [q["sql"] for q in ten.captured_queries]
