"""`yorisoi loaddemo`: realistic, fictional case work that looks right whatever day it is loaded.

The demo is loaded once for the module (inside a transaction rolled back at the end) and each
test looks at one property of it.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.test import override_settings
from django.utils import timezone

from yorisoi.accounts.demo import DEMO_CENTERS
from yorisoi.audit.models import AuditEvent
from yorisoi.cases.demo import load_demo_cases
from yorisoi.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseChange,
    Consulter,
    Contact,
    Method,
    PlanVersion,
    Status,
)
from yorisoi.conftest import TEST_KEY
from yorisoi.core.japanese import fiscal_year
from yorisoi.core.registry import demo_loaders
from yorisoi.people.models import Household, HouseholdMember, Person
from yorisoi.people.selectors import aging_household

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Every demo loader run in order, as `yorisoi loaddemo` does, once for this module and
    rolled back afterwards; the audit events written by the case loader are counted."""
    out = io.StringIO()
    events = {}
    with django_db_blocker.unblock():
        with override_settings(YORISOI_ENCRYPTION_KEY=TEST_KEY, PASSWORD_HASHERS=FAST_HASHER):
            with transaction.atomic():
                for _order, loader in sorted(demo_loaders, key=lambda item: item[0]):
                    before = AuditEvent.objects.count()
                    with transaction.atomic():
                        loader(out)
                    if loader is load_demo_cases:
                        events["cases_loader"] = AuditEvent.objects.count() - before
                yield events
                transaction.set_rollback(True)


def counts() -> dict[str, int]:
    return {
        "persons": Person.objects.count(),
        "households": Household.objects.count(),
        "members": HouseholdMember.objects.count(),
        "cases": Case.objects.count(),
        "contacts": Contact.objects.count(),
        "changes": CaseChange.objects.count(),
        "plans": PlanVersion.objects.count(),
    }


def test_loading_the_demo_twice_changes_nothing(demo, db):
    before = counts()
    call_command("loaddemo", stdout=io.StringIO())
    assert counts() == before


def test_demo_has_about_150_persons_and_2000_contacts_at_both_centers(demo, db):
    assert 140 <= Person.objects.count() <= 160
    assert 1700 <= Contact.objects.count() <= 2500
    by_center = dict(Case.objects.values_list("center__name").annotate(n=Count("id")).order_by())
    assert set(by_center) == {name for name, *_ in DEMO_CENTERS}
    assert all(n >= 50 for n in by_center.values())


def test_demo_contacts_span_three_fiscal_years(demo, db):
    today = timezone.localdate()
    years = {
        fiscal_year(timezone.localdate(c))
        for c in Contact.objects.values_list("occurred_at", flat=True)
    }
    assert years == {fiscal_year(today) - 2, fiscal_year(today) - 1, fiscal_year(today)}
    assert Contact.objects.filter(occurred_at__gt=timezone.now()).count() == 0


def test_phone_is_the_most_common_method_and_every_method_occurs(demo, db):
    by_method = dict(Contact.objects.values_list("method").annotate(n=Count("id")).order_by())
    assert set(by_method) == set(Method.values)
    assert max(by_method, key=by_method.get) == Method.PHONE


def test_most_first_contacts_come_from_family(demo, db):
    intakes = Contact.objects.filter(is_intake=True)
    family = intakes.filter(consulter=Consulter.FAMILY).count()
    assert family > intakes.count() / 2
    assert intakes.filter(consulter=Consulter.FAMILY, consulter_detail="母").count() > (
        intakes.filter(consulter=Consulter.FAMILY, consulter_detail="父").count()
    )
    assert intakes.filter(method=Method.PHONE).count() > intakes.count() / 2


def test_anonymous_persons_exist_with_a_nickname_or_nothing_at_all(demo, db):
    unnamed = Person.objects.filter(
        family_name="", given_name="", family_name_kana="", given_name_kana=""
    )
    assert unnamed.exclude(nickname="").exists()
    nothing = unnamed.filter(nickname="")
    assert nothing.count() >= 5
    # "Unknown, consulted by family": their first contact is a family member's.
    first = Contact.objects.filter(case__person__in=nothing, is_intake=True)
    assert first.filter(consulter=Consulter.FAMILY).count() >= 5


