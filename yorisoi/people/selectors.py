"""Every read of persons and households, starting from people.policy."""

from __future__ import annotations

import unicodedata
from datetime import date

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from yorisoi.audit import services as audit
from yorisoi.audit.models import Action
from yorisoi.core.japanese import normalize_kana

from . import policy
from .models import (
    PARENT_RELATIONSHIPS,
    AgeBand,
    Consent,
    HouseholdMember,
    InfoKind,
    Person,
    age_on,
    band_for_age,
)

SEARCH_LIMIT = 50
# A search this long matches anywhere in a reading, name or nickname; shorter, at their start.
MIN_ANYWHERE_CHARS = 3
DUPLICATE_LIMIT = 10
# A phone number shorter than this (in digits) is too little to call two records the same.
MIN_PHONE_DIGITS = 6
# The 8050 signal: a person of this age or older ...
AGING_CHILD_AGE = 40
# ... with a father or mother of this age or older in their household.
AGING_PARENT_AGE = 70


def _digits(text: str | None) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "") if ch.isdigit())


def _visible_cases_prefetch(user) -> Prefetch:
    cases = policy.visible_cases_of_persons(user).select_related("center").order_by("center_id")
    return Prefetch("cases", queryset=cases, to_attr="visible_cases")


def person_get(*, user, person_id: int) -> Person:
    """One person the user may see, with household members and visible cases; records the view.

    A person the user may not see is a 404, never a 403.
    """
    queryset = (
        policy.visible_persons(user)
        .select_related("household")
        .prefetch_related("household__members", _visible_cases_prefetch(user))
    )
    person = get_object_or_404(queryset, pk=person_id)
    # A person belongs to no one center; the view is filed under the center through whose case
    # the user sees them, so that center's managers see who opened the page.
    centers = [case.center_id for case in person.visible_cases]
    audit.record(
        actor=user,
        action=Action.VIEW,
        obj=person,
        center_id=centers[0] if centers else None,
    )
    return person


def search_key_matches(key: str, prefix: str = "") -> Q:
    """The persons whose search_key (reading|name|nickname, folded) matches `key`, already
    folded by normalize_kana: containing it, or, for a key shorter than
    MIN_ANYWHERE_CHARS, a reading, name or nickname starting with it.

    `prefix` is the lookup path to the person ("person__" from a case). A word start is what
    someone typing one or two characters means, and it keeps the search indexed: on
    PostgreSQL a trigram index (migration 0004) finds three characters anywhere, but nothing
    shorter, which would read every person.
    """
    field = f"{prefix}search_key"
    if len(key) >= MIN_ANYWHERE_CHARS:
        return Q(**{f"{field}__contains": key})
    return Q(**{f"{field}__startswith": key}) | Q(**{f"{field}__contains": f"|{key}"})


def person_search(*, user, q: str, limit: int = SEARCH_LIMIT) -> list[Person]:
    """Persons whose reading, name or nickname contains `q`, folded (hiragana/katakana,
    full/half width, spaces), or whose phone contains the digits typed. One or two
    characters match the start of a reading, name or nickname (search_key_matches).

    Each result carries `visible_cases` (the cases of it the user may see). A fixed number of
    queries, whatever the number of results. The persons shown are recorded as one view event
    (their ids, never the words searched for, which may be a name or a phone number).
    """
    key = normalize_kana(q)
    if not key:
        return []
    condition = search_key_matches(key)
    digits = _digits(q)
    looks_like_phone = all(ch.isdigit() or ch in "-+()" for ch in key)
    if looks_like_phone and len(digits) >= 3:
        condition |= Q(phone_key__contains=digits)
    queryset = (
        policy.visible_persons(user)
        .filter(condition, merged_into__isnull=True)
        .prefetch_related(_visible_cases_prefetch(user))
        .order_by("reading_key", "name_key", "pk")
    )
    results = list(queryset[:limit])
    if results:
        centers = user.center_ids_with(*policy.PERSON_READ_ROLES)
        audit.record(
            actor=user,
            action=Action.VIEW,
            object_type=audit.object_type_of(Person()),
            center_id=next(iter(centers)) if len(centers) == 1 else None,
            changes={"person_ids": sorted(p.pk for p in results)},
            reason="search",
        )
    return results


def _band_of(birth_date: date | None, age_band: str, today: date) -> str:
    if birth_date:
        return band_for_age(age_on(birth_date, today))
    return age_band or AgeBand.UNKNOWN


