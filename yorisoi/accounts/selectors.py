"""Reads of the accounts app that take the acting user."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import User, UserSession
from .services import session_alive_since


def user_sessions_active(*, user: User) -> QuerySet[UserSession]:
    """The user's own signed-in sessions that have not yet expired, most recent first."""
    seen_after, created_after = session_alive_since()
    return UserSession.objects.filter(
        user=user, last_seen_at__gte=seen_after, created_at__gte=created_after
    )


def user_session_get(*, user: User, session_id: int) -> UserSession:
    """One of the user's own sessions; anyone else's is not found."""
    return get_object_or_404(UserSession.objects.filter(user=user), pk=session_id)