def test_named_persons_have_kana_readings_that_search_finds(demo, db):
    named = Person.objects.exclude(family_name="")
    assert named.count() >= 90
    assert not named.filter(family_name_kana="").exists()
    person = named.first()
    assert person.family_name_kana in person.search_key


def test_8050_households_exist(demo, db):
    today = timezone.localdate()
    persons = Person.objects.filter(household__isnull=False).prefetch_related("household__members")
    aging = [p for p in persons if aging_household(p, today)]
    assert len(aging) >= 10
    # The classic shape: parents of 75 or more with a child of 45–55.
    classic = [
        p
        for p in aging
        if 45 <= (p.minimum_age(today) or 0) <= 55
        and any(
            m.relationship in ("father", "mother") and 75 <= m.current_age(today) <= 90
            for m in p.household.members.all()
        )
    ]
    assert len(classic) >= 5


def test_every_case_starts_with_exactly_one_intake_contact_with_heard_via(demo, db):
    cases = Case.objects.annotate(
        intakes=Count("contacts", filter=Q(contacts__is_intake=True)),
        first=Min("contacts__occurred_at"),
        first_intake=Min("contacts__occurred_at", filter=Q(contacts__is_intake=True)),
    )
    assert cases.exists()
    for case in cases:
        assert case.intakes == 1, case.pk
        assert case.first == case.first_intake, case.pk
    assert not Contact.objects.filter(is_intake=True, heard_via="").exists()


def test_case_dates_agree_with_their_contacts(demo, db):
    for case in Case.objects.annotate(latest=Max("contacts__occurred_at")):
        assert case.last_contact_at == case.latest, case.pk
        assert timezone.localdate(case.latest) >= case.opened_on
        if case.status == Status.CLOSED:
            assert case.closure_reason and case.closed_on and case.next_contact_on is None
        elif case.next_contact_on is not None:
            assert case.next_contact_on >= timezone.localdate(case.latest)


def test_overdue_quiet_and_unassigned_cases_exist_relative_to_today(demo, db):
    today = timezone.localdate()
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    overdue = open_cases.filter(next_contact_on__lt=today)
    quiet = open_cases.filter(last_contact_at__lt=timezone.now() - timedelta(days=30))
    assert 3 <= overdue.count() <= 25
    assert 3 <= quiet.count() <= 25
    assert open_cases.filter(primary_worker__isnull=True).exists()
    for username in ("worker1", "worker1b", "worker2"):
        assert open_cases.filter(primary_worker__username=username).count() >= 15
    assert overdue.filter(primary_worker__username="worker1").exists()


def test_some_cases_are_closed_with_reasons_and_a_few_carry_risk_flags(demo, db):
    closed = Case.objects.filter(status=Status.CLOSED)
    assert closed.count() >= 10
    assert closed.values("closure_reason").distinct().count() >= 3
    risky = Case.objects.filter(Q(risk_self_harm=True) | Q(risk_violence=True) | Q(risk_abuse=True))
    assert 1 <= risky.count() <= 15
    assert all(c.risk_note for c in risky)


def test_status_history_ends_at_the_current_status(demo, db):
    for case in Case.objects.prefetch_related("changes"):
        statuses = [c for c in case.changes.all() if c.field == CaseChange.Field.STATUS]
        assert statuses[0].old_value == "" and statuses[0].new_value == Status.INTAKE
        assert statuses[-1].new_value == case.status, case.pk
        days = [c.changed_on for c in statuses]
        assert days == sorted(days)


def test_plans_hold_goals_in_the_persons_or_familys_words(demo, db):
    plans = PlanVersion.objects.all()
    assert plans.filter(voice=PlanVersion.Voice.PERSON).exists()
    assert plans.filter(voice=PlanVersion.Voice.FAMILY).exists()
    assert plans.filter(number__gte=2).exists()
    goals = "\n".join(p.goals for p in plans)
    assert "昼夜逆転を少しずつ戻したい" in goals or "母と話す時間を増やしたい" in goals


def test_notes_are_encrypted_at_rest(demo, db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM cases_contact WHERE note <> '' LIMIT 20")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(s.startswith("enc1:") for s in stored)


def test_loading_the_demo_cases_writes_no_audit_events(demo, db):
    assert demo["cases_loader"] == 0
