"""Display helpers for cases wherever they appear: risk badges, overdue marks, 8050."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils import timezone

from yorisoi.people.selectors import aging_household as _aging_household

from ..models import Case, Status

register = template.Library()


@register.inclusion_tag("cases/_risk_badges.html")
def risk_badges(case: Case) -> dict:
    """The case's risk flags as badge--risk, and whether a raised risk awaits a manager."""
    return {
        "flags": case.risk_flags,
        "escalated": bool(case.risk_escalated_at and not case.risk_acknowledged_at),
    }


@register.filter
def is_overdue(case: Case, today: date | None = None) -> bool:
    """An open case whose next planned contact is before today."""
    today = today or timezone.localdate()
    return bool(
        case.status != Status.CLOSED and case.next_contact_on and case.next_contact_on < today
    )


@register.filter
def aging_household(person) -> bool:
    """The 8050 signal; prefetch person__household__members when listing."""
    return _aging_household(person)
