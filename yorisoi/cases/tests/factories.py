"""Plain helpers that build cases through the services, as the app itself does."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from django.utils import timezone

from yorisoi.cases import services
from yorisoi.cases.models import Case, Consulter, Method

_seq = count(1)


def make_case(user, center, *, person_data=None, **extra) -> Case:
    """A case opened by an intake phone call from the person's mother, held by `user`."""
    n = next(_seq)
    data = {"family_name_kana": "てすと", "given_name_kana": f"たろう{n}"}
    if person_data is not None:
        data = person_data
    contact = services.intake_record(
        user=user,
        center=center,
        person_data=data,
        consulter=extra.pop("consulter", Consulter.FAMILY),
        consulter_relationship=extra.pop("consulter_relationship", "mother"),
        method=extra.pop("method", Method.PHONE),
        occurred_at=extra.pop("occurred_at", timezone.now() - timedelta(hours=1)),
        **extra,
    )
    return Case.objects.get(pk=contact.case_id)
