import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from yorisoi.audit.models import Action
from yorisoi.audit.services import record
from yorisoi.core.middleware import client_ip

from . import services
from .session_state import SESSION_HAS_DEVICE, SESSION_LAST_SEEN, SESSION_STARTED
from .twofactor import user_has_device


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record(actor=user, action=Action.LOGIN)


@receiver(user_logged_in)
def start_session(sender, request, user, **kwargs):
    """Lifetime clocks, the 2FA flag and the session list entry start at login.

    Django has already given the session a new id (login() cycles or flushes it); a flushed
    session gets its new id here, so the list entry can name it.
    """
    session = request.session
    now = time.time()
    session[SESSION_STARTED] = now
    session[SESSION_LAST_SEEN] = now
    session[SESSION_HAS_DEVICE] = user_has_device(user)
    if session.session_key is None:
        session.save()
    services.user_session_register(
        user=user,
        session_key=session.session_key,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record(actor=user, action=Action.LOGOUT)
    if request is not None and hasattr(request, "session"):
        services.user_session_forget(session_key=request.session.session_key)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # Only the username attempted, never the password.
    record(
        actor=None,
        action=Action.LOGIN_FAILED,
        actor_label=str(credentials.get("username", ""))[:150],
    )
