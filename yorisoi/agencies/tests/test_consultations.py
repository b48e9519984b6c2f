"""Agency consultations (機関相談): contacts with consulter = agency, with or without a case,
counted apart."""

from __future__ import annotations

from datetime import date

from yorisoi.agencies import selectors
from yorisoi.agencies.models import AgencyConsultation
from yorisoi.cases.models import Consulter, Contact
from yorisoi.core.japanese import fiscal_year


def _form(agency, **extra):
    return {
        "agency": agency.pk,
        "consulter_detail": "ケアマネジャー 佐野",
        "center": "",
        "occurred_at": "",
        "method": "phone",
        "duration_minutes": "20",
        "case_id": "",
        "summary": "訪問先の家庭に長く外出していない息子さん",
        "note": "母の介護で訪問。40代の息子が部屋から出てこない。",
        "follow_up": "家族向けの相談窓口を案内",
        "submission_token": "tok-a",
        **extra,
    }


def test_a_consultation_about_someone_the_center_never_met(client, worker1, center1, agency):
    client.force_login(worker1)
    response = client.post("/agencies/consultations/new/", _form(agency, center=center1.pk))
    assert response.status_code == 302
    link = AgencyConsultation.objects.select_related("contact").get()
    contact = link.contact
    assert contact.case is None and contact.center == center1
    assert contact.consulter == Consulter.AGENCY
    assert contact.consulter_detail == "しごとサポートみなと ケアマネジャー 佐野"
    assert list(contact.workers.all()) == [worker1]
    html = client.get("/agencies/consultations/").content.decode()
    assert "訪問先の家庭に長く外出していない息子さん" in html
    assert "ケースなし" in html


def test_a_consultation_about_a_case_goes_on_its_timeline(
    client, worker1, center1, agency, case_c1
):
    client.force_login(worker1)
    client.post(
        "/agencies/consultations/new/", _form(agency, center=center1.pk, case_id=case_c1.pk)
    )
    link = AgencyConsultation.objects.get()
    assert link.contact.case == case_c1
    html = client.get(case_c1.get_absolute_url()).content.decode()
    assert "訪問先の家庭に長く外出していない息子さん" in html


def test_an_unknown_or_foreign_case_number_is_refused(client, worker1, center1, agency, case_c1):

    client.force_login(worker1)
    response = client.post(
        "/agencies/consultations/new/", _form(agency, center=center1.pk, case_id=99999)
    )
    assert "この番号のケースは見つかりません。" in response.content.decode()
    assert not AgencyConsultation.objects.exists()


def test_a_double_submit_records_one(client, worker1, center1, agency):
    client.force_login(worker1)
    client.post("/agencies/consultations/new/", _form(agency, center=center1.pk))
    client.post("/agencies/consultations/new/", _form(agency, center=center1.pk))
    assert AgencyConsultation.objects.count() == 1
    assert Contact.objects.filter(consulter=Consulter.AGENCY).count() == 1


def test_counted_separately_by_kind_and_case(
    worker1, center1, center2, agency, other_agency, case_c1
):
    from yorisoi.agencies import services

    services.consultation_record(user=worker1, center=center1, agency=agency, summary="a")
    services.consultation_record(user=worker1, center=center1, agency=other_agency, summary="b")
    services.consultation_record(
        user=worker1, center=center1, agency=agency, case=case_c1, summary="c"
    )
    year = fiscal_year(date.today())
    counts = selectors.consultation_counts_for(user=worker1, fiscal_year=year)
    assert (counts["total"], counts["with_case"], counts["without_case"]) == (3, 1, 2)
    by_kind = {row["kind"]: row["count"] for row in counts["by_kind"]}
    assert by_kind["employment"] == 2 and by_kind["medical"] == 1
    # The intake contact of case_c1 is a contact, but not an agency consultation.
    assert Contact.objects.filter(center=center1).count() == 4
    other = selectors.consultation_counts(
        center_ids=[center2.pk], start=date(2000, 4, 1), end=date(2100, 3, 31)
    )
    assert other["total"] == 0


def test_other_centers_and_other_roles_do_not_see_them(
    client, worker1, worker2, partner1, center1, agency
):
    from yorisoi.agencies import services

    services.consultation_record(user=worker1, center=center1, agency=agency, summary="北部の相談")
    client.force_login(worker2)
    assert "北部の相談" not in client.get("/agencies/consultations/").content.decode()
    client.force_login(partner1)
    assert client.get("/agencies/consultations/").status_code == 404
    assert client.get("/agencies/consultations/new/").status_code == 404
