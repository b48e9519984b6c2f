"""Managers see who viewed or changed their center's records; nobody else does."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from yorisoi.audit import services
from yorisoi.audit.models import AuditEvent

from .factories import make_chain


@pytest.fixture
def case_events(center1, center2, worker1, worker2):
    """Views and an update of case 7 at center 1, and of case 8 at center 2."""
    services.record(
        actor=worker1, action="view", object_type="cases.case", object_id=7, center_id=center1.pk
    )
    services.record(
        actor=worker1,
        action="update",
        object_type="cases.case",
        object_id=7,
        center_id=center1.pk,
        changes={
            "status": ["intake", "support"],
            "risk_note": [services.REDACTED, services.REDACTED],
        },
        reason="面談の結果",
    )
    services.record(
        actor=worker2, action="view", object_type="cases.case", object_id=8, center_id=center2.pk
    )


def test_manager_sees_who_viewed_and_changed_an_object(client, manager1, case_events):
    client.force_login(manager1)
    response = client.get("/audit/object/cases.case/7/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "worker1" in page
    assert "面談の結果" in page
    assert "受付 → 支援中" in page  # choice labels, not stored values
    assert "リスクの詳細" in page  # the field's label, not its content
    assert "（内容は記録していません）" in page
    assert "[redacted]" not in page


def test_viewing_the_object_log_is_itself_recorded(client, manager1, center1, case_events):
    client.force_login(manager1)
    client.get("/audit/object/cases.case/7/")
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_type, event.object_id) == (
        "view",
        "audit.log",
        "cases.case:7",
    )
    assert event.actor == manager1 and event.center_id == center1.pk


def test_manager_of_another_center_gets_404(client, manager2, case_events):
    client.force_login(manager2)
    assert client.get("/audit/object/cases.case/7/").status_code == 404
    assert client.get("/audit/object/cases.case/8/").status_code == 200


@pytest.mark.parametrize("who", ["worker1", "worker1b", "peer1", "partner1", "analyst1"])
def test_other_roles_get_404(client, request, who, case_events):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/audit/object/cases.case/7/").status_code == 404
    assert client.get("/audit/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client, case_events):
    response = client.get("/audit/object/cases.case/7/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/audit/").status_code == 302


def test_an_object_without_events_is_404(client, manager1, case_events):
    client.force_login(manager1)
    assert client.get("/audit/object/cases.case/999/").status_code == 404


def test_admin_sees_every_centers_log(client, admin_user, case_events):
    client.force_login(admin_user)
    assert client.get("/audit/object/cases.case/7/").status_code == 200
    assert client.get("/audit/object/cases.case/8/").status_code == 200
    page = client.get("/audit/").content.decode()
    assert "worker1" in page and "worker2" in page


def test_center_log_shows_only_the_managers_center(client, manager1, case_events):
    client.force_login(manager1)
    response = client.get("/audit/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "/audit/object/cases.case/7/" in page
    assert "/audit/object/cases.case/8/" not in page
    assert "worker2" not in page


def test_viewing_the_center_log_is_recorded(client, manager1, center1, case_events):
    client.force_login(manager1)
    client.get("/audit/")
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_type, event.center_id) == ("view", "audit.log", center1.pk)


def test_center_log_filters_by_action_and_actor(client, manager1, case_events):
    client.force_login(manager1)
    page = client.get("/audit/", {"action": "update"}).content.decode()
    assert "面談の結果" in page
    assert page.count("/audit/object/cases.case/7/") == 1
    page = client.get("/audit/", {"actor": "nobody-like-this"}).content.decode()
    assert "該当する記録はありません。" in page


def test_center_log_filters_by_date_range(client, manager1, case_events):
    client.force_login(manager1)
    today = timezone.localdate()
    page = client.get("/audit/", {"date_from": today, "date_to": today}).content.decode()
    assert "/audit/object/cases.case/7/" in page
    tomorrow = today + datetime.timedelta(days=1)
    page = client.get("/audit/", {"date_from": tomorrow}).content.decode()
    assert "/audit/object/cases.case/7/" not in page


def test_a_reversed_date_range_is_explained(client, manager1, case_events):
    client.force_login(manager1)
    today = timezone.localdate()
    page = client.get(
        "/audit/", {"date_from": today, "date_to": today - datetime.timedelta(days=3)}
    ).content.decode()
    assert "終了日は開始日と同じか、それより後の日付にしてください。" in page


def test_center_log_pages_and_keeps_its_filters(client, manager1, center1):
    make_chain(60, center_id=center1.pk, action="update")
    client.force_login(manager1)
    page = client.get("/audit/", {"action": "update"}).content.decode()
    assert "action=update&amp;page=2" in page
    assert "1 / 2" in page
    second = client.get("/audit/", {"action": "update", "page": 2}).content.decode()
    assert "2 / 2" in second


def test_center_log_query_count_does_not_grow_with_rows(
    client, manager1, center1, worker1, django_assert_num_queries
):
    client.force_login(manager1)

    def count_for(n: int) -> int:
        for i in range(n):
            services.record(
                actor=worker1,
                action="view",
                object_type="cases.case",
                object_id=i,
                center_id=center1.pk,
            )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/audit/").status_code == 200
        return len(ctx.captured_queries)

    few = count_for(3)
    many = count_for(30)
    assert few == many
    with django_assert_num_queries(few):
        client.get("/audit/")


def test_a_view_of_an_object_log_links_back_to_that_object(client, manager1, case_events):
    client.force_login(manager1)
    client.get("/audit/object/cases.case/7/")
    page = client.get("/audit/", {"action": "view"}).content.decode()
    assert "監査ログ（ケース 7）" in page
