"""The case page's timeline: newest entries first, a page at a time, 「さらに表示」 for older ones
(in place with htmx, or a longer page without JavaScript), every detail of a contact shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services, views

from .factories import make_case

PAGE = 3


@pytest.fixture
def long_case(worker1, worker1b, center1, monkeypatch):
    """A case with its intake and 8 later phone calls (電話 1 … 電話 8, newest last), shown
    PAGE entries at a time. The intake's status and worker changes, entered now, are the two
    newest entries, so the pages are: changes and 電話 8 | 7 6 5 | 4 3 2 | 1 and the intake."""
    monkeypatch.setattr(views, "TIMELINE_PAGE_SIZE", PAGE)
    case = make_case(worker1, center1, occurred_at=timezone.now() - timedelta(hours=2))
    for i in range(1, 9):
        services.contact_record(
            user=worker1,
            case=case,
            method="phone",
            consulter="family",
            workers=[worker1, worker1b],
            summary=f"電話 {i}",
            occurred_at=timezone.now() - timedelta(minutes=60 - i),
        )
    return case


def _summaries(body: str) -> list[str]:
    return [f"電話 {i}" for i in range(8, 0, -1) if f"電話 {i}<" in body or f"電話 {i}\n" in body]


def test_first_page_shows_the_newest_entries_and_a_more_button(client, worker1, long_case):
    client.force_login(worker1)
    body = client.get(f"/cases/{long_case.pk}/").content.decode()
    assert _summaries(body) == ["電話 8"]
    assert "さらに表示" in body
    assert f'hx-get="/cases/{long_case.pk}/?timeline=2"' in body
    assert f'href="/cases/{long_case.pk}/?timeline=2#timeline-2"' in body


def test_htmx_more_returns_only_the_next_page(client, worker1, long_case):
    client.force_login(worker1)
    response = client.get(f"/cases/{long_case.pk}/?timeline=2", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body  # a fragment put in place of the button
    assert _summaries(body) == ["電話 7", "電話 6", "電話 5"]
    assert 'id="timeline-2"' in body and "autofocus" in body
    assert f'hx-get="/cases/{long_case.pk}/?timeline=3"' in body


def test_last_page_has_no_more_button(client, worker1, long_case):
    client.force_login(worker1)
    body = client.get(
        f"/cases/{long_case.pk}/?timeline=4", headers={"HX-Request": "true"}
    ).content.decode()
    assert _summaries(body) == ["電話 1"]
    assert "受付" in body  # the intake, oldest of all
    assert "さらに表示" not in body


def test_without_javascript_the_link_shows_a_longer_page(client, worker1, long_case):
    client.force_login(worker1)
    body = client.get(f"/cases/{long_case.pk}/?timeline=2").content.decode()
    assert "<html" in body
    assert _summaries(body) == ["電話 8", "電話 7", "電話 6", "電話 5"]
    assert 'id="timeline-2"' in body and "autofocus" not in body
    assert "?timeline=3" in body


def test_show_all_and_unusable_page_numbers(client, worker1, long_case):
    client.force_login(worker1)
    body = client.get(f"/cases/{long_case.pk}/?all=1").content.decode()
    assert len(_summaries(body)) == 8 and "さらに表示" not in body
    for raw in ("0", "-1", "x", "99999999"):
        response = client.get(f"/cases/{long_case.pk}/?timeline={raw}")
        assert response.status_code == 200
        assert _summaries(response.content.decode()) == ["電話 8"]


def test_loading_older_entries_is_audited_and_hidden_from_strangers(
    client, worker1b, worker2, long_case
):
    client.force_login(worker2)
    response = client.get(f"/cases/{long_case.pk}/?timeline=2", headers={"HX-Request": "true"})
    assert response.status_code == 404
    client.force_login(worker1b)
    client.get(f"/cases/{long_case.pk}/?timeline=2", headers={"HX-Request": "true"})
    assert AuditEvent.objects.filter(
        actor=worker1b, action="view", object_type="cases.case", object_id=str(long_case.pk)
    ).exists()


def test_later_pages_take_the_same_number_of_queries(client, worker1, long_case):
    client.force_login(worker1)
    url = f"/cases/{long_case.pk}/?timeline="
    client.get(url + "2", headers={"HX-Request": "true"})  # warm caches

    def count(page):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url + page, headers={"HX-Request": "true"})
        return len(ctx.captured_queries)

    assert count("2") == count("3") == count("4") == count("5")


def test_a_contact_shows_every_detail(client, worker1, worker1b, case_c1):
    on = timezone.localdate() + timedelta(days=5)
    contact = services.contact_record(
        user=worker1,
        case=case_c1,
        method="home_visit",
        consulter="agency",
        consulter_detail="保健所",
        workers=[worker1, worker1b],
        duration_minutes=40,
        heard_via="school",
        summary="訪問した",
        note="一行目\n二行目",
        follow_up="来週また",
        next_contact_on=on,
    )
    client.force_login(worker1)
    body = client.get(f"/cases/{case_c1.pk}/").content.decode()
    at = timezone.localtime(contact.occurred_at)
    assert f'<time datetime="{at.isoformat()}">{at:%Y-%m-%d %H:%M}</time>' in body
    assert "訪問・アウトリーチ" in body and "関係機関（保健所）" in body
    assert "<dt>所要時間</dt><dd>40分</dd>" in body and "学校" in body
    assert "worker1、worker1b" in body
    assert "一行目<br>二行目" in body and "来週また" in body
    assert on.isoformat() in body
    assert f"/cases/{case_c1.pk}/contacts/{contact.pk}/edit/" in body
    client.cookies["django_language"] = "en"
    body = client.get(f"/cases/{case_c1.pk}/").content.decode()
    assert "40 minutes" in body
    assert "<dt>Duration</dt>" in body and "Correct this record" in body
