"""Which persons a user may see: those with a case the user may see.

people sits below cases, so it reaches cases only through the reverse relation `cases`
(no import); cases.policy stays the single statement of who sees which case.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yorisoi.accounts.models import Role
from yorisoi.audit.selectors import break_glass_object_ids

from .models import Person

PERSON_READ_ROLES = (Role.MANAGER, Role.WORKER)


def visible_persons(user) -> QuerySet[Person]:
    if not user.is_authenticated:
        return Person.objects.none()
    centers = user.center_ids_with(*PERSON_READ_ROLES)
    scope = Q(pk__in=Person.objects.filter(cases__center_id__in=centers).values("pk"))
    if user.has_role(Role.ADMIN):
        granted = break_glass_object_ids(user=user, object_type="cases.case")
        if granted:
            scope |= Q(cases__pk__in=[int(i) for i in granted])
    return Person.objects.filter(scope)
