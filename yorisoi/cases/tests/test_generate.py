"""`yorisoi generate`: synthetic data at scale, here at the tiny preset."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max, Q

from yorisoi.accounts.models import Center, Membership, Role, User
from yorisoi.cases.management.commands.generate import GENERATED_PREFIX, allocate
from yorisoi.cases.models import Case, CaseChange, Contact, Status
from yorisoi.people.models import Person

pytestmark = pytest.mark.django_db


def generate(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("generate", "--preset", "tiny", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_tiny_preset_makes_50_persons_and_500_contacts_at_its_own_centers():
    generate()
    centers = Center.objects.filter(name__startswith=GENERATED_PREFIX)
    assert centers.count() == 2
    assert Person.objects.count() == 50
    assert Case.objects.filter(center__in=centers).count() == 50
    assert Contact.objects.filter(center__in=centers).count() == 500
    workers = Membership.objects.filter(center__in=centers, role=Role.WORKER)
    assert workers.count() == 4
    assert all(m.user.display_name.startswith(GENERATED_PREFIX) for m in workers)
    assert not any(u.has_usable_password() for u in User.objects.filter(username__startswith="gen"))


def test_generated_rows_are_consistent():
    generate()
    cases = Case.objects.annotate(
        latest=Max("contacts__occurred_at"),
        intakes=Count("contacts", filter=Q(contacts__is_intake=True)),
    )
    for case in cases:
        assert case.intakes == 1
        assert case.last_contact_at == case.latest
        if case.status == Status.CLOSED:
            assert case.closure_reason and case.closed_on and case.next_contact_on is None
        last = case.changes.filter(field=CaseChange.Field.STATUS).order_by("changed_on", "id")
        assert last.last().new_value == case.status
    # Every contact has its worker, and the ORM can read back what was written directly.
    assert Contact.workers.through.objects.count() == 500
    noted = Contact.objects.exclude(note="").first()
    assert noted is not None and noted.note and not noted.note.startswith("enc1:")
    person = Person.objects.exclude(family_name_kana="").first()
    assert person.family_name_kana in person.search_key


def test_notes_are_encrypted_at_rest():
    generate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM cases_contact WHERE note <> ''")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(s.startswith("enc1:") for s in stored)


def test_new_rows_after_generating_get_fresh_ids():
    generate()
    case = Case.objects.order_by("-id").first()
    center = Center.objects.create(name="後から作ったセンター")
    new = Case.objects.create(person=case.person, center=center)
    assert new.pk > case.pk


def test_generating_twice_into_one_database_is_refused():
    generate()
    with pytest.raises(CommandError, match="already holds generated data"):
        generate()
    assert Person.objects.count() == 50


def test_progress_is_shown_on_stderr():
    _out, err = generate()
    assert "100%" in err


def test_allocate_splits_exactly_with_a_minimum_each():
    counts = allocate(500, [1.0, 3.0, 0.01, 10.0], minimum=1)
    assert sum(counts) == 500
    assert min(counts) >= 1
    assert counts[3] > counts[1] > counts[0]