def person_duplicates(
    *,
    user,
    family_name_kana: str = "",
    given_name_kana: str = "",
    family_name: str = "",
    given_name: str = "",
    birth_date: date | None = None,
    age_band: str = "",
    phone: str = "",
    exclude_id: int | None = None,
) -> list[Person]:
    """Visible persons who may be the same as the one being entered.

    A candidate either has the same phone digits, or has the same folded reading (or the
    same folded name) AND a matching birth date, age band or phone. When both birth dates
    are known they decide; otherwise the age bands (from birth date or as recorded) must
    be equal and known.
    """
    today = timezone.localdate()
    reading = normalize_kana(f"{family_name_kana}{given_name_kana}")
    name = normalize_kana(f"{family_name}{given_name}")
    digits = _digits(phone)
    if len(digits) < MIN_PHONE_DIGITS:
        digits = ""
    condition = Q()
    if reading:
        condition |= Q(reading_key=reading)
    if name:
        condition |= Q(name_key=name)
    if digits:
        condition |= Q(phone_key=digits)
    if not condition:
        return []
    queryset = policy.visible_persons(user).filter(condition, merged_into__isnull=True)
    if exclude_id:
        queryset = queryset.exclude(pk=exclude_id)
    new_band = _band_of(birth_date, age_band, today)
    found = []
    for person in queryset.order_by("pk")[: DUPLICATE_LIMIT * 5]:
        if digits and person.phone_key == digits:
            found.append(person)
            continue
        if birth_date and person.birth_date:
            if birth_date == person.birth_date:
                found.append(person)
            continue
        their_band = person.effective_age_band(today)
        if new_band != AgeBand.UNKNOWN and new_band == their_band:
            found.append(person)
    return found[:DUPLICATE_LIMIT]


def aging_household(person: Person, today: date | None = None) -> bool:
    """The 8050 signal (8050問題, `aging_household`): aged parents supporting a middle-aged child.

    True when the person (本人) is 40 or older — by birth date, or else by the lower bound of
    their age band (年代) — and a father (父) or mother (母) among their household members
    (世帯員) is 70 or older by current_age (the age recorded, plus the years since it was
    recorded). Derived every time from the ages; never stored or typed.
    Uses person.household.members, so prefetch "household__members" when listing.
    """
    today = today or timezone.localdate()
    age = person.minimum_age(today)
    if age is None or age < AGING_CHILD_AGE or not person.household_id:
        return False
    for member in person.household.members.all():
        if member.relationship in PARENT_RELATIONSHIPS:
            parent_age = member.current_age(today)
            if parent_age is not None and parent_age >= AGING_PARENT_AGE:
                return True
    return False


def household_member_get(*, user, person: Person, member_id: int) -> HouseholdMember:
    """A member of the household of `person`, who must come from person_get (access-checked)."""
    if not person.household_id:
        raise Http404
    return get_object_or_404(HouseholdMember, pk=member_id, household_id=person.household_id)


# --- consents (同意) ---------------------------------------------------------------------------


def consents_of_person(*, user, person: Person) -> list[Consent]:
    """Every consent of `person` (who must come from an access-checked getter), newest first,
    with what the list shows, in one query."""
    return list(
        Consent.objects.filter(person_id=person.pk)
        .select_related(
            "agency", "recipient_center", "given_by_member", "recorded_by", "withdrawn_by"
        )
        .order_by("-recorded_at", "-id")
    )


def consent_get(*, user, person: Person, consent_id: int) -> Consent:
    """One consent of `person` (access-checked by the caller's getter); 404 for any other."""
    return get_object_or_404(
        Consent.objects.select_related("agency", "recipient_center", "given_by_member"),
        pk=consent_id,
        person_id=person.pk,
    )


def _recipient_filter(agency_id: int | None, center_id: int | None) -> Q:
    if (agency_id is None) == (center_id is None):
        raise ValueError("name exactly one recipient: an agency or a center")
    return Q(agency_id=agency_id) if agency_id is not None else Q(recipient_center_id=center_id)


def consented_kinds(
    *,
    person_id: int,
    agency_id: int | None = None,
    center_id: int | None = None,
    on: date | None = None,
) -> set[str]:
    """The kinds of information the person's consents in force on `on` (default today) allow
    to share with the agency (or the center). Withdrawn consents count for nothing.

    A rule check for the referral machinery: it tells which kinds, never whose or what.
    """
    on = on or timezone.localdate()
    kinds: set[str] = set()
    rows = Consent.objects.filter(
        _recipient_filter(agency_id, center_id),
        person_id=person_id,
        withdrawn_at__isnull=True,
        starts_on__lte=on,
        ends_on__gte=on,
    ).values_list("kinds", flat=True)
    for row in rows:
        kinds.update(row or [])
    return kinds & set(InfoKind.values)


def consent_lapsed(
    *, person_id: int, agency_id: int | None = None, center_id: int | None = None
) -> Consent | None:
    """The newest consent for the recipient that is no longer in force (withdrawn or ended),
    so a message can say why sharing stopped. None when there never was one."""
    today = timezone.localdate()
    return (
        Consent.objects.filter(_recipient_filter(agency_id, center_id), person_id=person_id)
        .filter(Q(withdrawn_at__isnull=False) | Q(ends_on__lt=today))
        .order_by("-recorded_at", "-id")
        .first()
    )
