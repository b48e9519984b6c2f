import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yorisoi.audit.models import AuditEvent
from yorisoi.core.errors import StaleEditError
from yorisoi.people import services
from yorisoi.people.models import Person

from .factories import person_with_case


def test_person_create_needs_no_visibility_and_is_audited(worker1):
    person = services.person_create(user=worker1, data={"family_name_kana": "ヤマダ"})
    assert person.created_by == worker1
    assert person.reading_key == "やまだ"
    assert AuditEvent.objects.filter(
        action="create", object_type="people.person", object_id=str(person.pk)
    ).exists()


def test_person_create_anonymous_is_valid(worker1):
    person = services.person_create(user=worker1, data={})
    assert person.is_anonymous


def test_person_create_rejects_future_birth_date(worker1):
    from datetime import date, timedelta

    with pytest.raises(ValidationError):
        services.person_create(user=worker1, data={"birth_date": date.today() + timedelta(days=2)})
    assert not Person.objects.exists()


def test_person_update_bumps_version(worker1, center1):
    person = person_with_case(center1, family_name="山田")
    services.person_update(
        user=worker1, person=person, data={"family_name": "山本"}, expected_version=1
    )
    person.refresh_from_db()
    assert (person.family_name, person.version) == ("山本", 2)


def test_person_update_stale_is_refused_with_changes(worker1, worker1b, center1):
    person = person_with_case(center1, family_name="山田", ward="北区")
    services.person_update(user=worker1b, person=person, data={"ward": "南区"}, expected_version=1)
    with pytest.raises(StaleEditError) as info:
        services.person_update(
            user=worker1,
            person=Person.objects.get(pk=person.pk),
            data={"family_name": "山田", "ward": "東区"},
            expected_version=1,
        )
    assert info.value.changes == {"ward": ("南区", "東区")}
    person.refresh_from_db()
    assert person.ward == "南区"


def test_person_update_other_center_denied(worker2, center1):
    person = person_with_case(center1, family_name="山田")
    with pytest.raises(PermissionDenied):
        services.person_update(
            user=worker2, person=person, data={"family_name": "x"}, expected_version=1
        )


def test_member_add_twice_with_same_token_adds_one(worker1, center1):
    person = person_with_case(center1)
    data = {"relationship": "mother", "age": 72}
    first = services.household_member_add(
        user=worker1, person=person, data=data, submission_token="abc"
    )
    second = services.household_member_add(
        user=worker1, person=person, data=data, submission_token="abc"
    )
    assert first.pk == second.pk
    assert person.household.members.count() == 1
