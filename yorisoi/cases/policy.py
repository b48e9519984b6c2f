"""Which cases and contacts a user may see or change. Every case queryset starts here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yorisoi.accounts.models import Role
from yorisoi.audit.selectors import break_glass_object_ids

from .models import Case, Contact

CASE_READ_ROLES = (Role.MANAGER, Role.WORKER)


def visible_cases(user) -> QuerySet[Case]:
    """Cases of the centers where the user is a manager or worker, plus break-glass grants.

    Peers, partners and analysts see no case here: peers work from program rosters, partners
    from referrals, analysts from aggregate statistics.
    """
    if not user.is_authenticated:
        return Case.objects.none()
    scope = Q(center_id__in=user.center_ids_with(*CASE_READ_ROLES))
    if user.has_role(Role.ADMIN):
        granted = break_glass_object_ids(user=user, object_type="cases.case")
        if granted:
            scope |= Q(pk__in=[int(i) for i in granted])
    return Case.objects.filter(scope)


def visible_contacts(user) -> QuerySet[Contact]:
    """Contacts of visible cases, and case-less contacts (agency consultations) of the centers."""
    if not user.is_authenticated:
        return Contact.objects.none()
    centers = user.center_ids_with(*CASE_READ_ROLES)
    return Contact.objects.filter(
        Q(case__in=visible_cases(user)) | Q(case__isnull=True, center_id__in=centers)
    )


def can_edit_case(user, case: Case) -> bool:
    """Managers of the case's center, and its primary and secondary workers, may write."""
    if not user.is_authenticated:
        return False
    if user.is_manager_of(case.center_id):
        return True
    if not user.has_role(Role.WORKER, center=case.center_id):
        return False
    if case.primary_worker_id == user.pk:
        return True
    # All of them rather than .filter().exists(): case_get has them prefetched, no query.
    return any(worker.pk == user.pk for worker in case.secondary_workers.all())


def can_manage_center(user, center_id: int) -> bool:
    return user.is_authenticated and user.is_manager_of(center_id)
