"""Writes of the accounts app: signed-in sessions, password, two-factor, staff flags.

Every change of a user's security state is audited with action `security`. The session-bound
writes (password change) take the request, because the current session must survive them.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import django_otp
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from yorisoi.audit.models import Action
from yorisoi.audit.services import REDACTED, diff, record, snapshot

from . import notices
from .models import Language, Membership, Role, User, UserSession
from .twofactor import (
    RECOVERY_CODE_COUNT,
    RECOVERY_DEVICE_NAME,
    TOTP_DEVICE_NAME,
    confirmed_totp,
    normalise_code,
    recovery_codes_left,
    recovery_device,
    user_has_device,
)

CODE_INVALID = _(
    "確認コードが正しくありません。認証アプリに今表示されている6桁の数字を、"
    "もう一度入力してください。"
)
CODE_INVALID_AT_SIGN_IN = _(
    "確認コードが正しくありません。認証アプリに今表示されている6桁の数字か、"
    "お手元のリカバリーコードを入力してください。"
)
CODE_THROTTLED = _(
    "確認コードを続けて間違えたため、入力を一時的に止めています。"
    "%(seconds)s秒ほど待ってから、もう一度入力してください。"
)

USER_AUDIT_FIELDS = (
    "username",
    "display_name",
    "last_name",
    "first_name",
    "email",
    "language",
    "is_active",
    "is_staff",
    "leaving_on",
)


# --- signed-in sessions -------------------------------------------------------------------


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_alive_since() -> tuple:
    """(last seen after, created after): outside these a session has already expired."""
    now = timezone.now()
    return (
        now - timedelta(minutes=settings.YORISOI_IDLE_TIMEOUT_MINUTES),
        now - timedelta(hours=settings.YORISOI_SESSION_MAX_HOURS),
    )


@transaction.atomic
def user_session_register(
    *, user: User, session_key: str, ip_address: str | None, user_agent: str
) -> UserSession:
    """Record a new signed-in session; forget this user's sessions that have expired since."""
    seen_after, created_after = session_alive_since()
    UserSession.objects.filter(user=user).exclude(
        last_seen_at__gte=seen_after, created_at__gte=created_after
    ).delete()
    UserSession.objects.filter(session_key=session_key).delete()
    return UserSession.objects.create(
        user=user, session_key=session_key, ip_address=ip_address, user_agent=user_agent[:300]
    )


def user_session_touch(*, user: User, session_key: str, ip_address: str | None) -> None:
    """Note activity (called at most once a minute per session)."""
    updated = UserSession.objects.filter(session_key=session_key, user=user).update(
        last_seen_at=timezone.now(), ip_address=ip_address
    )
    if not updated:
        # A session from before tracking began: start tracking it now.
        UserSession.objects.create(user=user, session_key=session_key, ip_address=ip_address)


def user_session_forget(*, session_key: str | None) -> None:
    """At logout: the row goes with the session."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def _end_sessions(sessions) -> int:
    store = _session_store()
    count = 0
    for user_session in sessions:
        store().delete(user_session.session_key)
        user_session.delete()
        count += 1
    return count


@transaction.atomic
def user_session_end(*, user: User, user_session: UserSession) -> None:
    """End one of the user's own sessions: that browser is signed out on its next request."""
    if user_session.user_id != user.pk:
        raise PermissionDenied
    pk = user_session.pk
    _end_sessions([user_session])
    record(
        actor=user,
        action=Action.SECURITY,
        object_type="accounts.usersession",
        object_id=pk,
        changes={"session": ["active", "ended"]},
    )


@transaction.atomic
def user_sessions_end_others(*, user: User, current_session_key: str | None) -> int:
    others = list(UserSession.objects.filter(user=user).exclude(session_key=current_session_key))
    count = _end_sessions(others)
    if count:
        record(actor=user, action=Action.SECURITY, obj=user, changes={"other_sessions": [count, 0]})
    return count


# --- password -----------------------------------------------------------------------------


@transaction.atomic
def password_change(*, request: HttpRequest, user: User, new_password: str) -> int:
    """Set a new password (already validated), keep this session, end every other one.

    Returns how many other sessions were ended.
    """
    user.set_password(new_password)
    user.save(update_fields=["password"])
    old_key = request.session.session_key
    update_session_auth_hash(request, user)  # gives this session a new id as well
    new_key = request.session.session_key
    UserSession.objects.filter(session_key=old_key).update(session_key=new_key)
    ended = _end_sessions(UserSession.objects.filter(user=user).exclude(session_key=new_key))
    record(
        actor=user,
        action=Action.SECURITY,
        obj=user,
        changes={"password": [REDACTED, REDACTED], "other_sessions": [ended, 0]},
    )
    notices.security_notice_enqueue(
        user=user, event=notices.SecurityEvent.PASSWORD_CHANGED, request=request
    )
    return ended


# --- two-factor ---------------------------------------------------------------------------


