"""intake_record: the first consultation creates person, household, member, case and contact."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services
from yorisoi.cases.models import Case, CaseChange, Contact, Status
from yorisoi.people.models import HouseholdMember, Person


def _intake(user, center, **kw):
    defaults = dict(
        person_data={},
        consulter="family",
        consulter_relationship="mother",
        method="phone",
        occurred_at=timezone.now() - timedelta(minutes=5),
    )
    defaults.update(kw)
    return services.intake_record(user=user, center=center, **defaults)


def test_anonymous_intake_from_a_mother_creates_everything(worker1, center1):
    contact = _intake(worker1, center1, consulter_age=78, summary="息子のことで")
    case = contact.case
    person = Person.objects.get(pk=case.person_id)
    assert person.is_anonymous
    member = HouseholdMember.objects.get(household=person.household)
    assert member.relationship == "mother" and member.age == 78
    assert contact.consulter_member == member
    assert contact.is_intake
    assert case.primary_worker == worker1 and case.status == Status.INTAKE
    assert CaseChange.objects.filter(case=case, field="status", new_value="intake").exists()
    types = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert {"people.person", "cases.case", "cases.contact", "people.householdmember"} <= types


def test_same_token_twice_gives_one_contact(worker1, center1):
    first = _intake(worker1, center1, submission_token="tok-1")
    second = _intake(worker1, center1, submission_token="tok-1")
    assert first.pk == second.pk
    assert Contact.objects.count() == 1 and Person.objects.count() == 1


def test_second_intake_for_a_closed_case_reopens_it(worker1, center1):
    contact = _intake(worker1, center1)
    case = contact.case
    services.case_change_status(
        user=worker1, case=case, status="closed", closure_reason="no_contact"
    )
    again = _intake(worker1, center1, person=case.person)
    case.refresh_from_db()
    assert again.case_id == case.pk and again.is_intake
    assert case.status == Status.INTAKE and case.closed_on is None
    assert Case.objects.count() == 1
    # The mother is the same member, not a second one.
    assert HouseholdMember.objects.count() == 1


def test_worker_of_another_center_cannot_take_intake_here(worker2, center1):
    with pytest.raises(PermissionDenied):
        _intake(worker2, center1)


def test_future_birth_date_refused_and_nothing_saved(worker1, center1):
    with pytest.raises(ValidationError):
        _intake(worker1, center1, person_data={"birth_date": timezone.localdate() + timedelta(1)})
    assert Person.objects.count() == 0 and Case.objects.count() == 0


def test_colleague_taking_the_call_joins_the_case_as_secondary(worker1, worker1b, center1):
    case = _intake(worker1, center1).case
    contact = _intake(worker1b, center1, person=case.person, summary="当番で受けた電話")
    assert contact.case_id == case.pk and not contact.is_intake
    assert list(case.secondary_workers.all()) == [worker1b]
    assert Case.objects.get(pk=case.pk).primary_worker == worker1
