"""Who may see which figures, and who may change targets, external figures and commentary.

Figures are aggregates, never a person: managers see their own centers', admins and analysts
(center-wide roles) every center's. Only a manager of every center in view may open the list
of cases behind a figure, and that list starts from cases.policy.visible_cases.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yorisoi.accounts.models import Center, Role

from .models import Commentary, ExternalFigure, Target

STATISTICS_ROLES = (Role.MANAGER, Role.ADMIN, Role.ANALYST)


def statistics_center_ids(user) -> set[int]:
    """Centers whose figures the user may see."""
    if not user.is_authenticated:
        return set()
    return user.center_ids_with(*STATISTICS_ROLES)


def can_view_statistics(user) -> bool:
    return bool(statistics_center_ids(user))


def managed_center_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {m.center_id for m in user.memberships_cached if m.role == Role.MANAGER}


def all_center_ids() -> set[int]:
    return set(Center.objects.values_list("id", flat=True))


def manages_all_centers(user, center_ids: set[int] | None = None) -> bool:
    managed = managed_center_ids(user)
    return bool(managed) and (center_ids if center_ids is not None else all_center_ids()) <= managed


def can_drill_down(user, center_ids) -> bool:
    """The cases behind a figure are case content: only a manager of every center counted."""
    center_ids = set(center_ids)
    return bool(center_ids) and center_ids <= managed_center_ids(user)


def can_see_exact_figures(user, center_ids) -> bool:
    """Exact small counts stay with managers, for their own centers."""
    return can_drill_down(user, center_ids)


def can_manage_targets(user) -> bool:
    return bool(managed_center_ids(user))


def visible_targets(user) -> QuerySet[Target]:
    """Targets of the whole city, and of the centers whose figures the user may see."""
    centers = statistics_center_ids(user)
    if not centers:
        return Target.objects.none()
    return Target.objects.filter(Q(center__isnull=True) | Q(center_id__in=centers))


def editable_targets(user) -> QuerySet[Target]:
    """A manager keeps the city plan's targets (with the other managers) and their centers'."""
    centers = managed_center_ids(user)
    if not centers:
        return Target.objects.none()
    return Target.objects.filter(Q(center__isnull=True) | Q(center_id__in=centers))


def editable_external_figures(user) -> QuerySet[ExternalFigure]:
    centers = managed_center_ids(user)
    if not centers:
        return ExternalFigure.objects.none()
    return ExternalFigure.objects.filter(Q(center__isnull=True) | Q(center_id__in=centers))


def can_edit_commentary(user, *, center_id: int | None, center_ids) -> bool:
    """A center's commentary: its managers. The city's: a manager of every center."""
    if center_id is not None:
        return center_id in managed_center_ids(user)
    return manages_all_centers(user, set(center_ids))


def commentary_scope(user, *, fiscal_year: int, center_id: int | None) -> QuerySet[Commentary]:
    return Commentary.objects.filter(fiscal_year=fiscal_year, center_id=center_id)
