from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from yorisoi.audit.models import Action
from yorisoi.audit.services import record


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record(actor=user, action=Action.LOGIN)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record(actor=user, action=Action.LOGOUT)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # Only the username attempted, never the password.
    record(
        actor=None,
        action=Action.LOGIN_FAILED,
        actor_label=str(credentials.get("username", ""))[:150],
    )
