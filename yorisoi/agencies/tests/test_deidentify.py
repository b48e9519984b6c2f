"""De-identified summaries for case conferences: property tests that no name, reading, phone
number or exact date of the person or family gets through, the relative-month wording, and
the check that refuses sharing an edited text that still identifies someone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yorisoi.agencies import deidentify
from yorisoi.cases.models import Case, Consulter, Contact, Method
from yorisoi.core.japanese import wareki_date
from yorisoi.people.models import Household, HouseholdMember, Person

HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3097))
KATAKANA = "".join(chr(c) for c in range(0x30A1, 0x30F7))
# Common name characters, and on purpose some that the summary's own wording uses.
KANJI = "山田川佐藤鈴木高橋田中伊渡辺小林加吉森林池石井太郎花子一二三美和子健翔陽菜"
KANJI += "月日年相談支援家族本人母父"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

names = st.text(alphabet=HIRAGANA + KANJI + LATIN, min_size=1, max_size=6)
readings = st.text(alphabet=HIRAGANA + KATAKANA, min_size=1, max_size=8)
phones = st.from_regex(r"0\d{1,4}-\d{2,4}-\d{4}", fullmatch=True)
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2025, 12, 31))


def date_forms(day: date) -> list[str]:
    return [
        day.isoformat(),
        f"{day:%Y/%m/%d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.month}月{day.day}日",
        wareki_date(day),
    ]


def assert_nothing_identifying(text: str, *, strings, phone_numbers, dates) -> None:
    for value in strings:
        if value:
            assert value not in text, value
    for phone in phone_numbers:
        assert phone not in text, phone
        assert phone.replace("-", "") not in text, phone
    for day in dates:
        for form in date_forms(day):
            assert form not in text, form


# --- the pure builder ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    family=names,
    given_=names,
    family_kana=readings,
    given_kana=readings,
    nickname=names,
    members=st.lists(st.tuples(names, phones), max_size=3),
    phone=phones,
    first=days,
    events=st.lists(days, max_size=8),
)
def test_the_built_summary_never_holds_identifiers(
    family, given_, family_kana, given_kana, nickname, members, phone, first, events
):
    identifiers = [family, given_, family_kana, given_kana, nickname, phone]
    for name, member_phone in members:
        identifiers += [name, member_phone]
    facts = deidentify.CaseFacts(
        first_contact_on=first,
        today=max([first, *events]) + timedelta(days=40),
        age_band="40代",
        sex="男性",
        members=[deidentify.MemberFacts("母", "70歳以上", True)],
        first_consulter="家族（母）",
        first_method="電話",
        status="支援中",
        phase="個人支援",
        risks=["医療につながっていない"],
        # Even if a milestone's wording happened to contain a name, it must not get out.
        milestones=[(day, f"{family}{given_}に関する出来事") for day in events if day >= first],
        method_counts=[("電話", 12), ("訪問・アウトリーチ", 3)],
        identifiers=[
            *deidentify._variants(family),
            *deidentify._variants(given_),
            *deidentify._variants(family_kana),
            *deidentify._variants(given_kana),
            *deidentify._variants(nickname),
            phone,
            phone.replace("-", ""),
            *[v for name, p in members for v in (*deidentify._variants(name), p)],
            *[p.replace("-", "") for _name, p in members],
        ],
    )
    text = deidentify.build_summary(facts)
    assert_nothing_identifying(
        text,
        strings=[family, given_, family_kana, given_kana, nickname]
        + [name for name, _p in members],
        phone_numbers=[phone] + [p for _name, p in members],
        dates=[first, *events],
    )


# --- from a real case in the database -----------------------------------------------------------


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 30)))


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    family=names,
    given_=names,
    family_kana=readings,
    given_kana=readings,
    nickname=names,
    birth=days,
    phone=phones,
    members=st.lists(st.tuples(names, phones, st.integers(0, 95)), min_size=1, max_size=3),
    contact_days=st.lists(
        st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 12, 31)), min_size=1, max_size=6
    ),
)
def test_a_case_s_summary_never_holds_names_readings_phones_or_dates(
    worker1,
    center1,
    family,
    given_,
    family_kana,
    given_kana,
    nickname,
    birth,
    phone,
    members,
    contact_days,
):
    household = Household.objects.create()
    person = Person.objects.create(
        family_name=family,
        given_name=given_,
        family_name_kana=family_kana,
        given_name_kana=given_kana,
        nickname=nickname,
        birth_date=birth,
        phone=phone,
        email="taro@example.jp",
        ward="北区",
        address="北区みなと町1-2-3",
        household=household,
    )
    for name, member_phone, age in members:
        HouseholdMember.objects.create(
            household=household, relationship="mother", name=name, phone=member_phone, age=age
        )
    first = min(contact_days)
    case = Case.objects.create(
        person=person, center=center1, primary_worker=worker1, opened_on=first
    )
    for day in contact_days:
        Contact.objects.create(
            center=center1,
            case=case,
            occurred_at=_at(day),
            method=Method.HOME_VISIT,
            consulter=Consulter.SELF,
            # Free text of the record is never copied into a summary.
            summary=f"{family}{given_}さん（{phone}）と{day:%Y-%m-%d}に面談",
            note=f"{nickname} {family_kana}",
            recorded_by=worker1,
        )
    text = deidentify.summary_for_case(case, today=date(2026, 1, 1))
    assert_nothing_identifying(
        text,
        strings=[family, given_, family_kana, given_kana, nickname, "北区", "taro@example.jp"]
        + [name for name, _p, _a in members],
        phone_numbers=[phone] + [p for _n, p, _a in members],
        dates=[birth, *contact_days],
    )


# --- wording ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "day", "expected"),
    [
        (date(2024, 4, 10), date(2024, 4, 30), "初回相談から1か月以内"),
        (date(2024, 4, 10), date(2024, 5, 9), "初回相談から1か月以内"),
        (date(2024, 4, 10), date(2024, 7, 10), "初回相談から3か月後"),
        (date(2024, 1, 31), date(2024, 2, 29), "初回相談から1か月以内"),
        (date(2023, 4, 1), date(2024, 4, 1), "初回相談から1年後"),
        (date(2023, 4, 1), date(2024, 7, 15), "初回相談から1年3か月後"),
    ],
)
def test_dates_become_months_after_the_first_consultation(start, day, expected):
    assert deidentify.relative_month(start, day) == expected


def test_a_summary_uses_bands_and_relative_months(worker1, center1):
    from yorisoi.cases.tests.factories import make_case

    case = make_case(
        worker1,
        center1,
        person_data={"family_name": "木村", "birth_date": date(1982, 6, 1), "sex": "male"},
        occurred_at=_at(date(2024, 4, 10)),
    )
    Contact.objects.create(
        center=center1,
        case=case,
        occurred_at=_at(date(2024, 7, 12)),
        method=Method.HOME_VISIT,
        consulter=Consulter.SELF,
        recorded_by=worker1,
    )
    text = deidentify.summary_for_case(case, today=date(2025, 1, 20))
    assert "本人：40代・男性" in text
    assert "世帯：母（" in text
    assert "相談の始まり：家族（母）からの電話" in text
    assert "・初回相談から3か月後：本人と初めて話す（訪問・アウトリーチ）" in text
    assert "支援の期間：初回相談から9か月（継続中）" in text
    assert "【相談・対応の回数】電話 1回、訪問・アウトリーチ 1回（計2回）" in text
    assert "木村" not in text and "1982" not in text


# --- the check before sharing --------------------------------------------------------------------


@pytest.fixture
def named_case(worker1, center1):
    from yorisoi.cases.tests.factories import make_case

    case = make_case(
        worker1,
        center1,
        person_data={
            "family_name": "林",
            "given_name": "健一",
            "family_name_kana": "はやし",
            "given_name_kana": "けんいち",
            "phone": "090-3333-4444",
            "ward": "南区",
        },
    )
    member = case.person.household.members.get()
    member.name = "林 和子"
    member.save()
    return case


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("ケンイチさんは夜型の生活", ["本人の氏名・よみ・呼び名"]),
        ("林さんは最近よく眠れている", ["本人の氏名・よみ・呼び名", "家族の氏名"]),
        ("母の和子さんが相談に来た", ["家族の氏名"]),
        ("連絡先は０９０３３３３４４４４", ["電話番号"]),
        ("南区の公園を散歩する", ["居住区"]),
        ("2024年5月3日に初めて外出", ["日付（年月日）"]),
        ("令和6年5月3日に初めて外出", ["日付（年月日）"]),
        ("メールは someone@example.com へ", ["メールアドレス"]),
        ("森林公園を散歩できるようになった", []),
        ("初回相談から3か月後、外出できるようになった", []),
    ],
)
def test_identifiers_are_found_in_an_edited_text(named_case, text, found):
    assert deidentify.find_identifiers(text, named_case) == found


def test_sharing_is_refused_while_a_name_remains(client, worker1, center1, named_case):
    from yorisoi.agencies.models import CaseSummary, Meeting

    meeting = Meeting.objects.create(
        kind="case_conference",
        title="事例検討会",
        center=center1,
        held_on=date(2025, 5, 1),
        created_by=worker1,
    )
    client.force_login(worker1)
    response = client.post(
        f"/agencies/meetings/{meeting.pk}/summaries/new/",
        {"case_id": named_case.pk, "title": ""},
    )
    summary = CaseSummary.objects.get()
    assert response["Location"] == f"/agencies/meetings/{meeting.pk}/summaries/{summary.pk}/"
    assert summary.title == "事例A" and not summary.is_shared
    assert "林" not in summary.text and "はやし" not in summary.text

    url = response["Location"]
    edited = summary.text + "\n健一さんは絵を描くのが好き。"
    response = client.post(
        url, {"version": summary.version, "title": "事例A", "text": edited, "action": "share"}
    )
    assert response.status_code == 200
    assert (
        "要約に、個人が特定されるおそれのある情報が残っています：本人の氏名・よみ・呼び名。"
        in response.content.decode()
    )
    summary.refresh_from_db()
    assert not summary.is_shared
    assert summary.text == edited  # the edit is kept, nothing is lost

    fixed = edited.replace("健一さん", "本人")
    response = client.post(
        url, {"version": summary.version, "title": "事例A", "text": fixed, "action": "share"}
    )
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.is_shared and summary.shared_by == worker1
