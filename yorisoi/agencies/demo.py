"""Fictional demo partner agencies and network (`yorisoi loaddemo`, order 30).

A handful of agencies of different kinds, among them the employment-support agency the demo
user `partner1` works for; a consent and a referral to it for one of worker1's cases; a few
agency consultations; a liaison council, a training on workers' own stress care and a case
conference. Every name and number is invented. A second run finds the agencies and changes
nothing. No audit events are written: this is not anyone's work.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from yorisoi.accounts.demo import DEMO_CENTERS
from yorisoi.accounts.models import Center, User
from yorisoi.cases.models import OPEN_STATUSES, Case, Consulter, Contact, Method
from yorisoi.people.models import Consent, ConsentMethod, InfoKind

from .models import (
    Agency,
    AgencyAttendance,
    AgencyConsultation,
    AgencyKind,
    AgencyStaff,
    LiaisonChannel,
    Meeting,
    MeetingKind,
    Referral,
    ReferralEvent,
    ReferralKind,
    ReferralStatus,
)

PARTNER_AGENCY = "しごと・くらしサポートセンター みなと（架空）"

# name, kind, liaison channel, what they need in a referral, contact person, phone
DEMO_AGENCIES = (
    (
        PARTNER_AGENCY,
        AgencyKind.EMPLOYMENT,
        LiaisonChannel.SYSTEM,
        "本人の希望（働き方・時間）と、最初の面談に同行できるかを添えてください。",
        "就労準備支援係",
        "000-0000-1001",
    ),
    (
        "ハローワーク あおば（架空）",
        AgencyKind.EMPLOYMENT,
        LiaisonChannel.PHONE,
        "事前に電話で専門援助部門の予約を取ってください。",
        "専門援助部門",
        "000-0000-1002",
    ),
    (
        "地域若者サポートステーション かけはし（架空）",
        AgencyKind.YOUTH_STATION,
        LiaisonChannel.EMAIL,
        "49歳までの方が対象です。見学の希望日を2つ添えてください。",
        "相談窓口",
        "000-0000-1003",
    ),
    (
        "こころの診療所 ひだまり（架空）",
        AgencyKind.MEDICAL,
        LiaisonChannel.DOCUMENT,
        "紹介状（様式自由）と、これまでの受診歴が分かれば添えてください。",
        "地域連携室",
        "000-0000-1004",
    ),
    (
        "北区 地域包括支援センター（架空）",
        AgencyKind.COMMUNITY_CARE,
        LiaisonChannel.PHONE,
        "親御さんの介護の状況と、同居の有無を伝えてください。",
        "社会福祉士",
        "000-0000-1005",
    ),
    (
        "ひきこもり家族会 つむぎ（架空）",
        AgencyKind.PRIVATE_GROUP,
        LiaisonChannel.EMAIL,
        "家族会の見学は、ご家族の了承を得てから連絡してください。",
        "世話人",
        "000-0000-1006",
    ),
)


def _demo_centers() -> list[Center]:
    by_name = {c.name: c for c in Center.objects.filter(name__in=[n for n, *_ in DEMO_CENTERS])}
    return [by_name[n] for n, *_ in DEMO_CENTERS if n in by_name]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def load_demo_agencies(stdout=None, *, today: date | None = None) -> None:
    if Agency.objects.filter(name=PARTNER_AGENCY).exists():
        if stdout:
            stdout.write("Demo agencies: already loaded.")
        return
    today = today or timezone.localdate()
    agencies = []
    for name, kind, channel, needs, person, phone in DEMO_AGENCIES:
        agencies.append(
            Agency.objects.create(
                name=name,
                kind=kind,
                liaison_channel=channel,
                referral_needs=needs,
                contact_person=person,
                phone=phone,
                liaison_agreed_on=today - timedelta(days=400),
            )
        )
    partner_agency = agencies[0]
    partner = User.objects.filter(username="partner1").first()
    if partner is not None:
        AgencyStaff.objects.get_or_create(user=partner, agency=partner_agency)

    centers = _demo_centers()
    users = {u.username: u for u in User.objects.filter(username__in=["worker1", "manager1"])}
    referrals = 0
    if centers and len(users) == 2:
        case = (
            Case.objects.filter(
                center=centers[0], primary_worker=users["worker1"], status__in=OPEN_STATUSES
            )
            .select_related("person")
            .order_by("pk")
            .first()
        )
        if case is not None:
            Consent.objects.create(
                person=case.person,
                agency=partner_agency,
                kinds=[InfoKind.CONTACT, InfoKind.SUMMARY, InfoKind.PLAN],
                purpose="就労準備支援の利用を始めるため",
                starts_on=today - timedelta(days=10),
                ends_on=today + timedelta(days=355),
                method=ConsentMethod.SIGNED_FORM,
                center=centers[0],
                recorded_by=users["worker1"],
            )
            referral = Referral.objects.create(
                case=case,
                kind=ReferralKind.REFERRAL,
                agency=partner_agency,
                from_center=centers[0],
                shared_kinds=[InfoKind.CONTACT, InfoKind.SUMMARY, InfoKind.PLAN],
                request="就労準備支援（週1回の作業体験）の利用についてご相談させてください。",
                summary=(
                    "数年間ほとんど外出していませんでしたが、最近はセンターの居場所に月2回"
                    "通えています。短い時間から働くことに関心があります。"
                ),
                status=ReferralStatus.REQUESTED,
                created_by=users["worker1"],
            )
            ReferralEvent.objects.create(
                referral=referral,
                kind=ReferralEvent.Kind.STATUS,
                to_status=ReferralStatus.REQUESTED,
                by=users["worker1"],
            )
            referrals = 1
        # Two consultations from agencies, one about someone the center has never met.
        for days_ago, agency, summary in (
            (20, agencies[4], "高齢の母親の介護で訪問した家庭に、40代の息子さんが長く家にいる"),
            (45, agencies[3], "通院中の方の家族から、ひきこもりについて相談したいとの話"),
        ):
            contact = Contact.objects.create(
                center=centers[0],
                occurred_at=_at(today - timedelta(days=days_ago), 14),
                method=Method.PHONE,
                consulter=Consulter.AGENCY,
                consulter_detail=agency.name,
                summary=summary,
                recorded_by=users["manager1"],
            )
            contact.workers.add(users["manager1"])
            AgencyConsultation.objects.create(contact=contact, agency=agency)
        for kind, title, days_ago, stress_care, attending in (
            (MeetingKind.COUNCIL, "ひきこもり支援関係団体連絡会議（第1回）", 60, False, agencies),
            (
                MeetingKind.TRAINING,
                "支援者のためのセルフケア研修",
                30,
                True,
                agencies[:3],
            ),
            (MeetingKind.CASE_CONFERENCE, "事例検討会", 14, False, agencies[:2]),
        ):
            meeting = Meeting.objects.create(
                kind=kind,
                title=title,
                center=centers[0],
                held_on=today - timedelta(days=days_ago),
                starts_at=time(14, 0),
                place="北部センター 研修室",
                is_stress_care=stress_care,
                agenda="各機関の取り組みの共有、連携の進め方",
                created_by=users["manager1"],
            )
            for agency in attending:
                AgencyAttendance.objects.create(meeting=meeting, agency=agency, attendees=2)
            meeting.attending_staff.set(list(users.values()))
    if stdout:
        stdout.write(
            f"Demo agencies: {len(agencies)} agencies (partner1 works for the first), "
            f"{referrals} referral, 2 agency consultations, 3 meetings (all fictional)."
        )
