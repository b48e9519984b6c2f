"""Every write of persons, households and members. Each runs in one transaction and writes
its audit event inside it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi.audit import services as audit
from yorisoi.audit.models import Action
from yorisoi.core.errors import StaleEditError

from . import policy
from .models import Consent, Household, HouseholdMember, InfoKind, Person

# Fields a caller may set through person_create / person_update.
PERSON_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "nickname",
    "birth_date",
    "age_band",
    "sex",
    "ward",
    "phone",
    "email",
    "address",
    "contact_preferences",
    "line_user_id",
)
MEMBER_FIELDS = ("relationship", "name", "age", "lives_together", "phone", "note")


def _check_fields(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")


def _require_person_edit(user, person: Person) -> None:
    if not policy.can_edit_person(user, person):
        raise PermissionDenied


def _require_member_edit(user, member: HouseholdMember) -> None:
    if not policy.can_edit_member(user, member):
        raise PermissionDenied


@transaction.atomic
def person_create(*, user, data: dict[str, Any], household: Household | None = None) -> Person:
    """Create a person. Every field is optional (an anonymous person is a valid record).

    No visibility check: a person becomes visible through the case the caller creates next,
    in the same transaction (cases' intake).
    """
    _check_fields(data, PERSON_FIELDS)
    person = Person(**data, household=household, created_by=user)
    person.full_clean()
    person.save()
    # The fields entered, not the derived search keys (which repeat names and phone digits).
    audit.record_change(
        actor=user,
        obj=person,
        action=Action.CREATE,
        after=audit.snapshot(person, (*PERSON_FIELDS, "household_id")),
    )
    return person


@transaction.atomic
def person_update(*, user, person: Person, data: dict[str, Any], expected_version: int) -> Person:
    """Save the given fields if nobody saved the person since `expected_version` was read.

    Raises StaleEditError with {field: (stored value, submitted value)} otherwise, and saves
    nothing. Bumps the version on every successful save.
    """
    _check_fields(data, PERSON_FIELDS)
    _require_person_edit(user, person)
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.version != expected_version:
        changes = {
            name: (getattr(current, name), value)
            for name, value in data.items()
            if getattr(current, name) != value
        }
        if not changes:
            # Someone saved in between, but exactly what this user submits: nothing to do.
            return current
        raise StaleEditError(changes, current_version=current.version)
    before = audit.snapshot(current, PERSON_FIELDS)
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean()
    after = audit.snapshot(current, PERSON_FIELDS)
    if after == before:
        return current
    current.version += 1
    current.save()
    audit.record_change(actor=user, obj=current, before=before, after=after)
    # Keep the caller's object in step with what was saved.
    for name in (*data, "version", "search_key", "reading_key", "name_key", "phone_key"):
        setattr(person, name, getattr(current, name))
    person.updated_at = current.updated_at
    return current


@transaction.atomic
def household_ensure(*, user, person: Person) -> Household:
    """The person's household, created (and linked) when they have none yet."""
    _require_person_edit(user, person)
    # Lock only the person's row: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer join that select_related("household") makes.
    locked = (
        Person.objects.select_for_update(of=("self",)).select_related("household").get(pk=person.pk)
    )
    if locked.household_id:
        person.household = locked.household
        return locked.household
    household = Household.objects.create()
    Person.objects.filter(pk=person.pk).update(household=household, updated_at=timezone.now())
    person.household = household
    audit.record_change(actor=user, obj=household, action=Action.CREATE)
    audit.record(
        actor=user,
        action=Action.UPDATE,
        obj=person,
        changes={"household": [None, household.pk]},
    )
    return household


@transaction.atomic
def household_member_add(
    *, user, person: Person, data: dict[str, Any], submission_token: str | None = None
) -> HouseholdMember:
    """Add a member to the person's household (created if needed).

    With a submission_token, a second submit of the same form returns the member the first
    one created instead of adding another.
    """
    _check_fields(data, MEMBER_FIELDS)
    _require_person_edit(user, person)
    token = (submission_token or "").strip()[:64] or None
    if token:
        existing = HouseholdMember.objects.filter(submission_token=token).first()
        if existing is not None:
            if existing.household_id != person.household_id:
                raise PermissionDenied
            return existing
    household = household_ensure(user=user, person=person)
    member = HouseholdMember(
        household=household,
        submission_token=token,
        age_recorded_on=timezone.localdate(),
        **data,
    )
    member.full_clean()
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # The same token saved by a concurrent request an instant ago.
        if token:
            return HouseholdMember.objects.get(submission_token=token)
        raise
    audit.record_change(actor=user, obj=member, action=Action.CREATE)
    return member


@transaction.atomic
def household_member_update(
    *, user, member: HouseholdMember, data: dict[str, Any]
) -> HouseholdMember:
    """Change a member. A changed age is recorded as of today (current_age counts from it)."""
    _check_fields(data, MEMBER_FIELDS)
    _require_member_edit(user, member)
    current = HouseholdMember.objects.select_for_update().get(pk=member.pk)
    fields = (*MEMBER_FIELDS, "age_recorded_on")
    before = audit.snapshot(current, fields)
    for name, value in data.items():
        setattr(current, name, value)
    if "age" in data and data["age"] != before["age"]:
        current.age_recorded_on = timezone.localdate()
    current.full_clean()
    after = audit.snapshot(current, fields)
    if after != before:
        current.save()
        audit.record_change(actor=user, obj=current, before=before, after=after)
    return current


@transaction.atomic
def household_member_remove(*, user, member: HouseholdMember) -> None:
    """Remove a member from the household. Removing one already gone does nothing."""
    _require_member_edit(user, member)
    current = HouseholdMember.objects.select_for_update().filter(pk=member.pk).first()
    if current is None:
        return
    before = audit.snapshot(current, (*MEMBER_FIELDS, "household_id"))
    redact = audit.sensitive_field_names(HouseholdMember)
    audit.record(
        actor=user,
        action=Action.DELETE,
        obj=current,
        changes=audit.diff(before, {}, redact=redact),
    )
    current.delete()


# --- consents (同意) ---------------------------------------------------------------------------

CONSENT_FIELDS = (
    "given_by_member",
    "agency",
    "recipient_center",
    "kinds",
    "purpose",
    "starts_on",
    "ends_on",
    "method",
    "witness_name",
    "note",
)
CONSENT_AUDIT_FIELDS = (
    "person_id",
    "given_by_member_id",
    "given_by_label",
    "agency_id",
    "recipient_center_id",
    "kinds",
    "purpose",
    "starts_on",
    "ends_on",
    "method",
    "witness_name",
    "note",
)


@transaction.atomic
def consent_record(
    *,
    user,
    person: Person,
    center,
    data: dict[str, Any],
    submission_token: str | None = None,
) -> Consent:
    """Record a consent to share the person's information, given by the person or a member
    of their household, at `center` (where the recording user works).

    A second submit with the same submission_token returns the consent the first one made.
    """
    _check_fields(data, CONSENT_FIELDS)
    _require_person_edit(user, person)
    if not user.has_role(*policy.PERSON_READ_ROLES, center=center.pk):
        raise PermissionDenied
    token = (submission_token or "").strip()[:64] or None
    if token:
        existing = Consent.objects.filter(submission_token=token).first()
        if existing is not None:
            if existing.person_id != person.pk:
                raise PermissionDenied
            return existing
    data = dict(data)
    kinds = set(data.pop("kinds", None) or [])
    member = data.get("given_by_member")
    consent = Consent(
        person=person,
        center=center,
        recorded_by=user,
        submission_token=token,
        given_by_label=str(member) if member else "",
        # Stored in a fixed order, so two consents with the same kinds compare equal.
        kinds=[k for k in InfoKind.values if k in kinds] + sorted(kinds - set(InfoKind.values)),
        **data,
    )
    consent.witness_name = (consent.witness_name or "").strip()
    consent.purpose = (consent.purpose or "").strip()
    # kinds is checked by Consent.clean, with a message that says what to do.
    consent.full_clean(exclude=["submission_token", "kinds"])
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:
        if token:
            return Consent.objects.get(submission_token=token)
        raise
    audit.record_change(
        actor=user,
        obj=consent,
        action=Action.CREATE,
        after=audit.snapshot(consent, CONSENT_AUDIT_FIELDS),
    )
    return consent


@transaction.atomic
def consent_withdraw(*, user, consent: Consent, reason: str) -> Consent:
    """Withdraw a consent, effective at once: from now on nothing more is shared under it.

    Withdrawing one already withdrawn changes nothing.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "withdrawal_reason": _(
                    "撤回の申し出の内容を入力してください（例：本人から電話で撤回の申し出）。"
                )
            }
        )
    _require_person_edit(user, consent.person)
    current = Consent.objects.select_for_update().get(pk=consent.pk)
    if current.withdrawn_at is not None:
        return current
    fields = ("withdrawn_at", "withdrawn_by_id", "withdrawal_reason")
    before = audit.snapshot(current, fields)
    current.withdrawn_at = timezone.now()
    current.withdrawn_by = user
    current.withdrawal_reason = reason
    current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit.record_change(
        actor=user, obj=current, before=before, after=audit.snapshot(current, fields), reason=reason
    )
    for name in fields:
        setattr(consent, name, getattr(current, name))
    return current
