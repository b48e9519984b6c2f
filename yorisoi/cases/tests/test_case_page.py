"""The case page: header, badges, contributed sections and a timeline of everything."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services
from yorisoi.core import registry

from .factories import make_case


def test_header_shows_status_phase_workers_and_next_contact_in_wareki(
    client, worker1, worker1b, manager1, case_c1
):
    services.case_assign(
        user=manager1, case=case_c1, primary_worker=worker1, secondary_workers=[worker1b]
    )
    services.contact_record(
        user=worker1,
        case=case_c1,
        method="phone",
        consulter="family",
        next_contact_on=timezone.localdate() + timedelta(days=3),
    )
    client.force_login(worker1)
    body = client.get(f"/cases/{case_c1.pk}/").content.decode()
    assert "受付" in body and "出会い・評価" in body
    assert "worker1" in body and "worker1b" in body
    assert "令和" in body  # next contact and opening date in 和暦
    assert "相談・対応を記録" in body
    assert "/audit/object/cases.case/" not in body  # only managers see the record of views


def test_viewing_the_case_is_audited(client, worker1b, case_c1):
    client.force_login(worker1b)
    client.get(f"/cases/{case_c1.pk}/")
    assert AuditEvent.objects.filter(
        actor=worker1b, action="view", object_type="cases.case", object_id=str(case_c1.pk)
    ).exists()


def test_manager_sees_assign_and_the_audit_link(client, manager1, case_c1):
    client.force_login(manager1)
    body = client.get(f"/cases/{case_c1.pk}/").content.decode()
    assert f"/audit/object/cases.case/{case_c1.pk}/" in body
    assert f"/cases/{case_c1.pk}/assign/" in body
    assert f"/cases/{case_c1.pk}/plans/" in body


def test_colleague_reads_without_write_links(client, worker1b, case_c1):
    client.force_login(worker1b)
    body = client.get(f"/cases/{case_c1.pk}/").content.decode()
    assert f"/cases/{case_c1.pk}/contacts/new/" not in body
    assert "主担当・副担当とセンター長・管理者です" in body


def test_8050_badge_from_household_ages(client, worker1, center1):
    case = make_case(
        worker1,
        center1,
        person_data={"age_band": "50s"},
        consulter_age=82,
    )
    client.force_login(worker1)
    assert "8050世帯" in client.get(f"/cases/{case.pk}/").content.decode()
    assert "8050世帯" in client.get("/cases/").content.decode()


def test_anonymous_person_has_a_respectful_display_name(client, worker1, center1):
    case = make_case(worker1, center1, person_data={})
    client.force_login(worker1)
    assert f"氏名不詳（ID {case.person_id}）" in client.get(f"/cases/{case.pk}/").content.decode()


@pytest.fixture
def contributed(settings):
    """A higher app's badge, section and timeline entry, registered as apps do in ready()."""
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [Path(__file__).parent / "templates"]
    settings.TEMPLATES = templates

    def flags(user, case):
        return [("紹介中", "badge--warning")]

    def section(request, case):
        return registry.Section(order=5, template="cases/tests_section.html", context={})

    def entries(user, case):
        return [
            registry.TimelineEntry(
                when=timezone.now() + timedelta(seconds=5),
                kind="assessment",
                template="cases/tests_timeline.html",
                context={},
            )
        ]

    registry.case_flag_providers.append(flags)
    registry.case_section_providers.append(section)
    registry.timeline_providers.append(entries)
    yield
    registry.case_flag_providers.remove(flags)
    registry.case_section_providers.remove(section)
    registry.timeline_providers.remove(entries)


def test_higher_apps_contribute_badges_and_timeline_entries(client, worker1, case_c1, contributed):
    client.force_login(worker1)
    body = client.get(f"/cases/{case_c1.pk}/").content.decode()
    assert 'badge badge--warning">紹介中' in body
    assert "TEST-TIMELINE-ENTRY" in body and "TEST-SECTION" in body
    # Newest first: the contributed entry (in the future) comes before the intake contact.
    assert body.index("TEST-TIMELINE-ENTRY") < body.index("この記録を修正")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_case_page_queries_do_not_grow_with_the_timeline(
    client, worker1, worker1b, manager1, center1
):
    small = make_case(worker1, center1)
    big = make_case(worker1, center1)
    for i in range(10):
        services.contact_record(
            user=worker1,
            case=big,
            method="phone",
            consulter="family",
            consulter_member=big.contacts.first().consulter_member,
            workers=[worker1, worker1b],
            summary=f"電話 {i}",
            note="記録",
            occurred_at=timezone.now() - timedelta(minutes=50 - i),
        )
    services.case_change_phase(user=worker1, case=big, phase="individual")
    services.case_assign(user=manager1, case=big, primary_worker=worker1b)
    services.case_assign(user=manager1, case=small, primary_worker=worker1b)
    client.force_login(manager1)
    _queries(client, f"/cases/{small.pk}/")  # warm caches (content types, sessions)
    assert _queries(client, f"/cases/{big.pk}/") == _queries(client, f"/cases/{small.pk}/")
