"""Who may see or change assessments. The rule is the case's: an assessment is visible to whoever
may see its case (cases.policy.visible_cases) and writable by whoever may edit the case."""

from __future__ import annotations

from django.db.models import QuerySet

from yorisoi.accounts.models import Role
from yorisoi.cases import policy as cases_policy
from yorisoi.cases.models import Case

from .models import Assessment, RiskEscalation


def visible_assessments(user) -> QuerySet[Assessment]:
    if not user.is_authenticated:
        return Assessment.objects.none()
    return Assessment.objects.filter(case__in=cases_policy.visible_cases(user))


def visible_escalations(user) -> QuerySet[RiskEscalation]:
    if not user.is_authenticated:
        return RiskEscalation.objects.none()
    return RiskEscalation.objects.filter(case__in=cases_policy.visible_cases(user))


def can_assess(user, case: Case) -> bool:
    """Start or continue an assessment of the case: the case's editors."""
    return cases_policy.can_edit_case(user, case)


def can_edit_assessment(user, assessment: Assessment) -> bool:
    return assessment.is_draft and cases_policy.can_edit_case(user, assessment.case)


def can_acknowledge_risk(user, case: Case) -> bool:
    return user.is_authenticated and user.is_manager_of(case.center_id)


def managed_center_ids(user) -> set[int]:
    """Centers where the user is a manager: they upload definitions and choose variants there."""
    if not user.is_authenticated:
        return set()
    return {
        m.center_id
        for m in user.memberships_cached
        if m.role == Role.MANAGER and m.center_id is not None
    }


def can_manage_instruments(user) -> bool:
    return bool(managed_center_ids(user))
