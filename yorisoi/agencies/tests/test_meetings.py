"""The network: liaison councils, case conferences and trainings, with attendance per agency
and per 年度 (including trainings on workers' own stress care)."""

from __future__ import annotations

from datetime import date

import pytest

from yorisoi.agencies import selectors, services
from yorisoi.agencies.models import AgencyAttendance, CaseSummary, Meeting

from .factories import make_agency


def _meeting_form(center, **extra):
    return {
        "kind": "council",
        "title": "ひきこもり支援関係団体連絡会議",
        "center": center.pk,
        "held_on": "2025-06-10",
        "starts_at": "14:00",
        "place": "市役所 会議室",
        "agenda": "各機関の取組",
        "minutes": "次回は事例検討",
        "follow_up": "家族会の案内を各機関で配布",
        "other_attendees": "市 福祉課 2名",
        "submission_token": "tok-m",
        **extra,
    }


def test_a_worker_records_a_council_with_agencies_and_staff(
    client, worker1, worker1b, center1, agency, other_agency
):
    client.force_login(worker1)
    response = client.post(
        "/agencies/meetings/new/",
        _meeting_form(center1, agencies=[agency.pk, other_agency.pk], staff=[worker1b.pk]),
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == f"/agencies/meetings/{meeting.pk}/"
    assert set(meeting.agencies.all()) == {agency, other_agency}
    assert list(meeting.attending_staff.all()) == [worker1b]
    # A double submit creates no second meeting.
    client.post("/agencies/meetings/new/", _meeting_form(center1))
    assert Meeting.objects.count() == 1
    html = client.get(f"/agencies/meetings/{meeting.pk}/").content.decode()
    assert "次回は事例検討" in html and "しごとサポートみなと" in html


def test_attendee_numbers_are_set_per_agency(client, worker1, center1, agency):
    meeting = services.meeting_save(
        user=worker1,
        data={"kind": "training", "title": "研修", "center": center1, "held_on": date(2025, 6, 1)},
        agencies=[agency],
    )
    client.force_login(worker1)
    client.post(f"/agencies/meetings/{meeting.pk}/attendance/", {f"agency_{agency.pk}": "3"})
    assert AgencyAttendance.objects.get().attendees == 3
    client.post(f"/agencies/meetings/{meeting.pk}/attendance/", {f"agency_{agency.pk}": "0"})
    assert AgencyAttendance.objects.get().attendees == 3


def test_training_attendance_per_agency_and_fiscal_year(client, worker1, worker1b, center1, agency):
    clinic = make_agency("こころの診療所", kind="medical")

    def training(day, agencies, stress_care=False, staff=()):
        return services.meeting_save(
            user=worker1,
            data={
                "kind": "training",
                "title": f"研修 {day}",
                "center": center1,
                "held_on": day,
                "is_stress_care": stress_care,
            },
            agencies=agencies,
            staff=list(staff),
        )

    first = training(date(2025, 4, 1), [agency, clinic], stress_care=True, staff=[worker1])
    training(date(2026, 3, 31), [agency], staff=[worker1, worker1b])
    training(date(2025, 3, 31), [agency])  # the previous 年度
    services.attendance_set(user=worker1, meeting=first, counts={agency.pk: 4})
    services.meeting_save(  # a council is not a training
        user=worker1,
        data={
            "kind": "council",
            "title": "連絡会議",
            "center": center1,
            "held_on": date(2025, 5, 1),
        },
        agencies=[agency],
    )
    data = selectors.training_attendance(user=worker1, fiscal_year=2025)
    rows = {row["name"]: row for row in data["agencies"]}
    assert rows["しごとサポートみなと"] | {} == {
        **rows["しごとサポートみなと"],
        "trainings": 2,
        "persons": 5,
        "stress_care": 1,
    }
    assert (rows["こころの診療所"]["trainings"], rows["こころの診療所"]["stress_care"]) == (1, 1)
    assert (data["trainings"], data["stress_care_trainings"]) == (2, 1)
    assert data["staff"][0]["attendances"] == 3 and data["staff"][0]["persons"] == 2
    client.force_login(worker1)
    html = client.get("/agencies/trainings/?year=2025").content.decode()
    assert "令和7年度（2025年度）の研修 2回（うち支援者自身のストレスケア 1回）" in html


@pytest.fixture
def conference(worker1, center1):
    return services.meeting_save(
        user=worker1,
        data={
            "kind": "case_conference",
            "title": "事例検討会",
            "center": center1,
            "held_on": date(2025, 7, 1),
        },
    )


def test_the_original_case_is_never_reachable_through_the_meeting(
    client, worker1, worker2, conference, case_c1
):
    summary = services.summary_create(
        user=worker1, meeting=conference, case=case_c1, title="夜型の30代男性の事例"
    )
    client.force_login(worker2)  # another center: sees the meeting, not the draft
    html = client.get(conference.get_absolute_url()).content.decode()
    assert summary.title not in html
    assert (
        client.get(f"/agencies/meetings/{conference.pk}/summaries/{summary.pk}/").status_code == 404
    )
    services.summary_share(user=worker1, summary=summary)
    html = client.get(conference.get_absolute_url()).content.decode()
    assert summary.title in html
    assert f"/cases/{case_c1.pk}/" not in html and "山田" not in html and "やまだ" not in html
    assert "090-1111-2222" not in html


def test_only_an_editor_of_the_case_may_summarise_it(client, worker1b, conference, case_c1):
    client.force_login(worker1b)
    response = client.post(
        f"/agencies/meetings/{conference.pk}/summaries/new/", {"case_id": case_c1.pk}
    )
    assert response.status_code == 302
    assert not CaseSummary.objects.exists()


def test_a_stranger_cannot_summarise_another_center_s_case(client, worker2, conference, case_c1):
    client.force_login(worker2)
    client.post(f"/agencies/meetings/{conference.pk}/summaries/new/", {"case_id": case_c1.pk})
    assert not CaseSummary.objects.exists()


def test_summaries_only_for_case_conferences(worker1, center1, case_c1):
    from django.core.exceptions import ValidationError

    council = services.meeting_save(
        user=worker1,
        data={"kind": "council", "title": "会議", "center": center1, "held_on": date(2025, 5, 1)},
    )
    with pytest.raises(ValidationError):
        services.summary_create(user=worker1, meeting=council, case=case_c1)


def test_meeting_edit_is_for_the_organising_center(client, worker1, worker2, conference):
    client.force_login(worker2)
    assert client.get(conference.get_absolute_url()).status_code == 200
    assert client.get(f"/agencies/meetings/{conference.pk}/edit/").status_code == 403
    client.force_login(worker1)
    assert client.get(f"/agencies/meetings/{conference.pk}/edit/").status_code == 200


def test_partners_and_others_find_no_meetings(client, partner1, peer1, analyst1, conference):
    for user in (partner1, peer1, analyst1):
        client.force_login(user)
        for url in ("/agencies/meetings/", conference.get_absolute_url(), "/agencies/trainings/"):
            assert client.get(url).status_code == 404