def _throttle_error(device: Device) -> ValidationError | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    seconds = 1
    if data and data.get("locked_until"):
        seconds = max(1, int((data["locked_until"] - timezone.now()).total_seconds() + 0.999))
    return ValidationError(CODE_THROTTLED, code="throttled", params={"seconds": seconds})


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator this user is setting up (the same one until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_enrolment_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Check the first code from the new authenticator; on success enable it.

    Returns the new recovery codes (to be shown once). A wrong code raises ValidationError;
    the failure count is kept (django-otp's throttling), so this is not one transaction.
    """
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    error = _throttle_error(device)
    if error:
        raise error
    if django_otp.verify_token(user, device.persistent_id, normalise_code(code)) is None:
        raise ValidationError(CODE_INVALID, code="invalid")
    return _totp_enrolment_complete(user=user, device=device)


@transaction.atomic
def _totp_enrolment_complete(*, user: User, device: TOTPDevice) -> list[str]:
    had_device = user_has_device(user)
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    codes = _recovery_codes_replace(user)
    record(
        actor=user,
        action=Action.SECURITY,
        obj=user,
        changes={"two_factor": [had_device, True], "recovery_codes": [None, len(codes)]},
    )
    notices.security_notice_enqueue(user=user, event=notices.SecurityEvent.TWO_FACTOR_ON)
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in sorted(codes))
    return sorted(codes)


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes; every old one stops working."""
    if not user_has_device(user):
        raise ValidationError(
            _("リカバリーコードは、二要素認証を設定してから作成できます。"), code="no_device"
        )
    before = recovery_codes_left(user)
    codes = _recovery_codes_replace(user)
    record(
        actor=user,
        action=Action.SECURITY,
        obj=user,
        changes={"recovery_codes": [before, len(codes)]},
    )
    notices.security_notice_enqueue(user=user, event=notices.SecurityEvent.RECOVERY_CODES_NEW)
    return codes


@transaction.atomic
def two_factor_remove(*, user: User) -> None:
    had_device = user_has_device(user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(
        actor=user, action=Action.SECURITY, obj=user, changes={"two_factor": [had_device, False]}
    )
    if had_device:
        notices.security_notice_enqueue(user=user, event=notices.SecurityEvent.TWO_FACTOR_OFF)


def two_factor_verify(*, user: User, code: str) -> Device:
    """Check a code at sign-in: a 6-digit authenticator code, or a recovery code (used up).

    Raises ValidationError with a message to show; failures are audited and throttled.
    """
    code = normalise_code(code)
    if len(code) == 6 and code.isdigit():
        device, kind = confirmed_totp(user), "totp"
    else:
        device, kind = recovery_device(user), "recovery"
    if device is not None:
        error = _throttle_error(device)
        if error:
            raise error
        left_before = recovery_codes_left(user) if kind == "recovery" else None
        verified = django_otp.verify_token(user, device.persistent_id, code)
    else:
        verified = None
    if verified is None:
        record(actor=user, action=Action.LOGIN_FAILED, reason="two_factor")
        raise ValidationError(CODE_INVALID_AT_SIGN_IN, code="invalid")
    if kind == "recovery":
        record(
            actor=user,
            action=Action.SECURITY,
            obj=user,
            changes={"recovery_codes": [left_before, left_before - 1]},
            reason="recovery_code_used",
        )
        notices.security_notice_enqueue(user=user, event=notices.SecurityEvent.RECOVERY_CODE_USED)
    record(actor=user, action=Action.LOGIN, reason="two_factor")
    return verified


# --- preferences ----------------------------------------------------------------------------


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    """The language this user's mail is written in, following the language switch."""
    if language not in Language.values:
        raise ValidationError(_("選べない言語です。"), code="invalid")
    if user.language == language:
        return
    before = user.language
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    record(actor=user, action=Action.UPDATE, obj=user, changes={"language": [before, language]})


# --- staff accounts (Django admin) ----------------------------------------------------------


def user_roles_snapshot(user: User) -> list[str]:
    """Active roles as "role@center id" strings, for the audit of role changes."""
    if not user.pk:
        return []
    return sorted(
        f"{m.role}@{m.center_id or '*'}"
        for m in Membership.objects.filter(user=user, is_active=True)
    )


def user_snapshot(user: User) -> dict:
    return snapshot(user, USER_AUDIT_FIELDS) if user.pk else {}


@transaction.atomic
def user_admin_saved(
    *, actor: User, user: User, before: dict, roles_before: list[str], created: bool
) -> None:
    """After the Django admin saved a user and their roles: staff flag follows the admin role,
    and the change (fields, and roles as a security change) is audited."""
    is_admin = Membership.objects.filter(user=user, role=Role.ADMIN, is_active=True).exists()
    if user.is_staff != is_admin:
        user.is_staff = is_admin
        User.objects.filter(pk=user.pk).update(is_staff=is_admin)
    changes = diff(before, user_snapshot(user))
    if changes:
        record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            obj=user,
            changes=changes,
        )
    roles_after = user_roles_snapshot(user)
    if roles_after != roles_before:
        record(
            actor=actor,
            action=Action.SECURITY,
            obj=user,
            changes={"roles": [roles_before, roles_after]},
        )
